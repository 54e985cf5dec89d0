"""The audit log and the outbox."""

from __future__ import annotations

from datetime import datetime

import crm


def test_history_of_a_party(db: crm.Crm) -> None:
    clerk = db.with_actor("clerk")
    p = clerk.create_person(given_name="Anna", family_name="B")
    p = db.update_party(p.id, p.version, language="lv")
    p = db.archive_party(p.id, p.version)
    p = db.restore_party(p.id, p.version)
    h = db.history(p.id)
    assert [e.action for e in h] == ["created", "updated", "archived", "restored"]
    assert [e.actor for e in h] == ["clerk", "system", "system", "system"]
    assert all(e.entity == "party" and e.entity_id == p.id for e in h)
    assert h[1].changes["language"] == [None, "lv"]
    assert isinstance(h[0].at, datetime) and h[0].at.tzinfo is not None
    assert h[0].seq < h[1].seq
    assert h[0].to_dict()["action"] == "created"
    assert "AuditEntry(" in repr(h[0])
    db.delete_party(p.id, p.version)
    assert db.history(p.id)[-1].action == "deleted"


def test_history_of_other_records(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    r = db.create_relationship("employee_of", anna.id, acme.id)
    cp = anna.contact_points[0]
    db.update_contact_point(cp.id, cp.version, verified=True)
    assert [e.action for e in db.history(r.id)] == ["created"]
    # contact points made with their party are recorded in the party's row
    assert [(e.entity, e.action) for e in db.history(cp.id)] == [("contact_point", "updated")]


def test_outbox(db: crm.Crm) -> None:
    a = db.create_person(given_name="A", family_name="B")
    b = db.create_person(given_name="C", family_name="D")
    events = db.events_after(0)
    assert [e.topic for e in events] == ["party.created", "party.created"]
    assert events[0].entity == "party" and events[0].entity_id == a.id
    assert events[1].payload["display_name"] == "C D"
    assert events[0].to_dict()["topic"] == "party.created"
    assert "Event(" in repr(events[0])
    assert db.events_after(events[0].seq) == events[1:]
    assert len(db.events_after(0, limit=1)) == 1
    db.delete_party(b.id, b.version)
    last = db.events_after(events[-1].seq)
    assert [e.topic for e in last] == ["party.deleted"]
    removed = db.prune_events(events[-1].seq)
    assert removed == 2
    assert [e.topic for e in db.events_after(0)] == ["party.deleted"]
    assert db.prune_events(0) == 0
