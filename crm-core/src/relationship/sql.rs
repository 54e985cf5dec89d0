//! The SQL of the relationship graph.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use super::{Direction, Neighbour, NeighbourQuery, Relationship, RelationshipType};
use crate::error::{Error, Result};
use crate::party::PartyKind;
use crate::store::{Tx, from_micros, to_micros};

fn kinds_to_text(kinds: &[PartyKind]) -> String {
    kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
}

fn kinds_from_text(s: &str) -> Vec<PartyKind> {
    s.split(',').filter_map(PartyKind::parse).collect()
}

const TYPE_COLUMNS: &str =
    "code, forward_label, inverse_label, symmetric, allow_self, from_kinds, to_kinds, membership, builtin";

fn type_from_row(r: &Row<'_>) -> rusqlite::Result<RelationshipType> {
    Ok(RelationshipType {
        code: r.get(0)?,
        forward_label: r.get(1)?,
        inverse_label: r.get(2)?,
        symmetric: r.get(3)?,
        allow_self: r.get(4)?,
        from_kinds: kinds_from_text(&r.get::<_, String>(5)?),
        to_kinds: kinds_from_text(&r.get::<_, String>(6)?),
        membership: r.get(7)?,
        builtin: r.get(8)?,
    })
}

pub(crate) fn insert_type(tx: &Tx<'_>, t: &RelationshipType) -> Result<()> {
    tx.conn().execute(
        &format!(
            "INSERT INTO relationship_type ({TYPE_COLUMNS}, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)"
        ),
        params![
            t.code,
            t.forward_label,
            t.inverse_label,
            t.symmetric,
            t.allow_self,
            kinds_to_text(&t.from_kinds),
            kinds_to_text(&t.to_kinds),
            t.membership,
            to_micros(tx.now)
        ],
    )?;
    Ok(())
}

pub(crate) fn get_type(conn: &Connection, code: &str) -> Result<Option<RelationshipType>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {TYPE_COLUMNS} FROM relationship_type WHERE code = ?1"))?
        .query_row([code], type_from_row)
        .optional()?)
}

pub(crate) fn types(conn: &Connection) -> Result<Vec<RelationshipType>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {TYPE_COLUMNS} FROM relationship_type ORDER BY code"))?;
    let rows = stmt.query_map([], type_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

const REL_COLUMNS: &str = "r.id, r.type, r.from_id, r.to_id, r.valid_from, r.valid_to, r.strength, r.notes, r.created_at, r.updated_at, r.version";

fn rel_from_row(r: &Row<'_>) -> rusqlite::Result<Relationship> {
    Ok(Relationship {
        id: r.get(0)?,
        type_code: r.get(1)?,
        from_id: r.get(2)?,
        to_id: r.get(3)?,
        valid_from: r.get(4)?,
        valid_to: r.get(5)?,
        strength: r.get(6)?,
        notes: r.get(7)?,
        created_at: from_micros(r.get(8)?),
        updated_at: from_micros(r.get(9)?),
        version: r.get(10)?,
    })
}

pub(crate) fn insert(tx: &Tx<'_>, rel: &Relationship) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "INSERT INTO relationship (id, type, from_id, to_id, valid_from, valid_to, strength, notes, created_at, updated_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 1)",
        )?
        .execute(params![
            rel.id,
            rel.type_code,
            rel.from_id,
            rel.to_id,
            rel.valid_from,
            rel.valid_to,
            rel.strength,
            rel.notes,
            to_micros(rel.created_at)
        ])?;
    Ok(())
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Relationship> {
    conn.prepare_cached(&format!("SELECT {REL_COLUMNS} FROM relationship r WHERE r.id = ?1"))?
        .query_row([id], rel_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("relationship", id))
}

pub(crate) fn update(tx: &Tx<'_>, rel: &Relationship) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE relationship SET valid_from = ?2, valid_to = ?3, strength = ?4, notes = ?5, updated_at = ?6,
                 version = version + 1 WHERE id = ?1",
        )?
        .execute(params![rel.id, rel.valid_from, rel.valid_to, rel.strength, rel.notes, to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn delete(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM relationship WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// One direction of the neighbour query: `anchor` is the column that holds
/// the party asked about, `other` the neighbour's.
fn neighbour_sql(anchor: &str, other: &str, label: &str, dir: &str) -> String {
    format!(
        "SELECT {REL_COLUMNS}, p.id, p.display_name, p.kind, t.{label}, '{dir}'
         FROM relationship r
         JOIN relationship_type t ON t.code = r.type
         JOIN party p ON p.id = r.{other}
         WHERE r.{anchor} = ?1
           AND (?2 IS NULL OR r.type = ?2)
           AND (?3 IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= ?3) AND (r.valid_to IS NULL OR r.valid_to >= ?3)))
           AND (?4 OR p.archived_at IS NULL)"
    )
}

pub(crate) fn neighbours(conn: &Connection, party_id: Uuid, q: &NeighbourQuery) -> Result<Vec<Neighbour>> {
    let out_sql = neighbour_sql("from_id", "to_id", "forward_label", "out");
    let in_sql = neighbour_sql("to_id", "from_id", "inverse_label", "in");
    let sql = match q.direction {
        Direction::Outgoing => out_sql,
        Direction::Incoming => in_sql,
        Direction::Both => format!("{out_sql} UNION ALL {in_sql}"),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![party_id, q.type_code, q.at, q.include_archived], |r| {
        let kind: String = r.get(13)?;
        let dir: String = r.get(15)?;
        Ok(Neighbour {
            relationship: rel_from_row(r)?,
            party_id: r.get(11)?,
            display_name: r.get(12)?,
            kind: PartyKind::parse(&kind).unwrap_or_default(),
            label: r.get(14)?,
            direction: if dir == "out" { Direction::Outgoing } else { Direction::Incoming },
        })
    })?;
    let mut out: Vec<Neighbour> = rows.collect::<Result<_, _>>()?;
    out.sort_by(|a, b| {
        a.label
            .cmp(&b.label)
            .then_with(|| a.display_name.to_lowercase().cmp(&b.display_name.to_lowercase()))
            .then_with(|| a.party_id.cmp(&b.party_id))
    });
    Ok(out)
}

pub(crate) fn members(conn: &Connection, org: Uuid, at: Option<NaiveDate>) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE orgs(id, depth) AS (
             SELECT ?1, 0
             UNION
             SELECT p.id, orgs.depth + 1 FROM party p JOIN orgs ON p.parent_id = orgs.id
             WHERE p.kind = 'organization' AND orgs.depth < 1000)
         SELECT p.id, p.sort_key FROM party p
         WHERE p.parent_id IN (SELECT id FROM orgs) AND p.archived_at IS NULL
         UNION
         SELECT p.id, p.sort_key FROM relationship r
         JOIN relationship_type t ON t.code = r.type
         JOIN party p ON p.id = r.from_id
         WHERE t.membership AND r.to_id IN (SELECT id FROM orgs) AND p.archived_at IS NULL AND p.id <> ?1
           AND (?2 IS NULL OR ((r.valid_from IS NULL OR r.valid_from <= ?2) AND (r.valid_to IS NULL OR r.valid_to >= ?2)))
         ORDER BY 2, 1",
    )?;
    let rows = stmt.query_map(params![org, at], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn counts(conn: &Connection) -> Result<std::collections::BTreeMap<String, u64>> {
    let mut stmt = conn.prepare_cached("SELECT type, count(*) FROM relationship GROUP BY type ORDER BY type")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
