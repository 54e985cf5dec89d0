//! A duplicate scan of 100k parties (`Crm::find_duplicates` with the
//! default rules) in a base where one party in 50 was written twice with
//! small differences. There is no raw-SQL counterpart to a fuzzy scan; the
//! floor printed beside it is reading the same rows (`dedup/sql.rs`
//! `match_records`' two queries) with raw rusqlite. Target: under 10 s.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::activity;
use criterion::Criterion;
use crm_core::{Crm, MatchConfig, Uuid};

fn read_rows(conn: &rusqlite::Connection) -> usize {
    let mut n = 0;
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, kind, given_name, family_name, display_name, vat_number, birth_date FROM party
             WHERE archived_at IS NULL AND merged_into IS NULL ORDER BY id",
        )
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        black_box((
            r.get::<_, Uuid>(0).unwrap(),
            r.get::<_, String>(1).unwrap(),
            r.get::<_, Option<String>>(4).unwrap(),
        ));
        n += 1;
    }
    let mut stmt = conn
        .prepare_cached("SELECT party_id, kind, value FROM contact_point WHERE kind IN ('email', 'phone', 'address')")
        .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        black_box((r.get::<_, Uuid>(0).unwrap(), r.get::<_, String>(2).unwrap()));
    }
    n
}

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("find_duplicates") {
        return;
    }
    let base = activity::dedup_base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader_qpsg(&base.path);
    let config = MatchConfig::default();
    let start = Instant::now();
    let found = crm.find_duplicates(None, &config).unwrap();
    let first = start.elapsed();
    println!(
        "find_duplicates: {} pairs among {} parties ({} planted) in {}",
        found.len(),
        base.parties,
        base.planted,
        common::fmt_dur(first)
    );
    // Criterion's ten samples at least are too many for a run of seconds.
    let slow = first > Duration::from_secs(2);
    if slow {
        println!("find_duplicates: over 2 s a run; timed loops only, no criterion samples");
    } else {
        let mut group = c.benchmark_group(format!("find_duplicates ({}k parties)", base.parties / 1000));
        group.sample_size(10).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
        group.bench_function("ours", |b| b.iter(|| black_box(crm.find_duplicates(None, &config).unwrap())));
        group.bench_function("raw rows", |b| b.iter(|| black_box(common::raw_read(&conn, read_rows))));
        group.finish();
    }
    let rounds = if common::test_mode() || slow { 1 } else { 3 };
    let (o, r) = common::interleaved(
        rounds,
        1,
        |_| {
            black_box(crm.find_duplicates(None, &config).unwrap());
        },
        |_| {
            black_box(common::raw_read(&conn, read_rows));
        },
    );
    common::report(
        &format!("find_duplicates: {}k parties (raw: reading their rows)", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64(),
        "< 10 s",
        o < Duration::from_secs(10),
    );
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
