"""Roles: add with details, update, remove, role filters."""

from __future__ import annotations

from datetime import date

import pytest

import crm


def test_roles_given_on_create(db: crm.Crm) -> None:
    p = db.create_person(
        given_name="A",
        family_name="B",
        roles=[
            "customer",
            {"role": "employee", "title": "CTO", "department": "IT", "valid_from": date(2024, 1, 1)},
        ],
    )
    by_role = {r.role: r for r in p.roles}
    assert by_role["customer"].details["lifecycle_stage"] == "customer"
    emp = by_role["employee"]
    assert emp.details["title"] == "CTO"
    assert emp.valid_from == date(2024, 1, 1) and emp.valid_to is None
    assert emp.holds_on(date(2025, 1, 1)) and not emp.holds_on(date(2023, 1, 1))
    assert emp.to_dict()["department"] == "IT"


def test_add_update_remove_role(db: crm.Crm, anna: crm.Party, acme: crm.Party) -> None:
    r = db.add_role(acme.id, "supplier", category="packaging", preferred=True)
    assert r.role == "supplier" and r.details["preferred"] is True
    assert db.get_party(acme.id).has_role("supplier")
    r2 = db.update_role(r.id, r.version, valid_to=date(2030, 12, 31))
    assert r2.valid_to == date(2030, 12, 31) and r2.details["category"] == "packaging"
    r3 = db.update_role(r2.id, r2.version, role="supplier", category="logistics")
    assert r3.details["category"] == "logistics" and r3.details["preferred"] is False
    with pytest.raises(crm.ValidationError):
        db.update_role(r3.id, r3.version, role="customer", vip=True)
    with pytest.raises(TypeError, match="role="):
        db.update_role(r3.id, r3.version, category="x")
    with pytest.raises(crm.ConflictError):
        db.update_role(r.id, r.version, valid_to=None)
    db.remove_role(r3.id, r3.version)
    assert not db.get_party(acme.id).has_role("supplier")


def test_role_rules_come_from_the_core(db: crm.Crm, acme: crm.Party, anna: crm.Party) -> None:
    with pytest.raises(crm.ValidationError):
        db.add_role(acme.id, "employee", title="CEO")  # organizations are not employees
    with pytest.raises(crm.ValidationError):
        db.add_role(anna.id, "wizard")
    with pytest.raises(crm.ValidationError):
        db.add_role(anna.id, "customer", colour="red")  # unknown detail
    with pytest.raises(crm.ValidationError) as e:
        db.add_role(anna.id, "partner", valid_from=date(2025, 1, 2), valid_to=date(2025, 1, 1))
    assert e.value.field == "valid_to"
    with pytest.raises(TypeError):
        db.create_person(given_name="A", family_name="B", roles=[42])
    with pytest.raises(TypeError, match="role"):
        db.create_person(given_name="A", family_name="B", roles=[{"tier": "gold"}])


def test_employee_manager_and_filter(db: crm.Crm) -> None:
    boss = db.create_person(given_name="Boss", family_name="X", roles=["employee"])
    worker = db.create_person(
        given_name="W",
        family_name="Y",
        roles=[{"role": "employee", "manager_id": boss.id}],
    )
    assert worker.roles[0].details["manager_id"] == boss.id
    assert db.count_parties(role="employee") == 2
    assert db.count_parties(role="customer") == 0
