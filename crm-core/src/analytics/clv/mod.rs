//! Customer-lifetime-value models: the BG/NBD model of purchase counts, the
//! Gamma-Gamma model of spend per transaction, and their combination into a
//! discounted customer lifetime value.
//!
//! Inputs are per-customer summaries: x, the number of repeat purchases
//! (purchases after the first, counting at most one per period); tₓ, the
//! time of the last purchase after the first; T, the time from the first
//! purchase to the end of observation; and z̄, the mean value of the repeat
//! purchases. Every fallible function returns [`Error`]; none panics or
//! returns a NaN.
//!
//! Fit the models with [`fit_bgnbd`] and [`fit_gamma_gamma`] (their results
//! carry standard errors), or build parameters directly, then predict:
//!
//! ```
//! use crm_core::analytics::clv::{BgNbdParams, ClvOptions, CustomerSummary, GammaGammaParams, SpendSummary};
//!
//! # fn main() -> Result<(), crm_core::analytics::clv::Error> {
//! // The published CDNOW estimates (times in weeks, spend in dollars).
//! let bg = BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?;
//! let gg = GammaGammaParams::new(6.25, 3.74, 15.44)?;
//!
//! // Two repeat purchases, the last 30.43 weeks after the first, 38.86 weeks ago.
//! let customer = CustomerSummary::new(2.0, 30.43, 38.86);
//! let alive = bg.probability_alive(&customer)?;
//! let next_39_weeks = bg.conditional_expected_purchases(&customer, 39.0)?;
//! assert!(alive > 0.7 && alive < 0.75);
//! assert!(next_39_weeks > 1.2 && next_39_weeks < 1.25);
//!
//! let spend = gg.conditional_expected_average_spend(&SpendSummary::new(2.0, 22.35))?;
//! let options = ClvOptions { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 0.2 };
//! let value = crm_core::analytics::clv::customer_lifetime_value(&bg, &gg, &customer, 22.35, &options)?;
//! assert!(spend > 22.0 && value > 0.0);
//! # Ok(())
//! # }
//! ```

mod bgnbd;
mod error;
mod gamma_gamma;
mod optimize;
mod predict;
pub mod special;

pub use bgnbd::{BgNbdFit, BgNbdParams, BgNbdStandardErrors, CustomerSummary, fit_bgnbd};
pub use error::{Error, Result};
pub use gamma_gamma::{GammaGammaFit, GammaGammaParams, GammaGammaStandardErrors, SpendSummary, fit_gamma_gamma};
pub use optimize::FitOptions;
pub use predict::{ClvPredictor, CustomerPrediction};

use serde::{Deserialize, Serialize};

/// Settings of the discounted-cash-flow customer lifetime value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct ClvOptions {
    /// Number of periods summed (e.g. 12 months).
    pub periods: u32,
    /// Length of one period in the time unit of the summaries (e.g. 4.345
    /// for months when times are in weeks, 30 when they are in days).
    pub period_length: f64,
    /// Discount rate per period (e.g. 0.01 a month).
    pub discount_rate: f64,
    /// Profit margin applied to the expected spend (1 for revenue).
    pub margin: f64,
}

impl Default for ClvOptions {
    /// Twelve months of weeks (4.345 weeks each), 1 % a month, margin 1.
    fn default() -> Self {
        ClvOptions { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 1.0 }
    }
}

impl ClvOptions {
    fn validate(&self) -> Result<()> {
        if !(self.period_length.is_finite() && self.period_length > 0.0) {
            return Err(Error::validation(
                "period_length",
                format!("must be positive and finite, got {}", self.period_length),
            ));
        }
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return Err(Error::validation(
                "discount_rate",
                format!("must be finite and above -1, got {}", self.discount_rate),
            ));
        }
        if !self.margin.is_finite() {
            return Err(Error::validation("margin", format!("must be finite, got {}", self.margin)));
        }
        Ok(())
    }
}

/// The customer lifetime value over `options.periods` periods:
///
/// Σₖ margin · E[Z | x, z̄] · (E[Y(kL) | x, tₓ, T] − E[Y((k−1)L) | x, tₓ, T]) / (1 + d)ᵏ
///
/// for k = 1..periods, L the period length and d the discount rate per
/// period; E\[Y\] from the BG/NBD model and E\[Z\] from the Gamma-Gamma model.
/// `mean_spend` is the customer's z̄ (ignored when x = 0, where the
/// population mean spend is used).
///
/// # Errors
/// [`Error::Validation`] for bad parameters, summary or options, or a
/// Gamma-Gamma q ≤ 1; [`Error::NotConverged`] if ₂F₁ cannot be evaluated.
pub fn customer_lifetime_value(
    purchases: &BgNbdParams,
    spend: &GammaGammaParams,
    customer: &CustomerSummary,
    mean_spend: f64,
    options: &ClvOptions,
) -> Result<f64> {
    options.validate()?;
    let spend_summary = SpendSummary::new(customer.frequency, mean_spend);
    let value = spend.conditional_expected_average_spend(&spend_summary)? * options.margin;
    // Validates the parameters and the summary once.
    purchases.probability_alive(customer)?;
    let mut total = 0.0;
    let mut previous = 0.0;
    let mut discount = 1.0;
    for k in 1..=options.periods {
        let cumulative = purchases.conditional_unchecked(customer, f64::from(k) * options.period_length)?;
        discount /= 1.0 + options.discount_rate;
        total += value * (cumulative - previous) * discount;
        previous = cumulative;
    }
    if total.is_finite() { Ok(total) } else { Err(Error::not_converged(0, "the lifetime value is not finite")) }
}

/// [`customer_lifetime_value`] for many customers; `mean_spends[i]` belongs
/// to `customers[i]`. The same values, computed with a [`ClvPredictor`]:
/// the costly part is shared between customers of the same x and T.
///
/// # Errors
/// As [`customer_lifetime_value`]; a bad summary is named with its index,
/// and slices of different lengths are a [`Error::Validation`] on
/// `mean_spends`.
pub fn customer_lifetime_values(
    purchases: &BgNbdParams,
    spend: &GammaGammaParams,
    customers: &[CustomerSummary],
    mean_spends: &[f64],
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    if customers.len() != mean_spends.len() {
        return Err(Error::validation(
            "mean_spends",
            format!("has {} values for {} customers", mean_spends.len(), customers.len()),
        ));
    }
    let predictor = ClvPredictor::new(*purchases, *spend, *options, customers.iter().copied());
    customers
        .iter()
        .zip(mean_spends)
        .enumerate()
        .map(|(i, (c, &m))| {
            c.validate_at("customers", i)?;
            SpendSummary::new(c.frequency, m).validate_at("customers", i)?;
            predictor.lifetime_value(c, m)
        })
        .collect()
}

/// A summary the models check before use (customer, spend).
pub(crate) trait Checked {
    /// Whether it is valid; cheap, without allocating.
    fn is_valid(&self) -> bool;

    /// The first bad field and why, if any.
    fn problem(&self) -> Option<(&'static str, String)>;

    /// Checks it; `prefix` names it in errors (`customer`, `spend`, …).
    fn validate(&self, prefix: &str) -> Result<()> {
        match self.problem() {
            None => Ok(()),
            Some((field, reason)) => Err(Error::validation(format!("{prefix}.{field}"), reason)),
        }
    }

    /// Checks the summary at `index` of the slice called `list`; the name of
    /// a bad field is built only on failure.
    #[inline(always)]
    fn validate_at(&self, list: &str, index: usize) -> Result<()> {
        if self.is_valid() {
            return Ok(());
        }
        match self.problem() {
            None => Ok(()),
            Some((field, reason)) => Err(Error::validation(format!("{list}[{index}].{field}"), reason)),
        }
    }
}
