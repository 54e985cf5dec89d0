"""The exceptions raised by :mod:`crm`.

Every failure of the library is a :class:`CrmError`; the subclasses match the
kinds of error of the Rust core one to one (the mapping lives in one place,
``crm-py/src/errors.rs``)::

    CrmError
    ├── NotFoundError          (also a KeyError)
    ├── ValidationError        (also a ValueError; .field names the input)
    ├── ConflictError          (.expected and .actual versions)
    ├── PermissionDeniedError
    ├── SchemaError
    └── StorageError           (storage engine and file system; I/O errors too)
        ├── ReadOnlyError      (opened read-only, or the file cannot be written)
        ├── BusyError          (another process held the lock past the busy timeout)
        └── NotADatabaseError  (not a SQLite database, or corrupt)

A panic inside the extension (a bug) is raised as a plain :class:`CrmError`
whose ``kind`` is ``"internal"``. Wrong argument types raise ``TypeError``.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "BusyError",
    "ConflictError",
    "CrmError",
    "NotADatabaseError",
    "NotFoundError",
    "PermissionDeniedError",
    "ReadOnlyError",
    "SchemaError",
    "StorageError",
    "ValidationError",
]


class CrmError(Exception):
    """Any failure of the CRM library.

    ``kind`` is the core's error kind as text: ``"not found"``,
    ``"validation"``, ``"conflict"``, ``"permission denied"``,
    ``"read-only"``, ``"schema"``, ``"not a database"``, ``"busy"``,
    ``"storage"``, ``"i/o"``, ``"closed"`` or ``"internal"``.
    """

    kind: str

    def __init__(self, message: str, kind: str = "internal") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind

    def __str__(self) -> str:
        return self.message


class NotFoundError(CrmError, KeyError):
    """The record does not exist (or was deleted)."""

    def __str__(self) -> str:
        # KeyError would quote the message.
        return self.message


class ValidationError(CrmError, ValueError):
    """Input broke a rule; ``field`` names the input that was wrong
    (``"contact_points[1].address"``, ``"custom.tier"``, …)."""

    field: Optional[str]

    def __init__(self, message: str, kind: str = "validation", field: Optional[str] = None) -> None:
        super().__init__(message, kind)
        self.field = field


class ConflictError(CrmError):
    """The record moved on since the caller read it: re-read it and retry.
    ``expected`` is the version passed, ``actual`` the stored one."""

    expected: Optional[int]
    actual: Optional[int]

    def __init__(
        self,
        message: str,
        kind: str = "conflict",
        expected: Optional[int] = None,
        actual: Optional[int] = None,
    ) -> None:
        super().__init__(message, kind)
        self.expected = expected
        self.actual = actual


class PermissionDeniedError(CrmError):
    """The caller may not do this."""


class SchemaError(CrmError):
    """The file's schema cannot be used: written by a newer version of the
    library, or a database of another application. The file is unchanged."""


class StorageError(CrmError):
    """A failure of the storage engine or of the file system."""


class ReadOnlyError(StorageError):
    """The base was opened read-only, or its file cannot be written."""


class BusyError(StorageError):
    """Another process held the write lock longer than the busy timeout."""


class NotADatabaseError(StorageError):
    """The file is not a SQLite database, or it is corrupt."""
