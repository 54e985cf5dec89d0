//! Contact points: emails, phones, postal addresses, web sites, social
//! identities.

use std::ffi::c_char;

use crm_core::{ContactPointPatch, ContactValue, NewContactPoint};

use crate::convert::{c_string, give, json, opt_text, out, text, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{FResult, crm_status, guard};

/// Add a contact point to a party from a `NewContactPoint` JSON object,
/// e.g. `{"kind": "phone", "number": "+371 2000 0001", "label": "mobile",
/// "primary": true}` or `{"kind": "address", "street": "Brīvības 1",
/// "city": "Rīga", "country": "LV"}`. Making it primary takes the flag from
/// the party's other contact point of its kind.
///
/// On success writes the `ContactPoint` as JSON to `*out_contact_json`;
/// free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_VALIDATION`,
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_contact_add(
    db: *const crm_db,
    party_id: *const c_char,
    new_contact_json: *const c_char,
    out_contact_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_contact_json, "out_contact_json")?;
        let id = uuid(party_id, "party_id")?;
        let new: NewContactPoint = json(new_contact_json, "new_contact_json")?;
        let s = to_json(&c.add_contact_point(id, new)?)?;
        give(out_contact_json, s);
        Ok(())
    })
}

fn add_typed(
    db: *const crm_db,
    party_id: *const c_char,
    value: impl FnOnce() -> FResult<ContactValue>,
    label: *const c_char,
    out_id: *mut *mut c_char,
) -> FResult<()> {
    let c = crm(db)?;
    out(out_id, "out_id")?;
    let id = uuid(party_id, "party_id")?;
    let mut new = NewContactPoint::new(value()?);
    if let Some(l) = opt_text(label, "label")? {
        new = new.label(l);
    }
    let s = c_string(c.add_contact_point(id, new)?.id.to_string())?;
    give(out_id, s);
    Ok(())
}

/// Add an email address to a party, with an optional label ("work",
/// "home"; may be NULL). The first email of a party becomes its primary.
///
/// On success writes the new contact point's id to `*out_id`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_contact_add_email(
    db: *const crm_db,
    party_id: *const c_char,
    address: *const c_char,
    label: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| add_typed(db, party_id, || Ok(ContactValue::email(text(address, "address")?)), label, out_id))
}

/// Add a phone number to a party (any common written form; without
/// `+country` it needs the base's `default_region`), with an optional
/// label ("mobile"; may be NULL). The first phone becomes its primary.
///
/// On success writes the new contact point's id to `*out_id`; free it with
/// `crm_string_free`. Statuses: as
/// `crm_contact_add_email`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_contact_add_phone(
    db: *const crm_db,
    party_id: *const c_char,
    number: *const c_char,
    label: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| add_typed(db, party_id, || Ok(ContactValue::phone(text(number, "number")?)), label, out_id))
}

/// Change a contact point with a `ContactPointPatch` JSON object, e.g.
/// `{"verified": true, "label": null}` or `{"value": {"kind": "email",
/// "address": "new@acme.lv"}}`. `version` is the version the caller read.
///
/// On success writes the changed `ContactPoint` as JSON to
/// `*out_contact_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_contact_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_contact_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_contact_json, "out_contact_json")?;
        let id = uuid(id, "id")?;
        let patch: ContactPointPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_contact_point(id, version, &patch)?)?;
        give(out_contact_json, s);
        Ok(())
    })
}

/// Remove a contact point; if it was primary, the next of its kind becomes
/// primary.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_contact_remove(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.remove_contact_point(uuid(id, "id")?, version)?;
        Ok(())
    })
}
