//! Parties: persons and organizations, their tags, lists and look-ups.

use std::ffi::c_char;

use crm_core::{ContactKind, ContactValue, NewParty, Party, PartyFilter, PartyKind, PartyPatch, PartyQuery};

use crate::convert::{c_string, give, give_opt, json, not_null, opt_text, out, text, to_json, uuid, write};
use crate::db::{crm, crm_db};
use crate::error::{FResult, crm_status, guard};
use crate::page::{crm_page, give_page};

/// The kind of a party.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum crm_kind {
    /// A natural person.
    CRM_KIND_PERSON = 1,
    /// A company, public body, club or any other organization.
    CRM_KIND_ORGANIZATION = 2,
}

/// Create a party from a `NewParty` JSON object, e.g.
/// `{"kind": "person", "given_name": "Anna", "family_name": "Bērziņa",
/// "contact_points": [{"kind": "email", "address": "anna@acme.lv"}],
/// "roles": [{"role": "customer"}], "tags": ["vip"]}`.
///
/// On success writes the created `Party` as JSON to `*out_party_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (see `crm_last_error_field`), `CRM_NOT_FOUND` (the
/// parent), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_create(
    db: *const crm_db,
    new_party_json: *const c_char,
    out_party_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_party_json, "out_party_json")?;
        let new: NewParty = json(new_party_json, "new_party_json")?;
        let s = to_json(&c.create_party(new)?)?;
        give(out_party_json, s);
        Ok(())
    })
}

/// Create several parties in one transaction from a JSON array of
/// `NewParty` objects: all are created or none (a validation field is
/// prefixed `parties[i].`).
///
/// On success writes the created parties as a JSON array to
/// `*out_parties_json`; free it with `crm_string_free`. Statuses: as
/// `crm_party_create`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_create_many(
    db: *const crm_db,
    new_parties_json: *const c_char,
    out_parties_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_parties_json, "out_parties_json")?;
        let new: Vec<NewParty> = json(new_parties_json, "new_parties_json")?;
        let s = to_json(&c.create_parties(new)?)?;
        give(out_parties_json, s);
        Ok(())
    })
}

/// Create a person from typed fields: `given_name` and `family_name`
/// (UTF-8), and optionally a primary email and phone (may be NULL).
///
/// On success writes the new party's id (a UUID, 36 characters) to
/// `*out_id`; free it with `crm_string_free`. The new party's version is 1.
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_person_create(
    db: *const crm_db,
    given_name: *const c_char,
    family_name: *const c_char,
    email: *const c_char,
    phone: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let mut new = NewParty::person(text(given_name, "given_name")?, text(family_name, "family_name")?);
        if let Some(e) = opt_text(email, "email")? {
            new = new.with_email(e);
        }
        if let Some(p) = opt_text(phone, "phone")? {
            new = new.with_phone(p);
        }
        let id = c_string(c.create_party(new)?.id.to_string())?;
        give(out_id, id);
        Ok(())
    })
}

/// Create an organization from typed fields: its `legal_name` (UTF-8) and
/// optionally a VAT number (may be NULL).
///
/// On success writes the new party's id to `*out_id`; free it with
/// `crm_string_free`. The new party's version is 1. Statuses: as
/// `crm_person_create`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_organization_create(
    db: *const crm_db,
    legal_name: *const c_char,
    vat_number: *const c_char,
    out_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_id, "out_id")?;
        let mut new = NewParty::organization(text(legal_name, "legal_name")?);
        if let Some(v) = opt_text(vat_number, "vat_number")? {
            new = new.with_vat_number(v);
        }
        let id = c_string(c.create_party(new)?.id.to_string())?;
        give(out_id, id);
        Ok(())
    })
}

fn get(db: *const crm_db, id: *const c_char) -> FResult<Party> {
    let c = crm(db)?;
    Ok(c.get_party(uuid(id, "id")?)?)
}

/// A party by id, as a `Party` JSON object (with its roles, contact points,
/// tags and custom fields).
///
/// On success writes the JSON to `*out_party_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT` (not a UUID), `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_get(db: *const crm_db, id: *const c_char, out_party_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_party_json, "out_party_json")?;
        let s = to_json(&get(db, id)?)?;
        give(out_party_json, s);
        Ok(())
    })
}

/// A party's display name.
///
/// On success writes a new string to `*out_name`; free it with
/// `crm_string_free`. Statuses: as `crm_party_get`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_display_name(
    db: *const crm_db,
    id: *const c_char,
    out_name: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_name, "out_name")?;
        let s = c_string(get(db, id)?.display_name)?;
        give(out_name, s);
        Ok(())
    })
}

/// A party's current version, to pass to the functions that change it.
///
/// On success writes the version to `*out_version`. Statuses: as
/// `crm_party_get`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_version(db: *const crm_db, id: *const c_char, out_version: *mut i64) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_version, "out_version")?;
        let v = get(db, id)?.version;
        write(out_version, v);
        Ok(())
    })
}

/// Whether a party is a person or an organization.
///
/// On success writes the kind to `*out_kind`. Statuses: as
/// `crm_party_get`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_kind(db: *const crm_db, id: *const c_char, out_kind: *mut crm_kind) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_kind, "out_kind")?;
        let k = match get(db, id)?.kind {
            PartyKind::Person => crm_kind::CRM_KIND_PERSON,
            PartyKind::Organization => crm_kind::CRM_KIND_ORGANIZATION,
        };
        write(out_kind, k);
        Ok(())
    })
}

fn primary(p: &Party, kind: ContactKind) -> Option<String> {
    p.primary(kind).map(|cp| match &cp.value {
        ContactValue::Email { address } => address.clone(),
        ContactValue::Phone { number, .. } => number.clone(),
        other => other.key(),
    })
}

/// A party's primary email address (lower-case); NULL is written when it
/// has none.
///
/// On success writes a new string (or NULL) to `*out_email`; free it with
/// `crm_string_free`. Statuses: as `crm_party_get`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_primary_email(
    db: *const crm_db,
    id: *const c_char,
    out_email: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_email, "out_email")?;
        let e = primary(&get(db, id)?, ContactKind::Email).map(c_string).transpose()?;
        give_opt(out_email, e);
        Ok(())
    })
}

/// A party's primary phone number (E.164, e.g. `"+37120000001"`); NULL is
/// written when it has none.
///
/// On success writes a new string (or NULL) to `*out_phone`; free it with
/// `crm_string_free`. Statuses: as `crm_party_get`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_primary_phone(
    db: *const crm_db,
    id: *const c_char,
    out_phone: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_phone, "out_phone")?;
        let p = primary(&get(db, id)?, ContactKind::Phone).map(c_string).transpose()?;
        give_opt(out_phone, p);
        Ok(())
    })
}

/// Change a party with a `PartyPatch` JSON object: absent fields stay, a
/// `null` clears, e.g. `{"language": "lv", "vat_number": null}`. `version`
/// is the version the caller read; it fails with `CRM_CONFLICT` when the
/// party moved on.
///
/// On success writes the changed `Party` as JSON to `*out_party_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`,
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_party_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_party_json, "out_party_json")?;
        let id = uuid(id, "id")?;
        let patch: PartyPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_party(id, version, &patch)?)?;
        give(out_party_json, s);
        Ok(())
    })
}

/// Archive a party: it stays, with everything it holds, but leaves the
/// default lists and takes no new relationships.
///
/// On success writes the party's new version to `*out_version`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
/// (already archived), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_archive(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    out_version: *mut i64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let p = c.archive_party(uuid(id, "id")?, version)?;
        write(out_version, p.version);
        Ok(())
    })
}

/// Bring an archived party back.
///
/// On success writes the party's new version to `*out_version`. Statuses:
/// as `crm_party_archive` (`CRM_VALIDATION`: not archived). Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_restore(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    out_version: *mut i64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let p = c.restore_party(uuid(id, "id")?, version)?;
        write(out_version, p.version);
        Ok(())
    })
}

/// Delete a party for good, with its contact points, roles, tags, notes,
/// custom values and relationships.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_delete(db: *const crm_db, id: *const c_char, version: i64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        c.delete_party(uuid(id, "id")?, version)?;
        Ok(())
    })
}

fn tag_list<'a>(tags: *const *const c_char, tags_len: usize) -> FResult<Vec<&'a str>> {
    not_null(tags, "tags")?;
    // SAFETY: non-NULL; the caller promises `tags_len` readable pointers.
    let ptrs = unsafe { std::slice::from_raw_parts(tags, tags_len) };
    ptrs.iter().enumerate().map(|(i, p)| text(*p, &format!("tags[{i}]"))).collect()
}

/// Add tags to a party (ones it has already are left as they are).
/// `tags` points to `tags_len` UTF-8 strings.
///
/// On success writes the party's version after the change to
/// `*out_version`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_VALIDATION` (a tag has 1 to 64 printable characters),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_add_tags(
    db: *const crm_db,
    party_id: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
    out_version: *mut i64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let id = uuid(party_id, "party_id")?;
        let tags = tag_list(tags, tags_len)?;
        let p = c.add_tags(id, &tags)?;
        write(out_version, p.version);
        Ok(())
    })
}

/// Remove tags from a party (ones it does not have are ignored). `tags`
/// points to `tags_len` UTF-8 strings.
///
/// On success writes the party's version after the change to
/// `*out_version`. Statuses: as `crm_party_add_tags`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_remove_tags(
    db: *const crm_db,
    party_id: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
    out_version: *mut i64,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_version, "out_version")?;
        let id = uuid(party_id, "party_id")?;
        let tags = tag_list(tags, tags_len)?;
        let p = c.remove_tags(id, &tags)?;
        write(out_version, p.version);
        Ok(())
    })
}

/// One page of parties matching a `PartyQuery` JSON object (`"{}"` for the
/// first 50 active parties by name), e.g. `{"kind": "organization",
/// "role": "customer", "tag": "vip", "name_prefix": "ac", "sort":
/// "created", "descending": true, "limit": 100, "after": "<cursor>"}`.
/// Get the next page by passing `crm_page_next_cursor` as `"after"`.
///
/// On success writes a page of `Party` objects to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
/// `limit`, `after`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_list(
    db: *const crm_db,
    query_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let q: PartyQuery = json(query_json, "query_json")?;
        let page = c.list_parties(&q)?;
        give_page(out_page, &page.items, page.next)
    })
}

/// How many parties match a `PartyFilter` JSON object (`"{}"`: every
/// active party).
///
/// On success writes the count to `*out_count`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_count(db: *const crm_db, filter_json: *const c_char, out_count: *mut u64) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_count, "out_count")?;
        let f: PartyFilter = json(filter_json, "filter_json")?;
        let n = c.count_parties(&f)?;
        write(out_count, n);
        Ok(())
    })
}

fn find(db: *const crm_db, value: ContactValue, out_page: *mut *mut crm_page) -> FResult<()> {
    let c = crm(db)?;
    let found = c.find_by_contact(value)?;
    give_page(out_page, &found, None)
}

/// Parties having a contact point with this value, given as a
/// `ContactValue` JSON object (`{"kind": "email", "address": "…"}`,
/// `{"kind": "phone", "number": "…"}`, …); the value is normalized first.
///
/// On success writes a page of `Party` objects (possibly empty) to
/// `*out_page`; free it with `crm_page_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION`, `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_find_by_contact(
    db: *const crm_db,
    contact_value_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_page, "out_page")?;
        let v: ContactValue = json(contact_value_json, "contact_value_json")?;
        find(db, v, out_page)
    })
}

/// Parties having this email address (any case).
///
/// On success writes a page of `Party` objects (possibly empty) to
/// `*out_page`; free it with `crm_page_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (not an email address), `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_find_by_email(
    db: *const crm_db,
    address: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_page, "out_page")?;
        let v = ContactValue::email(text(address, "address")?);
        find(db, v, out_page)
    })
}

/// Parties having this phone number (any common written form; without
/// `+country` it needs the base's `default_region`).
///
/// On success writes a page of `Party` objects (possibly empty) to
/// `*out_page`; free it with `crm_page_free`. Statuses: as
/// `crm_party_find_by_email`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_find_by_phone(
    db: *const crm_db,
    number: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        not_null(db, "db")?;
        out(out_page, "out_page")?;
        let v = ContactValue::phone(text(number, "number")?);
        find(db, v, out_page)
    })
}
