"""Parties: create, get, update with versions, archive, restore, delete,
tags, notes, open options and the handle itself."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import crm


def test_create_person_with_everything(db: crm.Crm) -> None:
    p = db.create_person(
        given_name="Anna",
        family_name="Bērziņa",
        birth_date=date(1990, 5, 17),
        language="lv",
        emails=["Anna@Acme.LV"],
        phones=["+371 2000 0001"],
        roles=["customer"],
        tags=["vip", "b2b"],
    )
    assert p.kind == "person"
    assert p.display_name == "Anna Bērziņa"
    assert p.given_name == "Anna"
    assert p.family_name == "Bērziņa"
    assert p.birth_date == date(1990, 5, 17)
    assert p.language == "lv"
    assert p.version == 1
    assert p.tags == ["b2b", "vip"]
    assert [c.kind for c in p.contact_points] == ["email", "phone"]
    assert p.contact_points[0].value == "anna@acme.lv"
    assert p.contact_points[1].value == "+37120000001"
    assert p.has_role("customer") and not p.has_role("supplier")
    assert p.commercial_id == p.id
    assert p.archived is False and p.archived_at is None
    assert isinstance(p.created_at, datetime)
    assert p.created_at.tzinfo is not None
    assert p.created_at.utcoffset() == timezone.utc.utcoffset(None)
    uuid.UUID(p.id)  # a valid id


def test_create_organization(db: crm.Crm) -> None:
    o = db.create_organization(
        legal_name="Acme SIA",
        vat_number="lv 4000-3000-001",
        registration_number="40003000001",
        industry="retail",
        size="small",
    )
    assert o.kind == "organization"
    assert o.display_name == "Acme SIA"
    assert o.vat_number == "LV40003000001"
    assert o.size == "small"
    assert o.industry == "retail"


def test_create_party_generic_and_given_id(db: crm.Crm) -> None:
    wanted = uuid.UUID("01900000-0000-7000-8000-000000000001")
    p = db.create_party(kind="organization", legal_name="Globex", id=wanted)
    assert p.id == str(wanted)
    assert db.get_party(wanted) == p
    assert db.get_party(str(wanted)) == p


def test_person_in_organization(db: crm.Crm, acme: crm.Party) -> None:
    p = db.create_person(given_name="Jānis", family_name="Ozols", parent_id=acme.id)
    assert p.parent_id == acme.id
    assert p.commercial_id == acme.id


def test_get_returns_equal_record(db: crm.Crm, anna: crm.Party) -> None:
    again = db.get_party(anna.id)
    assert again == anna
    assert again is not anna
    assert again != db.create_person(given_name="Other", family_name="Person")


def test_repr_and_to_dict(anna: crm.Party) -> None:
    r = repr(anna)
    assert r.startswith("Party(id='") and "display_name='Anna Bērziņa'" in r
    d = anna.to_dict()
    assert d["id"] == anna.id
    assert d["display_name"] == "Anna Bērziņa"
    assert d["contact_points"][0]["address"] == "anna@acme.lv"
    assert d["roles"][0]["role"] == "customer"
    assert isinstance(d["created_at"], datetime)
    assert d["tags"] == ["vip"]


def test_create_many_all_or_nothing(db: crm.Crm) -> None:
    made = db.create_parties(
        [
            {"given_name": "A", "family_name": "One", "emails": ["a@one.lv"]},
            {"kind": "organization", "legal_name": "Two SIA"},
        ]
    )
    assert [p.display_name for p in made] == ["A One", "Two SIA"]
    with pytest.raises(crm.ValidationError) as e:
        db.create_parties(
            [
                {"given_name": "B", "family_name": "Good"},
                {"given_name": "C", "family_name": "Bad", "emails": ["not an email"]},
            ]
        )
    assert e.value.field is not None and e.value.field.startswith("parties[1]")
    assert db.count_parties() == 2


def test_create_many_rejects_unknown_keys(db: crm.Crm) -> None:
    with pytest.raises(TypeError, match="parties\\[0\\]"):
        db.create_parties([{"given_name": "A", "nickname": "x"}])
    with pytest.raises(TypeError):
        db.create_parties([["not", "a", "dict"]])  # type: ignore[list-item]
    assert db.count_parties() == 0


def test_update_with_version(db: crm.Crm, anna: crm.Party) -> None:
    p = db.update_party(anna.id, version=anna.version, language="nb-no", family_name="Ozola")
    assert p.version == anna.version + 1
    assert p.language == "nb-NO"
    assert p.display_name == "Anna Ozola"
    cleared = db.update_party(p.id, p.version, language=None)
    assert cleared.language is None


def test_update_conflict(db: crm.Crm, anna: crm.Party) -> None:
    db.update_party(anna.id, version=anna.version, language="lv")
    with pytest.raises(crm.ConflictError) as e:
        db.update_party(anna.id, version=anna.version, language="en")
    assert e.value.expected == anna.version
    assert e.value.actual == anna.version + 1
    assert db.get_party(anna.id).language == "lv"


def test_update_rejects_unknown_and_none_display_name(db: crm.Crm, anna: crm.Party) -> None:
    with pytest.raises(TypeError, match="nickname"):
        db.update_party(anna.id, version=anna.version, nickname="x")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="display_name"):
        db.update_party(anna.id, version=anna.version, display_name=None)  # type: ignore[arg-type]
    assert db.get_party(anna.id) == anna


def test_archive_restore_delete(db: crm.Crm, anna: crm.Party) -> None:
    a = db.archive_party(anna.id, anna.version)
    assert a.archived and isinstance(a.archived_at, datetime)
    assert db.count_parties() == 0
    assert db.count_parties(archived="only") == 1
    assert db.count_parties(archived=True) == 1
    with pytest.raises(crm.ValidationError):
        db.archive_party(a.id, a.version)
    r = db.restore_party(a.id, a.version)
    assert not r.archived
    db.delete_party(r.id, r.version)
    with pytest.raises(crm.NotFoundError):
        db.get_party(r.id)


def test_tags(db: crm.Crm, anna: crm.Party) -> None:
    p = db.add_tags(anna.id, ["b2b", "vip", "newsletter"])
    assert p.tags == ["b2b", "newsletter", "vip"]
    p = db.remove_tags(anna.id, ("vip", "absent"))
    assert p.tags == ["b2b", "newsletter"]
    assert db.count_parties(tag="b2b") == 1
    with pytest.raises(TypeError):
        db.add_tags(anna.id, "vip")


def test_notes(db: crm.Crm, anna: crm.Party) -> None:
    sales = db.with_actor("sales@shop")
    n1 = sales.add_note(anna.id, "Called about the order.")
    n2 = db.add_note(anna.id, "Second note")
    assert n1.author == "sales@shop" and n2.author == "system"
    assert n1.body == "Called about the order."
    notes = db.notes(anna.id)
    assert {n.id for n in notes} == {n1.id, n2.id}
    assert notes[0].to_dict()["party_id"] == anna.id
    db.delete_note(n1.id, n1.version)
    assert [n.id for n in db.notes(anna.id)] == [n2.id]
    with pytest.raises(crm.ValidationError):
        db.add_note(anna.id, "   ")


def test_file_base_persists_and_read_only(db_path: Path) -> None:
    with crm.open(db_path) as db:
        p = db.create_person(given_name="Anna", family_name="B")
        assert db.path == str(db_path)
    with crm.open(str(db_path), read_only=True) as ro:
        assert ro.get_party(p.id).display_name == "Anna B"
        with pytest.raises(crm.ReadOnlyError) as e:
            ro.create_person(given_name="X", family_name="Y")
        assert isinstance(e.value, crm.StorageError)


def test_open_options(tmp_path: Path) -> None:
    with crm.open(tmp_path / "a.db", default_region="LV", busy_timeout=0.5, readers=2, actor="import") as db:
        p = db.create_person(given_name="A", family_name="B", phones=["2000 0001"])
        assert p.contact_points[0].value == "+37120000001"
        assert db.actor == "import"
        assert db.history(p.id)[0].actor == "import"
    with pytest.raises(crm.ValidationError) as e:
        crm.open(":memory:", default_region="Narnia")
    assert e.value.field == "default_region"
    with pytest.raises(crm.ValidationError):
        crm.open(":memory:", busy_timeout=-1)
    with pytest.raises(TypeError):
        crm.open(":memory:", busy_timeout="5")  # type: ignore[arg-type]


def test_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(crm.NotADatabaseError) as e:
        crm.open(junk)
    assert isinstance(e.value, crm.StorageError)
    assert junk.read_bytes() == b"this is not a database at all" * 100


def test_phone_without_region_refused(db: crm.Crm) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.create_person(given_name="A", family_name="B", phones=["2000 0001"])
    assert e.value.field is not None and "contact_points[0]" in e.value.field


def test_context_manager_and_close(db_path: Path) -> None:
    with crm.open(db_path) as db:
        assert not db.closed
        other = db.with_actor("someone")
    assert db.closed
    with pytest.raises(crm.CrmError) as e:
        db.count_parties()
    assert e.value.kind == "closed"
    assert other.count_parties() == 0  # handles made from it stay usable
    other.close()
    other.close()
    assert "closed" in repr(other)


def test_with_actor_records_actor(db: crm.Crm) -> None:
    clerk = db.with_actor("clerk")
    assert clerk.actor == "clerk" and db.actor == "system"
    p = clerk.create_person(given_name="A", family_name="B")
    assert [h.actor for h in db.history(p.id)] == ["clerk"]
    assert repr(clerk).startswith("<crm.Crm")


def test_version_constants() -> None:
    assert isinstance(crm.__version__, str)
    assert isinstance(crm.SCHEMA_VERSION, int) and crm.SCHEMA_VERSION >= 1
