//! The interaction timeline on every channel, and the tasks that follow.

use std::ffi::c_char;

use crm_core::{
    Channel, Flow, InteractionPatch, NewInteraction, NewTask, ParticipantRole, TaskPatch, TaskStatus, TimelineQuery,
};

use crate::convert::{c_string, give, json, name_of, opt_text, opt_time, opt_uuid, out, text, to_json, uuid, write};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Record an interaction from a `NewInteraction` JSON object, e.g.
/// `{"channel": "phone_call", "direction": "outbound", "subject": "Renewal",
/// "occurred_at": "2025-03-01T09:30:00Z", "duration_seconds": 300,
/// "participants": [{"party_id": "…", "role": "to"}], "opportunity_id":
/// "…"}`. Channels: `email`, `phone_call`, `meeting`, `chat`, `sms`,
/// `web_visit`, `social`, `store_visit`, `letter`, `portal`.
///
/// On success writes the created `Interaction` as JSON to
/// `*out_interaction_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `subject`,
/// `participants[0].party_id`: no such party; `lead_id`),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_interaction_record(
    db: *const crm_db,
    new_interaction_json: *const c_char,
    out_interaction_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_interaction_json, "out_interaction_json")?;
        let new: NewInteraction = json(new_interaction_json, "new_interaction_json")?;
        let s = to_json(&c.record_interaction(new)?)?;
        give(out_interaction_json, s);
        Ok(())
    })
}

/// Record an interaction with one party from typed arguments: on `channel`
/// (`"email"`, `"phone_call"`, `"meeting"`, …), inbound (the party reached
/// us; it is the `from` participant) or `outbound` (we reached it; it is
/// the `to` participant), now, with a `subject` and optionally a `body`
/// (may be NULL).
///
/// On success writes the new interaction's id to `*out_id`; free it with
/// `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID, an unknown
/// channel), `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`subject`;
/// `participants[0].party_id`: no such party), `CRM_READ_ONLY`,
/// `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_interaction_log(
    db: *const crm_db,
    party_id: *const c_char,
    channel: *const c_char,
    outbound: bool,
    subject: *const c_char,
    body: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let party = uuid(party_id, "party_id")?;
        let channel: Channel = name_of(channel, "channel")?;
        let subject = text(subject, "subject")?;
        let body = opt_text(body, "body")?;
        let role = if outbound { ParticipantRole::To } else { ParticipantRole::From };
        let mut new = NewInteraction::new(channel, subject, party, role);
        new.direction = if outbound { Flow::Outbound } else { Flow::Inbound };
        new.body = body.map(str::to_string);
        let i = c.record_interaction(new)?;
        give(out_id, c_string(i.id.to_string())?);
        Ok(())
    })
}

/// An interaction by id, as an `Interaction` JSON object.
///
/// On success writes the JSON to `*out_interaction_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_interaction_get(
    db: *const crm_db,
    id: *const c_char,
    out_interaction_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_interaction_json, "out_interaction_json")?;
        let s = to_json(&c.get_interaction(uuid(id, "id")?)?)?;
        give(out_interaction_json, s);
        Ok(())
    })
}

/// Change an interaction's subject, body, outcome or duration with an
/// `InteractionPatch` JSON object, e.g. `{"outcome": "call back in May",
/// "body": null}`. `version` is the version the caller read.
///
/// On success writes the changed `Interaction` as JSON to
/// `*out_interaction_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_interaction_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_interaction_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_interaction_json, "out_interaction_json")?;
        let id = uuid(id, "id")?;
        let patch: InteractionPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_interaction(id, version, &patch)?)?;
        give(out_interaction_json, s);
        Ok(())
    })
}

/// Delete an interaction.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_interaction_delete(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.delete_interaction(uuid(id, "id")?, version)?;
        Ok(())
    })
}

/// One page of a party's timeline, newest first, filtered by a
/// `TimelineQuery` JSON object (`"{}"`: every channel, 50 a page, an
/// organization's people and sub-organizations included), e.g.
/// `{"channel": "email", "from": "2025-01-01T00:00:00Z", "to": "…",
/// "opportunity_id": "…", "include_members": false, "limit": 20, "after":
/// "<cursor>"}`. Get the next page by passing `crm_page_next_cursor` as
/// `"after"`.
///
/// On success writes a page of `Interaction` objects to `*out_page`; free
/// it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the party), `CRM_VALIDATION`
/// (e.g. `limit`, `after`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_timeline(
    db: *const crm_db,
    party_id: *const c_char,
    query_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let id = uuid(party_id, "party_id")?;
        let q: TimelineQuery = json(query_json, "query_json")?;
        let page = c.timeline(id, &q)?;
        give_page(out_page, &page.items, page.next)
    })
}

/// Create a task from a `NewTask` JSON object, e.g. `{"subject": "Send the
/// offer", "due_at": "2025-03-07T12:00:00Z", "owner": "maija", "priority":
/// "high", "party_id": "…", "link": {"entity": "interaction", "id":
/// "…"}}`. Priorities: `low`, `normal`, `high`, `urgent`.
///
/// On success writes the created `Task` as JSON to `*out_task_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (e.g. `subject`), `CRM_NOT_FOUND` (the party or linked
/// record), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_create(
    db: *const crm_db,
    new_task_json: *const c_char,
    out_task_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_task_json, "out_task_json")?;
        let new: NewTask = json(new_task_json, "new_task_json")?;
        let s = to_json(&c.create_task(new)?)?;
        give(out_task_json, s);
        Ok(())
    })
}

/// Create a task from typed arguments: a `subject`, the party it concerns
/// (`party_id`, may be NULL) and when it is due (`due_at`, RFC 3339 such
/// as `"2025-03-07T12:00:00Z"`; may be NULL), normal priority, no owner.
///
/// On success writes the new task's id to `*out_id`; free it with
/// `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID, not a time),
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. an empty `subject`),
/// `CRM_NOT_FOUND` (the party), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_add(
    db: *const crm_db,
    party_id: *const c_char,
    subject: *const c_char,
    due_at: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let new = NewTask {
            subject: text(subject, "subject")?.to_string(),
            party_id: opt_uuid(party_id, "party_id")?,
            due_at: opt_time(due_at, "due_at")?,
            ..NewTask::default()
        };
        let t = c.create_task(new)?;
        give(out_id, c_string(t.id.to_string())?);
        Ok(())
    })
}

/// A task by id, as a `Task` JSON object.
///
/// On success writes the JSON to `*out_task_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_get(db: *const crm_db, id: *const c_char, out_task_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_task_json, "out_task_json")?;
        let s = to_json(&c.get_task(uuid(id, "id")?)?)?;
        give(out_task_json, s);
        Ok(())
    })
}

/// Change a task with a `TaskPatch` JSON object, e.g. `{"status": "done"}`
/// or `{"due_at": null, "priority": "urgent"}`. Statuses of a task:
/// `open`, `in_progress`, `done`, `cancelled`; done or cancelled stamps
/// `completed_at`. `version` is the version the caller read.
///
/// On success writes the changed `Task` as JSON to `*out_task_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`,
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_task_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_task_json, "out_task_json")?;
        let id = uuid(id, "id")?;
        let patch: TaskPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_task(id, version, &patch)?)?;
        give(out_task_json, s);
        Ok(())
    })
}

/// Mark a task done. `version` is the version the caller read.
///
/// On success writes the task's new version to `*out_version`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`,
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_complete(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    out_version: *mut i64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let patch = TaskPatch { status: Some(TaskStatus::Done), ..TaskPatch::default() };
        let t = c.update_task(uuid(id, "id")?, version, &patch)?;
        write(out_version, t.version);
        Ok(())
    })
}

/// Delete a task.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_delete(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.delete_task(uuid(id, "id")?, version)?;
        Ok(())
    })
}

/// A party's open tasks (open or in progress), soonest due first, those
/// without a due time last.
///
/// On success writes a page of `Task` objects to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_list_open(
    db: *const crm_db,
    party_id: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let tasks = c.open_tasks(uuid(party_id, "party_id")?)?;
        give_page(out_page, &tasks, None)
    })
}

/// Everyone's open tasks due before `now` (RFC 3339; NULL: the current
/// time), most overdue first, of one `owner` (NULL: any), at most `limit`
/// (1 to 1000).
///
/// On success writes a page of `Task` objects to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT` (not a time), `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (`limit`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_task_list_overdue(
    db: *const crm_db,
    now: *const c_char,
    owner: *const c_char,
    limit: usize,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let now = opt_time(now, "now")?;
        let owner = opt_text(owner, "owner")?;
        let tasks = c.overdue_tasks(now, owner, limit)?;
        give_page(out_page, &tasks, None)
    })
}
