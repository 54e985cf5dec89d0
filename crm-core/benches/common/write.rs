//! Raw-rusqlite writes of persons with an email and a phone: the rows
//! `create_parties` writes (party, two contact points, the full-text
//! document, an audit row and an outbox event), used as the baseline of
//! the creation and CSV import benchmarks.

use std::hint::black_box;

use chrono::{SecondsFormat, Utc};
use rusqlite::{Connection, TransactionBehavior, params};
use uuid::Uuid;

/// The input of one batch for raw SQL: the same persons, normalized.
pub struct RawPerson {
    pub given: String,
    pub family: String,
    pub email: String,
    pub phone: String,
    pub e164: String,
}

/// One batch through raw rusqlite: the statements `create_parties` runs
/// (see `party/sql.rs` `insert_party`, `insert_contact`; `events/sql.rs`).
pub fn raw_create(conn: &mut Connection, batch: &[RawPerson]) {
    raw_create_with(conn, batch, Fts::PerRow);
}

/// How the raw writes keep the full-text index: as the library does, or
/// variants that show what the index costs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fts {
    /// `reindex_party` per party: delete the old document, insert the new.
    PerRow,
    /// Insert the document of a new party without first deleting one.
    InsertOnly,
    /// No full-text document at all.
    Skip,
}

/// [`raw_create`] with a choice of full-text indexing.
pub fn raw_create_with(conn: &mut Connection, batch: &[RawPerson], fts: Fts) {
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
            if has_search && fts == Fts::PerRow {
                reindex(&tx, id);
            } else if has_search && fts == Fts::InsertOnly {
                index_new(&tx, id);
            }
            let json = record_json(id, &display, p, email_id, phone_id, &stamp);
            audit.execute(params![us, "system", "party", id, "created", json]).unwrap();
            outbox.execute(params![us, "party.created", "party", id, json]).unwrap();
        }
    }
    tx.commit().unwrap();
}

/// The record as JSON, the shape and size of the library's serialized
/// `Party` (names here need no escaping).
fn record_json(id: Uuid, display: &str, p: &RawPerson, email_id: Uuid, phone_id: Uuid, stamp: &str) -> String {
    format!(
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
    )
}

/// `reindex_party` without its delete, for a party that had no document.
pub fn index_new(conn: &Connection, party_id: Uuid) {
    conn.prepare_cached("INSERT INTO search_doc (party_id) VALUES (?1)").unwrap().execute([party_id]).unwrap();
    conn.prepare_cached(&format!("INSERT INTO party_fts (rowid, name, contacts, tags, notes) {FTS_DOC}"))
        .unwrap()
        .execute([party_id])
        .unwrap();
}

const FTS_DOC: &str = "SELECT d.docid,
                concat_ws(' ', p.display_name, p.given_name, p.family_name, p.legal_name, p.registration_number, p.vat_number),
                (SELECT group_concat(c.value || coalesce(' ' || c.raw, ''), ' ') FROM contact_point c WHERE c.party_id = p.id),
                (SELECT group_concat(t.tag, ' ') FROM tag t WHERE t.party_id = p.id),
                (SELECT group_concat(n.body, ' ') FROM note n WHERE n.party_id = p.id)
         FROM party p JOIN search_doc d ON d.party_id = p.id WHERE p.id = ?1";

/// The statements of `search::sql::reindex_party`.
pub fn reindex(conn: &Connection, party_id: Uuid) {
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

/// One batch of a CSV import through raw rusqlite: the writes of
/// `io/csv_import.rs` for new parties, done the plain way (one transaction,
/// cached statements, no savepoints): the custom field definitions read
/// once, then per person the party, its two contact points, its audit row
/// and outbox event with the full record; at the end, with `fts`, each
/// party's full-text document, inserted without a delete first.
pub fn raw_import_batch(conn: &mut Connection, batch: &[RawPerson], fts: bool) {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
    {
        let mut defs = tx
            .prepare_cached(
                "SELECT id, entity, name, label, field_type, required, is_unique, choices, created_at, updated_at, version \
                 FROM custom_field ORDER BY entity, name",
            )
            .unwrap();
        black_box(defs.query_map([], |r| r.get::<_, Uuid>(0)).unwrap().count());
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
        let mut ids = Vec::with_capacity(batch.len());
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
            let json = record_json(id, &display, p, email_id, phone_id, &stamp);
            audit.execute(params![us, "system", "party", id, "created", json]).unwrap();
            outbox.execute(params![us, "party.created", "party", id, json]).unwrap();
            ids.push((id, display));
        }
        if fts {
            let mut doc = tx.prepare_cached("INSERT INTO search_doc (party_id) VALUES (?1)").unwrap();
            let mut index = tx
                .prepare_cached(
                    "INSERT INTO party_fts (rowid, name, contacts, tags, notes) VALUES (?1, ?2, ?3, NULL, NULL)",
                )
                .unwrap();
            for ((id, display), p) in ids.iter().zip(batch) {
                doc.execute([id]).unwrap();
                let name = format!("{display} {} {}", p.given, p.family);
                let contacts = format!("{} {} {}", p.email, p.e164, p.phone);
                index.execute(params![tx.last_insert_rowid(), name, contacts]).unwrap();
            }
        }
    }
    tx.commit().unwrap();
}
