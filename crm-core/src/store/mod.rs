//! Connections, pragmas, migrations and transactions.
//!
//! One writer connection behind a mutex takes every write under
//! `BEGIN IMMEDIATE`; a few read-only connections serve reads from the WAL.
//! An in-memory base has one connection for both.

mod migrations;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};
use crate::events::{self, AuditAction};

pub use migrations::SCHEMA_VERSION;

/// How a base is opened.
#[derive(Debug, Clone)]
pub struct Options {
    /// Open for reading only: every write fails with [`Error::ReadOnly`].
    pub read_only: bool,
    /// How long a write waits for another process's lock before it fails
    /// with [`Error::Busy`].
    pub busy_timeout: Duration,
    /// Number of read-only connections (file bases only; at least 1).
    pub readers: usize,
    /// The region used to parse phone numbers written without a `+country`
    /// prefix (ISO 3166 alpha-2, e.g. "LV"). `None`: such numbers are refused.
    pub default_region: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options { read_only: false, busy_timeout: Duration::from_secs(5), readers: 4, default_region: None }
    }
}

pub(crate) struct Store {
    // Fields drop in order: the readers close first, so that the writer,
    // closing last, checkpoints the WAL into the file and removes it.
    readers: Vec<Mutex<Connection>>,
    /// A read-only connection that only reads `PRAGMA data_version`, which
    /// changes with every commit of any other connection to the file (file
    /// bases; an in-memory base has no other connection).
    watch: Option<Mutex<Connection>>,
    writer: Mutex<Connection>,
    /// The thread holding `writer` ([`this_thread`]), 0 when none.
    writer_thread: AtomicU64,
    /// Write transactions ended on `writer`, counted after each ends.
    writes: AtomicU64,
    next_reader: AtomicUsize,
    pub(crate) path: Option<PathBuf>,
    pub(crate) options: Options,
}

const APPLICATION_ID: i32 = 0x4352_4D31; // "CRM1"

/// Pages in the WAL before a commit checkpoints it (SQLite's default is
/// 1000). A party written touches pages of several indexes at random
/// places; the longer the WAL between checkpoints, the more of those pages
/// are copied into the file once for many writes instead of once each.
const WAL_AUTOCHECKPOINT: u32 = 4000;

/// A number for the calling thread, unique in the process, never 0.
fn this_thread() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static ID: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ID.with(|id| *id)
}

/// The writer connection held, with the thread that holds it noted.
struct WriterGuard<'a> {
    conn: MutexGuard<'a, Connection>,
    thread: &'a AtomicU64,
}

impl Drop for WriterGuard<'_> {
    fn drop(&mut self) {
        // Before the lock is released (fields drop after this).
        self.thread.store(0, Ordering::SeqCst);
    }
}

impl std::ops::Deref for WriterGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for WriterGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

fn lock(m: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while a connection was held rolled its transaction back (the
    // transaction guard rolls back on drop), so the connection is usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn configure(conn: &Connection, options: &Options) -> Result<()> {
    conn.busy_timeout(options.busy_timeout)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    // 64 MiB of page cache per connection: indexes of a large base stay in memory.
    conn.pragma_update(None, "cache_size", -65536)?;
    // Plans do not depend on bound values: without this, SQLite re-prepares
    // statements on every call (the bundled build plans with bound values),
    // which costs more than the queries themselves.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

impl Store {
    pub(crate) fn open(path: &Path, options: Options) -> Result<Store> {
        let flags = if options.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        if options.read_only && !path.exists() {
            return Err(Error::not_found("database file", path.display()));
        }
        let writer = Connection::open_with_flags(path, flags)?;
        configure(&writer, &options)?;
        // Check what the file is before anything writes to it.
        migrations::check(&writer, APPLICATION_ID)?;
        if !options.read_only {
            let mode: String = writer.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::Schema(format!("could not switch to WAL journal mode (got {mode})")));
            }
            writer.pragma_update(None, "synchronous", "NORMAL")?;
            writer.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT)?;
            migrations::migrate(&writer, APPLICATION_ID)?;
        } else {
            migrations::require_current(&writer)?;
            writer.pragma_update(None, "query_only", "ON")?;
        }
        let read_only = || -> Result<Connection> {
            let r =
                Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
            configure(&r, &options)?;
            r.pragma_update(None, "query_only", "ON")?;
            Ok(r)
        };
        let mut readers = Vec::new();
        for _ in 0..options.readers.max(1) {
            readers.push(Mutex::new(read_only()?));
        }
        let watch = read_only()?;
        Ok(Store {
            writer: Mutex::new(writer),
            writer_thread: AtomicU64::new(0),
            readers,
            watch: Some(Mutex::new(watch)),
            writes: AtomicU64::new(0),
            next_reader: AtomicUsize::new(0),
            path: Some(path.to_path_buf()),
            options,
        })
    }

    pub(crate) fn open_in_memory(options: Options) -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        configure(&conn, &options)?;
        migrations::migrate(&conn, APPLICATION_ID)?;
        Ok(Store {
            writer: Mutex::new(conn),
            writer_thread: AtomicU64::new(0),
            readers: Vec::new(),
            watch: None,
            writes: AtomicU64::new(0),
            next_reader: AtomicUsize::new(0),
            path: None,
            options,
        })
    }

    /// The writer connection, unless this thread holds it already: a write
    /// (or an in-memory base's read) from inside a write of the same handle
    /// on the same thread, such as an import's progress callback, would
    /// wait for itself forever, so it fails instead.
    fn writer(&self) -> Result<WriterGuard<'_>> {
        let me = this_thread();
        if self.writer_thread.load(Ordering::SeqCst) == me {
            return Err(Error::Busy(
                "this thread is inside a write of this handle (an import's progress callback?), which holds \
                 the write lock until it ends; write, or read an in-memory base, after it"
                    .into(),
            ));
        }
        let conn = lock(&self.writer);
        self.writer_thread.store(me, Ordering::SeqCst);
        Ok(WriterGuard { conn, thread: &self.writer_thread })
    }

    /// A reader connection: a free one if there is one, else wait for the
    /// next one in turn. Only for a base with readers (a file).
    fn reader(&self) -> MutexGuard<'_, Connection> {
        // The first free reader: a caller on one thread keeps using the same
        // connection, whose page cache is warm; concurrent callers spread out.
        for r in &self.readers {
            if let Ok(guard) = r.try_lock() {
                return guard;
            }
        }
        let n = self.readers.len();
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        lock(&self.readers[start % n])
    }

    /// The committed state of the base as this handle can tell it: equal
    /// versions read at two times mean that nothing was committed in
    /// between, by this handle or by any other connection to the file. Data
    /// kept under a version must come from snapshots begun after it was
    /// read, so that it is never older than the version says.
    pub(crate) fn version(&self) -> Result<Version> {
        let writes = self.writes.load(Ordering::SeqCst);
        let data_version = match &self.watch {
            Some(w) => lock(w).query_row("PRAGMA data_version", [], |r| r.get(0))?,
            None => 0,
        };
        Ok(Version { writes, data_version })
    }

    /// Checkpoint the WAL every `pages` pages instead of the usual
    /// [`WAL_AUTOCHECKPOINT`] until the guard drops: a bulk write commits many large
    /// transactions, and a checkpoint (with its fsync) after each costs more
    /// than the writes.
    pub(crate) fn bulk_checkpoints(&self, pages: u32) -> BulkCheckpoints<'_> {
        // A failure leaves the default, which is only slower.
        if let Ok(w) = self.writer() {
            let _ = w.pragma_update(None, "wal_autocheckpoint", pages);
        }
        BulkCheckpoints(self)
    }

    /// A free reader connection, if there is one.
    fn try_reader(&self) -> Option<MutexGuard<'_, Connection>> {
        self.readers.iter().find_map(|r| r.try_lock().ok())
    }

    /// Run `f` on a read snapshot: one read transaction for all its queries.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.readers.is_empty() {
            // An in-memory base reads through its one connection.
            return in_snapshot(&*self.writer()?, f);
        }
        in_snapshot(&self.reader(), f)
    }

    /// Run `work` on up to `n` reader connections at once, on threads of
    /// their own, each in a read transaction on the same committed state;
    /// one result per connection that took part (the first waits for a
    /// connection, the others take free ones or stay out). `Ok(None)` when
    /// a commit landed while their snapshots began, so that they may
    /// differ: nothing is returned then.
    pub(crate) fn read_parallel<T: Send>(
        &self,
        n: usize,
        work: impl Fn(&Connection) -> Result<T> + Sync,
    ) -> Result<Option<Vec<T>>> {
        if n <= 1 || self.readers.len() <= 1 {
            return self.read(work).map(|v| Some(vec![v]));
        }
        let work = &work;
        let outcomes: Vec<Option<Result<(T, Version, Version)>>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..n.min(self.readers.len()))
                .map(|i| {
                    scope.spawn(move || {
                        let conn = if i == 0 { Some(self.reader()) } else { self.try_reader() }?;
                        Some(in_snapshot(&conn, |c| {
                            // The versions around the start of the snapshot:
                            // equal everywhere, no commit came in between.
                            let before = self.version()?;
                            c.prepare_cached("SELECT 1 FROM sqlite_schema LIMIT 1")?.query([])?.next()?;
                            let after = self.version()?;
                            Ok((work(c)?, before, after))
                        }))
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        });
        let mut out = Vec::new();
        let mut versions = Vec::new();
        for o in outcomes.into_iter().flatten() {
            let (v, before, after) = o?;
            out.push(v);
            versions.extend([before, after]);
        }
        Ok(versions.windows(2).all(|w| w[0] == w[1]).then_some(out))
    }
}

/// Run `f` in one read transaction on `conn`.
fn in_snapshot<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    if !conn.is_autocommit() {
        // Only the writer can be inside a transaction here, and it holds
        // its lock for the whole transaction, so this cannot happen; read
        // without a snapshot rather than fail.
        return f(conn);
    }
    conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
    let out = f(conn);
    let end = conn.prepare_cached("COMMIT").and_then(|mut s| s.execute([]));
    match (out, end) {
        (Ok(v), Ok(_)) => Ok(v),
        (Err(e), _) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
        (Ok(_), Err(e)) => Err(e.into()),
    }
}

impl Store {
    /// Run `f` in one write transaction (`BEGIN IMMEDIATE`); commit if it
    /// returns `Ok`, roll back otherwise.
    pub(crate) fn write<T>(&self, actor: &str, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_or_rollback(actor, true, f)
    }

    /// Like [`Store::write`], but with `commit` false the transaction is
    /// rolled back even when `f` succeeds (a dry run).
    pub(crate) fn write_or_rollback<T>(
        &self,
        actor: &str,
        commit: bool,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_decide(actor, |tx| f(tx).map(|v| (v, commit)))
    }

    /// Like [`Store::write`], but `f` decides whether to commit: it returns
    /// its value and `true` to commit, `false` to roll back.
    pub(crate) fn write_decide<T>(&self, actor: &str, f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>) -> Result<T> {
        if self.options.read_only {
            return Err(Error::ReadOnly("the base was opened read-only".into()));
        }
        let mut conn = self.writer()?;
        let out = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Stored times have microsecond precision; so has the clock reading.
            let mut w = Tx { tx, actor, now: from_micros(to_micros(Utc::now())) };
            let (out, commit) = f(&mut w)?;
            if commit {
                w.tx.commit()?;
            } else {
                w.tx.rollback()?;
            }
            Ok(out)
        })();
        // Counted once the transaction has ended (committed or not), so that
        // a version read before a snapshot never names newer data.
        self.writes.fetch_add(1, Ordering::SeqCst);
        out
    }
}

/// Restores the default checkpoint interval when dropped (see
/// [`Store::bulk_checkpoints`]).
pub(crate) struct BulkCheckpoints<'a>(&'a Store);

impl Drop for BulkCheckpoints<'_> {
    fn drop(&mut self) {
        if let Ok(w) = self.0.writer() {
            let _ = w.pragma_update(None, "wal_autocheckpoint", WAL_AUTOCHECKPOINT);
        }
    }
}

/// See [`Store::version`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Version {
    writes: u64,
    data_version: i64,
}

/// An open write transaction, with the caller's identity and one clock
/// reading for every row it writes.
pub(crate) struct Tx<'a> {
    pub(crate) tx: rusqlite::Transaction<'a>,
    pub(crate) actor: &'a str,
    pub(crate) now: DateTime<Utc>,
}

impl Tx<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Write the audit row and the outbox event of one change.
    ///
    /// `changes` is the JSON object of changed fields (`{"field": [old, new]}`)
    /// or, for a creation or a deletion, the whole record; `payload` is the
    /// event's body. When the two are the same text, the event refers to
    /// the audit row instead of holding a second copy (schema 9): a record
    /// is the larger part of what a creation writes.
    pub(crate) fn record(
        &self,
        entity: &str,
        entity_id: &uuid::Uuid,
        action: AuditAction,
        changes: &str,
        payload: &str,
    ) -> Result<()> {
        let seq = events::sql::insert_audit(self.conn(), self.now, self.actor, entity, entity_id, action, changes)?;
        let body = if changes == payload { events::sql::Body::Audit(seq) } else { events::sql::Body::Text(payload) };
        events::sql::insert_outbox(self.conn(), self.now, entity, entity_id, action, body)
    }
}

/// Times are stored as integer microseconds since the Unix epoch.
pub(crate) fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// The inverse of [`to_micros`].
pub(crate) fn from_micros(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}
