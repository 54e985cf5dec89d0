//! Status codes, the last error of each thread and the panic boundary.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{CString, c_char, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use crm_core::ErrorKind;

/// The result of every fallible function. `CRM_OK` is 0; a number is never
/// reused for another meaning.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum crm_status {
    /// Success.
    CRM_OK = 0,
    /// A pointer argument that must not be NULL was NULL; the field names it.
    CRM_NULL_PARAMETER = 1,
    /// A text argument was not valid UTF-8; the field names it.
    CRM_INVALID_UTF8 = 2,
    /// A JSON argument was malformed, or did not fit the record's schema
    /// (a wrong type, an unknown or missing field).
    CRM_INVALID_JSON = 3,
    /// An argument could not be read: an id that is not a UUID, a date that
    /// is not `YYYY-MM-DD`, an index past the end; the field names it.
    CRM_INVALID_ARGUMENT = 4,
    /// A handle that is not (or no longer) a live handle of its type was
    /// passed. Detected on a best-effort basis only: using a freed handle is
    /// undefined behaviour.
    CRM_INVALID_HANDLE = 5,
    /// The record does not exist (or was deleted).
    CRM_NOT_FOUND = 6,
    /// Input broke a rule of the core; the field names the input.
    CRM_VALIDATION = 7,
    /// The record changed since the caller read it (stale version).
    CRM_CONFLICT = 8,
    /// The caller may not do this.
    CRM_PERMISSION_DENIED = 9,
    /// The base was opened read-only, or the file cannot be written.
    CRM_READ_ONLY = 10,
    /// The file's schema cannot be used: written by a newer version, or a
    /// database of another application.
    CRM_SCHEMA = 11,
    /// The file is not a database, or it is corrupt.
    CRM_NOT_A_DATABASE = 12,
    /// Another process held the write lock longer than the busy timeout.
    CRM_BUSY = 13,
    /// Any other failure of the storage engine.
    CRM_STORAGE = 14,
    /// An I/O error outside the storage engine.
    CRM_IO = 15,
    /// The library panicked; the call was abandoned and changed nothing.
    CRM_PANIC = 16,
    /// An error of a kind this version of the C library does not know, or
    /// a text that cannot be handed out as a C string (it holds a NUL).
    CRM_INTERNAL = 17,
}

/// The one mapping from the core's error kinds to statuses.
pub(crate) fn status_of(kind: ErrorKind) -> crm_status {
    use crm_status::*;
    match kind {
        ErrorKind::NotFound => CRM_NOT_FOUND,
        ErrorKind::Validation => CRM_VALIDATION,
        ErrorKind::Conflict => CRM_CONFLICT,
        ErrorKind::PermissionDenied => CRM_PERMISSION_DENIED,
        ErrorKind::ReadOnly => CRM_READ_ONLY,
        ErrorKind::Schema => CRM_SCHEMA,
        ErrorKind::NotADatabase => CRM_NOT_A_DATABASE,
        ErrorKind::Busy => CRM_BUSY,
        ErrorKind::Storage => CRM_STORAGE,
        ErrorKind::Io => CRM_IO,
        _ => CRM_INTERNAL,
    }
}

/// Every status with its name, in number order.
const NAMES: &[(crm_status, &std::ffi::CStr)] = &[
    (crm_status::CRM_OK, c"CRM_OK"),
    (crm_status::CRM_NULL_PARAMETER, c"CRM_NULL_PARAMETER"),
    (crm_status::CRM_INVALID_UTF8, c"CRM_INVALID_UTF8"),
    (crm_status::CRM_INVALID_JSON, c"CRM_INVALID_JSON"),
    (crm_status::CRM_INVALID_ARGUMENT, c"CRM_INVALID_ARGUMENT"),
    (crm_status::CRM_INVALID_HANDLE, c"CRM_INVALID_HANDLE"),
    (crm_status::CRM_NOT_FOUND, c"CRM_NOT_FOUND"),
    (crm_status::CRM_VALIDATION, c"CRM_VALIDATION"),
    (crm_status::CRM_CONFLICT, c"CRM_CONFLICT"),
    (crm_status::CRM_PERMISSION_DENIED, c"CRM_PERMISSION_DENIED"),
    (crm_status::CRM_READ_ONLY, c"CRM_READ_ONLY"),
    (crm_status::CRM_SCHEMA, c"CRM_SCHEMA"),
    (crm_status::CRM_NOT_A_DATABASE, c"CRM_NOT_A_DATABASE"),
    (crm_status::CRM_BUSY, c"CRM_BUSY"),
    (crm_status::CRM_STORAGE, c"CRM_STORAGE"),
    (crm_status::CRM_IO, c"CRM_IO"),
    (crm_status::CRM_PANIC, c"CRM_PANIC"),
    (crm_status::CRM_INTERNAL, c"CRM_INTERNAL"),
];

/// The name of a status as a static string, e.g. `"CRM_NOT_FOUND"`;
/// `"CRM_UNKNOWN_STATUS"` for a number that is not a status.
///
/// Ownership: the string is static; do not free it. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_status_name(status: c_int) -> *const c_char {
    NAMES.iter().find(|(s, _)| *s as c_int == status).map_or(c"CRM_UNKNOWN_STATUS".as_ptr(), |(_, n)| n.as_ptr())
}

/// Why a call failed: its status, a message, and the field at fault.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: crm_status,
    pub(crate) message: String,
    pub(crate) field: Option<String>,
}

impl Fail {
    pub(crate) fn new(status: crm_status, field: &str, message: impl Into<String>) -> Fail {
        Fail { status, message: message.into(), field: (!field.is_empty()).then(|| field.to_string()) }
    }

    pub(crate) fn null(field: &str) -> Fail {
        Fail::new(crm_status::CRM_NULL_PARAMETER, field, format!("{field} must not be NULL"))
    }
}

impl From<crm_core::Error> for Fail {
    fn from(e: crm_core::Error) -> Fail {
        Fail { status: status_of(e.kind()), message: e.to_string(), field: e.field().map(str::to_string) }
    }
}

/// `Result` of the conversion helpers.
pub(crate) type FResult<T> = Result<T, Fail>;

struct LastError {
    message: CString,
    field: Option<CString>,
}

thread_local! {
    static LAST: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        field: None,
    });
}

fn c_text(s: String) -> CString {
    CString::new(s.replace('\0', "?")).unwrap_or_default()
}

fn set_last(fail: Option<Fail>) {
    let (message, field) = match fail {
        Some(f) => (c_text(f.message), f.field.map(c_text)),
        None => (CString::default(), None),
    };
    // `try_with`: the thread may be tearing its locals down.
    let _ = LAST.try_with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.message = message;
            l.field = field;
        }
    });
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("the library panicked: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("the library panicked: {s}")
    } else {
        "the library panicked".to_string()
    }
}

/// The panic boundary around every exported body: runs `f`, records its
/// error (or clears the last error) and returns the status.
pub(crate) fn guard(f: impl FnOnce() -> FResult<()>) -> crm_status {
    let out = catch_unwind(AssertUnwindSafe(f));
    let fail = match out {
        Ok(Ok(())) => {
            set_last(None);
            return crm_status::CRM_OK;
        }
        Ok(Err(fail)) => fail,
        Err(payload) => Fail::new(crm_status::CRM_PANIC, "", panic_text(payload.as_ref())),
    };
    let status = fail.status;
    // Recording the error must not unwind into C either.
    if catch_unwind(AssertUnwindSafe(|| set_last(Some(fail)))).is_err() {
        return crm_status::CRM_PANIC;
    }
    status
}

/// The message of the last failed call on the calling thread, or `""` when
/// the last call succeeded (or none was made).
///
/// Ownership: borrowed, owned by the library; do not free. Valid until the
/// next call of a function returning `crm_status` on the same thread.
/// Thread-safe: each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn crm_last_error_message() -> *const c_char {
    catch_unwind(|| {
        LAST.try_with(|l| l.try_borrow().map_or(c"".as_ptr(), |l| l.message.as_ptr())).unwrap_or(c"".as_ptr())
    })
    .unwrap_or(c"".as_ptr())
}

/// The field (or argument) at fault in the last failed call on the calling
/// thread, e.g. `"contact_points[0].address"` for `CRM_VALIDATION` or
/// `"party_id"` for `CRM_NULL_PARAMETER`; NULL when there is none.
///
/// Ownership: borrowed, owned by the library; do not free. Valid until the
/// next call of a function returning `crm_status` on the same thread.
/// Thread-safe: each thread has its own last error.
#[unsafe(no_mangle)]
pub extern "C" fn crm_last_error_field() -> *const c_char {
    catch_unwind(|| {
        LAST.try_with(|l| l.try_borrow().map_or(ptr::null(), |l| l.field.as_ref().map_or(ptr::null(), |f| f.as_ptr())))
            .unwrap_or(ptr::null())
    })
    .unwrap_or(ptr::null())
}

/// The version of the library, e.g. `"0.1.0"`.
///
/// Ownership: static; do not free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_version() -> *const c_char {
    const V: &std::ffi::CStr = {
        match std::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"",
        }
    };
    V.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last() -> (String, Option<String>) {
        let m = unsafe { CStr::from_ptr(crm_last_error_message()) };
        let f = crm_last_error_field();
        let f = (!f.is_null()).then(|| unsafe { CStr::from_ptr(f) }.to_string_lossy().into_owned());
        (m.to_string_lossy().into_owned(), f)
    }

    #[test]
    fn a_panic_becomes_a_status() {
        let st = guard(|| panic!("boom"));
        assert_eq!(st, crm_status::CRM_PANIC);
        assert_eq!(last().0, "the library panicked: boom");
        let st = guard(|| Ok(()));
        assert_eq!(st, crm_status::CRM_OK);
        assert_eq!(last(), (String::new(), None));
    }

    #[test]
    fn every_status_has_a_name() {
        for (i, (s, n)) in NAMES.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(unsafe { CStr::from_ptr(crm_status_name(*s as c_int)) }, *n);
        }
        let unknown = unsafe { CStr::from_ptr(crm_status_name(-1)) };
        assert_eq!(unknown.to_str().unwrap(), "CRM_UNKNOWN_STATUS");
    }

    #[test]
    fn every_kind_maps() {
        assert_eq!(status_of(ErrorKind::Busy), crm_status::CRM_BUSY);
        assert_eq!(status_of(ErrorKind::Io), crm_status::CRM_IO);
        assert_eq!(status_of(ErrorKind::PermissionDenied), crm_status::CRM_PERMISSION_DENIED);
    }
}
