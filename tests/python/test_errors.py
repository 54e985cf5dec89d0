"""The exception hierarchy, its mapping, panics, and bad arguments that
must change nothing."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import pytest

import crm
from crm import errors


def test_hierarchy() -> None:
    assert issubclass(crm.NotFoundError, crm.CrmError) and issubclass(crm.NotFoundError, KeyError)
    assert issubclass(crm.ValidationError, crm.CrmError) and issubclass(crm.ValidationError, ValueError)
    for cls in (crm.ConflictError, crm.PermissionDeniedError, crm.SchemaError, crm.StorageError):
        assert issubclass(cls, crm.CrmError)
    for cls in (crm.ReadOnlyError, crm.BusyError, crm.NotADatabaseError):
        assert issubclass(cls, crm.StorageError)
    assert crm.CrmError is errors.CrmError
    assert issubclass(crm.CrmError, Exception)


def test_not_found_is_a_key_error(db: crm.Crm) -> None:
    missing = "01900000-0000-7000-8000-000000000000"
    with pytest.raises(KeyError) as e:
        db.get_party(missing)
    assert isinstance(e.value, crm.NotFoundError)
    assert str(e.value) == f"party {missing} not found"
    assert e.value.kind == "not found"


def test_validation_is_a_value_error_with_field(db: crm.Crm) -> None:
    with pytest.raises(ValueError) as e:
        db.create_person(given_name="A", family_name="B", language="not a language")
    assert isinstance(e.value, crm.ValidationError)
    assert e.value.field == "language"
    assert e.value.kind == "validation"
    assert "language" in str(e.value)


def test_panic_becomes_crm_error() -> None:
    with pytest.raises(crm.CrmError) as e:
        crm._crm._panic_for_tests("boom")
    assert type(e.value) is crm.CrmError
    assert e.value.kind == "internal"
    assert "boom" in str(e.value)
    try:
        crm._crm._panic_for_tests("again")
    except Exception as caught:  # an ordinary `except Exception` catches it
        assert isinstance(caught, crm.CrmError)


BAD_ARGUMENTS: list[tuple[str, dict[str, Any], type[BaseException]]] = [
    ("int as name", {"given_name": 42}, TypeError),
    ("bytes as name", {"given_name": b"Anna"}, TypeError),
    ("NUL in name", {"given_name": "An\x00na"}, crm.ValidationError),
    ("NUL in tag", {"tags": ["v\x00ip"]}, crm.ValidationError),
    ("NUL in email", {"emails": ["a\x00@b.lv"]}, crm.ValidationError),
    ("NUL in custom key", {"custom": {"a\x00": 1}}, crm.ValidationError),
    ("str as list", {"emails": "anna@acme.lv"}, TypeError),
    ("datetime as date", {"birth_date": datetime(1990, 1, 1)}, TypeError),
    ("bad date text", {"birth_date": "1990-13-01"}, crm.ValidationError),
    ("future date", {"birth_date": date(2999, 1, 1)}, crm.ValidationError),
    ("int as id", {"id": 7}, TypeError),
    ("bad id", {"id": "not-an-id"}, crm.ValidationError),
    ("unknown keyword", {"shoe_size": 38}, TypeError),
    ("kind on create_person", {"kind": "organization"}, TypeError),
    ("dict as tags", {"tags": {"a": 1}}, TypeError),
]


@pytest.mark.parametrize("case,kwargs,exc", BAD_ARGUMENTS, ids=[c[0] for c in BAD_ARGUMENTS])
def test_bad_arguments_change_nothing(
    db: crm.Crm, case: str, kwargs: dict[str, Any], exc: type[BaseException]
) -> None:
    before = db.events_after(0, 1000)
    args: dict[str, Any] = {"given_name": "Anna", "family_name": "B"}
    args.update(kwargs)
    with pytest.raises(exc):
        db.create_person(**args)
    assert db.count_parties(archived="include") == 0
    assert db.events_after(0, 1000) == before


def test_none_where_a_value_is_required(db: crm.Crm, anna: crm.Party) -> None:
    with pytest.raises(TypeError):
        db.get_party(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.update_party(anna.id, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.add_note(anna.id, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.add_tags(anna.id, [None])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        db.create_relationship(None, anna.id, anna.id)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.archive_party(anna.id, True)  # a bool is not a version
    with pytest.raises(TypeError):
        db.get_party(anna.id, anna.version)  # type: ignore[call-arg]
    assert db.get_party(anna.id) == anna


def test_uuid_objects_accepted(db: crm.Crm, anna: crm.Party) -> None:
    assert db.get_party(uuid.UUID(anna.id)) == anna
    n = db.add_note(uuid.UUID(anna.id), "hi")
    assert n.party_id == anna.id


def test_conflict_details(db: crm.Crm, anna: crm.Party) -> None:
    with pytest.raises(crm.ConflictError) as e:
        db.delete_party(anna.id, 99)
    assert (e.value.expected, e.value.actual) == (99, 1)
    assert e.value.kind == "conflict"


def test_schema_error_for_foreign_database(tmp_path: Any) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 12345")
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    with pytest.raises(crm.SchemaError):
        crm.open(path)


def test_records_are_frozen(anna: crm.Party) -> None:
    with pytest.raises(AttributeError):
        anna.display_name = "X"  # type: ignore[misc]
    with pytest.raises(TypeError):
        crm.Party()  # type: ignore[call-arg]
