//! The raw-rusqlite baselines of the read benchmarks: the SQL the library
//! runs (copied from `party/sql.rs`, `custom/sql.rs` and
//! `relationship/sql.rs`), in one read transaction as `Store::read` runs it,
//! each row read into owned values. What the library adds on top (typed
//! records, JSON parsing of role details and addresses, time conversions,
//! the order of each party's roles, contact points and tags, its statement
//! building) is what the ratio measures.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

pub const PARTY_COLUMNS: &str = "p.id, p.kind, p.display_name, p.given_name, p.family_name, p.birth_date, p.language, \
     p.legal_name, p.registration_number, p.vat_number, p.industry, p.size, p.parent_id, p.commercial_id, \
     p.country, p.archived_at, p.created_at, p.updated_at, p.version, p.sort_key";
/// The party columns a search hit reads (`PARTY_COLUMNS` less the sort key).
const SEARCH_COLUMNS: &str = "p.id, p.kind, p.display_name, p.given_name, p.family_name, p.birth_date, p.language, \
     p.legal_name, p.registration_number, p.vat_number, p.industry, p.size, p.parent_id, p.commercial_id, \
     p.country, p.archived_at, p.created_at, p.updated_at, p.version";
const REL_COLUMNS: &str = "r.id, r.type, r.from_id, r.to_id, r.valid_from, r.valid_to, r.strength, r.notes, r.created_at, r.updated_at, r.version";

/// A role row as read by [`load_children`]: id, details, valid from and to,
/// created, updated, version.
pub type RawRole = (Uuid, String, Option<String>, Option<String>, i64, i64, i64);

/// A party row and its children, as owned column values.
#[derive(Debug, Default)]
pub struct RawParty {
    pub id: Option<Uuid>,
    pub text: Vec<Option<String>>,
    pub ints: Vec<Option<i64>>,
    pub ids: Vec<Option<Uuid>>,
    pub roles: Vec<RawRole>,
    pub contacts: Vec<RawContact>,
    pub tags: Vec<String>,
    pub custom: Vec<(String, String, Value)>,
}

#[derive(Debug)]
pub struct RawContact {
    pub id: Uuid,
    pub kind: String,
    pub value: String,
    pub raw: Option<String>,
    pub data: Option<String>,
    pub label: Option<String>,
    pub primary: bool,
    pub verified: bool,
    pub times: (i64, i64),
    pub version: i64,
}

fn party_row(r: &Row<'_>) -> rusqlite::Result<RawParty> {
    let mut p = RawParty { id: Some(r.get(0)?), ..Default::default() };
    for i in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14] {
        p.text.push(r.get(i)?);
    }
    // The sort key, where the statement reads it (pages do, search does not).
    if r.as_ref().column_count() > 19 {
        p.text.push(r.get(19)?);
    }
    for i in [12, 13] {
        p.ids.push(r.get(i)?);
    }
    for i in [15, 16, 17, 18] {
        p.ints.push(r.get(i)?);
    }
    Ok(p)
}

/// The statement the library reads a party's children with
/// (`party/sql.rs` `CHILDREN_SQL`): roles, contact points, tags and custom
/// values in one statement per party, each row tagged with its kind.
const CHILDREN_SQL: &str = "SELECT 0, id, NULL, details, valid_from, valid_to, created_at, updated_at, version, \
         NULL, NULL, NULL, NULL FROM party_role WHERE party_id = ?1 \
     UNION ALL SELECT 1, id, NULL, kind, value, raw, data, label, is_primary, verified, created_at, updated_at, \
         version FROM contact_point WHERE party_id = ?1 \
     UNION ALL SELECT 2, tag, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM tag WHERE party_id = ?1 \
     UNION ALL SELECT 3, field_id, value, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM custom_value WHERE entity_id = ?1";

/// The name and type of each custom field met by one call, read once (as
/// the library's `Fields`).
pub type RawFields = Vec<(Uuid, Option<(String, String)>)>;

/// The children of a party, by the library's statement (`load_children`),
/// in the order the rows come (the library then sorts roles, contact points
/// and tags; the baseline does not).
pub fn load_children(conn: &Connection, p: &mut RawParty) {
    load_children_with(conn, p, &mut Vec::new());
}

/// [`load_children`] with the fields already met in the same call.
pub fn load_children_with(conn: &Connection, p: &mut RawParty, fields: &mut RawFields) {
    let id = p.id.unwrap();
    let mut stmt = conn.prepare_cached(CHILDREN_SQL).unwrap();
    let mut rows = stmt.query([id]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        match r.get::<_, i64>(0).unwrap() {
            0 => p.roles.push((
                r.get(1).unwrap(),
                r.get(3).unwrap(),
                r.get(4).unwrap(),
                r.get(5).unwrap(),
                r.get(6).unwrap(),
                r.get(7).unwrap(),
                r.get(8).unwrap(),
            )),
            1 => p.contacts.push(RawContact {
                id: r.get(1).unwrap(),
                kind: r.get(3).unwrap(),
                value: r.get(4).unwrap(),
                raw: r.get(5).unwrap(),
                data: r.get(6).unwrap(),
                label: r.get(7).unwrap(),
                primary: r.get(8).unwrap(),
                verified: r.get(9).unwrap(),
                times: (r.get(10).unwrap(), r.get(11).unwrap()),
                version: r.get(12).unwrap(),
            }),
            2 => p.tags.push(r.get(1).unwrap()),
            _ => {
                let field: Uuid = r.get(1).unwrap();
                let i = match fields.iter().position(|(f, _)| *f == field) {
                    Some(i) => i,
                    None => {
                        let def = conn
                            .prepare_cached("SELECT name, field_type FROM custom_field WHERE id = ?1")
                            .unwrap()
                            .query_row([field], |r| Ok((r.get(0)?, r.get(1)?)))
                            .optional()
                            .unwrap();
                        fields.push((field, def));
                        fields.len() - 1
                    }
                };
                if let Some((name, t)) = &fields[i].1 {
                    p.custom.push((name.clone(), t.clone(), r.get(2).unwrap()));
                }
            }
        }
    }
}

/// `get_party`: the party row, then its children.
pub fn get_party(conn: &Connection, id: Uuid) -> Option<RawParty> {
    let mut p = conn
        .prepare_cached(&format!("SELECT {PARTY_COLUMNS} FROM party p WHERE p.id = ?1"))
        .unwrap()
        .query_row([id], party_row)
        .optional()
        .unwrap()?;
    load_children(conn, &mut p);
    Some(p)
}

/// The WHERE clause `list_parties` and `count_parties` build for
/// `role = customer, country = ?` (active parties only).
pub const CUSTOMER_COUNTRY: &str = "p.archived_at IS NULL AND (p.roles & ?1) <> 0 AND p.country = ?2";

/// The first page of `list_parties` for that filter, by name: `limit + 1`
/// rows to learn whether more follow, then the children of each.
pub fn list_customers_in(conn: &Connection, role_bit: i64, country: &str, limit: usize) -> (Vec<RawParty>, bool) {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {PARTY_COLUMNS} FROM party p WHERE {CUSTOMER_COUNTRY} ORDER BY p.sort_key ASC, p.id ASC LIMIT ?3"
        ))
        .unwrap();
    let mut rows = stmt.query(params![role_bit, country, limit as i64 + 1]).unwrap();
    let mut items = Vec::with_capacity(limit);
    let mut more = false;
    while let Some(row) = rows.next().unwrap() {
        if items.len() == limit {
            more = true;
            break;
        }
        items.push(party_row(row).unwrap());
    }
    drop(rows);
    for p in &mut items {
        load_children(conn, p);
    }
    (items, more)
}

/// `count_parties` for that filter.
pub fn count_customers_in(conn: &Connection, role_bit: i64, country: &str) -> i64 {
    conn.prepare_cached(&format!("SELECT count(*) FROM party p WHERE {CUSTOMER_COUNTRY}"))
        .unwrap()
        .query_row(params![role_bit, country], |r| r.get(0))
        .unwrap()
}

/// One neighbour row, owned.
#[derive(Debug)]
pub struct RawNeighbour {
    pub rel_id: Uuid,
    pub type_code: String,
    pub ends: (Uuid, Uuid),
    pub valid: (Option<String>, Option<String>),
    pub strength: Option<f64>,
    pub notes: Option<String>,
    pub times: (i64, i64),
    pub version: i64,
    pub party_id: Uuid,
    pub display_name: String,
    pub kind: String,
    pub label: String,
    pub dir: String,
}

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

/// `neighbours` with the default query (both directions, any type, any
/// date, active neighbours): the party's existence check, both directions
/// in one statement, then the same sort by label, name and id.
pub fn neighbours(conn: &Connection, id: Uuid) -> Option<Vec<RawNeighbour>> {
    conn.prepare_cached("SELECT kind, archived_at IS NOT NULL, commercial_id FROM party WHERE id = ?1")
        .unwrap()
        .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, Uuid>(2)?)))
        .optional()
        .unwrap()?;
    let sql = format!(
        "{} UNION ALL {}",
        neighbour_sql("from_id", "to_id", "forward_label", "out"),
        neighbour_sql("to_id", "from_id", "inverse_label", "in")
    );
    let mut stmt = conn.prepare_cached(&sql).unwrap();
    let mut out: Vec<RawNeighbour> = stmt
        .query_map(params![id, None::<String>, None::<String>, false], |r| {
            Ok(RawNeighbour {
                rel_id: r.get(0)?,
                type_code: r.get(1)?,
                ends: (r.get(2)?, r.get(3)?),
                valid: (r.get(4)?, r.get(5)?),
                strength: r.get(6)?,
                notes: r.get(7)?,
                times: (r.get(8)?, r.get(9)?),
                version: r.get(10)?,
                party_id: r.get(11)?,
                display_name: r.get(12)?,
                kind: r.get(13)?,
                label: r.get(14)?,
                dir: r.get(15)?,
            })
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.sort_by(|a, b| {
        a.label
            .cmp(&b.label)
            .then_with(|| a.display_name.to_lowercase().cmp(&b.display_name.to_lowercase()))
            .then_with(|| a.party_id.cmp(&b.party_id))
    });
    Some(out)
}

// ---------------------------------------------------------------- issue #5, #6, #7

/// One interaction row and its participants, owned.
#[derive(Debug)]
pub struct RawInteraction {
    pub id: Uuid,
    pub text: Vec<Option<String>>,
    pub ints: Vec<Option<i64>>,
    pub links: Vec<Option<Uuid>>,
    pub participants: Vec<(Uuid, String)>,
}

const INTERACTION_COLUMNS: &str = "id, channel, direction, occurred_at, duration_seconds, subject, body, outcome, \
     opportunity_id, order_id, campaign_id, case_id, created_at, updated_at, version, lead_id";

/// `get_interaction` (`interaction/sql.rs`): the row, then its participants.
pub fn get_interaction(conn: &Connection, id: Uuid) -> RawInteraction {
    let mut it = conn
        .prepare_cached(&format!("SELECT {INTERACTION_COLUMNS} FROM interaction WHERE id = ?1"))
        .unwrap()
        .query_row([id], |r| {
            Ok(RawInteraction {
                id: r.get(0)?,
                text: vec![r.get(1)?, r.get(2)?, r.get(5)?, r.get(6)?, r.get(7)?],
                ints: vec![r.get(3)?, r.get(4)?, r.get(12)?, r.get(13)?, r.get(14)?],
                links: vec![r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(15)?],
                participants: Vec::new(),
            })
        })
        .unwrap();
    it.participants = conn
        .prepare_cached("SELECT party_id, role FROM interaction_party WHERE interaction_id = ?1")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    it
}

/// `timeline` of a person, first page (`Crm::timeline`,
/// `interaction/sql.rs` `timeline`): the party's head, `limit + 1` keys
/// newest first, then each interaction.
pub fn timeline(conn: &Connection, party: Uuid, limit: usize) -> (Vec<RawInteraction>, bool) {
    let kind: String = conn
        .prepare_cached("SELECT kind, archived_at IS NOT NULL, commercial_id FROM party WHERE id = ?1")
        .unwrap()
        .query_row([party], |r| r.get(0))
        .unwrap();
    assert_eq!(kind, "person");
    let mut stmt = conn
        .prepare_cached(
            "SELECT DISTINCT ip.interaction_id, ip.occurred_at FROM interaction_party ip 
         WHERE ip.party_id = ?1 ORDER BY ip.occurred_at DESC, ip.interaction_id DESC LIMIT ?2",
        )
        .unwrap();
    let mut keys: Vec<(Uuid, i64)> = stmt
        .query_map(params![party, limit as i64 + 1], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let more = keys.len() > limit;
    keys.truncate(limit);
    (keys.iter().map(|(id, _)| get_interaction(conn, *id)).collect(), more)
}

/// `pipeline_summary` (`sales/sql.rs`): the pipeline and its stages, then
/// count, amount and weighted amount per stage and currency.
pub fn pipeline_summary(conn: &Connection, pipeline: Uuid) -> Vec<(Uuid, String, i64, i64, i64)> {
    let name: String = conn
        .prepare_cached("SELECT id, name, created_at, updated_at, version FROM pipeline WHERE id = ?1")
        .unwrap()
        .query_row([pipeline], |r| r.get(1))
        .unwrap();
    let stages: Vec<(Uuid, String)> = conn
        .prepare_cached(
            "SELECT id, name, position, probability, outcome FROM pipeline_stage WHERE pipeline_id = ?1 ORDER BY position",
        )
        .unwrap()
        .query_map([pipeline], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!name.is_empty() && !stages.is_empty());
    conn.prepare_cached(
        "SELECT o.stage_id, o.currency, count(*), sum(o.amount_minor),
                sum((o.amount_minor * coalesce(o.probability, s.probability) + 50) / 100)
         FROM opportunity o JOIN pipeline_stage s ON s.id = o.stage_id
         WHERE o.pipeline_id = ?1
         GROUP BY o.stage_id, o.currency",
    )
    .unwrap()
    .query_map([pipeline], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The four ranking tiers of `search_parties` (`search/mod.rs`), as FTS5
/// queries built from `fts_query`'s output: whole words of the names,
/// prefixes of the names, whole words anywhere, prefixes anywhere, each
/// leaving out the tiers before it.
pub fn tier_queries(fts: &str) -> [String; 4] {
    let prefix = fts.to_string();
    // `fts_query` quotes words that hold only letters, digits and marks.
    let exact = fts.replace("\"*", "\"");
    [
        format!("name : ({exact})"),
        format!("name : ({prefix}) NOT name : ({exact})"),
        format!("({exact}) NOT name : ({prefix})"),
        format!("({prefix}) NOT (name : ({prefix}) OR ({exact}))"),
    ]
}

/// `suggest_parties` with no filter, in plain SQL: each tier joined with the
/// active parties in one statement, in index order, until the page is full.
pub fn search_light(conn: &Connection, fts: &str, limit: usize) -> Vec<(Uuid, String, String, f64)> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.id, p.kind, p.display_name
             FROM party_fts f JOIN search_doc d ON d.docid = f.rowid JOIN party p ON p.id = d.party_id
             WHERE party_fts MATCH ?1 AND p.archived_at IS NULL
             ORDER BY f.rowid LIMIT ?2",
        )
        .unwrap();
    let mut out = Vec::with_capacity(limit);
    for (query, score) in tier_queries(fts).iter().zip([4.0, 3.0, 2.0, 1.0]) {
        let rows = stmt
            .query_map(params![query, (limit - out.len()) as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, score)))
            .unwrap();
        out.extend(rows.map(Result::unwrap));
        if out.len() == limit {
            break;
        }
    }
    out
}

/// `search_parties` with no filter: the statement of [`search_light`]
/// reading each hit's whole party row, as the library's does, then each
/// party's children.
pub fn search(conn: &Connection, fts: &str, limit: usize) -> Vec<(RawParty, f64)> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {SEARCH_COLUMNS}
             FROM party_fts f JOIN search_doc d ON d.docid = f.rowid JOIN party p ON p.id = d.party_id
             WHERE party_fts MATCH ?1 AND p.archived_at IS NULL
             ORDER BY f.rowid LIMIT ?2"
        ))
        .unwrap();
    let mut out: Vec<(RawParty, f64)> = Vec::with_capacity(limit);
    for (query, score) in tier_queries(fts).iter().zip([4.0, 3.0, 2.0, 1.0]) {
        let rows = stmt.query_map(params![query, (limit - out.len()) as i64], |r| Ok((party_row(r)?, score))).unwrap();
        out.extend(rows.map(Result::unwrap));
        if out.len() == limit {
            break;
        }
    }
    let mut fields = Vec::new();
    for (p, _) in &mut out {
        load_children_with(conn, p, &mut fields);
    }
    out
}

/// What `search_parties` did before the tiers: BM25 over every match,
/// joined with the parties first (the best 20 ids and their ranks).
pub fn search_bm25(conn: &Connection, fts: &str, limit: usize) -> Vec<(Uuid, f64)> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.id, bm25(party_fts, 10.0, 4.0, 3.0, 1.0) AS rank
         FROM party_fts f JOIN search_doc d ON d.docid = f.rowid JOIN party p ON p.id = d.party_id
         WHERE party_fts MATCH ?1 AND p.archived_at IS NULL
         ORDER BY rank, p.id LIMIT ?2",
        )
        .unwrap();
    stmt.query_map(params![fts, limit as i64], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

/// What `search_parties` did just before the tiers, less reading the
/// parties: BM25 inside FTS5 over every match, the best of a window joined
/// with the active parties; when that leaves too few and the index holds
/// more, a count, and a window eight times wider.
pub fn search_bm25_in_index(conn: &Connection, fts: &str, limit: usize) -> Vec<(Uuid, f64)> {
    let mut stmt = conn
        .prepare_cached(
            "WITH hits AS (
                 SELECT rowid, bm25(party_fts, 10.0, 4.0, 3.0, 1.0) AS rank FROM party_fts
                 WHERE party_fts MATCH ?1 ORDER BY rank LIMIT ?2)
             SELECT p.id, h.rank
             FROM hits h JOIN search_doc d ON d.docid = h.rowid JOIN party p ON p.id = d.party_id
             WHERE p.archived_at IS NULL
             ORDER BY h.rank, p.id LIMIT ?3",
        )
        .unwrap();
    let mut window = (limit * 4).max(64) as i64;
    loop {
        let ranked: Vec<(Uuid, f64)> = stmt
            .query_map(params![fts, window, limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        if ranked.len() >= limit {
            return ranked;
        }
        let hits: i64 = conn
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM party_fts WHERE party_fts MATCH ?1 LIMIT ?2)")
            .unwrap()
            .query_row(params![fts, window], |r| r.get(0))
            .unwrap();
        if hits < window {
            return ranked;
        }
        window = window.saturating_mul(8);
    }
}

/// The bare FTS5 lookup: the first `limit` rowids matching, unranked.
pub fn fts_only(conn: &Connection, fts: &str, limit: usize) -> Vec<i64> {
    conn.prepare_cached("SELECT rowid FROM party_fts WHERE party_fts MATCH ?1 LIMIT ?2")
        .unwrap()
        .query_map(params![fts, limit as i64], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// `purchase_days` (`analytics/sql.rs`): every customer's purchase days
/// (party, day number since 1970-01-01, total, orders), the floor under
/// RFM, CLV and churn risk: the same ordered scan of the covering index,
/// summing each customer's day in a plain loop.
pub fn purchase_days(conn: &Connection, end_us: i64) -> Vec<(Uuid, i64, i64, i64)> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT party_id, placed_at, total_minor
             FROM sales_order INDEXED BY sales_order_by_party
             WHERE status IN ('placed', 'paid', 'shipped', 'delivered') AND currency = ?1 AND placed_at IS NOT NULL AND placed_at < ?2
             ORDER BY party_id, placed_at",
        )
        .unwrap();
    let mut rows = stmt.query(params!["EUR", end_us]).unwrap();
    let mut out: Vec<(Uuid, i64, i64, i64)> = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        let party: Uuid = r.get(0).unwrap();
        let day = (r.get::<_, i64>(1).unwrap() / 1_000_000).div_euclid(86_400);
        let total: i64 = r.get(2).unwrap();
        match out.last_mut() {
            Some(d) if d.0 == party && d.1 == day => {
                d.2 += total;
                d.3 += 1;
            }
            _ => out.push((party, day, total, 1)),
        }
    }
    out
}
