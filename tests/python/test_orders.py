"""Orders: creation, import, statuses, lists."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import crm


@pytest.fixture
def shoe(db: crm.Crm) -> crm.Product:
    product = db.create_product("SH-1", "Running shoe")
    base = db.create_price_list("Base EUR", "EUR")
    db.set_price(base.id, product.id, (5000, "EUR"))
    return product


def test_create_with_totals(db: crm.Crm, anna: crm.Party, shoe: crm.Product) -> None:
    order = db.create_order(
        anna.id,
        "EUR",
        lines=[
            {"product_id": shoe.id, "quantity": 2, "tax_rate_bp": 2100},
            {"description": "Gift wrap", "quantity": 1, "unit_price": 300, "discount": 100},
        ],
        status="placed",
        channel="store",
    )
    assert (order.status, order.channel, order.currency) == ("placed", "store", "EUR")
    assert [line.unit_price for line in order.lines] == [5000, 300]
    assert order.lines[0].description == "Running shoe"
    assert (order.subtotal, order.discount, order.tax, order.total) == (10300, 100, 2100, 12300)
    assert order.placed_at is not None
    assert [(c.from_status, c.to_status) for c in order.status_history] == [(None, "placed")]
    assert db.get_order(order.id) == order
    assert order.to_dict()["lines"][1]["description"] == "Gift wrap"


def test_status_road(db: crm.Crm, anna: crm.Party, shoe: crm.Product) -> None:
    order = db.create_order(anna.id, "EUR", lines=[{"product_id": shoe.id, "quantity": 1}])
    for status in ["placed", "paid", "shipped", "delivered"]:
        order = db.set_order_status(order.id, order.version, status)
    assert order.status == "delivered"
    with pytest.raises(crm.ValidationError) as e:
        db.set_order_status(order.id, order.version, "draft")
    assert e.value.field == "status"
    assert db.get_order(order.id) == order
    with pytest.raises(crm.ValidationError) as e:
        db.set_order_status(order.id, order.version, "lost")
    assert e.value.field == "status"


def test_import_is_idempotent(db: crm.Crm, anna: crm.Party, shoe: crm.Product) -> None:
    line = {"product_id": shoe.id, "quantity": 1}
    at = datetime(2024, 3, 1, 10, tzinfo=timezone.utc)
    order, outcome = db.import_order(
        anna.id, "EUR", external_id="W-1", lines=[line], status="placed", placed_at=at
    )
    assert outcome == "created" and order.external_id == "W-1"
    again, outcome = db.import_order(
        anna.id, "EUR", external_id="W-1", lines=[line], status="placed", placed_at=at
    )
    assert outcome == "unchanged" and again == order
    paid, outcome = db.import_order(anna.id, "EUR", external_id="W-1", lines=[line], status="paid", placed_at=at)
    assert outcome == "updated" and paid.status == "paid"
    assert db.order_by_external_id("web_shop", "W-1") == paid
    with pytest.raises(crm.NotFoundError):
        db.order_by_external_id("store", "W-1")


def test_create_orders_all_or_none(db: crm.Crm, anna: crm.Party, shoe: crm.Product) -> None:
    good = {"party_id": anna.id, "currency": "EUR", "lines": [{"product_id": shoe.id, "quantity": 1}]}
    bad = {"party_id": anna.id, "currency": "EUR", "lines": [{"product_id": shoe.id, "quantity": 0}]}
    with pytest.raises(crm.ValidationError) as e:
        db.create_orders([good, bad])
    assert e.value.field is not None and e.value.field.startswith("orders[1]")
    assert list(db.orders()) == []
    made = db.create_orders([good, good])
    assert len(made) == 2
    with pytest.raises(TypeError):
        db.create_orders([{"currency": "EUR", "lines": []}])


def test_lazy_list(db: crm.Crm, anna: crm.Party, acme: crm.Party, shoe: crm.Product) -> None:
    for i in range(5):
        db.create_order(
            anna.id,
            "EUR",
            lines=[{"product_id": shoe.id, "quantity": i + 1}],
            status="placed",
            placed_at=datetime(2024, 1, i + 1, tzinfo=timezone.utc),
        )
    db.create_order(acme.id, "EUR", lines=[{"product_id": shoe.id, "quantity": 9}])
    it = db.orders(page_size=2)
    assert isinstance(it, crm.OrderIterator)
    everything = list(it)
    # Newest first by the time placed (a draft: the time created).
    assert len(everything) == 6 and everything[0].status == "draft"
    assert [o.lines[0].quantity for o in db.orders(party_id=anna.id)] == [5, 4, 3, 2, 1]
    assert len(list(db.orders(status="draft"))) == 1
    window = db.orders(
        placed_from=datetime(2024, 1, 2, tzinfo=timezone.utc), placed_to=datetime(2024, 1, 4, tzinfo=timezone.utc)
    )
    assert [o.lines[0].quantity for o in window] == [3, 2]
    with pytest.raises(crm.ValidationError):
        db.orders(page_size=5000)


def test_bad_orders_change_nothing(db: crm.Crm, anna: crm.Party, shoe: crm.Product) -> None:
    seq = db.events_after(0, 1000)[-1].seq
    with pytest.raises(crm.ValidationError) as e:
        db.create_order(anna.id, "EUR", lines=[{"product_id": shoe.id, "quantity": -2}])
    assert e.value.field == "lines[0].quantity"
    archived = db.archive_party(anna.id, anna.version)
    seq = db.events_after(0, 1000)[-1].seq
    with pytest.raises(crm.ValidationError) as e:
        db.create_order(archived.id, "EUR", lines=[{"product_id": shoe.id, "quantity": 1}])
    assert e.value.field == "party_id"
    with pytest.raises(TypeError):
        db.create_order(anna.id, "EUR")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        db.create_order(anna.id, "EUR", lines=[{"quantity": 1, "unit_price": 9.99}])
    with pytest.raises(TypeError):
        db.create_order(anna.id, "EUR", lines=[{"quantity": 1, "colour": "red"}])
    with pytest.raises(TypeError):
        db.create_order(anna.id, "EUR", lines=[], colour="red")  # type: ignore[call-arg]
    assert db.events_after(seq) == []
    assert list(db.orders()) == []
