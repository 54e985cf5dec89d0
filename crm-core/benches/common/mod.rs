//! Helpers shared by the benchmarks: sizes, the cached 1M-party base, raw
//! rusqlite connections configured like the library's, timing and the
//! summary lines that `scripts/bench.sh` collects.
//!
//! Every benchmark measures an operation through the public API of
//! `crm-core` ("ours") beside a baseline that runs the same SQL directly with
//! rusqlite ("raw") on a connection with the same pragmas, in the same run.
//!
//! Environment:
//! - `CRM_BENCH_SCALE` (default 1): multiplies every size (the 1M-party base,
//!   the 1M relationships, the 100k parties created); 0.01 for development.
//! - `CRM_BENCH_DATA`: where the cached base lives (default
//!   `<target dir>/bench-data`).
//!
//! Each bench file includes this module and uses only part of it.
#![allow(dead_code)]

pub mod activity;
pub mod base;
pub mod raw;
pub mod write;

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use rusqlite::{Connection, OpenFlags};

/// The size factor from `CRM_BENCH_SCALE` (criterion's `--test` mode, as
/// run by `cargo test --benches`, uses a tiny one).
pub fn scale() -> f64 {
    if test_mode() {
        return 0.002;
    }
    match std::env::var("CRM_BENCH_SCALE") {
        Ok(s) => s.trim().parse::<f64>().ok().filter(|v| *v > 0.0).expect("CRM_BENCH_SCALE: a positive number"),
        Err(_) => 1.0,
    }
}

/// `n` scaled, at least `min`.
pub fn scaled(n: usize, min: usize) -> usize {
    ((n as f64 * scale()).round() as usize).max(min)
}

/// Whether the bench binary runs in criterion's quick `--test` mode.
pub fn test_mode() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// Whether a criterion filter given on the command line leaves out `name`
/// (so that its extra timed loops are skipped too).
pub fn filtered_out(name: &str) -> bool {
    let mut args = std::env::args().skip(1).peekable();
    let mut filters = Vec::new();
    while let Some(a) = args.next() {
        if a.starts_with("--") {
            // Options that take a value.
            if matches!(
                a.as_str(),
                "--save-baseline"
                    | "--baseline"
                    | "--load-baseline"
                    | "--sample-size"
                    | "--warm-up-time"
                    | "--measurement-time"
                    | "--profile-time"
                    | "--color"
                    | "--output-format"
                    | "--nresamples"
                    | "--noise-threshold"
                    | "--confidence-level"
                    | "--significance-level"
                    | "--plotting-backend"
            ) {
                args.next();
            }
            continue;
        }
        filters.push(a);
    }
    !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str()))
}

/// Whether a filter on the command line leaves out the whole bench `name`
/// (a filter that names the bench, part of its name, or a benchmark in it
/// such as "timeline (…)/ours" keeps it), so that its base is not built.
pub fn bench_excluded(name: &str) -> bool {
    let filters = filters();
    !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str()) || f.starts_with(name))
}

fn filters() -> Vec<String> {
    let mut out = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a.starts_with("--") {
            if !matches!(a.as_str(), "--bench" | "--test" | "--list" | "--quick" | "--noplot" | "--verbose" | "--exact")
                && !a.contains('=')
            {
                args.next();
            }
            continue;
        }
        out.push(a);
    }
    out
}

/// Criterion with settings fit for this machine: short warm-up and
/// measurement, few samples; the command line may override them.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(700))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// The directory of cached bench data.
pub fn data_dir() -> PathBuf {
    let dir = match std::env::var_os("CRM_BENCH_DATA") {
        Some(d) => PathBuf::from(d),
        None => {
            // The bench binary is <target>/<profile>/deps/<name>.
            let exe = std::env::current_exe().expect("the bench binary's path");
            exe.ancestors().nth(3).expect("a target directory").join("bench-data")
        }
    };
    std::fs::create_dir_all(&dir).expect("create the bench data directory");
    dir
}

/// A fresh temporary directory beside the cached data (same file system).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir_in(data_dir()).expect("a temporary directory")
}

/// Pragmas of the library's connections (`store::configure`), applied to a
/// raw connection.
fn configure_like_library(conn: &Connection) {
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    conn.pragma_update(None, "secure_delete", "ON").unwrap();
    conn.pragma_update(None, "cache_size", -65536).unwrap();
    conn.set_prepared_statement_cache_capacity(128);
}

/// A raw writer connection configured like the library's writer (WAL,
/// `synchronous=NORMAL`). The file must have been created by `Crm::open`.
pub fn raw_writer(path: &std::path::Path) -> Connection {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap();
    configure_like_library(&conn);
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    assert!(mode.eq_ignore_ascii_case("wal"));
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn
}

/// A raw read-only connection configured like the library's readers.
pub fn raw_reader(path: &std::path::Path) -> Connection {
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX).unwrap();
    configure_like_library(&conn);
    conn.pragma_update(None, "query_only", "ON").unwrap();
    conn
}

/// [`raw_reader`] with the query planner stability guarantee on
/// (`SQLITE_DBCONFIG_ENABLE_QPSG`): statements are no longer re-prepared
/// when a bound value changes. Not what the library does today; printed
/// beside the baseline to show what that setting would gain.
pub fn raw_reader_qpsg(path: &std::path::Path) -> Connection {
    let conn = raw_reader(path);
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).unwrap();
    conn
}

/// Time `raw` on a plain raw connection and on one with QPSG, alternating,
/// and print the gain.
pub fn print_qpsg_gain(what: &str, rounds: usize, iters: usize, raw: impl FnMut(usize), qpsg: impl FnMut(usize)) {
    let (plain, with) = interleaved(rounds, iters, raw, qpsg);
    println!(
        "{what}: raw {} → raw with ENABLE_QPSG {} ({:.2}× faster)",
        fmt_dur(plain),
        fmt_dur(with),
        plain.as_secs_f64() / with.as_secs_f64()
    );
    println!("QPSG|{what}|{}|{}|{:.2}×", fmt_dur(plain), fmt_dur(with), plain.as_secs_f64() / with.as_secs_f64());
}

/// Run `f` in a read transaction, as the library's `Store::read` does (the
/// raw side uses cached statements for BEGIN and COMMIT).
pub fn raw_read<T>(conn: &Connection, f: impl FnOnce(&Connection) -> T) -> T {
    conn.prepare_cached("BEGIN DEFERRED").unwrap().execute([]).unwrap();
    let out = f(conn);
    conn.prepare_cached("COMMIT").unwrap().execute([]).unwrap();
    out
}

/// Per-iteration times of the samples criterion took through
/// [`Recorder::iter`]; the last `keep` samples are the measured ones (the
/// earlier ones are its warm-up).
#[derive(Clone, Default)]
pub struct Recorder(Rc<RefCell<Vec<Duration>>>);

impl Recorder {
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// For `Bencher::iter_custom`: time `iters` calls of `f`, record the
    /// mean, return the total.
    pub fn iter(&self, iters: u64, mut f: impl FnMut()) -> Duration {
        let start = Instant::now();
        for _ in 0..iters {
            f();
        }
        let total = start.elapsed();
        self.push(total, iters);
        total
    }

    /// Record a sample measured elsewhere.
    pub fn push(&self, total: Duration, iters: u64) {
        self.0.borrow_mut().push(total / iters.max(1) as u32);
    }

    /// The median of the last `keep` samples.
    pub fn median(&self, keep: usize) -> Duration {
        let all = self.0.borrow();
        let mut last: Vec<Duration> = all[all.len().saturating_sub(keep)..].to_vec();
        median(&mut last)
    }
}

pub fn median(v: &mut [Duration]) -> Duration {
    if v.is_empty() {
        return Duration::ZERO;
    }
    v.sort();
    v[v.len() / 2]
}

/// Alternate `rounds` timed runs of `ours` and `raw` (each timing `iters`
/// calls) and return the median per-call time of each; alternating keeps the
/// ratio fair while other processes load the machine.
pub fn interleaved(
    rounds: usize,
    iters: usize,
    mut ours: impl FnMut(usize),
    mut raw: impl FnMut(usize),
) -> (Duration, Duration) {
    let mut a = Vec::with_capacity(rounds);
    let mut b = Vec::with_capacity(rounds);
    let mut n = 0;
    for round in 0..rounds {
        // Alternate which side goes first.
        let mut time = |f: &mut dyn FnMut(usize), out: &mut Vec<Duration>| {
            let start = Instant::now();
            for _ in 0..iters {
                f(n);
                n += 1;
            }
            out.push(start.elapsed() / iters as u32);
        };
        if round % 2 == 0 {
            time(&mut ours, &mut a);
            time(&mut raw, &mut b);
        } else {
            time(&mut raw, &mut b);
            time(&mut ours, &mut a);
        }
    }
    (median(&mut a), median(&mut b))
}

/// A human figure for a duration.
pub fn fmt_dur(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1_000_000_000.0 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// Print the ratio line of a group and one `SUMMARY|…` line for the table
/// of `scripts/bench.sh`: bench, what, ours, raw, ratio, target, verdict.
pub fn report(bench: &str, ours: &str, raw: &str, ratio: f64, target: &str, met: bool) {
    println!("{bench}: ours {ours}, raw {raw}");
    // Small ratios (ours far faster) keep three significant digits.
    let ratio = if ratio < 0.1 { format!("{ratio:.2e}") } else { format!("{ratio:.2}") };
    println!("ratio: {ratio}× (ours / raw)");
    println!("SUMMARY|{bench}|{ours}|{raw}|{ratio}×|{target}|{}", if met { "met" } else { "NOT met" });
}
