//! Roles a party holds: customer, partner, supplier, employee,
//! stakeholder, competitor.

use std::ffi::c_char;

use crm_core::{NewRole, RolePatch};
use serde_json::json as j;

use crate::convert::{c_string, give, json, out, text, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{Fail, crm_status, guard};

/// Add a role to a party from a `NewRole` JSON object, e.g. `{"role":
/// "customer", "tier": "gold", "vip": true, "customer_number": "C-1001"}`
/// or `{"role": "employee", "title": "CFO", "valid_from": "2024-01-01"}`.
///
/// On success writes the `Role` as JSON to `*out_role_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_role_add(
    db: *const crm_db,
    party_id: *const c_char,
    new_role_json: *const c_char,
    out_role_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_role_json, "out_role_json")?;
        let id = uuid(party_id, "party_id")?;
        let new: NewRole = json(new_role_json, "new_role_json")?;
        let s = to_json(&c.add_role(id, new)?)?;
        give(out_role_json, s);
        Ok(())
    })
}

/// Give a party a role with default details: `role` is one of
/// `"customer"`, `"partner"`, `"supplier"`, `"employee"`,
/// `"stakeholder"`, `"competitor"`.
///
/// On success writes the new role's id to `*out_id`; free it with
/// `crm_string_free`. Its version is 1. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (an unknown role or id),
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_VALIDATION`,
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_role_grant(
    db: *const crm_db,
    party_id: *const c_char,
    role: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let id = uuid(party_id, "party_id")?;
        let role = text(role, "role")?;
        let new: NewRole = serde_json::from_value(j!({ "role": role })).map_err(|_| {
            Fail::new(
                crm_status::CRM_INVALID_ARGUMENT,
                "role",
                format!("{role:?} is not a role (customer, partner, supplier, employee, stakeholder, competitor)"),
            )
        })?;
        let r = c.add_role(id, new)?;
        give(out_id, c_string(r.id.to_string())?);
        Ok(())
    })
}

/// Change a role's details or time span (not its kind) with a `RolePatch`
/// JSON object, e.g. `{"details": {"role": "customer", "tier": "silver"},
/// "valid_to": "2025-12-31"}`. `version` is the version the caller read.
///
/// On success writes the changed `Role` as JSON to `*out_role_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`,
/// `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_role_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_role_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_role_json, "out_role_json")?;
        let id = uuid(id, "id")?;
        let patch: RolePatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_role(id, version, &patch)?)?;
        give(out_role_json, s);
        Ok(())
    })
}

/// Remove a role.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_role_remove(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.remove_role(uuid(id, "id")?, version)?;
        Ok(())
    })
}
