//! A ranked prefix search among the 1M parties of the read base
//! (`Crm::search_parties` with a 3–4 letter prefix of a family name, the
//! first 20 hits with their parties), beside raw rusqlite running the same
//! FTS5 MATCH, ranking and party reads on a reader configured like the
//! library's. Also printed: the bare MATCH (first 20 rowids, unranked), the
//! floor of any prefix lookup. Target: median under 100 µs.
//!
//! The read base is built without full-text documents; they are added once
//! by the statements of the library's own schema-4 migration
//! (`common/activity.rs` `ensure_search_index`), and the hits are checked
//! against a scratch base whose parties were created through the API.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Recorder, activity, base, raw};
use criterion::Criterion;
use crm_core::search::fts_query;
use crm_core::{Crm, SearchQuery};

const PREFIXES: &[&str] = &[
    "Kaln", "Ozo", "Jans", "Liep", "Krūm", "Vīt", "Zar", "Pēt", "Kazl", "Tam", "Saar", "Korh", "Virt", "Ande", "Müll",
    "Schm",
];

/// The index the migration statements build finds what the library's own
/// indexing finds.
fn check_index() {
    let dir = common::temp_dir();
    let path = dir.path().join("check.sqlite");
    let crm = Crm::open(&path).unwrap();
    base::define_fields(&crm);
    let made = crm.create_parties((0..300).map(|n| base::spec(n).new_party()).collect()).unwrap();
    let before: Vec<_> = PREFIXES.iter().map(|p| crm.search_parties(&SearchQuery::new(*p)).unwrap()).collect();
    drop(crm);
    activity::ensure_search_index(&path, made.len() + 1);
    activity::ensure_search_index(&path, made.len());
    let crm = Crm::open(&path).unwrap();
    for (p, b) in PREFIXES.iter().zip(before) {
        let a = crm.search_parties(&SearchQuery::new(*p)).unwrap();
        assert_eq!(
            a.iter().map(|h| h.party.id).collect::<Vec<_>>(),
            b.iter().map(|h| h.party.id).collect::<Vec<_>>(),
            "hits for {p}"
        );
    }
}

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("search_parties") {
        return;
    }
    let base = base::base();
    check_index();
    activity::ensure_search_index(&base.path, base.parties);
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader_qpsg(&base.path);
    let queries: Vec<SearchQuery> = PREFIXES.iter().map(|p| SearchQuery::new(*p)).collect();
    let fts: Vec<String> = PREFIXES.iter().map(|p| fts_query(p).unwrap()).collect();
    for (q, f) in queries.iter().zip(&fts) {
        let ours = crm.search_parties(q).unwrap();
        let theirs = common::raw_read(&conn, |c| raw::search(c, f, 20));
        assert_eq!(ours.len(), 20, "hits for {}", q.text);
        assert_eq!(
            ours.iter().map(|h| h.party.id).collect::<Vec<_>>(),
            theirs.iter().map(|h| h.0.id.unwrap()).collect::<Vec<_>>()
        );
    }
    let matching: i64 =
        conn.query_row("SELECT count(*) FROM party_fts WHERE party_fts MATCH ?1", [&fts[0]], |r| r.get(0)).unwrap();
    println!("search_parties: {:?} matches {matching} of {} parties", PREFIXES[0], base.parties);
    let ours = |i: usize| {
        black_box(crm.search_parties(&queries[i % queries.len()]).unwrap());
    };
    let theirs = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::search(c, &fts[i % fts.len()], 20)));
    };
    let bare = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::fts_only(c, &fts[i % fts.len()], 20)));
    };
    let (o_rec, r_rec) = (Recorder::new(), Recorder::new());
    let mut group = c.benchmark_group(format!("search_parties ({}k parties)", base.parties / 1000));
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    let mut n = 0;
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            o_rec.iter(iters, || {
                ours(n);
                n += 1
            })
        })
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            r_rec.iter(iters, || {
                theirs(n);
                n += 1
            })
        })
    });
    group.finish();
    if common::filtered_out("search_parties") {
        return;
    }
    let (o, r) = (o_rec.median(10), r_rec.median(10));
    println!(
        "search_parties (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );
    let rounds = if common::test_mode() { 2 } else { 16 };
    let (o, r) = common::interleaved(rounds, 16, ours, theirs);
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("search_parties: 3–4 letter prefix, first 20, {}k parties", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        ratio,
        "< 100 µs",
        o < Duration::from_micros(100),
    );
    let (b, _) = common::interleaved(rounds, 16, bare, |_| ());
    println!("search_parties: the bare MATCH (first 20 rowids, unranked) takes {}", common::fmt_dur(b));
    // Where the time goes: ranking every match inside FTS5 alone; ranking
    // there first and joining only the best; reading 20 parties.
    let ranked_only = |i: usize| {
        black_box(common::raw_read(&conn, |c| {
            c.prepare_cached(
                "SELECT rowid FROM party_fts WHERE party_fts MATCH ?1 ORDER BY bm25(party_fts, 10.0, 4.0, 3.0, 1.0) LIMIT 20",
            )
            .unwrap()
            .query_map([&fts[i % fts.len()]], |r| r.get::<_, i64>(0))
            .unwrap()
            .count()
        }));
    };
    let rank_then_join = |i: usize| {
        black_box(common::raw_read(&conn, |c| {
            c.prepare_cached(
                "SELECT p.id, f.rank FROM
                   (SELECT rowid, bm25(party_fts, 10.0, 4.0, 3.0, 1.0) AS rank FROM party_fts
                    WHERE party_fts MATCH ?1 ORDER BY rank LIMIT 40) f
                 JOIN search_doc d ON d.docid = f.rowid JOIN party p ON p.id = d.party_id
                 WHERE p.archived_at IS NULL ORDER BY f.rank, p.id LIMIT 20",
            )
            .unwrap()
            .query_map([&fts[i % fts.len()]], |r| r.get::<_, crm_core::Uuid>(0))
            .unwrap()
            .count()
        }));
    };
    let ids: Vec<crm_core::Uuid> = crm.search_parties(&queries[0]).unwrap().iter().map(|h| h.party.id).collect();
    let hydrate = |_: usize| {
        black_box(common::raw_read(&conn, |c| ids.iter().filter_map(|id| raw::get_party(c, *id)).count()));
    };
    let (a, b) = common::interleaved(rounds.min(6), 4, ranked_only, rank_then_join);
    let (h, _) = common::interleaved(rounds, 16, hydrate, |_| ());
    println!(
        "search_parties: ranked inside FTS5 alone {}, ranked there then joined {}, reading the 20 parties {}",
        common::fmt_dur(a),
        common::fmt_dur(b),
        common::fmt_dur(h)
    );
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
