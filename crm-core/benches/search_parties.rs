//! A ranked prefix search among the 1M parties of the read base
//! (`Crm::search_parties` with a 3–4 letter prefix of a family name, the
//! first 20 hits with their parties, and `Crm::suggest_parties`, the same
//! hits light: id, kind, display name), beside raw rusqlite running the
//! same four tier queries (each joined with the parties in one statement,
//! which reads each hit's party row) and the same statement per party for
//! its roles, contact points, tags and custom values, on a reader
//! configured like the library's. Also
//! printed: the bare MATCH (first 20 rowids, unranked), the floor of any
//! prefix lookup; the BM25 ranking the library used before the tiers; and
//! narrow searches (longer words, several words, few matches) beside that
//! earlier ranking. Target: median under 100 µs.
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

/// Searches with longer words or several words: a whole family name, a
/// family name but its last letter, a number in the email addresses, a VAT
/// number, an organization's email, a name and a number.
const NARROW: &[&str] =
    &["Kalniņa", "Kalniņ", "12345", "LV4000012345", "info 54321", "Tamm 1000", "Sofia Müller 2000", "Jānis Ozols 4321"];

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
    let narrow: Vec<SearchQuery> = NARROW.iter().map(|p| SearchQuery::new(*p)).collect();
    let narrow_fts: Vec<String> = NARROW.iter().map(|p| fts_query(p).unwrap()).collect();
    for (q, f) in queries.iter().zip(&fts).chain(narrow.iter().zip(&narrow_fts)) {
        let ours = crm.search_parties(q).unwrap();
        let theirs = common::raw_read(&conn, |c| raw::search(c, f, 20));
        assert_eq!(
            ours.iter().map(|h| (h.party.id, h.score)).collect::<Vec<_>>(),
            theirs.iter().map(|h| (h.0.id.unwrap(), h.1)).collect::<Vec<_>>(),
            "hits for {}",
            q.text
        );
        let light = crm.suggest_parties(q).unwrap();
        let theirs = common::raw_read(&conn, |c| raw::search_light(c, f, 20));
        assert_eq!(
            light
                .iter()
                .map(|h| (h.id, h.kind.as_str().to_string(), h.display_name.clone(), h.score))
                .collect::<Vec<_>>(),
            theirs,
            "suggestions for {}",
            q.text
        );
    }
    for q in &queries {
        assert_eq!(crm.suggest_parties(q).unwrap().len(), 20, "hits for {}", q.text);
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
    let ours_light = |i: usize| {
        black_box(crm.suggest_parties(&queries[i % queries.len()]).unwrap());
    };
    let theirs_light = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::search_light(c, &fts[i % fts.len()], 20)));
    };
    let bare = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::fts_only(c, &fts[i % fts.len()], 20)));
    };
    let recs = [Recorder::new(), Recorder::new(), Recorder::new(), Recorder::new()];
    let mut group = c.benchmark_group(format!("search_parties ({}k parties)", base.parties / 1000));
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    let mut n = 0;
    let mut sides: [(&str, &dyn Fn(usize)); 4] =
        [("ours", &ours), ("raw", &theirs), ("ours light", &ours_light), ("raw light", &theirs_light)];
    for ((name, f), rec) in sides.iter_mut().zip(&recs) {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                rec.iter(iters, || {
                    f(n);
                    n += 1
                })
            })
        });
    }
    group.finish();
    if common::filtered_out("search_parties") {
        return;
    }
    let med: Vec<Duration> = recs.iter().map(|r| r.median(10)).collect();
    println!(
        "search_parties (criterion medians): ours {}, raw {}, ratio: {:.2}×; light: ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(med[0]),
        common::fmt_dur(med[1]),
        med[0].as_secs_f64() / med[1].as_secs_f64(),
        common::fmt_dur(med[2]),
        common::fmt_dur(med[3]),
        med[2].as_secs_f64() / med[3].as_secs_f64()
    );
    let rounds = if common::test_mode() { 2 } else { 16 };
    let (o, r) = common::interleaved(rounds, 16, ours_light, theirs_light);
    common::report(
        &format!("suggest_parties: 3–4 letter prefix, first 20 light hits, {}k parties", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64(),
        "< 100 µs",
        o < Duration::from_micros(100),
    );
    let (o, r) = common::interleaved(rounds, 16, ours, theirs);
    common::report(
        &format!("search_parties: 3–4 letter prefix, first 20 with their parties, {}k parties", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64(),
        "< 100 µs",
        o < Duration::from_micros(100),
    );
    let (b, _) = common::interleaved(rounds, 16, bare, |_| ());
    println!("search_parties: the bare MATCH (first 20 rowids, unranked) takes {}", common::fmt_dur(b));
    // Where the time goes: the tier queries alone; reading 20 parties.
    let tiers_only = |i: usize| {
        black_box(common::raw_read(&conn, |c| {
            let mut stmt = c.prepare_cached("SELECT rowid FROM party_fts WHERE party_fts MATCH ?1 LIMIT 21").unwrap();
            raw::tier_queries(&fts[i % fts.len()])
                .iter()
                .map(|q| stmt.query_map([q], |r| r.get::<_, i64>(0)).unwrap().count())
                .take_while(|n| *n < 21)
                .count()
        }));
    };
    let ids: Vec<crm_core::Uuid> = crm.search_parties(&queries[0]).unwrap().iter().map(|h| h.party.id).collect();
    let hydrate = |_: usize| {
        black_box(common::raw_read(&conn, |c| ids.iter().filter_map(|id| raw::get_party(c, *id)).count()));
    };
    let (t, h) = common::interleaved(rounds, 16, tiers_only, hydrate);
    println!(
        "search_parties: the tier queries alone (first 21 rowids each, until one has them) {}, reading the 20 parties {}",
        common::fmt_dur(t),
        common::fmt_dur(h)
    );
    // The ranking before the tiers, for scale (each call reads every match).
    let bm25_in_index = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::search_bm25_in_index(c, &fts[i % fts.len()], 20)));
    };
    let bm25_joined = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::search_bm25(c, &fts[i % fts.len()], 20)));
    };
    let (a, b) = common::interleaved(rounds.min(4), 2, bm25_in_index, bm25_joined);
    println!(
        "search_parties: BM25 over every match (the ranking before the tiers), ranked inside FTS5 then joined {}, joined first {}",
        common::fmt_dur(a),
        common::fmt_dur(b)
    );
    // Narrow searches: ours (light and full) beside the earlier ranking's
    // statements (BM25 inside FTS5, then joined, widening; without reading
    // parties).
    for (q, f) in narrow.iter().zip(&narrow_fts) {
        let matches: i64 =
            conn.query_row("SELECT count(*) FROM party_fts WHERE party_fts MATCH ?1", [f], |r| r.get(0)).unwrap();
        let light = |_: usize| {
            black_box(crm.suggest_parties(q).unwrap());
        };
        let earlier = |_: usize| {
            black_box(common::raw_read(&conn, |c| raw::search_bm25_in_index(c, f, 20)));
        };
        let full = |_: usize| {
            black_box(crm.search_parties(q).unwrap());
        };
        let (l, e) = common::interleaved(rounds.min(8), 4, light, earlier);
        let (h, _) = common::interleaved(rounds.min(8), 4, full, |_| ());
        println!(
            "search_parties: narrow {:?} ({matches} matches): ours light {}, ours with parties {}, earlier BM25 statements {} ({:.2}× light / earlier)",
            q.text,
            common::fmt_dur(l),
            common::fmt_dur(h),
            common::fmt_dur(e),
            l.as_secs_f64() / e.as_secs_f64()
        );
    }
    // The duplicate check of a new person (`possible_duplicates`: contact
    // keys, then names through the index, each candidate read and scored)
    // beside the statement that found name candidates before: BM25 over
    // every document holding any of the name words as a prefix.
    let config = crm_core::MatchConfig::default();
    for (given, family) in [("Jānis", "Ozols"), ("Anna", "Kalniņa"), ("Sofia", "Müller")] {
        let new = crm_core::NewParty::person(given, family).with_email("someone.new@example.org");
        let words = [fts_query(given).unwrap(), fts_query(family).unwrap()].join(" OR ");
        let ours = |_: usize| {
            black_box(crm.possible_duplicates(&new, &config).unwrap());
        };
        let earlier = |_: usize| {
            black_box(common::raw_read(&conn, |c| {
                c.prepare_cached(
                    "SELECT d.party_id FROM party_fts f JOIN search_doc d ON d.docid = f.rowid
                     WHERE party_fts MATCH ?1 ORDER BY bm25(party_fts, 10.0, 4.0, 3.0, 1.0) LIMIT 50",
                )
                .unwrap()
                .query_map([&words], |r| r.get::<_, Vec<u8>>(0))
                .unwrap()
                .count()
            }));
        };
        let (o, e) = common::interleaved(rounds.min(8), 4, ours, earlier);
        println!(
            "possible_duplicates: {given} {family}, among {}k parties: ours {} (candidates read and scored), \
             the earlier BM25 candidate statement alone {} ({:.2}×)",
            base.parties / 1000,
            common::fmt_dur(o),
            common::fmt_dur(e),
            o.as_secs_f64() / e.as_secs_f64()
        );
    }
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
