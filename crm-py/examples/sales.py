"""Sales with crm: a lead becomes a customer and an opportunity, the deal is
won, the order is imported from the web shop, and the timeline shows it all.

Run: python crm-py/examples/sales.py
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import crm


def main() -> None:
    with crm.open(":memory:", default_region="LV") as db:
        db.set_lead_score_rules(
            [
                {"condition": "has_company", "points": 20},
                {"condition": "source", "value": "referral", "points": 30},
            ]
        )
        lead = db.create_lead(
            given_name="Jānis",
            family_name="Ozols",
            email="janis@ozols.lv",
            phone="2000 0009",
            company_name="Ozols SIA",
            source="referral",
        )
        print(lead.status, lead.score)  # new 50

        sales = db.create_pipeline(
            "Sales",
            [("Qualify", 10), ("Proposal", 50), ("Won", 100, "won"), ("Lost", 0, "lost")],
        )
        lead = db.update_lead(lead.id, lead.version, status="qualified")
        lead, opp = db.convert_lead(
            lead.id,
            lead.version,
            opportunity={"pipeline_id": sales.id, "amount": crm.Money(480_000, "EUR")},
        )
        assert opp is not None and lead.person_id is not None
        print(opp.name, opp.amount, opp.weighted_amount)  # Ozols SIA 4800.00 EUR 480.00 EUR

        janis = lead.person_id
        db.record_interaction(
            "meeting",
            "Proposal walkthrough",
            participants=[(janis, "attendee")],
            opportunity_id=opp.id,
            duration_seconds=3600,
        )
        db.create_task(
            "Send the contract",
            party_id=janis,
            due_at=datetime.now(timezone.utc) + timedelta(days=2),
            priority="high",
        )

        won = sales.stage("Won")
        assert won is not None
        opp = db.move_opportunity(opp.id, opp.version, won.id, reason="signed")
        print(opp.status, [s.count for s in db.pipeline_summary(sales.id).stages])

        licence = db.create_product("LIC-Y", "Yearly licence", unit="year")
        base = db.create_price_list("Base EUR", "EUR")
        db.set_price(base.id, licence.id, (480_000, "EUR"))
        order, outcome = db.import_order(
            janis,
            "EUR",
            external_id="WEB-1001",
            status="paid",
            lines=[{"product_id": licence.id, "quantity": 1, "tax_rate_bp": 2100}],
        )
        print(outcome, order.status, crm.Money(order.total, order.currency))  # created paid 5808.00 EUR

        for it in db.timeline(janis):
            print(it.occurred_at.date(), it.channel, it.subject)
        for hit in db.search_parties("ozol"):
            print(hit.party.display_name)


if __name__ == "__main__":
    main()
