"""Full-text search over parties."""

from __future__ import annotations

import pytest

import crm


def test_search(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    db.create_person(given_name="Andris", family_name="Kalniņš", roles=["supplier"])
    hits = db.search_parties("berz")
    assert [h.party for h in hits] == [anna]
    assert isinstance(hits[0].score, float)
    assert hits[0].to_dict()["party"]["id"] == anna.id
    assert "SearchHit(" in repr(hits[0])
    assert {h.party.display_name for h in db.search_parties("an")} >= {"Anna Bērziņa", "Andris Kalniņš"}
    assert [h.party.id for h in db.search_parties("an", role="customer")] == [anna.id]
    assert len(db.search_parties("an", limit=1)) == 1
    assert [h.party.id for h in db.search_parties("acme", kind="organization")] == [acme.id]
    # Query syntax is searched literally.
    assert db.search_parties('"NEAR(" OR *') == []


def test_bad_search(db: crm.Crm) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.search_parties(" -:* ")
    assert e.value.field == "text"
    with pytest.raises(crm.ValidationError) as e:
        db.search_parties("x", limit=0)
    assert e.value.field == "limit"
    with pytest.raises(TypeError):
        db.search_parties("x", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        db.search_parties(5)  # type: ignore[arg-type]
