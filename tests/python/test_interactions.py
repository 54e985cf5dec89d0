"""Interactions, the timeline and interaction search."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

import crm


def test_record_get_update_delete(db: crm.Crm, anna: crm.Party) -> None:
    at = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)
    it = db.record_interaction(
        "phone_call",
        "Asked about prices",
        participants=[(anna.id, "from")],
        direction="inbound",
        occurred_at=at,
        duration_seconds=300,
        body="Wants a quote",
    )
    assert it.channel == "phone_call"
    assert it.direction == "inbound"
    assert it.occurred_at == at
    assert it.participants == [p for p in it.participants]
    assert [(p.party_id, p.role) for p in it.participants] == [(anna.id, "from")]
    assert db.get_interaction(it.id) == it
    assert "Interaction(" in repr(it) and "phone_call" in repr(it)
    d = it.to_dict()
    assert d["participants"] == [{"party_id": anna.id, "role": "from"}]
    assert d["occurred_at"] == at

    it2 = db.update_interaction(it.id, it.version, outcome="quote sent", body=None)
    assert it2.outcome == "quote sent" and it2.body is None and it2.version == it.version + 1
    with pytest.raises(crm.ConflictError):
        db.update_interaction(it.id, it.version, subject="stale")
    db.delete_interaction(it2.id, it2.version)
    with pytest.raises(crm.NotFoundError):
        db.get_interaction(it.id)


def test_participants_as_dicts_and_records(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    first = db.record_interaction("meeting", "Kick-off", participants=[{"party_id": anna.id, "role": "attendee"}])
    again = db.record_interaction(
        "meeting", "Follow-up", participants=[first.participants[0], (acme.id, "organizer")]
    )
    assert [p.role for p in again.participants] == ["attendee", "organizer"]


def test_bad_input(db: crm.Crm, anna: crm.Party) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.record_interaction("pigeon", "x", participants=[(anna.id, "from")])
    assert e.value.field == "channel"
    with pytest.raises(crm.ValidationError) as e:
        db.record_interaction("email", "   ", participants=[(anna.id, "from")])
    assert e.value.field == "subject"
    with pytest.raises(crm.ValidationError) as e:
        db.record_interaction("email", "x")
    assert e.value.field == "participants"
    with pytest.raises(crm.ValidationError) as e:
        db.record_interaction("email", "x", participants=[(anna.id, "from")], duration_seconds=-1)
    assert e.value.field == "duration_seconds"
    with pytest.raises(TypeError):
        db.record_interaction("email", "x", participants=[anna.id])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        db.record_interaction(
            "email", "x", participants=[(anna.id, "from")], occurred_at=datetime(2024, 1, 1)
        )
    with pytest.raises(TypeError):
        db.update_interaction(anna.id, 1, colour="red")  # type: ignore[call-arg]
    assert list(db.timeline(anna.id)) == []


def test_timeline_pages_filters_and_members(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    db.create_relationship("employee_of", anna.id, acme.id)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    for i in range(7):
        db.record_interaction(
            "email" if i % 2 else "meeting",
            f"#{i}",
            participants=[(anna.id, "to")],
            occurred_at=start + timedelta(days=i),
        )
    mine = db.timeline(anna.id, page_size=3)
    assert isinstance(mine, crm.InteractionIterator)
    assert [i.subject for i in mine] == [f"#{i}" for i in reversed(range(7))]
    assert [i.subject for i in db.timeline(anna.id, channel="email")] == ["#5", "#3", "#1"]
    window = db.timeline(anna.id, occurred_from=start + timedelta(days=2), occurred_to=start + timedelta(days=4))
    assert [i.subject for i in window] == ["#3", "#2"]
    assert len(list(db.timeline(acme.id))) == 7
    assert list(db.timeline(acme.id, include_members=False)) == []
    with pytest.raises(crm.ValidationError) as e:
        db.timeline(anna.id, page_size=0)
    assert e.value.field == "limit"
    with pytest.raises(crm.NotFoundError):
        db.timeline("01900000-0000-7000-8000-000000000000")
    with pytest.raises(TypeError):
        db.timeline(anna.id, channels="email")  # type: ignore[call-arg]


def test_timeline_by_link(db: crm.Crm, anna: crm.Party) -> None:
    lead = db.create_lead(given_name="Jan", email="jan@example.com")
    db.record_interaction("email", "About the lead", participants=[(anna.id, "to")], lead_id=lead.id)
    db.record_interaction("email", "Other", participants=[(anna.id, "to")])
    assert [i.subject for i in db.timeline(anna.id, lead_id=lead.id)] == ["About the lead"]
    assert [i.subject for i in db.lead_interactions(lead.id)] == ["About the lead"]


def test_search_interactions(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    # Recorded oldest first. For "invoice": the start of a word of the
    # subject; a whole word of the subject (twice); a whole word of the
    # outcome only; no match.
    overdue = db.record_interaction("email", "Invoices overdue", participants=[(anna.id, "to")])
    sent = db.record_interaction("email", "Invoice sent", participants=[(acme.id, "to")])
    question = db.record_interaction("phone_call", "Invoice question", participants=[(anna.id, "from")])
    visit = db.record_interaction("meeting", "Visit", participants=[(anna.id, "attendee")], outcome="invoice paid")
    db.record_interaction("chat", "Delivery date", participants=[(anna.id, "from")])

    found = db.search_interactions("invoice")
    assert all(isinstance(i, crm.Interaction) for i in found)
    assert [i.id for i in found] == [question.id, sent.id, overdue.id, visit.id]
    assert found[0] == db.get_interaction(question.id)
    assert [i.id for i in db.search_interactions("INVOICE", limit=2)] == [question.id, sent.id]
    assert [i.id for i in db.search_interactions("invoice paid")] == [visit.id]
    assert len(db.search_interactions("ínvoi")) == 4
    # The party filter, by str or uuid.UUID.
    assert [i.id for i in db.search_interactions("invoice", party_id=anna.id)] == [question.id, overdue.id, visit.id]
    assert [i.id for i in db.search_interactions("invoice", party_id=uuid.UUID(acme.id))] == [sent.id]
    assert db.search_interactions("delivery", party_id=acme.id) == []
    assert db.search_interactions("invoice", party_id="01900000-0000-7000-8000-000000000000") == []
    # Query syntax is searched literally.
    assert db.search_interactions("invoice OR NEAR(x*") == []
    assert len(db.search_interactions('"invoice" -', limit=1000)) == 4


def test_search_interactions_bad_input(db: crm.Crm, anna: crm.Party) -> None:
    db.record_interaction("email", "Invoice sent", participants=[(anna.id, "to")])
    for text in ["", " -:* \"()", "a" * 1001]:
        with pytest.raises(crm.ValidationError) as e:
            db.search_interactions(text)
        assert e.value.field == "text"
    for limit in [0, 1001, -1]:
        with pytest.raises(crm.ValidationError) as e:
            db.search_interactions("invoice", limit=limit)
        assert e.value.field == "limit"
    with pytest.raises(crm.ValidationError) as e:
        db.search_interactions("invoice", party_id="not-an-id")
    assert e.value.field == "party_id"
    with pytest.raises(crm.ValidationError) as e:
        db.search_interactions("in\0voice")
    assert e.value.field == "text"
    with pytest.raises(TypeError):
        db.search_interactions(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.search_interactions("invoice", party_id=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.search_interactions("invoice", limit="10")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.search_interactions("invoice", colour="red")  # type: ignore[call-arg]
    # Text Rust cannot hold is refused while converting it (a panic would
    # surface as PanicException, which pytest.raises does not catch here).
    with pytest.raises(UnicodeEncodeError):
        db.search_interactions("\ud800")
    with pytest.raises(crm.ValidationError):
        db.search_interactions("invoice " * 10_000, party_id=anna.id)
