//! JSON and vCard export and import: their reports, and the sources and
//! targets read from Python values (a path, bytes or text, a file, or
//! `None` for the text). Type conversion only: the formats and their rules
//! live in crm-core.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

use crate::errors::{to_py, type_error};
use crate::import::{Failure, PyReader, PyWriter, Reject, is_text_file, path_of, with_path};

record! {
    /// What a JSON import did.
    JsonImportReport(crm_core::io::JsonImportReport) as "JsonImportReport";
    repr(written, skipped);
    {
        /// Rows (for a whole base) or parties (for a selection) written.
        written(s, py) -> u64 = s.written;
        /// Parties of a selection already in the base, left as they were.
        skipped(s, py) -> u64 = s.skipped;
    }
}

record! {
    /// What a vCard import did.
    VcardReport(crm_core::io::VcardReport) as "VcardReport";
    repr(cards, created, updated, rejects);
    {
        /// Cards read.
        cards(s, py) -> u64 = s.cards;
        /// Parties created.
        created(s, py) -> u64 = s.created;
        /// Parties updated (the card's UID is theirs).
        updated(s, py) -> u64 = s.updated;
        /// Cards not imported, with the line each began on and why.
        rejects(s, py) -> Vec<Reject> = s.rejects.iter().cloned().map(Reject).collect();
    }
}

/// Where an import reads from.
pub(crate) enum Source {
    Path(PathBuf),
    Bytes(Vec<u8>),
    /// Binary or text: `read()` may return bytes or str.
    File(Py<PyAny>),
}

/// A path (`os.PathLike`, or a `str` without a line break), the text itself
/// (`bytes`, or a `str` holding a line break), or a file open in binary or
/// text mode.
pub(crate) fn source(obj: &Bound<'_, PyAny>) -> PyResult<Source> {
    if obj.is_instance_of::<PyString>() {
        let s: String = obj.extract()?;
        if s.contains(['\n', '\r']) {
            return Ok(Source::Bytes(s.into_bytes()));
        }
    }
    if let Some(p) = path_of(obj, "source")? {
        return Ok(Source::Path(p));
    }
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
        return Ok(Source::Bytes(obj.extract()?));
    }
    if obj.hasattr("read")? {
        return Ok(Source::File(obj.clone().unbind()));
    }
    Err(type_error("source", "expected a path, bytes, str or a file"))
}

/// Where an export writes to.
pub(crate) enum Target {
    /// Returned as `str`.
    Text,
    Path(PathBuf),
    File {
        file: Py<PyAny>,
        text: bool,
    },
}

/// `None` (the text is returned), a path, or a file open in binary or text
/// mode.
pub(crate) fn target(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Target> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(Target::Text) };
    if let Some(p) = path_of(obj, "target")? {
        return Ok(Target::Path(p));
    }
    if obj.hasattr("write")? {
        return Ok(Target::File { file: obj.clone().unbind(), text: is_text_file(obj)? });
    }
    Err(type_error("target", "expected None, a path or a file"))
}

/// Run `f` on the source with the GIL released (a file's `read` takes it
/// back for each call). A Python exception raised by the file is what this
/// returns, in place of the core's result.
pub(crate) fn read<T: Send>(
    py: Python<'_>,
    source: Source,
    f: impl FnOnce(&mut dyn BufRead) -> crm_core::Result<T> + Send,
) -> PyResult<T> {
    let (result, failure) = py.detach(move || {
        let failure: Failure = RefCell::new(None);
        let result = (|| -> crm_core::Result<T> {
            let reader: Box<dyn Read + '_> = match source {
                Source::Path(p) => Box::new(File::open(&p).map_err(|e| with_path(e, &p))?),
                Source::Bytes(b) => Box::new(std::io::Cursor::new(b)),
                Source::File(file) => Box::new(PyReader::new(file, false, &failure)),
            };
            let mut reader = BufReader::with_capacity(64 * 1024, reader);
            f(&mut reader)
        })();
        (result, failure.into_inner())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    result.map_err(|e| to_py(py, e))
}

/// Run `f` into the target with the GIL released (a file's `write` takes
/// it back for each 64 KiB). A path is written whole or not at all: into a
/// file beside it, renamed over it at the end. Returns `f`'s value and, for
/// [`Target::Text`], the text. A Python exception raised by the file is
/// what this returns, in place of the core's result.
pub(crate) fn write<T: Send>(
    py: Python<'_>,
    target: Target,
    f: impl FnOnce(&mut dyn Write) -> crm_core::Result<T> + Send,
) -> PyResult<(T, Option<String>)> {
    let (result, failure) = py.detach(move || {
        let failure: Failure = RefCell::new(None);
        let result = (|| -> crm_core::Result<(T, Option<String>)> {
            match target {
                Target::Text => {
                    let mut buf = Vec::new();
                    let v = f(&mut buf)?;
                    Ok((v, Some(String::from_utf8_lossy(&buf).into_owned())))
                }
                Target::Path(p) => write_file(&p, f).map(|v| (v, None)),
                Target::File { file, text } => {
                    let mut w = BufWriter::with_capacity(64 * 1024, PyWriter::new(file, text, &failure));
                    let v = f(&mut w)?;
                    w.flush()?;
                    Ok((v, None))
                }
            }
        })();
        (result, failure.into_inner())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    result.map_err(|e| to_py(py, e))
}

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Write a file through a temporary file beside it, renamed over it once
/// whole; removed if anything fails.
fn write_file<T>(path: &Path, f: impl FnOnce(&mut dyn Write) -> crm_core::Result<T>) -> crm_core::Result<T> {
    let name = path
        .file_name()
        .ok_or_else(|| crm_core::Error::validation("target", format!("{} names no file", path.display())))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}-{}.part", std::process::id(), TEMP_SEQ.fetch_add(1, Ordering::Relaxed)));
    let temp = path.with_file_name(temp_name);
    let file = File::options().write(true).create_new(true).open(&temp).map_err(|e| with_path(e, path))?;
    let written = (|| {
        let mut w = BufWriter::with_capacity(64 * 1024, file);
        let v = f(&mut w)?;
        let file = w.into_inner().map_err(|e| with_path(e.into_error(), path))?;
        file.sync_all().map_err(|e| with_path(e, path))?;
        drop(file);
        std::fs::rename(&temp, path).map_err(|e| with_path(e, path))?;
        Ok(v)
    })();
    if written.is_err() {
        // Best effort: the temporary file is ours and of no use now.
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The count, or the text when the export was to `None`.
pub(crate) fn count_or_text(py: Python<'_>, count: u64, text: Option<String>) -> PyResult<Py<PyAny>> {
    use pyo3::IntoPyObjectExt;
    match text {
        Some(t) => t.into_py_any(py),
        None => count.into_py_any(py),
    }
}
