//! Interactions and tasks: their records, and their input read from Python
//! values. Type conversion only: every rule lives in crm-core.

use chrono::{DateTime, Utc};
use crm_core::{InteractionLinks, Participant as CoreParticipant, RecordLink};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{enum_text, enum_value, items, mapping, opt_uuid, uuid};
use crate::errors::type_error;

/// An id as text.
pub(crate) fn sid(u: &crm_core::Uuid) -> String {
    u.to_string()
}

/// An optional id as text.
pub(crate) fn osid(u: &Option<crm_core::Uuid>) -> Option<String> {
    u.map(|u| u.to_string())
}

record! {
    /// A party taking part in an interaction, and how.
    Participant(CoreParticipant) as "Participant";
    repr(party_id, role);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        /// "from", "to", "cc", "attendee", "organizer" or "mentioned".
        role(s, py) -> String = enum_text(&s.role);
    }
}

record! {
    /// An email, call, meeting, chat, visit, … with one or more parties.
    Interaction(crm_core::Interaction) as "Interaction";
    repr(id, channel, subject, version);
    {
        id(s, py) -> String = sid(&s.id);
        /// "email", "phone_call", "meeting", "chat", "sms", "web_visit",
        /// "social", "store_visit", "letter" or "portal".
        channel(s, py) -> String = enum_text(&s.channel);
        /// "inbound" or "outbound".
        direction(s, py) -> String = enum_text(&s.direction);
        occurred_at(s, py) -> DateTime<Utc> = s.occurred_at;
        duration_seconds(s, py) -> Option<i64> = s.duration_seconds;
        subject(s, py) -> String = s.subject.clone();
        body(s, py) -> Option<String> = s.body.clone();
        outcome(s, py) -> Option<String> = s.outcome.clone();
        participants(s, py) -> Vec<Participant> = s.participants.iter().copied().map(Participant).collect();
        opportunity_id(s, py) -> Option<String> = osid(&s.links.opportunity_id);
        order_id(s, py) -> Option<String> = osid(&s.links.order_id);
        campaign_id(s, py) -> Option<String> = osid(&s.links.campaign_id);
        case_id(s, py) -> Option<String> = osid(&s.links.case_id);
        lead_id(s, py) -> Option<String> = osid(&s.links.lead_id);
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

record! {
    /// A thing to do, for someone, by a date; about a party or an
    /// interaction.
    Task(crm_core::Task) as "Task";
    repr(id, subject, status, version);
    {
        id(s, py) -> String = sid(&s.id);
        subject(s, py) -> String = s.subject.clone();
        description(s, py) -> Option<String> = s.description.clone();
        due_at(s, py) -> Option<DateTime<Utc>> = s.due_at;
        owner(s, py) -> Option<String> = s.owner.clone();
        /// "low", "normal", "high" or "urgent".
        priority(s, py) -> String = enum_text(&s.priority);
        /// "open", "in_progress", "done" or "cancelled".
        status(s, py) -> String = enum_text(&s.status);
        party_id(s, py) -> Option<String> = osid(&s.party_id);
        /// The record it is about, as `(entity, id)`: ("party", …) or
        /// ("interaction", …).
        link(s, py) -> Option<(String, String)> = s.link.map(|l| (enum_text(&l.entity), sid(&l.id)));
        completed_at(s, py) -> Option<DateTime<Utc>> = s.completed_at;
        created_at(s, py) -> DateTime<Utc> = s.created_at;
        updated_at(s, py) -> DateTime<Utc> = s.updated_at;
        version(s, py) -> i64 = s.version;
    }
}

/// One participant: a `Participant`, a `(party_id, role)` pair or a dict
/// `{"party_id": ..., "role": ...}`.
pub(crate) fn participant(obj: &Bound<'_, PyAny>, ctx: &str) -> PyResult<CoreParticipant> {
    if let Ok(p) = obj.cast::<Participant>() {
        return Ok(p.get().0);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        if t.len() != 2 {
            return Err(type_error(ctx, "a participant is a (party_id, role) pair"));
        }
        return Ok(CoreParticipant {
            party_id: uuid(&t.get_item(0)?, &format!("{ctx}.party_id"))?,
            role: enum_value(&t.get_item(1)?, &format!("{ctx}.role"))?,
        });
    }
    if obj.is_instance_of::<PyDict>() {
        let (mut party_id, mut role) = (None, None);
        for (k, v) in mapping(obj, ctx)? {
            match k.as_str() {
                "party_id" => party_id = Some(uuid(&v, &format!("{ctx}.party_id"))?),
                "role" => role = Some(enum_value(&v, &format!("{ctx}.role"))?),
                other => return Err(type_error(ctx, format!("unexpected key {other:?} for a participant"))),
            }
        }
        return match (party_id, role) {
            (Some(party_id), Some(role)) => Ok(CoreParticipant { party_id, role }),
            _ => Err(type_error(ctx, "a participant needs \"party_id\" and \"role\"")),
        };
    }
    Err(type_error(ctx, "a participant is a (party_id, role) pair, a dict or a Participant"))
}

pub(crate) fn participants(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<CoreParticipant>> {
    items(obj, field)?.iter().enumerate().map(|(i, p)| participant(p, &format!("{field}[{i}]"))).collect()
}

/// Set one of the link ids of an interaction (or of a timeline filter);
/// false if `key` is not one.
pub(crate) fn set_link(links: &mut InteractionLinks, key: &str, v: &Bound<'_, PyAny>) -> PyResult<bool> {
    let slot = match key {
        "opportunity_id" => &mut links.opportunity_id,
        "order_id" => &mut links.order_id,
        "campaign_id" => &mut links.campaign_id,
        "case_id" => &mut links.case_id,
        "lead_id" => &mut links.lead_id,
        _ => return Ok(false),
    };
    *slot = opt_uuid(Some(v), key)?;
    Ok(true)
}

/// A task's link: `("party", id)` or `("interaction", id)`.
pub(crate) fn record_link(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<RecordLink> {
    let t = obj.cast::<PyTuple>().map_err(|_| type_error(field, "expected an (entity, id) pair"))?;
    if t.len() != 2 {
        return Err(type_error(field, "expected an (entity, id) pair"));
    }
    Ok(RecordLink { entity: enum_value(&t.get_item(0)?, field)?, id: uuid(&t.get_item(1)?, &format!("{field}.id"))? })
}
