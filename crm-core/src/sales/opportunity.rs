//! Pipelines with ordered stages, and the opportunities that move through them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Money, conflict, normalize_currency, optional_text, required_text, sql};
use crate::Crm;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::party::sql as party_sql;
use crate::store::Tx;

/// What reaching a stage means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    /// Still being worked on.
    #[default]
    Open,
    /// The deal is won.
    Won,
    /// The deal is lost.
    Lost,
}

impl StageOutcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StageOutcome::Open => "open",
            StageOutcome::Won => "won",
            StageOutcome::Lost => "lost",
        }
    }

    pub(crate) fn parse(s: &str) -> StageOutcome {
        match s {
            "won" => StageOutcome::Won,
            "lost" => StageOutcome::Lost,
            _ => StageOutcome::Open,
        }
    }
}

/// A stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Its id.
    pub id: Uuid,
    /// Its name, unique in its pipeline.
    pub name: String,
    /// Its place, from 0.
    pub position: i64,
    /// The default win probability, in percent.
    pub probability: u8,
    /// Open, won or lost.
    pub outcome: StageOutcome,
}

/// A sales process: ordered stages from first contact to won or lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Its id.
    pub id: Uuid,
    /// Its name, unique.
    pub name: String,
    /// Its stages, in order.
    pub stages: Vec<Stage>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

impl Pipeline {
    /// A stage by name.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name == name)
    }
}

/// A stage to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewStage {
    /// Its name.
    pub name: String,
    /// The default win probability in percent (100 for won stages, 0 for lost).
    pub probability: u8,
    /// Open, won or lost.
    #[serde(default)]
    pub outcome: StageOutcome,
}

impl NewStage {
    /// An open stage.
    pub fn open(name: impl Into<String>, probability: u8) -> Self {
        NewStage { name: name.into(), probability, outcome: StageOutcome::Open }
    }

    /// A won stage (probability 100).
    pub fn won(name: impl Into<String>) -> Self {
        NewStage { name: name.into(), probability: 100, outcome: StageOutcome::Won }
    }

    /// A lost stage (probability 0).
    pub fn lost(name: impl Into<String>) -> Self {
        NewStage { name: name.into(), probability: 0, outcome: StageOutcome::Lost }
    }
}

/// A pipeline to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPipeline {
    /// Its name.
    pub name: String,
    /// Its stages in order: at least one open, one won and one lost.
    pub stages: Vec<NewStage>,
}

/// The part a contact plays in a buying decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuyingRole {
    /// Decides.
    DecisionMaker,
    /// Sways the decision.
    Influencer,
    /// Evaluates the offer.
    Evaluator,
    /// Will use what is bought.
    User,
    /// Pays.
    EconomicBuyer,
    /// Champions us inside the account.
    Champion,
    /// Blocks.
    Blocker,
    /// Not known yet.
    #[default]
    Unknown,
}

impl BuyingRole {
    const ALL: [BuyingRole; 8] = [
        BuyingRole::DecisionMaker,
        BuyingRole::Influencer,
        BuyingRole::Evaluator,
        BuyingRole::User,
        BuyingRole::EconomicBuyer,
        BuyingRole::Champion,
        BuyingRole::Blocker,
        BuyingRole::Unknown,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BuyingRole::DecisionMaker => "decision_maker",
            BuyingRole::Influencer => "influencer",
            BuyingRole::Evaluator => "evaluator",
            BuyingRole::User => "user",
            BuyingRole::EconomicBuyer => "economic_buyer",
            BuyingRole::Champion => "champion",
            BuyingRole::Blocker => "blocker",
            BuyingRole::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(s: &str) -> BuyingRole {
        BuyingRole::ALL.into_iter().find(|r| r.as_str() == s).unwrap_or_default()
    }
}

/// A contact on an opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpportunityContact {
    /// The person.
    pub party_id: Uuid,
    /// Their part in the decision.
    pub buying_role: BuyingRole,
}

/// A partner on an opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpportunityPartner {
    /// The partner.
    pub party_id: Uuid,
    /// Its part in the deal.
    pub partner_role: crate::party::PartnerType,
    /// The primary partner of the deal (one at most).
    pub primary: bool,
}

/// Where an opportunity stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStatus {
    /// Being worked on.
    #[default]
    Open,
    /// Won.
    Won,
    /// Lost.
    Lost,
}

impl OpportunityStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            OpportunityStatus::Open => "open",
            OpportunityStatus::Won => "won",
            OpportunityStatus::Lost => "lost",
        }
    }

    pub(crate) fn parse(s: &str) -> OpportunityStatus {
        match s {
            "won" => OpportunityStatus::Won,
            "lost" => OpportunityStatus::Lost,
            _ => OpportunityStatus::Open,
        }
    }
}

impl From<StageOutcome> for OpportunityStatus {
    fn from(o: StageOutcome) -> Self {
        match o {
            StageOutcome::Open => OpportunityStatus::Open,
            StageOutcome::Won => OpportunityStatus::Won,
            StageOutcome::Lost => OpportunityStatus::Lost,
        }
    }
}

/// A stay of an opportunity in a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageVisit {
    /// The stage.
    pub stage_id: Uuid,
    /// When the opportunity entered it.
    pub entered_at: DateTime<Utc>,
    /// When it left; `None` while it is still there.
    pub left_at: Option<DateTime<Utc>>,
}

/// A possible sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opportunity {
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// The account: the organization or person buying.
    pub account_id: Uuid,
    /// Its pipeline.
    pub pipeline_id: Uuid,
    /// Its current stage.
    pub stage_id: Uuid,
    /// Open, won or lost.
    pub status: OpportunityStatus,
    /// Its amount.
    pub amount: Money,
    /// Its own win probability in percent; `None`: the stage's.
    pub probability: Option<u8>,
    /// The win probability in force: its own or its stage's.
    pub effective_probability: u8,
    /// The amount weighted by the probability in force (minor units).
    pub weighted_amount: i64,
    /// When it is expected to close.
    pub expected_close: Option<NaiveDate>,
    /// Who works on it.
    pub owner: Option<String>,
    /// Where it came from ("web", "referral", "event", …).
    pub source: Option<String>,
    /// The lead it was converted from.
    pub lead_id: Option<Uuid>,
    /// Why it was won or lost.
    pub close_reason: Option<String>,
    /// When it was won or lost.
    pub closed_at: Option<DateTime<Utc>>,
    /// The people on the buying side.
    pub contacts: Vec<OpportunityContact>,
    /// The partners on the deal.
    pub partners: Vec<OpportunityPartner>,
    /// Every stage it has been in, oldest first.
    pub stage_history: Vec<StageVisit>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// An opportunity to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOpportunity {
    /// Its name.
    pub name: String,
    /// The account (organization or person).
    pub account_id: Uuid,
    /// Its pipeline.
    pub pipeline_id: Uuid,
    /// The stage to start in; the pipeline's first stage if `None`.
    #[serde(default)]
    pub stage_id: Option<Uuid>,
    /// Its amount.
    pub amount: Money,
    /// Its own win probability in percent.
    #[serde(default)]
    pub probability: Option<u8>,
    /// When it is expected to close.
    #[serde(default)]
    pub expected_close: Option<NaiveDate>,
    /// Who works on it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Where it came from.
    #[serde(default)]
    pub source: Option<String>,
    /// The people on the buying side.
    #[serde(default)]
    pub contacts: Vec<OpportunityContact>,
    /// The partners on the deal.
    #[serde(default)]
    pub partners: Vec<OpportunityPartner>,
    /// When it was opened, for history brought from another system (not in
    /// the future); now if `None`.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
}

impl NewOpportunity {
    /// An opportunity for `account_id` in the first stage of a pipeline.
    pub fn new(name: impl Into<String>, account_id: Uuid, pipeline_id: Uuid, amount: Money) -> Self {
        NewOpportunity {
            name: name.into(),
            account_id,
            pipeline_id,
            stage_id: None,
            amount,
            probability: None,
            expected_close: None,
            owner: None,
            source: None,
            contacts: Vec::new(),
            partners: Vec::new(),
            created_at: None,
        }
    }
}

/// Changes to an opportunity; absent fields stay as they are. Stages change
/// with [`Crm::move_opportunity`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpportunityPatch {
    /// A new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A new amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// A new own probability; `Some(None)` falls back to the stage's.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub probability: Option<Option<u8>>,
    /// A new expected close date; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub expected_close: Option<Option<NaiveDate>>,
    /// A new owner; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub owner: Option<Option<String>>,
    /// The new set of contacts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contacts: Option<Vec<OpportunityContact>>,
    /// The new set of partners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partners: Option<Vec<OpportunityPartner>>,
}

/// Count and amounts of the opportunities in one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSummary {
    /// The stage.
    pub stage_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its outcome.
    pub outcome: StageOutcome,
    /// How many opportunities are in it.
    pub count: u64,
    /// Their amounts, per currency (minor units).
    pub amount: BTreeMap<String, i64>,
    /// Their weighted amounts, per currency (minor units).
    pub weighted_amount: BTreeMap<String, i64>,
}

/// A pipeline's stages with their counts and amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineSummary {
    /// The pipeline.
    pub pipeline_id: Uuid,
    /// Its name.
    pub name: String,
    /// One entry per stage, in order.
    pub stages: Vec<StageSummary>,
}

/// The weighted amount: `amount × probability / 100`, rounded half away from zero.
pub(crate) fn weighted(amount: i64, probability: u8) -> i64 {
    let p = i128::from(amount) * i128::from(probability);
    let q = if p >= 0 { (p + 50) / 100 } else { (p - 50) / 100 };
    q as i64
}

fn check_probability(p: Option<u8>) -> Result<()> {
    match p {
        Some(v) if v > 100 => Err(Error::validation("probability", format!("{v} is not a percentage (0 to 100)"))),
        _ => Ok(()),
    }
}

fn check_amount(m: &Money) -> Result<Money> {
    if m.amount < 0 {
        return Err(Error::validation("amount", "an opportunity's amount cannot be negative"));
    }
    Ok(Money { amount: m.amount, currency: normalize_currency(&m.currency).map_err(|e| e.in_field("amount"))? })
}

/// Check contacts and partners against the base.
fn check_people(tx: &Tx<'_>, contacts: &[OpportunityContact], partners: &[OpportunityPartner]) -> Result<()> {
    for (i, c) in contacts.iter().enumerate() {
        if contacts[..i].iter().any(|d| d.party_id == c.party_id) {
            return Err(Error::validation(format!("contacts[{i}]"), "a contact is listed twice"));
        }
        party_sql::head(tx.conn(), c.party_id)?
            .ok_or_else(|| Error::validation(format!("contacts[{i}].party_id"), format!("no party {}", c.party_id)))?;
    }
    if partners.iter().filter(|p| p.primary).count() > 1 {
        return Err(Error::validation("partners", "one primary partner at most"));
    }
    for (i, p) in partners.iter().enumerate() {
        if partners[..i].iter().any(|q| q.party_id == p.party_id) {
            return Err(Error::validation(format!("partners[{i}]"), "a partner is listed twice"));
        }
        party_sql::head(tx.conn(), p.party_id)?
            .ok_or_else(|| Error::validation(format!("partners[{i}].party_id"), format!("no party {}", p.party_id)))?;
    }
    Ok(())
}

/// A time given for history: not in the future, microsecond precision;
/// `None` is now.
pub(crate) fn past_or_now(tx: &Tx<'_>, at: Option<DateTime<Utc>>, field: &str) -> Result<DateTime<Utc>> {
    match at {
        None => Ok(tx.now),
        Some(t) if t > tx.now => Err(Error::validation(field, format!("{t} is in the future"))),
        Some(t) => Ok(crate::store::from_micros(crate::store::to_micros(t))),
    }
}

pub(crate) fn insert_opportunity(tx: &Tx<'_>, new: NewOpportunity, lead_id: Option<Uuid>) -> Result<Opportunity> {
    let name = required_text("name", &new.name, 300)?;
    let amount = check_amount(&new.amount)?;
    check_probability(new.probability)?;
    let owner = optional_text("owner", new.owner, 200)?;
    let source = optional_text("source", new.source, 100)?;
    let account =
        party_sql::head(tx.conn(), new.account_id)?.ok_or_else(|| Error::not_found("party", new.account_id))?;
    if account.archived {
        return Err(Error::validation("account_id", format!("party {} is archived", new.account_id)));
    }
    let pipeline = sql::get_pipeline(tx.conn(), new.pipeline_id)?;
    let stage = match new.stage_id {
        Some(s) => pipeline.stages.iter().find(|st| st.id == s).cloned().ok_or_else(|| {
            Error::validation("stage_id", format!("stage {s} is not a stage of the pipeline {:?}", pipeline.name))
        })?,
        None => pipeline
            .stages
            .first()
            .cloned()
            .ok_or_else(|| Error::validation("pipeline_id", "the pipeline has no stages"))?,
    };
    check_people(tx, &new.contacts, &new.partners)?;
    let opened = past_or_now(tx, new.created_at, "created_at")?;
    let status = OpportunityStatus::from(stage.outcome);
    let prob = new.probability.unwrap_or(stage.probability);
    let opp = Opportunity {
        id: Uuid::now_v7(),
        name,
        account_id: new.account_id,
        pipeline_id: pipeline.id,
        stage_id: stage.id,
        status,
        weighted_amount: weighted(amount.amount, prob),
        amount,
        probability: new.probability,
        effective_probability: prob,
        expected_close: new.expected_close,
        owner,
        source,
        lead_id,
        close_reason: None,
        closed_at: (status != OpportunityStatus::Open).then_some(opened),
        contacts: new.contacts,
        partners: new.partners,
        stage_history: vec![StageVisit { stage_id: stage.id, entered_at: opened, left_at: None }],
        created_at: opened,
        updated_at: tx.now,
        version: 1,
    };
    sql::insert_opportunity(tx, &opp)?;
    let json = serde_json::to_string(&opp)?;
    tx.record("opportunity", &opp.id, AuditAction::Created, &json, &json)?;
    Ok(opp)
}

impl Crm {
    /// Create a pipeline with its stages.
    pub fn create_pipeline(&self, new: NewPipeline) -> Result<Pipeline> {
        let name = required_text("name", &new.name, 200)?;
        let mut stages = Vec::with_capacity(new.stages.len());
        for (i, s) in new.stages.iter().enumerate() {
            let field = format!("stages[{i}]");
            let sname = required_text("name", &s.name, 100).map_err(|e| e.in_field(&field))?;
            if stages.iter().any(|st: &Stage| st.name == sname) {
                return Err(Error::validation(field, format!("the stage name {sname:?} is used twice")));
            }
            check_probability(Some(s.probability)).map_err(|e| e.in_field(&field))?;
            stages.push(Stage {
                id: Uuid::now_v7(),
                name: sname,
                position: i as i64,
                probability: s.probability,
                outcome: s.outcome,
            });
        }
        for outcome in [StageOutcome::Open, StageOutcome::Won, StageOutcome::Lost] {
            if !stages.iter().any(|s| s.outcome == outcome) {
                return Err(Error::validation(
                    "stages",
                    format!("a pipeline needs at least one {} stage", outcome.as_str()),
                ));
            }
        }
        self.store.write(&self.actor, |tx| {
            if sql::pipeline_by_name(tx.conn(), &name)?.is_some() {
                return Err(Error::validation("name", format!("a pipeline {name:?} exists already")));
            }
            let p = Pipeline { id: Uuid::now_v7(), name, stages, created_at: tx.now, updated_at: tx.now, version: 1 };
            sql::insert_pipeline(tx, &p)?;
            let json = serde_json::to_string(&p)?;
            tx.record("pipeline", &p.id, AuditAction::Created, &json, &json)?;
            Ok(p)
        })
    }

    /// A pipeline by id.
    pub fn get_pipeline(&self, id: Uuid) -> Result<Pipeline> {
        self.store.read(|c| sql::get_pipeline(c, id))
    }

    /// Every pipeline, by name.
    pub fn pipelines(&self) -> Result<Vec<Pipeline>> {
        self.store.read(sql::pipelines)
    }

    /// Create an opportunity.
    pub fn create_opportunity(&self, new: NewOpportunity) -> Result<Opportunity> {
        self.store.write(&self.actor, |tx| insert_opportunity(tx, new, None))
    }

    /// An opportunity by id, with its contacts, partners and stage history.
    pub fn get_opportunity(&self, id: Uuid) -> Result<Opportunity> {
        self.store.read(|c| sql::get_opportunity(c, id))
    }

    /// The opportunities of an account, newest first.
    pub fn opportunities_of(&self, account_id: Uuid) -> Result<Vec<Opportunity>> {
        self.store.read(|c| sql::opportunities_of(c, account_id))
    }

    /// Change an opportunity's fields, contacts or partners.
    pub fn update_opportunity(&self, id: Uuid, version: i64, patch: &OpportunityPatch) -> Result<Opportunity> {
        let name = patch.name.as_deref().map(|n| required_text("name", n, 300)).transpose()?;
        let amount = patch.amount.as_ref().map(check_amount).transpose()?;
        if let Some(p) = patch.probability {
            check_probability(p)?;
        }
        let owner = patch.owner.clone().map(|o| optional_text("owner", o, 200)).transpose()?;
        self.store.write(&self.actor, |tx| {
            let old = sql::get_opportunity(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("opportunity", id, version, old.version));
            }
            let mut new = old.clone();
            if let Some(n) = name {
                new.name = n;
            }
            if let Some(a) = amount {
                new.amount = a;
            }
            if let Some(p) = patch.probability {
                new.probability = p;
            }
            if let Some(d) = patch.expected_close {
                new.expected_close = d;
            }
            if let Some(o) = owner {
                new.owner = o;
            }
            if let Some(c) = &patch.contacts {
                new.contacts = c.clone();
            }
            if let Some(p) = &patch.partners {
                new.partners = p.clone();
            }
            check_people(tx, &new.contacts, &new.partners)?;
            sql::update_opportunity(tx, &new)?;
            let new = sql::get_opportunity(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("opportunity", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Move an opportunity to another stage of its pipeline. A won or lost
    /// stage closes it (with the reason given); an open stage reopens it.
    pub fn move_opportunity(
        &self,
        id: Uuid,
        version: i64,
        stage_id: Uuid,
        reason: Option<&str>,
    ) -> Result<Opportunity> {
        self.move_opportunity_at(id, version, stage_id, reason, None)
    }

    /// [`Crm::move_opportunity`] at a given time, for history brought from
    /// another system: not before the opportunity entered its current
    /// stage, not in the future; now if `None`.
    pub fn move_opportunity_at(
        &self,
        id: Uuid,
        version: i64,
        stage_id: Uuid,
        reason: Option<&str>,
        at: Option<DateTime<Utc>>,
    ) -> Result<Opportunity> {
        let reason = optional_text("reason", reason.map(str::to_string), 500)?;
        self.store.write(&self.actor, |tx| {
            let when = past_or_now(tx, at, "at")?;
            let old = sql::get_opportunity(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("opportunity", id, version, old.version));
            }
            let pipeline = sql::get_pipeline(tx.conn(), old.pipeline_id)?;
            let stage = pipeline.stages.iter().find(|s| s.id == stage_id).ok_or_else(|| {
                Error::validation(
                    "stage_id",
                    format!("stage {stage_id} is not a stage of the pipeline {:?}", pipeline.name),
                )
            })?;
            if stage.id == old.stage_id {
                return Err(Error::validation("stage_id", "the opportunity is in this stage already"));
            }
            if old.stage_history.last().is_some_and(|v| when < v.entered_at) {
                return Err(Error::validation("at", "before the opportunity entered its current stage"));
            }
            let status = OpportunityStatus::from(stage.outcome);
            sql::move_opportunity(tx, id, stage, status, reason.as_deref(), when)?;
            let new = sql::get_opportunity(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("opportunity", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Each stage of a pipeline with the count, amount and weighted amount
    /// of its opportunities, per currency.
    pub fn pipeline_summary(&self, pipeline_id: Uuid) -> Result<PipelineSummary> {
        self.store.read(|c| sql::pipeline_summary(c, pipeline_id))
    }
}
