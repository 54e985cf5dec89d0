"""Analytics with crm: customers imported from CSV, a year of orders, then
lifetime values, RFM segments, revenue, cohorts, churn risk and offers.

Run: python crm-py/examples/analytics.py      (pandas, if installed, is used
for one table at the end)
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any

import crm

CUSTOMERS_CSV = "\n".join(
    ["name;surname;email;segment"] + [f"Customer;No {i};customer{i}@example.com;retail" for i in range(300)]
)


def main() -> None:
    rng = random.Random(7)
    with crm.open(":memory:") as db:
        # 1. Customers from CSV: ';' is detected, the email is the key, so a
        #    second import of the same file updates instead of duplicating.
        mapping: dict[str, Any] = {
            "columns": {"name": "given_name", "surname": "family_name", "email": "email", "segment": "tag"},
            "key": "email",
        }
        db.save_mapping("shop customers", mapping)
        report = db.import_csv(
            CUSTOMERS_CSV.encode(),
            mapping="shop customers",
            batch_size=100,
            progress=lambda p: print(f"  imported {p.rows} rows"),
        )
        print("import:", report.created, "created,", report.rejected, "rejected, delimiter", repr(report.delimiter))
        customers = list(db.parties(tag="retail"))

        # 2. A year of orders: each customer buys at its own rate until it
        #    drops out, each spending around its own mean.
        products = [db.create_product(f"P-{i}", f"Product {i}", category="cat" + str(i % 3)) for i in range(6)]
        start = datetime(2024, 1, 1, 12, tzinfo=timezone.utc)
        orders: list[dict[str, Any]] = []
        for c in customers:
            day = rng.randrange(0, 120)
            rate = rng.gammavariate(2.0, 0.02)  # purchases a day
            drop = rng.betavariate(1.0, 4.0)  # the chance of leaving after a purchase
            spend = rng.lognormvariate(8.0, 0.6)  # what this customer usually spends, in cents
            while day < 365:
                basket = rng.sample(products[: rng.choice([3, 6])], k=rng.randint(1, 2))
                orders.append(
                    {
                        "party_id": c.id,
                        "currency": "EUR",
                        "status": "delivered",
                        "placed_at": start + timedelta(days=day),
                        "lines": [
                            {"product_id": p.id, "quantity": 1, "unit_price": int(spend * rng.gammavariate(4, 0.25))}
                            for p in basket
                        ],
                    }
                )
                if rng.random() < drop:
                    break
                day += max(1, int(rng.expovariate(rate)))
        db.create_orders(orders)
        as_of = date(2024, 12, 31)

        # 3. Lifetime value: BG/NBD and Gamma-Gamma fitted on the base.
        model = db.fit_clv(as_of, "EUR")
        p = model.bgnbd.params
        print(f"BG/NBD r={p.r:.3f} alpha={p.alpha:.2f} a={p.a:.3f} b={p.b:.3f}")
        if model.bgnbd.standard_errors is not None:
            print(f"  standard error of r: {model.bgnbd.standard_errors.r:.3f}")
        values = db.customer_values(as_of, "EUR", periods=12, discount_rate=0.01)
        for v in values[:3]:
            print(f"  {v.party_id}: P(alive) {v.probability_alive:.2f}, 12-month value {v.clv / 100:.2f} EUR")

        # 4. RFM segments, revenue, cohorts, churn risk, offers.
        print("RFM:", Counter(s.segment for s in db.rfm(as_of, "EUR")).most_common(3))
        for row in db.revenue(period="quarter", by="category"):
            print(f"  {row.period} {row.key}: {row.amount / 100:.2f} {row.currency}")
        january = db.cohorts("EUR", months=12)[0]
        print("January cohort retention:", [round(r, 2) for r in january.retention[:6]])
        print("at risk:", len(db.churn_risk(as_of, "EUR", threshold=0.3)))
        offers = db.next_best_offers(customers[0].id, k=2)
        print("offers for the first customer:", [db.get_product(o.product_id).sku for o in offers])
        print("offers hit rate:", db.evaluate_offers(k=2))

        # 5. Any table as plain dicts, or as a DataFrame when pandas is there.
        try:
            frame = values.to_pandas()
        except ImportError:
            print(values.to_dicts()[0])
        else:
            print(frame[["party_id", "probability_alive", "clv"]].head(3))


if __name__ == "__main__":
    main()
