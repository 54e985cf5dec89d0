"""Lists: lazy iteration over pages, filters as keyword arguments, sorting,
cursors and counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import crm


@pytest.fixture
def people(db: crm.Crm) -> list[crm.Party]:
    made = db.create_parties(
        [
            {
                "given_name": f"Person{i:03d}",
                "family_name": "Z",
                "roles": ["customer"] if i % 2 == 0 else [],
                "contacts": [{"kind": "address", "city": "Rīga", "country": "LV" if i % 3 == 0 else "EE"}],
                "tags": ["even"] if i % 2 == 0 else ["odd"],
            }
            for i in range(120)
        ]
    )
    db.create_organization(legal_name="Acme SIA", contacts=[{"kind": "address", "city": "Rīga", "country": "LV"}])
    return made


def test_iterates_across_pages(db: crm.Crm, people: list[crm.Party]) -> None:
    it = db.parties(kind="person", page_size=7)
    assert iter(it) is it
    names = [p.display_name for p in it]
    assert len(names) == 120
    assert names == sorted(names)
    with pytest.raises(StopIteration):
        next(it)


def test_filters(db: crm.Crm, people: list[crm.Party]) -> None:
    found = list(db.parties(kind="person", role="customer", country="LV", sort="name"))
    assert len(found) == 20  # i % 6 == 0
    assert all(p.country == "LV" and p.has_role("customer") for p in found)
    assert db.count_parties(kind="person", role="customer", country="LV") == 20
    assert db.count_parties() == 121
    assert db.count_parties(kind="organization") == 1
    assert db.count_parties(country="lv") == 41
    assert db.count_parties(tag="odd") == 60
    assert db.count_parties(name_prefix="person00") == 10
    assert [p.display_name for p in db.parties(name_prefix="acme")] == ["Acme SIA"]


def test_time_filters(db: crm.Crm, people: list[crm.Party]) -> None:
    now = datetime.now(timezone.utc)
    assert db.count_parties(created_from=now - timedelta(hours=1)) == 121
    assert db.count_parties(created_to=now - timedelta(hours=1)) == 0
    assert db.count_parties(updated_from=(now - timedelta(hours=1)).isoformat()) == 121
    local = timezone(timedelta(hours=3))
    assert db.count_parties(updated_to=datetime.now(local) + timedelta(minutes=1)) == 121
    with pytest.raises(TypeError, match="timezone-aware"):
        db.count_parties(created_from=datetime(2024, 1, 1))


def test_sort_and_descending(db: crm.Crm, people: list[crm.Party]) -> None:
    newest = next(db.parties(sort="created", descending=True))
    assert newest.display_name == "Acme SIA"
    by_name_desc = [p.display_name for p in db.parties(kind="person", sort="name", descending=True, page_size=50)]
    assert by_name_desc == sorted(by_name_desc, reverse=True)


def test_explicit_pages(db: crm.Crm, people: list[crm.Party]) -> None:
    page = db.list_parties(kind="person", limit=50)
    assert len(page) == 50 and page.next is not None
    seen = [p.id for p in page.items]
    while page.next is not None:
        page = db.list_parties(kind="person", limit=50, after=page.next)
        seen.extend(p.id for p in page.items)
    assert len(set(seen)) == 120
    assert "Page(" in repr(page)
    with pytest.raises(crm.ValidationError) as e:
        db.list_parties(after="garbage")
    assert e.value.field == "after"


def test_bad_filters(db: crm.Crm) -> None:
    with pytest.raises(TypeError, match="colour"):
        db.parties(colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="page_size"):
        db.count_parties(page_size=5)  # type: ignore[call-arg]
    with pytest.raises(crm.ValidationError):
        db.count_parties(kind="robot")
    with pytest.raises(crm.ValidationError):
        db.count_parties(role="wizard")
    with pytest.raises(crm.ValidationError):
        db.parties(sort="height")
    with pytest.raises(crm.ValidationError):
        list(db.parties(page_size=0))
    with pytest.raises(crm.ValidationError):
        list(db.parties(country="Narnia"))
    with pytest.raises(TypeError):
        db.parties(page_size="10")  # type: ignore[arg-type]


def test_archived_filter(db: crm.Crm, anna: crm.Party) -> None:
    db.archive_party(anna.id, anna.version)
    assert list(db.parties()) == []
    assert [p.id for p in db.parties(archived="include")] == [anna.id]
    assert db.count_parties(archived="only") == 1
    assert db.count_parties(archived=False) == 0
