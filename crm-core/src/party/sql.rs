//! The SQL of parties, roles, contact points, tags and notes.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use uuid::Uuid;

use super::list::{ArchivedFilter, Plan, scope};
use super::{
    ContactKind, ContactPoint, ContactValue, Core, NewContactPoint, Note, OrganizationSize, Party, PartyKind,
    PartySort, Prepared, Role, RoleDetails, RoleKind, sort_key,
};
use crate::custom::{self, FieldType};
use crate::error::{Error, Result};
use crate::page::{Cursor, CursorKey, Page};
use crate::store::{Tx, from_micros, to_micros};

/// The columns [`party_from_row`] reads, in its order.
macro_rules! party_row_columns {
    () => {
        "p.id, p.kind, p.display_name, p.given_name, p.family_name, p.birth_date, p.language, p.legal_name, \
         p.registration_number, p.vat_number, p.industry, p.size, p.parent_id, p.commercial_id, p.country, \
         p.archived_at, p.created_at, p.updated_at, p.version"
    };
}

/// The columns of a party row that [`party_from_row`] reads.
pub(crate) const PARTY_ROW_COLUMNS: &str = party_row_columns!();

/// [`PARTY_ROW_COLUMNS`], then the sort key (19) and the survivor of a
/// merge (20).
const PARTY_COLUMNS: &str = concat!(party_row_columns!(), ", p.sort_key, p.merged_into");

/// A party row without its children.
pub(crate) fn party_from_row(r: &Row<'_>) -> rusqlite::Result<Party> {
    let kind = PartyKind::parse(r.get_ref(1)?.as_str()?).unwrap_or_default();
    let size = r.get_ref(11)?.as_str_or_null()?.and_then(OrganizationSize::parse);
    Ok(Party {
        id: r.get(0)?,
        kind,
        display_name: r.get(2)?,
        given_name: r.get(3)?,
        family_name: r.get(4)?,
        birth_date: r.get(5)?,
        language: r.get(6)?,
        legal_name: r.get(7)?,
        registration_number: r.get(8)?,
        vat_number: r.get(9)?,
        industry: r.get(10)?,
        size,
        parent_id: r.get(12)?,
        commercial_id: r.get(13)?,
        country: r.get(14)?,
        archived_at: r.get::<_, Option<i64>>(15)?.map(from_micros),
        created_at: from_micros(r.get(16)?),
        updated_at: from_micros(r.get(17)?),
        version: r.get(18)?,
        roles: Vec::new(),
        contact_points: Vec::new(),
        tags: Vec::new(),
        custom: Default::default(),
    })
}

/// The few facts about a party that rules check.
pub(crate) struct Head {
    pub(crate) kind: PartyKind,
    /// Archived, or merged into another party.
    pub(crate) archived: bool,
    pub(crate) commercial_id: Uuid,
}

pub(crate) fn head(conn: &Connection, id: Uuid) -> Result<Option<Head>> {
    Ok(conn
        .prepare_cached("SELECT kind, archived_at IS NOT NULL, commercial_id FROM party WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Head {
                kind: PartyKind::parse(&r.get::<_, String>(0)?).unwrap_or_default(),
                archived: r.get(1)?,
                commercial_id: r.get(2)?,
            })
        })
        .optional()?)
}

/// The parent chain above `id`, nearest first (bounded, in case a file was
/// edited by hand into a cycle).
pub(crate) fn ancestors(conn: &Connection, id: Uuid) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE up(id, depth) AS (
             SELECT parent_id, 1 FROM party WHERE id = ?1 AND parent_id IS NOT NULL
             UNION
             SELECT p.parent_id, up.depth + 1 FROM party p JOIN up ON p.id = up.id
             WHERE p.parent_id IS NOT NULL AND up.depth < 1000)
         SELECT id FROM up ORDER BY depth",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Set the commercial id of `id` and everything below it to the top of its chain.
pub(crate) fn recompute_commercial(conn: &Connection, id: Uuid) -> Result<()> {
    let top = ancestors(conn, id)?.last().copied().unwrap_or(id);
    conn.prepare_cached(
        "WITH RECURSIVE down(id, depth) AS (
             SELECT ?1, 0
             UNION
             SELECT p.id, down.depth + 1 FROM party p JOIN down ON p.parent_id = down.id WHERE down.depth < 1000)
         UPDATE party SET commercial_id = ?2 WHERE id IN (SELECT id FROM down)",
    )?
    .execute(params![id, top])?;
    Ok(())
}

pub(crate) fn insert_party(tx: &Tx<'_>, p: &Prepared, commercial_id: Uuid) -> Result<Party> {
    let now = to_micros(tx.now);
    let c = &p.core;
    let roles_bits = p.roles.iter().fold(0i64, |acc, r| acc | role_bit(r.details.kind()));
    let country = p
        .contacts
        .iter()
        .find(|(v, _, nc)| nc.primary && v.kind() == ContactKind::Address)
        .and_then(|(v, _, _)| v.country().map(str::to_string));
    let inserted = tx
        .conn()
        .prepare_cached(
            "INSERT INTO party (id, kind, display_name, sort_key, given_name, family_name, birth_date, language,
                 legal_name, registration_number, vat_number, industry, size, parent_id, commercial_id, country,
                 roles, archived_at, created_at, updated_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, NULL, ?18, ?18, 1)",
        )?
        .execute(params![
            p.id,
            c.kind.as_str(),
            c.display_name,
            sort_key(&c.display_name),
            c.given_name,
            c.family_name,
            c.birth_date,
            c.language,
            c.legal_name,
            c.registration_number,
            c.vat_number,
            c.industry,
            c.size.map(OrganizationSize::as_str),
            c.parent_id,
            commercial_id,
            country,
            roles_bits,
            now
        ]);
    if let Err(rusqlite::Error::SqliteFailure(f, _)) = &inserted
        && f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    {
        return Err(Error::validation("id", format!("a party {} exists already", p.id)));
    }
    inserted?;
    let mut party = Party {
        id: p.id,
        kind: c.kind,
        display_name: c.display_name.clone(),
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        birth_date: c.birth_date,
        language: c.language.clone(),
        legal_name: c.legal_name.clone(),
        registration_number: c.registration_number.clone(),
        vat_number: c.vat_number.clone(),
        industry: c.industry.clone(),
        size: c.size,
        parent_id: c.parent_id,
        commercial_id,
        country,
        roles: Vec::with_capacity(p.roles.len()),
        contact_points: Vec::with_capacity(p.contacts.len()),
        tags: p.tags.clone(),
        custom: Default::default(),
        archived_at: None,
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    };
    for r in &p.roles {
        party.roles.push(insert_role(tx, p.id, &r.details, r.valid_from, r.valid_to)?);
    }
    for (value, raw, nc) in &p.contacts {
        party.contact_points.push(insert_contact(tx, p.id, value, raw.as_deref(), nc)?);
    }
    // The order in which `load_children_many` reads them back.
    party.contact_points.sort_by(|a, b| {
        (a.value.kind().as_str(), !a.primary, a.created_at, a.id).cmp(&(
            b.value.kind().as_str(),
            !b.primary,
            b.created_at,
            b.id,
        ))
    });
    if !p.tags.is_empty() {
        let mut stmt = tx.conn().prepare_cached("INSERT INTO tag (party_id, tag) VALUES (?1, ?2)")?;
        for t in &p.tags {
            stmt.execute(params![p.id, t])?;
        }
    }
    if !p.custom.is_empty() {
        custom::sql::write_values(tx.conn(), &p.id, &p.custom)?;
        party.custom = p.custom.iter().filter_map(|(d, v)| Some((d.name.clone(), v.clone()?))).collect();
    }
    Ok(party)
}

/// Fill in a party's roles, contact points, tags and custom values.
fn load_children(conn: &Connection, party: &mut Party) -> Result<()> {
    load_children_many(conn, std::slice::from_mut(party))
}

/// The roles, contact points, tags and custom values of one party, in one
/// statement: each row starts with its kind (0 role, 1 contact point, 2 tag,
/// 3 custom value) and holds that child's columns from the second on
/// (`ROLE_COLUMNS`, `CONTACT_COLUMNS`, less the party id, which the caller
/// knows; the tag; the field's id and the value), padded with NULLs to the
/// width of the widest. Each part is a seek of its table's primary key,
/// whose first column is the party id; no part is sorted by SQLite, and the
/// custom values are not joined with their fields (see [`Fields`]).
const CHILDREN_SQL: &str = "SELECT 0, id, NULL, details, valid_from, valid_to, created_at, updated_at, version, \
         NULL, NULL, NULL, NULL FROM party_role WHERE party_id = ?1 \
     UNION ALL SELECT 1, id, NULL, kind, value, raw, data, label, is_primary, verified, created_at, updated_at, \
         version FROM contact_point WHERE party_id = ?1 \
     UNION ALL SELECT 2, tag, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM tag WHERE party_id = ?1 \
     UNION ALL SELECT 3, field_id, value, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL \
         FROM custom_value WHERE entity_id = ?1";

/// Fill in the roles, contact points, tags and custom values of many
/// parties: one statement per party ([`CHILDREN_SQL`]), which on a page of
/// 20 among 1M parties costs less than a statement per kind of child over
/// an `IN` list of the page's ids (SQLite builds a temporary index of the
/// list, then seeks each id all the same). Its rows come in no particular
/// order; roles, contact points and tags are put in their order here, which
/// costs less than SQLite's sort of the same few rows (see [`sort_roles`]
/// and [`sort_contacts`]; tags by their bytes, as `ORDER BY tag` compares
/// them).
pub(crate) fn load_children_many<'a>(
    conn: &Connection,
    parties: impl IntoIterator<Item = &'a mut Party>,
) -> Result<()> {
    let mut parties = parties.into_iter().peekable();
    if parties.peek().is_none() {
        return Ok(());
    }
    let mut stmt = conn.prepare_cached(CHILDREN_SQL)?;
    let mut fields = Fields::default();
    let mut contacts = Vec::new();
    for p in parties {
        p.roles.clear();
        p.tags.clear();
        p.custom.clear();
        let mut rows = stmt.query([p.id])?;
        while let Some(r) = rows.next()? {
            match r.get::<_, i64>(0)? {
                0 => p.roles.push(role_at(r, 1, Some(p.id))?),
                1 => contacts.push(contact_at(r, 1, Some(p.id))?),
                2 => p.tags.push(r.get(1)?),
                _ => {
                    if let Some((name, t)) = fields.get(conn, r.get(1)?)?
                        && let Some(v) = custom::CustomValue::from_sql(t, r.get(2)?)
                    {
                        p.custom.insert(name.to_string(), v);
                    }
                }
            }
        }
        sort_roles(&mut p.roles);
        sort_contacts(&mut contacts);
        p.contact_points.clear();
        p.contact_points.extend(contacts.drain(..).map(|(_, c)| c));
        p.tags.sort_unstable();
    }
    Ok(())
}

/// The name and type of each custom field that the values read by one
/// call refer to, each read once, when first met: a page of parties holds
/// values of a few fields, and a join would look each field up again for
/// every value. `None` for a field that is gone, whose values the join
/// would have left out.
#[derive(Default)]
struct Fields(Vec<(Uuid, Option<(String, FieldType)>)>);

impl Fields {
    fn get(&mut self, conn: &Connection, id: Uuid) -> Result<Option<(&str, FieldType)>> {
        let i = match self.0.iter().position(|(f, _)| *f == id) {
            Some(i) => i,
            None => {
                let field = conn
                    .prepare_cached("SELECT name, field_type FROM custom_field WHERE id = ?1")?
                    .query_row([id], |r| Ok((r.get::<_, String>(0)?, FieldType::parse(r.get_ref(1)?.as_str()?))))
                    .optional()?;
                self.0.push((id, field));
                self.0.len() - 1
            }
        };
        Ok(self.0[i].1.as_ref().map(|(name, t)| (name.as_str(), *t)))
    }
}

/// Roles in the order they are read back: `ORDER BY created_at, id`.
fn sort_roles(roles: &mut [Role]) {
    roles.sort_unstable_by_key(|r| (r.created_at, r.id));
}

/// Contact points in the order they are read back:
/// `ORDER BY kind, is_primary DESC, created_at, id`, each with its kind as
/// stored (compared by its bytes, as SQLite compares text).
fn sort_contacts(contacts: &mut [(Cow<'static, str>, ContactPoint)]) {
    contacts.sort_unstable_by(|(ka, a), (kb, b)| {
        (ka.as_bytes(), !a.primary, a.created_at, a.id).cmp(&(kb.as_bytes(), !b.primary, b.created_at, b.id))
    });
}

/// A party by id, exactly (a merged party's tombstone too, without children).
fn get_row(conn: &Connection, id: Uuid) -> Result<Option<(Party, Option<Uuid>)>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PARTY_COLUMNS} FROM party p WHERE p.id = ?1"))?
        .query_row([id], |r| Ok((party_from_row(r)?, r.get::<_, Option<Uuid>>(20)?)))
        .optional()?)
}

/// A party by id with everything it holds; the id of a party merged away
/// resolves to its survivor.
pub(crate) fn get_party(conn: &Connection, id: Uuid) -> Result<Option<Party>> {
    let mut id = id;
    for _ in 0..32 {
        match get_row(conn, id)? {
            None => return Ok(None),
            Some((_, Some(survivor))) => id = survivor,
            Some((mut p, None)) => {
                load_children(conn, &mut p)?;
                return Ok(Some(p));
            }
        }
    }
    Ok(None)
}

/// A party to change: it must exist and not have been merged away.
pub(crate) fn get_for_write(conn: &Connection, id: Uuid) -> Result<Party> {
    match get_row(conn, id)? {
        None => Err(Error::not_found("party", id)),
        Some((_, Some(survivor))) => {
            Err(Error::validation("id", format!("party {id} was merged into {survivor}; change the survivor")))
        }
        Some((mut p, None)) => {
            load_children(conn, &mut p)?;
            Ok(p)
        }
    }
}

pub(crate) fn update_core(tx: &Tx<'_>, id: Uuid, c: &Core) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE party SET display_name = ?2, sort_key = ?3, given_name = ?4, family_name = ?5, birth_date = ?6,
                 language = ?7, legal_name = ?8, registration_number = ?9, vat_number = ?10, industry = ?11,
                 size = ?12, parent_id = ?13, updated_at = ?14, version = version + 1
             WHERE id = ?1",
        )?
        .execute(params![
            id,
            c.display_name,
            sort_key(&c.display_name),
            c.given_name,
            c.family_name,
            c.birth_date,
            c.language,
            c.legal_name,
            c.registration_number,
            c.vat_number,
            c.industry,
            c.size.map(OrganizationSize::as_str),
            c.parent_id,
            to_micros(tx.now)
        ])?;
    Ok(())
}

pub(crate) fn touch(tx: &Tx<'_>, id: Uuid) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE party SET updated_at = ?2, version = version + 1 WHERE id = ?1")?
        .execute(params![id, to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn set_archived(tx: &Tx<'_>, id: Uuid, at: Option<DateTime<Utc>>) -> Result<()> {
    tx.conn()
        .prepare_cached("UPDATE party SET archived_at = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1")?
        .execute(params![id, at.map(to_micros), to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn delete_party(conn: &Connection, id: Uuid) -> Result<()> {
    let children: Vec<Uuid> = conn
        .prepare_cached("SELECT id FROM party WHERE parent_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached("UPDATE party SET parent_id = NULL WHERE parent_id = ?1")?.execute([id])?;
    for child in children {
        recompute_commercial(conn, child)?;
    }
    custom::sql::delete_values(conn, &id)?;
    conn.prepare_cached("DELETE FROM party WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub(crate) fn change_tags(tx: &Tx<'_>, party_id: Uuid, tags: &[String], add: bool) -> Result<usize> {
    let sql = if add {
        "INSERT OR IGNORE INTO tag (party_id, tag) VALUES (?1, ?2)"
    } else {
        "DELETE FROM tag WHERE party_id = ?1 AND tag = ?2"
    };
    let mut stmt = tx.conn().prepare_cached(sql)?;
    let mut n = 0;
    for t in tags {
        n += stmt.execute(params![party_id, t])?;
    }
    Ok(n)
}

// ---------------------------------------------------------------- contact points

const CONTACT_COLUMNS: &str =
    "id, party_id, kind, value, raw, data, label, is_primary, verified, created_at, updated_at, version";

fn contact_from_row(r: &Row<'_>) -> rusqlite::Result<ContactPoint> {
    Ok(contact_at(r, 0, None)?.1)
}

/// A contact point whose `CONTACT_COLUMNS` start at column `at` (its party's
/// id read from them unless given), and its kind as stored (borrowed when it
/// is one of the known kinds).
fn contact_at(r: &Row<'_>, at: usize, party_id: Option<Uuid>) -> rusqlite::Result<(Cow<'static, str>, ContactPoint)> {
    let stored = r.get_ref(at + 2)?.as_str()?;
    let kind = ContactKind::parse(stored);
    let sort_kind = match kind {
        Some(k) => Cow::Borrowed(k.as_str()),
        None => Cow::Owned(stored.to_string()),
    };
    let value = ContactValue::from_stored(kind, r.get(at + 3)?, r.get_ref(at + 5)?.as_str_or_null()?);
    Ok((
        sort_kind,
        ContactPoint {
            id: r.get(at)?,
            party_id: party_id.map_or_else(|| r.get(at + 1), Ok)?,
            value,
            raw: r.get(at + 4)?,
            label: r.get(at + 6)?,
            primary: r.get(at + 7)?,
            verified: r.get(at + 8)?,
            created_at: from_micros(r.get(at + 9)?),
            updated_at: from_micros(r.get(at + 10)?),
            version: r.get(at + 11)?,
        },
    ))
}

pub(crate) fn insert_contact(
    tx: &Tx<'_>,
    party_id: Uuid,
    value: &ContactValue,
    raw: Option<&str>,
    nc: &NewContactPoint,
) -> Result<ContactPoint> {
    let id = Uuid::now_v7();
    let now = to_micros(tx.now);
    tx.conn()
        .prepare_cached(&format!(
            "INSERT INTO contact_point ({CONTACT_COLUMNS}, country) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 1, ?11)"
        ))?
        .execute(params![
            id,
            party_id,
            value.kind().as_str(),
            value.key(),
            raw,
            value.data_json(),
            nc.label,
            nc.primary,
            nc.verified,
            now,
            value.country()
        ])?;
    Ok(ContactPoint {
        id,
        party_id,
        value: value.clone(),
        raw: raw.map(str::to_string),
        label: nc.label.clone(),
        primary: nc.primary,
        verified: nc.verified,
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    })
}

pub(crate) fn get_contact(conn: &Connection, id: Uuid) -> Result<ContactPoint> {
    conn.prepare_cached(&format!("SELECT {CONTACT_COLUMNS} FROM contact_point WHERE id = ?1"))?
        .query_row([id], contact_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("contact_point", id))
}

pub(crate) fn update_contact(tx: &Tx<'_>, c: &ContactPoint) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE contact_point SET kind = ?2, value = ?3, raw = ?4, data = ?5, label = ?6, is_primary = ?7,
                 verified = ?8, country = ?9, updated_at = ?10, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![
            c.id,
            c.value.kind().as_str(),
            c.value.key(),
            c.raw,
            c.value.data_json(),
            c.label,
            c.primary,
            c.verified,
            c.value.country(),
            to_micros(tx.now)
        ])?;
    Ok(())
}

pub(crate) fn delete_contact(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM contact_point WHERE id = ?1")?.execute([id])?;
    Ok(())
}

/// Keep one primary contact point per kind and the party's country in step
/// with its primary address. `chosen`: a contact point just written and
/// whether it asked to be primary.
pub(crate) fn settle_contacts(
    tx: &Tx<'_>,
    party_id: Uuid,
    chosen: Option<(Uuid, bool)>,
    kind: ContactKind,
) -> Result<()> {
    let conn = tx.conn();
    let now = to_micros(tx.now);
    if let Some((id, true)) = chosen {
        conn.prepare_cached(
            "UPDATE contact_point SET is_primary = 0, updated_at = ?4, version = version + 1
             WHERE party_id = ?1 AND kind = ?2 AND id <> ?3 AND is_primary",
        )?
        .execute(params![party_id, kind.as_str(), id, now])?;
    }
    let has_primary: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM contact_point WHERE party_id = ?1 AND kind = ?2 AND is_primary)")?
        .query_row(params![party_id, kind.as_str()], |r| r.get(0))?;
    if !has_primary {
        conn.prepare_cached(
            "UPDATE contact_point SET is_primary = 1, updated_at = ?3, version = version + 1
             WHERE id = (SELECT id FROM contact_point WHERE party_id = ?1 AND kind = ?2 ORDER BY created_at, id LIMIT 1)",
        )?
        .execute(params![party_id, kind.as_str(), now])?;
    }
    if kind == ContactKind::Address {
        conn.prepare_cached(
            "UPDATE party SET country = (SELECT country FROM contact_point
                 WHERE party_id = ?1 AND kind = 'address' AND is_primary LIMIT 1) WHERE id = ?1",
        )?
        .execute([party_id])?;
    }
    Ok(())
}

pub(crate) fn has_primary(conn: &Connection, party_id: Uuid, kind: ContactKind) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM contact_point WHERE party_id = ?1 AND kind = ?2 AND is_primary)")?
        .query_row(params![party_id, kind.as_str()], |r| r.get(0))?)
}

pub(crate) fn find_by_contact(conn: &Connection, kind: ContactKind, key: &str) -> Result<Vec<Party>> {
    let ids: Vec<Uuid> = conn
        .prepare_cached("SELECT DISTINCT party_id FROM contact_point WHERE kind = ?1 AND value = ?2")?
        .query_map(params![kind.as_str(), key], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(p) = get_party(conn, id)? {
            out.push(p);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- roles

pub(crate) fn role_bit(kind: RoleKind) -> i64 {
    1 << RoleKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

const ROLE_COLUMNS: &str = "id, party_id, details, valid_from, valid_to, created_at, updated_at, version";

fn role_from_row(r: &Row<'_>) -> rusqlite::Result<Role> {
    role_at(r, 0, None)
}

/// A role whose `ROLE_COLUMNS` start at column `at` (its party's id read
/// from them unless given).
fn role_at(r: &Row<'_>, at: usize, party_id: Option<Uuid>) -> rusqlite::Result<Role> {
    let details: RoleDetails = serde_json::from_str(r.get_ref(at + 2)?.as_str()?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at + 2, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Role {
        id: r.get(at)?,
        party_id: party_id.map_or_else(|| r.get(at + 1), Ok)?,
        details,
        valid_from: r.get(at + 3)?,
        valid_to: r.get(at + 4)?,
        created_at: from_micros(r.get(at + 5)?),
        updated_at: from_micros(r.get(at + 6)?),
        version: r.get(at + 7)?,
    })
}

pub(crate) fn insert_role(
    tx: &Tx<'_>,
    party_id: Uuid,
    details: &RoleDetails,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
) -> Result<Role> {
    let id = Uuid::now_v7();
    tx.conn()
        .prepare_cached(
            "INSERT INTO party_role (id, party_id, role, details, valid_from, valid_to, created_at, updated_at, version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1)",
        )?
        .execute(params![
            id,
            party_id,
            details.kind().as_str(),
            serde_json::to_string(details)?,
            valid_from,
            valid_to,
            to_micros(tx.now)
        ])?;
    Ok(Role {
        id,
        party_id,
        details: details.clone(),
        valid_from,
        valid_to,
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    })
}

pub(crate) fn get_role(conn: &Connection, id: Uuid) -> Result<Role> {
    conn.prepare_cached(&format!("SELECT {ROLE_COLUMNS} FROM party_role WHERE id = ?1"))?
        .query_row([id], role_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("role", id))
}

pub(crate) fn update_role(tx: &Tx<'_>, r: &Role) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE party_role SET details = ?2, valid_from = ?3, valid_to = ?4, updated_at = ?5, version = version + 1
             WHERE id = ?1",
        )?
        .execute(params![r.id, serde_json::to_string(&r.details)?, r.valid_from, r.valid_to, to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn delete_role(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM party_role WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub(crate) fn refresh_role_bits(conn: &Connection, party_id: Uuid) -> Result<()> {
    let kinds: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT role FROM party_role WHERE party_id = ?1")?
        .query_map([party_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let bits = kinds.iter().filter_map(|k| k.parse::<RoleKind>().ok()).fold(0i64, |acc, k| acc | role_bit(k));
    conn.prepare_cached("UPDATE party SET roles = ?2 WHERE id = ?1")?.execute(params![party_id, bits])?;
    Ok(())
}

// ---------------------------------------------------------------- notes

const NOTE_COLUMNS: &str = "id, party_id, body, author, created_at, updated_at, version";

fn note_from_row(r: &Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note {
        id: r.get(0)?,
        party_id: r.get(1)?,
        body: r.get(2)?,
        author: r.get(3)?,
        created_at: from_micros(r.get(4)?),
        updated_at: from_micros(r.get(5)?),
        version: r.get(6)?,
    })
}

pub(crate) fn insert_note(tx: &Tx<'_>, party_id: Uuid, body: &str) -> Result<Note> {
    let note = Note {
        id: Uuid::now_v7(),
        party_id,
        body: body.to_string(),
        author: tx.actor.to_string(),
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    };
    tx.conn()
        .prepare_cached(&format!("INSERT INTO note ({NOTE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1)"))?
        .execute(params![note.id, party_id, note.body, note.author, to_micros(tx.now)])?;
    Ok(note)
}

pub(crate) fn notes(conn: &Connection, party_id: Uuid) -> Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {NOTE_COLUMNS} FROM note WHERE party_id = ?1 ORDER BY created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([party_id], note_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn get_note(conn: &Connection, id: Uuid) -> Result<Note> {
    conn.prepare_cached(&format!("SELECT {NOTE_COLUMNS} FROM note WHERE id = ?1"))?
        .query_row([id], note_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("note", id))
}

pub(crate) fn delete_note(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM note WHERE id = ?1")?.execute([id])?;
    Ok(())
}

// ---------------------------------------------------------------- lists

/// The WHERE clause of a plan and its parameters.
pub(crate) fn where_clause(conn: &Connection, plan: &Plan) -> Result<(String, Vec<Value>)> {
    let f = &plan.filter;
    let mut conds: Vec<String> = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    let mut push = |cond: &str, vals: Vec<Value>, params: &mut Vec<Value>| {
        let mut c = cond.to_string();
        for v in vals {
            params.push(v);
            c = c.replacen("?#", &format!("?{}", params.len()), 1);
        }
        conds.push(c);
    };
    match f.archived {
        ArchivedFilter::Exclude => push("p.archived_at IS NULL", vec![], &mut params),
        ArchivedFilter::Only => push("p.archived_at IS NOT NULL AND p.merged_into IS NULL", vec![], &mut params),
        ArchivedFilter::Include => push("p.merged_into IS NULL", vec![], &mut params),
    }
    if let Some(k) = f.kind {
        push("p.kind = ?#", vec![Value::Text(k.as_str().into())], &mut params);
    }
    if let Some(r) = f.role {
        push("(p.roles & ?#) <> 0", vec![Value::Integer(role_bit(r))], &mut params);
    }
    if let Some(c) = &f.country {
        push("p.country = ?#", vec![Value::Text(c.clone())], &mut params);
    }
    if let Some(t) = &f.tag {
        push(
            "EXISTS (SELECT 1 FROM tag t WHERE t.party_id = p.id AND t.tag = ?#)",
            vec![Value::Text(t.clone())],
            &mut params,
        );
    }
    if let Some(id) = f.parent_id {
        push("p.parent_id = ?#", vec![Value::Blob(id.as_bytes().to_vec())], &mut params);
    }
    if let Some(id) = f.commercial_id {
        push("p.commercial_id = ?#", vec![Value::Blob(id.as_bytes().to_vec())], &mut params);
    }
    if let Some(prefix) = &f.name_prefix {
        let mut upper = prefix.clone();
        upper.push(char::MAX);
        push(
            "p.sort_key >= ?# AND p.sort_key < ?#",
            vec![Value::Text(prefix.clone()), Value::Text(upper)],
            &mut params,
        );
    }
    for (t, from, to) in [("created_at", f.created_from, f.created_to), ("updated_at", f.updated_from, f.updated_to)] {
        if let Some(v) = from {
            push(&format!("p.{t} >= ?#"), vec![Value::Integer(to_micros(v))], &mut params);
        }
        if let Some(v) = to {
            push(&format!("p.{t} < ?#"), vec![Value::Integer(to_micros(v))], &mut params);
        }
    }
    if !f.custom.is_empty() {
        let defs = custom::sql::load_defs(conn)?;
        for (name, value) in &f.custom {
            let field = format!("custom.{name}");
            let def = defs
                .iter()
                .find(|d| &d.name == name && (f.kind.is_none_or(|k| d.applies_to(k.as_str())) || d.entity == "party"))
                .ok_or_else(|| Error::validation(&field, format!("no custom field {name:?} is defined")))?;
            let id = Value::Blob(def.id.as_bytes().to_vec());
            if def.field_type == FieldType::Choices {
                let v = value.clone().coerce(def)?;
                let one = match v {
                    custom::CustomValue::Choices(mut items) if items.len() == 1 => items.remove(0),
                    _ => {
                        return Err(Error::validation(&field, "filter a multiple-choice field by one choice"));
                    }
                };
                push(
                    "EXISTS (SELECT 1 FROM custom_value v, json_each(v.value) j
                         WHERE v.entity_id = p.id AND v.field_id = ?# AND j.value = ?#)",
                    vec![id, Value::Text(one)],
                    &mut params,
                );
            } else {
                let v = value.clone().coerce(def)?;
                push(
                    "EXISTS (SELECT 1 FROM custom_value v WHERE v.entity_id = p.id AND v.field_id = ?# AND v.value = ?#)",
                    vec![id, v.to_sql()],
                    &mut params,
                );
            }
        }
    }
    let sql = if conds.is_empty() { "1".to_string() } else { conds.join(" AND ") };
    Ok((sql, params))
}

fn sort_column(sort: PartySort) -> &'static str {
    match sort {
        PartySort::Name => "p.sort_key",
        PartySort::Created => "p.created_at",
        PartySort::Updated => "p.updated_at",
    }
}

pub(crate) fn list_parties(conn: &Connection, plan: &Plan) -> Result<Page<Party>> {
    let (mut cond, mut params) = where_clause(conn, plan)?;
    let col = sort_column(plan.sort);
    let (cmp, dir) = if plan.descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some(c) = &plan.after {
        params.push(c.key.to_sql());
        params.push(Value::Blob(c.id.as_bytes().to_vec()));
        let n = params.len();
        cond = format!("{cond} AND ({col}, p.id) {cmp} (?{}, ?{})", n - 1, n);
    }
    params.push(Value::Integer(plan.limit as i64 + 1));
    let sql = format!(
        "SELECT {PARTY_COLUMNS} FROM party p WHERE {cond} ORDER BY {col} {dir}, p.id {dir} LIMIT ?{}",
        params.len()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    let mut items = Vec::with_capacity(plan.limit.min(64));
    let mut last_key = None;
    let mut more = false;
    while let Some(row) = rows.next()? {
        if items.len() == plan.limit {
            more = true;
            break;
        }
        let p = party_from_row(row)?;
        last_key = Some(match plan.sort {
            PartySort::Name => CursorKey::Text(row.get(19)?),
            PartySort::Created => CursorKey::Int(to_micros(p.created_at)),
            PartySort::Updated => CursorKey::Int(to_micros(p.updated_at)),
        });
        items.push(p);
    }
    drop(rows);
    load_children_many(conn, &mut items)?;
    let next = match (more, items.last(), last_key) {
        (true, Some(p), Some(key)) => Some(Cursor { scope: scope(plan.sort, plan.descending), key, id: p.id }.encode()),
        _ => None,
    };
    Ok(Page { items, next })
}

pub(crate) fn count_parties(conn: &Connection, plan: &Plan) -> Result<u64> {
    let (cond, params) = where_clause(conn, plan)?;
    let sql = format!("SELECT count(*) FROM party p WHERE {cond}");
    let n: i64 = conn.prepare_cached(&sql)?.query_row(params_from_iter(params.iter()), |r| r.get(0))?;
    Ok(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Crm, CustomValue, NewFieldDef, NewParty, PostalAddress};

    /// The children as SQLite orders them, by the queries the loader's
    /// order stands for.
    fn ordered_by_sqlite(conn: &Connection, id: Uuid) -> (Vec<Uuid>, Vec<Uuid>, Vec<String>) {
        let ids = |sql: &str| -> Vec<Uuid> {
            conn.prepare(sql).unwrap().query_map([id], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        let roles = ids("SELECT id FROM party_role WHERE party_id = ?1 ORDER BY created_at, id");
        let contacts =
            ids("SELECT id FROM contact_point WHERE party_id = ?1 ORDER BY kind, is_primary DESC, created_at, id");
        let tags = conn
            .prepare("SELECT tag FROM tag WHERE party_id = ?1 ORDER BY tag")
            .unwrap()
            .query_map([id], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        (roles, contacts, tags)
    }

    /// Roles, contact points and tags come in the order SQLite's `ORDER BY`
    /// gives them, also with ties of the creation time (a batch writes its
    /// rows at one time), several primaries, a kind the library does not
    /// know and tags that differ only in case or by a non-ASCII letter;
    /// custom values come by field name.
    #[test]
    fn children_come_in_the_order_of_the_sql_they_replace() {
        let crm = Crm::open_in_memory().unwrap();
        crm.define_field(NewFieldDef::new("party", "points", crate::FieldType::Integer)).unwrap();
        crm.define_field(NewFieldDef::new("party", "alias", crate::FieldType::Text)).unwrap();
        let address = |city: &str| {
            crate::NewContactPoint::new(ContactValue::Address(PostalAddress {
                city: Some(city.into()),
                country: "LV".into(),
                ..Default::default()
            }))
        };
        let mut batch = Vec::new();
        for i in 0..12 {
            let mut p = NewParty::person(format!("Anna{i}"), "Kalniņa");
            for j in 0..(i % 4) {
                p = p.with_email(format!("a{i}.{j}@example.lv")).with_contact(address(&format!("Rīga {j}")));
            }
            if i % 3 == 0 {
                p = p.with_phone(format!("+371 2600{i:04}"));
            }
            if i % 2 == 0 {
                p = p
                    .with_role(RoleDetails::customer())
                    .with_role(RoleDetails::Employee(Default::default()))
                    .with_custom("points", i as i64)
                    .with_custom("alias", format!("a{i}"));
            }
            for t in ["vip", "Vip", "ābols", "zeta", "alpha"].iter().take(i % 6) {
                p = p.with_tag(*t);
            }
            batch.push(p);
        }
        let made = crm.create_parties(batch).unwrap();
        // Later rows: another time, a second primary email, and a kind
        // written by something other than this library.
        let first = made[3].id;
        let mut second = crate::NewContactPoint::new(ContactValue::Email { address: "late@example.lv".into() });
        second.primary = true;
        crm.add_contact_point(first, second).unwrap();
        crm.add_role(first, RoleDetails::customer().into()).unwrap();
        crm.store
            .write("test", |tx| {
                tx.conn().execute(
                    "INSERT INTO contact_point (id, party_id, kind, value, is_primary, verified, created_at, updated_at, version)
                     VALUES (?1, ?2, 'fax', '+37167000000', 1, 0, 0, 0, 1)",
                    params![Uuid::now_v7(), first],
                )?;
                Ok(())
            })
            .unwrap();
        crm.store
            .read(|c| {
                let mut parties = Vec::new();
                for p in &made {
                    parties.push(get_row(c, p.id)?.unwrap().0);
                }
                load_children_many(c, &mut parties)?;
                for p in &parties {
                    let (roles, contacts, tags) = ordered_by_sqlite(c, p.id);
                    assert_eq!(p.roles.iter().map(|r| r.id).collect::<Vec<_>>(), roles);
                    assert_eq!(p.contact_points.iter().map(|c| c.id).collect::<Vec<_>>(), contacts);
                    assert_eq!(p.tags, tags);
                    assert!(p.roles.iter().all(|r| r.party_id == p.id));
                    assert!(p.contact_points.iter().all(|c| c.party_id == p.id));
                }
                let with_all = &parties[3];
                assert_eq!(with_all.contact_points.len(), 9);
                assert!(
                    with_all.contact_points.iter().any(|c| c.value == ContactValue::Web { url: "+37167000000".into() })
                );
                let even = &parties[4];
                assert_eq!(even.custom.get("points"), Some(&CustomValue::Integer(4)));
                assert_eq!(even.custom.get("alias"), Some(&CustomValue::Text("a4".into())));
                assert_eq!(even.tags, ["Vip", "vip", "zeta", "ābols"]);
                Ok(())
            })
            .unwrap();
    }
}
