//! Argument and result conversion between C and Rust.

use std::ffi::{CStr, CString, c_char};

use chrono::{DateTime, NaiveDate, Utc};
use crm_core::Uuid;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{FResult, Fail, crm_status};

/// Fail with `CRM_NULL_PARAMETER` if `p` is NULL.
pub(crate) fn not_null<T>(p: *const T, name: &str) -> FResult<()> {
    if p.is_null() { Err(Fail::null(name)) } else { Ok(()) }
}

/// Fail with `CRM_NULL_PARAMETER` if the output pointer `p` is NULL.
pub(crate) fn out<T>(p: *mut T, name: &str) -> FResult<()> {
    not_null(p.cast_const(), name)
}

/// Write `v` through an output pointer checked with [`out`].
pub(crate) fn write<T>(p: *mut T, v: T) {
    // SAFETY: checked non-NULL by `out` before any work; the caller
    // promises it points to writable memory of type T.
    unsafe { p.write(v) }
}

/// A borrowed UTF-8 string argument.
pub(crate) fn text<'a>(p: *const c_char, name: &str) -> FResult<&'a str> {
    not_null(p, name)?;
    // SAFETY: non-NULL; the caller promises a NUL-terminated string that
    // lives for the call.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| Fail::new(crm_status::CRM_INVALID_UTF8, name, format!("{name} is not valid UTF-8: {e}")))
}

/// An optional UTF-8 string argument (NULL: none).
pub(crate) fn opt_text<'a>(p: *const c_char, name: &str) -> FResult<Option<&'a str>> {
    if p.is_null() { Ok(None) } else { text(p, name).map(Some) }
}

/// A UUID argument in its text form.
pub(crate) fn uuid(p: *const c_char, name: &str) -> FResult<Uuid> {
    let s = text(p, name)?;
    Uuid::parse_str(s.trim())
        .map_err(|e| Fail::new(crm_status::CRM_INVALID_ARGUMENT, name, format!("{name} {s:?} is not a UUID: {e}")))
}

/// An optional `YYYY-MM-DD` date argument (NULL: none).
pub(crate) fn opt_date(p: *const c_char, name: &str) -> FResult<Option<NaiveDate>> {
    match opt_text(p, name)? {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map(Some).map_err(|_| {
            Fail::new(crm_status::CRM_INVALID_ARGUMENT, name, format!("{name} {s:?} is not a date (YYYY-MM-DD)"))
        }),
    }
}

/// An optional UUID argument (NULL: none).
pub(crate) fn opt_uuid(p: *const c_char, name: &str) -> FResult<Option<Uuid>> {
    if p.is_null() { Ok(None) } else { uuid(p, name).map(Some) }
}

/// A `YYYY-MM-DD` date argument; NULL is today (UTC).
pub(crate) fn date_or_today(p: *const c_char, name: &str) -> FResult<NaiveDate> {
    Ok(opt_date(p, name)?.unwrap_or_else(|| Utc::now().date_naive()))
}

/// An optional RFC 3339 time argument, e.g. `"2025-03-01T09:30:00Z"` (NULL:
/// none).
pub(crate) fn opt_time(p: *const c_char, name: &str) -> FResult<Option<DateTime<Utc>>> {
    match opt_text(p, name)? {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s.trim()).map(|t| Some(t.with_timezone(&Utc))).map_err(|_| {
            Fail::new(
                crm_status::CRM_INVALID_ARGUMENT,
                name,
                format!("{name} {s:?} is not an RFC 3339 time (e.g. 2025-03-01T09:30:00Z)"),
            )
        }),
    }
}

/// A name of a snake_case enum of the core (`"phone_call"`, `"paid"`, …)
/// read into `T`.
pub(crate) fn name_of<T: DeserializeOwned>(p: *const c_char, name: &str) -> FResult<T> {
    let s = text(p, name)?;
    serde_json::from_value(serde_json::Value::String(s.trim().to_string()))
        .map_err(|e| Fail::new(crm_status::CRM_INVALID_ARGUMENT, name, format!("{name} {s:?} is not known: {e}")))
}

/// An optional enum name (NULL: none); see [`name_of`].
pub(crate) fn opt_name_of<T: DeserializeOwned>(p: *const c_char, name: &str) -> FResult<Option<T>> {
    if p.is_null() { Ok(None) } else { name_of(p, name).map(Some) }
}

/// An optional JSON argument (NULL: the type's default).
pub(crate) fn json_or_default<T: DeserializeOwned + Default>(p: *const c_char, name: &str) -> FResult<T> {
    if p.is_null() { Ok(T::default()) } else { json(p, name) }
}

/// A JSON argument read into the record type `T`.
pub(crate) fn json<T: DeserializeOwned>(p: *const c_char, name: &str) -> FResult<T> {
    let s = text(p, name)?;
    from_json(s, name)
}

/// Read JSON text into the record type `T`.
pub(crate) fn from_json<T: DeserializeOwned>(s: &str, name: &str) -> FResult<T> {
    serde_json::from_str(s).map_err(|e| {
        Fail::new(crm_status::CRM_INVALID_JSON, name, format!("{name} is not valid JSON for this record: {e}"))
    })
}

/// A C string owned by the library, for a text that cannot hold NUL.
pub(crate) fn c_string(s: String) -> FResult<CString> {
    CString::new(s).map_err(|_| {
        Fail::new(
            crm_status::CRM_INTERNAL,
            "",
            "the text holds a NUL character and cannot be handed out as a C string; \
             read it through the JSON functions",
        )
    })
}

/// A record as JSON text.
pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> FResult<CString> {
    let s = serde_json::to_string(v).map_err(|e| {
        Fail::new(crm_status::CRM_INTERNAL, "", format!("the record could not be written as JSON: {e}"))
    })?;
    c_string(s)
}

/// Hand a string to the caller, who frees it with `crm_string_free`.
pub(crate) fn give(p: *mut *mut c_char, s: CString) {
    write(p, s.into_raw());
}

/// Hand an optional string to the caller (NULL for none).
pub(crate) fn give_opt(p: *mut *mut c_char, s: Option<CString>) {
    write(p, s.map_or(std::ptr::null_mut(), CString::into_raw));
}

/// Free a string handed out by the library. NULL is accepted and ignored.
///
/// Ownership: takes back a `char *` that a `crm_` function wrote to an
/// output; never pass a string from anywhere else, and never free these
/// strings with libc `free`. Thread-safe (any thread may free a string).
#[unsafe(no_mangle)]
pub extern "C" fn crm_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the caller promises `s` came from `CString::into_raw` in
        // this library and was not freed before.
        drop(unsafe { CString::from_raw(s) });
    });
}
