//! Merging parties without losing anything, and undoing a merge.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::sql;
use crate::Crm;
use crate::custom;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::party::{Core, Party, sql as party_sql};
use crate::search::sql as search_sql;
use crate::store::{Tx, from_micros, to_micros};

/// How to merge parties into one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MergeRequest {
    /// The party that stays.
    pub survivor_id: Uuid,
    /// The parties merged into it (one or more, of the same kind).
    pub merged_ids: Vec<Uuid>,
    /// Explicit choices: for a field (a party field such as `birth_date`,
    /// or `custom.<name>`), the party whose value to keep. Other fields keep
    /// the survivor's value, or take the first non-empty one of the merged
    /// parties, in the order given, where the survivor's is empty.
    pub choose: BTreeMap<String, Uuid>,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeOutcome {
    /// The merge's id, to undo it with [`Crm::undo_merge`].
    pub merge_id: Uuid,
    /// The survivor as it is now.
    pub survivor: Party,
    /// Contact points of the merged parties that duplicated one of the
    /// survivor's and became one with it (their labels and flags folded in).
    pub contact_points_folded: usize,
    /// Relationships that became one with an identical relationship of the
    /// survivor, or that would have linked the survivor to itself.
    pub relationships_folded: usize,
}

/// A merge, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeRecord {
    /// Its id.
    pub id: Uuid,
    /// The party that stayed.
    pub survivor_id: Uuid,
    /// The parties merged into it.
    pub merged_ids: Vec<Uuid>,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// When it was undone, if it was.
    pub undone_at: Option<DateTime<Utc>>,
}

/// The core fields a merge resolves, by name.
const FIELDS: &[&str] = &[
    "display_name",
    "given_name",
    "family_name",
    "birth_date",
    "language",
    "legal_name",
    "registration_number",
    "vat_number",
    "industry",
    "size",
    "parent_id",
];

fn field_of(c: &Core, f: &str) -> serde_json::Value {
    serde_json::to_value(c).ok().and_then(|v| v.get(f).cloned()).unwrap_or(serde_json::Value::Null)
}

fn set_field(c: &mut Core, f: &str, v: serde_json::Value) -> Result<()> {
    let mut obj = serde_json::to_value(&*c)?;
    if let Some(m) = obj.as_object_mut() {
        m.insert(f.to_string(), v);
    }
    *c = serde_json::from_value(obj)?;
    Ok(())
}

/// Fold a merged party's contact points that duplicate one of the
/// survivor's into it; returns how many were folded.
fn fold_contacts(tx: &Tx<'_>, survivor: &Party, other: &Party) -> Result<usize> {
    let mut folded = 0;
    for cp in &other.contact_points {
        let key = cp.value.key();
        if let Some(mine) =
            survivor.contact_points.iter().find(|m| m.value.kind() == cp.value.kind() && m.value.key() == key)
        {
            let mut keep = mine.clone();
            keep.verified |= cp.verified;
            if keep.label.is_none() {
                keep.label = cp.label.clone();
            }
            if keep.raw.is_none() {
                keep.raw = cp.raw.clone();
            }
            if keep != *mine {
                party_sql::update_contact(tx, &keep)?;
            }
            party_sql::delete_contact(tx.conn(), cp.id)?;
            folded += 1;
        }
    }
    Ok(folded)
}

impl Crm {
    /// Merge parties into a survivor, in one transaction: fields are
    /// resolved (see [`MergeRequest::choose`]); every record of the merged
    /// parties — contact points, roles, tags, notes, custom values,
    /// relationships, interactions, opportunities, orders, tasks, leads,
    /// sub-organizations — moves to the survivor; rows that would collide
    /// (the same email on both) become one. The merged parties stay as
    /// tombstones: their ids resolve to the survivor. Audited; undoable with
    /// [`Crm::undo_merge`] while nothing has touched the merged records.
    pub fn merge_parties(&self, req: &MergeRequest) -> Result<MergeOutcome> {
        if req.merged_ids.is_empty() {
            return Err(Error::validation("merged_ids", "name at least one party to merge into the survivor"));
        }
        for (i, id) in req.merged_ids.iter().enumerate() {
            if *id == req.survivor_id || req.merged_ids[..i].contains(id) {
                return Err(Error::validation(
                    format!("merged_ids[{i}]"),
                    "each party is named once, and not the survivor",
                ));
            }
        }
        self.store.write(&self.actor, |tx| {
            let survivor = party_sql::get_for_write(tx.conn(), req.survivor_id).map_err(|e| e.in_field("survivor_id"))?;
            let mut others = Vec::with_capacity(req.merged_ids.len());
            for (i, id) in req.merged_ids.iter().enumerate() {
                let p = party_sql::get_for_write(tx.conn(), *id).map_err(|e| e.in_field(&format!("merged_ids[{i}]")))?;
                if p.kind != survivor.kind {
                    return Err(Error::validation(format!("merged_ids[{i}]"), "persons merge with persons, organizations with organizations"));
                }
                others.push(p);
            }
            let mut all = vec![survivor.clone()];
            all.extend(others.iter().cloned());
            for (field, from) in &req.choose {
                if !all.iter().any(|p| p.id == *from) {
                    return Err(Error::validation(format!("choose.{field}"), format!("{from} is not one of the parties merged")));
                }
                let known = FIELDS.contains(&field.as_str())
                    || field.strip_prefix("custom.").is_some_and(|n| all.iter().any(|p| p.custom.contains_key(n)));
                if !known {
                    return Err(Error::validation(format!("choose.{field}"), "not a field the parties have"));
                }
            }
            let involved: Vec<Uuid> = all.iter().map(|p| p.id).collect();
            let images = sql::before_images(tx.conn(), &involved)?;
            let touched = sql::touched_ids(tx.conn(), &involved)?;

            // Fields: the choice, else the survivor's, else the first non-empty.
            let mut core = Core::of(&survivor);
            for f in FIELDS {
                let pick = match req.choose.get(*f) {
                    Some(from) => all.iter().find(|p| p.id == *from).map(|p| field_of(&Core::of(p), f)),
                    None if field_of(&core, f).is_null() => {
                        others.iter().map(|p| field_of(&Core::of(p), f)).find(|v| !v.is_null())
                    }
                    None => None,
                };
                if let Some(v) = pick {
                    set_field(&mut core, f, v)?;
                }
            }
            if core.parent_id.is_some_and(|p| involved.contains(&p)) {
                core.parent_id = None;
            }
            // Custom values likewise.
            let mut custom: BTreeMap<String, Option<custom::CustomValue>> = BTreeMap::new();
            for p in &all {
                for name in p.custom.keys() {
                    let key = format!("custom.{name}");
                    let value = match req.choose.get(&key) {
                        Some(from) => all.iter().find(|q| q.id == *from).and_then(|q| q.custom.get(name).cloned()),
                        None => survivor
                            .custom
                            .get(name)
                            .cloned()
                            .or_else(|| others.iter().find_map(|q| q.custom.get(name).cloned())),
                    };
                    custom.insert(name.clone(), value);
                }
            }

            // Records: fold collisions, then re-point.
            let mut contact_points_folded = 0;
            for other in &others {
                let current = party_sql::get_for_write(tx.conn(), survivor.id)?;
                contact_points_folded += fold_contacts(tx, &current, other)?;
            }
            for other in &others {
                // Clear the merged party's custom values first: a unique value
                // moves to the survivor below.
                custom::sql::delete_values(tx.conn(), &other.id)?;
                sql::repoint(tx, other.id, survivor.id)?;
                sql::tombstone(tx, other.id, survivor.id)?;
                search_sql::unindex_party(tx.conn(), other.id)?;
            }
            let relationships_folded = fold_relationships(tx, survivor.id)?;
            party_sql::update_core(tx, survivor.id, &core)?;
            let defs = custom::sql::load_defs(tx.conn())?;
            let values = custom::check_values(&defs, survivor.kind.as_str(), custom, false)?;
            custom::sql::write_values(tx.conn(), &survivor.id, &values)?;
            for kind in [
                crate::party::ContactKind::Email,
                crate::party::ContactKind::Phone,
                crate::party::ContactKind::Address,
                crate::party::ContactKind::Web,
                crate::party::ContactKind::Social,
            ] {
                party_sql::settle_contacts(tx, survivor.id, None, kind)?;
            }
            party_sql::refresh_role_bits(tx.conn(), survivor.id)?;
            party_sql::recompute_commercial(tx.conn(), survivor.id)?;
            search_sql::reindex_party(tx.conn(), survivor.id)?;

            let merge_id = Uuid::now_v7();
            let merged = party_sql::get_for_write(tx.conn(), survivor.id)?;
            let mut changes = diff(&serde_json::to_value(&survivor)?, &serde_json::to_value(&merged)?, &["updated_at", "version"]);
            if let Some(m) = changes.as_object_mut() {
                m.insert("merged_ids".into(), serde_json::to_value(&req.merged_ids)?);
                m.insert("merge_id".into(), serde_json::to_value(merge_id)?);
            }
            let payload = serde_json::json!({ "merge_id": merge_id, "survivor": merged, "merged_ids": req.merged_ids });
            tx.record("party", &survivor.id, AuditAction::Merged, &changes.to_string(), &payload.to_string())?;
            for other in &others {
                let note = serde_json::json!({ "merged_into": survivor.id, "merge_id": merge_id, "was": other });
                tx.record("party", &other.id, AuditAction::Merged, &note.to_string(), &note.to_string())?;
            }
            let audit_seq = sql::last_audit_seq(tx.conn())?;
            tx.conn().execute(
                "INSERT INTO merge_record (id, survivor_id, merged_ids, at, actor, audit_seq, touched_ids, before_images, undone_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL)",
                rusqlite::params![
                    merge_id,
                    survivor.id,
                    serde_json::to_string(&req.merged_ids)?,
                    to_micros(tx.now),
                    tx.actor,
                    audit_seq,
                    sql::ids_json(&touched),
                    serde_json::to_string(&images)?
                ],
            )?;
            Ok(MergeOutcome { merge_id, survivor: merged, contact_points_folded, relationships_folded })
        })
    }

    /// Undo a merge: the merged parties come back with everything they had,
    /// and the survivor is as it was. Refused once any record the merge
    /// touched has changed since (the merge would no longer undo cleanly).
    pub fn undo_merge(&self, merge_id: Uuid) -> Result<Party> {
        self.store.write(&self.actor, |tx| {
            let row: Option<(Uuid, String, i64, String, String, Option<i64>)> = tx
                .conn()
                .query_row(
                    "SELECT survivor_id, merged_ids, audit_seq, touched_ids, before_images, undone_at FROM merge_record WHERE id = ?1",
                    [merge_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .map(Some)
                .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(e) })?;
            let Some((survivor_id, merged, audit_seq, touched, images, undone)) = row else {
                return Err(Error::not_found("merge", merge_id));
            };
            if undone.is_some() {
                return Err(Error::validation("merge_id", "this merge was undone already"));
            }
            let merged: Vec<Uuid> = serde_json::from_str(&merged)?;
            let touched: Vec<String> = serde_json::from_str(&touched)?;
            let touched: Vec<Uuid> = touched.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect();
            if sql::touched_since(tx.conn(), &touched, audit_seq)? {
                return Err(Error::Conflict {
                    entity: "merge",
                    id: merge_id.to_string(),
                    expected: audit_seq,
                    actual: sql::last_audit_seq(tx.conn())?,
                });
            }
            let images: Vec<sql::TableImage> = serde_json::from_str(&images)?;
            let mut involved = vec![survivor_id];
            involved.extend(merged.iter().copied());
            sql::restore(tx.conn(), &involved, &images)?;
            for id in &involved {
                search_sql::reindex_party(tx.conn(), *id)?;
            }
            // The interactions the merged parties take part in again.
            search_sql::reindex_interactions(tx.conn(), &search_sql::interactions_of(tx.conn(), &merged)?)?;
            tx.conn().execute("UPDATE merge_record SET undone_at = ?2 WHERE id = ?1", rusqlite::params![merge_id, to_micros(tx.now)])?;
            let survivor = party_sql::get_for_write(tx.conn(), survivor_id)?;
            let note = serde_json::json!({ "merge_id": merge_id, "restored": merged });
            tx.record("party", &survivor_id, AuditAction::Unmerged, &note.to_string(), &serde_json::to_string(&survivor)?)?;
            for id in &merged {
                let p = party_sql::get_for_write(tx.conn(), *id)?;
                tx.record("party", id, AuditAction::Unmerged, &note.to_string(), &serde_json::to_string(&p)?)?;
            }
            Ok(survivor)
        })
    }

    /// The merges into a party, newest first.
    pub fn merges_of(&self, survivor_id: Uuid) -> Result<Vec<MergeRecord>> {
        self.store.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, survivor_id, merged_ids, at, actor, undone_at FROM merge_record WHERE survivor_id = ?1 ORDER BY at DESC, id DESC",
            )?;
            let rows = stmt.query_map([survivor_id], |r| {
                let merged: String = r.get(2)?;
                Ok(MergeRecord {
                    id: r.get(0)?,
                    survivor_id: r.get(1)?,
                    merged_ids: serde_json::from_str(&merged).unwrap_or_default(),
                    at: from_micros(r.get(3)?),
                    actor: r.get(4)?,
                    undone_at: r.get::<_, Option<i64>>(5)?.map(from_micros),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

/// After re-pointing, fold relationships of the survivor that are now
/// duplicates (same type, same ends) into one whose span covers both, and
/// drop those that link the survivor to itself where the type forbids it.
/// Returns how many were folded or dropped.
fn fold_relationships(tx: &Tx<'_>, survivor: Uuid) -> Result<usize> {
    let c = tx.conn();
    let mut folded = 0;
    folded += c.execute(
        "DELETE FROM relationship WHERE from_id = ?1 AND to_id = ?1
             AND type IN (SELECT code FROM relationship_type WHERE NOT allow_self)",
        [survivor],
    )?;
    // Duplicates: keep the oldest of each (type, from, to), widening its span.
    let dups: Vec<(Uuid, Uuid)> = c
        .prepare(
            "SELECT r.id, (SELECT k.id FROM relationship k WHERE k.type = r.type AND k.from_id = r.from_id AND k.to_id = r.to_id
                               ORDER BY k.created_at, k.id LIMIT 1) AS keep
             FROM relationship r WHERE (r.from_id = ?1 OR r.to_id = ?1)",
        )?
        .query_map([survivor], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|(id, keep)| id != keep)
        .collect();
    for (dup, keep) in dups {
        c.execute(
            "UPDATE relationship SET
                 valid_from = CASE WHEN valid_from IS NULL OR (SELECT valid_from FROM relationship WHERE id = ?2) IS NULL THEN NULL
                                   ELSE min(valid_from, (SELECT valid_from FROM relationship WHERE id = ?2)) END,
                 valid_to = CASE WHEN valid_to IS NULL OR (SELECT valid_to FROM relationship WHERE id = ?2) IS NULL THEN NULL
                                 ELSE max(valid_to, (SELECT valid_to FROM relationship WHERE id = ?2)) END,
                 notes = coalesce(notes, (SELECT notes FROM relationship WHERE id = ?2)),
                 strength = coalesce(strength, (SELECT strength FROM relationship WHERE id = ?2))
             WHERE id = ?1",
            rusqlite::params![keep, dup],
        )?;
        c.execute("DELETE FROM relationship WHERE id = ?1", [dup])?;
        folded += 1;
    }
    Ok(folded)
}
