//! Full-text search over parties and interactions, and duplicate
//! detection and merging.

use std::ffi::c_char;

use crm_core::{MatchConfig, MergeRequest, NewParty, PartyFilter, PartyKind, SearchQuery};

use crate::convert::{c_string, give, json, json_or_default, opt_name_of, opt_uuid, out, text, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Parties matching every word of `text` as a prefix (in their names,
/// contact points, tags or notes; case and diacritics ignored; no
/// character acts as query syntax), best first, narrowed by a
/// `PartyFilter` JSON object (may be NULL: active parties of every kind),
/// e.g. `{"kind": "organization", "role": "customer", "tag": "vip"}`; at
/// most `limit` hits (1 to 1000; 0: 20).
///
/// On success writes a page of `SearchHit` objects (`party`, `score`) to
/// `*out_page`; read the party's fields by path, e.g.
/// `crm_page_item_str(page, i, "party.display_name", &s)`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`text` with
/// no letter or digit, or too long; `limit`), `CRM_STORAGE`, `CRM_PANIC`.
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_search(
    db: *const crm_db,
    text: *const c_char,
    filter_json: *const c_char,
    limit: usize,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let t = self::text(text, "text")?;
        let filter: PartyFilter = json_or_default(filter_json, "filter_json")?;
        let q = SearchQuery { text: t.to_string(), filter, limit: if limit == 0 { 20 } else { limit } };
        let hits = c.search_parties(&q)?;
        give_page(out_page, &hits, None)
    })
}

/// The hits of `crm_party_search`, with the same arguments and in the same
/// order, as light suggestions for type-ahead: the rest of each party
/// (contact points, roles, tags, custom values) is not read.
///
/// On success writes a page of `PartySuggestion` objects (`id`, `kind`,
/// `display_name`, `score`) to `*out_page`; read them with
/// `crm_page_item_str(page, i, "display_name", &s)`; free the page with
/// `crm_page_free`. Statuses: as `crm_party_search`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_suggest(
    db: *const crm_db,
    text: *const c_char,
    filter_json: *const c_char,
    limit: usize,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let t = self::text(text, "text")?;
        let filter: PartyFilter = json_or_default(filter_json, "filter_json")?;
        let q = SearchQuery { text: t.to_string(), filter, limit: if limit == 0 { 20 } else { limit } };
        let found = c.suggest_parties(&q)?;
        give_page(out_page, &found, None)
    })
}

/// Interactions whose subject or outcome holds every word of `text` as a
/// prefix (case and diacritics ignored; no character acts as query
/// syntax), best first: every word a whole word of the subject, then the
/// start of a word of the subject, then a whole word of the subject or
/// outcome, then the start of one; the most recently recorded first within
/// each. With a `party_id` (may be NULL: any party), only the
/// interactions that party took part in (an id with none gives no hits);
/// at most `limit` hits (1 to 1000).
///
/// On success writes a page of `Interaction` objects (as
/// `crm_interaction_get` gives them) to `*out_page`; read them with
/// `crm_page_item_json` or by field, e.g. `crm_page_item_str(page, i,
/// "subject", &s)`; free the page with `crm_page_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`
/// (`party_id` not a UUID), `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`text`
/// with no letter or digit, or over 1000 characters; `limit`),
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_interaction_search(
    db: *const crm_db,
    text: *const c_char,
    party_id: *const c_char,
    limit: usize,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let t = self::text(text, "text")?;
        let party = opt_uuid(party_id, "party_id")?;
        let found = c.search_interactions(t, party, limit)?;
        give_page(out_page, &found, None)
    })
}

/// Scan the active parties of one `kind` (`"person"`, `"organization"`;
/// NULL: both) for likely duplicates, best first, with a `MatchConfig`
/// JSON object (may be NULL: the defaults; missing keys take their
/// defaults), e.g. `{"person": {"threshold": 0.85}}`.
///
/// On success writes a page of `DuplicatePair` objects (`a`, `b`,
/// `result` with `score`, `is_match` and the reasons) to `*out_page`; free
/// it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT` (an
/// unknown kind), `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`config.…`),
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_find_duplicates(
    db: *const crm_db,
    kind: *const c_char,
    config_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let kind: Option<PartyKind> = opt_name_of(kind, "kind")?;
        let config: MatchConfig = json_or_default(config_json, "config_json")?;
        let pairs = c.find_duplicates(kind, &config)?;
        give_page(out_page, &pairs, None)
    })
}

/// The active parties that a party about to be created (a `NewParty` JSON
/// object, as for `crm_party_create`) may duplicate, best first, with a
/// `MatchConfig` JSON object (may be NULL: the defaults).
///
/// On success writes a page of `DuplicateCandidate` objects (`party_id`,
/// `display_name`, `result`) to `*out_page`; free it with `crm_page_free`.
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`config.…`), `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_possible_duplicates(
    db: *const crm_db,
    new_party_json: *const c_char,
    config_json: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let new: NewParty = json(new_party_json, "new_party_json")?;
        let config: MatchConfig = json_or_default(config_json, "config_json")?;
        let found = c.possible_duplicates(&new, &config)?;
        give_page(out_page, &found, None)
    })
}

/// Create a party (a `NewParty` JSON object) and say which existing
/// parties it may duplicate, with a `MatchConfig` JSON object (may be
/// NULL: the defaults). With `refuse_duplicates`, a likely duplicate stops
/// the creation with `CRM_VALIDATION` on `duplicates`, naming the best
/// candidate in the message.
///
/// On success writes the created `Party` as JSON to `*out_party_json`
/// (free it with `crm_string_free`) and a page of `DuplicateCandidate`
/// objects (possibly empty) to `*out_candidates` (free it with
/// `crm_page_free`). Statuses: as `crm_party_create`, and
/// `CRM_VALIDATION` on `duplicates` or `config.…`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_create_checked(
    db: *const crm_db,
    new_party_json: *const c_char,
    config_json: *const c_char,
    refuse_duplicates: bool,
    out_party_json: *mut *mut c_char,
    out_candidates: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_party_json, "out_party_json")?;
        out(out_candidates, "out_candidates")?;
        let new: NewParty = json(new_party_json, "new_party_json")?;
        let config: MatchConfig = json_or_default(config_json, "config_json")?;
        let (party, found) = c.create_party_checked(new, &config, refuse_duplicates)?;
        let s = to_json(&party)?;
        // The page is built before anything is handed out, so a failure
        // leaves both outputs as they were.
        let mut page: *mut crm_page = std::ptr::null_mut();
        give_page(&mut page, &found, None)?;
        give(out_party_json, s);
        crate::convert::write(out_candidates, page);
        Ok(())
    })
}

/// Merge parties into a survivor with a `MergeRequest` JSON object, e.g.
/// `{"survivor_id": "…", "merged_ids": ["…"], "choose": {"birth_date":
/// "<id of the party whose value to keep>"}}`: every record of the merged
/// parties moves to the survivor in one transaction; the merged ids
/// resolve to the survivor afterwards. Undo with `crm_merge_undo`.
///
/// On success writes the `MergeOutcome` (`merge_id`, `survivor`,
/// `contact_points_folded`, `relationships_folded`) as JSON to
/// `*out_outcome_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (a party), `CRM_VALIDATION` (e.g.
/// `merged_ids`: empty, the survivor itself, another kind; `choose`),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_merge(
    db: *const crm_db,
    merge_request_json: *const c_char,
    out_outcome_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_outcome_json, "out_outcome_json")?;
        let req: MergeRequest = json(merge_request_json, "merge_request_json")?;
        let s = to_json(&c.merge_parties(&req)?)?;
        give(out_outcome_json, s);
        Ok(())
    })
}

/// Merge one party into another from typed arguments (the survivor's
/// values win; empty ones are filled from the merged party).
///
/// On success writes the merge's id (for `crm_merge_undo`) to
/// `*out_merge_id`; free it with `crm_string_free`. Statuses: as
/// `crm_party_merge`, with `CRM_INVALID_ARGUMENT` for an id that is not a
/// UUID instead of `CRM_INVALID_JSON`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_party_merge_into(
    db: *const crm_db,
    survivor_id: *const c_char,
    merged_id: *const c_char,
    out_merge_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_merge_id, "out_merge_id")?;
        let req = MergeRequest {
            survivor_id: uuid(survivor_id, "survivor_id")?,
            merged_ids: vec![uuid(merged_id, "merged_id")?],
            ..MergeRequest::default()
        };
        let outcome = c.merge_parties(&req)?;
        give(out_merge_id, c_string(outcome.merge_id.to_string())?);
        Ok(())
    })
}

/// Undo a merge: the merged parties come back with everything they had,
/// and the survivor is as it was. Refused with `CRM_CONFLICT` once a
/// record the merge touched has changed since.
///
/// On success writes the survivor `Party` as it is now as JSON to
/// `*out_party_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
/// (`merge_id`: undone already), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_merge_undo(
    db: *const crm_db,
    merge_id: *const c_char,
    out_party_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_party_json, "out_party_json")?;
        let s = to_json(&c.undo_merge(uuid(merge_id, "merge_id")?)?)?;
        give(out_party_json, s);
        Ok(())
    })
}

/// The merges into a party, newest first.
///
/// On success writes a page of `MergeRecord` objects (`id`,
/// `survivor_id`, `merged_ids`, `at`, `actor`, `undone_at`) to
/// `*out_page`; free it with `crm_page_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_merge_list(
    db: *const crm_db,
    survivor_id: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let found = c.merges_of(uuid(survivor_id, "survivor_id")?)?;
        give_page(out_page, &found, None)
    })
}
