//! Pipelines with ordered stages, and the opportunities that move through
//! them.

use std::ffi::c_char;

use crm_core::{NewOpportunity, NewPipeline, OpportunityPatch};

use crate::convert::{c_string, give, json, opt_text, out, text, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{Fail, crm_status, guard};
use crate::page::{crm_page, give_page};

/// Create a pipeline from a `NewPipeline` JSON object: a name and its
/// stages in order, with at least one open, one won and one lost stage,
/// e.g. `{"name": "B2B", "stages": [{"name": "Qualify", "probability":
/// 10}, {"name": "Offer", "probability": 50}, {"name": "Won",
/// "probability": 100, "outcome": "won"}, {"name": "Lost", "probability":
/// 0, "outcome": "lost"}]}`.
///
/// On success writes the created `Pipeline` (with its stages' ids) as JSON
/// to `*out_pipeline_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g. `name` exists, `stages`),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_pipeline_create(
    db: *const crm_db,
    new_pipeline_json: *const c_char,
    out_pipeline_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_pipeline_json, "out_pipeline_json")?;
        let new: NewPipeline = json(new_pipeline_json, "new_pipeline_json")?;
        let s = to_json(&c.create_pipeline(new)?)?;
        give(out_pipeline_json, s);
        Ok(())
    })
}

/// A pipeline by id, as a `Pipeline` JSON object with its stages.
///
/// On success writes the JSON to `*out_pipeline_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_pipeline_get(
    db: *const crm_db,
    id: *const c_char,
    out_pipeline_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_pipeline_json, "out_pipeline_json")?;
        let s = to_json(&c.get_pipeline(uuid(id, "id")?)?)?;
        give(out_pipeline_json, s);
        Ok(())
    })
}

/// Every pipeline, by name.
///
/// On success writes a page of `Pipeline` objects to `*out_page`; free it
/// with `crm_page_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_pipeline_list(db: *const crm_db, out_page: *mut *mut crm_page) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let all = c.pipelines()?;
        give_page(out_page, &all, None)
    })
}

/// The id of a pipeline's stage by its name (exact, e.g. `"Offer"`), to
/// pass to `crm_opportunity_move`.
///
/// On success writes the stage's id to `*out_stage_id`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the
/// pipeline, or no stage of that name; the field is `stage_name`),
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_pipeline_stage_id(
    db: *const crm_db,
    pipeline_id: *const c_char,
    stage_name: *const c_char,
    out_stage_id: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_stage_id, "out_stage_id")?;
        let id = uuid(pipeline_id, "pipeline_id")?;
        let name = text(stage_name, "stage_name")?;
        let p = c.get_pipeline(id)?;
        let stage = p.stage(name).ok_or_else(|| {
            Fail::new(
                crm_status::CRM_NOT_FOUND,
                "stage_name",
                format!("the pipeline {:?} has no stage {name:?}", p.name),
            )
        })?;
        give(out_stage_id, c_string(stage.id.to_string())?);
        Ok(())
    })
}

/// A pipeline's open, won and lost opportunities by stage: count, amount
/// and weighted amount per currency, as a `PipelineSummary` JSON object.
///
/// On success writes the JSON to `*out_summary_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_pipeline_summary(
    db: *const crm_db,
    pipeline_id: *const c_char,
    out_summary_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_summary_json, "out_summary_json")?;
        let s = to_json(&c.pipeline_summary(uuid(pipeline_id, "pipeline_id")?)?)?;
        give(out_summary_json, s);
        Ok(())
    })
}

/// Create an opportunity from a `NewOpportunity` JSON object, e.g.
/// `{"name": "Acme renewal", "account_id": "…", "pipeline_id": "…",
/// "amount": {"amount": 1250000, "currency": "EUR"}, "expected_close":
/// "2025-06-30", "owner": "maija", "contacts": [{"party_id": "…",
/// "buying_role": "decision_maker"}]}`; it starts in the pipeline's first
/// stage unless `"stage_id"` names another. Amounts are in minor units.
///
/// On success writes the created `Opportunity` as JSON to
/// `*out_opportunity_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the account or pipeline),
/// `CRM_VALIDATION` (e.g. `amount`, `stage_id`, an archived `account_id`),
/// `CRM_READ_ONLY`, `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_opportunity_create(
    db: *const crm_db,
    new_opportunity_json: *const c_char,
    out_opportunity_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_opportunity_json, "out_opportunity_json")?;
        let new: NewOpportunity = json(new_opportunity_json, "new_opportunity_json")?;
        let s = to_json(&c.create_opportunity(new)?)?;
        give(out_opportunity_json, s);
        Ok(())
    })
}

/// An opportunity by id, as an `Opportunity` JSON object (with its stage
/// history, contacts and partners).
///
/// On success writes the JSON to `*out_opportunity_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_opportunity_get(
    db: *const crm_db,
    id: *const c_char,
    out_opportunity_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_opportunity_json, "out_opportunity_json")?;
        let s = to_json(&c.get_opportunity(uuid(id, "id")?)?)?;
        give(out_opportunity_json, s);
        Ok(())
    })
}

/// The opportunities of an account (a party), newest first.
///
/// On success writes a page of `Opportunity` objects (possibly empty) to
/// `*out_page`; free it with `crm_page_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_opportunity_list(
    db: *const crm_db,
    account_id: *const c_char,
    out_page: *mut *mut crm_page,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_page, "out_page")?;
        let found = c.opportunities_of(uuid(account_id, "account_id")?)?;
        give_page(out_page, &found, None)
    })
}

/// Change an opportunity with an `OpportunityPatch` JSON object, e.g.
/// `{"amount": {"amount": 900000, "currency": "EUR"}, "probability": 60,
/// "expected_close": null}`. Its stage changes with
/// `crm_opportunity_move`. `version` is the version the caller read.
///
/// On success writes the changed `Opportunity` as JSON to
/// `*out_opportunity_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`,
/// `CRM_CONFLICT`, `CRM_VALIDATION`, `CRM_READ_ONLY`, `CRM_BUSY`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_opportunity_update(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    patch_json: *const c_char,
    out_opportunity_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_opportunity_json, "out_opportunity_json")?;
        let id = uuid(id, "id")?;
        let patch: OpportunityPatch = json(patch_json, "patch_json")?;
        let s = to_json(&c.update_opportunity(id, version, &patch)?)?;
        give(out_opportunity_json, s);
        Ok(())
    })
}

/// Move an opportunity to another stage of its pipeline (`stage_id`, see
/// `crm_pipeline_stage_id`); a won or lost stage closes it, with an
/// optional `reason` (may be NULL). `version` is the version the caller
/// read.
///
/// On success writes the moved `Opportunity` as JSON to
/// `*out_opportunity_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND`, `CRM_CONFLICT`, `CRM_VALIDATION`
/// (`stage_id`: not a stage of its pipeline; `reason`), `CRM_READ_ONLY`,
/// `CRM_BUSY`, `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_opportunity_move(
    db: *const crm_db,
    id: *const c_char,
    version: i64,
    stage_id: *const c_char,
    reason: *const c_char,
    out_opportunity_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_opportunity_json, "out_opportunity_json")?;
        let id = uuid(id, "id")?;
        let stage = uuid(stage_id, "stage_id")?;
        let reason = opt_text(reason, "reason")?;
        let s = to_json(&c.move_opportunity(id, version, stage, reason)?)?;
        give(out_opportunity_json, s);
        Ok(())
    })
}
