"""Tasks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import crm


def test_create_update_complete(db: crm.Crm, anna: crm.Party) -> None:
    due = datetime(2024, 6, 1, 12, tzinfo=timezone.utc)
    t = db.create_task("Call Anna", party_id=anna.id, due_at=due, owner="maris", priority="high")
    assert (t.subject, t.status, t.priority, t.owner, t.due_at, t.party_id) == (
        "Call Anna", "open", "high", "maris", due, anna.id
    )
    assert t.link is None and t.completed_at is None
    assert db.get_task(t.id) == t
    assert t.to_dict()["priority"] == "high"
    assert db.open_tasks(anna.id) == [t]

    done = db.update_task(t.id, t.version, status="done", owner=None)
    assert done.status == "done" and done.completed_at is not None and done.owner is None
    assert db.open_tasks(anna.id) == []
    with pytest.raises(crm.ConflictError):
        db.update_task(t.id, t.version, subject="stale")
    db.delete_task(done.id, done.version)
    with pytest.raises(crm.NotFoundError):
        db.get_task(t.id)


def test_link_to_interaction(db: crm.Crm, anna: crm.Party) -> None:
    it = db.record_interaction("email", "Quote?", participants=[(anna.id, "from")])
    t = db.create_task("Send the quote", link=("interaction", it.id))
    assert t.link == ("interaction", it.id)
    p = db.create_task("Say hello", link=("party", anna.id))
    assert p.party_id == anna.id


def test_overdue(db: crm.Crm, anna: crm.Party) -> None:
    now = datetime.now(timezone.utc)
    late = db.create_task("Late", party_id=anna.id, due_at=now - timedelta(days=2), owner="ilze")
    db.create_task("Later", party_id=anna.id, due_at=now + timedelta(days=2), owner="ilze")
    db.create_task("Undated", party_id=anna.id)
    assert db.overdue_tasks() == [late]
    assert db.overdue_tasks(owner="maris") == []
    assert len(db.overdue_tasks(now=now + timedelta(days=3))) == 2
    with pytest.raises(crm.ValidationError):
        db.overdue_tasks(limit=0)


def test_a_task_with_no_subject_changes_nothing(db: crm.Crm, anna: crm.Party) -> None:
    before = db.events_after(0, 1000)
    with pytest.raises(crm.ValidationError) as e:
        db.create_task("", party_id=anna.id)
    assert e.value.field == "subject"
    with pytest.raises(crm.ValidationError) as e:
        db.create_task("Call", priority="asap")
    assert e.value.field == "priority"
    with pytest.raises(crm.NotFoundError):
        db.create_task("Call", party_id="01900000-0000-7000-8000-000000000000")
    with pytest.raises(TypeError):
        db.create_task(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        db.create_task("Call", link="party")  # type: ignore[arg-type]
    assert db.open_tasks(anna.id) == []
    assert db.events_after(0, 1000) == before
