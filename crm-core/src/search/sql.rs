//! The SQL of the full-text index.

use rusqlite::{Connection, Row, params};
use uuid::Uuid;

use std::borrow::Cow;
use std::collections::HashSet;

use super::{PartySuggestion, SearchHit, TIER_SCORES};

/// The `parties` column of an interaction's document (`i`): a token per
/// party that took part, as [`party_token`] writes it (schema 10).
macro_rules! interaction_parties {
    () => {
        "(SELECT group_concat('p' || lower(hex(ip.party_id)), ' ') \
         FROM interaction_party ip WHERE ip.interaction_id = i.id)"
    };
}
use crate::error::Result;
use crate::party::PartyKind;
use crate::party::list::Plan;
use crate::party::sql::{PARTY_ROW_COLUMNS, load_children_many, party_from_row};

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

/// The parties matching a search (its [`super::tier_queries`]) and a list
/// filter, best first, at most `plan.limit`, light: id, kind and display
/// name.
pub(crate) fn search(conn: &Connection, tiers: &[String; 4], plan: &Plan) -> Result<Vec<PartySuggestion>> {
    search_with(conn, tiers, plan, "p.id, p.kind, p.display_name", |r, score| {
        let kind: String = r.get(1)?;
        Ok(PartySuggestion {
            id: r.get(0)?,
            kind: PartyKind::parse(&kind).unwrap_or_default(),
            display_name: r.get(2)?,
            score,
        })
    })
}

/// The parties matching a search, as [`search`] finds them, each read
/// whole: its row comes with the hit, from the same statement, and its
/// children follow, one statement per party (`load_children_many`).
pub(crate) fn search_parties(conn: &Connection, tiers: &[String; 4], plan: &Plan) -> Result<Vec<SearchHit>> {
    let mut hits = search_with(conn, tiers, plan, PARTY_ROW_COLUMNS, |r, score| {
        Ok(SearchHit { party: party_from_row(r)?, score })
    })?;
    load_children_many(conn, hits.iter_mut().map(|h| &mut h.party))?;
    Ok(hits)
}

/// The hits of a search and a list filter, best first, at most
/// `plan.limit`: `columns` of each party (`p`), read by `read` with the
/// hit's score.
///
/// The tiers are read one after the other, each in rowid order and joined
/// with the parties that pass the filter, lazily: a page the first tiers
/// fill never reads the rest, and no tier is read further than the page
/// needs. A tier's query also matches documents of the tiers before it;
/// those already on the page are skipped, and those the filter refused are
/// refused again.
fn search_with<T>(
    conn: &Connection,
    tiers: &[String; 4],
    plan: &Plan,
    columns: &str,
    mut read: impl FnMut(&Row<'_>, f64) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let (cond, params) = crate::party::sql::where_clause(conn, plan)?;
    let m = params.len() + 1;
    // CROSS JOIN keeps the index as the outer loop, so that rows come in
    // its rowid order without a sort and stop being read when the page is
    // full. The rowid comes last, after the caller's columns.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {columns}, f.rowid
         FROM party_fts f CROSS JOIN search_doc d CROSS JOIN party p
         WHERE party_fts MATCH ?{m} AND d.docid = f.rowid AND p.id = d.party_id AND {cond}
         ORDER BY f.rowid"
    ))?;
    let rowid = stmt.column_count() - 1;
    for (i, v) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, v)?;
    }
    let mut out = Vec::with_capacity(plan.limit);
    let mut taken = HashSet::with_capacity(plan.limit);
    for (query, score) in tiers.iter().zip(TIER_SCORES) {
        stmt.raw_bind_parameter(m, query)?;
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next()? {
            if !taken.insert(r.get::<_, i64>(rowid)?) {
                continue;
            }
            out.push(read(r, score)?);
            if out.len() == plan.limit {
                return Ok(out);
            }
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
    conn.prepare_cached(concat!(
        "INSERT INTO interaction_fts (rowid, subject, outcome, parties)
         SELECT d.docid, i.subject, i.outcome, ",
        interaction_parties!(),
        " FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id WHERE i.id = ?1"
    ))?
    .execute([id])?;
    Ok(())
}

/// The token that stands for a party in the `parties` column of the
/// interaction index, as an FTS5 string.
fn party_token(id: Uuid) -> String {
    format!("\"p{}\"", id.simple())
}

/// The interactions these parties take part in, each once.
pub(crate) fn interactions_of(conn: &Connection, parties: &[Uuid]) -> Result<Vec<Uuid>> {
    let mut ids: Vec<Uuid> = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT interaction_id FROM interaction_party WHERE party_id = ?1")?;
    for p in parties {
        for id in stmt.query_map([p], |r| r.get(0))? {
            ids.push(id?);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Rebuild the documents of these interactions (after a write that changed
/// who took part in them).
pub(crate) fn reindex_interactions(conn: &Connection, ids: &[Uuid]) -> Result<()> {
    ids.iter().try_for_each(|id| reindex_interaction(conn, *id))
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

/// Ids of the interactions matching the tier queries of a search (see
/// [`Crm::search_interactions`](crate::Crm::search_interactions)), best
/// first, at most `limit`, optionally only those `party_id` took part in.
///
/// Each tier is read in descending rowid order (the index gives that order
/// without a sort) and left once the page is full. For a party, each tier
/// also asks for the party's token in the `parties` column, so the index
/// intersects the words with that party's documents; a hit then counts only
/// if the party still takes part in it.
pub(crate) fn search_interactions(
    conn: &Connection,
    tiers: &[String; 4],
    party_id: Option<Uuid>,
    limit: usize,
) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.rowid, d.interaction_id FROM interaction_fts f CROSS JOIN interaction_doc d
         WHERE interaction_fts MATCH ?1 AND d.docid = f.rowid ORDER BY f.rowid DESC",
    )?;
    let mut takes_part =
        conn.prepare_cached("SELECT 1 FROM interaction_party WHERE interaction_id = ?1 AND party_id = ?2")?;
    let token = party_id.map(party_token);
    let mut hits: Vec<Uuid> = Vec::with_capacity(limit);
    let mut taken = HashSet::with_capacity(limit);
    'tiers: for tier in tiers {
        let query = match &token {
            None => Cow::Borrowed(tier.as_str()),
            Some(t) => Cow::Owned(format!("({tier}) AND parties : {t}")),
        };
        let mut rows = stmt.query([query.as_ref()])?;
        while let Some(r) = rows.next()? {
            let id: Uuid = r.get(1)?;
            if !taken.insert(r.get::<_, i64>(0)?) {
                continue;
            }
            if let Some(p) = party_id
                && !takes_part.exists(params![id, p])?
            {
                continue;
            }
            hits.push(id);
            if hits.len() == limit {
                break 'tiers;
            }
        }
    }
    Ok(hits)
}

/// Rebuild both full-text indexes from the tables (after a restore).
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(concat!(
        "DELETE FROM party_fts; DELETE FROM search_doc; DELETE FROM interaction_fts; DELETE FROM interaction_doc;
         INSERT INTO search_doc (party_id) SELECT id FROM party WHERE merged_into IS NULL;
         INSERT INTO interaction_doc (interaction_id) SELECT id FROM interaction;
         INSERT INTO interaction_fts (rowid, subject, outcome, parties)
         SELECT d.docid, i.subject, i.outcome, ",
        interaction_parties!(),
        " FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id;"
    ))?;
    let ids: Vec<Uuid> =
        conn.prepare("SELECT party_id FROM search_doc")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for id in ids {
        reindex_party(conn, id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::list::plan;
    use crate::{Crm, NewParty, PartyFilter, PartyKind, PartyQuery, RoleDetails, RoleKind};

    /// Parties whose words fall in every tier for the searches below.
    fn base() -> Crm {
        let crm = Crm::open_in_memory().unwrap();
        let mut new = Vec::new();
        for i in 0..60 {
            new.push(NewParty::person("Anna", format!("Kalns{i}")).with_email(format!("kaln.{i}@tamm.ee")));
            new.push(NewParty::organization(format!("Tamm Trade {i}")).with_tag("kalnvip"));
            let mut p = NewParty::person("Tammela", "Kalniņa").with_email(format!("anna{i}@kaln.lv"));
            if i % 3 == 0 {
                p = p.with_role(RoleDetails::customer());
            }
            new.push(p);
            new.push(NewParty::person("Jüri", "Saar").with_tag("tamm"));
        }
        crm.create_parties(new).unwrap();
        let saar = crm.search_parties(&crate::SearchQuery::new("Saar")).unwrap();
        for h in saar.iter().take(5) {
            crm.add_note(h.party.id, "met Anna at Kalnciems").unwrap();
        }
        crm
    }

    /// The same ranking written another way: each tier as one query that
    /// leaves out the tiers before it with NOT, joined and filtered, in
    /// rowid order.
    fn disjoint(conn: &Connection, tiers: &[String; 4], plan: &Plan) -> Vec<(Uuid, f64)> {
        let [name_exact, name_prefix, exact, all] = tiers;
        let disjoint = [
            name_exact.clone(),
            format!("{name_prefix} NOT {name_exact}"),
            format!("({exact}) NOT {name_prefix}"),
            format!("({all}) NOT ({name_prefix} OR ({exact}))"),
        ];
        let (cond, mut params) = crate::party::sql::where_clause(conn, plan).unwrap();
        params.push(rusqlite::types::Value::Null);
        let sql = format!(
            "SELECT p.id FROM party_fts f JOIN search_doc d ON d.docid = f.rowid JOIN party p ON p.id = d.party_id
             WHERE party_fts MATCH ?{} AND {cond} ORDER BY f.rowid",
            params.len()
        );
        let mut out = Vec::new();
        for (q, score) in disjoint.iter().zip(TIER_SCORES) {
            *params.last_mut().unwrap() = rusqlite::types::Value::Text(q.clone());
            let mut stmt = conn.prepare(&sql).unwrap();
            let ids = stmt.query_map(rusqlite::params_from_iter(&params), |r| r.get::<_, Uuid>(0)).unwrap();
            out.extend(ids.map(|id| (id.unwrap(), score)));
        }
        out.truncate(plan.limit);
        out
    }

    #[test]
    fn tiers_read_lazily_rank_as_disjoint_tiers_do() {
        let crm = base();
        let filters = [
            PartyFilter::default(),
            PartyFilter { kind: Some(PartyKind::Organization), ..Default::default() },
            PartyFilter { role: Some(RoleKind::Customer), ..Default::default() },
            PartyFilter { tag: Some("nobody".into()), ..Default::default() },
        ];
        let mut tiers_seen = std::collections::BTreeSet::new();
        for text in ["kaln", "kalns", "tamm", "anna", "anna kaln", "tamm kaln", "kalnciems", "jüri", "ee", "zzz", "1"]
        {
            let tiers = super::super::tier_queries(text).unwrap();
            for filter in &filters {
                for limit in [1, 7, 20, 1000] {
                    let plan = plan(&PartyQuery { filter: filter.clone(), limit, ..Default::default() }).unwrap();
                    let (ours, theirs) = crm
                        .store
                        .read(|c| Ok((search(c, &tiers, &plan).unwrap(), disjoint(c, &tiers, &plan))))
                        .unwrap();
                    let ours: Vec<(Uuid, f64)> = ours.iter().map(|h| (h.id, h.score)).collect();
                    assert_eq!(ours, theirs, "{text:?} {filter:?} {limit}");
                    tiers_seen.extend(ours.iter().map(|h| h.1.to_bits()));
                }
            }
        }
        // Every tier was reached by some search.
        assert_eq!(tiers_seen.len(), 4);
    }
}
