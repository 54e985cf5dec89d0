//! The interaction timeline on every channel, and the tasks that follow.

pub(crate) mod sql;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Crm;
use crate::error::{Error, Result};
use crate::events::{AuditAction, diff};
use crate::page::{Cursor, Page, check_limit};
use crate::party::{PartyKind, sql as party_sql};

/// The channel an interaction took place on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// An email.
    Email,
    /// A phone call.
    PhoneCall,
    /// A meeting, in person or online.
    Meeting,
    /// A chat conversation.
    Chat,
    /// A text message.
    Sms,
    /// A visit to the web site or shop.
    WebVisit,
    /// A message or post on a social network.
    Social,
    /// A visit to a store.
    StoreVisit,
    /// A letter.
    Letter,
    /// Something done in the customer portal.
    Portal,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 10] = [
        Channel::Email,
        Channel::PhoneCall,
        Channel::Meeting,
        Channel::Chat,
        Channel::Sms,
        Channel::WebVisit,
        Channel::Social,
        Channel::StoreVisit,
        Channel::Letter,
        Channel::Portal,
    ];

    /// The stored name: "email", "phone_call", ….
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::PhoneCall => "phone_call",
            Channel::Meeting => "meeting",
            Channel::Chat => "chat",
            Channel::Sms => "sms",
            Channel::WebVisit => "web_visit",
            Channel::Social => "social",
            Channel::StoreVisit => "store_visit",
            Channel::Letter => "letter",
            Channel::Portal => "portal",
        }
    }

    pub(crate) fn parse(s: &str) -> Channel {
        Channel::ALL.into_iter().find(|c| c.as_str() == s).unwrap_or(Channel::Email)
    }
}

/// Whether the customer reached us or we reached the customer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// The other side reached us.
    #[default]
    Inbound,
    /// We reached the other side.
    Outbound,
}

impl Flow {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Flow::Inbound => "inbound",
            Flow::Outbound => "outbound",
        }
    }

    pub(crate) fn parse(s: &str) -> Flow {
        if s == "outbound" { Flow::Outbound } else { Flow::Inbound }
    }
}

/// The part a party played in an interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    /// Sent or started it.
    From,
    /// Received it.
    To,
    /// Received a copy.
    Cc,
    /// Took part in a meeting or call.
    Attendee,
    /// Organized a meeting.
    Organizer,
    /// Was spoken about.
    Mentioned,
}

impl ParticipantRole {
    const ALL: [ParticipantRole; 6] = [
        ParticipantRole::From,
        ParticipantRole::To,
        ParticipantRole::Cc,
        ParticipantRole::Attendee,
        ParticipantRole::Organizer,
        ParticipantRole::Mentioned,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ParticipantRole::From => "from",
            ParticipantRole::To => "to",
            ParticipantRole::Cc => "cc",
            ParticipantRole::Attendee => "attendee",
            ParticipantRole::Organizer => "organizer",
            ParticipantRole::Mentioned => "mentioned",
        }
    }

    pub(crate) fn parse(s: &str) -> ParticipantRole {
        ParticipantRole::ALL.into_iter().find(|r| r.as_str() == s).unwrap_or(ParticipantRole::Attendee)
    }
}

/// A party taking part in an interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Participant {
    /// The party.
    pub party_id: Uuid,
    /// Its part.
    pub role: ParticipantRole,
}

/// Records an interaction can be linked to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InteractionLinks {
    /// The opportunity it was about.
    pub opportunity_id: Option<Uuid>,
    /// The order it was about.
    pub order_id: Option<Uuid>,
    /// The campaign it answered or belonged to.
    pub campaign_id: Option<Uuid>,
    /// The service case it was about.
    pub case_id: Option<Uuid>,
    /// The lead it was with (before the lead became a party).
    pub lead_id: Option<Uuid>,
}

/// One contact between us and the parties, on one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interaction {
    /// Its id.
    pub id: Uuid,
    /// The channel.
    pub channel: Channel,
    /// Inbound or outbound.
    pub direction: Flow,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// How long it took, in seconds.
    pub duration_seconds: Option<i64>,
    /// A one-line subject.
    pub subject: String,
    /// The text or a summary.
    pub body: Option<String>,
    /// How it ended ("order placed", "call back", "no answer", …).
    pub outcome: Option<String>,
    /// The parties that took part.
    pub participants: Vec<Participant>,
    /// The records it is linked to.
    #[serde(flatten)]
    pub links: InteractionLinks,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// An interaction to record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInteraction {
    /// The channel.
    pub channel: Channel,
    /// Inbound or outbound.
    #[serde(default)]
    pub direction: Flow,
    /// When it happened; `None`: now.
    #[serde(default)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// How long it took, in seconds.
    #[serde(default)]
    pub duration_seconds: Option<i64>,
    /// A one-line subject.
    pub subject: String,
    /// The text or a summary.
    #[serde(default)]
    pub body: Option<String>,
    /// How it ended.
    #[serde(default)]
    pub outcome: Option<String>,
    /// The parties that took part (at least one; each party once).
    pub participants: Vec<Participant>,
    /// The records it is linked to.
    #[serde(flatten)]
    pub links: InteractionLinks,
}

impl NewInteraction {
    /// An interaction on `channel` about `subject` with one party.
    pub fn new(channel: Channel, subject: impl Into<String>, party_id: Uuid, role: ParticipantRole) -> Self {
        NewInteraction {
            channel,
            direction: Flow::Inbound,
            occurred_at: None,
            duration_seconds: None,
            subject: subject.into(),
            body: None,
            outcome: None,
            participants: vec![Participant { party_id, role }],
            links: InteractionLinks::default(),
        }
    }
}

/// Changes to an interaction; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InteractionPatch {
    /// A new subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A new body; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub body: Option<Option<String>>,
    /// A new outcome; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub outcome: Option<Option<String>>,
    /// A new duration; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub duration_seconds: Option<Option<i64>>,
}

/// Which interactions of a timeline to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TimelineQuery {
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Happened at or after.
    pub from: Option<DateTime<Utc>>,
    /// Happened before.
    pub to: Option<DateTime<Utc>>,
    /// Only those linked to these records.
    #[serde(flatten)]
    pub links: InteractionLinks,
    /// For an organization, include its people and sub-organizations
    /// (default true).
    pub include_members: bool,
    /// Page size, 1 to 1000 (default 50).
    pub limit: usize,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

impl Default for TimelineQuery {
    fn default() -> Self {
        TimelineQuery {
            channel: None,
            from: None,
            to: None,
            links: InteractionLinks::default(),
            include_members: true,
            limit: 50,
            after: None,
        }
    }
}

/// How urgent a task is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskPriority {
    /// When there is time.
    Low,
    /// The usual.
    #[default]
    Normal,
    /// Before the usual.
    High,
    /// Now.
    Urgent,
}

impl TaskPriority {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskPriority::Low => "low",
            TaskPriority::Normal => "normal",
            TaskPriority::High => "high",
            TaskPriority::Urgent => "urgent",
        }
    }

    pub(crate) fn parse(s: &str) -> TaskPriority {
        match s {
            "low" => TaskPriority::Low,
            "high" => TaskPriority::High,
            "urgent" => TaskPriority::Urgent,
            _ => TaskPriority::Normal,
        }
    }
}

/// Where a task stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Not started.
    #[default]
    Open,
    /// Being worked on.
    InProgress,
    /// Finished.
    Done,
    /// Dropped.
    Cancelled,
}

impl TaskStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(s: &str) -> TaskStatus {
        match s {
            "in_progress" => TaskStatus::InProgress,
            "done" => TaskStatus::Done,
            "cancelled" => TaskStatus::Cancelled,
            _ => TaskStatus::Open,
        }
    }

    /// Open or in progress.
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::InProgress)
    }
}

/// The kind of record a task is linked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LinkedEntity {
    /// A party.
    Party,
    /// An interaction.
    Interaction,
}

impl LinkedEntity {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            LinkedEntity::Party => "party",
            LinkedEntity::Interaction => "interaction",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<LinkedEntity> {
        match s {
            "party" => Some(LinkedEntity::Party),
            "interaction" => Some(LinkedEntity::Interaction),
            _ => None,
        }
    }
}

/// A reference to another record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RecordLink {
    /// Its kind.
    pub entity: LinkedEntity,
    /// Its id.
    pub id: Uuid,
}

/// Something to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Its id.
    pub id: Uuid,
    /// What to do.
    pub subject: String,
    /// Details.
    pub description: Option<String>,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Who does it (a user name of the embedding application).
    pub owner: Option<String>,
    /// How urgent.
    pub priority: TaskPriority,
    /// Where it stands.
    pub status: TaskStatus,
    /// The party it concerns.
    pub party_id: Option<Uuid>,
    /// The record it follows from.
    pub link: Option<RecordLink>,
    /// When it was done or cancelled.
    pub completed_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version; starts at 1.
    pub version: i64,
}

/// A task to create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewTask {
    /// What to do (required).
    pub subject: String,
    /// Details.
    pub description: Option<String>,
    /// When it is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Who does it.
    pub owner: Option<String>,
    /// How urgent.
    pub priority: TaskPriority,
    /// The party it concerns (a link to a party sets it too).
    pub party_id: Option<Uuid>,
    /// The record it follows from.
    pub link: Option<RecordLink>,
}

/// Changes to a task; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskPatch {
    /// A new subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// New details; `Some(None)` clears them.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub description: Option<Option<String>>,
    /// A new due time; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub due_at: Option<Option<DateTime<Utc>>>,
    /// A new owner; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::serde_util::double_option")]
    pub owner: Option<Option<String>>,
    /// A new priority.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<TaskPriority>,
    /// A new status; done and cancelled set `completed_at`, reopening clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
}

fn required_text(field: &str, s: &str, max: usize) -> Result<String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Error::validation(field, "is required"));
    }
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(Error::validation(field, format!("must be at most {max} characters, without control characters")));
    }
    Ok(t.to_string())
}

fn optional_text(field: &str, s: Option<String>, max: usize, multiline: bool) -> Result<Option<String>> {
    let Some(s) = s else { return Ok(None) };
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Error::validation(field, format!("must be at most {max} characters")));
    }
    if t.chars().any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) {
        return Err(Error::validation(field, "must not contain control characters"));
    }
    Ok((!t.is_empty()).then(|| t.to_string()))
}

fn check_duration(d: Option<i64>) -> Result<()> {
    match d {
        Some(s) if !(0..=31 * 24 * 3600).contains(&s) => {
            Err(Error::validation("duration_seconds", format!("{s} is not between 0 and 31 days")))
        }
        _ => Ok(()),
    }
}

fn conflict(entity: &'static str, id: Uuid, expected: i64, actual: i64) -> Error {
    Error::Conflict { entity, id: id.to_string(), expected, actual }
}

impl Crm {
    /// Record an interaction. Every participant must exist; archived
    /// parties may still be named (history is history).
    pub fn record_interaction(&self, new: NewInteraction) -> Result<Interaction> {
        self.store.write(&self.actor, |tx| record_in(tx, new))
    }

    /// Record many interactions in one transaction: all of them, or none if
    /// any is invalid (the error's field names its index, `interactions[7].…`).
    pub fn record_interactions(&self, new: Vec<NewInteraction>) -> Result<Vec<Interaction>> {
        self.store.write(&self.actor, |tx| {
            let mut out = Vec::with_capacity(new.len());
            for (i, n) in new.into_iter().enumerate() {
                out.push(record_in(tx, n).map_err(|e| e.in_field(&format!("interactions[{i}]")))?);
            }
            Ok(out)
        })
    }

    /// An interaction by id.
    pub fn get_interaction(&self, id: Uuid) -> Result<Interaction> {
        self.store.read(|c| sql::get_interaction(c, id))
    }

    /// Change an interaction's subject, body, outcome or duration.
    pub fn update_interaction(&self, id: Uuid, version: i64, patch: &InteractionPatch) -> Result<Interaction> {
        let subject = match &patch.subject {
            Some(s) => Some(required_text("subject", s, 500)?),
            None => None,
        };
        let body = match &patch.body {
            Some(b) => Some(optional_text("body", b.clone(), 1_000_000, true)?),
            None => None,
        };
        let outcome = match &patch.outcome {
            Some(o) => Some(optional_text("outcome", o.clone(), 200, false)?),
            None => None,
        };
        if let Some(d) = patch.duration_seconds {
            check_duration(d)?;
        }
        self.store.write(&self.actor, |tx| {
            let old = sql::get_interaction(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("interaction", id, version, old.version));
            }
            let mut new = old.clone();
            if let Some(s) = subject {
                new.subject = s;
            }
            if let Some(b) = body {
                new.body = b;
            }
            if let Some(o) = outcome {
                new.outcome = o;
            }
            if let Some(d) = patch.duration_seconds {
                new.duration_seconds = d;
            }
            sql::update_interaction(tx, &new)?;
            crate::search::sql::reindex_interaction(tx.conn(), id)?;
            let new = sql::get_interaction(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("interaction", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Delete an interaction.
    pub fn delete_interaction(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_interaction(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("interaction", id, version, old.version));
            }
            crate::search::sql::unindex_interaction(tx.conn(), id)?;
            sql::delete_interaction(tx.conn(), id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("interaction", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// The timeline of a party, newest first, in keyset pages. For an
    /// organization it holds, unless asked otherwise, the interactions of its
    /// people and sub-organizations too.
    pub fn timeline(&self, party_id: Uuid, query: &TimelineQuery) -> Result<Page<Interaction>> {
        check_limit(query.limit)?;
        let after = match &query.after {
            Some(s) => Some(Cursor::decode(s, "timeline")?),
            None => None,
        };
        self.store.read(|c| {
            let head = party_sql::head(c, party_id)?.ok_or_else(|| Error::not_found("party", party_id))?;
            let mut parties = vec![party_id];
            if head.kind == PartyKind::Organization && query.include_members {
                parties.extend(crate::relationship::sql::members(c, party_id, None)?);
            }
            sql::timeline(c, &parties, query, after.as_ref())
        })
    }

    /// Create a task.
    pub fn create_task(&self, new: NewTask) -> Result<Task> {
        let subject = required_text("subject", &new.subject, 500)?;
        let description = optional_text("description", new.description, 100_000, true)?;
        let owner = optional_text("owner", new.owner, 200, false)?;
        self.store.write(&self.actor, |tx| {
            let mut party_id = new.party_id;
            if let Some(link) = new.link {
                sql::check_link(tx.conn(), link)?;
                if link.entity == LinkedEntity::Party {
                    match party_id {
                        Some(p) if p != link.id => {
                            return Err(Error::validation("party_id", "differs from the party the task is linked to"));
                        }
                        _ => party_id = Some(link.id),
                    }
                }
            }
            if let Some(p) = party_id
                && party_sql::head(tx.conn(), p)?.is_none()
            {
                return Err(Error::not_found("party", p));
            }
            let task = Task {
                id: Uuid::now_v7(),
                subject,
                description,
                due_at: new.due_at.map(|t| crate::store::from_micros(crate::store::to_micros(t))),
                owner,
                priority: new.priority,
                status: TaskStatus::Open,
                party_id,
                link: new.link,
                completed_at: None,
                created_at: tx.now,
                updated_at: tx.now,
                version: 1,
            };
            sql::insert_task(tx, &task)?;
            let json = serde_json::to_string(&task)?;
            tx.record("task", &task.id, AuditAction::Created, &json, &json)?;
            Ok(task)
        })
    }

    /// A task by id.
    pub fn get_task(&self, id: Uuid) -> Result<Task> {
        self.store.read(|c| sql::get_task(c, id))
    }

    /// Change a task. Marking it done or cancelled stamps `completed_at`;
    /// reopening clears it.
    pub fn update_task(&self, id: Uuid, version: i64, patch: &TaskPatch) -> Result<Task> {
        let subject = match &patch.subject {
            Some(s) => Some(required_text("subject", s, 500)?),
            None => None,
        };
        let description = match &patch.description {
            Some(d) => Some(optional_text("description", d.clone(), 100_000, true)?),
            None => None,
        };
        let owner = match &patch.owner {
            Some(o) => Some(optional_text("owner", o.clone(), 200, false)?),
            None => None,
        };
        self.store.write(&self.actor, |tx| {
            let old = sql::get_task(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("task", id, version, old.version));
            }
            let mut new = old.clone();
            if let Some(s) = subject {
                new.subject = s;
            }
            if let Some(d) = description {
                new.description = d;
            }
            if let Some(o) = owner {
                new.owner = o;
            }
            if let Some(d) = patch.due_at {
                new.due_at = d.map(|t| crate::store::from_micros(crate::store::to_micros(t)));
            }
            if let Some(p) = patch.priority {
                new.priority = p;
            }
            if let Some(s) = patch.status {
                if s != old.status {
                    new.completed_at = if s.is_open() { None } else { Some(tx.now) };
                }
                new.status = s;
            }
            sql::update_task(tx, &new)?;
            let new = sql::get_task(tx.conn(), id)?;
            let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&new)?, &["updated_at", "version"]);
            tx.record("task", &id, AuditAction::Updated, &changes.to_string(), &serde_json::to_string(&new)?)?;
            Ok(new)
        })
    }

    /// Delete a task.
    pub fn delete_task(&self, id: Uuid, version: i64) -> Result<()> {
        self.store.write(&self.actor, |tx| {
            let old = sql::get_task(tx.conn(), id)?;
            if old.version != version {
                return Err(conflict("task", id, version, old.version));
            }
            sql::delete_task(tx.conn(), id)?;
            let json = serde_json::to_string(&old)?;
            tx.record("task", &id, AuditAction::Deleted, &json, &json)
        })
    }

    /// A party's open tasks (open or in progress), soonest due first, those
    /// without a due time last.
    pub fn open_tasks(&self, party_id: Uuid) -> Result<Vec<Task>> {
        self.store.read(|c| {
            if party_sql::head(c, party_id)?.is_none() {
                return Err(Error::not_found("party", party_id));
            }
            sql::open_tasks_of(c, party_id)
        })
    }

    /// Everyone's open tasks due before `now` (the current time if `None`),
    /// most overdue first, optionally of one owner; at most `limit`.
    pub fn overdue_tasks(&self, now: Option<DateTime<Utc>>, owner: Option<&str>, limit: usize) -> Result<Vec<Task>> {
        check_limit(limit)?;
        let now = now.unwrap_or_else(Utc::now);
        self.store.read(|c| sql::overdue_tasks(c, now, owner, limit))
    }
}

/// Record an interaction inside a write that is under way.
fn record_in(tx: &crate::store::Tx<'_>, new: NewInteraction) -> Result<Interaction> {
    let subject = required_text("subject", &new.subject, 500)?;
    let body = optional_text("body", new.body, 1_000_000, true)?;
    let outcome = optional_text("outcome", new.outcome, 200, false)?;
    check_duration(new.duration_seconds)?;
    if new.participants.is_empty() && new.links.lead_id.is_none() {
        return Err(Error::validation("participants", "an interaction needs at least one party (or a lead)"));
    }
    for (i, p) in new.participants.iter().enumerate() {
        if new.participants[..i].iter().any(|q| q.party_id == p.party_id) {
            return Err(Error::validation(
                format!("participants[{i}]"),
                format!("party {} is listed twice", p.party_id),
            ));
        }
    }

    if let Some(lead) = new.links.lead_id {
        crate::sales::sql::get_lead(tx.conn(), lead)
            .map_err(|_| Error::validation("lead_id", format!("no lead {lead}")))?;
    }
    for (i, p) in new.participants.iter().enumerate() {
        if party_sql::head(tx.conn(), p.party_id)?.is_none() {
            return Err(Error::validation(format!("participants[{i}].party_id"), format!("no party {}", p.party_id)));
        }
    }
    let it = Interaction {
        id: Uuid::now_v7(),
        channel: new.channel,
        direction: new.direction,
        occurred_at: new.occurred_at.map(|t| crate::store::from_micros(crate::store::to_micros(t))).unwrap_or(tx.now),
        duration_seconds: new.duration_seconds,
        subject,
        body,
        outcome,
        participants: new.participants.clone(),
        links: new.links.clone(),
        created_at: tx.now,
        updated_at: tx.now,
        version: 1,
    };
    sql::insert_interaction(tx, &it)?;
    crate::search::sql::reindex_interaction(tx.conn(), it.id)?;
    let json = serde_json::to_string(&it)?;
    tx.record("interaction", &it.id, AuditAction::Created, &json, &json)?;
    Ok(it)
}
