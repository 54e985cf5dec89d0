//! The audit log and the outbox of events.

use std::ffi::c_char;

use crate::convert::{out, uuid, write};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// The audit log of one record (party, contact point, role, note,
/// relationship, custom field), oldest first; empty for an unknown id.
///
/// On success writes a page of `AuditEntry` objects (`seq`, `at`, `actor`,
/// `entity`, `entity_id`, `action`, `changes`) to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_audit_list(
    db: *const crm_db,
    entity_id: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let entries = c.history(uuid(entity_id, "entity_id")?)?;
        give_page(out_page, &entries, None)
    })
}

/// Outbox events with a sequence number above `after_seq`, in order, at
/// most `limit` of them (capped at 10,000). A consumer remembers the
/// `"seq"` of the last event it handled (`crm_page_item_int`).
///
/// On success writes a page of `Event` objects (`seq`, `at`, `topic`,
/// `entity`, `entity_id`, `payload`) to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_event_list(
    db: *const crm_db,
    after_seq: i64,
    limit: usize,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let events = c.events_after(after_seq, limit)?;
        give_page(out_page, &events, None)
    })
}

/// Remove outbox events up to and including `up_to_seq` (once every
/// consumer has handled them).
///
/// On success writes how many were removed to `*out_removed`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_event_prune(db: *const crm_db, up_to_seq: i64, out_removed: *mut u64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_removed, "out_removed")?;
        let n = c.prune_events(up_to_seq)?;
        write(out_removed, u64::try_from(n).unwrap_or(u64::MAX));
        Ok(())
    })
}
