"""The relationship graph: types, relationships, neighbours, members and
shortest paths."""

from __future__ import annotations

from datetime import date

import pytest

import crm


def test_builtin_and_own_types(db: crm.Crm) -> None:
    codes = {t.code for t in db.relationship_types()}
    assert {"employee_of", "knows", "subsidiary_of"} <= codes
    t = db.define_relationship_type(
        "mentor_of", "mentor of", inverse_label="mentored by", from_kinds=["person"], to_kinds=["person"]
    )
    assert t.code == "mentor_of" and t.inverse_label == "mentored by"
    assert t.from_kinds == ["person"] and not t.builtin and not t.symmetric
    assert t.to_dict()["forward_label"] == "mentor of"
    with pytest.raises(crm.ValidationError):
        db.define_relationship_type("mentor_of", "again", inverse_label="x")
    with pytest.raises(crm.ValidationError):
        db.define_relationship_type("one_way", "one way")  # needs an inverse label
    s = db.define_relationship_type("twin_of", "twin of", symmetric=True, allow_self=False)
    assert s.symmetric and s.inverse_label == "twin of"
    assert "RelationshipType(" in repr(s)


def test_relationship_lifecycle(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    r = db.create_relationship(
        "employee_of", anna.id, acme.id, valid_from=date(2024, 1, 1), strength=0.8, notes="hired"
    )
    assert r.type == "employee_of" and r.from_id == anna.id and r.to_id == acme.id
    assert r.strength == 0.8 and r.notes == "hired" and r.version == 1
    assert db.get_relationship(r.id) == r
    r2 = db.update_relationship(r.id, r.version, valid_to=date(2024, 12, 31), notes=None)
    assert r2.valid_to == date(2024, 12, 31) and r2.notes is None
    assert r2.holds_on(date(2024, 6, 1)) and not r2.holds_on(date(2025, 6, 1))
    assert r2.to_dict()["type"] == "employee_of"
    with pytest.raises(crm.ConflictError):
        db.update_relationship(r.id, r.version, strength=0.1)
    with pytest.raises(TypeError):
        db.update_relationship(r2.id, r2.version, colour="red")
    with pytest.raises(crm.ValidationError):
        db.update_relationship(r2.id, r2.version, strength=2.0)
    db.delete_relationship(r2.id, r2.version)
    with pytest.raises(crm.NotFoundError):
        db.get_relationship(r2.id)


def test_relationship_rules(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    with pytest.raises(crm.ValidationError) as e:
        db.create_relationship("employee_of", acme.id, anna.id)
    assert e.value.field == "from_id"
    with pytest.raises(crm.ValidationError):
        db.create_relationship("no_such_type", anna.id, acme.id)
    with pytest.raises(crm.ValidationError):
        db.create_relationship("knows", anna.id, anna.id)
    with pytest.raises(crm.NotFoundError):
        db.create_relationship("employee_of", anna.id, "01900000-0000-7000-8000-000000000000")
    with pytest.raises(TypeError):
        db.create_relationship("employee_of", anna.id, acme.id, strength="high")  # type: ignore[arg-type]


def test_neighbours_members_and_paths(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    bob = db.create_person(given_name="Bob", family_name="C")
    carl = db.create_person(given_name="Carl", family_name="D")
    sub = db.create_organization(legal_name="Acme Labs", parent_id=acme.id)
    db.create_relationship("employee_of", anna.id, acme.id)
    db.create_relationship("knows", anna.id, bob.id)
    db.create_relationship("knows", bob.id, carl.id)

    staff = db.neighbours(acme.id)
    assert [(n.display_name, n.label, n.direction) for n in staff] == [
        ("Anna Bērziņa", "employer of", "incoming")
    ]
    assert staff[0].relationship.type == "employee_of"
    assert staff[0].to_dict()["relationship"]["from_id"] == anna.id
    assert "Neighbour(" in repr(staff[0])
    out = db.neighbours(anna.id, type="knows", direction="outgoing")
    assert [n.display_name for n in out] == ["Bob C"]
    assert db.neighbours(anna.id, direction="incoming") == []
    assert db.neighbours(anna.id, at=date(2020, 1, 1))  # open-ended relationships hold
    with pytest.raises(crm.ValidationError):
        db.neighbours(anna.id, direction="sideways")
    with pytest.raises(crm.ValidationError):
        db.neighbours(anna.id, type="no_such_type")

    members = {p.display_name for p in db.members(acme.id)}
    assert members == {"Anna Bērziņa", "Acme Labs"}
    assert sub.commercial_id == acme.id
    with pytest.raises(crm.ValidationError):
        db.members(anna.id)

    path = db.shortest_path(acme.id, carl.id)
    assert path is not None
    assert [s.label for s in path] == ["employer of", "knows", "knows"]
    assert path[0].from_id == acme.id and path[-1].to_id == carl.id
    assert path[0].to_dict()["type"] == "employee_of"
    assert db.shortest_path(acme.id, carl.id, max_depth=2) is None
    with pytest.raises(crm.ValidationError):
        db.shortest_path(acme.id, carl.id, max_depth=7)
