"""A tour of the crm package: parties, contact points, roles, custom
fields, relationships, lists, optimistic concurrency, audit and outbox.

Run: python crm-py/examples/quickstart.py [path.db]   (default: in memory)
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal

import crm


def main(path: str = ":memory:") -> None:
    with crm.open(path, default_region="LV") as db:
        # Custom fields are typed: decimals come back as Decimal, dates as date.
        db.define_field("party", "credit_limit", "decimal")
        db.define_field("person", "tier", "choice", choices=["gold", "silver"])

        acme = db.create_organization(
            legal_name="Acme SIA",
            vat_number="LV40003000001",
            contacts=[{"kind": "address", "street": "Brīvības iela 1", "city": "Rīga", "country": "LV"}],
            roles=["customer"],
        )
        anna = db.create_person(
            given_name="Anna",
            family_name="Bērziņa",
            birth_date=date(1990, 5, 17),
            emails=["anna@acme.lv"],
            phones=["2000 0001"],  # read in the default region: +37120000001
            roles=[{"role": "customer", "tier": "gold", "vip": True}],
            tags=["newsletter"],
            custom={"credit_limit": Decimal("1500.00"), "tier": "gold"},
            parent_id=acme.id,
        )
        print(anna)
        print("  phone:", [c.value for c in anna.contact_points if c.kind == "phone"])
        print("  credit limit:", repr(anna.custom["credit_limit"]))

        # Many at once, in one transaction.
        db.create_parties(
            [{"given_name": f"Customer{i}", "family_name": "Demo", "roles": ["customer"]} for i in range(5)]
        )

        # Relationships and the graph.
        db.create_relationship("employee_of", anna.id, acme.id, valid_from=date(2024, 1, 1))
        for n in db.neighbours(acme.id):
            print(f"  {acme.display_name} is {n.label} {n.display_name}")
        print("  members of Acme:", [p.display_name for p in db.members(acme.id)])

        # Lists fetch pages lazily; filters are keyword arguments.
        for p in db.parties(kind="person", role="customer", sort="name"):
            print("  customer:", p.display_name)
        print("  persons:", db.count_parties(kind="person"))

        # Optimistic concurrency: an update names the version it read.
        updated = db.update_party(anna.id, version=anna.version, language="lv")
        try:
            db.update_party(anna.id, version=anna.version, language="en")
        except crm.ConflictError as e:
            print("  conflict:", e)

        # Errors are exceptions with a hierarchy.
        try:
            db.create_person(given_name="Bad", family_name="Email", emails=["not-an-email"])
        except crm.ValidationError as e:
            print(f"  invalid {e.field}")

        # Every write is audited and published to the outbox.
        for entry in db.history(updated.id):
            print(f"  audit #{entry.seq}: {entry.action} by {entry.actor}")
        events = db.events_after(0, limit=1000)
        print("  outbox events:", len(events), "last:", events[-1].topic)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ":memory:")
