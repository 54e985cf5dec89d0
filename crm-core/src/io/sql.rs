//! The SQL of imports: saved mappings and the lookups of upsert keys.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use crate::error::Result;
use crate::store::{Tx, to_micros};

pub(crate) fn save_mapping(tx: &Tx<'_>, name: &str, json: &str) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO import_mapping (name, mapping, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        )?
        .execute(params![name, json, to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn mapping(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT mapping FROM import_mapping WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()?)
}

fn ids(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Active parties with a contact point of this kind and key.
pub(crate) fn parties_with_contact(conn: &Connection, kind: &str, key: &str) -> Result<Vec<Uuid>> {
    ids(
        conn,
        "SELECT DISTINCT c.party_id FROM contact_point c JOIN party p ON p.id = c.party_id
         WHERE c.kind = ?1 AND c.value = ?2 AND p.merged_into IS NULL",
        params![kind, key],
    )
}

/// Parties with this (normalized) VAT number.
pub(crate) fn parties_with_vat(conn: &Connection, vat: &str) -> Result<Vec<Uuid>> {
    ids(conn, "SELECT id FROM party WHERE vat_number = ?1 AND merged_into IS NULL", [vat])
}

/// Parties with this value of a custom field.
pub(crate) fn parties_with_custom(conn: &Connection, field_id: Uuid, value: &Value) -> Result<Vec<Uuid>> {
    ids(conn, "SELECT entity_id FROM custom_value WHERE field_id = ?1 AND value = ?2", params![field_id, value])
}

/// Whether the party has a note with exactly this text.
pub(crate) fn has_note(conn: &Connection, party_id: Uuid, body: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM note WHERE party_id = ?1 AND body = ?2)")?
        .query_row(params![party_id, body], |r| r.get(0))?)
}
