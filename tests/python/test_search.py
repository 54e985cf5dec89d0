"""Full-text search over parties."""

from __future__ import annotations

from typing import Any

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


def test_suggest(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    db.create_person(given_name="Andris", family_name="Kalniņš", roles=["supplier"])
    found = db.suggest_parties("berz")
    assert [s.id for s in found] == [anna.id]
    s = found[0]
    assert isinstance(s, crm.PartySuggestion)
    assert (s.kind, s.display_name) == ("person", "Anna Bērziņa")
    assert isinstance(s.score, float)
    assert s.to_dict() == {"id": anna.id, "kind": "person", "display_name": "Anna Bērziņa", "score": s.score}
    assert repr(s).startswith("PartySuggestion(id=")
    assert s == db.suggest_parties("berz")[0]
    assert s != db.suggest_parties("acme")[0]
    # The hits of search_parties, in the same order, with the same scores.
    cases: list[tuple[str, dict[str, Any]]] = [
        ("an", {}),
        ("an", {"role": "customer"}),
        ("an", {"limit": 1}),
        ("acme", {"kind": "organization"}),
        ("a", {}),
    ]
    for text, filters in cases:
        hits = db.search_parties(text, **filters)
        light = db.suggest_parties(text, **filters)
        assert [x.id for x in light] == [h.party.id for h in hits]
        assert [(x.kind, x.display_name, x.score) for x in light] == [
            (h.party.kind, h.party.display_name, h.score) for h in hits
        ]
    assert len(db.suggest_parties("an")) >= 2
    assert db.suggest_parties('"NEAR(" OR *') == []


def test_bad_suggest(db: crm.Crm) -> None:
    for text in ["", " -:* "]:
        with pytest.raises(crm.ValidationError) as e:
            db.suggest_parties(text)
        assert e.value.field == "text"
    with pytest.raises(crm.ValidationError) as e:
        db.suggest_parties("x", limit=0)
    assert e.value.field == "limit"
    with pytest.raises(TypeError):
        db.suggest_parties("x", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        db.suggest_parties(5)  # type: ignore[arg-type]
    with pytest.raises(crm.ValidationError):
        db.suggest_parties("x", kind="robot")
