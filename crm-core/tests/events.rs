//! How events are stored: a creation's or a deletion's event refers to its
//! audit row instead of holding a copy of the record, and reads back the
//! same as an event that holds its payload.

mod common;

use common::temp_base;
use crm_core::{AuditAction, ContactValue, Crm, Event, NewContactPoint, NewParty, PartyPatch};
use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

/// One outbox row as stored: payload, audit_seq.
fn stored(conn: &Connection, seq: i64) -> (String, Option<i64>) {
    conn.query_row("SELECT payload, audit_seq FROM outbox WHERE seq = ?1", [seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

/// The changes of the audit row of this sequence number, as JSON.
fn audit_changes(conn: &Connection, seq: i64) -> Option<Value> {
    conn.query_row("SELECT changes FROM audit WHERE seq = ?1", [seq], |r| r.get::<_, String>(0))
        .optional()
        .unwrap()
        .map(|t| serde_json::from_str(&t).unwrap())
}

/// A party created, updated, given a contact point, then deleted.
fn writes(crm: &Crm) -> Vec<Value> {
    let p = crm.create_party(NewParty::person("Anna", "Liepa").with_email("anna@liepa.lv")).unwrap();
    let created = serde_json::to_value(&p).unwrap();
    let patch = PartyPatch { family_name: Some(Some("Ozola".into())), ..Default::default() };
    let p = crm.update_party(p.id, p.version, &patch).unwrap();
    let updated = serde_json::to_value(&p).unwrap();
    let cp = crm.add_contact_point(p.id, NewContactPoint::new(ContactValue::email("anna@ozola.lv"))).unwrap();
    let contact = serde_json::to_value(&cp).unwrap();
    let p = crm.get_party(p.id).unwrap();
    let before_delete = serde_json::to_value(&p).unwrap();
    crm.delete_party(p.id, p.version).unwrap();
    vec![created, updated, contact, before_delete]
}

#[test]
fn events_read_back_the_records_they_were_written_with() {
    let b = temp_base();
    let records = writes(&b.crm);
    let events = b.crm.events_after(0, 100).unwrap();
    let topics: Vec<_> = events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(topics, ["party.created", "party.updated", "contact_point.created", "party.deleted"]);
    let payloads: Vec<&Value> = events.iter().map(|e| &e.payload).collect();
    assert_eq!(payloads, records.iter().collect::<Vec<_>>());
}

#[test]
fn a_creation_or_deletion_event_refers_to_its_audit_row() {
    let b = temp_base();
    let records = writes(&b.crm);
    let events = b.crm.events_after(0, 100).unwrap();
    let conn = Connection::open(&b.path).unwrap();
    for e in &events {
        let (payload, audit_seq) = stored(&conn, e.seq);
        if e.topic.ends_with(".created") || e.topic.ends_with(".deleted") {
            // No copy in the row; the audit row of the same record and
            // action holds the text.
            assert_eq!(payload, "", "{}", e.topic);
            let seq = audit_seq.expect("a reference to the audit row");
            let (entity_id, action): (crm_core::Uuid, String) = conn
                .query_row("SELECT entity_id, action FROM audit WHERE seq = ?1", [seq], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap();
            assert_eq!(entity_id, e.entity_id);
            assert_eq!(format!("{}.{action}", e.entity), e.topic);
            assert_eq!(audit_changes(&conn, seq).unwrap(), e.payload);
        } else {
            // An update's audit row holds the changed fields, its event the
            // whole new record, in the row.
            assert_eq!(audit_seq, None, "{}", e.topic);
            assert_eq!(serde_json::from_str::<Value>(&payload).unwrap(), e.payload);
        }
    }
    // The update carries its full new record, not the diff of its audit row.
    assert_eq!(events[1].payload, records[1]);
    let history = b.crm.history(events[1].entity_id).unwrap();
    let update = history.iter().find(|h| h.action == AuditAction::Updated).unwrap();
    assert_eq!(update.changes["family_name"], serde_json::json!(["Liepa", "Ozola"]));
}

#[test]
fn pruned_events_leave_the_audit_log_and_the_rest_readable() {
    let b = temp_base();
    let records = writes(&b.crm);
    let events = b.crm.events_after(0, 100).unwrap();
    assert_eq!(b.crm.prune_events(events[1].seq).unwrap(), 2);
    let rest = b.crm.events_after(0, 100).unwrap();
    assert_eq!(rest, events[2..]);
    assert_eq!(rest.last().unwrap().payload, records[3]);
    // The audit row the pruned creation referred to stays.
    let history = b.crm.history(events[0].entity_id).unwrap();
    assert_eq!(history[0].action, AuditAction::Created);
    assert_eq!(history[0].changes, records[0]);
    assert_eq!(b.crm.prune_events(i64::MAX).unwrap(), 2);
    assert!(b.crm.events_after(0, 100).unwrap().is_empty());
}

#[test]
fn a_whole_base_export_and_import_keeps_the_events() {
    let b = temp_base();
    writes(&b.crm);
    b.crm.create_party(NewParty::organization("Acme SIA")).unwrap();
    let mut out = Vec::new();
    b.crm.export_json(&mut out).unwrap();
    let copy = Crm::open_in_memory().unwrap();
    copy.import_json(&out[..]).unwrap();
    let events = b.crm.events_after(0, 100).unwrap();
    assert_eq!(copy.events_after(0, 100).unwrap(), events);
    let mut again = Vec::new();
    copy.export_json(&mut again).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(again).unwrap());
}

/// Turn a file base of this version back into schema 8: every event holds
/// its payload, and the outbox has no `audit_seq`.
fn downgrade_to_schema_8(path: &std::path::Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "UPDATE outbox SET payload = (SELECT changes FROM audit WHERE seq = outbox.audit_seq)
             WHERE audit_seq IS NOT NULL;
         ALTER TABLE outbox DROP COLUMN audit_seq;
         PRAGMA user_version = 8;",
    )
    .unwrap();
}

#[test]
fn a_base_of_schema_8_migrates_and_keeps_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let (records, events) = {
        let crm = Crm::open(&path).unwrap();
        let records = writes(&crm);
        (records, crm.events_after(0, 100).unwrap())
    };
    downgrade_to_schema_8(&path);
    {
        let conn = Connection::open(&path).unwrap();
        let (payload, _): (String, i64) = conn
            .query_row("SELECT payload, length(payload) FROM outbox WHERE seq = ?1", [events[0].seq], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(serde_json::from_str::<Value>(&payload).unwrap(), records[0]);
    }
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.events_after(0, 100).unwrap(), events);
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, crm_core::SCHEMA_VERSION);
    // The old rows keep their payloads; a new creation refers to its audit row.
    for e in &events {
        let (payload, audit_seq) = stored(&conn, e.seq);
        assert_eq!(audit_seq, None);
        assert_eq!(serde_json::from_str::<Value>(&payload).unwrap(), e.payload);
    }
    let p = crm.create_party(NewParty::person("Ivo", "Ozols")).unwrap();
    let last: Event = crm.events_after(events.last().unwrap().seq, 10).unwrap().remove(0);
    assert_eq!(last.payload, serde_json::to_value(&p).unwrap());
    let (payload, audit_seq) = stored(&conn, last.seq);
    assert_eq!((payload.as_str(), audit_seq.is_some()), ("", true));
}

#[test]
fn an_export_of_schema_8_imports_with_its_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let events = {
        let crm = Crm::open(&path).unwrap();
        writes(&crm);
        crm.events_after(0, 100).unwrap()
    };
    downgrade_to_schema_8(&path);
    // What the previous version exported: the raw tables, the outbox
    // without `audit_seq`, under a header of schema 8.
    let crm = Crm::open(&path).unwrap();
    let mut out = Vec::new();
    crm.export_json(&mut out).unwrap();
    let mut old = String::new();
    let mut in_outbox = false;
    for (i, line) in String::from_utf8(out).unwrap().lines().enumerate() {
        let mut v: Value = serde_json::from_str(line).unwrap();
        let line = if i == 0 {
            line.replace(&format!("\"schema_version\":{}", crm_core::SCHEMA_VERSION), "\"schema_version\":8")
        } else if let Some(table) = v.get("table").cloned() {
            // Keys in their order: the import knows a table line by its first.
            in_outbox = table == "outbox";
            let columns = v["columns"].as_array_mut().unwrap();
            if in_outbox {
                assert_eq!(columns.pop().unwrap(), "audit_seq");
            }
            format!("{{\"table\":{table},\"columns\":{}}}", Value::from(columns.clone()))
        } else if in_outbox {
            assert_eq!(v["row"].as_array_mut().unwrap().pop().unwrap(), "null");
            v.to_string()
        } else {
            line.to_string()
        };
        old.push_str(&line);
        old.push('\n');
    }
    let copy = Crm::open_in_memory().unwrap();
    copy.import_json(old.as_bytes()).unwrap();
    assert_eq!(copy.events_after(0, 100).unwrap(), events);
    // Older than that: refused.
    let older = old.replacen("\"schema_version\":8", "\"schema_version\":7", 1);
    let err = Crm::open_in_memory().unwrap().import_json(older.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), crm_core::ErrorKind::Schema);
}
