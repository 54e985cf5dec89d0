//! The SQL of the audit log and the outbox.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use uuid::Uuid;

use super::{AuditAction, AuditEntry, Event};
use crate::error::Result;
use crate::store::{from_micros, to_micros};

/// Insert an audit row; returns its sequence number.
pub(crate) fn insert_audit(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &str,
    entity: &str,
    entity_id: &Uuid,
    action: AuditAction,
    changes: &str,
) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO audit (at, actor, entity, entity_id, action, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .insert(params![to_micros(at), actor, entity, entity_id, action.as_str(), changes])?)
}

/// The body of an outbox event as stored: in the row itself, or the
/// `changes` of an audit row that holds the same text.
pub(crate) enum Body<'a> {
    /// The event's own text.
    Text(&'a str),
    /// The audit row of this sequence number holds it.
    Audit(i64),
}

/// Insert an outbox event; a body kept in an audit row is stored as a
/// reference to it and an empty payload.
pub(crate) fn insert_outbox(
    conn: &Connection,
    at: DateTime<Utc>,
    entity: &str,
    entity_id: &Uuid,
    action: AuditAction,
    body: Body<'_>,
) -> Result<()> {
    let topic = format!("{entity}.{}", action.as_str());
    let (payload, audit_seq) = match body {
        Body::Text(text) => (text, None),
        Body::Audit(seq) => ("", Some(seq)),
    };
    conn.prepare_cached(
        "INSERT INTO outbox (at, topic, entity, entity_id, payload, audit_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![to_micros(at), topic, entity, entity_id, payload, audit_seq])?;
    Ok(())
}

fn json(text: String) -> serde_json::Value {
    serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text))
}

pub(crate) fn history(conn: &Connection, entity_id: &Uuid) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, actor, entity, entity_id, action, changes FROM audit WHERE entity_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([entity_id], |r| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: from_micros(r.get(1)?),
            actor: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            action: AuditAction::parse(&r.get::<_, String>(5)?),
            changes: json(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The events after `seq`, oldest first; the body of an event that refers
/// to its audit row is read from that row.
pub(crate) fn events_after(conn: &Connection, seq: i64, limit: usize) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.seq, o.at, o.topic, o.entity, o.entity_id, coalesce(a.changes, o.payload)
         FROM outbox o LEFT JOIN audit a ON a.seq = o.audit_seq
         WHERE o.seq > ?1 ORDER BY o.seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![seq, limit as i64], |r| {
        Ok(Event {
            seq: r.get(0)?,
            at: from_micros(r.get(1)?),
            topic: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            payload: json(r.get(5)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn prune_outbox(conn: &Connection, up_to: i64) -> Result<usize> {
    Ok(conn.prepare_cached("DELETE FROM outbox WHERE seq <= ?1")?.execute([up_to])?)
}
