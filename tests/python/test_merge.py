"""Duplicates, merging and undoing a merge."""

from __future__ import annotations

from datetime import date

import pytest

import crm


def test_find_and_merge_and_undo(db: crm.Crm, anna: crm.Party) -> None:
    twin = db.create_person(
        given_name="Anna", family_name="Bērziņa", emails=["anna@acme.lv"], birth_date=date(1990, 5, 1)
    )
    db.create_person(given_name="Pēteris", family_name="Liepa")
    pairs = db.find_duplicates()
    assert len(pairs) == 1 and {pairs[0].a, pairs[0].b} == {anna.id, twin.id}
    assert pairs[0].is_match and 0 < pairs[0].score <= 1
    assert {r["field"] for r in pairs[0].reasons} >= {"name", "email"}
    assert db.find_duplicates(kind="organization") == []

    maybe = db.possible_duplicates(given_name="Anna", family_name="Berzina", emails=["anna@acme.lv"])
    assert {c.party_id for c in maybe} == {anna.id, twin.id}

    out = db.merge_parties(anna.id, [twin.id], choose={"birth_date": twin.id})
    assert out.survivor.id == anna.id and out.survivor.birth_date == date(1990, 5, 1)
    assert out.contact_points_folded == 1
    assert out.to_dict()["survivor"]["id"] == anna.id
    records = db.merges_of(anna.id)
    assert [(r.id, r.merged_ids, r.undone_at) for r in records] == [(out.merge_id, [twin.id], None)]

    back = db.undo_merge(out.merge_id)
    assert back.birth_date is None
    assert db.get_party(twin.id).display_name == "Anna Bērziņa"
    assert db.merges_of(anna.id)[0].undone_at is not None
    with pytest.raises(crm.ValidationError) as e:
        db.undo_merge(out.merge_id)
    assert e.value.field == "merge_id"


def test_bad_merges_change_nothing(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    seq = db.events_after(0, 1000)[-1].seq
    with pytest.raises(crm.ValidationError) as e:
        db.merge_parties(anna.id, [])
    assert e.value.field == "merged_ids"
    with pytest.raises(crm.ValidationError):
        db.merge_parties(anna.id, [acme.id])
    with pytest.raises(crm.ValidationError):
        db.merge_parties(anna.id, [anna.id])
    with pytest.raises(crm.NotFoundError):
        db.undo_merge("01900000-0000-7000-8000-000000000000")
    with pytest.raises(TypeError):
        db.merge_parties(anna.id, acme.id)  # type: ignore[arg-type]
    with pytest.raises(crm.ValidationError) as e:
        db.find_duplicates(config={"person": {"threshold": 7}})
    assert e.value.field is not None and e.value.field.startswith("config")
    with pytest.raises(crm.ValidationError):
        db.find_duplicates(config={"nonsense": 1})
    assert db.events_after(seq) == []
    assert db.merges_of(anna.id) == []


def test_create_party_checked(db: crm.Crm, anna: crm.Party) -> None:
    party, candidates = db.create_party_checked(given_name="Anna", family_name="Berzina", emails=["anna@acme.lv"])
    assert [c.party_id for c in candidates] == [anna.id]
    assert db.get_party(party.id) == party
    # A clear newcomer has no candidates.
    other, none = db.create_party_checked(kind="organization", legal_name="Ozols SIA")
    assert none == [] and other.kind == "organization"
    before = db.count_parties()
    with pytest.raises(crm.ValidationError) as e:
        db.create_party_checked(
            refuse_duplicates=True, given_name="Anna", family_name="Bērziņa", emails=["anna@acme.lv"]
        )
    assert e.value.field == "duplicates"
    assert db.count_parties() == before
    # A strict threshold lets it through.
    _, found = db.create_party_checked(
        refuse_duplicates=True,
        config={"person": {"threshold": 0.999}},
        given_name="Anna",
        family_name="Liepa",
    )
    assert found == []
    with pytest.raises(TypeError):
        db.create_party_checked(given_name="X", nickname="Y")  # type: ignore[call-arg]
