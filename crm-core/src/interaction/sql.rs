//! The SQL of interactions and tasks.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};
use uuid::Uuid;

use super::{
    Channel, Flow, Interaction, InteractionLinks, LinkedEntity, Participant, ParticipantRole, RecordLink, Task,
    TaskPriority, TaskStatus, TimelineQuery,
};
use crate::error::{Error, Result};
use crate::page::{Cursor, CursorKey, Page};
use crate::store::{Tx, from_micros, to_micros};

const INTERACTION_COLUMNS: &str = "id, channel, direction, occurred_at, duration_seconds, subject, body, outcome, \
     opportunity_id, order_id, campaign_id, case_id, created_at, updated_at, version, lead_id";

fn interaction_from_row(r: &Row<'_>) -> rusqlite::Result<Interaction> {
    Ok(Interaction {
        id: r.get(0)?,
        channel: Channel::parse(&r.get::<_, String>(1)?),
        direction: Flow::parse(&r.get::<_, String>(2)?),
        occurred_at: from_micros(r.get(3)?),
        duration_seconds: r.get(4)?,
        subject: r.get(5)?,
        body: r.get(6)?,
        outcome: r.get(7)?,
        participants: Vec::new(),
        links: InteractionLinks {
            opportunity_id: r.get(8)?,
            order_id: r.get(9)?,
            campaign_id: r.get(10)?,
            case_id: r.get(11)?,
            lead_id: r.get(15)?,
        },
        created_at: from_micros(r.get(12)?),
        updated_at: from_micros(r.get(13)?),
        version: r.get(14)?,
    })
}

pub(crate) fn insert_interaction(tx: &Tx<'_>, it: &Interaction) -> Result<()> {
    let conn = tx.conn();
    conn.prepare_cached(&format!(
        "INSERT INTO interaction ({INTERACTION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, 1, ?14)"
    ))?
    .execute(params![
        it.id,
        it.channel.as_str(),
        it.direction.as_str(),
        to_micros(it.occurred_at),
        it.duration_seconds,
        it.subject,
        it.body,
        it.outcome,
        it.links.opportunity_id,
        it.links.order_id,
        it.links.campaign_id,
        it.links.case_id,
        to_micros(it.created_at),
        it.links.lead_id
    ])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO interaction_party (party_id, occurred_at, interaction_id, role, channel) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for p in &it.participants {
        stmt.execute(params![p.party_id, to_micros(it.occurred_at), it.id, p.role.as_str(), it.channel.as_str()])?;
    }
    Ok(())
}

pub(crate) fn get_interaction(conn: &Connection, id: Uuid) -> Result<Interaction> {
    let mut it = conn
        .prepare_cached(&format!("SELECT {INTERACTION_COLUMNS} FROM interaction WHERE id = ?1"))?
        .query_row([id], interaction_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("interaction", id))?;
    let mut stmt = conn.prepare_cached("SELECT party_id, role FROM interaction_party WHERE interaction_id = ?1")?;
    let rows = stmt.query_map([id], |r| {
        Ok(Participant { party_id: r.get(0)?, role: ParticipantRole::parse(&r.get::<_, String>(1)?) })
    })?;
    it.participants = rows.collect::<Result<_, _>>()?;
    it.participants.sort_by_key(|p| (p.role as u8, p.party_id));
    Ok(it)
}

pub(crate) fn update_interaction(tx: &Tx<'_>, it: &Interaction) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE interaction SET subject = ?2, body = ?3, outcome = ?4, duration_seconds = ?5, updated_at = ?6,
                 version = version + 1 WHERE id = ?1",
        )?
        .execute(params![it.id, it.subject, it.body, it.outcome, it.duration_seconds, to_micros(tx.now)])?;
    Ok(())
}

pub(crate) fn delete_interaction(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM interaction_party WHERE interaction_id = ?1")?.execute([id])?;
    conn.prepare_cached("DELETE FROM interaction WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub(crate) fn timeline(
    conn: &Connection,
    parties: &[Uuid],
    q: &TimelineQuery,
    after: Option<&Cursor>,
) -> Result<Page<Interaction>> {
    let mut params: Vec<Value> = Vec::new();
    let mut conds: Vec<String> = Vec::new();
    let bind = |v: Value, params: &mut Vec<Value>| {
        params.push(v);
        format!("?{}", params.len())
    };
    if parties.len() == 1 {
        let p = bind(Value::Blob(parties[0].as_bytes().to_vec()), &mut params);
        conds.push(format!("ip.party_id = {p}"));
    } else {
        let ids: Vec<String> = parties.iter().map(|id| id.simple().to_string()).collect();
        let p = bind(Value::Text(serde_json::to_string(&ids)?), &mut params);
        conds.push(format!("ip.party_id IN (SELECT unhex(value) FROM json_each({p}))"));
    }
    if let Some(c) = q.channel {
        let p = bind(Value::Text(c.as_str().into()), &mut params);
        conds.push(format!("ip.channel = {p}"));
    }
    if let Some(t) = q.from {
        let p = bind(Value::Integer(to_micros(t)), &mut params);
        conds.push(format!("ip.occurred_at >= {p}"));
    }
    if let Some(t) = q.to {
        let p = bind(Value::Integer(to_micros(t)), &mut params);
        conds.push(format!("ip.occurred_at < {p}"));
    }
    let mut join = "";
    for (col, id) in [
        ("opportunity_id", q.links.opportunity_id),
        ("order_id", q.links.order_id),
        ("campaign_id", q.links.campaign_id),
        ("case_id", q.links.case_id),
        ("lead_id", q.links.lead_id),
    ] {
        if let Some(id) = id {
            join = "JOIN interaction i ON i.id = ip.interaction_id";
            let p = bind(Value::Blob(id.as_bytes().to_vec()), &mut params);
            conds.push(format!("i.{col} = {p}"));
        }
    }
    if let Some(c) = after {
        let k = bind(c.key.to_sql(), &mut params);
        let i = bind(Value::Blob(c.id.as_bytes().to_vec()), &mut params);
        conds.push(format!("(ip.occurred_at, ip.interaction_id) < ({k}, {i})"));
    }
    let l = bind(Value::Integer(q.limit as i64 + 1), &mut params);
    let sql = format!(
        "SELECT DISTINCT ip.interaction_id, ip.occurred_at FROM interaction_party ip {join}
         WHERE {} ORDER BY ip.occurred_at DESC, ip.interaction_id DESC LIMIT {l}",
        conds.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(params.iter()), |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, i64>(1)?)))?;
    let mut keys: Vec<(Uuid, i64)> = rows.collect::<Result<_, _>>()?;
    let more = keys.len() > q.limit;
    keys.truncate(q.limit);
    let mut items = Vec::with_capacity(keys.len());
    for (id, _) in &keys {
        items.push(get_interaction(conn, *id)?);
    }
    let next = match (more, keys.last()) {
        (true, Some((id, at))) => Some(Cursor { scope: "timeline".into(), key: CursorKey::Int(*at), id: *id }.encode()),
        _ => None,
    };
    Ok(Page { items, next })
}

// ---------------------------------------------------------------- tasks

const TASK_COLUMNS: &str = "id, subject, description, due_at, owner, priority, status, party_id, link_entity, link_id, \
     completed_at, created_at, updated_at, version";

fn task_from_row(r: &Row<'_>) -> rusqlite::Result<Task> {
    let link_entity: Option<String> = r.get(8)?;
    let link_id: Option<Uuid> = r.get(9)?;
    Ok(Task {
        id: r.get(0)?,
        subject: r.get(1)?,
        description: r.get(2)?,
        due_at: r.get::<_, Option<i64>>(3)?.map(from_micros),
        owner: r.get(4)?,
        priority: TaskPriority::parse(&r.get::<_, String>(5)?),
        status: TaskStatus::parse(&r.get::<_, String>(6)?),
        party_id: r.get(7)?,
        link: match (link_entity.as_deref().and_then(LinkedEntity::parse), link_id) {
            (Some(entity), Some(id)) => Some(RecordLink { entity, id }),
            _ => None,
        },
        completed_at: r.get::<_, Option<i64>>(10)?.map(from_micros),
        created_at: from_micros(r.get(11)?),
        updated_at: from_micros(r.get(12)?),
        version: r.get(13)?,
    })
}

/// Check that a linked record exists.
pub(crate) fn check_link(conn: &Connection, link: RecordLink) -> Result<()> {
    let sql = match link.entity {
        LinkedEntity::Party => "SELECT 1 FROM party WHERE id = ?1",
        LinkedEntity::Interaction => "SELECT 1 FROM interaction WHERE id = ?1",
    };
    let found: Option<i64> = conn.prepare_cached(sql)?.query_row([link.id], |r| r.get(0)).optional()?;
    match found {
        Some(_) => Ok(()),
        None => Err(Error::validation("link", format!("no {} {}", link.entity.as_str(), link.id))),
    }
}

pub(crate) fn insert_task(tx: &Tx<'_>, t: &Task) -> Result<()> {
    tx.conn()
        .prepare_cached(&format!(
            "INSERT INTO task ({TASK_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?11, 1)"
        ))?
        .execute(params![
            t.id,
            t.subject,
            t.description,
            t.due_at.map(to_micros),
            t.owner,
            t.priority.as_str(),
            t.status.as_str(),
            t.party_id,
            t.link.map(|l| l.entity.as_str()),
            t.link.map(|l| l.id),
            to_micros(t.created_at)
        ])?;
    Ok(())
}

pub(crate) fn get_task(conn: &Connection, id: Uuid) -> Result<Task> {
    conn.prepare_cached(&format!("SELECT {TASK_COLUMNS} FROM task WHERE id = ?1"))?
        .query_row([id], task_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("task", id))
}

pub(crate) fn update_task(tx: &Tx<'_>, t: &Task) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE task SET subject = ?2, description = ?3, due_at = ?4, owner = ?5, priority = ?6, status = ?7,
                 completed_at = ?8, updated_at = ?9, version = version + 1 WHERE id = ?1",
        )?
        .execute(params![
            t.id,
            t.subject,
            t.description,
            t.due_at.map(to_micros),
            t.owner,
            t.priority.as_str(),
            t.status.as_str(),
            t.completed_at.map(to_micros),
            to_micros(tx.now)
        ])?;
    Ok(())
}

pub(crate) fn delete_task(conn: &Connection, id: Uuid) -> Result<()> {
    conn.prepare_cached("DELETE FROM task WHERE id = ?1")?.execute([id])?;
    Ok(())
}

pub(crate) fn open_tasks_of(conn: &Connection, party_id: Uuid) -> Result<Vec<Task>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TASK_COLUMNS} FROM task WHERE party_id = ?1 AND status IN ('open', 'in_progress')
         ORDER BY due_at IS NULL, due_at, id"
    ))?;
    let rows = stmt.query_map([party_id], task_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn overdue_tasks(
    conn: &Connection,
    now: DateTime<Utc>,
    owner: Option<&str>,
    limit: usize,
) -> Result<Vec<Task>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TASK_COLUMNS} FROM task WHERE status IN ('open', 'in_progress') AND due_at < ?1
           AND (?2 IS NULL OR owner = ?2)
         ORDER BY due_at, id LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![to_micros(now), owner, limit as i64], task_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
