//! Raw-rusqlite writes of persons with an email and a phone: the rows
//! `create_parties` and a CSV import write (party, two contact points, an
//! audit row with the record and an outbox event referring to it, the
//! full-text documents at the end of the batch), used as the baseline of the
//! creation and CSV import benchmarks.

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

/// [`raw_create_with`] and the full-text documents: the baseline of
/// `create_parties`.
pub fn raw_create(conn: &mut Connection, batch: &[RawPerson]) {
    raw_create_with(conn, batch, true);
}

/// One batch through raw rusqlite: what `create_parties` and a CSV import
/// write for new persons (`party/sql.rs` `insert_party`, `insert_contact`;
/// `events/sql.rs`; `search/sql.rs` `index_new_party`), done the plain way
/// (one transaction, cached statements, no savepoints): the custom field
/// definitions read once, then per person the party, its two contact
/// points, its audit row with the full record and its outbox event
/// referring to that row; at the end, with `fts`, each party's full-text
/// document, inserted without a delete first.
pub fn raw_create_with(conn: &mut Connection, batch: &[RawPerson], fts: bool) {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
    raw_write(&tx, batch, fts, true);
    tx.commit().unwrap();
}

/// The writes of [`raw_create_with`] in a transaction under way; without
/// `history`, no audit rows and no outbox events.
pub fn raw_write(tx: &Connection, batch: &[RawPerson], fts: bool, history: bool) {
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
            .prepare_cached(
                "INSERT INTO outbox (at, topic, entity, entity_id, payload, audit_seq) VALUES (?1, ?2, ?3, ?4, '', ?5)",
            )
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
            if history {
                let json = record_json(id, &display, p, email_id, phone_id, &stamp);
                let seq = audit.insert(params![us, "system", "party", id, "created", json]).unwrap();
                outbox.execute(params![us, "party.created", "party", id, seq]).unwrap();
            }
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
