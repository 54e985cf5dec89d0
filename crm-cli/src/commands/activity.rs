//! `crm timeline`, `crm interaction …` and `crm task …`: what happened with
//! a party, finding what happened, and what is to be done.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};
use crm_core::{
    Channel, Flow, Interaction, InteractionLinks, NewInteraction, NewTask, Participant, ParticipantRole, Task,
    TaskPatch, TaskPriority, TaskStatus, TimelineQuery,
};

use super::{clip, invalid, name_of, names, open_read, open_write, opt_time, parse_id, parse_time, resolve};
use crate::cli::{
    ChannelArg, FlowArg, InteractionAddArgs, InteractionCommand, InteractionSearchArgs, ParticipantRoleArg,
    PriorityArg, TaskCommand, TimelineArgs,
};
use crate::output;

pub fn channel(c: ChannelArg) -> Channel {
    match c {
        ChannelArg::Email => Channel::Email,
        ChannelArg::PhoneCall => Channel::PhoneCall,
        ChannelArg::Meeting => Channel::Meeting,
        ChannelArg::Chat => Channel::Chat,
        ChannelArg::Sms => Channel::Sms,
        ChannelArg::WebVisit => Channel::WebVisit,
        ChannelArg::Social => Channel::Social,
        ChannelArg::StoreVisit => Channel::StoreVisit,
        ChannelArg::Letter => Channel::Letter,
        ChannelArg::Portal => Channel::Portal,
    }
}

fn role(r: ParticipantRoleArg) -> ParticipantRole {
    match r {
        ParticipantRoleArg::From => ParticipantRole::From,
        ParticipantRoleArg::To => ParticipantRole::To,
        ParticipantRoleArg::Cc => ParticipantRole::Cc,
        ParticipantRoleArg::Attendee => ParticipantRole::Attendee,
        ParticipantRoleArg::Organizer => ParticipantRole::Organizer,
        ParticipantRoleArg::Mentioned => ParticipantRole::Mentioned,
    }
}

fn priority(p: PriorityArg) -> TaskPriority {
    match p {
        PriorityArg::Low => TaskPriority::Low,
        PriorityArg::Normal => TaskPriority::Normal,
        PriorityArg::High => TaskPriority::High,
        PriorityArg::Urgent => TaskPriority::Urgent,
    }
}

pub fn timeline(db: &Path, json: bool, a: &TimelineArgs, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let id = resolve(&crm, &a.party)?;
    let query = TimelineQuery {
        channel: a.channel.map(channel),
        from: opt_time("from", a.from.as_deref())?,
        to: opt_time("to", a.to.as_deref())?,
        links: InteractionLinks::default(),
        include_members: !a.no_members,
        limit: a.limit,
        after: a.after.clone(),
    };
    let page = crm.timeline(id, &query)?;
    if json {
        return output::json(out, &page);
    }
    let me = crm.get_party(id)?;
    writeln!(out, "{} ({})", me.display_name, me.id)?;
    if page.items.is_empty() {
        writeln!(out, "No interactions match.")?;
        return Ok(());
    }
    output::print_table(out, &interactions_table(&crm, &page.items))?;
    if let Some(next) = &page.next {
        writeln!(out, "next: {next}")?;
    }
    Ok(())
}

/// A table of interactions, one row each.
fn interactions_table(crm: &crm_core::Crm, items: &[Interaction]) -> comfy_table::Table {
    let names = names(crm, items.iter().flat_map(|i| i.participants.iter().map(|p| p.party_id)));
    let mut t = output::table(&["when", "channel", "dir", "subject", "outcome", "with", "linked to", "id"]);
    for i in items {
        let with: Vec<String> = i.participants.iter().map(|p| name_of(&names, p.party_id)).collect();
        t.add_row(vec![
            i.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
            i.channel.as_str().to_string(),
            output::word(&i.direction),
            clip(&i.subject, 50),
            i.outcome.clone().unwrap_or_default(),
            clip(&with.join(", "), 40),
            links(&i.links),
            i.id.to_string(),
        ]);
    }
    t
}

fn links(l: &InteractionLinks) -> String {
    let mut parts = Vec::new();
    if let Some(o) = l.order_id {
        parts.push(format!("order {}", short(o)));
    }
    if let Some(o) = l.opportunity_id {
        parts.push(format!("opportunity {}", short(o)));
    }
    if let Some(o) = l.lead_id {
        parts.push(format!("lead {}", short(o)));
    }
    if let Some(o) = l.campaign_id {
        parts.push(format!("campaign {}", short(o)));
    }
    parts.join(", ")
}

/// The last 8 characters of an id: enough to tell rows apart in a table.
fn short(id: crm_core::Uuid) -> String {
    let s = id.simple().to_string();
    format!("…{}", &s[s.len().saturating_sub(8)..])
}

pub fn interaction(db: &Path, json: bool, cmd: &InteractionCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        InteractionCommand::Add(a) => add_interaction(db, json, a, out),
        InteractionCommand::Search(a) => search_interactions(db, json, a, out),
    }
}

fn search_interactions(db: &Path, json: bool, a: &InteractionSearchArgs, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let party = a.party.as_deref().map(|p| resolve(&crm, p)).transpose()?;
    let found = crm.search_interactions(&a.text, party, a.limit)?;
    if json {
        return output::json(out, &found);
    }
    if found.is_empty() {
        writeln!(out, "Nothing matches {:?}.", a.text)?;
        return Ok(());
    }
    output::print_table(out, &interactions_table(&crm, &found))?;
    writeln!(out, "{} hits", found.len())?;
    Ok(())
}

fn add_interaction(db: &Path, json: bool, a: &InteractionAddArgs, out: &mut dyn Write) -> Result<()> {
    let crm = open_write(db)?;
    let mut participants = Vec::new();
    for p in &a.parties {
        participants.push(Participant { party_id: resolve(&crm, p)?, role: role(a.role) });
    }
    let duration_seconds = match a.minutes {
        Some(m) if m < 0 => return Err(invalid("duration_seconds", format!("{m} minutes is not a duration"))),
        Some(m) => Some(m.saturating_mul(60)),
        None => None,
    };
    let new = NewInteraction {
        channel: channel(a.channel),
        direction: match a.direction {
            FlowArg::Inbound => Flow::Inbound,
            FlowArg::Outbound => Flow::Outbound,
        },
        occurred_at: opt_time("occurred_at", a.at.as_deref())?,
        duration_seconds,
        subject: a.subject.clone(),
        body: a.body.clone(),
        outcome: a.outcome.clone(),
        participants,
        links: InteractionLinks {
            opportunity_id: a.opportunity.as_deref().map(|t| parse_id("opportunity_id", t)).transpose()?,
            order_id: a.order.as_deref().map(|t| parse_id("order_id", t)).transpose()?,
            campaign_id: None,
            case_id: None,
            lead_id: a.lead.as_deref().map(|t| parse_id("lead_id", t)).transpose()?,
        },
    };
    let it = crm.record_interaction(new)?;
    if json {
        return output::json(out, &it);
    }
    writeln!(out, "Recorded {} {:?} ({})", it.channel.as_str(), it.subject, it.id)?;
    Ok(())
}

/// A due time: an RFC 3339 time, or a date meaning the end of that day (UTC).
fn due(text: &str) -> Result<DateTime<Utc>> {
    if let Ok(d) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let end = chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(chrono::NaiveTime::MIN);
        return Ok(d.and_time(end).and_utc());
    }
    parse_time("due_at", text)
}

pub fn task(db: &Path, json: bool, cmd: &TaskCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        TaskCommand::Add { subject, party, due: due_text, owner, priority: p, description } => {
            let crm = open_write(db)?;
            let party_id = party.as_deref().map(|p| resolve(&crm, p)).transpose()?;
            let new = NewTask {
                subject: subject.clone(),
                description: description.clone(),
                due_at: due_text.as_deref().map(due).transpose()?,
                owner: owner.clone(),
                priority: priority(*p),
                party_id,
                link: None,
            };
            let t = crm.create_task(new)?;
            if json {
                return output::json(out, &t);
            }
            writeln!(out, "Created task {:?} ({})", t.subject, t.id)?;
            Ok(())
        }
        TaskCommand::List { party } => {
            let crm = open_read(db)?;
            let id = resolve(&crm, party)?;
            let tasks = crm.open_tasks(id)?;
            if json {
                return output::json(out, &tasks);
            }
            if tasks.is_empty() {
                writeln!(out, "No open tasks.")?;
                return Ok(());
            }
            output::print_table(out, &tasks_table(&crm, &tasks))?;
            writeln!(out, "{} open tasks", tasks.len())?;
            Ok(())
        }
        TaskCommand::Done { task } => {
            let crm = open_write(db)?;
            let id = parse_id("task", task)?;
            let t = crm.get_task(id)?;
            if t.status == TaskStatus::Done {
                return Err(invalid("status", "the task is done already"));
            }
            let patch = TaskPatch { status: Some(TaskStatus::Done), ..Default::default() };
            let t = crm.update_task(id, t.version, &patch)?;
            if json {
                return output::json(out, &t);
            }
            writeln!(out, "Done: {:?} ({})", t.subject, t.id)?;
            Ok(())
        }
        TaskCommand::Overdue { owner, limit } => {
            let crm = open_read(db)?;
            let tasks = crm.overdue_tasks(None, owner.as_deref(), *limit)?;
            if json {
                return output::json(out, &tasks);
            }
            if tasks.is_empty() {
                writeln!(out, "No overdue tasks.")?;
                return Ok(());
            }
            output::print_table(out, &tasks_table(&crm, &tasks))?;
            writeln!(out, "{} overdue tasks", tasks.len())?;
            Ok(())
        }
    }
}

fn tasks_table(crm: &crm_core::Crm, tasks: &[Task]) -> comfy_table::Table {
    let names = names(crm, tasks.iter().filter_map(|t| t.party_id));
    let now = Utc::now();
    let mut t = output::table(&["due", "late", "priority", "subject", "party", "owner", "status", "id"]);
    for task in tasks {
        let late = match task.due_at {
            Some(d) if d < now && task.status.is_open() => format!("{} d", (now - d).num_days()),
            _ => String::new(),
        };
        t.add_row(vec![
            task.due_at.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
            late,
            output::word(&task.priority),
            clip(&task.subject, 50),
            task.party_id.map(|p| name_of(&names, p)).unwrap_or_default(),
            task.owner.clone().unwrap_or_default(),
            output::word(&task.status),
            task.id.to_string(),
        ]);
    }
    t
}
