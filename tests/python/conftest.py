"""Shared fixtures of the Python suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import crm


@pytest.fixture
def db() -> Iterator[crm.Crm]:
    """A fresh base in memory."""
    with crm.open(":memory:") as handle:
        yield handle


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "shop.db"


@pytest.fixture
def file_db(db_path: Path) -> Iterator[crm.Crm]:
    """A fresh base in a file."""
    with crm.open(db_path) as handle:
        yield handle


@pytest.fixture
def anna(db: crm.Crm) -> crm.Party:
    return db.create_person(
        given_name="Anna",
        family_name="Bērziņa",
        emails=["anna@acme.lv"],
        phones=["+371 2000 0001"],
        roles=["customer"],
        tags=["vip"],
    )


@pytest.fixture
def acme(db: crm.Crm) -> crm.Party:
    return db.create_organization(legal_name="Acme SIA", vat_number="LV40003000001")
