//! CSV import of persons with an email and a phone each (`Crm::import_csv`,
//! streaming, row by row, batches of 1000) from a 1M-row file: rows/s and
//! the peak memory of the process, beside a raw baseline that reads the
//! same file with the csv crate and writes the same rows with raw rusqlite
//! the way the import does (`common/write.rs` `raw_write`): cached
//! statements; per person the party, two contact points, an audit row with
//! the full record and an outbox event referring to it; then each batch's
//! full-text documents. Both sides checkpoint the WAL every 10 000 pages.
//!
//! Into an empty base the import loads in bulk (`ImportLoad::Auto`): one
//! transaction, the name, contact-value and tag indexes dropped in it and
//! built again at its end. The baseline does the same ("raw"). Also
//! printed: raw SQL without the full-text documents; raw SQL writing only
//! the party and contact point rows, with no documents, audit rows or
//! events ("raw-rows", the floor of any import that stores these persons
//! in this schema); and raw SQL in a transaction per batch with every
//! index kept (the way the import loaded before it had a bulk load; full
//! size only, it takes minutes).
//!
//! Each import runs in a child process (this bench binary started again
//! with `CRM_BENCH_CHILD` set), which reports its own peak resident set
//! (`VmHWM` of `/proc/self/status`) when done, so that the figure is the
//! import's alone. The raw side gets the phone in E.164 by removing the
//! space; validating and normalizing is part of what the library does.
//!
//! The criterion part imports 1000 rows at a time into a growing base, in
//! batches on both sides.
//!
//! Targets: at least 100k rows/s, under 200 MB peak.

mod common;

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::Recorder;
use common::base::simple_person;
use common::write::{RawPerson, raw_create_with, raw_write};
use criterion::{Criterion, Throughput};
use crm_core::{Crm, CsvMapping, CsvOptions, ImportLoad, ImportMode};

const ROWS: usize = 1_000_000;
const HEADER: &str = "given_name,family_name,email,phone";
/// Rows per transaction, on both sides (the library's default).
const BATCH: usize = 1000;

fn write_rows(out: &mut impl Write, from: usize, to: usize) {
    for n in from..to {
        let (given, family, email, phone, _) = simple_person(n);
        writeln!(out, "{given},{family},{email},{phone}").unwrap();
    }
}

/// The CSV file of `rows` persons, cached beside the bases.
fn csv_file(rows: usize) -> PathBuf {
    let path = common::data_dir().join(format!("persons-g{}-{rows}.csv", common::base::GENERATOR_VERSION));
    if !path.exists() {
        let tmp = path.with_extension("writing");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp).unwrap());
        writeln!(out, "{HEADER}").unwrap();
        write_rows(&mut out, 0, rows);
        out.flush().unwrap();
        drop(out);
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

fn options() -> CsvOptions {
    let mut mapping = CsvMapping::default();
    for col in HEADER.split(',') {
        mapping.columns.insert(col.to_string(), col.to_string());
    }
    CsvOptions { mapping, mode: ImportMode::RowByRow, batch_size: BATCH, ..CsvOptions::default() }
}

fn import_ours(crm: &Crm, input: impl std::io::Read, load: ImportLoad) -> u64 {
    let report = crm.import_csv(input, &CsvOptions { load, ..options() }, None, None).unwrap();
    assert_eq!(report.counts.rejected, 0, "{:?}", report.rejects.first());
    assert_eq!(report.bulk, load != ImportLoad::Batches);
    report.counts.created
}

/// The indexes the library builds at the end of a bulk load
/// (`io/bulk.rs`).
const DEFERRED: &[&str] = &[
    "party_by_name",
    "party_live_name",
    "party_live_kind",
    "party_live_country",
    "tag_by_tag",
    "contact_point_by_value",
];

/// How the raw side writes.
#[derive(Clone, Copy, PartialEq)]
enum Raw {
    /// One transaction, the deferred indexes dropped and built again; with
    /// or without the full-text documents, the audit rows and the events.
    Bulk { fts: bool, history: bool },
    /// A transaction per batch, every index kept.
    Batches,
}

fn import_raw(path: &Path, input: impl std::io::Read, how: Raw) -> u64 {
    let mut conn = common::raw_writer(path);
    // As the library does during an import.
    conn.pragma_update(None, "wal_autocheckpoint", 10_000).unwrap();
    let mut created = Vec::new();
    if let Raw::Bulk { .. } = how {
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        for name in DEFERRED {
            let sql: String = conn
                .query_row("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1", [name], |r| r.get(0))
                .unwrap();
            conn.execute_batch(&format!("DROP INDEX {name}")).unwrap();
            created.push(sql);
        }
    }
    let write = |conn: &mut rusqlite::Connection, batch: &[RawPerson]| match how {
        Raw::Bulk { fts, history } => raw_write(conn, batch, fts, history),
        Raw::Batches => raw_create_with(conn, batch, true),
    };
    let mut reader = csv::Reader::from_reader(input);
    let mut batch = Vec::with_capacity(BATCH);
    let mut n = 0;
    for rec in reader.records() {
        let rec = rec.unwrap();
        let phone = rec[3].to_string();
        batch.push(RawPerson {
            given: rec[0].to_string(),
            family: rec[1].to_string(),
            email: rec[2].to_lowercase(),
            e164: phone.replace(' ', ""),
            phone,
        });
        if batch.len() == BATCH {
            write(&mut conn, &batch);
            n += batch.len() as u64;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        write(&mut conn, &batch);
        n += batch.len() as u64;
    }
    if let Raw::Bulk { .. } = how {
        for sql in created {
            conn.execute_batch(&sql).unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
    }
    n
}

/// In the child: run one import, print `CHILD|seconds|peak kB|rows`.
fn child(spec: &str) {
    let mut parts = spec.splitn(3, '|');
    let (side, csv, db) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let file = std::io::BufReader::new(std::fs::File::open(csv).unwrap());
    let start = Instant::now();
    let rows = match side {
        "ours" => import_ours(&Crm::open(db).unwrap(), file, ImportLoad::Auto),
        "raw" => import_raw(Path::new(db), file, Raw::Bulk { fts: true, history: true }),
        "raw-no-fts" => import_raw(Path::new(db), file, Raw::Bulk { fts: false, history: true }),
        "raw-rows" => import_raw(Path::new(db), file, Raw::Bulk { fts: false, history: false }),
        _ => import_raw(Path::new(db), file, Raw::Batches),
    };
    let secs = start.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    println!("CHILD|{secs}|{hwm}|{rows}");
}

/// Run one import in a child process: (time, peak kB).
fn run_child(side: &str, csv: &Path, dir: &Path, round: usize) -> (Duration, u64) {
    let db = dir.join(format!("{side}-{round}.sqlite"));
    drop(Crm::open(&db).unwrap());
    let out = Command::new(std::env::current_exe().unwrap())
        .env("CRM_BENCH_CHILD", format!("{side}|{}|{}", csv.display(), db.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("CHILD|")).expect("the child's report");
    let f: Vec<&str> = line.split('|').collect();
    for ext in ["sqlite", "sqlite-wal", "sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{side}-{round}.{ext}")));
    }
    (Duration::from_secs_f64(f[1].parse().unwrap()), f[2].parse().unwrap())
}

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("import_csv") {
        return;
    }
    let dir = common::temp_dir();
    // Criterion: 1000 rows into a growing base, in this process.
    let chunk = 1000.min(common::scaled(ROWS, 100));
    let (o_rec, r_rec) = (Recorder::new(), Recorder::new());
    let mut group = c.benchmark_group("import_csv");
    group.throughput(Throughput::Elements(chunk as u64)).sample_size(10);
    {
        let crm = Crm::open(dir.path().join("ours-grow.sqlite")).unwrap();
        let mut next = 0;
        group.bench_function("ours/1000 rows", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut data = format!("{HEADER}\n").into_bytes();
                    write_rows(&mut data, next, next + chunk);
                    next += chunk;
                    let start = Instant::now();
                    black_box(import_ours(&crm, data.as_slice(), ImportLoad::Batches));
                    total += start.elapsed();
                }
                o_rec.push(total, iters);
                total
            })
        });
    }
    {
        let path = dir.path().join("raw-grow.sqlite");
        drop(Crm::open(&path).unwrap());
        let mut next = 0;
        group.bench_function("raw/1000 rows", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut data = format!("{HEADER}\n").into_bytes();
                    write_rows(&mut data, next, next + chunk);
                    next += chunk;
                    let start = Instant::now();
                    black_box(import_raw(&path, data.as_slice(), Raw::Batches));
                    total += start.elapsed();
                }
                r_rec.push(total, iters);
                total
            })
        });
    }
    group.finish();
    if common::filtered_out("import_csv") {
        return;
    }
    let (o, r) = (o_rec.median(10), r_rec.median(10));
    println!(
        "import_csv/{chunk} rows (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );

    // The whole file, each import in its own process, alternating sides.
    let rows = common::scaled(ROWS, 1000);
    let csv = csv_file(rows);
    let rounds = if common::test_mode() || rows > 200_000 { 1 } else { 3 };
    let (mut ours, mut raw, mut ours_kb, mut raw_kb) = (Vec::new(), Vec::new(), 0, 0);
    for round in 0..rounds {
        let order = if round % 2 == 0 { ["ours", "raw"] } else { ["raw", "ours"] };
        for side in order {
            let (t, kb) = run_child(side, &csv, dir.path(), round);
            if side == "ours" {
                ours.push(t);
                ours_kb = ours_kb.max(kb);
            } else {
                raw.push(t);
                raw_kb = raw_kb.max(kb);
            }
        }
    }
    let (o, r) = (common::median(&mut ours), common::median(&mut raw));
    let (ours_rate, raw_rate) = (rows as f64 / o.as_secs_f64(), rows as f64 / r.as_secs_f64());
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("import_csv: {}k persons (email, phone), row by row, loaded in bulk", rows / 1000),
        &format!("{ours_rate:.0} rows/s ({})", common::fmt_dur(o)),
        &format!("{raw_rate:.0} rows/s ({})", common::fmt_dur(r)),
        ratio,
        "≥ 100k rows/s",
        ours_rate >= 100_000.0,
    );
    // What the full-text index costs: the raw import again without the
    // documents; the floor of any import of these persons: raw SQL writing
    // the party and contact point rows alone (no documents, no audit rows,
    // no events); and raw SQL loading in batches with every index kept.
    if !common::test_mode() {
        for side in ["raw-no-fts", "raw-rows", "raw-batches"] {
            let (t, _) = run_child(side, &csv, dir.path(), 0);
            println!("import_csv: {side}: {:.0} rows/s ({})", rows as f64 / t.as_secs_f64(), common::fmt_dur(t));
        }
    }
    let mb = |kb: u64| kb as f64 / 1024.0;
    println!("import_csv: peak RSS ours {:.1} MB, raw {:.1} MB", mb(ours_kb), mb(raw_kb));
    println!(
        "SUMMARY|import_csv: peak RSS of the importing process, {}k rows|{:.1} MB|{:.1} MB|{:.2}×|< 200 MB|{}",
        rows / 1000,
        mb(ours_kb),
        mb(raw_kb),
        mb(ours_kb) / mb(raw_kb).max(0.1),
        if mb(ours_kb) < 200.0 { "met" } else { "NOT met" }
    );
}

fn main() {
    if let Ok(spec) = std::env::var("CRM_BENCH_CHILD") {
        child(&spec);
        return;
    }
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
