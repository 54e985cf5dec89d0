//! Times `Crm::search_interactions` on a synthetic base beside the
//! statement the search ran before its tiers (BM25 over every match, the
//! party filter an `EXISTS` per match), in the same run.
//!
//! `cargo run --release -p crm-core --example interaction_search -- 300000`
//!
//! The base (N interactions among 1000 persons, subjects from a handful of
//! phrases and a number, recorded through the API in batches of 1000) is
//! built in a temporary directory and removed at the end.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crm_core::search::fts_query;
use crm_core::{Channel, Crm, NewInteraction, NewParty, ParticipantRole, Uuid};
use rusqlite::{Connection, OpenFlags, params};

const SUBJECTS: &[&str] = &[
    "Call about the invoice",
    "Follow-up call",
    "Delivery question",
    "Renewal offer sent",
    "Complaint about delivery",
    "Demo of the product",
    "Payment reminder",
    "Quarterly review call",
];

/// The statement the search used before: every match ranked by BM25.
const EARLIER: &str = "SELECT d.interaction_id FROM interaction_fts f JOIN interaction_doc d ON d.docid = f.rowid
     WHERE interaction_fts MATCH ?1
       AND (?2 IS NULL OR EXISTS (SELECT 1 FROM interaction_party ip
                                  WHERE ip.interaction_id = d.interaction_id AND ip.party_id = ?2))
     ORDER BY bm25(interaction_fts, 3.0, 1.0) LIMIT ?3";

/// The median time of `f` over `rounds` calls.
fn median(rounds: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(300_000);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("interactions.sqlite");
    let crm = Crm::open(&path).expect("a new base");
    let t = Instant::now();
    let persons: Vec<Uuid> = crm
        .create_parties((0..1000).map(|i| NewParty::person(format!("Given{i}"), format!("Family{i}"))).collect())
        .expect("persons")
        .iter()
        .map(|p| p.id)
        .collect();
    for start in (0..n).step_by(1000) {
        let batch = (start..(start + 1000).min(n))
            .map(|k| {
                let subject = format!("{} {k}", SUBJECTS[k % SUBJECTS.len()]);
                // Persons and phrases cycle at different rates, so each
                // person has interactions of several phrases.
                NewInteraction::new(Channel::PhoneCall, subject, persons[(k / 3) % 1000], ParticipantRole::From)
            })
            .collect();
        crm.record_interactions(batch).expect("interactions");
    }
    println!("{n} interactions recorded in {:.1} s", t.elapsed().as_secs_f64());

    let raw = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("a raw reader");
    raw.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).expect("QPSG");
    let party = persons[7];
    for text in ["call", "cal", "delivery question", "invoice 12345", "renewal"] {
        for filter in [None, Some(party)] {
            let ours = median(9, || {
                black_box(crm.search_interactions(text, filter, 20).expect("a search"));
            });
            let fts = fts_query(text).expect("words");
            let earlier = median(5, || {
                let mut stmt = raw.prepare_cached(EARLIER).expect("the earlier statement");
                let ids: Vec<Uuid> = stmt
                    .query_map(params![fts, filter, 20], |r| r.get(0))
                    .expect("rows")
                    .collect::<Result<_, _>>()
                    .expect("ids");
                black_box(ids);
            });
            println!(
                "{text:?}{}: ours {:.1} µs (20 interactions read), earlier statement alone {:.1} µs ({:.3}×)",
                if filter.is_some() { " of one person" } else { "" },
                ours.as_secs_f64() * 1e6,
                earlier.as_secs_f64() * 1e6,
                ours.as_secs_f64() / earlier.as_secs_f64()
            );
        }
    }
}
