//! Analytical CRM: reports and models computed from the operational data.
//! Every result is handed out as one JSON string.
//!
//! Purchases are the orders placed, paid, shipped or delivered, in one
//! currency at a time: currencies never mix.

use std::ffi::c_char;

use crm_core::ClvRequest;
use crm_core::analytics::{FunnelGroup, RevenueQuery};
use serde::Serialize;

use crate::convert::{date_or_today, give, json, opt_name_of, opt_text, opt_time, opt_uuid, out, text, to_json, uuid};
use crate::db::{crm, crm_db};
use crate::error::{FResult, crm_status, guard};

fn hand<T: Serialize + ?Sized>(out_json: *mut *mut c_char, v: &T) -> FResult<()> {
    let s = to_json(v)?;
    give(out_json, s);
    Ok(())
}

/// The funnel of a pipeline over the opportunities created between `from`
/// and `to` (RFC 3339; each may be NULL: open-ended): how many reached each
/// stage, the share that moved on, the win rate, and the median and mean
/// days spent in each stage; one funnel for all (`group` NULL or
/// `"all"`), or one per `"owner"` or `"source"`.
///
/// On success writes a JSON array of `Funnel` objects to `*out_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a UUID, not a time, an
/// unknown group), `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the pipeline),
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_funnel(
    db: *const crm_db,
    pipeline_id: *const c_char,
    from: *const c_char,
    to: *const c_char,
    group: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let id = uuid(pipeline_id, "pipeline_id")?;
        let from = opt_time(from, "from")?;
        let to = opt_time(to, "to")?;
        let group: Option<FunnelGroup> = opt_name_of(group, "group")?;
        hand(out_json, &c.funnel(id, from, to, group.unwrap_or_default())?)
    })
}

/// Lead statuses reached over the leads created between `from` and `to`
/// (RFC 3339; each may be NULL), for all leads (`group` NULL) or per
/// `"source"` or `"campaign"`.
///
/// On success writes a JSON array of `LeadFunnel` objects to `*out_json`;
/// free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a time),
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`group`), `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_lead_funnel(
    db: *const crm_db,
    from: *const c_char,
    to: *const c_char,
    group: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let from = opt_time(from, "from")?;
        let to = opt_time(to, "to")?;
        let group = opt_text(group, "group")?;
        hand(out_json, &c.lead_funnel(from, to, group)?)
    })
}

/// The weighted pipeline of open opportunities by month of expected close
/// and currency, of one pipeline (`pipeline_id`; NULL: all).
///
/// On success writes a JSON array of `ForecastMonth` objects (`month`,
/// `currency`, `count`, `amount`, `weighted_amount`) to `*out_json`; free
/// it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_forecast(
    db: *const crm_db,
    pipeline_id: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let id = opt_uuid(pipeline_id, "pipeline_id")?;
        hand(out_json, &c.forecast(id)?)
    })
}

/// Revenue by period and a cut, with a `RevenueQuery` JSON object (`"{}"`:
/// by month, in total), e.g. `{"from": "2025-01-01T00:00:00Z", "period":
/// "quarter", "by": "product", "convert_to": "EUR", "rates": {"USD":
/// 0.92}}`. Periods: `day`, `week`, `month`, `quarter`, `year`; cuts:
/// `total`, `product`, `category`, `tier`, `country`, `channel`,
/// `segment`. One row per currency unless `convert_to` and a rate for
/// every currency are given.
///
/// On success writes a JSON array of `RevenueRow` objects (`period`,
/// `key`, `currency`, `amount`, `orders`) to `*out_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_JSON`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (e.g.
/// `convert_to`, `rates.USD`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_revenue(
    db: *const crm_db,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let q: RevenueQuery = json(query_json, "query_json")?;
        hand(out_json, &c.revenue(&q)?)
    })
}

/// Retention and revenue by the month of each customer's first purchase,
/// in one `currency`, up to `months` months (1 to 240) after it.
///
/// On success writes a JSON array of `Cohort` objects (`month`,
/// `customers`, `active`, `retention`, `revenue`) to `*out_json`; free it
/// with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`currency`,
/// `months`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_cohorts(
    db: *const crm_db,
    currency: *const c_char,
    months: usize,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let currency = text(currency, "currency")?;
        hand(out_json, &c.cohorts(currency, months)?)
    })
}

/// Recency, frequency and monetary scores (1 to 5) of every customer with
/// purchases in `currency` up to `as_of` (`YYYY-MM-DD`; NULL: today), with
/// a named segment (`champions`, `loyal`, `at_risk`, `lost`, …).
///
/// On success writes a JSON array of `RfmScore` objects to `*out_json`;
/// free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT` (not a date),
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`currency`), `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_rfm(
    db: *const crm_db,
    as_of: *const c_char,
    currency: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let as_of = date_or_today(as_of, "as_of")?;
        let currency = text(currency, "currency")?;
        hand(out_json, &c.rfm(as_of, currency)?)
    })
}

/// Each customer's purchase history in `currency` up to `as_of`
/// (`YYYY-MM-DD`; NULL: today) as the lifetime-value models read it:
/// repeat purchases, recency and age in weeks, mean repeat spend, totals.
///
/// On success writes a JSON array of `PurchaseSummary` objects to
/// `*out_json`; free it with `crm_string_free`. Statuses: as
/// `crm_analytics_rfm`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_purchase_summaries(
    db: *const crm_db,
    as_of: *const c_char,
    currency: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let as_of = date_or_today(as_of, "as_of")?;
        let currency = text(currency, "currency")?;
        hand(out_json, &c.purchase_summaries(as_of, currency)?)
    })
}

/// Fit the customer-lifetime-value models (BG/NBD for purchases,
/// Gamma-Gamma for spend) on the purchases in `currency` up to `as_of`
/// (`YYYY-MM-DD`; NULL: today).
///
/// On success writes the `ClvModel` (`bgnbd`, `gamma_gamma` or null,
/// `customers`) as JSON to `*out_json`; free it with `crm_string_free`.
/// Statuses: `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`,
/// `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`, `CRM_VALIDATION`
/// (`currency`; `orders`: too few purchases, or the fit did not converge),
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_fit_clv(
    db: *const crm_db,
    as_of: *const c_char,
    currency: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let as_of = date_or_today(as_of, "as_of")?;
        let currency = text(currency, "currency")?;
        hand(out_json, &c.fit_clv(as_of, currency)?)
    })
}

/// Each customer's value with a `ClvRequest` JSON object, e.g. `{"as_of":
/// "2025-06-30", "currency": "EUR", "options": {"periods": 12,
/// "period_length": 4.345, "discount_rate": 0.01, "margin": 0.3}}`
/// (`options` may be left out): the probability it is alive, expected
/// purchases and spend, and the discounted lifetime value.
///
/// On success writes a JSON array of `CustomerValue` objects to
/// `*out_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_JSON`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`currency`, `options…`,
/// `orders`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_customer_values(
    db: *const crm_db,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let req: ClvRequest = json(request_json, "request_json")?;
        hand(out_json, &c.customer_values(&req)?)
    })
}

/// Customers likely lost as of `as_of` (`YYYY-MM-DD`; NULL: today), from
/// their purchases in `currency`: the probability they are alive below
/// `threshold` (0 to 1), or a gap since the last purchase beyond
/// `gap_factor` times their own usual gap; most at risk first, each with
/// the reason.
///
/// On success writes a JSON array of `ChurnRisk` objects to `*out_json`;
/// free it with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_VALIDATION` (`threshold`, `gap_factor`, `currency`, `orders`),
/// `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_churn_risk(
    db: *const crm_db,
    as_of: *const c_char,
    currency: *const c_char,
    threshold: f64,
    gap_factor: f64,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let as_of = date_or_today(as_of, "as_of")?;
        let currency = text(currency, "currency")?;
        hand(out_json, &c.churn_risk(as_of, currency, threshold, gap_factor)?)
    })
}

/// Up to `k` (1 to 100) products to offer a customer: bought together with
/// what it has bought, leaving out what it already has, topped up with the
/// most popular products.
///
/// On success writes a JSON array of `Offer` objects (`product_id`,
/// `score`) to `*out_json`; free it with `crm_string_free`. Statuses:
/// `CRM_NULL_PARAMETER`, `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`,
/// `CRM_INVALID_HANDLE`, `CRM_NOT_FOUND` (the party), `CRM_VALIDATION`
/// (`k`), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_next_best_offers(
    db: *const crm_db,
    party_id: *const c_char,
    k: usize,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        let id = uuid(party_id, "party_id")?;
        hand(out_json, &c.next_best_offers(id, k)?)
    })
}

/// How well next-best-offer with `k` (1 to 100) offers does: each
/// customer's last order is held out, and the share of customers whose
/// held-out order holds an offer is compared with offering the most
/// popular products.
///
/// On success writes the `OfferEvaluation` (`customers`, `hit_rate`,
/// `baseline_hit_rate`, `k`) as JSON to `*out_json`; free it with
/// `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_HANDLE`, `CRM_VALIDATION` (`k`), `CRM_STORAGE`,
/// `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_evaluate_offers(db: *const crm_db, k: usize, out_json: *mut *mut c_char) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        hand(out_json, &c.evaluate_offers(k)?)
    })
}

/// Learn win probabilities from a pipeline's closed opportunities and
/// report how they do on the most recently closed quarter of them, against
/// the stages' default probabilities (Brier score, calibration).
///
/// On success writes the `WinModelReport` as JSON to `*out_json`; free it
/// with `crm_string_free`. Statuses: `CRM_NULL_PARAMETER`,
/// `CRM_INVALID_UTF8`, `CRM_INVALID_ARGUMENT`, `CRM_INVALID_HANDLE`,
/// `CRM_NOT_FOUND` (the pipeline), `CRM_VALIDATION` (too few closed
/// opportunities), `CRM_STORAGE`, `CRM_PANIC`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_win_model(
    db: *const crm_db,
    pipeline_id: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        hand(out_json, &c.win_model(uuid(pipeline_id, "pipeline_id")?)?)
    })
}

/// The learned win probability of each open opportunity of a pipeline,
/// beside its stage's default.
///
/// On success writes a JSON array of `WinPrediction` objects to
/// `*out_json`; free it with `crm_string_free`. Statuses: as
/// `crm_analytics_win_model`. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn crm_analytics_predict_wins(
    db: *const crm_db,
    pipeline_id: *const c_char,
    out_json: *mut *mut c_char,
) -> crm_status {
    guard(|| {
        let c = crm(db)?;
        out(out_json, "out_json")?;
        hand(out_json, &c.predict_wins(uuid(pipeline_id, "pipeline_id")?)?)
    })
}
