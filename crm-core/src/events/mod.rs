//! The audit log and the outbox.
//!
//! Every write adds, in its own transaction, one audit row per changed record
//! (who, when, which fields, old → new) and one outbox event that integrations
//! read in order with [`Crm::events_after`](crate::Crm::events_after).
//!
//! A creation's or a deletion's audit row and event carry the same text, the
//! whole record; the event then refers to its audit row (`outbox.audit_seq`)
//! instead of holding a copy, and is read back with the row's text, so the
//! record is stored once.

pub(crate) mod sql;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a write did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The record was created.
    Created,
    /// Some of its fields changed.
    Updated,
    /// It was archived (soft-deleted).
    Archived,
    /// It was brought back from the archive.
    Restored,
    /// It was deleted for good.
    Deleted,
    /// It was merged into another record (or others into it).
    Merged,
    /// A merge of it was undone.
    Unmerged,
}

impl AuditAction {
    /// The stored name: "created", "updated", ….
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Created => "created",
            AuditAction::Updated => "updated",
            AuditAction::Archived => "archived",
            AuditAction::Restored => "restored",
            AuditAction::Deleted => "deleted",
            AuditAction::Merged => "merged",
            AuditAction::Unmerged => "unmerged",
        }
    }

    pub(crate) fn parse(s: &str) -> AuditAction {
        match s {
            "created" => AuditAction::Created,
            "archived" => AuditAction::Archived,
            "restored" => AuditAction::Restored,
            "deleted" => AuditAction::Deleted,
            "merged" => AuditAction::Merged,
            "unmerged" => AuditAction::Unmerged,
            _ => AuditAction::Updated,
        }
    }
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log; increases with every write.
    pub seq: i64,
    /// When the write committed its transaction's clock reading.
    pub at: DateTime<Utc>,
    /// Who wrote it (see [`Crm::with_actor`](crate::Crm::with_actor)).
    pub actor: String,
    /// The kind of record: "party", "contact_point", "role", …
    pub entity: String,
    /// The record's id.
    pub entity_id: Uuid,
    /// What happened.
    pub action: AuditAction,
    /// For an update, `{"field": [old, new], …}`; for a creation, the new
    /// record; for a deletion, the record as it was.
    pub changes: serde_json::Value,
}

/// One event of the outbox, for notifications and integrations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the outbox; consumers remember the last one they handled.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// `<entity>.<action>`, e.g. `party.created`.
    pub topic: String,
    /// The kind of record.
    pub entity: String,
    /// The record's id.
    pub entity_id: Uuid,
    /// The record after the change (before it, for a deletion).
    pub payload: serde_json::Value,
}

/// The changed top-level fields between two serialized records, as
/// `{"field": [old, new]}`; fields listed in `skip` are left out.
pub(crate) fn diff(old: &serde_json::Value, new: &serde_json::Value, skip: &[&str]) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    let empty = serde_json::Map::new();
    let o = old.as_object().unwrap_or(&empty);
    let n = new.as_object().unwrap_or(&empty);
    for (k, nv) in n {
        if skip.contains(&k.as_str()) {
            continue;
        }
        let ov = o.get(k).unwrap_or(&serde_json::Value::Null);
        if ov != nv {
            out.insert(k.clone(), serde_json::Value::Array(vec![ov.clone(), nv.clone()]));
        }
    }
    for (k, ov) in o {
        if !n.contains_key(k) && !skip.contains(&k.as_str()) {
            out.insert(k.clone(), serde_json::Value::Array(vec![ov.clone(), serde_json::Value::Null]));
        }
    }
    serde_json::Value::Object(out)
}
