//! Parties: persons and organizations in one model, with their roles,
//! contact points, tags, notes and custom fields.

pub mod contact;
pub(crate) mod list;
pub mod role;
pub(crate) mod sql;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::page::Page;
pub use contact::{ContactKind, ContactPoint, ContactPointPatch, ContactValue, NewContactPoint, PostalAddress};
pub use list::{ArchivedFilter, PartyFilter, PartyQuery, PartySort};
pub use role::{
    CompetitorRole, CustomerRole, EmployeeRole, Level, LifecycleStage, NewRole, PartnerRole, PartnerType, Role,
    RoleDetails, RoleKind, RolePatch, StakeholderRole, StakeholderType, SupplierRole,
};

use crate::Crm;
use crate::custom::{self, CustomValue};
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::search::sql as search_sql;
use crate::store::Tx;

/// A person or an organization.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A natural person.
    #[default]
    Person,
    /// A company, public body, club, household or any other organization.
    Organization,
}

impl PartyKind {
    /// "person" or "organization".
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Person => "person",
            PartyKind::Organization => "organization",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<PartyKind> {
        match s {
            "person" => Some(PartyKind::Person),
            "organization" => Some(PartyKind::Organization),
            _ => None,
        }
    }
}

/// The size band of an organization, by head count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationSize {
    /// 1 to 9 people.
    Micro,
    /// 10 to 49.
    Small,
    /// 50 to 249.
    Medium,
    /// 250 to 999.
    Large,
    /// 1000 and more.
    Enterprise,
}

impl OrganizationSize {
    /// The stored name: "micro", "small", ….
    pub fn as_str(self) -> &'static str {
        match self {
            OrganizationSize::Micro => "micro",
            OrganizationSize::Small => "small",
            OrganizationSize::Medium => "medium",
            OrganizationSize::Large => "large",
            OrganizationSize::Enterprise => "enterprise",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<OrganizationSize> {
        Some(match s {
            "micro" => OrganizationSize::Micro,
            "small" => OrganizationSize::Small,
            "medium" => OrganizationSize::Medium,
            "large" => OrganizationSize::Large,
            "enterprise" => OrganizationSize::Enterprise,
            _ => return None,
        })
    }
}

/// A party: a person or an organization, with everything it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Party {
    /// Its id (UUIDv7).
    pub id: Uuid,
    /// Person or organization.
    pub kind: PartyKind,
    /// The name shown and sorted by.
    pub display_name: String,
    /// A person's given name(s).
    pub given_name: Option<String>,
    /// A person's family name(s).
    pub family_name: Option<String>,
    /// A person's date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Preferred language, a BCP 47 tag ("lv", "nb-NO", "bg").
    pub language: Option<String>,
    /// An organization's registered name.
    pub legal_name: Option<String>,
    /// An organization's company-register number.
    pub registration_number: Option<String>,
    /// An organization's VAT number, upper-case without separators.
    pub vat_number: Option<String>,
    /// An organization's industry.
    pub industry: Option<String>,
    /// An organization's size band.
    pub size: Option<OrganizationSize>,
    /// The organization this party belongs to: a sub-organization's parent,
    /// or a person's organization.
    pub parent_id: Option<Uuid>,
    /// The top organization of the `parent_id` chain (the party itself at
    /// the top), to which sales and service roll up.
    pub commercial_id: Uuid,
    /// The country of its primary postal address.
    pub country: Option<String>,
    /// The roles it holds.
    pub roles: Vec<Role>,
    /// Its contact points.
    pub contact_points: Vec<ContactPoint>,
    /// Its tags, sorted.
    pub tags: Vec<String>,
    /// Its custom field values, by field name.
    pub custom: BTreeMap<String, CustomValue>,
    /// When it was archived; `None` while active.
    pub archived_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its own fields last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version of its own fields; starts at 1.
    pub version: i64,
}

impl Party {
    /// The primary contact point of a kind, if it has one.
    pub fn primary(&self, kind: ContactKind) -> Option<&ContactPoint> {
        self.contact_points.iter().find(|c| c.primary && c.value.kind() == kind)
    }

    /// Whether it holds a role of this kind (at any time).
    pub fn has_role(&self, kind: RoleKind) -> bool {
        self.roles.iter().any(|r| r.details.kind() == kind)
    }
}

/// A party to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewParty {
    /// Give the id yourself (an import's or replica's); `None`: a new UUIDv7.
    pub id: Option<Uuid>,
    /// Person or organization.
    pub kind: PartyKind,
    /// The name shown; defaults to "given family" for a person and to the
    /// legal name for an organization.
    pub display_name: Option<String>,
    /// A person's given name(s).
    pub given_name: Option<String>,
    /// A person's family name(s).
    pub family_name: Option<String>,
    /// A person's date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Preferred language (BCP 47).
    pub language: Option<String>,
    /// An organization's registered name.
    pub legal_name: Option<String>,
    /// An organization's company-register number.
    pub registration_number: Option<String>,
    /// An organization's VAT number.
    pub vat_number: Option<String>,
    /// An organization's industry.
    pub industry: Option<String>,
    /// An organization's size band.
    pub size: Option<OrganizationSize>,
    /// The organization it belongs to.
    pub parent_id: Option<Uuid>,
    /// Roles to add.
    pub roles: Vec<NewRole>,
    /// Contact points to add.
    pub contact_points: Vec<NewContactPoint>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom field values, by field name.
    pub custom: BTreeMap<String, CustomValue>,
}

impl NewParty {
    /// A person with these given and family names.
    pub fn person(given_name: impl Into<String>, family_name: impl Into<String>) -> Self {
        NewParty {
            kind: PartyKind::Person,
            given_name: Some(given_name.into()),
            family_name: Some(family_name.into()),
            ..Default::default()
        }
    }

    /// An organization with this legal name.
    pub fn organization(legal_name: impl Into<String>) -> Self {
        NewParty { kind: PartyKind::Organization, legal_name: Some(legal_name.into()), ..Default::default() }
    }

    /// Add an email address.
    pub fn with_email(mut self, address: impl Into<String>) -> Self {
        self.contact_points.push(NewContactPoint::new(ContactValue::email(address)));
        self
    }

    /// Add a phone number.
    pub fn with_phone(mut self, number: impl Into<String>) -> Self {
        self.contact_points.push(NewContactPoint::new(ContactValue::phone(number)));
        self
    }

    /// Add a contact point.
    pub fn with_contact(mut self, contact: NewContactPoint) -> Self {
        self.contact_points.push(contact);
        self
    }

    /// Add a role.
    pub fn with_role(mut self, role: impl Into<NewRole>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Add a tag.
    pub fn with_tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Set a custom field.
    pub fn with_custom(mut self, name: impl Into<String>, value: impl Into<CustomValue>) -> Self {
        self.custom.insert(name.into(), value.into());
        self
    }

    /// Set the parent organization.
    pub fn with_parent(mut self, parent_id: Uuid) -> Self {
        self.parent_id = Some(parent_id);
        self
    }

    /// Set the VAT number.
    pub fn with_vat_number(mut self, vat: impl Into<String>) -> Self {
        self.vat_number = Some(vat.into());
        self
    }
}

/// Changes to a party's own fields; absent fields stay as they are and
/// `Some(None)` clears a field. Tags, roles, contact points and notes have
/// calls of their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartyPatch {
    /// A new display name (it cannot be cleared).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// See [`Party::given_name`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub given_name: Option<Option<String>>,
    /// See [`Party::family_name`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub family_name: Option<Option<String>>,
    /// See [`Party::birth_date`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub birth_date: Option<Option<NaiveDate>>,
    /// See [`Party::language`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub language: Option<Option<String>>,
    /// See [`Party::legal_name`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub legal_name: Option<Option<String>>,
    /// See [`Party::registration_number`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub registration_number: Option<Option<String>>,
    /// See [`Party::vat_number`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub vat_number: Option<Option<String>>,
    /// See [`Party::industry`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub industry: Option<Option<String>>,
    /// See [`Party::size`].
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub size: Option<Option<OrganizationSize>>,
    /// See [`Party::parent_id`]; a change may not make a cycle.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub parent_id: Option<Option<Uuid>>,
    /// Custom values to set (`null` clears one); others stay.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, Option<CustomValue>>,
}

/// A note on a party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Its id.
    pub id: Uuid,
    /// The party it is about.
    pub party_id: Uuid,
    /// The text.
    pub body: String,
    /// Who wrote it (the handle's actor).
    pub author: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

// ---------------------------------------------------------------- rules

fn clean_text(field: &str, v: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(s) = v else { return Ok(None) };
    let t = s.trim();
    if t.chars().any(char::is_control) {
        return Err(Error::validation(field, "must not contain control characters"));
    }
    if t.chars().count() > max {
        return Err(Error::validation(field, format!("must be at most {max} characters")));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

fn clean_language(v: Option<String>) -> Result<Option<String>> {
    let Some(s) = clean_text("language", v, 35)? else {
        return Ok(None);
    };
    let mut parts = s.split(['-', '_']);
    let primary = parts.next().unwrap_or_default();
    let ok_primary = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest: Vec<&str> = parts.collect();
    let ok_rest = rest.iter().all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !ok_primary || !ok_rest {
        return Err(Error::validation(
            "language",
            format!("{s:?} is not a BCP 47 language tag (e.g. \"lv\", \"nb-NO\")"),
        ));
    }
    let mut out = primary.to_ascii_lowercase();
    for p in rest {
        out.push('-');
        if p.len() == 2 {
            out.push_str(&p.to_ascii_uppercase());
        } else {
            out.push_str(p);
        }
    }
    Ok(Some(out))
}

fn clean_vat(v: Option<String>) -> Result<Option<String>> {
    let Some(s) = clean_text("vat_number", v, 40)? else {
        return Ok(None);
    };
    let norm: String =
        s.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '/')).map(|c| c.to_ascii_uppercase()).collect();
    if norm.len() < 4 || norm.len() > 20 || !norm.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::validation("vat_number", format!("{s:?} is not a VAT number (4 to 20 letters and digits)")));
    }
    Ok(Some(norm))
}

fn check_birth_date(d: Option<NaiveDate>, today: NaiveDate) -> Result<()> {
    if let Some(d) = d {
        if d > today {
            return Err(Error::validation("birth_date", format!("{d} is in the future")));
        }
        if d < NaiveDate::from_ymd_opt(1850, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(Error::validation("birth_date", format!("{d} is before 1850")));
        }
    }
    Ok(())
}

pub(crate) fn clean_tag(tag: &str) -> Result<String> {
    let t = tag.trim();
    if t.is_empty() || t.chars().count() > 64 || t.chars().any(char::is_control) {
        return Err(Error::validation("tags", format!("{tag:?}: a tag has 1 to 64 printable characters")));
    }
    Ok(t.to_string())
}

/// The sort key of a display name.
pub(crate) fn sort_key(name: &str) -> String {
    name.to_lowercase()
}

/// The party's own columns after validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Core {
    pub(crate) kind: PartyKind,
    pub(crate) display_name: String,
    pub(crate) given_name: Option<String>,
    pub(crate) family_name: Option<String>,
    pub(crate) birth_date: Option<NaiveDate>,
    pub(crate) language: Option<String>,
    pub(crate) legal_name: Option<String>,
    pub(crate) registration_number: Option<String>,
    pub(crate) vat_number: Option<String>,
    pub(crate) industry: Option<String>,
    pub(crate) size: Option<OrganizationSize>,
    pub(crate) parent_id: Option<Uuid>,
}

impl Core {
    pub(crate) fn of(p: &Party) -> Core {
        Core {
            kind: p.kind,
            display_name: p.display_name.clone(),
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            birth_date: p.birth_date,
            language: p.language.clone(),
            legal_name: p.legal_name.clone(),
            registration_number: p.registration_number.clone(),
            vat_number: p.vat_number.clone(),
            industry: p.industry.clone(),
            size: p.size,
            parent_id: p.parent_id,
        }
    }

    /// Validate and normalize; `display_given` tells whether the caller set
    /// the display name (else it is derived from the names).
    fn validate(mut self, display_given: bool, today: NaiveDate) -> Result<Core> {
        self.given_name = clean_text("given_name", self.given_name, 200)?;
        self.family_name = clean_text("family_name", self.family_name, 200)?;
        self.legal_name = clean_text("legal_name", self.legal_name, 300)?;
        self.registration_number = clean_text("registration_number", self.registration_number, 60)?;
        self.industry = clean_text("industry", self.industry, 200)?;
        self.language = clean_language(self.language)?;
        self.vat_number = clean_vat(self.vat_number)?;
        check_birth_date(self.birth_date, today)?;
        match self.kind {
            PartyKind::Person => {
                for (field, set) in [
                    ("legal_name", self.legal_name.is_some()),
                    ("registration_number", self.registration_number.is_some()),
                    ("vat_number", self.vat_number.is_some()),
                    ("industry", self.industry.is_some()),
                    ("size", self.size.is_some()),
                ] {
                    if set {
                        return Err(Error::validation(field, "only organizations have this field"));
                    }
                }
            }
            PartyKind::Organization => {
                for (field, set) in [
                    ("given_name", self.given_name.is_some()),
                    ("family_name", self.family_name.is_some()),
                    ("birth_date", self.birth_date.is_some()),
                ] {
                    if set {
                        return Err(Error::validation(field, "only persons have this field"));
                    }
                }
            }
        }
        let display = if display_given {
            let d = clean_text("display_name", Some(std::mem::take(&mut self.display_name)), 300)?;
            if d.is_none() {
                return Err(Error::validation("display_name", "must not be empty"));
            }
            d
        } else {
            None
        };
        let derived = match self.kind {
            PartyKind::Person => {
                let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!joined.is_empty()).then_some(joined)
            }
            PartyKind::Organization => self.legal_name.clone(),
        };
        self.display_name = display.or(derived).ok_or_else(|| {
            Error::validation(
                "display_name",
                match self.kind {
                    PartyKind::Person => "a person needs a display name, a given name or a family name",
                    PartyKind::Organization => "an organization needs a display name or a legal name",
                },
            )
        })?;
        Ok(self)
    }
}

/// Normalize a new contact point.
fn prepare_contact(
    nc: NewContactPoint,
    region: Option<&str>,
) -> Result<(ContactValue, Option<String>, NewContactPoint)> {
    let (value, raw) = nc.value.clone().normalize(region)?;
    let label = clean_text("label", nc.label.clone(), 60)?;
    Ok((value, raw, NewContactPoint { label, ..nc }))
}

/// A validated party ready to insert.
pub(crate) struct Prepared {
    pub(crate) id: Uuid,
    pub(crate) core: Core,
    pub(crate) roles: Vec<NewRole>,
    pub(crate) contacts: Vec<(ContactValue, Option<String>, NewContactPoint)>,
    pub(crate) tags: Vec<String>,
    pub(crate) custom: Vec<(custom::FieldDef, Option<CustomValue>)>,
}

/// Validate and normalize a new party (no reads: the checks against the
/// base are [`check_new`]'s).
pub(crate) fn prepare(
    new: NewParty,
    defs: &[custom::FieldDef],
    region: Option<&str>,
    today: NaiveDate,
) -> Result<Prepared> {
    let display_given = new.display_name.is_some();
    let core = Core {
        kind: new.kind,
        display_name: new.display_name.unwrap_or_default(),
        given_name: new.given_name,
        family_name: new.family_name,
        birth_date: new.birth_date,
        language: new.language,
        legal_name: new.legal_name,
        registration_number: new.registration_number,
        vat_number: new.vat_number,
        industry: new.industry,
        size: new.size,
        parent_id: new.parent_id,
    }
    .validate(display_given, today)?;
    let mut contacts = Vec::with_capacity(new.contact_points.len());
    for (i, c) in new.contact_points.into_iter().enumerate() {
        contacts.push(prepare_contact(c, region).map_err(|e| e.in_field(&format!("contact_points[{i}]")))?);
    }
    // One primary per kind: the one flagged, else the first of its kind.
    for kind in [ContactKind::Email, ContactKind::Phone, ContactKind::Address, ContactKind::Web, ContactKind::Social] {
        let flagged = contacts.iter().filter(|c| c.0.kind() == kind && c.2.primary).count();
        if flagged > 1 {
            return Err(Error::validation("contact_points", format!("more than one primary {}", kind.as_str())));
        }
        if flagged == 0
            && let Some(first) = contacts.iter_mut().find(|c| c.0.kind() == kind)
        {
            first.2.primary = true;
        }
    }
    let mut roles = Vec::with_capacity(new.roles.len());
    for (i, r) in new.roles.into_iter().enumerate() {
        let field = format!("roles[{i}]");
        role::check_span(r.valid_from, r.valid_to).map_err(|e| e.in_field(&field))?;
        if matches!(r.details, RoleDetails::Employee(_)) && core.kind != PartyKind::Person {
            return Err(Error::validation(field, "only persons can hold the employee role"));
        }
        roles.push(NewRole { details: r.details.normalize().map_err(|e| e.in_field(&field))?, ..r });
    }
    let mut tags = Vec::with_capacity(new.tags.len());
    for t in &new.tags {
        tags.push(clean_tag(t)?);
    }
    tags.sort();
    tags.dedup();
    let custom = custom::check_values(
        defs,
        core.kind.as_str(),
        new.custom.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        true,
    )?;
    Ok(Prepared { id: new.id.unwrap_or_else(Uuid::now_v7), core, roles, contacts, tags, custom })
}

/// The key that orders a batch's validation so that phone numbers of one
/// country come together (see [`prepare_batch`]): the region and the
/// `+country` prefix of the party's first phone number.
pub(crate) fn phone_order(p: &NewParty, region: Option<&str>) -> String {
    p.contact_points
        .iter()
        .find_map(|c| match &c.value {
            ContactValue::Phone { number, region: r } => {
                let digits: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '+').take(4).collect();
                Some(format!(
                    "{}{}",
                    r.as_deref().or(region).unwrap_or(""),
                    if digits.starts_with('+') { digits } else { String::new() }
                ))
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// Validate a batch of new parties, in an order that keeps phone numbers of
/// one country together: the phone-number library keeps a small cache of
/// compiled patterns, and numbers of alternating countries would recompile
/// them for nearly every number. The first failure in input order is
/// reported, as `parties[i].…`.
fn prepare_batch(
    new: Vec<NewParty>,
    defs: &[custom::FieldDef],
    region: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<Prepared>> {
    let mut order: Vec<(String, usize, NewParty)> =
        new.into_iter().enumerate().map(|(i, p)| (phone_order(&p, region), i, p)).collect();
    order.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut slots: Vec<Option<Prepared>> = (0..order.len()).map(|_| None).collect();
    let mut first_error: Option<(usize, Error)> = None;
    for (_, i, p) in order {
        if first_error.as_ref().is_some_and(|(j, _)| *j < i) {
            continue;
        }
        match prepare(p, defs, region, today) {
            Ok(prepared) => slots[i] = Some(prepared),
            Err(e) => first_error = Some((i, e.in_field(&format!("parties[{i}]")))),
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    Ok(slots.into_iter().flatten().collect())
}

/// Check a parent: it exists, is an organization, is active and is not the
/// party itself or below it. Returns the parent's commercial id.
fn check_parent(tx: &Tx<'_>, party_id: Uuid, parent_id: Uuid) -> Result<Uuid> {
    let parent = sql::head(tx.conn(), parent_id)?.ok_or_else(|| Error::not_found("party", parent_id))?;
    if parent.kind != PartyKind::Organization {
        return Err(Error::validation("parent_id", "the parent must be an organization"));
    }
    if parent.archived {
        return Err(Error::validation("parent_id", format!("the parent {parent_id} is archived")));
    }
    if parent_id == party_id || sql::ancestors(tx.conn(), parent_id)?.contains(&party_id) {
        return Err(Error::validation(
            "parent_id",
            "the change would make the organization its own ancestor (a cycle)",
        ));
    }
    Ok(parent.commercial_id)
}

/// Check a role against the base (the employee's manager exists and is a person).
fn check_role_refs(tx: &Tx<'_>, details: &RoleDetails) -> Result<()> {
    if let RoleDetails::Employee(EmployeeRole { manager_id: Some(m), .. }) = details {
        let head = sql::head(tx.conn(), *m)?.ok_or_else(|| Error::validation("manager_id", format!("no party {m}")))?;
        if head.kind != PartyKind::Person {
            return Err(Error::validation("manager_id", "the manager must be a person"));
        }
    }
    Ok(())
}

fn conflict(entity: &'static str, id: Uuid, expected: i64, actual: i64) -> Error {
    Error::Conflict { entity, id: id.to_string(), expected, actual }
}

/// Check a validated new party against the base, reading only: its parent,
/// the references of its roles, its unique custom values. Once these pass,
/// writing it fails only if the storage does. Returns its commercial id.
pub(crate) fn check_new(tx: &Tx<'_>, p: &Prepared) -> Result<Uuid> {
    let commercial_id = match p.core.parent_id {
        Some(parent) => check_parent(tx, p.id, parent)?,
        None => p.id,
    };
    for (i, r) in p.roles.iter().enumerate() {
        check_role_refs(tx, &r.details).map_err(|e| e.in_field(&format!("roles[{i}]")))?;
    }
    custom::sql::check_unique(tx.conn(), &p.id, &p.custom)?;
    Ok(commercial_id)
}

fn insert_prepared(tx: &Tx<'_>, p: Prepared) -> Result<Party> {
    let party = insert_unindexed(tx, &p)?;
    search_sql::index_new_party(tx.conn(), party.id, &search_sql::PartyDoc::of_new(&p, &[]))?;
    Ok(party)
}

/// A new party's rows, audit row and event, without its full-text document
/// (the caller indexes it, at the end of a batch: FTS5 flushes what it
/// holds in memory whenever a later statement of the transaction opens a
/// statement journal, so documents written between other rows cost a
/// segment each).
fn insert_unindexed(tx: &Tx<'_>, p: &Prepared) -> Result<Party> {
    let commercial_id = check_new(tx, p)?;
    let party = sql::insert_party(tx, p, commercial_id)?;
    let json = serde_json::to_string(&party)?;
    tx.record("party", &party.id, AuditAction::Created, &json, &json)?;
    Ok(party)
}

/// Create a party inside a write that is under way (a lead conversion, an
/// import): the same rules, audit and event as [`Crm::create_party`].
pub(crate) fn create_in(tx: &Tx<'_>, new: NewParty, region: Option<&str>) -> Result<Party> {
    let defs = custom::sql::load_defs(tx.conn())?;
    let p = prepare(new, &defs, region, tx.now.date_naive())?;
    insert_prepared(tx, p)
}

/// Fold an incoming record into an existing party (an import's upsert):
/// fields the record sets overwrite, custom values are set, contact points,
/// tags and roles it brings are added where the party lacks them. Returns
/// the party after, and whether anything changed.
pub(crate) fn upsert_into(tx: &Tx<'_>, old: &Party, incoming: NewParty, region: Option<&str>) -> Result<(Party, bool)> {
    let (new, changed) = upsert_unindexed(tx, old, incoming, region)?;
    if changed {
        search_sql::reindex_party(tx.conn(), old.id)?;
    }
    Ok((new, changed))
}

/// [`upsert_into`] without the full-text document: the caller rebuilds it
/// (an import, once per batch) when the party changed.
pub(crate) fn upsert_unindexed(
    tx: &Tx<'_>,
    old: &Party,
    incoming: NewParty,
    region: Option<&str>,
) -> Result<(Party, bool)> {
    if incoming.kind != old.kind {
        return Err(Error::validation(
            "kind",
            format!("the key matched a {}, not a {}", old.kind.as_str(), incoming.kind.as_str()),
        ));
    }
    let mut core = Core::of(old);
    let display_given = incoming.display_name.is_some() || !derived_name_matches(old);
    if let Some(v) = incoming.display_name.clone() {
        core.display_name = v;
    }
    macro_rules! fill {
        ($($f:ident),*) => { $( if incoming.$f.is_some() { core.$f = incoming.$f.clone(); } )* };
    }
    fill!(
        given_name,
        family_name,
        birth_date,
        language,
        legal_name,
        registration_number,
        vat_number,
        industry,
        size,
        parent_id
    );
    let core = core.validate(display_given, tx.now.date_naive())?;
    let defs = custom::sql::load_defs(tx.conn())?;
    let custom = custom::check_values(
        &defs,
        core.kind.as_str(),
        incoming.custom.into_iter().map(|(k, v)| (k, Some(v))).collect(),
        false,
    )?;
    if core.parent_id != old.parent_id
        && let Some(parent) = core.parent_id
    {
        check_parent(tx, old.id, parent)?;
    }
    let mut changed = core != Core::of(old);
    if changed {
        sql::update_core(tx, old.id, &core)?;
        if core.parent_id != old.parent_id {
            sql::recompute_commercial(tx.conn(), old.id)?;
        }
    }
    if custom.iter().any(|(d, v)| old.custom.get(&d.name) != v.as_ref()) {
        custom::sql::write_values(tx.conn(), &old.id, &custom)?;
        changed = true;
    }
    for (i, nc) in incoming.contact_points.into_iter().enumerate() {
        let (value, raw, nc) = prepare_contact(nc, region).map_err(|e| e.in_field(&format!("contact_points[{i}]")))?;
        let key = value.key();
        if old.contact_points.iter().any(|c| c.value.kind() == value.kind() && c.value.key() == key) {
            continue;
        }
        let mut nc = nc;
        nc.primary |= !sql::has_primary(tx.conn(), old.id, value.kind())?;
        let cp = sql::insert_contact(tx, old.id, &value, raw.as_deref(), &nc)?;
        sql::settle_contacts(tx, old.id, Some((cp.id, cp.primary)), cp.value.kind())?;
        changed = true;
    }
    let tags = incoming.tags.iter().map(|t| clean_tag(t)).collect::<Result<Vec<_>>>()?;
    if sql::change_tags(tx, old.id, &tags, true)? > 0 {
        changed = true;
    }
    for (i, r) in incoming.roles.into_iter().enumerate() {
        if old.roles.iter().any(|o| o.details.kind() == r.details.kind()) {
            continue;
        }
        let field = format!("roles[{i}]");
        role::check_span(r.valid_from, r.valid_to).map_err(|e| e.in_field(&field))?;
        let details = r.details.normalize().map_err(|e| e.in_field(&field))?;
        check_role_refs(tx, &details).map_err(|e| e.in_field(&field))?;
        sql::insert_role(tx, old.id, &details, r.valid_from, r.valid_to)?;
        sql::refresh_role_bits(tx.conn(), old.id)?;
        changed = true;
    }
    if !changed {
        return Ok((old.clone(), false));
    }
    if Core::of(old) == core {
        sql::touch(tx, old.id)?;
    }
    let new = sql::get_for_write(tx.conn(), old.id)?;
    let changes = diff(&serde_json::to_value(old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
    tx.record("party", &old.id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
    Ok((new, true))
}

impl Crm {
    /// Create a party with its roles, contact points, tags and custom values.
    pub fn create_party(&self, new: NewParty) -> Result<Party> {
        let region = self.store.options.default_region.as_deref();
        self.store.write(&self.actor, |tx| create_in(tx, new, region))
    }

    /// Create many parties in one transaction: all of them, or none if any
    /// is invalid (the error's field names its index, `parties[7].…`).
    pub fn create_parties(&self, new: Vec<NewParty>) -> Result<Vec<Party>> {
        let region = self.store.options.default_region.as_deref();
        self.store.write(&self.actor, |tx| {
            let defs = custom::sql::load_defs(tx.conn())?;
            let today = tx.now.date_naive();
            let prepared = prepare_batch(new, &defs, region, today)?;
            let mut out = Vec::with_capacity(prepared.len());
            for (i, p) in prepared.iter().enumerate() {
                out.push(insert_unindexed(tx, p).map_err(|e| e.in_field(&format!("parties[{i}]")))?);
            }
            // The documents together, after every other row (see `insert_unindexed`).
            for (p, party) in prepared.iter().zip(&out) {
                search_sql::index_new_party(tx.conn(), party.id, &search_sql::PartyDoc::of_new(p, &[]))?;
            }
            Ok(out)
        })
    }

    /// A party by id, with everything it holds.
    pub fn get_party(&self, id: Uuid) -> Result<Party> {
        self.store.read(|c| sql::get_party(c, id)?.ok_or_else(|| Error::not_found("party", id)))
    }

    /// Change a party's own fields. `version` is the version the caller
    /// read; if the party moved on since, nothing changes and
    /// [`Error::Conflict`] is returned.
    pub fn update_party(&self, id: Uuid, version: i64, patch: &PartyPatch) -> Result<Party> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_for_write(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("party", id, version, old.version));
            }
            let mut core = Core::of(&old);
            let p = patch.clone();
            // A display name that was derived from the names follows them.
            let names_touched = p.given_name.is_some() || p.family_name.is_some() || p.legal_name.is_some();
            let display_given = p.display_name.is_some() || !(names_touched && derived_name_matches(&old));
            if let Some(v) = p.display_name {
                core.display_name = v;
            }
            macro_rules! set {
                ($($f:ident),*) => { $( if let Some(v) = p.$f { core.$f = v; } )* };
            }
            set!(
                given_name,
                family_name,
                birth_date,
                language,
                legal_name,
                registration_number,
                vat_number,
                industry,
                size,
                parent_id
            );
            let core = core.validate(display_given, tx.now.date_naive())?;
            let defs = custom::sql::load_defs(tx.conn())?;
            let custom = custom::check_values(&defs, core.kind.as_str(), p.custom, false)?;
            let parent_changed = core.parent_id != old.parent_id;
            if parent_changed && let Some(parent) = core.parent_id {
                check_parent(tx, id, parent)?;
            }
            sql::update_core(tx, id, &core)?;
            custom::sql::write_values(tx.conn(), &id, &custom)?;
            if parent_changed {
                sql::recompute_commercial(tx.conn(), id)?;
            }
            search_sql::reindex_party(tx.conn(), id)?;
            let new = sql::get_party(tx.conn(), id)?.ok_or_else(|| Error::not_found("party", id))?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("party", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Archive a party: it stays, with everything it holds, but leaves the
    /// default lists and takes no new relationships.
    pub fn archive_party(&self, id: Uuid, version: i64) -> Result<Party> {
        self.set_archived(id, version, true)
    }

    /// Bring an archived party back.
    pub fn restore_party(&self, id: Uuid, version: i64) -> Result<Party> {
        self.set_archived(id, version, false)
    }

    fn set_archived(&self, id: Uuid, version: i64, archive: bool) -> Result<Party> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_for_write(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("party", id, version, old.version));
            }
            if old.archived_at.is_some() == archive {
                return Err(Error::validation(
                    "archived_at",
                    if archive { "the party is already archived" } else { "the party is not archived" },
                ));
            }
            sql::set_archived(tx, id, archive.then_some(tx.now))?;
            let new = sql::get_party(tx.conn(), id)?.ok_or_else(|| Error::not_found("party", id))?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            let action = if archive { AuditAction::Archived } else { AuditAction::Restored };
            tx.record("party", &id, action, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Delete a party for good, with its contact points, roles, tags, notes,
    /// custom values and relationships. Parties that had it as parent lose
    /// their parent (and roll up to themselves).
    pub fn delete_party(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_for_write(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("party", id, version, old.version));
            }
            search_sql::unindex_party(tx.conn(), id)?;
            sql::delete_party(tx.conn(), id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("party", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// Add tags to a party (ones it has already are left as they are).
    pub fn add_tags(&self, party_id: Uuid, tags: &[&str]) -> Result<Party> {
        self.change_tags(party_id, tags, true)
    }

    /// Remove tags from a party (ones it does not have are ignored).
    pub fn remove_tags(&self, party_id: Uuid, tags: &[&str]) -> Result<Party> {
        self.change_tags(party_id, tags, false)
    }

    fn change_tags(&self, party_id: Uuid, tags: &[&str], add: bool) -> Result<Party> {
        let tags = tags.iter().map(|t| clean_tag(t)).collect::<Result<Vec<_>>>()?;
        self.store.write(&self.actor, |tx| {
            let old = sql::get_for_write(tx.conn(), party_id)?;
            let changed = sql::change_tags(tx, party_id, &tags, add)?;
            if changed == 0 {
                return Ok(old);
            }
            sql::touch(tx, party_id)?;
            search_sql::reindex_party(tx.conn(), party_id)?;
            let new = sql::get_party(tx.conn(), party_id)?.ok_or_else(|| Error::not_found("party", party_id))?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("party", &party_id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Add a contact point to a party. Making it primary takes the flag from
    /// the party's other contact point of its kind.
    pub fn add_contact_point(&self, party_id: Uuid, new: NewContactPoint) -> Result<ContactPoint> {
        let region = self.store.options.default_region.as_deref();
        let (value, raw, mut nc) = prepare_contact(new, region)?;
        self.store.write(&self.actor, |tx| {
            sql::head(tx.conn(), party_id)?.ok_or_else(|| Error::not_found("party", party_id))?;
            // The first of its kind is primary from the start.
            nc.primary |= !sql::has_primary(tx.conn(), party_id, value.kind())?;
            let cp = sql::insert_contact(tx, party_id, &value, raw.as_deref(), &nc)?;
            sql::settle_contacts(tx, party_id, Some((cp.id, cp.primary)), cp.value.kind())?;
            search_sql::reindex_party(tx.conn(), party_id)?;
            let cp = sql::get_contact(tx.conn(), cp.id)?;
            let json = serde_json::to_string(&cp)?;
            tx.record("contact_point", &cp.id, AuditAction::Created, &json, &json)?;
            Ok(cp)
        })
    }

    /// Change a contact point.
    pub fn update_contact_point(&self, id: Uuid, version: i64, patch: &ContactPointPatch) -> Result<ContactPoint> {
        let region = self.store.options.default_region.as_deref();
        let value = match &patch.value {
            Some(v) => Some(v.clone().normalize(region).map_err(|e| e.in_field("value"))?),
            None => None,
        };
        let label = match &patch.label {
            Some(l) => Some(clean_text("label", l.clone(), 60)?),
            None => None,
        };
        self.store.write(&self.actor, |tx| {
            let old = sql::get_contact(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("contact_point", id, version, old.version));
            }
            let mut new = old.clone();
            if let Some((v, raw)) = value {
                new.value = v;
                new.raw = raw;
            }
            if let Some(l) = label {
                new.label = l;
            }
            if let Some(v) = patch.verified {
                new.verified = v;
            }
            if let Some(p) = patch.primary {
                new.primary = p;
            }
            sql::update_contact(tx, &new)?;
            if old.value.kind() != new.value.kind() {
                sql::settle_contacts(tx, old.party_id, None, old.value.kind())?;
            }
            sql::settle_contacts(tx, new.party_id, Some((id, new.primary)), new.value.kind())?;
            search_sql::reindex_party(tx.conn(), new.party_id)?;
            let new = sql::get_contact(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("contact_point", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Remove a contact point; if it was primary, the next of its kind
    /// becomes primary.
    pub fn remove_contact_point(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_contact(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("contact_point", id, version, old.version));
            }
            sql::delete_contact(tx.conn(), id)?;
            sql::settle_contacts(tx, old.party_id, None, old.value.kind())?;
            search_sql::reindex_party(tx.conn(), old.party_id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("contact_point", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// A contact point by id.
    pub fn get_contact_point(&self, id: Uuid) -> Result<ContactPoint> {
        self.store.read(|c| sql::get_contact(c, id))
    }

    /// A role by id.
    pub fn get_role(&self, id: Uuid) -> Result<Role> {
        self.store.read(|c| sql::get_role(c, id))
    }

    /// A note by id.
    pub fn get_note(&self, id: Uuid) -> Result<Note> {
        self.store.read(|c| sql::get_note(c, id))
    }

    /// Parties having a contact point with this normalized key (see
    /// [`ContactValue::key`]); the value given is normalized first.
    pub fn find_by_contact(&self, value: ContactValue) -> Result<Vec<Party>> {
        let (value, _) = value.normalize(self.store.options.default_region.as_deref())?;
        self.store.read(|c| sql::find_by_contact(c, value.kind(), &value.key()))
    }

    /// Add a role to a party.
    pub fn add_role(&self, party_id: Uuid, new: NewRole) -> Result<Role> {
        role::check_span(new.valid_from, new.valid_to)?;
        let details = new.details.normalize()?;
        self.store.write(&self.actor, |tx| {
            let head = sql::head(tx.conn(), party_id)?.ok_or_else(|| Error::not_found("party", party_id))?;
            if matches!(details, RoleDetails::Employee(_)) && head.kind != PartyKind::Person {
                return Err(Error::validation("role", "only persons can hold the employee role"));
            }
            check_role_refs(tx, &details)?;
            let r = sql::insert_role(tx, party_id, &details, new.valid_from, new.valid_to)?;
            sql::refresh_role_bits(tx.conn(), party_id)?;
            let json = serde_json::to_string(&r)?;
            tx.record("role", &r.id, AuditAction::Created, &json, &json)?;
            Ok(r)
        })
    }

    /// Change a role's details or time span (not its kind).
    pub fn update_role(&self, id: Uuid, version: i64, patch: &RolePatch) -> Result<Role> {
        let details = match &patch.details {
            Some(d) => Some(d.clone().normalize()?),
            None => None,
        };
        self.store.write(&self.actor, |tx| {
            let old = sql::get_role(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("role", id, version, old.version));
            }
            let mut new = old.clone();
            if let Some(d) = details {
                if d.kind() != old.details.kind() {
                    return Err(Error::validation("role", "a role's kind cannot change; remove it and add another"));
                }
                check_role_refs(tx, &d)?;
                new.details = d;
            }
            if let Some(v) = patch.valid_from {
                new.valid_from = v;
            }
            if let Some(v) = patch.valid_to {
                new.valid_to = v;
            }
            role::check_span(new.valid_from, new.valid_to)?;
            sql::update_role(tx, &new)?;
            let new = sql::get_role(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("role", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Remove a role.
    pub fn remove_role(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_role(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("role", id, version, old.version));
            }
            sql::delete_role(tx.conn(), id)?;
            sql::refresh_role_bits(tx.conn(), old.party_id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("role", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// Add a note to a party, written by this handle's actor.
    pub fn add_note(&self, party_id: Uuid, body: &str) -> Result<Note> {
        let body = clean_note(body)?;
        self.store.write(&self.actor, |tx| {
            sql::head(tx.conn(), party_id)?.ok_or_else(|| Error::not_found("party", party_id))?;
            let note = sql::insert_note(tx, party_id, &body)?;
            search_sql::reindex_party(tx.conn(), party_id)?;
            let json = serde_json::to_string(&note)?;
            tx.record("note", &note.id, AuditAction::Created, &json, &json)?;
            Ok(note)
        })
    }

    /// A party's notes, newest first.
    pub fn notes(&self, party_id: Uuid) -> Result<Vec<Note>> {
        self.store.read(|c| sql::notes(c, party_id))
    }

    /// Delete a note.
    pub fn delete_note(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_note(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("note", id, version, old.version));
            }
            sql::delete_note(tx.conn(), id)?;
            search_sql::reindex_party(tx.conn(), old.party_id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("note", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// One page of parties matching the query, in its order. Pass the
    /// page's `next` as the next query's `after` to go on; pages stay stable
    /// while rows are added.
    pub fn list_parties(&self, query: &PartyQuery) -> Result<Page<Party>> {
        let plan = list::plan(query)?;
        self.store.read(|c| sql::list_parties(c, &plan))
    }

    /// How many parties match the filter.
    pub fn count_parties(&self, filter: &PartyFilter) -> Result<u64> {
        let plan = list::plan(&PartyQuery { filter: filter.clone(), ..Default::default() })?;
        self.store.read(|c| sql::count_parties(c, &plan))
    }
}

/// Whether the display name is the one derived from the names (so that a
/// patch of the names re-derives it).
fn derived_name_matches(p: &Party) -> bool {
    let derived = match p.kind {
        PartyKind::Person => {
            [p.given_name.as_deref(), p.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
        }
        PartyKind::Organization => p.legal_name.clone().unwrap_or_default(),
    };
    derived == p.display_name
}

fn clean_note(body: &str) -> Result<String> {
    let t = body.trim();
    if t.is_empty() {
        return Err(Error::validation("body", "a note needs text"));
    }
    if t.chars().count() > 100_000 {
        return Err(Error::validation("body", "a note has at most 100,000 characters"));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(Error::validation("body", "must not contain control characters"));
    }
    Ok(t.to_string())
}
