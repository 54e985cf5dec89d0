//! The SQL of merges: re-pointing every record of the merged parties to the
//! survivor, and the before-images that let a merge be undone.

use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Result;
use crate::store::{Tx, to_micros};

/// The rows of one table as they were, to be put back by an undo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TableImage {
    pub(crate) table: String,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Stored>>,
}

/// A SQLite value in JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Stored {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(String),
}

impl From<Value> for Stored {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => Stored::Null,
            Value::Integer(i) => Stored::Int(i),
            Value::Real(f) => Stored::Real(f),
            Value::Text(s) => Stored::Text(s),
            Value::Blob(b) => Stored::Blob(b.iter().map(|x| format!("{x:02x}")).collect()),
        }
    }
}

impl Stored {
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Stored::Null => Value::Null,
            Stored::Int(i) => Value::Integer(*i),
            Stored::Real(f) => Value::Real(*f),
            Stored::Text(s) => Value::Text(s.clone()),
            Stored::Blob(h) => Value::Blob(
                (0..h.len() / 2).filter_map(|i| u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok()).collect(),
            ),
        }
    }
}

/// The tables whose rows belong to parties, with the condition selecting
/// the rows of a set of parties (`?1` is a JSON array of hex ids). Rows of
/// these are deleted and put back whole by an undo.
const OWNED: &[(&str, &str)] = &[
    ("contact_point", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
    ("party_role", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
    ("tag", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
    ("note", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
    ("custom_value", "entity_id IN (SELECT unhex(value) FROM json_each(?1))"),
    (
        "relationship",
        "from_id IN (SELECT unhex(value) FROM json_each(?1)) OR to_id IN (SELECT unhex(value) FROM json_each(?1))",
    ),
    ("interaction_party", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
    ("opportunity_contact", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
    ("opportunity_partner", "party_id IN (SELECT unhex(value) FROM json_each(?1))"),
];

/// Tables where a merge only re-points one column: (table, id column,
/// party column). An undo sets the column back row by row.
const POINTING: &[(&str, &str, &str)] = &[
    ("opportunity", "id", "account_id"),
    ("sales_order", "id", "party_id"),
    ("task", "id", "party_id"),
    ("lead", "id", "person_id"),
    ("lead", "id", "organization_id"),
    ("party", "id", "parent_id"),
];

pub(crate) fn ids_json(ids: &[Uuid]) -> String {
    serde_json::to_string(&ids.iter().map(|i| i.simple().to_string()).collect::<Vec<_>>()).unwrap_or_default()
}

fn image(conn: &Connection, table: &str, cond: &str, ids: &str) -> Result<TableImage> {
    let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE {cond}"))?;
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let n = columns.len();
    let rows = stmt.query_map([ids], |r| (0..n).map(|i| r.get::<_, Value>(i).map(Stored::from)).collect())?;
    Ok(TableImage { table: table.to_string(), columns, rows: rows.collect::<Result<_, _>>()? })
}

/// Everything an undo needs: whole rows of the owned tables and of the
/// parties themselves, and the pointing columns.
pub(crate) fn before_images(conn: &Connection, involved: &[Uuid]) -> Result<Vec<TableImage>> {
    let ids = ids_json(involved);
    let mut out = vec![image(conn, "party", "id IN (SELECT unhex(value) FROM json_each(?1))", &ids)?];
    for (table, cond) in OWNED {
        out.push(image(conn, table, cond, &ids)?);
    }
    for (table, id_col, col) in POINTING {
        let mut img = image(conn, table, &format!("{col} IN (SELECT unhex(value) FROM json_each(?1))"), &ids)?;
        // Keep only the id and the pointing column.
        let idx: Vec<usize> = [*id_col, *col].iter().filter_map(|c| img.columns.iter().position(|x| x == c)).collect();
        img.rows = img.rows.iter().map(|r| idx.iter().map(|i| r[*i].clone()).collect()).collect();
        img.columns = vec![id_col.to_string(), col.to_string()];
        out.push(img);
    }
    Ok(out)
}

/// Ids of every record that the merge re-points, so that an undo can tell
/// whether any of them changed since.
pub(crate) fn touched_ids(conn: &Connection, involved: &[Uuid]) -> Result<Vec<Uuid>> {
    let ids = ids_json(involved);
    let mut out: Vec<Uuid> = involved.to_vec();
    for sql in [
        "SELECT id FROM contact_point WHERE party_id IN (SELECT unhex(value) FROM json_each(?1))",
        "SELECT id FROM party_role WHERE party_id IN (SELECT unhex(value) FROM json_each(?1))",
        "SELECT id FROM note WHERE party_id IN (SELECT unhex(value) FROM json_each(?1))",
        "SELECT id FROM relationship WHERE from_id IN (SELECT unhex(value) FROM json_each(?1))
             OR to_id IN (SELECT unhex(value) FROM json_each(?1))",
        "SELECT id FROM opportunity WHERE account_id IN (SELECT unhex(value) FROM json_each(?1))",
        "SELECT id FROM sales_order WHERE party_id IN (SELECT unhex(value) FROM json_each(?1))",
        "SELECT id FROM task WHERE party_id IN (SELECT unhex(value) FROM json_each(?1))",
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([&ids], |r| r.get::<_, Uuid>(0))?;
        for r in rows {
            out.push(r?);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Re-point every record of `from` to `to`. Rows that would collide with
/// the survivor's own are merged by the caller beforehand.
pub(crate) fn repoint(tx: &Tx<'_>, from: Uuid, to: Uuid) -> Result<()> {
    let c = tx.conn();
    // The interactions `from` took part in: their documents name it, and
    // name `to` once re-pointed.
    let interactions = crate::search::sql::interactions_of(c, &[from])?;
    for sql in [
        "UPDATE contact_point SET party_id = ?2, is_primary = 0 WHERE party_id = ?1",
        "UPDATE party_role SET party_id = ?2 WHERE party_id = ?1",
        "INSERT OR IGNORE INTO tag (party_id, tag) SELECT ?2, tag FROM tag WHERE party_id = ?1",
        "DELETE FROM tag WHERE party_id = ?1",
        "UPDATE note SET party_id = ?2 WHERE party_id = ?1",
        "INSERT OR IGNORE INTO interaction_party (party_id, occurred_at, interaction_id, role, channel)
             SELECT ?2, occurred_at, interaction_id, role, channel FROM interaction_party WHERE party_id = ?1",
        "DELETE FROM interaction_party WHERE party_id = ?1",
        "UPDATE opportunity SET account_id = ?2 WHERE account_id = ?1",
        "INSERT OR IGNORE INTO opportunity_contact (opportunity_id, party_id, buying_role)
             SELECT opportunity_id, ?2, buying_role FROM opportunity_contact WHERE party_id = ?1",
        "DELETE FROM opportunity_contact WHERE party_id = ?1",
        "INSERT OR IGNORE INTO opportunity_partner (opportunity_id, party_id, partner_role, is_primary)
             SELECT opportunity_id, ?2, partner_role, is_primary FROM opportunity_partner WHERE party_id = ?1",
        "DELETE FROM opportunity_partner WHERE party_id = ?1",
        "UPDATE sales_order SET party_id = ?2 WHERE party_id = ?1",
        "UPDATE task SET party_id = ?2 WHERE party_id = ?1",
        "UPDATE lead SET person_id = ?2 WHERE person_id = ?1",
        "UPDATE lead SET organization_id = ?2 WHERE organization_id = ?1",
        "UPDATE party SET parent_id = ?2 WHERE parent_id = ?1 AND id <> ?2",
        "UPDATE relationship SET from_id = ?2 WHERE from_id = ?1",
        "UPDATE relationship SET to_id = ?2 WHERE to_id = ?1",
        "DELETE FROM custom_value WHERE entity_id = ?1",
    ] {
        let mut stmt = c.prepare_cached(sql)?;
        if stmt.parameter_count() == 1 {
            stmt.execute([from])?;
        } else {
            stmt.execute(params![from, to])?;
        }
    }
    crate::search::sql::reindex_interactions(c, &interactions)
}

/// Turn a merged party into a tombstone pointing to its survivor.
pub(crate) fn tombstone(tx: &Tx<'_>, id: Uuid, survivor: Uuid) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE party SET merged_into = ?2, archived_at = coalesce(archived_at, ?3), parent_id = NULL,
                 roles = 0, country = NULL, updated_at = ?3, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![id, survivor, to_micros(tx.now)])?;
    Ok(())
}

/// The last audit sequence number.
pub(crate) fn last_audit_seq(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(seq), 0) FROM audit", [], |r| r.get(0))?)
}

/// Whether any of the ids has an audit row after `seq`.
pub(crate) fn touched_since(conn: &Connection, ids: &[Uuid], seq: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE seq > ?2 AND entity_id IN (SELECT unhex(value) FROM json_each(?1)))",
        params![ids_json(ids), seq],
        |r| r.get(0),
    )?)
}

/// Put the before-images back: owned rows of the involved parties are
/// replaced whole, party rows and pointing columns are set back.
pub(crate) fn restore(conn: &Connection, involved: &[Uuid], images: &[TableImage]) -> Result<()> {
    let ids = ids_json(involved);
    for (table, cond) in OWNED {
        conn.execute(&format!("DELETE FROM {table} WHERE {cond}"), [&ids])?;
    }
    for img in images {
        let is_owned = OWNED.iter().any(|(t, _)| *t == img.table);
        if is_owned {
            let cols = img.columns.join(", ");
            let marks = (1..=img.columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
            let mut stmt = conn.prepare(&format!("INSERT OR REPLACE INTO {} ({cols}) VALUES ({marks})", img.table))?;
            for row in &img.rows {
                stmt.execute(params_from_iter(row.iter().map(Stored::to_value)))?;
            }
        } else if img.table == "party" && img.columns.len() > 2 {
            let id_idx = img.columns.iter().position(|c| c == "id").unwrap_or(0);
            let sets = img
                .columns
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != id_idx)
                .map(|(i, c)| format!("{c} = ?{}", i + 1))
                .collect::<Vec<_>>()
                .join(", ");
            let mut stmt = conn.prepare(&format!("UPDATE party SET {sets} WHERE id = ?{}", id_idx + 1))?;
            for row in &img.rows {
                stmt.execute(params_from_iter(row.iter().map(Stored::to_value)))?;
            }
        } else if img.columns.len() == 2 {
            let mut stmt = conn
                .prepare(&format!("UPDATE {} SET {} = ?2 WHERE {} = ?1", img.table, img.columns[1], img.columns[0]))?;
            for row in &img.rows {
                stmt.execute(params_from_iter(row.iter().map(Stored::to_value)))?;
            }
        }
    }
    Ok(())
}

/// The matching view of every active party (of one kind, or all), with
/// their ids in the same order.
pub(crate) fn match_records(
    conn: &Connection,
    kind: Option<crate::party::PartyKind>,
) -> Result<(Vec<Uuid>, Vec<super::matching::MatchRecord>)> {
    use super::matching::{MatchRecord, PartyKind as K};
    let mut ids = Vec::new();
    let mut records = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT id, kind, given_name, family_name, display_name, vat_number, birth_date FROM party
         WHERE archived_at IS NULL AND merged_into IS NULL AND (?1 IS NULL OR kind = ?1) ORDER BY id",
    )?;
    let rows = stmt.query_map([kind.map(|k| k.as_str())], |r| {
        let id: Uuid = r.get(0)?;
        let k: String = r.get(1)?;
        Ok((
            id,
            MatchRecord {
                id: id.to_string(),
                kind: if k == "organization" { K::Organization } else { K::Person },
                given_name: r.get(2)?,
                family_name: r.get(3)?,
                display_name: r.get(4)?,
                vat_number: r.get(5)?,
                birth_date: r.get(6)?,
                ..MatchRecord::new("", K::Person)
            },
        ))
    })?;
    for row in rows {
        let (id, rec) = row?;
        index.insert(id, records.len());
        ids.push(id);
        records.push(rec);
    }
    let mut stmt =
        conn.prepare("SELECT party_id, kind, value FROM contact_point WHERE kind IN ('email', 'phone', 'address')")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (party, kind, value) = row?;
        if let Some(rec) = index.get(&party).and_then(|i| records.get_mut(*i)) {
            match kind.as_str() {
                "email" => rec.emails.push(value),
                "phone" => rec.phones.push(value),
                _ => rec.addresses.push(value),
            }
        }
    }
    Ok((ids, records))
}

/// The most parties [`candidates`] takes by their names.
const NAME_CANDIDATES: usize = 50;

/// Active parties sharing a contact key or the VAT number, or found by
/// their names in the search index ([`NAME_CANDIDATES`] at most): first
/// those whose names hold every word of the new name, in any order, then
/// those whose names hold any of its words (see
/// [`crate::search::name_queries`]).
pub(crate) fn candidates(
    conn: &Connection,
    keys: &[(crate::party::ContactKind, String)],
    vat: Option<&str>,
    words: &[String],
) -> Result<Vec<crate::party::Party>> {
    let mut ids: Vec<Uuid> = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT DISTINCT party_id FROM contact_point WHERE kind = ?1 AND value = ?2")?;
    for (k, v) in keys {
        for r in stmt.query_map(params![k.as_str(), v], |r| r.get::<_, Uuid>(0))? {
            ids.push(r?);
        }
    }
    if let Some(v) = vat {
        let norm: String = v.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
        let mut stmt = conn.prepare_cached("SELECT id FROM party WHERE vat_number = ?1")?;
        for r in stmt.query_map([norm], |r| r.get::<_, Uuid>(0))? {
            ids.push(r?);
        }
    }
    if let Some(queries) = crate::search::name_queries(words) {
        let mut stmt = conn.prepare_cached(
            "SELECT d.party_id FROM party_fts f CROSS JOIN search_doc d
             WHERE party_fts MATCH ?1 AND d.docid = f.rowid LIMIT ?2",
        )?;
        let mut by_name = Vec::with_capacity(NAME_CANDIDATES);
        for q in queries {
            let want = NAME_CANDIDATES - by_name.len();
            for r in stmt.query_map(params![q, want as i64], |r| r.get::<_, Uuid>(0))? {
                let id = r?;
                if !by_name.contains(&id) {
                    by_name.push(id);
                }
            }
            if by_name.len() == NAME_CANDIDATES {
                break;
            }
        }
        ids.extend(by_name);
    }
    ids.sort();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = crate::party::sql::get_party(conn, id)?
            && p.archived_at.is_none()
            && p.id == id
        {
            out.push(p);
        }
    }
    Ok(out)
}
