"""Money, products and price lists."""

from __future__ import annotations

from datetime import date

import pytest

import crm


def test_money() -> None:
    m = crm.Money(1234, "EUR")
    assert (m.amount, m.currency) == (1234, "EUR")
    assert m == crm.Money(1234, "EUR") and m != crm.Money(1235, "EUR")
    assert hash(m) == hash(crm.Money(1234, "EUR"))
    assert repr(m) == "Money(amount=1234, currency='EUR')"
    assert str(m) == "12.34 EUR"
    assert m.to_dict() == {"amount": 1234, "currency": "EUR"}
    with pytest.raises(TypeError):
        crm.Money(12.34, "EUR")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        m.amount = 5  # type: ignore[misc]


def test_products(db: crm.Crm) -> None:
    shoe = db.create_product("SH-1", "Running shoe", category="shoes")
    assert (shoe.sku, shoe.unit, shoe.active) == ("SH-1", "pcs", True)
    hour = db.create_product("CONS-H", "Consulting", unit="hour", category="services")
    assert db.get_product(shoe.id) == shoe
    assert db.product_by_sku("SH-1") == shoe
    assert db.products() == [hour, shoe]
    assert db.products(category="shoes") == [shoe]
    off = db.update_product(shoe.id, shoe.version, active=False, description="old model")
    assert not off.active and off.description == "old model"
    assert db.products() == [hour]
    assert db.products(include_inactive=True) == [hour, off]
    assert off.to_dict()["sku"] == "SH-1"
    with pytest.raises(crm.ValidationError) as e:
        db.create_product("SH-1", "Again")
    assert e.value.field == "sku"
    with pytest.raises(crm.NotFoundError):
        db.product_by_sku("NOPE")
    with pytest.raises(TypeError):
        db.update_product(shoe.id, off.version, colour="red")  # type: ignore[call-arg]


def test_price_lists_and_prices(db: crm.Crm, anna: crm.Party) -> None:
    shoe = db.create_product("SH-1", "Running shoe")
    base = db.create_price_list("Base EUR", "eur")
    assert base.currency == "EUR"
    gold = db.create_price_list("Gold", "EUR", tier="gold", valid_from=date(2024, 1, 1))
    assert db.get_price_list(gold.id) == gold
    assert db.price_lists() == [base, gold]
    db.set_price(base.id, shoe.id, crm.Money(9900, "EUR"))
    db.set_price(gold.id, shoe.id, (8900, "EUR"))
    quote = db.price_for(shoe.id, "EUR", at=date(2024, 6, 1))
    assert quote is not None and quote.unit_price == crm.Money(9900, "EUR") and quote.price_list_id == base.id
    vip = db.create_person(given_name="Vip", roles=[{"role": "customer", "tier": "gold"}])
    vq = db.price_for(shoe.id, "EUR", party_id=vip.id, at=date(2024, 6, 1))
    assert vq is not None and vq.unit_price.amount == 8900
    assert db.price_for(shoe.id, "NOK") is None


def test_a_price_in_another_currency_changes_nothing(db: crm.Crm) -> None:
    shoe = db.create_product("SH-1", "Running shoe")
    base = db.create_price_list("Base EUR", "EUR")
    db.set_price(base.id, shoe.id, (9900, "EUR"))
    before = db.get_price_list(base.id)
    with pytest.raises(crm.ValidationError) as e:
        db.set_price(base.id, shoe.id, (100, "USD"))
    assert e.value.field == "currency"
    with pytest.raises(crm.ValidationError) as e:
        db.set_price(base.id, shoe.id, (-1, "EUR"))
    assert e.value.field == "unit_price"
    with pytest.raises(TypeError):
        db.set_price(base.id, shoe.id, 99.0)  # type: ignore[arg-type]
    assert db.get_price_list(base.id) == before
    quote = db.price_for(shoe.id, "EUR")
    assert quote is not None and quote.unit_price == crm.Money(9900, "EUR")
