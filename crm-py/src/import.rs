//! CSV import: its records, the mapping read from Python values, and the
//! bridges between Python file objects and callables and the core's
//! streaming import (the file bridges serve the JSON and vCard transfers
//! too). Type conversion only: every rule lives in crm-core.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use crm_core::{CsvMapping as CoreMapping, CsvOptions, ImportProgress as CoreProgress, UpsertKey};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyByteArray, PyBytes, PyString};

use crate::convert::{enum_text, enum_value, mapping, text};
use crate::errors::type_error;

record! {
    /// A row that was not imported.
    Reject(crm_core::Reject) as "Reject";
    repr(line, field, reason);
    {
        /// Its line in the file (1 is the header).
        line(s, py) -> u64 = s.line;
        /// The field at fault, where one is.
        field(s, py) -> Option<String> = s.field.clone();
        reason(s, py) -> String = s.reason.clone();
    }
}

record! {
    /// Where an import stands; what `progress` is called with.
    ImportProgress(CoreProgress) as "ImportProgress";
    repr(rows, created, updated, unchanged, rejected);
    {
        /// Rows read so far.
        rows(s, py) -> u64 = s.rows;
        created(s, py) -> u64 = s.created;
        /// The key matched and something changed.
        updated(s, py) -> u64 = s.updated;
        /// The party was already as the row says.
        unchanged(s, py) -> u64 = s.unchanged;
        rejected(s, py) -> u64 = s.rejected;
    }
}

record! {
    /// What an import did.
    ImportReport(crm_core::ImportReport) as "ImportReport";
    repr(rows, created, updated, unchanged, rejected, rolled_back, stopped);
    {
        rows(s, py) -> u64 = s.counts.rows;
        created(s, py) -> u64 = s.counts.created;
        updated(s, py) -> u64 = s.counts.updated;
        unchanged(s, py) -> u64 = s.counts.unchanged;
        rejected(s, py) -> u64 = s.counts.rejected;
        /// The first 1000 rejected rows (every one goes to `rejects=`).
        rejects(s, py) -> Vec<Reject> = s.rejects.iter().cloned().map(Reject).collect();
        /// Nothing was written: a dry run, all or nothing with a bad row,
        /// or all or nothing stopped by `progress`.
        rolled_back(s, py) -> bool = s.rolled_back;
        /// `progress` returned False before the end of the input.
        stopped(s, py) -> bool = s.stopped;
        /// Rows were loaded in bulk, the indexes built at the end (see
        /// `load=`).
        bulk(s, py) -> bool = s.bulk;
        /// The encoding read ("UTF-8", "windows-1251", …).
        encoding(s, py) -> String = s.encoding.clone();
        /// The delimiter read.
        delimiter(s, py) -> String = s.delimiter.to_string();
    }
}

fn key_text(k: &UpsertKey) -> Option<String> {
    match k {
        UpsertKey::None => None,
        UpsertKey::Email => Some("email".to_string()),
        UpsertKey::Phone => Some("phone".to_string()),
        UpsertKey::VatNumber => Some("vat_number".to_string()),
        UpsertKey::Custom(f) => Some(format!("custom.{f}")),
    }
}

record! {
    /// A column mapping: `columns` (header → target), `default_kind` and
    /// the upsert `key`. `to_dict()` gives what `import_csv(mapping=...)`
    /// and `save_mapping` take.
    CsvMapping(CoreMapping) as "CsvMapping";
    repr(columns, default_kind, key);
    {
        columns(s, py) -> BTreeMap<String, String> = s.columns.clone();
        /// "person" or "organization".
        default_kind(s, py) -> String = enum_text(&s.default_kind);
        /// None, "email", "phone", "vat_number" or "custom.<field>".
        key(s, py) -> Option<String> = key_text(&s.key);
    }
}

/// An upsert key: None, "email", "phone", "vat_number" or "custom.<field>".
fn upsert_key(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<UpsertKey> {
    if obj.is_none() {
        return Ok(UpsertKey::None);
    }
    let s = text(obj, field)?;
    match s.as_str() {
        "none" => Ok(UpsertKey::None),
        "email" => Ok(UpsertKey::Email),
        "phone" => Ok(UpsertKey::Phone),
        "vat_number" => Ok(UpsertKey::VatNumber),
        other => match other.strip_prefix("custom.") {
            Some(name) if !name.is_empty() => Ok(UpsertKey::Custom(name.to_string())),
            _ => Err(crate::errors::validation(
                obj.py(),
                field,
                format!("{s:?} is not a key: None, \"email\", \"phone\", \"vat_number\" or \"custom.<field>\""),
            )),
        },
    }
}

/// A mapping from a `CsvMapping` or a dict `{"columns": {...},
/// "default_kind": ..., "key": ...}`.
pub(crate) fn csv_mapping(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<CoreMapping> {
    if let Ok(m) = obj.cast::<CsvMapping>() {
        return Ok(m.get().0.clone());
    }
    let mut out = CoreMapping::default();
    let mut has_columns = false;
    for (k, v) in mapping(obj, field)? {
        let f = format!("{field}.{k}");
        match k.as_str() {
            "columns" => {
                has_columns = true;
                for (col, target) in mapping(&v, &f)? {
                    let t = text(&target, &format!("{f}.{col}"))?;
                    out.columns.insert(col, t);
                }
            }
            "default_kind" => {
                if !v.is_none() {
                    out.default_kind = enum_value(&v, &f)?;
                }
            }
            "key" => out.key = upsert_key(&v, &f)?,
            other => {
                return Err(type_error(
                    field,
                    format!("unexpected key {other:?} (a mapping has \"columns\", \"default_kind\", \"key\")"),
                ));
            }
        }
    }
    if !has_columns {
        return Err(type_error(field, "a mapping needs \"columns\": {header: target, ...}"));
    }
    Ok(out)
}

/// The options of an import, but for the input, rejects and progress.
pub(crate) fn csv_options(
    mapping: CoreMapping,
    delimiter: Option<char>,
    encoding: Option<String>,
    mode: Option<&Bound<'_, PyAny>>,
    dry_run: bool,
    batch_size: Option<usize>,
    load: Option<&Bound<'_, PyAny>>,
) -> PyResult<CsvOptions> {
    let mut o = CsvOptions { mapping, delimiter, encoding, dry_run, ..Default::default() };
    if let Some(m) = mode.filter(|m| !m.is_none()) {
        o.mode = enum_value(m, "mode")?;
    }
    if let Some(b) = batch_size {
        o.batch_size = b;
    }
    if let Some(l) = load.filter(|l| !l.is_none()) {
        o.load = enum_value(l, "load")?;
    }
    Ok(o)
}

/// Where the CSV comes from.
pub(crate) enum Input {
    Path(PathBuf),
    Bytes(Vec<u8>),
    File(Py<PyAny>),
}

pub(crate) fn is_text_file(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    obj.is_instance(&obj.py().import("io")?.getattr("TextIOBase")?)
}

pub(crate) fn path_of(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Option<PathBuf>> {
    if obj.is_instance_of::<PyString>() {
        return Ok(Some(PathBuf::from(text(obj, field)?)));
    }
    if obj.hasattr("__fspath__")? {
        let p: PathBuf = obj.extract().map_err(|_| type_error(field, "expected str or os.PathLike"))?;
        return Ok(Some(p));
    }
    Ok(None)
}

/// A path, `bytes`, or a file opened in binary mode.
pub(crate) fn input(obj: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Some(p) = path_of(obj, "source")? {
        return Ok(Input::Path(p));
    }
    if obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() {
        return Ok(Input::Bytes(obj.extract()?));
    }
    if obj.hasattr("read")? {
        if is_text_file(obj)? {
            return Err(type_error("source", "the file is open in text mode: open it in binary mode (\"rb\")"));
        }
        return Ok(Input::File(obj.clone().unbind()));
    }
    Err(type_error("source", "expected a path, bytes or a binary file"))
}

/// Where the rejected rows go.
pub(crate) enum Output {
    Path(PathBuf),
    File { file: Py<PyAny>, text: bool },
}

/// A path, or a file (binary, or text: the rows are UTF-8).
pub(crate) fn output(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Output>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else { return Ok(None) };
    if let Some(p) = path_of(obj, "rejects")? {
        return Ok(Some(Output::Path(p)));
    }
    if obj.hasattr("write")? {
        return Ok(Some(Output::File { file: obj.clone().unbind(), text: is_text_file(obj)? }));
    }
    Err(type_error("rejects", "expected a path or a file"))
}

/// The first Python exception raised by the file objects or the progress
/// callable; once set, the input reads fail so that the import stops.
pub(crate) type Failure = RefCell<Option<PyErr>>;

fn stopped() -> std::io::Error {
    std::io::Error::other("the import was stopped by an exception in Python")
}

fn fail(failure: &Failure, e: PyErr) -> std::io::Error {
    let mut slot = failure.borrow_mut();
    if slot.is_none() {
        *slot = Some(e);
    }
    stopped()
}

/// A reader that stops reading once a Python exception is pending.
struct Guarded<'a, R> {
    inner: R,
    failure: &'a Failure,
}

impl<R: Read> Read for Guarded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.failure.borrow().is_some() {
            return Err(stopped());
        }
        self.inner.read(buf)
    }
}

/// A Python file read with `read(n)`: bytes from a binary file, or text
/// from a text file (encoded as UTF-8; what does not fit `buf` is kept for
/// the next read). `binary_only` refuses text, for inputs whose encoding is
/// detected from their bytes.
pub(crate) struct PyReader<'a> {
    file: Py<PyAny>,
    binary_only: bool,
    pending: Vec<u8>,
    failure: &'a Failure,
}

impl<'a> PyReader<'a> {
    pub(crate) fn new(file: Py<PyAny>, binary_only: bool, failure: &'a Failure) -> Self {
        PyReader { file, binary_only, pending: Vec::new(), failure }
    }
}

impl Read for PyReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.failure.borrow().is_some() {
            return Err(stopped());
        }
        if self.pending.is_empty() {
            self.pending = Python::attach(|py| -> std::io::Result<Vec<u8>> {
                let got = self.file.bind(py).call_method1("read", (buf.len(),)).map_err(|e| fail(self.failure, e))?;
                if got.is_none() {
                    // A non-blocking stream with nothing yet: read again.
                    return Ok(Vec::new());
                }
                if got.is_instance_of::<PyBytes>() || got.is_instance_of::<PyByteArray>() {
                    let bytes: Vec<u8> = got.extract().map_err(|e| fail(self.failure, e))?;
                    if bytes.len() > buf.len() {
                        return Err(fail(self.failure, type_error("source", "read(n) returned more than n bytes")));
                    }
                    return Ok(bytes);
                }
                if got.is_instance_of::<PyString>() && !self.binary_only {
                    let s: String = got.extract().map_err(|e| fail(self.failure, e))?;
                    return Ok(s.into_bytes());
                }
                let what = if self.binary_only {
                    "read() returned text: open the file in binary mode"
                } else {
                    "read() returned neither bytes nor str"
                };
                Err(fail(self.failure, type_error("source", what)))
            })?;
        }
        let n = self.pending.len().min(buf.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// A Python file written with `write()`: bytes, or for a text file, text
/// decoded from UTF-8 (held back until a character is whole, and written
/// once 64 KiB are pending or on `flush`). Once a Python exception is
/// pending, nothing more is written.
pub(crate) struct PyWriter<'a> {
    file: Py<PyAny>,
    text: bool,
    pending: Vec<u8>,
    failure: &'a Failure,
}

/// Text pending for a text file past which it is written without a flush.
const TEXT_CHUNK: usize = 64 * 1024;

impl PyWriter<'_> {
    pub(crate) fn new(file: Py<PyAny>, text: bool, failure: &Failure) -> PyWriter<'_> {
        PyWriter { file, text, pending: Vec::new(), failure }
    }

    /// Write the whole characters pending to the text file.
    fn write_text(&mut self) -> std::io::Result<()> {
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        if whole == 0 {
            return Ok(());
        }
        let chunk = String::from_utf8_lossy(&self.pending[..whole]).into_owned();
        self.pending.drain(..whole);
        Python::attach(|py| {
            self.file.bind(py).call_method1("write", (chunk,)).map(drop).map_err(|e| fail(self.failure, e))
        })
    }
}

impl Write for PyWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failure.borrow().is_some() {
            return Err(stopped());
        }
        if self.text {
            self.pending.extend_from_slice(buf);
            if self.pending.len() >= TEXT_CHUNK {
                self.write_text()?;
            }
            return Ok(buf.len());
        }
        Python::attach(|py| {
            self.file
                .bind(py)
                .call_method1("write", (PyBytes::new(py, buf),))
                .map(drop)
                .map_err(|e| fail(self.failure, e))
        })?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failure.borrow().is_some() {
            return Err(stopped());
        }
        if self.text && !self.pending.is_empty() {
            self.write_text()?;
        }
        Ok(())
    }
}

/// Run an import with the GIL released: the input, rejects and progress
/// bridges take it back for each call into Python. A Python exception from
/// any of them stops the import (its next read fails) and is what this
/// returns, in place of the core's result.
pub(crate) fn run(
    py: Python<'_>,
    db: crm_core::Crm,
    source: Input,
    options: CsvOptions,
    rejects: Option<Output>,
    progress: Option<Py<PyAny>>,
) -> PyResult<crm_core::ImportReport> {
    let (result, failure) = py.detach(move || {
        let failure: Failure = RefCell::new(None);
        let result = (|| -> crm_core::Result<crm_core::ImportReport> {
            let reader: Box<dyn Read + '_> = match source {
                Input::Path(p) => Box::new(std::fs::File::open(&p).map_err(|e| with_path(e, &p))?),
                Input::Bytes(b) => Box::new(std::io::Cursor::new(b)),
                Input::File(f) => Box::new(PyReader::new(f, true, &failure)),
            };
            let reader = Guarded { inner: reader, failure: &failure };
            let mut sink: Option<Box<dyn Write + '_>> = match rejects {
                None => None,
                Some(Output::Path(p)) => {
                    Some(Box::new(std::io::BufWriter::new(std::fs::File::create(&p).map_err(|e| with_path(e, &p))?)))
                }
                Some(Output::File { file, text }) => Some(Box::new(PyWriter::new(file, text, &failure))),
            };
            // `progress` returning False (exactly) stops the import.
            let mut call = |p: &CoreProgress| {
                let Some(f) = progress.as_ref() else { return ControlFlow::Continue(()) };
                if failure.borrow().is_some() {
                    return ControlFlow::Continue(());
                }
                Python::attach(|py| {
                    let r = Py::new(py, ImportProgress(p.clone())).and_then(|rec| f.bind(py).call1((rec,)));
                    match r {
                        Ok(v) if v.is_instance_of::<PyBool>() && !v.is_truthy().unwrap_or(true) => {
                            ControlFlow::Break(())
                        }
                        Ok(_) => ControlFlow::Continue(()),
                        Err(e) => {
                            *failure.borrow_mut() = Some(e);
                            ControlFlow::Continue(())
                        }
                    }
                })
            };
            let report = db.import_csv(
                reader,
                &options,
                sink.as_mut().map(|s| &mut **s as &mut dyn Write),
                Some(&mut call as &mut dyn FnMut(&CoreProgress) -> ControlFlow<()>),
            )?;
            if let Some(s) = sink.as_mut() {
                s.flush()?;
            }
            Ok(report)
        })();
        (result, failure.into_inner())
    });
    if let Some(e) = failure {
        return Err(e);
    }
    result.map_err(|e| crate::errors::to_py(py, e))
}

pub(crate) fn with_path(e: std::io::Error, p: &std::path::Path) -> crm_core::Error {
    crm_core::Error::Io(std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))
}
