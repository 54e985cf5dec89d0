//! The `crm_db` handle: opening, actors, closing.

use std::ffi::c_char;
use std::time::Duration;

use crm_core::{Crm, Options};
use serde::Deserialize;

use crate::convert::{c_string, from_json, give, give_opt, not_null, out, text, write};
use crate::error::{FResult, Fail, crm_status, guard};

/// A handle on one CRM base (a SQLite file or memory).
///
/// Thread-safety: a `crm_db` may be shared across threads; every function
/// taking a `const crm_db *` may be called on it from any number of threads
/// at once. Only `crm_db_free` must not race with other calls on it.
/// Opened by `crm_db_open*` or `crm_db_with_actor`, freed by `crm_db_free`.
pub struct crm_db {
    _private: [u8; 0],
}

const DB_MAGIC: u64 = 0x6372_6d5f_6462_0001;

/// The boxed value behind a `crm_db *`.
#[repr(C)]
pub(crate) struct Db {
    magic: u64,
    pub(crate) crm: Crm,
}

/// The one cast helper: a live `crm_db *` to its `Crm`.
pub(crate) fn crm<'a>(db: *const crm_db) -> FResult<&'a Crm> {
    not_null(db, "db")?;
    // SAFETY: non-NULL; the caller promises a handle from `crm_db_open*`
    // that was not freed. The magic check catches some misuse only.
    let d = unsafe { &*db.cast::<Db>() };
    if d.magic != DB_MAGIC {
        return Err(Fail::new(crm_status::CRM_INVALID_HANDLE, "db", "db is not a live crm_db handle"));
    }
    Ok(&d.crm)
}

fn hand_out(out_db: *mut *mut crm_db, crm: Crm) {
    let b = Box::new(Db { magic: DB_MAGIC, crm });
    write(out_db, Box::into_raw(b).cast::<crm_db>());
}

/// Options for `crm_db_open_with` and `crm_db_open_in_memory_with`, as JSON.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct OpenOptions {
    read_only: bool,
    busy_timeout_ms: u64,
    readers: usize,
    default_region: Option<String>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        let d = Options::default();
        OpenOptions {
            read_only: d.read_only,
            busy_timeout_ms: u64::try_from(d.busy_timeout.as_millis()).unwrap_or(u64::MAX),
            readers: d.readers,
            default_region: d.default_region,
        }
    }
}

impl From<OpenOptions> for Options {
    fn from(o: OpenOptions) -> Options {
        Options {
            read_only: o.read_only,
            busy_timeout: Duration::from_millis(o.busy_timeout_ms),
            readers: o.readers,
            default_region: o.default_region,
        }
    }
}

/// Open (or create) the base in the SQLite file at `path` (UTF-8),
/// upgrading an older schema.
///
/// On success writes a new handle to `*out_db`; free it with `crm_db_free`.
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_SCHEMA` (a newer
/// schema or another application's database), `CRM_NOT_A_DATABASE`,
/// `CRM_STORAGE` (e.g. the directory does not exist), `CRM_BUSY`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_open(path: *const c_char, out_db: *mut *mut crm_db) -> crm_status {
    guard(|| {
        out(out_db, "out_db")?;
        let path = text(path, "path")?;
        let crm = Crm::open(path)?;
        hand_out(out_db, crm);
        Ok(())
    })
}

/// Open the existing base at `path` for reading only: every write fails
/// with `CRM_READ_ONLY`.
///
/// On success writes a new handle to `*out_db`; free it with `crm_db_free`.
/// Statuses: as `crm_db_open`, and `CRM_NOT_FOUND` when the file does not
/// exist, `CRM_SCHEMA` when its schema is not the current one. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_open_read_only(path: *const c_char, out_db: *mut *mut crm_db) -> crm_status {
    guard(|| {
        out(out_db, "out_db")?;
        let path = text(path, "path")?;
        let crm = Crm::open_with(path, Options { read_only: true, ..Options::default() })?;
        hand_out(out_db, crm);
        Ok(())
    })
}

/// `crm_db_open` with options as a JSON object, every key optional:
/// `{"read_only": false, "busy_timeout_ms": 5000, "readers": 4,
/// "default_region": "LV"}` (`default_region` reads phone numbers written
/// without `+country`).
///
/// On success writes a new handle to `*out_db`; free it with `crm_db_free`.
/// Statuses: as `crm_db_open` and `crm_db_open_read_only`, plus
/// `CRM_INVALID_JSON` and `CRM_VALIDATION` (field `default_region`).
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_open_with(
    path: *const c_char,
    options_json: *const c_char,
    out_db: *mut *mut crm_db,
) -> crm_status {
    guard(|| {
        out(out_db, "out_db")?;
        let path = text(path, "path")?;
        let opts: OpenOptions = from_json(text(options_json, "options_json")?, "options_json")?;
        let crm = Crm::open_with(path, opts.into())?;
        hand_out(out_db, crm);
        Ok(())
    })
}

/// A new, empty base in memory, gone when its last handle is freed.
///
/// On success writes a new handle to `*out_db`; free it with `crm_db_free`.
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_open_in_memory(out_db: *mut *mut crm_db) -> crm_status {
    guard(|| {
        out(out_db, "out_db")?;
        let crm = Crm::open_in_memory()?;
        hand_out(out_db, crm);
        Ok(())
    })
}

/// `crm_db_open_in_memory` with options as JSON (see `crm_db_open_with`).
///
/// On success writes a new handle to `*out_db`; free it with `crm_db_free`.
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_open_in_memory_with(options_json: *const c_char, out_db: *mut *mut crm_db) -> crm_status {
    guard(|| {
        out(out_db, "out_db")?;
        let opts: OpenOptions = from_json(text(options_json, "options_json")?, "options_json")?;
        let crm = Crm::open_in_memory_with(opts.into())?;
        hand_out(out_db, crm);
        Ok(())
    })
}

/// A second handle on the same base whose writes are recorded in the audit
/// log as made by `actor` (a user name, a service, an API key's label). The
/// default actor is `"system"`.
///
/// On success writes a new handle to `*out_db`; free it with `crm_db_free`
/// (each handle separately; the base lives until the last one is freed).
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_with_actor(db: *const crm_db, actor: *const c_char, out_db: *mut *mut crm_db) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_db, "out_db")?;
        let actor = text(actor, "actor")?;
        hand_out(out_db, c.with_actor(actor));
        Ok(())
    })
}

/// Who this handle's writes are recorded as made by.
///
/// On success writes a new string to `*out_actor`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_actor(db: *const crm_db, out_actor: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_actor, "out_actor")?;
        let s = c_string(c.actor().to_string())?;
        give(out_actor, s);
        Ok(())
    })
}

/// The file this base lives in; NULL is written for a base in memory.
///
/// On success writes a new string (or NULL) to `*out_path`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
/// `CRM_INVALID_UTF8` (a path that is not UTF-8), `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_path(db: *const crm_db, out_path: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_path, "out_path")?;
        let p = match c.path() {
            None => None,
            Some(p) => {
                let s = p
                    .to_str()
                    .ok_or_else(|| Fail::new(crm_status::CRM_INVALID_UTF8, "path", "the path is not valid UTF-8"))?;
                Some(c_string(s.to_string())?)
            }
        };
        give_opt(out_path, p);
        Ok(())
    })
}

/// Close a handle. NULL is accepted and ignored. The base itself closes
/// when its last handle (see `crm_db_with_actor`) is freed.
///
/// Using the handle after this is undefined behaviour (a best-effort check
/// may report `CRM_INVALID_HANDLE`). Must not race with other calls on the
/// same handle; other handles on the same base are unaffected.
#[unsafe(no_mangle)]
pub extern "C" fn crm_db_free(db: *mut crm_db) {
    if db.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the caller promises a live handle from this library.
        let mut b = unsafe { Box::from_raw(db.cast::<Db>()) };
        if b.magic != DB_MAGIC {
            // Not a live handle: leak rather than free twice.
            std::mem::forget(b);
            return;
        }
        // SAFETY: a field of the live box; volatile so the store is kept.
        unsafe { std::ptr::write_volatile(&mut b.magic, 0) };
        drop(b);
    });
}
