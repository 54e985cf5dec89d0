//! Notes on parties.

use std::ffi::c_char;

use crate::convert::{c_string, give, out, text, uuid};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Add a note (UTF-8 text; newlines and tabs allowed) to a party, written
/// by the handle's actor.
///
/// On success writes the new note's id to `*out_id`; free it with
/// `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND`, `CRM_VALIDATION` (empty or too long), `CRM_READ_ONLY`,
/// `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_note_add(
    db: *const crm_db,
    party_id: *const c_char,
    body: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let id = uuid(party_id, "party_id")?;
        let note = c.add_note(id, text(body, "body")?)?;
        give(out_id, c_string(note.id.to_string())?);
        Ok(())
    })
}

/// A party's notes, newest first (an unknown party has none).
///
/// On success writes a page of `Note` objects (`id`, `party_id`, `body`,
/// `author`, `created_at`, `updated_at`, `version`) to `*out_page`; free it
/// with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_note_list(
    db: *const crm_db,
    party_id: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let notes = c.notes(uuid(party_id, "party_id")?)?;
        give_page(out_page, &notes, None)
    })
}

/// Delete a note.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_note_delete(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.delete_note(uuid(id, "id")?, version)?;
        Ok(())
    })
}
