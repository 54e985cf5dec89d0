//! The typed relationship graph between parties.
//!
//! A [`RelationshipType`] names both directions ("employee of" / "employer
//! of") and which kinds of party each end takes; a [`Relationship`] links two
//! parties over a span of dates. Queries walk the graph both ways.

pub(crate) mod sql;

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Crm;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::party::{PartyKind, role::check_span, sql as party_sql};

/// A kind of relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipType {
    /// Its code: lower-case letters, digits and `_` ("employee_of").
    pub code: String,
    /// The label read from the `from` party ("employee of").
    pub forward_label: String,
    /// The label read from the `to` party ("employer of").
    pub inverse_label: String,
    /// Both directions mean the same ("spouse of", "partner of").
    pub symmetric: bool,
    /// A party may relate to itself this way.
    pub allow_self: bool,
    /// The kinds the `from` end takes; empty: any.
    pub from_kinds: Vec<PartyKind>,
    /// The kinds the `to` end takes; empty: any.
    pub to_kinds: Vec<PartyKind>,
    /// The `from` party counts as one of the `to` organization's people
    /// (employee of, contact at, board member of).
    pub membership: bool,
    /// One of the standard types every base has.
    pub builtin: bool,
}

/// A relationship type to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRelationshipType {
    /// Its code.
    pub code: String,
    /// The label read from the `from` party.
    pub forward_label: String,
    /// The label read from the `to` party; defaults to the forward label
    /// for a symmetric type.
    #[serde(default)]
    pub inverse_label: Option<String>,
    /// Both directions mean the same.
    #[serde(default)]
    pub symmetric: bool,
    /// A party may relate to itself.
    #[serde(default)]
    pub allow_self: bool,
    /// Kinds the `from` end takes; empty: any.
    #[serde(default)]
    pub from_kinds: Vec<PartyKind>,
    /// Kinds the `to` end takes; empty: any.
    #[serde(default)]
    pub to_kinds: Vec<PartyKind>,
    /// The `from` party counts as one of the `to` organization's people.
    #[serde(default)]
    pub membership: bool,
}

/// A relationship between two parties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relationship {
    /// Its id.
    pub id: Uuid,
    /// The code of its type.
    #[serde(rename = "type")]
    pub type_code: String,
    /// The party it is read from ("Anna" in "Anna employee of Acme").
    pub from_id: Uuid,
    /// The party it points to.
    pub to_id: Uuid,
    /// First day it holds (inclusive); `None`: since ever.
    pub valid_from: Option<NaiveDate>,
    /// Last day it holds (inclusive); `None`: still holds.
    pub valid_to: Option<NaiveDate>,
    /// How strong it is, from 0 to 1.
    pub strength: Option<f64>,
    /// Free text.
    pub notes: Option<String>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

impl Relationship {
    /// Whether it holds on `date`.
    pub fn holds_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date <= t)
    }
}

/// A relationship to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRelationship {
    /// The code of its type.
    #[serde(rename = "type")]
    pub type_code: String,
    /// The party it is read from.
    pub from_id: Uuid,
    /// The party it points to.
    pub to_id: Uuid,
    /// First day it holds.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day it holds.
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Strength from 0 to 1.
    #[serde(default)]
    pub strength: Option<f64>,
    /// Free text.
    #[serde(default)]
    pub notes: Option<String>,
}

impl NewRelationship {
    /// A relationship of type `type_code` from one party to another, open-ended.
    pub fn new(type_code: impl Into<String>, from_id: Uuid, to_id: Uuid) -> Self {
        NewRelationship {
            type_code: type_code.into(),
            from_id,
            to_id,
            valid_from: None,
            valid_to: None,
            strength: None,
            notes: None,
        }
    }
}

/// Changes to a relationship; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RelationshipPatch {
    /// New first day; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub valid_from: Option<Option<NaiveDate>>,
    /// New last day; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub valid_to: Option<Option<NaiveDate>>,
    /// New strength; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub strength: Option<Option<f64>>,
    /// New notes; `Some(None)` clears them.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub notes: Option<Option<String>>,
}

/// Which way to follow relationships from a party.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Relationships read from the party ("Anna employee of …").
    Outgoing,
    /// Relationships pointing to the party ("… employee of Acme").
    Incoming,
    /// Both.
    #[default]
    Both,
}

/// Which neighbours of a party to return.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NeighbourQuery {
    /// Only relationships of this type.
    #[serde(rename = "type")]
    pub type_code: Option<String>,
    /// Which way.
    pub direction: Direction,
    /// Only relationships that hold on this date; `None`: any date.
    pub at: Option<NaiveDate>,
    /// Include archived neighbours.
    pub include_archived: bool,
}

/// A party related to the one asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Neighbour {
    /// The related party.
    pub party_id: Uuid,
    /// Its display name.
    pub display_name: String,
    /// Its kind.
    pub kind: PartyKind,
    /// The label read from the party asked about ("employer of").
    pub label: String,
    /// `Outgoing` if the party asked about is the relationship's `from`.
    pub direction: Direction,
    /// The relationship itself.
    pub relationship: Relationship,
}

/// One hop of a path through the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathStep {
    /// Where the hop starts.
    pub from_id: Uuid,
    /// Where it ends.
    pub to_id: Uuid,
    /// The relationship walked.
    pub relationship_id: Uuid,
    /// Its type.
    #[serde(rename = "type")]
    pub type_code: String,
    /// The label read in the direction walked.
    pub label: String,
}

fn valid_code(code: &str) -> bool {
    code.len() <= 64
        && code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn clean_label(field: &str, s: &str) -> Result<String> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 100 || t.chars().any(char::is_control) {
        return Err(Error::validation(field, "a label has 1 to 100 printable characters"));
    }
    Ok(t.to_string())
}

fn check_strength(s: Option<f64>) -> Result<()> {
    if let Some(v) = s
        && !(0.0..=1.0).contains(&v)
    {
        return Err(Error::validation("strength", format!("{v} is not between 0 and 1")));
    }
    Ok(())
}

fn clean_notes(n: Option<String>) -> Result<Option<String>> {
    match n {
        None => Ok(None),
        Some(s) => {
            let t = s.trim();
            if t.chars().count() > 10_000 {
                return Err(Error::validation("notes", "at most 10,000 characters"));
            }
            Ok((!t.is_empty()).then(|| t.to_string()))
        }
    }
}

fn conflict(id: Uuid, expected: i64, actual: i64) -> Error {
    Error::Conflict { entity: "relationship", id: id.to_string(), expected, actual }
}

impl Crm {
    /// Register a relationship type of your own.
    pub fn define_relationship_type(&self, new: NewRelationshipType) -> Result<RelationshipType> {
        if !valid_code(&new.code) {
            return Err(Error::validation(
                "code",
                format!("{:?}: use 1 to 64 lower-case letters, digits and '_', starting with a letter", new.code),
            ));
        }
        let forward = clean_label("forward_label", &new.forward_label)?;
        let inverse = match (&new.inverse_label, new.symmetric) {
            (Some(l), _) => clean_label("inverse_label", l)?,
            (None, true) => forward.clone(),
            (None, false) => {
                return Err(Error::validation("inverse_label", "a directed type needs an inverse label"));
            }
        };
        if new.symmetric && (inverse != forward || new.from_kinds != new.to_kinds) {
            return Err(Error::validation(
                "symmetric",
                "a symmetric type reads the same both ways: one label and the same kinds at both ends",
            ));
        }
        let t = RelationshipType {
            code: new.code,
            forward_label: forward,
            inverse_label: inverse,
            symmetric: new.symmetric,
            allow_self: new.allow_self,
            from_kinds: new.from_kinds,
            to_kinds: new.to_kinds,
            membership: new.membership,
            builtin: false,
        };
        self.store.write(&self.actor, |tx| {
            if sql::get_type(tx.conn(), &t.code)?.is_some() {
                return Err(Error::validation("code", format!("a relationship type {:?} exists already", t.code)));
            }
            sql::insert_type(tx, &t)?;
            let json = serde_json::to_string(&t)?;
            tx.record("relationship_type", &Uuid::nil(), AuditAction::Created, &json, &json)?;
            Ok(t)
        })
    }

    /// Every relationship type, standard ones included, by code.
    pub fn relationship_types(&self) -> Result<Vec<RelationshipType>> {
        self.store.read(sql::types)
    }

    /// Relate two parties. Both must exist and be active, their kinds must
    /// fit the type, and a party relates to itself only where the type
    /// allows it.
    pub fn create_relationship(&self, new: NewRelationship) -> Result<Relationship> {
        self.store.write(&self.actor, |tx| create_in(tx, new))
    }

    /// Create many relationships in one transaction: all of them, or none
    /// if any is invalid (the error's field names its index,
    /// `relationships[7].…`).
    pub fn create_relationships(&self, new: Vec<NewRelationship>) -> Result<Vec<Relationship>> {
        self.store.write(&self.actor, |tx| {
            let mut out = Vec::with_capacity(new.len());
            for (i, n) in new.into_iter().enumerate() {
                out.push(create_in(tx, n).map_err(|e| e.in_field(&format!("relationships[{i}]")))?);
            }
            Ok(out)
        })
    }

    /// How many relationships there are of each type.
    pub fn relationship_counts(&self) -> Result<std::collections::BTreeMap<String, u64>> {
        self.store.read(sql::counts)
    }

    /// A relationship by id.
    pub fn get_relationship(&self, id: Uuid) -> Result<Relationship> {
        self.store.read(|c| sql::get(c, id))
    }

    /// Change a relationship's dates, strength or notes.
    pub fn update_relationship(&self, id: Uuid, version: i64, patch: &RelationshipPatch) -> Result<Relationship> {
        if let Some(s) = patch.strength {
            check_strength(s)?;
        }
        let notes = match &patch.notes {
            Some(n) => Some(clean_notes(n.clone())?),
            None => None,
        };
        self.store.write(&self.actor, |tx| {
            let old = sql::get(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict(id, version, old.version));
            }
            let mut new = old.clone();
            if let Some(v) = patch.valid_from {
                new.valid_from = v;
            }
            if let Some(v) = patch.valid_to {
                new.valid_to = v;
            }
            if let Some(v) = patch.strength {
                new.strength = v;
            }
            if let Some(v) = notes {
                new.notes = v;
            }
            check_span(new.valid_from, new.valid_to)?;
            sql::update(tx, &new)?;
            let new = sql::get(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("relationship", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Delete a relationship.
    pub fn delete_relationship(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict(id, version, old.version));
            }
            sql::delete(tx.conn(), id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("relationship", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// The parties related to `party_id`, by type and direction, valid at
    /// a date; sorted by label, then name.
    pub fn neighbours(&self, party_id: Uuid, query: &NeighbourQuery) -> Result<Vec<Neighbour>> {
        self.store.read(|c| {
            if party_sql::head(c, party_id)?.is_none() {
                return Err(Error::not_found("party", party_id));
            }
            if let Some(code) = &query.type_code
                && sql::get_type(c, code)?.is_none()
            {
                return Err(Error::validation("type", format!("no relationship type {code:?}")));
            }
            sql::neighbours(c, party_id, query)
        })
    }

    /// Everyone at an organization: its sub-organizations (all levels), the
    /// people whose organization is one of them, and the people with a
    /// membership relationship (employee of, contact at, …) to one of them
    /// that holds on `at` (any date if `None`). Active parties only.
    pub fn members(&self, organization_id: Uuid, at: Option<NaiveDate>) -> Result<Vec<crate::Party>> {
        self.store.read(|c| {
            let head =
                party_sql::head(c, organization_id)?.ok_or_else(|| Error::not_found("party", organization_id))?;
            if head.kind != PartyKind::Organization {
                return Err(Error::validation("organization_id", "members are asked of an organization"));
            }
            let ids = sql::members(c, organization_id, at)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(p) = party_sql::get_party(c, id)? {
                    out.push(p);
                }
            }
            Ok(out)
        })
    }

    /// The shortest chain of relationships from one party to another, at
    /// most `max_depth` hops (1 to 6), following relationships both ways and
    /// only those that hold on `at` (if given). `None` if there is none.
    pub fn shortest_path(
        &self,
        from: Uuid,
        to: Uuid,
        max_depth: usize,
        at: Option<NaiveDate>,
    ) -> Result<Option<Vec<PathStep>>> {
        if !(1..=6).contains(&max_depth) {
            return Err(Error::validation("max_depth", format!("{max_depth} is not between 1 and 6")));
        }
        self.store.read(|c| {
            for id in [from, to] {
                if party_sql::head(c, id)?.is_none() {
                    return Err(Error::not_found("party", id));
                }
            }
            if from == to {
                return Ok(Some(Vec::new()));
            }
            let query = NeighbourQuery { at, include_archived: true, ..Default::default() };
            // Breadth-first from both ends, always growing the smaller side.
            let mut seen_a: HashMap<Uuid, Option<PathStep>> = HashMap::from([(from, None)]);
            let mut seen_b: HashMap<Uuid, Option<PathStep>> = HashMap::from([(to, None)]);
            let mut front_a = VecDeque::from([from]);
            let mut front_b = VecDeque::from([to]);
            let mut depth = 0;
            while depth < max_depth && !front_a.is_empty() && !front_b.is_empty() {
                depth += 1;
                let grow_a = front_a.len() <= front_b.len();
                let (front, seen, other) =
                    if grow_a { (&mut front_a, &mut seen_a, &seen_b) } else { (&mut front_b, &mut seen_b, &seen_a) };
                let mut next = VecDeque::new();
                let mut meet = None;
                'level: for node in front.drain(..) {
                    for n in sql::neighbours(c, node, &query)? {
                        if seen.contains_key(&n.party_id) {
                            continue;
                        }
                        seen.insert(
                            n.party_id,
                            Some(PathStep {
                                from_id: node,
                                to_id: n.party_id,
                                relationship_id: n.relationship.id,
                                type_code: n.relationship.type_code.clone(),
                                label: n.label.clone(),
                            }),
                        );
                        if other.contains_key(&n.party_id) {
                            meet = Some(n.party_id);
                            break 'level;
                        }
                        next.push_back(n.party_id);
                    }
                }
                if let Some(m) = meet {
                    return Ok(Some(join_path(c, &seen_a, &seen_b, m)?));
                }
                *front = next;
            }
            Ok(None)
        })
    }
}

fn kinds_text(kinds: &[PartyKind]) -> String {
    kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" or ")
}

/// Join the two half-paths that meet at `meet` into one path from the
/// first side's start to the second side's start.
fn join_path(
    c: &rusqlite::Connection,
    seen_a: &HashMap<Uuid, Option<PathStep>>,
    seen_b: &HashMap<Uuid, Option<PathStep>>,
    meet: Uuid,
) -> Result<Vec<PathStep>> {
    let mut path = Vec::new();
    let mut at = meet;
    while let Some(Some(step)) = seen_a.get(&at) {
        path.push(step.clone());
        at = step.from_id;
    }
    path.reverse();
    let mut at = meet;
    while let Some(Some(step)) = seen_b.get(&at) {
        // The step was found walking from the other end: walk it backwards,
        // reading the label in the direction now walked.
        let rel = sql::get(c, step.relationship_id)?;
        let t = sql::get_type(c, &rel.type_code)?;
        let label = match t {
            Some(t) if rel.from_id == step.to_id => t.forward_label,
            Some(t) => t.inverse_label,
            None => step.label.clone(),
        };
        path.push(PathStep {
            from_id: step.to_id,
            to_id: step.from_id,
            relationship_id: step.relationship_id,
            type_code: step.type_code.clone(),
            label,
        });
        at = step.from_id;
    }
    Ok(path)
}

/// Create a relationship inside a write that is under way.
pub(crate) fn create_in(tx: &crate::store::Tx<'_>, new: NewRelationship) -> Result<Relationship> {
    check_span(new.valid_from, new.valid_to)?;
    check_strength(new.strength)?;
    let notes = clean_notes(new.notes.clone())?;
    let t = sql::get_type(tx.conn(), &new.type_code)?
        .ok_or_else(|| Error::validation("type", format!("no relationship type {:?}", new.type_code)))?;
    if new.from_id == new.to_id && !t.allow_self {
        return Err(Error::validation("to_id", format!("a party cannot be {} itself", t.forward_label)));
    }
    for (field, id, kinds) in [("from_id", new.from_id, &t.from_kinds), ("to_id", new.to_id, &t.to_kinds)] {
        let head = party_sql::head(tx.conn(), id)?.ok_or_else(|| Error::not_found("party", id))?;
        if head.archived {
            return Err(Error::validation(field, format!("party {id} is archived")));
        }
        if !kinds.is_empty() && !kinds.contains(&head.kind) {
            return Err(Error::validation(
                field,
                format!("{:?} takes {} here, not {}", t.code, kinds_text(kinds), head.kind.as_str()),
            ));
        }
    }
    let rel = Relationship {
        id: Uuid::now_v7(),
        type_code: t.code,
        from_id: new.from_id,
        to_id: new.to_id,
        valid_from: new.valid_from,
        valid_to: new.valid_to,
        strength: new.strength,
        notes,
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    };
    sql::insert(tx, &rel)?;
    let json = serde_json::to_string(&rel)?;
    tx.record("relationship", &rel.id, AuditAction::Created, &json, &json)?;
    Ok(rel)
}
