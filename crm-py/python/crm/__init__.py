"""An embeddable CRM core for Python.

Persons and organizations, their roles, contact points, tags, notes and
custom fields, the typed relationships between them, an audit log and an
outbox of events, in one SQLite file (or in memory) inside your process::

    import crm

    with crm.open("shop.db") as db:
        anna = db.create_person(
            given_name="Anna",
            family_name="Bērziņa",
            emails=["anna@acme.lv"],
            roles=["customer"],
        )
        for p in db.parties(role="customer", sort="name"):
            print(p.display_name)

Every failure is a :class:`CrmError` (see :mod:`crm.errors`).
"""

from __future__ import annotations

from crm.errors import (
    BusyError,
    ConflictError,
    CrmError,
    NotADatabaseError,
    NotFoundError,
    PermissionDeniedError,
    ReadOnlyError,
    SchemaError,
    StorageError,
    ValidationError,
)
from crm._crm import (
    SCHEMA_VERSION,
    AuditEntry,
    ContactPoint,
    Crm,
    Event,
    FieldDef,
    Neighbour,
    Note,
    Page,
    Party,
    PartyIterator,
    PathStep,
    Relationship,
    RelationshipType,
    Role,
    __version__,
    open,
)

__all__ = [
    "SCHEMA_VERSION",
    "AuditEntry",
    "BusyError",
    "ConflictError",
    "ContactPoint",
    "Crm",
    "CrmError",
    "Event",
    "FieldDef",
    "Neighbour",
    "NotADatabaseError",
    "NotFoundError",
    "Note",
    "Page",
    "Party",
    "PartyIterator",
    "PathStep",
    "PermissionDeniedError",
    "ReadOnlyError",
    "Relationship",
    "RelationshipType",
    "Role",
    "SchemaError",
    "StorageError",
    "ValidationError",
    "__version__",
    "open",
]
