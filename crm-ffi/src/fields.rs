//! Custom field definitions (the "x" in xRM).

use std::ffi::c_char;

use crm_core::NewFieldDef;

use crate::convert::{give, json, opt_text, out, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Define a custom field from a `NewFieldDef` JSON object, e.g.
/// `{"entity": "party", "name": "loyalty_points", "field_type": "integer"}`
/// or `{"entity": "organization", "name": "segment", "field_type":
/// "choice", "choices": ["retail", "wholesale"], "required": false}`.
/// Values then go in the `"custom"` object of parties.
///
/// On success writes the `FieldDef` as JSON to `*out_field_json`; free it
/// with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_field_define(
    db: *const crm_db,
    new_field_json: *const c_char,
    out_field_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_field_json, "out_field_json")?;
        let new: NewFieldDef = json(new_field_json, "new_field_json")?;
        let s = to_json(&c.define_field(new)?)?;
        give(out_field_json, s);
        Ok(())
    })
}

/// The custom field definitions, of every entity (`entity` NULL) or those
/// that apply to one (`"party"`, `"person"`, `"organization"`).
///
/// On success writes a page of `FieldDef` objects to `*out_page`; free it
/// with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_field_list(db: *const crm_db, entity: *const c_char, out_page: *mut *mut crm_page) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let defs = c.fields(opt_text(entity, "entity")?)?;
        give_page(out_page, &defs, None)
    })
}

/// Remove a custom field definition and every value of it.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_field_remove(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.remove_field(uuid(id, "id")?, version)?;
        Ok(())
    })
}
