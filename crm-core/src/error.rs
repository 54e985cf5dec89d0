//! The one error type of the library.
//!
//! Every failure a caller can act on has its own variant; [`Error::kind`]
//! gives a stable, fieldless [`ErrorKind`] that the C and Python bindings map
//! to their own status codes and exception classes.

use std::fmt;

/// `Result` with the library's [`Error`] as its default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in a call to the library.
///
/// A failed call changes nothing: every write runs in one transaction that is
/// rolled back when an error is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The record does not exist (or was deleted).
    #[error("{entity} {id} not found")]
    NotFound {
        /// Which kind of record was looked up ("party", "relationship", …).
        entity: &'static str,
        /// The id or key that was looked up.
        id: String,
    },
    /// Input broke a rule; `field` names the input that was wrong.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The field (or argument) that failed, e.g. `contact_points[1].address`.
        field: String,
        /// Why it failed, in words.
        reason: String,
    },
    /// Optimistic concurrency: the record moved on since the caller read it.
    #[error("{entity} {id} was changed by someone else: expected version {expected}, found {actual}")]
    Conflict {
        /// Which kind of record.
        entity: &'static str,
        /// Its id.
        id: String,
        /// The version the caller passed.
        expected: i64,
        /// The version stored now.
        actual: i64,
    },
    /// The caller's principal may not do this.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// The database was opened read-only, or the file cannot be written.
    #[error("the database is read-only: {0}")]
    ReadOnly(String),
    /// The file's schema is not one this version can use: written by a newer
    /// version of the library, or a database of another application.
    #[error("schema: {0}")]
    Schema(String),
    /// The file is not a SQLite database, or it is corrupt.
    #[error("not a usable database: {0}")]
    NotADatabase(String),
    /// Another process holds the write lock longer than the busy timeout.
    #[error("the database is busy: {0}")]
    Busy(String),
    /// Any other failure of the storage engine or the file system.
    #[error("storage error: {0}")]
    Storage(#[source] rusqlite::Error),
    /// An I/O error outside SQLite (opening a path, reading an import file).
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// The fieldless kind of an [`Error`]; stable across releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::NotFound`].
    NotFound,
    /// See [`Error::Validation`].
    Validation,
    /// See [`Error::Conflict`].
    Conflict,
    /// See [`Error::PermissionDenied`].
    PermissionDenied,
    /// See [`Error::ReadOnly`].
    ReadOnly,
    /// See [`Error::Schema`].
    Schema,
    /// See [`Error::NotADatabase`].
    NotADatabase,
    /// See [`Error::Busy`].
    Busy,
    /// See [`Error::Storage`].
    Storage,
    /// See [`Error::Io`].
    Io,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorKind::NotFound => "not found",
            ErrorKind::Validation => "validation",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::ReadOnly => "read-only",
            ErrorKind::Schema => "schema",
            ErrorKind::NotADatabase => "not a database",
            ErrorKind::Busy => "busy",
            ErrorKind::Storage => "storage",
            ErrorKind::Io => "i/o",
        };
        f.write_str(s)
    }
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Validation { .. } => ErrorKind::Validation,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::PermissionDenied(_) => ErrorKind::PermissionDenied,
            Error::ReadOnly(_) => ErrorKind::ReadOnly,
            Error::Schema(_) => ErrorKind::Schema,
            Error::NotADatabase(_) => ErrorKind::NotADatabase,
            Error::Busy(_) => ErrorKind::Busy,
            Error::Storage(_) => ErrorKind::Storage,
            Error::Io(_) => ErrorKind::Io,
        }
    }

    /// The field that failed validation, if this is a validation error.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } => Some(field),
            _ => None,
        }
    }

    /// A validation error for `field`.
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), reason: reason.into() }
    }

    /// A not-found error for a record of kind `entity`.
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Error::NotFound { entity, id: id.to_string() }
    }

    /// Prefix the field of a validation error, e.g. `address` becomes
    /// `contact_points[2].address`.
    pub(crate) fn in_field(self, prefix: &str) -> Self {
        match self {
            Error::Validation { field, reason } => Error::Validation {
                field: if field.is_empty() { prefix.to_string() } else { format!("{prefix}.{field}") },
                reason,
            },
            other => other,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, msg) = &e {
            let text = msg.clone().unwrap_or_else(|| f.to_string());
            match f.code {
                C::NotADatabase | C::DatabaseCorrupt => return Error::NotADatabase(text),
                C::ReadOnly => return Error::ReadOnly(text),
                C::DatabaseBusy | C::DatabaseLocked => return Error::Busy(text),
                C::CannotOpen => return Error::Storage(e),
                _ => {}
            }
        }
        Error::Storage(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::validation("json", e.to_string())
    }
}
