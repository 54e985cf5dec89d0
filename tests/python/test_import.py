"""CSV import: delimiters, encodings, rejects, upserts, dry runs, progress."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import crm

MAPPING: dict[str, Any] = {
    "columns": {"Имя": "given_name", "Фамилия": "family_name", "Почта": "email", "Метки": "tags"},
    "key": "email",
}

ROWS = (
    "Имя;Фамилия;Почта;Метки\n"
    "Анна;Иванова;anna@example.ru;vip,newsletter\n"
    "Борис;Смирнов;not-an-email;\n"
    "Вера;Петрова;vera@example.ru;\n"
    ";;;\n"
)


def cp1251(text: str) -> bytes:
    return text.encode("windows-1251")


def big_csv(rows: int) -> bytes:
    lines = ["given,family,email"]
    lines += [f"Person{i},Family{i},person{i}@example.com" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


BIG_MAPPING = {"columns": {"given": "given_name", "family": "family_name", "email": "email"}, "key": "email"}


def test_semicolons_windows_1251_and_rejects(db: crm.Crm, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes(cp1251(ROWS))
    rejects = tmp_path / "rejects.csv"
    report = db.import_csv(source, mapping=MAPPING, rejects=rejects)
    assert (report.rows, report.created, report.updated, report.rejected) == (4, 2, 0, 2)
    assert (report.encoding, report.delimiter, report.rolled_back) == ("windows-1251", ";", False)
    assert [r.line for r in report.rejects] == [3, 5]
    bad_email = report.rejects[0]
    assert bad_email.field is not None and "address" in bad_email.field and "not-an-email" in bad_email.reason
    assert report.to_dict()["rejects"][0]["line"] == 3
    assert "ImportReport(rows=4" in repr(report)
    written = rejects.read_text(encoding="utf-8").splitlines()
    assert written[0].startswith("3,") and "Борис" in written[0] and written[1].startswith("5,")

    (anna,) = db.find_by_contact("email", address="anna@example.ru")
    assert (anna.given_name, anna.family_name, anna.tags) == ("Анна", "Иванова", ["newsletter", "vip"])


def test_declared_encoding_and_delimiter_from_a_binary_file(db: crm.Crm) -> None:
    text = ROWS.replace(";", "|")
    report = db.import_csv(
        io.BytesIO(cp1251(text)), mapping=MAPPING, encoding="cp1251", delimiter="|", rejects=io.BytesIO()
    )
    assert (report.created, report.delimiter, report.encoding) == (2, "|", "windows-1251")
    out = io.StringIO()
    db.import_csv(cp1251(ROWS), mapping=MAPPING, rejects=out)  # bytes, and a text file for the rejects
    assert out.getvalue().startswith("3,") and "Борис" in out.getvalue()


def test_second_import_upserts(db: crm.Crm) -> None:
    first = db.import_csv(cp1251(ROWS), mapping=MAPPING)
    assert first.created == 2
    again = ROWS.replace("Иванова", "Сидорова")
    second = db.import_csv(cp1251(again), mapping=MAPPING)
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 1, 1, 2)
    assert db.count_parties() == 2
    (anna,) = db.find_by_contact("email", address="anna@example.ru")
    assert anna.family_name == "Сидорова"


def test_dry_run_writes_nothing(db: crm.Crm) -> None:
    report = db.import_csv(cp1251(ROWS), mapping=MAPPING, dry_run=True)
    assert (report.created, report.rejected, report.rolled_back) == (2, 2, True)
    assert db.count_parties() == 0


def test_all_or_nothing(db: crm.Crm) -> None:
    report = db.import_csv(cp1251(ROWS), mapping=MAPPING, mode="all_or_nothing")
    assert report.rolled_back and report.rejected == 2
    assert db.count_parties() == 0
    good = "\n".join(line for line in ROWS.splitlines() if "not-an-email" not in line and line != ";;;") + "\n"
    report = db.import_csv(cp1251(good), mapping=MAPPING, mode="all_or_nothing")
    assert (report.created, report.rolled_back) == (2, False)
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(cp1251(ROWS), mapping=MAPPING, mode="some")
    assert e.value.field == "mode"


def test_progress_is_called_after_every_batch(db: crm.Crm) -> None:
    seen: list[crm.ImportProgress] = []
    report = db.import_csv(big_csv(10), mapping=BIG_MAPPING, batch_size=4, progress=seen.append)
    assert [p.rows for p in seen] == [4, 8, 10]
    assert (seen[-1].created, seen[-1].rejected) == (report.created, report.rejected) == (10, 0)
    assert seen[-1].to_dict() == {"rows": 10, "created": 10, "updated": 0, "unchanged": 0, "rejected": 0}


def test_load_in_bulk_or_in_batches(db: crm.Crm, tmp_path: Path) -> None:
    # An empty base and more than a thousand rows: "auto" turns to bulk.
    report = db.import_csv(big_csv(2500), mapping=BIG_MAPPING, batch_size=500)
    assert report.bulk and report.created == 2500
    assert report.to_dict()["bulk"] is True
    assert db.count_parties(name_prefix="Person2499") == 1
    assert [h.party.given_name for h in db.search_parties("person1234@example.com")] == ["Person1234"]
    # The same file again in batches: keyed by email, nothing new.
    again = db.import_csv(big_csv(2500), mapping=BIG_MAPPING, load="batches")
    assert not again.bulk and (again.created, again.unchanged) == (0, 2500)
    with crm.open(tmp_path / "small.db") as small:
        assert small.import_csv(big_csv(3), mapping=BIG_MAPPING, load="bulk").bulk
        assert not small.import_csv(big_csv(5), mapping=BIG_MAPPING).bulk
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(big_csv(3), mapping=BIG_MAPPING, load="fast")
    assert e.value.field == "load"
    # The callback of a bulk load runs inside its write: a write through the
    # same handle raises BusyError instead of waiting for the import.
    raised: list[type] = []
    with crm.open(tmp_path / "busy.db") as busy:

        def write_inside(p: crm.ImportProgress) -> None:
            try:
                busy.create_person(given_name="Inside", family_name="Callback")
            except crm.CrmError as e:
                raised.append(type(e))

        report = busy.import_csv(
            big_csv(1500), mapping=BIG_MAPPING, batch_size=500, load="bulk", progress=write_inside
        )
        assert report.bulk and raised == [crm.BusyError] * 3
        busy.create_person(given_name="After", family_name="Import")
        assert busy.count_parties() == 1501


def test_progress_returning_false_stops_the_import(db: crm.Crm, tmp_path: Path) -> None:
    seen: list[int] = []

    def until_eight(p: crm.ImportProgress) -> bool:
        seen.append(p.rows)
        return p.rows < 8

    report = db.import_csv(big_csv(20), mapping=BIG_MAPPING, batch_size=4, progress=until_eight)
    assert seen == [4, 8]
    assert report.stopped and not report.rolled_back
    assert (report.rows, report.created) == (8, 8)
    assert db.count_parties() == 8
    assert report.to_dict()["stopped"] is True

    # All or nothing: nothing stays.
    seen.clear()
    with crm.open(tmp_path / "other.db") as other:
        report = other.import_csv(
            big_csv(20), mapping=BIG_MAPPING, batch_size=4, mode="all_or_nothing", progress=until_eight
        )
        assert seen == [4, 8]
        assert report.stopped and report.rolled_back
        assert other.count_parties() == 0

    # Only False stops: None, 0 and "" go on.
    for answer in (None, 0, ""):
        with crm.open(tmp_path / f"go-{answer!r}.db") as third:
            report = third.import_csv(big_csv(9), mapping=BIG_MAPPING, batch_size=4, progress=lambda p: answer)
            assert not report.stopped and third.count_parties() == 9


class Stop(Exception):
    pass


def test_an_exception_in_progress_stops_the_import(db: crm.Crm, tmp_path: Path) -> None:
    calls: list[int] = []

    def stop(p: crm.ImportProgress) -> None:
        calls.append(p.rows)
        raise Stop("enough")

    # A small file: it is read whole at once; the exception is raised all
    # the same, and the callable is not called again.
    with pytest.raises(Stop, match="enough"):
        db.import_csv(big_csv(10), mapping=BIG_MAPPING, batch_size=2, progress=stop)
    assert calls == [2]

    # A large file stops soon after: the batches written before stay.
    source = tmp_path / "big.csv"
    source.write_bytes(big_csv(20_000))
    calls.clear()
    with pytest.raises(Stop):
        db.import_csv(source, mapping=BIG_MAPPING, batch_size=100, progress=stop)
    assert calls == [100]
    imported = db.count_parties()
    assert 100 <= imported < 20_000

    # All or nothing: nothing stays.
    with crm.open(tmp_path / "other.db") as other:
        with pytest.raises(Stop):
            other.import_csv(source, mapping=BIG_MAPPING, batch_size=100, mode="all_or_nothing", progress=stop)
        assert other.count_parties() == 0

    # The handle works on.
    report = db.import_csv(big_csv(3), mapping=BIG_MAPPING)
    assert report.unchanged == 3


def test_a_file_that_fails_to_read(db: crm.Crm) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        db.import_csv(Broken(), mapping=BIG_MAPPING)


def test_bad_input(db: crm.Crm, tmp_path: Path) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(big_csv(1), mapping={"columns": {"given": "nickname"}})
    assert e.value.field == "mapping.columns"
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(big_csv(1), mapping={"columns": {"nope": "given_name"}})
    assert e.value.field == "mapping.columns"
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(big_csv(1), mapping=BIG_MAPPING, encoding="klingon")
    assert e.value.field == "encoding"
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(big_csv(1), mapping=BIG_MAPPING, delimiter=";;")
    assert e.value.field == "delimiter"
    with pytest.raises(crm.ValidationError) as e:
        db.import_csv(big_csv(1), mapping={"columns": BIG_MAPPING["columns"], "key": "name"})
    assert e.value.field == "mapping.key"
    with pytest.raises(TypeError):
        db.import_csv(big_csv(1), mapping={"cols": {}})
    with pytest.raises(TypeError):
        db.import_csv(big_csv(1), mapping={"default_kind": "person"})
    with pytest.raises(TypeError, match="binary"):
        db.import_csv(io.StringIO("given\nA\n"), mapping=BIG_MAPPING)
    with pytest.raises(TypeError):
        db.import_csv(42, mapping=BIG_MAPPING)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.import_csv(big_csv(1), mapping=BIG_MAPPING, progress=5)  # type: ignore[arg-type]
    with pytest.raises(crm.StorageError):
        db.import_csv(tmp_path / "missing.csv", mapping=BIG_MAPPING)
    assert db.count_parties() == 0


def test_saved_mappings(db: crm.Crm) -> None:
    db.save_mapping("people", {"columns": BIG_MAPPING["columns"], "key": "custom.external_id", "default_kind": "person"})
    saved = db.mapping("people")
    assert isinstance(saved, crm.CsvMapping)
    assert (saved.key, saved.default_kind) == ("custom.external_id", "person")
    assert saved.columns == BIG_MAPPING["columns"]
    db.save_mapping("people", BIG_MAPPING)  # replaces
    saved = db.mapping("people")
    assert saved.key == "email" and saved.to_dict() == {**BIG_MAPPING, "default_kind": "person"}
    assert db.mapping("people") == saved
    report = db.import_csv(big_csv(2), mapping="people")
    assert report.created == 2
    report = db.import_csv(big_csv(2), mapping=saved)
    assert report.unchanged == 2
    with pytest.raises(crm.NotFoundError):
        db.mapping("nope")
    with pytest.raises(crm.NotFoundError):
        db.import_csv(big_csv(1), mapping="nope")
    with pytest.raises(crm.ValidationError) as e:
        db.save_mapping("bad", {"columns": {"a": "nickname"}})
    assert e.value.field == "mapping.columns"
