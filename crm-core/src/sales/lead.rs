//! Leads: someone not yet in the base who showed interest; scored by rules,
//! worked, qualified and converted into parties and an opportunity.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::opportunity::{BuyingRole, NewOpportunity, Opportunity, OpportunityContact, insert_opportunity};
use super::{Money, conflict, optional_text, sql};
use crate::Crm;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::party::contact::{normalize_country, normalize_email, normalize_phone};
use crate::party::{ContactValue, NewParty, Party, PartyKind};
use crate::store::Tx;

/// Where a lead stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    /// Just arrived.
    #[default]
    New,
    /// Being worked on.
    Working,
    /// Worth a sale.
    Qualified,
    /// Turned into parties and an opportunity (final).
    Converted,
    /// Not worth a sale, with a reason.
    Disqualified,
}

impl LeadStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "new",
            LeadStatus::Working => "working",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Converted => "converted",
            LeadStatus::Disqualified => "disqualified",
        }
    }

    pub(crate) fn parse(s: &str) -> LeadStatus {
        match s {
            "working" => LeadStatus::Working,
            "qualified" => LeadStatus::Qualified,
            "converted" => LeadStatus::Converted,
            "disqualified" => LeadStatus::Disqualified,
            _ => LeadStatus::New,
        }
    }

    /// Whether a lead may go from this status to `to` by a status change
    /// (conversion has a call of its own).
    pub fn can_become(self, to: LeadStatus) -> bool {
        use LeadStatus::*;
        matches!(
            (self, to),
            (New, Working)
                | (New, Qualified)
                | (Working, Qualified)
                | (Qualified, Working)
                | (New | Working | Qualified, Disqualified)
                | (Disqualified, Working)
        )
    }
}

/// Campaign tracking parameters of the link the lead came through.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Utm {
    /// utm_source.
    pub source: Option<String>,
    /// utm_medium.
    pub medium: Option<String>,
    /// utm_campaign.
    pub campaign: Option<String>,
    /// utm_term.
    pub term: Option<String>,
    /// utm_content.
    pub content: Option<String>,
}

/// Someone who showed interest and is not yet in the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// Its id.
    pub id: Uuid,
    /// Where it stands.
    pub status: LeadStatus,
    /// Where it came from ("web", "referral", "event", "cold_call", …).
    pub source: Option<String>,
    /// The campaign that brought it.
    pub campaign_id: Option<Uuid>,
    /// Tracking parameters.
    pub utm: Utm,
    /// The person's given name.
    pub given_name: Option<String>,
    /// The person's family name.
    pub family_name: Option<String>,
    /// The person's email, normalized.
    pub email: Option<String>,
    /// The person's phone, in E.164.
    pub phone: Option<String>,
    /// The company's name.
    pub company_name: Option<String>,
    /// The person's job title.
    pub title: Option<String>,
    /// ISO 3166 country.
    pub country: Option<String>,
    /// Free text.
    pub notes: Option<String>,
    /// Who works on it.
    pub owner: Option<String>,
    /// Its score by the lead scoring rules.
    pub score: i64,
    /// Why it was disqualified.
    pub disqualify_reason: Option<String>,
    /// The person it became.
    pub person_id: Option<Uuid>,
    /// The organization it became.
    pub organization_id: Option<Uuid>,
    /// The opportunity it became.
    pub opportunity_id: Option<Uuid>,
    /// When it was converted.
    pub converted_at: Option<DateTime<Utc>>,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// A lead to record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewLead {
    /// Where it came from.
    pub source: Option<String>,
    /// The campaign that brought it.
    pub campaign_id: Option<Uuid>,
    /// Tracking parameters.
    pub utm: Utm,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone (read in the base's default region without `+country`).
    pub phone: Option<String>,
    /// Company name.
    pub company_name: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// ISO 3166 country.
    pub country: Option<String>,
    /// Free text.
    pub notes: Option<String>,
    /// Who works on it.
    pub owner: Option<String>,
    /// When it arrived, for history brought from another system (not in the
    /// future); now if `None`.
    pub created_at: Option<DateTime<Utc>>,
}

/// Changes to a lead's details or status; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadPatch {
    /// A new status (not `converted`: use [`Crm::convert_lead`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<LeadStatus>,
    /// The reason, required when disqualifying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disqualify_reason: Option<String>,
    /// New given name.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub given_name: Option<Option<String>>,
    /// New family name.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub family_name: Option<Option<String>>,
    /// New email.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub email: Option<Option<String>>,
    /// New phone.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub phone: Option<Option<String>>,
    /// New company name.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub company_name: Option<Option<String>>,
    /// New title.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub title: Option<Option<String>>,
    /// New owner.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub owner: Option<Option<String>>,
    /// New notes.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub notes: Option<Option<String>>,
}

/// A condition of a lead scoring rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadCondition {
    /// It has an email.
    HasEmail,
    /// It has a phone.
    HasPhone,
    /// It names a company.
    HasCompany,
    /// Its source is this one.
    Source(String),
    /// Its utm_source is this one.
    UtmSource(String),
    /// It is in this country.
    Country(String),
    /// Its title contains this text (case-insensitive).
    TitleContains(String),
}

impl LeadCondition {
    fn holds(&self, l: &Lead) -> bool {
        match self {
            LeadCondition::HasEmail => l.email.is_some(),
            LeadCondition::HasPhone => l.phone.is_some(),
            LeadCondition::HasCompany => l.company_name.is_some(),
            LeadCondition::Source(s) => l.source.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(s)),
            LeadCondition::UtmSource(s) => l.utm.source.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(s)),
            LeadCondition::Country(c) => l.country.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(c)),
            LeadCondition::TitleContains(t) => {
                l.title.as_deref().is_some_and(|v| v.to_lowercase().contains(&t.to_lowercase()))
            }
        }
    }
}

/// A rule: leads meeting the condition get the points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadScoreRule {
    /// The condition.
    pub condition: LeadCondition,
    /// Points added (or, negative, taken away).
    pub points: i64,
}

/// The score of a lead by a set of rules.
pub(crate) fn score(lead: &Lead, rules: &[LeadScoreRule]) -> i64 {
    rules.iter().filter(|r| r.condition.holds(lead)).map(|r| r.points).sum()
}

/// What a lead's person or organization becomes on conversion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "id")]
pub enum PartyChoice {
    /// A new party made from the lead's details.
    #[default]
    New,
    /// An existing party: only its empty fields are filled from the lead.
    Existing(Uuid),
    /// None (for an organization: the lead names no company, or it is not wanted).
    Skip,
}

/// The opportunity a conversion creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpportunitySpec {
    /// Its name; defaults to the company's or person's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its pipeline.
    pub pipeline_id: Uuid,
    /// Its amount.
    pub amount: Money,
    /// When it is expected to close.
    #[serde(default)]
    pub expected_close: Option<chrono::NaiveDate>,
}

/// How to convert a lead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeadConversion {
    /// The person.
    pub person: PartyChoice,
    /// The organization.
    pub organization: PartyChoice,
    /// The opportunity to open, if any.
    pub opportunity: Option<OpportunitySpec>,
}

/// Validated, normalized lead details.
pub(crate) fn clean_lead(mut l: Lead, region: Option<&str>) -> Result<Lead> {
    l.source = optional_text("source", l.source, 100)?.map(|s| s.to_lowercase());
    l.utm = Utm {
        source: optional_text("utm.source", l.utm.source, 200)?,
        medium: optional_text("utm.medium", l.utm.medium, 200)?,
        campaign: optional_text("utm.campaign", l.utm.campaign, 200)?,
        term: optional_text("utm.term", l.utm.term, 200)?,
        content: optional_text("utm.content", l.utm.content, 200)?,
    };
    l.given_name = optional_text("given_name", l.given_name, 200)?;
    l.family_name = optional_text("family_name", l.family_name, 200)?;
    l.email = match optional_text("email", l.email, 254)? {
        Some(e) => Some(normalize_email(&e).map_err(|e| e.in_field("email"))?),
        None => None,
    };
    l.phone = match optional_text("phone", l.phone, 64)? {
        Some(p) => Some(normalize_phone(&p, region).map_err(|e| e.in_field("phone"))?.0),
        None => None,
    };
    l.company_name = optional_text("company_name", l.company_name, 300)?;
    l.title = optional_text("title", l.title, 200)?;
    l.country = match optional_text("country", l.country, 3)? {
        Some(c) => Some(normalize_country(&c).map_err(|e| e.in_field("country"))?),
        None => None,
    };
    l.notes = optional_text("notes", l.notes, 100_000)?;
    l.owner = optional_text("owner", l.owner, 200)?;
    if l.given_name.is_none()
        && l.family_name.is_none()
        && l.email.is_none()
        && l.phone.is_none()
        && l.company_name.is_none()
    {
        return Err(Error::validation("given_name", "a lead needs a name, an email, a phone or a company"));
    }
    Ok(l)
}

/// Fill the empty fields of an existing party from the lead; add its email
/// and phone as contact points when the party has not got them.
fn fill_party(tx: &Tx<'_>, party: &Party, lead: &Lead) -> Result<()> {
    use crate::party::sql as ps;
    let mut core = crate::party::Core::of(party);
    match party.kind {
        PartyKind::Person => {
            if core.given_name.is_none() {
                core.given_name = lead.given_name.clone();
            }
            if core.family_name.is_none() {
                core.family_name = lead.family_name.clone();
            }
        }
        PartyKind::Organization => {
            if core.legal_name.is_none() {
                core.legal_name = lead.company_name.clone();
            }
        }
    }
    if core != crate::party::Core::of(party) {
        ps::update_core(tx, party.id, &core)?;
    }
    let mut changed = core != crate::party::Core::of(party);
    if party.kind == PartyKind::Person {
        let new_contacts = [
            lead.email.clone().map(|a| ContactValue::Email { address: a }),
            lead.phone.clone().map(|n| ContactValue::Phone { region: None, number: n }),
        ];
        for value in new_contacts.into_iter().flatten() {
            let key = value.key();
            if party.contact_points.iter().any(|c| c.value.key() == key) {
                continue;
            }
            let kind = value.kind();
            let primary = party.primary(kind).is_none();
            let nc = crate::party::NewContactPoint { value: value.clone(), label: None, primary, verified: false };
            let (value, _) = value.normalize(None)?;
            ps::insert_contact(tx, party.id, &value, None, &nc)?;
            ps::settle_contacts(tx, party.id, None, kind)?;
            changed = true;
        }
    }
    if changed {
        crate::search::sql::reindex_party(tx.conn(), party.id)?;
        let new = ps::get_party(tx.conn(), party.id)?.ok_or_else(|| Error::not_found("party", party.id))?;
        let changes = diff(&serde_json::to_value(party)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
        tx.record("party", &party.id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
    }
    Ok(())
}

impl Crm {
    /// Record a lead; it is scored by the current rules.
    pub fn create_lead(&self, new: NewLead) -> Result<Lead> {
        let region = self.store.options.default_region.as_deref();
        self.store.write(&self.actor, |tx| {
            let lead = Lead {
                id: Uuid::now_v7(),
                status: LeadStatus::New,
                source: new.source,
                campaign_id: new.campaign_id,
                utm: new.utm,
                given_name: new.given_name,
                family_name: new.family_name,
                email: new.email,
                phone: new.phone,
                company_name: new.company_name,
                title: new.title,
                country: new.country,
                notes: new.notes,
                owner: new.owner,
                score: 0,
                disqualify_reason: None,
                person_id: None,
                organization_id: None,
                opportunity_id: None,
                converted_at: None,
                created_at: super::opportunity::past_or_now(tx, new.created_at, "created_at")?,
                updated_at: tx.now,
                version: 1,
            };
            let mut lead = clean_lead(lead, region)?;
            lead.score = score(&lead, &sql::score_rules(tx.conn())?);
            sql::insert_lead(tx, &lead)?;
            let json = serde_json::to_string(&lead)?;
            tx.record("lead", &lead.id, AuditAction::Created, &json, &json)?;
            Ok(lead)
        })
    }

    /// A lead by id.
    pub fn get_lead(&self, id: Uuid) -> Result<Lead> {
        self.store.read(|c| sql::get_lead(c, id))
    }

    /// Leads in a status (all if `None`), newest first, at most `limit`.
    pub fn leads(&self, status: Option<LeadStatus>, limit: usize) -> Result<Vec<Lead>> {
        crate::page::check_limit(limit)?;
        self.store.read(|c| sql::leads(c, status, limit))
    }

    /// Change a lead's details or status. Disqualifying needs a reason; a
    /// converted lead no longer changes.
    pub fn update_lead(&self, id: Uuid, version: i64, patch: &LeadPatch) -> Result<Lead> {
        let region = self.store.options.default_region.as_deref();
        self.store.write(&self.actor, |tx| {
            let old = sql::get_lead(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("lead", id, version, old.version));
            }
            if old.status == LeadStatus::Converted {
                return Err(Error::validation("status", "a converted lead no longer changes"));
            }
            let mut new = old.clone();
            macro_rules! set {
                ($($f:ident),*) => { $( if let Some(v) = &patch.$f { new.$f = v.clone(); } )* };
            }
            set!(given_name, family_name, email, phone, company_name, title, owner, notes);
            if let Some(s) = patch.status {
                if s == LeadStatus::Converted {
                    return Err(Error::validation("status", "convert a lead with convert_lead"));
                }
                if s != old.status && !old.status.can_become(s) {
                    return Err(Error::validation(
                        "status",
                        format!("a lead cannot go from {} to {}", old.status.as_str(), s.as_str()),
                    ));
                }
                new.status = s;
                if s == LeadStatus::Disqualified {
                    new.disqualify_reason = optional_text("disqualify_reason", patch.disqualify_reason.clone(), 500)?;
                    if new.disqualify_reason.is_none() {
                        return Err(Error::validation("disqualify_reason", "disqualifying a lead needs a reason"));
                    }
                } else {
                    new.disqualify_reason = None;
                }
            }
            let mut new = clean_lead(new, region)?;
            new.score = score(&new, &sql::score_rules(tx.conn())?);
            sql::update_lead(tx, &new)?;
            let new = sql::get_lead(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("lead", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// The interactions recorded with a lead, newest first (they stay with
    /// it after conversion, and appear in the person's timeline too).
    pub fn lead_interactions(&self, lead_id: Uuid) -> Result<Vec<crate::Interaction>> {
        self.store.read(|c| {
            sql::get_lead(c, lead_id)?;
            sql::lead_interactions(c, lead_id)?
                .into_iter()
                .map(|id| crate::interaction::sql::get_interaction(c, id))
                .collect()
        })
    }

    /// The lead scoring rules in force.
    pub fn lead_score_rules(&self) -> Result<Vec<LeadScoreRule>> {
        self.store.read(sql::score_rules)
    }

    /// Replace the lead scoring rules, and rescore every lead not yet
    /// converted.
    pub fn set_lead_score_rules(&self, rules: Vec<LeadScoreRule>) -> Result<()> {
        for (i, r) in rules.iter().enumerate() {
            if r.points.abs() > 1000 {
                return Err(Error::validation(format!("rules[{i}].points"), "between -1000 and 1000"));
            }
        }
        self.store.write(&self.actor, |tx| {
            sql::replace_score_rules(tx, &rules)?;
            sql::rescore_leads(tx, &rules)?;
            let json = serde_json::to_string(&rules)?;
            tx.record("lead_score_rules", &Uuid::nil(), AuditAction::Updated, &json, &json)
        })
    }

    /// Convert a lead, in one transaction, into a person, an organization
    /// and an opportunity, new or existing. Existing parties only get their
    /// empty fields filled. The lead stays, linked to what it became, and
    /// its interactions move to the person. A lead converts once.
    pub fn convert_lead(&self, id: Uuid, version: i64, how: &LeadConversion) -> Result<(Lead, Option<Opportunity>)> {
        self.store.write(&self.actor, |tx| {
            let lead = sql::get_lead(tx.conn(), id)?;
            if lead.version != version {
                return Err(conflict("lead", id, version, lead.version));
            }
            match lead.status {
                LeadStatus::Converted => return Err(Error::validation("status", "the lead is converted already")),
                LeadStatus::Disqualified => {
                    return Err(Error::validation("status", "a disqualified lead cannot be converted"));
                }
                _ => {}
            }
            let organization_id = match how.organization {
                PartyChoice::Skip => None,
                PartyChoice::New if lead.company_name.is_none() => None,
                PartyChoice::New => {
                    let org = NewParty::organization(lead.company_name.clone().unwrap_or_default());
                    Some(crate::party::create_in(tx, org, None).map_err(|e| e.in_field("organization"))?.id)
                }
                PartyChoice::Existing(oid) => {
                    let org =
                        crate::party::sql::get_party(tx.conn(), oid)?.ok_or_else(|| Error::not_found("party", oid))?;
                    if org.kind != PartyKind::Organization {
                        return Err(Error::validation("organization", "the existing party is not an organization"));
                    }
                    fill_party(tx, &org, &lead)?;
                    Some(oid)
                }
            };
            let person_id = match how.person {
                PartyChoice::Skip => None,
                PartyChoice::New => {
                    let mut p = NewParty { kind: PartyKind::Person, ..Default::default() };
                    p.given_name = lead.given_name.clone();
                    p.family_name = lead.family_name.clone();
                    if p.given_name.is_none() && p.family_name.is_none() {
                        p.display_name = lead.email.clone().or(lead.phone.clone());
                    }
                    if let Some(e) = &lead.email {
                        p = p.with_email(e.clone());
                    }
                    if let Some(ph) = &lead.phone {
                        p = p.with_phone(ph.clone());
                    }
                    p.parent_id = organization_id;
                    Some(crate::party::create_in(tx, p, None).map_err(|e| e.in_field("person"))?.id)
                }
                PartyChoice::Existing(pid) => {
                    let person =
                        crate::party::sql::get_party(tx.conn(), pid)?.ok_or_else(|| Error::not_found("party", pid))?;
                    if person.kind != PartyKind::Person {
                        return Err(Error::validation("person", "the existing party is not a person"));
                    }
                    fill_party(tx, &person, &lead)?;
                    if person.parent_id.is_none()
                        && let Some(org) = organization_id
                    {
                        let filled = crate::party::sql::get_party(tx.conn(), pid)?
                            .ok_or_else(|| Error::not_found("party", pid))?;
                        let mut core = crate::party::Core::of(&filled);
                        core.parent_id = Some(org);
                        crate::party::sql::update_core(tx, pid, &core)?;
                        crate::party::sql::recompute_commercial(tx.conn(), pid)?;
                    }
                    Some(pid)
                }
            };
            if person_id.is_none() && organization_id.is_none() {
                return Err(Error::validation("person", "a conversion needs a person or an organization"));
            }
            let opportunity = match &how.opportunity {
                None => None,
                Some(spec) => {
                    let account =
                        organization_id.or(person_id).ok_or_else(|| Error::validation("opportunity", "no account"))?;
                    let name = spec.name.clone().or(lead.company_name.clone()).unwrap_or_else(|| {
                        [lead.given_name.as_deref(), lead.family_name.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" ")
                    });
                    let mut new = NewOpportunity::new(
                        if name.trim().is_empty() { "Opportunity".to_string() } else { name },
                        account,
                        spec.pipeline_id,
                        spec.amount.clone(),
                    );
                    new.expected_close = spec.expected_close;
                    new.owner = lead.owner.clone();
                    new.source = lead.source.clone();
                    if let Some(p) = person_id.filter(|p| Some(*p) != organization_id)
                        && organization_id.is_some()
                    {
                        new.contacts.push(OpportunityContact { party_id: p, buying_role: BuyingRole::Unknown });
                    }
                    Some(insert_opportunity(tx, new, Some(lead.id)).map_err(|e| e.in_field("opportunity"))?)
                }
            };
            if let Some(p) = person_id {
                sql::move_lead_interactions(tx, lead.id, p)?;
                crate::search::sql::reindex_interactions(tx.conn(), &sql::lead_interactions(tx.conn(), lead.id)?)?;
            }
            sql::mark_converted(tx, lead.id, person_id, organization_id, opportunity.as_ref().map(|o| o.id))?;
            let new = sql::get_lead(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&lead)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("lead", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok((new, opportunity))
        })
    }
}
