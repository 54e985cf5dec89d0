//! Creating persons with two contact points each (an email and a phone such
//! as "+371 2xxxxxxx") through `Crm::create_parties` in batches of 1000,
//! beside raw rusqlite writing the same rows: per batch one `BEGIN
//! IMMEDIATE`, the read of the custom field definitions, and per party the
//! party row, two contact point rows, an audit row and an outbox event with
//! the party as JSON; from schema 4 on also the party's full-text document
//! (`search_doc`, `party_fts`) as `search/sql.rs` writes it.
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

use chrono::{SecondsFormat, Utc};
use common::Recorder;
use common::base::simple_person;
use criterion::{Criterion, Throughput};
use crm_core::{Crm, NewParty};
use rusqlite::{Connection, TransactionBehavior, params};
use uuid::Uuid;

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

/// The input of one batch for raw SQL: the same persons, normalized.
struct RawPerson {
    given: String,
    family: String,
    email: String,
    phone: String,
    e164: String,
}

fn raw_batch(start: usize, n: usize) -> Vec<RawPerson> {
    (start..start + n)
        .map(|i| {
            let (given, family, email, phone, e164) = simple_person(i);
            RawPerson { given, family, email, phone, e164 }
        })
        .collect()
}

/// One batch through raw rusqlite: the statements `create_parties` runs
/// (see `party/sql.rs` `insert_party`, `insert_contact`; `events/sql.rs`).
fn raw_create(conn: &mut Connection, batch: &[RawPerson]) {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
    {
        // create_parties reads the custom field definitions once per call.
        let mut defs = tx
            .prepare_cached(
                "SELECT id, entity, name, label, field_type, required, is_unique, choices, created_at, updated_at, version \
                 FROM custom_field ORDER BY entity, name",
            )
            .unwrap();
        let n = defs.query_map([], |r| r.get::<_, Uuid>(0)).unwrap().count();
        black_box(n);
        // From schema 4 on, every party write also keeps its full-text
        // document in step (`search/sql.rs` `reindex_party`).
        let has_search: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'party_fts')")
            .unwrap()
            .query_row([], |r| r.get(0))
            .unwrap();
        let now = Utc::now();
        let us = now.timestamp_micros();
        let stamp = now.to_rfc3339_opts(SecondsFormat::Micros, true);
        let mut party = tx
            .prepare_cached(
                "INSERT INTO party (id, kind, display_name, sort_key, given_name, family_name, birth_date, language,
                     legal_name, registration_number, vat_number, industry, size, parent_id, commercial_id, country,
                     roles, archived_at, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, NULL, ?18, ?18, 1)",
            )
            .unwrap();
        let mut contact = tx
            .prepare_cached(
                "INSERT INTO contact_point (id, party_id, kind, value, raw, data, label, is_primary, verified, created_at, \
                 updated_at, version, country) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11)",
            )
            .unwrap();
        let mut audit = tx
            .prepare_cached(
                "INSERT INTO audit (at, actor, entity, entity_id, action, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        let mut outbox = tx
            .prepare_cached("INSERT INTO outbox (at, topic, entity, entity_id, payload) VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        let none = None::<String>;
        for p in batch {
            let id = Uuid::now_v7();
            let display = format!("{} {}", p.given, p.family);
            party
                .execute(params![
                    id,
                    "person",
                    display,
                    display.to_lowercase(),
                    p.given,
                    p.family,
                    none,
                    none,
                    none,
                    none,
                    none,
                    none,
                    none,
                    None::<Uuid>,
                    id,
                    none,
                    0i64,
                    us
                ])
                .unwrap();
            let (email_id, phone_id) = (Uuid::now_v7(), Uuid::now_v7());
            contact.execute(params![email_id, id, "email", p.email, none, none, none, true, false, us, none]).unwrap();
            contact
                .execute(params![phone_id, id, "phone", p.e164, p.phone, "LV", none, true, false, us, none])
                .unwrap();
            if has_search {
                reindex(&tx, id);
            }
            // The record as JSON, the shape and size of the library's
            // serialized `Party` (names here need no escaping).
            let json = format!(
                concat!(
                    r#"{{"id":"{id}","kind":"person","display_name":"{display}","given_name":"{given}","#,
                    r#""family_name":"{family}","birth_date":null,"language":null,"legal_name":null,"#,
                    r#""registration_number":null,"vat_number":null,"industry":null,"size":null,"parent_id":null,"#,
                    r#""commercial_id":"{id}","country":null,"roles":[],"contact_points":["#,
                    r#"{{"id":"{email_id}","party_id":"{id}","kind":"email","address":"{email}","raw":null,"#,
                    r#""label":null,"primary":true,"verified":false,"created_at":"{t}","updated_at":"{t}","version":1}},"#,
                    r#"{{"id":"{phone_id}","party_id":"{id}","kind":"phone","number":"{e164}","region":"LV","#,
                    r#""raw":"{phone}","label":null,"primary":true,"verified":false,"created_at":"{t}","#,
                    r#""updated_at":"{t}","version":1}}],"tags":[],"custom":{{}},"archived_at":null,"#,
                    r#""created_at":"{t}","updated_at":"{t}","version":1}}"#
                ),
                id = id,
                display = display,
                given = p.given,
                family = p.family,
                email_id = email_id,
                email = p.email,
                phone_id = phone_id,
                e164 = p.e164,
                phone = p.phone,
                t = stamp,
            );
            audit.execute(params![us, "system", "party", id, "created", json]).unwrap();
            outbox.execute(params![us, "party.created", "party", id, json]).unwrap();
        }
    }
    tx.commit().unwrap();
}

/// The statements of `search::sql::reindex_party`.
fn reindex(conn: &Connection, party_id: Uuid) {
    conn.prepare_cached("INSERT OR IGNORE INTO search_doc (party_id) VALUES (?1)")
        .unwrap()
        .execute([party_id])
        .unwrap();
    conn.prepare_cached("DELETE FROM party_fts WHERE rowid = (SELECT docid FROM search_doc WHERE party_id = ?1)")
        .unwrap()
        .execute([party_id])
        .unwrap();
    conn.prepare_cached(
        "INSERT INTO party_fts (rowid, name, contacts, tags, notes)
         SELECT d.docid,
                concat_ws(' ', p.display_name, p.given_name, p.family_name, p.legal_name, p.registration_number, p.vat_number),
                (SELECT group_concat(c.value || coalesce(' ' || c.raw, ''), ' ') FROM contact_point c WHERE c.party_id = p.id),
                (SELECT group_concat(t.tag, ' ') FROM tag t WHERE t.party_id = p.id),
                (SELECT group_concat(n.body, ' ') FROM note n WHERE n.party_id = p.id)
         FROM party p JOIN search_doc d ON d.party_id = p.id WHERE p.id = ?1",
    )
    .unwrap()
    .execute([party_id])
    .unwrap();
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
        "create_parties: per party, outside SQL: normalize_email {}, normalize_phone {}, Party to JSON {} (once; the library writes it to audit and outbox)",
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
