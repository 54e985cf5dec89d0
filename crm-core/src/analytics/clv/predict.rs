//! Predictions for many customers at once: the quantities of
//! [`customer_lifetime_value`](super::customer_lifetime_value) and of the
//! BG/NBD and Gamma-Gamma predictions, computed with what customers share
//! computed once.
//!
//! E[Y(t) | x, tₓ, T] (equation (10) of the BG/NBD paper) is a numerator
//! that depends on x, T and t only — the costly part, with its ₂F₁ — divided
//! by a factor that depends on x, tₓ and T but not on t. The lifetime value
//! evaluates it at the end of each period k·L, and the expected purchases
//! over the horizon are its value at the last period end. So a customer's
//! divisor is computed once, and the numerators at the period ends once for
//! each (x, T) that several customers share (customer bases counted in days
//! or weeks share them widely: a million customers may have forty thousand).
//! Every value is computed by the same operations, in the same order, as
//! the single-customer functions: the results are the same to the bit.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::bgnbd::{near_one_combine, near_one_points};
use super::{BgNbdParams, ClvOptions, CustomerSummary, Error, GammaGammaParams, Result, SpendSummary};

/// One customer's predictions over the horizon of a [`ClvOptions`]
/// (`periods` × `period_length`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct CustomerPrediction {
    /// P(alive) at the end of observation, as
    /// [`BgNbdParams::probability_alive`].
    pub probability_alive: f64,
    /// Expected purchases over the horizon, as
    /// [`BgNbdParams::conditional_expected_purchases`].
    pub expected_purchases: f64,
    /// Expected spend per purchase, as
    /// [`GammaGammaParams::conditional_expected_average_spend`].
    pub expected_average_spend: f64,
    /// Discounted lifetime value over the horizon, as
    /// [`customer_lifetime_value`](super::customer_lifetime_value).
    pub lifetime_value: f64,
}

/// Predicts for many customers with one pair of models and one set of
/// options, sharing the work between customers of the same x and T.
///
/// Built from the customers it will be asked about, to learn which (x, T)
/// recur; it can predict for any customer. It is `Sync`: threads may
/// predict for different customers at once (the shared parts are computed
/// by the first thread that needs them).
///
/// ```
/// use crm_core::analytics::clv::{BgNbdParams, ClvOptions, ClvPredictor, CustomerSummary, GammaGammaParams};
///
/// # fn main() -> Result<(), crm_core::analytics::clv::Error> {
/// let bg = BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?;
/// let gg = GammaGammaParams::new(6.25, 3.74, 15.44)?;
/// let customers = [CustomerSummary::new(2.0, 30.0, 38.0), CustomerSummary::new(2.0, 12.0, 38.0)];
/// let predictor = ClvPredictor::new(bg, gg, ClvOptions::default(), customers);
/// let first = predictor.predict(&customers[0], 22.35)?;
/// let value = crm_core::analytics::clv::customer_lifetime_value(&bg, &gg, &customers[0], 22.35, &ClvOptions::default())?;
/// assert_eq!(first.lifetime_value, value);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ClvPredictor {
    purchases: BgNbdParams,
    spend: GammaGammaParams,
    options: ClvOptions,
    /// The slot in `numerators` of each (x, T) held by two customers or more.
    slots: HashMap<(u64, u64), usize, BuildHasherDefault<KeyHasher>>,
    /// Per slot, the numerators at the period ends (period-major, then the
    /// drop-out shapes of `near_one_points`); `None` when one of them could
    /// not be computed (those customers take the direct path, which
    /// reports the error).
    numerators: Vec<OnceLock<Option<Box<[f64]>>>>,
}

impl ClvPredictor {
    /// A predictor for customers like `customers` (any others too). Does
    /// not validate: [`ClvPredictor::predict`] reports what is wrong.
    pub fn new(
        purchases: BgNbdParams,
        spend: GammaGammaParams,
        options: ClvOptions,
        customers: impl IntoIterator<Item = CustomerSummary>,
    ) -> Self {
        let mut slots: HashMap<(u64, u64), usize, BuildHasherDefault<KeyHasher>> = HashMap::default();
        for c in customers {
            *slots.entry(key(&c)).or_insert(0) += 1;
        }
        slots.retain(|_, count| *count > 1);
        for (slot, v) in slots.values_mut().enumerate() {
            *v = slot;
        }
        let numerators = (0..slots.len()).map(|_| OnceLock::new()).collect();
        ClvPredictor { purchases, spend, options, slots, numerators }
    }

    /// The predictions for one customer of mean repeat spend `mean_spend`
    /// (ignored when x = 0), equal to those of the single-customer
    /// functions.
    ///
    /// # Errors
    /// As [`GammaGammaParams::conditional_expected_average_spend`] and
    /// [`customer_lifetime_value`](super::customer_lifetime_value), checked
    /// in that order.
    pub fn predict(&self, customer: &CustomerSummary, mean_spend: f64) -> Result<CustomerPrediction> {
        let expected_average_spend =
            self.spend.conditional_expected_average_spend(&SpendSummary::new(customer.frequency, mean_spend))?;
        self.options.validate()?;
        let probability_alive = self.purchases.probability_alive(customer)?;
        let (lifetime_value, expected_purchases) =
            self.discounted(customer, expected_average_spend * self.options.margin)?;
        Ok(CustomerPrediction { probability_alive, expected_purchases, expected_average_spend, lifetime_value })
    }

    /// The lifetime value alone, with the result and the errors of
    /// [`customer_lifetime_value`](super::customer_lifetime_value).
    ///
    /// # Errors
    /// As [`customer_lifetime_value`](super::customer_lifetime_value).
    pub fn lifetime_value(&self, customer: &CustomerSummary, mean_spend: f64) -> Result<f64> {
        self.options.validate()?;
        let spend_summary = SpendSummary::new(customer.frequency, mean_spend);
        let value = self.spend.conditional_expected_average_spend(&spend_summary)? * self.options.margin;
        self.purchases.probability_alive(customer)?;
        Ok(self.discounted(customer, value)?.0)
    }

    /// The discounted value of a validated customer whose purchases are
    /// worth `value` each, and its expected purchases over the horizon: the
    /// loop of `customer_lifetime_value`, with the divisor of the
    /// conditional expectation computed once and the numerators shared.
    fn discounted(&self, customer: &CustomerSummary, value: f64) -> Result<(f64, f64)> {
        let CustomerSummary { frequency: x, recency: tx, age: t_age } = *customer;
        let ClvOptions { periods, period_length, discount_rate, .. } = self.options;
        let (points, n) = near_one_points(self.purchases.a);
        let mut odds = [1.0; 2];
        for (o, &a) in odds.iter_mut().zip(&points[..n]) {
            *o = self.purchases.alive_odds(a, x, tx, t_age);
        }
        let shared = self.slots.get(&key(customer)).and_then(|&slot| {
            self.numerators[slot]
                .get_or_init(|| {
                    let mut out = Vec::with_capacity(periods as usize * n);
                    for k in 1..=periods {
                        let t = f64::from(k) * period_length;
                        for &a in &points[..n] {
                            out.push(self.purchases.conditional_numerator(a, x, t_age, t).ok()?);
                        }
                    }
                    Some(out.into_boxed_slice())
                })
                .as_deref()
        });
        let mut total = 0.0;
        let mut previous = 0.0;
        let mut discount = 1.0;
        let mut parts = [0.0; 2];
        for k in 1..=periods {
            let t = f64::from(k) * period_length;
            for (j, part) in parts[..n].iter_mut().enumerate() {
                let numerator = match shared {
                    Some(s) => s[(k as usize - 1) * n + j],
                    None => self.purchases.conditional_numerator(points[j], x, t_age, t)?,
                };
                *part = numerator / odds[j];
            }
            let cumulative = near_one_combine(&parts[..n])?;
            discount /= 1.0 + discount_rate;
            total += value * (cumulative - previous) * discount;
            previous = cumulative;
        }
        if total.is_finite() {
            Ok((total, previous))
        } else {
            Err(Error::not_converged(0, "the lifetime value is not finite"))
        }
    }
}

/// The (x, T) a customer's numerators depend on, as bits.
fn key(c: &CustomerSummary) -> (u64, u64) {
    (c.frequency.to_bits(), c.age.to_bits())
}

/// A hasher for the (x, T) keys: each word mixed in by a folded 128-bit
/// multiplication, which spreads the bits of floating-point values (whose
/// low bits are often zero) over the whole hash. Not meant for keys chosen
/// to collide.
#[derive(Debug, Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        let m = u128::from(self.0 ^ v) * 0x9e37_79b9_7f4a_7c15;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
}
