"""JSON and vCard export and import: whole bases, selections, sources and
targets of every kind, errors naming their line, rejected cards."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

import crm


def define_fields(db: crm.Crm) -> None:
    db.define_field("party", "credit_limit", "decimal")
    db.define_field("party", "tier", "choice", choices=["gold", "silver"])


@pytest.fixture
def filled(db: crm.Crm) -> crm.Crm:
    """A base with two persons, an organization, a relationship, notes and
    custom values."""
    define_fields(db)
    acme = db.create_organization(
        legal_name="Acme SIA", vat_number="LV40003000001", tags=["vip"], custom={"tier": "gold"}
    )
    anna = db.create_person(
        given_name="Anna",
        family_name="Bērziņa",
        parent_id=acme.id,
        contacts=[
            {"kind": "email", "address": "anna@acme.lv", "label": "work"},
            {"kind": "phone", "number": "+371 2000 0001"},
            {"kind": "address", "street": "Brīvības iela 1", "city": "Rīga", "postal_code": "LV-1010", "country": "LV"},
            {"kind": "web", "url": "https://acme.lv"},
        ],
        roles=["customer"],
        tags=["vip", "newsletter"],
        custom={"credit_limit": Decimal("1500.50"), "tier": "silver"},
    )
    db.create_person(given_name="Jānis", family_name="Ozols", emails=["janis@example.lv"])
    db.create_relationship("employee_of", anna.id, acme.id)
    db.add_note(anna.id, "Met at the fair; wants a call, back in May.")
    return db


@pytest.fixture
def other() -> Iterator[crm.Crm]:
    """A second, empty base in memory."""
    with crm.open(":memory:") as handle:
        yield handle


def by_name(db: crm.Crm) -> dict[str, crm.Party]:
    return {p.display_name: p for p in db.parties()}


# ------------------------------------------------------------------ JSON


def test_whole_base_round_trip_gives_identical_text(filled: crm.Crm, other: crm.Crm) -> None:
    text = filled.export_json()
    assert isinstance(text, str)
    header = json.loads(text.splitlines()[0])
    assert header == {"format": "crm", "content": "base", "schema_version": crm.SCHEMA_VERSION}

    report = other.import_json(text)
    assert isinstance(report, crm.JsonImportReport)
    assert report.written > 0 and report.skipped == 0
    assert report.to_dict() == {"written": report.written, "skipped": 0}
    assert "JsonImportReport(written=" in repr(report)
    assert other.export_json() == text

    moved = by_name(other)
    anna = moved["Anna Bērziņa"]
    assert anna == filled.get_party(anna.id)
    assert [n.body for n in other.notes(anna.id)] == ["Met at the fair; wants a call, back in May."]
    assert [nb.display_name for nb in other.neighbours(anna.id)] == ["Acme SIA"]
    assert [h.party.id for h in other.search_parties("Bērziņa")] == [anna.id]  # the index is rebuilt


def test_whole_base_to_paths_and_files(filled: crm.Crm, tmp_path: Path) -> None:
    text = filled.export_json()
    path = tmp_path / "backup.jsonl"
    assert filled.export_json(path) is None
    assert path.read_text(encoding="utf-8") == text
    assert filled.export_json(str(tmp_path / "again.jsonl")) is None
    assert (tmp_path / "again.jsonl").read_text(encoding="utf-8") == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.jsonl", "backup.jsonl"]  # no temporary files

    binary = io.BytesIO()
    filled.export_json(binary)
    assert binary.getvalue().decode("utf-8") == text
    textual = io.StringIO()
    filled.export_json(textual)
    assert textual.getvalue() == text

    # Every kind of source gives the same base.
    sources: list[object] = [path, str(path), text.encode(), bytearray(text.encode()), io.BytesIO(text.encode())]
    sources.append(io.StringIO(text))
    for source in sources:
        with crm.open(":memory:") as fresh:
            fresh.import_json(source)  # type: ignore[arg-type]
            assert fresh.export_json() == text
    with path.open("rb") as f, crm.open(":memory:") as fresh:
        fresh.import_json(f)
        assert fresh.export_json() == text
    with path.open("r", encoding="utf-8") as g, crm.open(":memory:") as fresh:
        fresh.import_json(g)
        assert fresh.export_json() == text


def test_a_large_export_streams_to_a_text_file_whole(db: crm.Crm, other: crm.Crm) -> None:
    # Well over the 64 KiB written at a time, in two-byte characters, so that
    # chunks end inside a character.
    db.create_parties([{"kind": "person", "given_name": f"Ā{i}", "family_name": "Ēāčīšņ" * 5} for i in range(1500)])
    text = db.export_json()
    assert len(text.encode()) > 4 * 64 * 1024
    out = io.StringIO()
    db.export_json(out)
    assert out.getvalue() == text
    cards = io.StringIO()
    assert db.export_vcard(cards) == 1500
    assert cards.getvalue() == db.export_vcard()
    other.import_json(io.StringIO(text))
    assert other.count_parties() == 1500


def test_whole_base_goes_into_an_empty_base_only(filled: crm.Crm) -> None:
    text = filled.export_json()
    with pytest.raises(crm.ValidationError) as err:
        filled.import_json(text)
    assert err.value.field == "base"


def test_a_selection_moves_and_a_second_import_skips(filled: crm.Crm, other: crm.Crm, tmp_path: Path) -> None:
    define_fields(other)
    path = tmp_path / "vip.jsonl"
    assert filled.export_parties_json(path, tag="vip") == 2
    text = filled.export_parties_json(tag="vip")
    assert isinstance(text, str)
    assert json.loads(text.splitlines()[0])["content"] == "parties"
    assert path.read_text(encoding="utf-8") == text

    first = other.import_json(path)
    assert (first.written, first.skipped) == (2, 0)
    moved = by_name(other)
    assert set(moved) == {"Acme SIA", "Anna Bērziņa"}
    anna, acme = moved["Anna Bērziņa"], moved["Acme SIA"]
    original = filled.get_party(anna.id)
    assert (anna.tags, anna.custom, anna.parent_id) == (original.tags, original.custom, acme.id)
    assert {c.value for c in anna.contact_points} == {c.value for c in original.contact_points}
    assert [nb.display_name for nb in other.neighbours(anna.id)] == ["Acme SIA"]  # the relationship came along

    second = other.import_json(text)
    assert (second.written, second.skipped) == (0, 2)
    assert other.count_parties() == 2

    out = io.BytesIO()
    assert filled.export_parties_json(out, kind="person") == 2
    assert filled.export_parties_json(io.StringIO(), name_prefix="nobody") == 0


def test_a_newer_schema_version_raises_schema_error(filled: crm.Crm, other: crm.Crm) -> None:
    lines = filled.export_json().splitlines(keepends=True)
    header = json.loads(lines[0])
    header["schema_version"] = crm.SCHEMA_VERSION + 1
    lines[0] = json.dumps(header) + "\n"
    with pytest.raises(crm.SchemaError) as err:
        other.import_json("".join(lines))
    assert str(crm.SCHEMA_VERSION + 1) in str(err.value)
    assert other.count_parties() == 0


def test_bad_json_names_the_line_and_changes_nothing(filled: crm.Crm, other: crm.Crm) -> None:
    lines = filled.export_json().splitlines(keepends=True)
    assert len(lines) > 3
    lines[2] = '{"row": [1, 2,\n'
    with pytest.raises(crm.ValidationError) as err:
        other.import_json("".join(lines).encode())
    assert err.value.field == "line 3"
    assert other.count_parties() == 0

    with pytest.raises(crm.ValidationError) as err:
        other.import_json(b"not json\n")
    assert err.value.field == "line 1"
    with pytest.raises(crm.ValidationError) as err:
        other.import_json(b"")
    assert err.value.field == "line 1"


def test_sources_and_targets_of_the_wrong_type(filled: crm.Crm, tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="source"):
        filled.import_json(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="target"):
        filled.export_json(42)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        filled.export_parties_json(None, colour="red")  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="unexpected keyword argument 'limit'"):
        filled.export_vcard(limit=3)  # type: ignore[call-overload]
    with pytest.raises(crm.StorageError, match="missing.jsonl"):
        filled.import_json(tmp_path / "missing.jsonl")
    with pytest.raises(crm.StorageError):
        filled.export_json(tmp_path / "no" / "such" / "dir.jsonl")


class Broken(io.BytesIO):
    """A binary file whose writes fail."""

    def write(self, b: object, /) -> int:
        raise OSError("disk full")


def test_an_exception_of_the_file_is_raised(filled: crm.Crm, other: crm.Crm) -> None:
    with pytest.raises(OSError, match="disk full"):
        filled.export_json(Broken())

    class Unreadable(io.BytesIO):
        def read(self, n: int | None = -1, /) -> bytes:
            raise RuntimeError("unplugged")

    with pytest.raises(RuntimeError, match="unplugged"):
        other.import_json(Unreadable())
    assert other.count_parties() == 0


# ------------------------------------------------------------------ vCard


def contact_set(p: crm.Party) -> set[tuple[str, str, object, bool]]:
    return {(c.kind, c.value, c.label, c.primary) for c in p.contact_points}


def test_vcard_round_trip_keeps_names_contacts_tags_and_custom_values(
    filled: crm.Crm, other: crm.Crm, tmp_path: Path
) -> None:
    define_fields(other)
    text = filled.export_vcard()
    assert isinstance(text, str)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and text.count("BEGIN:VCARD") == 3
    path = tmp_path / "all.vcf"
    assert filled.export_vcard(path) == 3
    assert path.read_bytes().decode("utf-8") == text
    assert filled.export_vcard(io.BytesIO(), kind="organization") == 1

    report = other.import_vcard(path)
    assert isinstance(report, crm.VcardReport)
    assert (report.cards, report.created, report.updated, report.rejects) == (3, 3, 0, [])
    assert "VcardReport(cards=3" in repr(report)
    for before in filled.parties():
        after = other.get_party(before.id)  # the UID is the party's id
        assert (after.kind, after.display_name, after.given_name, after.family_name) == (
            before.kind,
            before.display_name,
            before.given_name,
            before.family_name,
        )
        assert contact_set(after) == contact_set(before)
        assert after.tags == before.tags
        assert after.custom == before.custom
        assert [r.role for r in after.roles] == [r.role for r in before.roles]
    anna = by_name(other)["Anna Bērziņa"]
    assert anna.custom == {"credit_limit": Decimal("1500.50"), "tier": "silver"}
    assert anna.parent_id == by_name(other)["Acme SIA"].id
    assert [n.body for n in other.notes(anna.id)] == ["Met at the fair; wants a call, back in May."]

    again = other.import_vcard(io.StringIO(text))  # a text file; the same UIDs update
    assert (again.cards, again.created, again.updated) == (3, 0, 3)
    assert other.count_parties() == 3


VCARD_21_AND_30 = (
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N:Old;Card\r\n"
    "TEL;WORK;VOICE:+371 2000 0009\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "FN:Līga Kalniņa\r\n"
    "N:Kalniņa;Līga;;;\r\n"
    "EMAIL;TYPE=work,pref:liga@example.lv\r\n"
    "CATEGORIES:press,vip\r\n"
    "END:VCARD\r\n"
)


def test_a_vcard_21_card_is_rejected_and_the_rest_imports(db: crm.Crm) -> None:
    report = db.import_vcard(VCARD_21_AND_30.encode())
    assert (report.cards, report.created, report.updated) == (2, 1, 0)
    (reject,) = report.rejects
    assert isinstance(reject, crm.Reject)
    assert reject.line == 1 and "2.1" in reject.reason
    assert report.to_dict()["rejects"][0]["line"] == 1
    (liga,) = db.parties()
    assert (liga.given_name, liga.family_name, liga.tags) == ("Līga", "Kalniņa", ["press", "vip"])
    email = liga.primary("email")
    assert email is not None and email.value == "liga@example.lv" and email.label == "work"


def test_a_bad_value_is_rejected_with_its_field(db: crm.Crm) -> None:
    card = "BEGIN:VCARD\nVERSION:4.0\nFN:Bad Mail\nEMAIL:not-an-email\nEND:VCARD\n"
    report = db.import_vcard(card)
    assert (report.cards, report.created) == (1, 0)
    (reject,) = report.rejects
    assert reject.line == 1 and reject.field is not None and "not-an-email" in reject.reason
    assert db.count_parties() == 0
