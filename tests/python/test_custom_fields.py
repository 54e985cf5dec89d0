"""Custom fields: definitions, typed values (Decimal, date, choices),
filters, required and unique fields."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

import crm


@pytest.fixture
def fields(db: crm.Crm) -> list[crm.FieldDef]:
    return [
        db.define_field("party", "credit_limit", "decimal", label="Credit limit"),
        db.define_field("party", "since", "date"),
        db.define_field("person", "shoe_size", "integer"),
        db.define_field("party", "newsletter", "bool"),
        db.define_field("party", "tier", "choice", choices=["gold", "silver"]),
        db.define_field("party", "interests", "choices", choices=["golf", "ski", "tea"]),
        db.define_field("party", "nickname", "text"),
    ]


def test_definitions(db: crm.Crm, fields: list[crm.FieldDef]) -> None:
    f = fields[0]
    assert f.name == "credit_limit" and f.label == "Credit limit" and f.field_type == "decimal"
    assert f.entity == "party" and not f.required and not f.unique and f.version == 1
    assert fields[4].choices == ["gold", "silver"]
    assert {d.name for d in db.fields()} == {x.name for x in fields}
    assert "shoe_size" not in {d.name for d in db.fields("organization")}
    assert "shoe_size" in {d.name for d in db.fields("person")}
    assert f.to_dict()["field_type"] == "decimal"
    assert "FieldDef(" in repr(f)


def test_typed_values(db: crm.Crm, fields: list[crm.FieldDef]) -> None:
    p = db.create_person(
        given_name="A",
        family_name="B",
        custom={
            "credit_limit": Decimal("1500.50"),
            "since": date(2020, 2, 29),
            "shoe_size": 38,
            "newsletter": True,
            "tier": "gold",
            "interests": ["tea", "golf", "tea"],
            "nickname": "Ann",
        },
    )
    c = p.custom
    assert c["credit_limit"] == Decimal("1500.5") and isinstance(c["credit_limit"], Decimal)
    assert c["since"] == date(2020, 2, 29)
    assert c["shoe_size"] == 38
    assert c["newsletter"] is True
    assert c["tier"] == "gold"
    assert c["interests"] == ["golf", "tea"]
    assert c["nickname"] == "Ann"
    assert db.get_party(p.id).custom == c


def test_strings_and_floats_are_read_by_field_type(db: crm.Crm, fields: list[crm.FieldDef]) -> None:
    p = db.create_person(given_name="A", family_name="B", custom={"credit_limit": "12.50", "since": "2024-05-31"})
    assert p.custom["credit_limit"] == Decimal("12.5")
    assert p.custom["since"] == date(2024, 5, 31)
    q = db.create_person(given_name="C", family_name="D", custom={"credit_limit": 0.1})
    assert q.custom["credit_limit"] == Decimal("0.1")


def test_update_and_clear_custom(db: crm.Crm, fields: list[crm.FieldDef]) -> None:
    p = db.create_person(given_name="A", family_name="B", custom={"tier": "gold", "shoe_size": 40})
    p = db.update_party(p.id, p.version, custom={"tier": "silver", "shoe_size": None})
    assert p.custom == {"tier": "silver"}


def test_filter_by_custom(db: crm.Crm, fields: list[crm.FieldDef]) -> None:
    db.create_person(given_name="A", family_name="B", custom={"tier": "gold", "interests": ["ski"]})
    db.create_person(given_name="C", family_name="D", custom={"tier": "silver", "interests": ["ski", "tea"]})
    assert db.count_parties(custom={"tier": "gold"}) == 1
    assert db.count_parties(custom={"interests": "ski"}) == 2
    assert [p.display_name for p in db.parties(custom={"interests": "tea"})] == ["C D"]


def test_wrong_values(db: crm.Crm, fields: list[crm.FieldDef]) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.create_person(given_name="A", family_name="B", custom={"tier": "bronze"})
    assert e.value.field == "custom.tier"
    with pytest.raises(crm.ValidationError) as e:
        db.create_person(given_name="A", family_name="B", custom={"shoe_size": "big"})
    assert e.value.field == "custom.shoe_size"
    with pytest.raises(crm.ValidationError):
        db.create_person(given_name="A", family_name="B", custom={"unknown_field": 1})
    with pytest.raises(crm.ValidationError):
        db.create_person(given_name="A", family_name="B", custom={"credit_limit": Decimal("NaN")})
    with pytest.raises(TypeError):
        db.create_person(given_name="A", family_name="B", custom={"since": datetime(2024, 1, 1)})
    with pytest.raises(TypeError):
        db.create_person(given_name="A", family_name="B", custom={"nickname": None})
    with pytest.raises(TypeError):
        db.create_person(given_name="A", family_name="B", custom={"nickname": object()})
    assert db.count_parties() == 0


def test_required_unique_and_remove(db: crm.Crm) -> None:
    f = db.define_field("person", "customer_code", "text", required=True, unique=True)
    with pytest.raises(crm.ValidationError) as e:
        db.create_person(given_name="A", family_name="B")
    assert e.value.field == "custom.customer_code"
    db.create_person(given_name="A", family_name="B", custom={"customer_code": "C-1"})
    with pytest.raises(crm.CrmError):
        db.create_person(given_name="C", family_name="D", custom={"customer_code": "C-1"})
    with pytest.raises(crm.ConflictError):
        db.remove_field(f.id, f.version + 1)
    db.remove_field(f.id, f.version)
    assert db.fields() == []
    with pytest.raises(crm.ValidationError):
        db.define_field("invoice", "x", "text")
    with pytest.raises(crm.ValidationError):
        db.define_field("party", "x", "float")
    with pytest.raises(crm.ValidationError):
        db.define_field("party", "Bad Name", "text")
