//! Creating persons with two contact points each (an email and a phone such
//! as "+371 2xxxxxxx") through `Crm::create_parties` in batches of 1000,
//! beside raw rusqlite writing the same rows: per batch one `BEGIN
//! IMMEDIATE`, the read of the custom field definitions, and per party the
//! party row, two contact point rows, an audit row with the party as JSON
//! and an outbox event referring to it; at the end of the batch the
//! parties' full-text documents (`search_doc`, `party_fts`) as
//! `search/sql.rs` writes them.
//!
//! The raw side is given the values already normalized (lower-case email,
//! E.164 phone); validating and normalizing them is part of what the library
//! does and of what the ratio shows.
//!
//! Criterion measures one batch into a growing base; then a plain timed loop
//! creates the full set (100k at scale 1) into fresh files, alternating the
//! two sides, and prints parties/s and the ratio. Target: at most 2× raw.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use common::Recorder;
use common::base::simple_person;
use common::write::{RawPerson, raw_create};
use criterion::{Criterion, Throughput};
use crm_core::{Crm, NewParty};

const BATCH: usize = 1000;
const TOTAL: usize = 100_000;

/// The input of one batch for the library.
fn batch(start: usize, n: usize) -> Vec<NewParty> {
    (start..start + n)
        .map(|i| {
            let (given, family, email, phone, _) = simple_person(i);
            NewParty::person(given, family).with_email(email).with_phone(phone)
        })
        .collect()
}

fn raw_batch(start: usize, n: usize) -> Vec<RawPerson> {
    (start..start + n)
        .map(|i| {
            let (given, family, email, phone, e164) = simple_person(i);
            RawPerson { given, family, email, phone, e164 }
        })
        .collect()
}

/// A fresh base file made by the library (so the schema is current).
fn fresh(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    drop(Crm::open(&path).unwrap());
    path
}

/// Create `total` persons in batches, through the library; returns the time.
fn ours_all(dir: &Path, round: usize, total: usize) -> Duration {
    let crm = Crm::open(fresh(dir, &format!("ours-{round}.sqlite"))).unwrap();
    let batches: Vec<Vec<NewParty>> = (0..total).step_by(BATCH).map(|s| batch(s, BATCH.min(total - s))).collect();
    let start = Instant::now();
    for b in batches {
        black_box(crm.create_parties(b).unwrap());
    }
    start.elapsed()
}

/// The same through raw rusqlite.
fn raw_all(dir: &Path, round: usize, total: usize) -> Duration {
    let mut conn = common::raw_writer(&fresh(dir, &format!("raw-{round}.sqlite")));
    let batches: Vec<Vec<RawPerson>> = (0..total).step_by(BATCH).map(|s| raw_batch(s, BATCH.min(total - s))).collect();
    let start = Instant::now();
    for b in &batches {
        raw_create(&mut conn, b);
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let dir = common::temp_dir();
    let batch_size = BATCH.min(common::scaled(TOTAL, 100));
    let ours_rec = Recorder::new();
    let raw_rec = Recorder::new();
    let mut group = c.benchmark_group("create_parties");
    group.throughput(Throughput::Elements(batch_size as u64)).sample_size(10);
    {
        let crm = Crm::open(fresh(dir.path(), "ours-grow.sqlite")).unwrap();
        let mut next = 0;
        group.bench_function("ours/batch", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input = batch(next, batch_size);
                    next += batch_size;
                    let start = Instant::now();
                    black_box(crm.create_parties(input).unwrap());
                    total += start.elapsed();
                }
                ours_rec.push(total, iters);
                total
            })
        });
    }
    {
        let mut conn = common::raw_writer(&fresh(dir.path(), "raw-grow.sqlite"));
        let mut next = 0;
        group.bench_function("raw/batch", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input = raw_batch(next, batch_size);
                    next += batch_size;
                    let start = Instant::now();
                    raw_create(&mut conn, &input);
                    total += start.elapsed();
                }
                raw_rec.push(total, iters);
                total
            })
        });
    }
    group.finish();
    if common::filtered_out("create_parties") {
        return;
    }
    let (o, r) = (ours_rec.median(10), raw_rec.median(10));
    println!(
        "create_parties/batch of {batch_size} (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );

    // The full set into fresh files, alternating sides.
    let total = common::scaled(TOTAL, 1000);
    let rounds = if common::test_mode() { 1 } else { 3 };
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            ours.push(ours_all(dir.path(), round, total));
            raw.push(raw_all(dir.path(), round, total));
        } else {
            raw.push(raw_all(dir.path(), round, total));
            ours.push(ours_all(dir.path(), round, total));
        }
    }
    let (o, r) = (common::median(&mut ours), common::median(&mut raw));
    let (ours_rate, raw_rate) = (total as f64 / o.as_secs_f64(), total as f64 / r.as_secs_f64());
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("create_parties: {}k persons, 2 contact points, batches of {BATCH}", total / 1000),
        &format!("{ours_rate:.0} parties/s ({})", common::fmt_dur(o)),
        &format!("{raw_rate:.0} parties/s ({})", common::fmt_dur(r)),
        ratio,
        "≤ 2× raw (aim > 250k/s)",
        ratio <= 2.0,
    );
    println!("create_parties: aim of 250000 parties/s {}", if ours_rate > 250_000.0 { "met" } else { "not met" });
    attribution(total.min(20_000));
}

/// Where the library's time per party goes, outside SQL: validation of the
/// email and the phone, and serializing the record for audit and outbox.
fn attribution(n: usize) {
    use crm_core::party::contact::{normalize_email, normalize_phone};
    let people: Vec<_> = (0..n).map(simple_person).collect();
    let start = Instant::now();
    for p in &people {
        black_box(normalize_email(&p.2).unwrap());
    }
    let email = start.elapsed() / n as u32;
    let start = Instant::now();
    for p in &people {
        black_box(normalize_phone(&p.3, None).unwrap());
    }
    let phone = start.elapsed() / n as u32;
    let crm = Crm::open_in_memory().unwrap();
    let parties = crm.create_parties(batch(0, n.min(1000))).unwrap();
    let start = Instant::now();
    for p in &parties {
        black_box(serde_json::to_string(p).unwrap());
    }
    let json = start.elapsed() / parties.len() as u32;
    println!(
        "create_parties: per party, outside SQL: normalize_email {}, normalize_phone {}, Party to JSON {} (serialized once, stored once: in the audit row)",
        common::fmt_dur(email),
        common::fmt_dur(phone),
        common::fmt_dur(json)
    );
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
