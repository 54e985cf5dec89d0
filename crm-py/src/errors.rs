//! The one place where core errors become Python exceptions, and the panic
//! boundary every entry point runs inside.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crm_core::{Error, ErrorKind};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The module that defines the exception classes (pure Python, so that they
/// can derive from both `CrmError` and `KeyError` / `ValueError`).
const ERRORS_MODULE: &str = "crm.errors";

fn build(py: Python<'_>, class: &str, message: &str, kind: &str, extra: &[(&str, Option<Bound<'_, PyAny>>)]) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let cls = py.import(ERRORS_MODULE)?.getattr(class)?;
        let kwargs = PyDict::new(py);
        for (k, v) in extra {
            kwargs.set_item(*k, v)?;
        }
        let exc = cls.call((message, kind), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    })();
    made.unwrap_or_else(|e| {
        PyRuntimeError::new_err(format!("{message} (the exception class crm.errors.{class} is unavailable: {e})"))
    })
}

/// Map a core error to its exception class: the one mapping of
/// [`ErrorKind`] to Python.
pub(crate) fn to_py(py: Python<'_>, e: Error) -> PyErr {
    let message = e.to_string();
    let kind = e.kind();
    let kind_text = kind.to_string();
    let class = match kind {
        ErrorKind::NotFound => "NotFoundError",
        ErrorKind::Validation => "ValidationError",
        ErrorKind::Conflict => "ConflictError",
        ErrorKind::PermissionDenied => "PermissionDeniedError",
        ErrorKind::Schema => "SchemaError",
        ErrorKind::ReadOnly => "ReadOnlyError",
        ErrorKind::Busy => "BusyError",
        ErrorKind::NotADatabase => "NotADatabaseError",
        ErrorKind::Storage | ErrorKind::Io => "StorageError",
        _ => "CrmError",
    };
    let extra: Vec<(&str, Option<Bound<'_, PyAny>>)> = match &e {
        Error::Validation { field, .. } => vec![("field", Some(pyo3::types::PyString::new(py, field).into_any()))],
        Error::Conflict { expected, actual, .. } => {
            let exp = expected.into_pyobject(py).ok().map(Bound::into_any);
            let act = actual.into_pyobject(py).ok().map(Bound::into_any);
            vec![("expected", exp), ("actual", act)]
        }
        _ => Vec::new(),
    };
    build(py, class, &message, &kind_text, &extra)
}

/// A validation error raised by the conversion of an argument.
pub(crate) fn validation(py: Python<'_>, field: &str, reason: impl Into<String>) -> PyErr {
    to_py(py, Error::validation(field, reason))
}

/// A `TypeError` about an argument.
pub(crate) fn type_error(field: &str, reason: impl std::fmt::Display) -> PyErr {
    if field.is_empty() {
        PyTypeError::new_err(reason.to_string())
    } else {
        PyTypeError::new_err(format!("{field}: {reason}"))
    }
}

/// The error for a call on a closed handle.
pub(crate) fn closed(py: Python<'_>) -> PyErr {
    build(py, "CrmError", "the database handle is closed", "closed", &[])
}

/// Extension trait: `result.py_err(py)?` maps a core error.
pub(crate) trait IntoPyResult<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for crm_core::Result<T> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

/// Run an entry point's body; a panic inside it becomes a `CrmError` of
/// kind "internal" instead of pyo3's `PanicException` (which is not an
/// `Exception`).
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(build(py, "CrmError", &format!("internal error in the crm library: {what}"), "internal", &[]))
        }
    }
}
