//! The SQL of the full-text index.

use rusqlite::{Connection, params_from_iter};
use uuid::Uuid;

use super::SearchHit;
use crate::error::Result;
use crate::party::list::Plan;

/// Rebuild the document of one party (after any write that touched its
/// names, contact points, tags or notes).
pub(crate) fn reindex_party(conn: &Connection, party_id: Uuid) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO search_doc (party_id) VALUES (?1)")?.execute([party_id])?;
    conn.prepare_cached("DELETE FROM party_fts WHERE rowid = (SELECT docid FROM search_doc WHERE party_id = ?1)")?
        .execute([party_id])?;
    conn.prepare_cached(
        "INSERT INTO party_fts (rowid, name, contacts, tags, notes)
         SELECT d.docid,
                concat_ws(' ', p.display_name, p.given_name, p.family_name, p.legal_name, p.registration_number, p.vat_number),
                (SELECT group_concat(c.value || coalesce(' ' || c.raw, ''), ' ') FROM contact_point c WHERE c.party_id = p.id),
                (SELECT group_concat(t.tag, ' ') FROM tag t WHERE t.party_id = p.id),
                (SELECT group_concat(n.body, ' ') FROM note n WHERE n.party_id = p.id)
         FROM party p JOIN search_doc d ON d.party_id = p.id WHERE p.id = ?1",
    )?
    .execute([party_id])?;
    Ok(())
}

/// The full-text document of a party, as [`reindex_party`] composes it from
/// the tables: the names, each contact point's key and raw text, the tags
/// (sorted), the notes; `None` where the party has none.
pub(crate) struct PartyDoc {
    pub(crate) name: String,
    pub(crate) contacts: Option<String>,
    pub(crate) tags: Option<String>,
    pub(crate) notes: Option<String>,
}

impl PartyDoc {
    /// The document of a party about to be created with these notes.
    pub(crate) fn of_new(p: &crate::party::Prepared, notes: &[&str]) -> PartyDoc {
        let c = &p.core;
        let name = [
            Some(c.display_name.as_str()),
            c.given_name.as_deref(),
            c.family_name.as_deref(),
            c.legal_name.as_deref(),
            c.registration_number.as_deref(),
            c.vat_number.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut contacts = String::new();
        for (value, raw, _) in &p.contacts {
            if !contacts.is_empty() {
                contacts.push(' ');
            }
            contacts.push_str(&value.key());
            if let Some(raw) = raw {
                contacts.push(' ');
                contacts.push_str(raw);
            }
        }
        let joined = |parts: &[&str]| (!parts.is_empty()).then(|| parts.join(" "));
        let tags: Vec<&str> = p.tags.iter().map(String::as_str).collect();
        PartyDoc {
            name,
            contacts: (!p.contacts.is_empty()).then_some(contacts),
            tags: joined(&tags),
            notes: joined(notes),
        }
    }
}

/// Index the document of a party that has none yet (a new one): no delete
/// first, and no read of the tables.
pub(crate) fn index_new_party(conn: &Connection, party_id: Uuid, doc: &PartyDoc) -> Result<()> {
    conn.prepare_cached("INSERT INTO search_doc (party_id) VALUES (?1)")?.execute([party_id])?;
    let docid = conn.last_insert_rowid();
    conn.prepare_cached("INSERT INTO party_fts (rowid, name, contacts, tags, notes) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(rusqlite::params![docid, doc.name, doc.contacts, doc.tags, doc.notes])?;
    Ok(())
}

/// Remove a party's document (before the party is deleted).
pub(crate) fn unindex_party(conn: &Connection, party_id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM party_fts WHERE rowid = (SELECT docid FROM search_doc WHERE party_id = ?1)")?
        .execute([party_id])?;
    conn.prepare_cached("DELETE FROM search_doc WHERE party_id = ?1")?.execute([party_id])?;
    Ok(())
}

/// Ranked ids of the parties matching an FTS5 query (built by
/// [`super::fts_query`]) and a list filter.
pub(crate) fn search(conn: &Connection, fts: &str, plan: &Plan) -> Result<Vec<SearchHit>> {
    let (cond, mut params) = crate::party::sql::where_clause(conn, plan)?;
    params.push(rusqlite::types::Value::Text(fts.to_string()));
    let m = params.len();
    params.push(rusqlite::types::Value::Integer(0));
    let k = params.len();
    params.push(rusqlite::types::Value::Integer(plan.limit as i64));
    let l = params.len();
    // Rank inside the index first and join only the best `?k` documents
    // with the parties (joining every match before ranking costs most of a
    // broad prefix search). bm25 weights: a hit in the name counts most,
    // then contacts, tags, notes.
    let sql = format!(
        "WITH hits AS (
             SELECT rowid, bm25(party_fts, 10.0, 4.0, 3.0, 1.0) AS rank FROM party_fts
             WHERE party_fts MATCH ?{m} ORDER BY rank LIMIT ?{k})
         SELECT p.id, h.rank
         FROM hits h JOIN search_doc d ON d.docid = h.rowid JOIN party p ON p.id = d.party_id
         WHERE {cond}
         ORDER BY h.rank, p.id LIMIT ?{l}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    // Start with a few times the page; when the filter leaves too few and
    // the index had more, look further.
    let mut window = (plan.limit * 4).max(64) as i64;
    let ranked = loop {
        params[k - 1] = rusqlite::types::Value::Integer(window);
        let rows =
            stmt.query_map(params_from_iter(params.iter()), |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, f64>(1)?)))?;
        let ranked: Vec<(Uuid, f64)> = rows.collect::<Result<_, _>>()?;
        if ranked.len() >= plan.limit {
            break ranked;
        }
        let hits: i64 = conn
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM party_fts WHERE party_fts MATCH ?1 LIMIT ?2)")?
            .query_row(rusqlite::params![fts, window], |r| r.get(0))?;
        if hits < window {
            break ranked;
        }
        window = window.saturating_mul(8);
    };
    let mut out = Vec::with_capacity(ranked.len());
    for (id, rank) in ranked {
        if let Some(party) = crate::party::sql::get_party(conn, id)? {
            out.push(SearchHit { party, score: -rank });
        }
    }
    Ok(out)
}

/// Rebuild the document of one interaction.
pub(crate) fn reindex_interaction(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("INSERT OR IGNORE INTO interaction_doc (interaction_id) VALUES (?1)")?.execute([id])?;
    conn.prepare_cached(
        "DELETE FROM interaction_fts WHERE rowid = (SELECT docid FROM interaction_doc WHERE interaction_id = ?1)",
    )?
    .execute([id])?;
    conn.prepare_cached(
        "INSERT INTO interaction_fts (rowid, subject, outcome)
         SELECT d.docid, i.subject, i.outcome FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id
         WHERE i.id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

/// Remove an interaction's document (before the interaction is deleted).
pub(crate) fn unindex_interaction(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM interaction_fts WHERE rowid = (SELECT docid FROM interaction_doc WHERE interaction_id = ?1)",
    )?
    .execute([id])?;
    conn.prepare_cached("DELETE FROM interaction_doc WHERE interaction_id = ?1")?.execute([id])?;
    Ok(())
}

/// Ids of the interactions matching an FTS5 query, best first, optionally
/// of one party only.
pub(crate) fn search_interactions(
    conn: &Connection,
    fts: &str,
    party_id: Option<Uuid>,
    limit: usize,
) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.interaction_id FROM interaction_fts f JOIN interaction_doc d ON d.docid = f.rowid
         WHERE interaction_fts MATCH ?1
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM interaction_party ip
                                      WHERE ip.interaction_id = d.interaction_id AND ip.party_id = ?2))
         ORDER BY bm25(interaction_fts, 3.0, 1.0) LIMIT ?3",
    )?;
    let rows = stmt.query_map(rusqlite::params![fts, party_id, limit as i64], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Rebuild both full-text indexes from the tables (after a restore).
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM party_fts; DELETE FROM search_doc; DELETE FROM interaction_fts; DELETE FROM interaction_doc;
         INSERT INTO search_doc (party_id) SELECT id FROM party WHERE merged_into IS NULL;
         INSERT INTO interaction_doc (interaction_id) SELECT id FROM interaction;
         INSERT INTO interaction_fts (rowid, subject, outcome)
         SELECT d.docid, i.subject, i.outcome FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id;",
    )?;
    let ids: Vec<Uuid> =
        conn.prepare("SELECT party_id FROM search_doc")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for id in ids {
        reindex_party(conn, id)?;
    }
    Ok(())
}
