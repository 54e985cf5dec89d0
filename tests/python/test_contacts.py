"""Contact points: add, update, remove, primary flags, lookups."""

from __future__ import annotations

import pytest

import crm


def test_contacts_of_every_kind(db: crm.Crm) -> None:
    p = db.create_person(
        given_name="Anna",
        family_name="B",
        contacts=[
            {"kind": "email", "address": "anna@acme.lv", "label": "work"},
            {"kind": "phone", "number": "20000001", "region": "LV"},
            {"kind": "address", "street": "Brīvības iela 1", "city": "Rīga", "postal_code": "LV-1010", "country": "LV"},
            {"kind": "web", "url": "acme.lv"},
            {"kind": "social", "network": "LinkedIn", "handle": "anna-b"},
        ],
    )
    by_kind = {c.kind: c for c in p.contact_points}
    assert by_kind["email"].label == "work"
    assert by_kind["phone"].value == "+37120000001"
    assert by_kind["phone"].details == {"number": "+37120000001", "region": "LV"}
    assert by_kind["address"].details["city"] == "Rīga"
    assert by_kind["address"].details["country"] == "LV"
    assert by_kind["web"].value.startswith("https://")
    assert by_kind["social"].details["network"] == "linkedin"
    assert p.country == "LV"
    assert all(c.primary for c in p.contact_points)
    primary = p.primary("email")
    assert primary is not None and primary.value == "anna@acme.lv"
    assert p.primary("fax") is None


def test_add_update_remove(db: crm.Crm, anna: crm.Party) -> None:
    cp = db.add_contact_point(anna.id, "email", address="Anna.B@Gmail.com", label="home", primary=True)
    assert cp.value == "anna.b@gmail.com"
    assert cp.raw == "Anna.B@Gmail.com"
    assert cp.primary
    p = db.get_party(anna.id)
    emails = [c for c in p.contact_points if c.kind == "email"]
    assert [c.primary for c in emails].count(True) == 1
    primary = p.primary("email")
    assert primary is not None and primary.id == cp.id

    cp2 = db.update_contact_point(cp.id, cp.version, label=None, verified=True)
    assert cp2.label is None and cp2.verified and cp2.version == cp.version + 1
    cp3 = db.update_contact_point(cp2.id, cp2.version, kind="email", address="new@example.com")
    assert cp3.value == "new@example.com"
    with pytest.raises(crm.ConflictError):
        db.update_contact_point(cp.id, cp.version, verified=False)
    db.remove_contact_point(cp3.id, cp3.version)
    with pytest.raises(crm.NotFoundError):
        db.remove_contact_point(cp3.id, cp3.version)
    again = db.get_party(anna.id).primary("email")
    assert again is not None and again.value == "anna@acme.lv"


def test_find_by_contact(db: crm.Crm, anna: crm.Party) -> None:
    assert [p.id for p in db.find_by_contact("email", address="ANNA@acme.lv ")] == [anna.id]
    assert [p.id for p in db.find_by_contact("phone", number="+371 20 000 001")] == [anna.id]
    assert db.find_by_contact("email", address="nobody@acme.lv") == []
    with pytest.raises(TypeError):
        db.find_by_contact("email", number="1")


def test_contact_argument_errors(db: crm.Crm, anna: crm.Party) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.add_contact_point(anna.id, "fax", number="1")
    assert e.value.field == "kind"
    with pytest.raises(TypeError, match="address"):
        db.add_contact_point(anna.id, "email")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        db.add_contact_point(anna.id, "email", address="a@b.lv", colour="red")
    with pytest.raises(TypeError):
        db.add_contact_point(anna.id, "email", address="a@b.lv", primary=1)
    with pytest.raises(TypeError, match="kind"):
        db.create_person(given_name="A", family_name="B", contacts=[{"address": "a@b.lv"}])
    with pytest.raises(TypeError):
        db.update_contact_point(anna.contact_points[0].id, 1, address="x@y.lv")
    with pytest.raises(crm.ValidationError) as e:
        db.add_contact_point(anna.id, "email", address="not-an-email")
    assert e.value.field is not None and "address" in e.value.field
    assert db.get_party(anna.id) == anna


def test_contact_to_dict(anna: crm.Party) -> None:
    d = anna.contact_points[1].to_dict()
    assert d["kind"] == "phone" and d["number"] == "+37120000001" and d["region"] == "LV"
    assert d["raw"] == "+371 2000 0001"
    assert "ContactPoint(" in repr(anna.contact_points[1])
