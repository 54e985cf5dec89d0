//! Import and export: CSV import (from a file or a buffer) with saved
//! column mappings, JSON lines export and import of the whole base or a
//! selection, and vCard export and import.
//!
//! Files are named by UTF-8 paths. An export is written to a temporary
//! file beside the target and renamed over it on success, so a failed
//! export leaves the target as it was. Every I/O failure (a missing file, a
//! directory that does not exist, a full disk) is `CRM_IO` naming the path
//! argument.

use std::ffi::{CString, c_char, c_int, c_void};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crm_core::{Crm, CsvMapping, CsvOptions, ImportProgress, ImportReport, PartyFilter};

use crate::convert::{c_string, give, json, json_or_default, not_null, opt_text, out, text, to_json, write};
use crate::db::{crm, crm_db};
use crate::error::{FResult, Fail, crm_status, guard};

/// Called by a CSV import after every batch with the counts so far as a
/// JSON object: `{"rows": 2000, "created": 1990, "updated": 0,
/// "unchanged": 0, "rejected": 10}` (rows read, parties created, parties
/// updated, rows whose party was already as they say, rows rejected).
///
/// `progress_json` is borrowed and valid only during the call; `user_data`
/// is the pointer given to the import function.
///
/// Return 0 to go on, any other value to stop the import: row by row, the
/// batches done so far stay; all or nothing, nothing stays. The report then
/// has `"stopped": true`.
///
/// The callback runs on the thread that called the import. An
/// all-or-nothing import, and an import loading in bulk, call it inside
/// the import's write transaction: a write through the importing handle
/// from the callback (or a read of an in-memory base) then fails with
/// `CRM_BUSY` instead of waiting for the import; reading a file base
/// works, and shows the last commit before that transaction.
pub type crm_progress_fn = Option<unsafe extern "C" fn(progress_json: *const c_char, user_data: *mut c_void) -> c_int>;

/// A borrowed byte buffer argument: `len` bytes at `p`.
fn buffer<'a>(p: *const c_char, len: usize, name: &str) -> FResult<&'a [u8]> {
    not_null(p, name)?;
    if isize::try_from(len).is_err() {
        return Err(Fail::new(crm_status::CRM_INVALID_ARGUMENT, name, format!("{name} is longer than memory can be")));
    }
    // SAFETY: non-NULL and at most isize::MAX bytes; the caller promises
    // `len` readable bytes that live and do not change for the call.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// A borrowed byte buffer argument that must be UTF-8 text.
fn utf8_buffer<'a>(p: *const c_char, len: usize, name: &str) -> FResult<&'a [u8]> {
    let b = buffer(p, len, name)?;
    match std::str::from_utf8(b) {
        Ok(_) => Ok(b),
        Err(e) => Err(Fail::new(crm_status::CRM_INVALID_UTF8, name, format!("{name} is not valid UTF-8: {e}"))),
    }
}

/// An I/O failure on the file named by the argument `name` (`CRM_IO`).
fn io_fail(name: &str, path: &Path, e: std::io::Error) -> Fail {
    let mut f = Fail::from(crm_core::Error::Io(e));
    f.message = format!("{}: {}", path.display(), f.message);
    f.field = Some(name.to_string());
    f
}

/// A failure of the core while reading or writing the file named by the
/// argument `name`: an I/O failure is attributed to that argument.
fn on_file(name: &str, path: &Path, e: crm_core::Error) -> Fail {
    match e {
        crm_core::Error::Io(e) => io_fail(name, path, e),
        other => Fail::from(other),
    }
}

/// Open a file for reading.
fn open(path: &str, name: &str) -> FResult<File> {
    File::open(path).map_err(|e| io_fail(name, Path::new(path), e))
}

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Write a file through `f`: into a new temporary file beside `path`,
/// renamed over `path` only when everything was written. On failure the
/// temporary file is removed and `path` is left as it was.
fn write_file<T>(path: &str, name: &str, f: impl FnOnce(&mut dyn Write) -> crm_core::Result<T>) -> FResult<T> {
    let target = Path::new(path);
    let file_name = target
        .file_name()
        .ok_or_else(|| Fail::new(crm_status::CRM_INVALID_ARGUMENT, name, format!("{name} {path:?} names no file")))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(file_name);
    temp_name.push(format!(".{}-{}.part", std::process::id(), TEMP_SEQ.fetch_add(1, Ordering::Relaxed)));
    let temp: PathBuf = target.with_file_name(temp_name);
    let file = File::options().write(true).create_new(true).open(&temp).map_err(|e| io_fail(name, target, e))?;
    let written = (|| {
        let mut w = BufWriter::new(file);
        let v = f(&mut w).map_err(|e| on_file(name, target, e))?;
        let file = w.into_inner().map_err(|e| io_fail(name, target, e.into_error()))?;
        file.sync_all().map_err(|e| io_fail(name, target, e))?;
        drop(file);
        std::fs::rename(&temp, target).map_err(|e| io_fail(name, target, e))?;
        Ok(v)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Write into memory through `f` and return the text.
fn write_string<T>(f: impl FnOnce(&mut dyn Write) -> crm_core::Result<T>) -> FResult<(CString, T)> {
    let mut buf = Vec::new();
    let v = f(&mut buf)?;
    let s = String::from_utf8(buf).map_err(|_| {
        Fail::new(crm_status::CRM_INTERNAL, "", "the export is not UTF-8 text and cannot be handed out as a string")
    })?;
    Ok((c_string(s)?, v))
}

/// The rejects file of a CSV import, created at the first rejected row (or
/// at the end of a successful import), so that a call failing before any
/// row was read leaves an existing file at that path as it was.
struct RejectsFile<'a> {
    path: &'a str,
    file: Option<BufWriter<File>>,
    /// An I/O failure on this file was handed to the core.
    failed: bool,
}

impl RejectsFile<'_> {
    fn file(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        if self.file.is_none() {
            self.file = Some(BufWriter::new(File::create(self.path)?));
        }
        self.file.as_mut().ok_or_else(|| std::io::Error::other("the rejects file is not open"))
    }

    /// Create the file if no row was rejected, and flush it.
    fn finish(&mut self) -> FResult<()> {
        let path = Path::new(self.path);
        self.file().and_then(|f| f.flush()).map_err(|e| io_fail("rejects_path", path, e))
    }
}

impl Write for RejectsFile<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.file().and_then(|f| f.write(buf));
        self.failed |= r.is_err();
        r
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        };
        self.failed |= r.is_err();
        r
    }
}

/// Run a CSV import from `input` and write its report.
#[allow(clippy::too_many_arguments)]
fn import_csv_from(
    c: &Crm,
    input: impl Read,
    input_name: &str,
    input_path: Option<&str>,
    options: &CsvOptions,
    rejects_path: Option<&str>,
    progress: crm_progress_fn,
    user_data: *mut c_void,
    out_report_json: *mut *mut c_char,
) -> FResult<()> {
    let mut rejects = rejects_path.map(|path| RejectsFile { path, file: None, failed: false });
    // The C callback cannot unwind; this closure guards its own work so
    // that nothing unwinds through the core either.
    let mut failed = false;
    let mut call = |p: &ImportProgress| {
        let Some(f) = progress else { return ControlFlow::Continue(()) };
        if failed {
            return ControlFlow::Continue(());
        }
        let done = catch_unwind(AssertUnwindSafe(|| {
            let s = serde_json::to_string(p).map(CString::new);
            // SAFETY: the caller promises a function of this type; the
            // text lives for the call.
            matches!(s, Ok(Ok(s)) if unsafe { f(s.as_ptr(), user_data) } != 0)
        }));
        failed = done.is_err();
        if done.unwrap_or(false) { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    };
    let done = c.import_csv(
        input,
        options,
        rejects.as_mut().map(|r| r as &mut dyn Write),
        progress.is_some().then_some(&mut call as &mut dyn FnMut(&ImportProgress) -> ControlFlow<()>),
    );
    // An I/O failure is the rejects file's if writing it failed, else the input's.
    let report: ImportReport = done.map_err(|e| match (e, &rejects, input_path) {
        (crm_core::Error::Io(e), Some(r), _) if r.failed => io_fail("rejects_path", Path::new(r.path), e),
        (crm_core::Error::Io(e), _, Some(path)) => io_fail(input_name, Path::new(path), e),
        (e, _, _) => Fail::from(e),
    })?;
    if let Some(r) = rejects.as_mut() {
        r.finish()?;
    }
    let s = to_json(&report)?;
    give(out_report_json, s);
    Ok(())
}

/// Import parties from the CSV file at `path` (UTF-8 path), reading it as
/// a stream in constant memory, with a `CsvOptions` JSON object, e.g.
/// `{"mapping": {"columns": {"First": "given_name", "Last":
/// "family_name", "E-mail": "email"}, "default_kind": "person", "key":
/// {"by": "email"}}, "delimiter": ";", "encoding": "windows-1251",
/// "mode": "row_by_row", "dry_run": false, "batch_size": 1000, "load":
/// "auto"}` (every key optional but `mapping`; the delimiter and the
/// encoding are detected when absent; `key` is `{"by": "none"}`, `{"by":
/// "email"}`, `{"by": "phone"}`, `{"by": "vat_number"}` or `{"by":
/// "custom", "field": "erp_id"}`; `mode` is `"row_by_row"` or
/// `"all_or_nothing"`; `load` is `"auto"`, `"batches"` or `"bulk"`: a bulk
/// load writes the rest of the import in one transaction and builds the
/// name, contact-value and tag indexes at its end, far faster for large
/// files, and `"auto"` turns to it once the rows read reach a sixteenth of
/// the parties the base held).
///
/// Bad rows are reported with their line (1 is the header), field and
/// reason while the good rows import (row by row), or nothing imports
/// (all or nothing). `rejects_path` (may be NULL) receives every bad row
/// as CSV: line, field, reason, then the row as read; it is created (or
/// truncated) when the first bad row is found or, when there is none, at
/// the end. `progress` (may be NULL) is called after every batch with
/// `user_data` (may be NULL); see `crm_progress_fn`: a nonzero return
/// stops the import.
///
/// On success writes the `ImportReport` as JSON to `*out_report_json`
/// (`{"rows", "created", "updated", "unchanged", "rejected", "rejects":
/// [{"line", "field", "reason"}] (the first 1000), "rolled_back", "stopped",
/// "bulk", "encoding", "delimiter"}`); free it with `crm_string_free`. In row by
/// row mode, batches written before a failure stay written. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`mapping.columns`: an unknown
/// target or a column the file does not have; `encoding`, `delimiter`,
/// `header`, `key`), `CRM_IO` (field `path` or `rejects_path`: the file
/// cannot be opened, read or written), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_import_csv_file(
    db: *const crm_db,
    path: *const c_char,
    options_json: *const c_char,
    rejects_path: *const c_char,
    progress: crm_progress_fn,
    user_data: *mut c_void,
    out_report_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_report_json, "out_report_json")?;
        let path = text(path, "path")?;
        let options: CsvOptions = json(options_json, "options_json")?;
        let rejects_path = opt_text(rejects_path, "rejects_path")?;
        let file = open(path, "path")?;
        import_csv_from(c, file, "path", Some(path), &options, rejects_path, progress, user_data, out_report_json)
    })
}

/// `crm_import_csv_file` reading the CSV from `data_len` bytes at `data`
/// (in any encoding the options name or detection finds; not
/// NUL-terminated).
///
/// On success writes the `ImportReport` as JSON to `*out_report_json`;
/// free it with `crm_string_free`. Statuses: as `crm_import_csv_file`
/// (`CRM_IO` only for `rejects_path`). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_import_csv_buffer(
    db: *const crm_db,
    data: *const c_char,
    data_len: usize,
    options_json: *const c_char,
    rejects_path: *const c_char,
    progress: crm_progress_fn,
    user_data: *mut c_void,
    out_report_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_report_json, "out_report_json")?;
        let data = buffer(data, data_len, "data")?;
        let options: CsvOptions = json(options_json, "options_json")?;
        let rejects_path = opt_text(rejects_path, "rejects_path")?;
        import_csv_from(c, data, "data", None, &options, rejects_path, progress, user_data, out_report_json)
    })
}

/// Save a column mapping (a `CsvMapping` JSON object: `{"columns":
/// {"E-mail": "email"}, "default_kind": "person", "key": {"by":
/// "email"}}`) under `name` (1 to 100 characters), replacing one of that
/// name. Use it as the `"mapping"` of a later import's options.
///
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`name`, `mapping.columns`),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_mapping_save(db: *const crm_db, name: *const c_char, mapping_json: *const c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        let name = text(name, "name")?;
        let mapping: CsvMapping = json(mapping_json, "mapping_json")?;
        c.save_mapping(name, &mapping)?;
        Ok(())
    })
}

/// The mapping saved under `name`.
///
/// On success writes the `CsvMapping` as JSON to `*out_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_mapping_get(db: *const crm_db, name: *const c_char, out_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let name = text(name, "name")?;
        let s = to_json(&c.mapping(name)?)?;
        give(out_json, s);
        Ok(())
    })
}

/// Write the whole base (every table, row by row, one consistent snapshot)
/// as JSON lines to the file at `path`, replacing it. Importing the file
/// with `crm_import_json_file` into an empty base gives the same base
/// back. The file is written beside `path` and renamed over it at the end:
/// a failed export leaves `path` as it was.
///
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT` (a path naming no file), `CRM_INVALID_HANDLE`,
/// `CRM_IO` (field `path`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_export_json_file(db: *const crm_db, path: *const c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        let path = text(path, "path")?;
        write_file(path, "path", |w| c.export_json(w))
    })
}

/// `crm_export_json_file` into memory, for small bases: the whole export
/// is held in memory at once.
///
/// On success writes the JSON lines to `*out_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
/// `CRM_STORAGE`, `CRM_INTERNAL`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_export_json(db: *const crm_db, out_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let (s, ()) = write_string(|w| c.export_json(w))?;
        give(out_json, s);
        Ok(())
    })
}

/// Write the parties matching a `PartyFilter` JSON object (may be NULL:
/// active parties of every kind), e.g. `{"role": "customer", "tag":
/// "vip"}`, with everything they hold and the relationships among them,
/// as JSON lines to the file at `path`, replacing it (written beside it
/// and renamed at the end).
///
/// On success writes the number of parties to `*out_count`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION`,
/// `CRM_IO` (field `path`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_export_parties_json_file(
    db: *const crm_db,
    filter_json: *const c_char,
    path: *const c_char,
    out_count: *mut u64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_count, "out_count")?;
        let filter: PartyFilter = json_or_default(filter_json, "filter_json")?;
        let path = text(path, "path")?;
        let n = write_file(path, "path", |w| c.export_parties_json(&filter, w))?;
        write(out_count, n);
        Ok(())
    })
}

/// `crm_export_parties_json_file` into memory, for small selections.
///
/// On success writes the JSON lines to `*out_json` (free it with
/// `crm_string_free`) and the number of parties to `*out_count`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_INTERNAL`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_export_parties_json(
    db: *const crm_db,
    filter_json: *const c_char,
    out_json: *mut *mut c_char,
    out_count: *mut u64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        out(out_count, "out_count")?;
        let filter: PartyFilter = json_or_default(filter_json, "filter_json")?;
        let (s, n) = write_string(|w| c.export_parties_json(&filter, w))?;
        give(out_json, s);
        write(out_count, n);
        Ok(())
    })
}

/// Read a JSON lines export from the file at `path`: a whole base (written
/// by `crm_export_json_file`; only into an empty base, which then holds the
/// same records, ids, versions and history) or a selection (written by
/// `crm_export_parties_json_file`; parties new to the base are created with
/// their ids, those already there are left as they are). All or nothing: a
/// bad line changes nothing and is named as the field (`"line 7"`).
///
/// On success writes the `JsonImportReport` (`{"written", "skipped"}`) as
/// JSON to `*out_report_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (`line N`; `base`: a whole base into a base that is not
/// empty), `CRM_SCHEMA` (an export older than schema 8 or newer than this
/// build), `CRM_IO` (field `path`: missing or unreadable, or not UTF-8),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_import_json_file(
    db: *const crm_db,
    path: *const c_char,
    out_report_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_report_json, "out_report_json")?;
        let path = text(path, "path")?;
        let file = open(path, "path")?;
        let report = c.import_json(BufReader::new(file)).map_err(|e| on_file("path", Path::new(path), e))?;
        let s = to_json(&report)?;
        give(out_report_json, s);
        Ok(())
    })
}

/// `crm_import_json_file` reading the export from `data_len` bytes of
/// UTF-8 at `data` (not NUL-terminated).
///
/// On success writes the `JsonImportReport` as JSON to `*out_report_json`;
/// free it with `crm_string_free`. Statuses: as `crm_import_json_file`,
/// with `CRM_INVALID_UTF8` (field `data`) for bytes that are not UTF-8 and
/// no `CRM_IO`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_import_json_buffer(
    db: *const crm_db,
    data: *const c_char,
    data_len: usize,
    out_report_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_report_json, "out_report_json")?;
        let data = utf8_buffer(data, data_len, "data")?;
        let s = to_json(&c.import_json(data)?)?;
        give(out_report_json, s);
        Ok(())
    })
}

/// Write the parties matching a `PartyFilter` JSON object (may be NULL:
/// active parties of every kind) as vCard 4.0 to the file at `path`,
/// replacing it (written beside it and renamed at the end). What vCard has
/// no property for travels in `X-CRM-*` properties, so that
/// `crm_import_vcard_file` loses nothing.
///
/// On success writes the number of cards to `*out_count`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION`,
/// `CRM_IO` (field `path`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_export_vcard_file(
    db: *const crm_db,
    filter_json: *const c_char,
    path: *const c_char,
    out_count: *mut u64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_count, "out_count")?;
        let filter: PartyFilter = json_or_default(filter_json, "filter_json")?;
        let path = text(path, "path")?;
        let n = write_file(path, "path", |w| c.export_vcard(&filter, w))?;
        write(out_count, n);
        Ok(())
    })
}

/// `crm_export_vcard_file` into memory, for small selections.
///
/// On success writes the vCards to `*out_vcard` (free it with
/// `crm_string_free`) and their number to `*out_count`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_INTERNAL`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_export_vcard(
    db: *const crm_db,
    filter_json: *const c_char,
    out_vcard: *mut *mut c_char,
    out_count: *mut u64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_vcard, "out_vcard")?;
        out(out_count, "out_count")?;
        let filter: PartyFilter = json_or_default(filter_json, "filter_json")?;
        let (s, n) = write_string(|w| c.export_vcard(&filter, w))?;
        give(out_vcard, s);
        write(out_count, n);
        Ok(())
    })
}

/// Read vCards (3.0 or 4.0) from the file at `path`. A card whose UID is a
/// party's id updates that party; others create parties (with the UID as
/// id when it is one). A person's ORG links it to the organization of that
/// name, created if there is none. Bad cards (an unknown VERSION, broken
/// folding, no END, a bad email, …) are reported with the line they begin
/// on, and the good ones import, each in its own transaction.
///
/// On success writes the `VcardReport` (`{"cards", "created", "updated",
/// "rejects": [{"line", "field", "reason"}]}`) as JSON to
/// `*out_report_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_IO` (field `path`: missing or unreadable, or not UTF-8),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_import_vcard_file(
    db: *const crm_db,
    path: *const c_char,
    out_report_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_report_json, "out_report_json")?;
        let path = text(path, "path")?;
        let file = open(path, "path")?;
        let report = c.import_vcard(BufReader::new(file)).map_err(|e| on_file("path", Path::new(path), e))?;
        let s = to_json(&report)?;
        give(out_report_json, s);
        Ok(())
    })
}

/// `crm_import_vcard_file` reading the cards from `data_len` bytes of
/// UTF-8 at `data` (not NUL-terminated).
///
/// On success writes the `VcardReport` as JSON to `*out_report_json`; free
/// it with `crm_string_free`. Statuses: as `crm_import_vcard_file`, with
/// `CRM_INVALID_UTF8` (field `data`) for bytes that are not UTF-8 and no
/// `CRM_IO`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_import_vcard_buffer(
    db: *const crm_db,
    data: *const c_char,
    data_len: usize,
    out_report_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_report_json, "out_report_json")?;
        let data = utf8_buffer(data, data_len, "data")?;
        let s = to_json(&c.import_vcard(data)?)?;
        give(out_report_json, s);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;
    use std::ptr;

    fn temp_dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("crm-ffi-io-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn a_failed_file_write_leaves_the_target_and_no_temporary_file() {
        let d = temp_dir("atomic");
        let target = d.join("out.txt");
        std::fs::write(&target, "before").unwrap();
        let path = target.to_str().unwrap();
        let r: FResult<()> = write_file(path, "path", |w| {
            w.write_all(b"half")?;
            Err(crm_core::Error::Io(std::io::Error::other("disk full")))
        });
        let fail = r.unwrap_err();
        assert_eq!(fail.status, crm_status::CRM_IO);
        assert_eq!(fail.field.as_deref(), Some("path"));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "before");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        write_file(path, "path", |w| Ok(w.write_all(b"after")?)).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "after");
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
        std::fs::remove_dir_all(&d).unwrap();
    }

    unsafe extern "C" fn count_calls(progress_json: *const c_char, user_data: *mut c_void) -> c_int {
        let s = unsafe { CStr::from_ptr(progress_json) }.to_str().unwrap();
        assert!(s.contains("\"rows\""));
        unsafe { *user_data.cast::<u32>() += 1 };
        0
    }

    /// Asks to stop at the second call.
    unsafe extern "C" fn stop_at_two(_: *const c_char, user_data: *mut c_void) -> c_int {
        let n = unsafe { &mut *user_data.cast::<u32>() };
        *n += 1;
        c_int::from(*n == 2)
    }

    #[test]
    fn a_nonzero_progress_return_stops_the_import() {
        let csv = "Name;Mail\nA;a@x.lv\nB;b@x.lv\nC;c@x.lv\nD;d@x.lv\n";
        for (mode, created, rolled_back) in [("row_by_row", 2, false), ("all_or_nothing", 0, true)] {
            let mut db: *mut crm_db = ptr::null_mut();
            assert_eq!(crate::crm_db_open_in_memory(&mut db), crm_status::CRM_OK);
            let options = CString::new(format!(
                "{{\"mapping\": {{\"columns\": {{\"Name\": \"given_name\", \"Mail\": \"email\"}}}}, \"batch_size\": 1, \"mode\": \"{mode}\"}}"
            ))
            .unwrap();
            let mut calls = 0u32;
            let mut report: *mut c_char = ptr::null_mut();
            let st = crm_import_csv_buffer(
                db,
                csv.as_ptr().cast(),
                csv.len(),
                options.as_ptr(),
                ptr::null(),
                Some(stop_at_two),
                (&mut calls as *mut u32).cast(),
                &mut report,
            );
            assert_eq!(st, crm_status::CRM_OK);
            let r: serde_json::Value =
                serde_json::from_str(unsafe { CStr::from_ptr(report) }.to_str().unwrap()).unwrap();
            assert_eq!(calls, 2, "{mode}");
            assert_eq!(r["stopped"], true, "{r}");
            assert_eq!(r["rolled_back"], rolled_back, "{r}");
            assert_eq!(r["rows"], 2, "{r}");
            let mut n = 0u64;
            assert_eq!(crate::crm_party_count(db, c"{}".as_ptr(), &mut n), crm_status::CRM_OK);
            assert_eq!(n, created, "{mode}");
            crate::crm_string_free(report);
            crate::crm_db_free(db);
        }
    }

    #[test]
    fn progress_is_reported_after_every_batch() {
        let mut db: *mut crm_db = ptr::null_mut();
        assert_eq!(crate::crm_db_open_in_memory(&mut db), crm_status::CRM_OK);
        let csv = "Name;Mail\nA;a@x.lv\nB;b@x.lv\nC;c@x.lv\n";
        let options =
            c"{\"mapping\": {\"columns\": {\"Name\": \"given_name\", \"Mail\": \"email\"}}, \"batch_size\": 1}";
        let mut calls = 0u32;
        let mut report: *mut c_char = ptr::null_mut();
        let st = crm_import_csv_buffer(
            db,
            csv.as_ptr().cast(),
            csv.len(),
            options.as_ptr(),
            ptr::null(),
            Some(count_calls),
            (&mut calls as *mut u32).cast(),
            &mut report,
        );
        assert_eq!(st, crm_status::CRM_OK);
        let r = unsafe { CStr::from_ptr(report) }.to_str().unwrap().to_string();
        assert!(r.contains("\"created\":3"), "{r}");
        assert_eq!(calls, 3, "once per batch, none after the last");
        crate::crm_string_free(report);
        crate::crm_db_free(db);
    }
}
