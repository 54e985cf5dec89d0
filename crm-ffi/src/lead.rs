//! Leads: scored by rules, worked, qualified and converted.

use std::ffi::c_char;

use crm_core::{LeadConversion, LeadPatch, LeadScoreRule, LeadStatus, NewLead};

use crate::convert::{give, give_opt, json, opt_name_of, out, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{crm_status, guard};
use crate::page::{crm_page, give_page};

/// Create a lead from a `NewLead` JSON object, e.g. `{"source": "web",
/// "given_name": "Ilze", "family_name": "Liepa", "email": "ilze@liepa.lv",
/// "company_name": "Liepa SIA", "country": "LV", "utm": {"source":
/// "newsletter"}}`; it needs a name, an email, a phone or a company. It is
/// scored by the current score rules.
///
/// On success writes the created `Lead` as JSON to `*out_lead_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (e.g. `email`), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_create(
    db: *const crm_db,
    new_lead_json: *const c_char,
    out_lead_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_lead_json, "out_lead_json")?;
        let new: NewLead = json(new_lead_json, "new_lead_json")?;
        let s = to_json(&c.create_lead(new)?)?;
        give(out_lead_json, s);
        Ok(())
    })
}

/// A lead by id, as a `Lead` JSON object.
///
/// On success writes the JSON to `*out_lead_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_get(db: *const crm_db, id: *const c_char, out_lead_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_lead_json, "out_lead_json")?;
        let s = to_json(&c.get_lead(uuid(id, "id")?)?)?;
        give(out_lead_json, s);
        Ok(())
    })
}

/// Leads, newest first, in one `status` (`"new"`, `"working"`,
/// `"qualified"`, `"converted"`, `"disqualified"`; NULL: any), at most
/// `limit` (1 to 1000).
///
/// On success writes a page of `Lead` objects to `*out_page`; free it with
/// `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT` (an unknown status), `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (`limit`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_list(
    db: *const crm_db,
    status: *const c_char,
    limit: usize,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let status: Option<LeadStatus> = opt_name_of(status, "status")?;
        let leads = c.leads(status, limit)?;
        give_page(out_page, &leads, None)
    })
}

/// Change a lead with a `LeadPatch` JSON object, e.g. `{"status":
/// "working", "owner": "maija"}` or `{"status": "disqualified",
/// "disqualify_reason": "no budget"}`. A converted lead no longer changes;
/// convert with `crm_lead_convert`. `version` is the version the caller
/// read.
///
/// On success writes the changed `Lead` as JSON to `*out_lead_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
/// (e.g. `status`), `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_lead_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_lead_json, "out_lead_json")?;
        let id = uuid(id, "id")?;
        let patch: LeadPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_lead(id, version, &patch)?)?;
        give(out_lead_json, s);
        Ok(())
    })
}

/// The lead score rules, as a JSON array of `LeadScoreRule` objects, e.g.
/// `[{"condition": "has_email", "points": 10}, {"condition": {"source":
/// "referral"}, "points": 25}]`.
///
/// On success writes the JSON to `*out_rules_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_HANDLE`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_score_rules_get(db: *const crm_db, out_rules_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_rules_json, "out_rules_json")?;
        let s = to_json(&c.lead_score_rules()?)?;
        give(out_rules_json, s);
        Ok(())
    })
}

/// Replace the lead score rules with a JSON array of `LeadScoreRule`
/// objects (see `crm_lead_score_rules_get`; conditions: `has_email`,
/// `has_phone`, `has_company`, `{"source": …}`, `{"utm_source": …}`,
/// `{"country": …}`, `{"title_contains": …}`) and rescore every open lead.
///
/// No output. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
/// `rules[0].points`, -1000 to 1000), `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_score_rules_set(db: *const crm_db, rules_json: *const c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        let rules: Vec<LeadScoreRule> = json(rules_json, "rules_json")?;
        c.set_lead_score_rules(rules)?;
        Ok(())
    })
}

/// Convert a lead with a `LeadConversion` JSON object: into a new or an
/// existing person and organization, and optionally an opportunity, e.g.
/// `{"person": {"mode": "new"}, "organization": {"mode": "existing", "id":
/// "…"}, "opportunity": {"pipeline_id": "…", "amount": {"amount": 500000,
/// "currency": "EUR"}}}` (`{"mode": "skip"}` creates none; `"{}"`: a new
/// person and organization, no opportunity). `version` is the version the
/// caller read.
///
/// On success writes the converted `Lead` as JSON to `*out_lead_json` and
/// the created `Opportunity` as JSON, or NULL when none was asked for, to
/// `*out_opportunity_json`; free both with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION` (`status`: converted already or
/// disqualified; `person`, `organization`, `opportunity…`), `CRM_READ_ONLY`,
/// `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_convert(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    conversion_json: *const c_char,
    out_lead_json: *mut *mut c_char,
    out_opportunity_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_lead_json, "out_lead_json")?;
        out(out_opportunity_json, "out_opportunity_json")?;
        let id = uuid(id, "id")?;
        let how: LeadConversion = json(conversion_json, "conversion_json")?;
        let (lead, opp) = c.convert_lead(id, version, &how)?;
        let lead = to_json(&lead)?;
        let opp = opp.as_ref().map(to_json).transpose()?;
        give(out_lead_json, lead);
        give_opt(out_opportunity_json, opp);
        Ok(())
    })
}

/// The interactions linked to a lead (by their `lead_id`), newest first.
///
/// On success writes a page of `Interaction` objects to `*out_page`; free
/// it with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND` (the lead), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_lead_interactions(
    db: *const crm_db,
    lead_id: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let found = c.lead_interactions(uuid(lead_id, "lead_id")?)?;
        give_page(out_page, &found, None)
    })
}
