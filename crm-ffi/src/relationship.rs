//! The typed relationship graph: types, relationships, neighbours,
//! members, paths.

use std::ffi::c_char;

use crm_core::{NeighbourQuery, NewRelationship, NewRelationshipType, RelationshipPatch};

use crate::convert::{c_string, give, json, opt_date, out, text, to_json, uuid, write};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Register a relationship type of your own from a `NewRelationshipType`
/// JSON object, e.g. `{"code": "mentor_of", "forward_label": "mentor of",
/// "inverse_label": "mentee of", "from_kinds": ["person"], "to_kinds":
/// ["person"]}`.
///
/// On success writes the `RelationshipType` as JSON to `*out_type_json`;
/// free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (e.g. the code exists), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_type_define(
    db: *const crm_db,
    new_type_json: *const c_char,
    out_type_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_type_json, "out_type_json")?;
        let new: NewRelationshipType = json(new_type_json, "new_type_json")?;
        let s = to_json(&c.define_relationship_type(new)?)?;
        give(out_type_json, s);
        Ok(())
    })
}

/// Every relationship type, the standard ones (`employee_of`,
/// `contact_of`, …) included, by code.
///
/// On success writes a page of `RelationshipType` objects to `*out_page`;
/// free it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_type_list(db: *const crm_db, out_page: *mut *mut crm_page) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let types = c.relationship_types()?;
        give_page(out_page, &types, None)
    })
}

/// Relate two parties from a `NewRelationship` JSON object, e.g.
/// `{"type": "employee_of", "from_id": "…", "to_id": "…", "valid_from":
/// "2024-01-01", "strength": 0.8, "notes": "…"}`.
///
/// On success writes the `Relationship` as JSON to `*out_rel_json`; free it
/// with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND` (a party), `CRM_VALIDATION` (unknown type, kinds that
/// do not fit, an archived party, …), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_create(
    db: *const crm_db,
    new_rel_json: *const c_char,
    out_rel_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_rel_json, "out_rel_json")?;
        let new: NewRelationship = json(new_rel_json, "new_rel_json")?;
        let s = to_json(&c.create_relationship(new)?)?;
        give(out_rel_json, s);
        Ok(())
    })
}

/// Relate two parties from typed arguments: a relationship of type
/// `type_code` (e.g. `"employee_of"`) read from `from_id` to `to_id`,
/// open-ended.
///
/// On success writes the new relationship's id to `*out_id`; free it with
/// `crm_string_free`. Its version is 1. Statuses: as
/// `crm_relationship_create`, with `CRM_INVALID_ARGUMENT` for an id that
/// is not a UUID instead of `CRM_INVALID_JSON`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_link(
    db: *const crm_db,
    type_code: *const c_char,
    from_id: *const c_char,
    to_id: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let new = NewRelationship::new(text(type_code, "type_code")?, uuid(from_id, "from_id")?, uuid(to_id, "to_id")?);
        let r = c.create_relationship(new)?;
        give(out_id, c_string(r.id.to_string())?);
        Ok(())
    })
}

/// A relationship by id, as a `Relationship` JSON object.
///
/// On success writes the JSON to `*out_rel_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_get(
    db: *const crm_db,
    id: *const c_char,
    out_rel_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_rel_json, "out_rel_json")?;
        let s = to_json(&c.get_relationship(uuid(id, "id")?)?)?;
        give(out_rel_json, s);
        Ok(())
    })
}

/// Change a relationship's dates, strength or notes with a
/// `RelationshipPatch` JSON object, e.g. `{"valid_to": "2025-06-30",
/// "strength": null}`. `version` is the version the caller read.
///
/// On success writes the changed `Relationship` as JSON to
/// `*out_rel_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_rel_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_rel_json, "out_rel_json")?;
        let id = uuid(id, "id")?;
        let patch: RelationshipPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_relationship(id, version, &patch)?)?;
        give(out_rel_json, s);
        Ok(())
    })
}

/// Delete a relationship.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_relationship_delete(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.delete_relationship(uuid(id, "id")?, version)?;
        Ok(())
    })
}

/// The parties related to `party_id`, filtered by a `NeighbourQuery` JSON
/// object (`"{}"`: every type, both directions, any date), e.g.
/// `{"type": "employee_of", "direction": "incoming", "at": "2025-01-31",
/// "include_archived": false}`; sorted by label, then name.
///
/// On success writes a page of `Neighbour` objects (`party_id`,
/// `display_name`, `kind`, `label`, `direction`, `relationship`) to
/// `*out_page`; free it with `crm_page_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_VALIDATION` (unknown type), `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_neighbours(
    db: *const crm_db,
    party_id: *const c_char,
    query_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let id = uuid(party_id, "party_id")?;
        let q: NeighbourQuery = json(query_json, "query_json")?;
        let found = c.neighbours(id, &q)?;
        give_page(out_page, &found, None)
    })
}

/// Everyone at an organization: its sub-organizations (all levels), the
/// people whose organization is one of them, and the people with a
/// membership relationship to one of them that holds on `at`
/// (`YYYY-MM-DD`; NULL: any date). Active parties only.
///
/// On success writes a page of `Party` objects to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_VALIDATION` (not an organization), `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_members(
    db: *const crm_db,
    organization_id: *const c_char,
    at: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let id = uuid(organization_id, "organization_id")?;
        let at = opt_date(at, "at")?;
        let found = c.members(id, at)?;
        give_page(out_page, &found, None)
    })
}

/// The shortest chain of relationships from one party to another, at most
/// `max_depth` hops (1 to 6), following relationships both ways and only
/// those that hold on `at` (`YYYY-MM-DD`; NULL: any date).
///
/// On success writes a page of `PathStep` objects (`from_id`, `to_id`,
/// `relationship_id`, `type`, `label`) to `*out_page`, or NULL when there
/// is no such path (an empty page when `from_id` equals `to_id`); free it
/// with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND`, `CRM_VALIDATION` (`max_depth`), `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_shortest_path(
    db: *const crm_db,
    from_id: *const c_char,
    to_id: *const c_char,
    max_depth: usize,
    at: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let from = uuid(from_id, "from_id")?;
        let to = uuid(to_id, "to_id")?;
        let at = opt_date(at, "at")?;
        match c.shortest_path(from, to, max_depth, at)? {
            Some(steps) => give_page(out_page, &steps, None),
            None => {
                write(out_page, std::ptr::null_mut());
                Ok(())
            }
        }
    })
}
