//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way").

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::optimize::{FitOptions, covariance_from_gradient, minimize_with_restarts};
use super::special::{digamma, ln_gamma, one_minus_signed_exp, signed_ln_hyp2f1};

/// One customer's purchase history in the recency-frequency summary that the
/// BG/NBD model uses. Times are in any one unit (days, weeks, …), the same
/// for every customer and for prediction horizons.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct CustomerSummary {
    /// x: the number of repeat purchases (a non-negative integer).
    pub frequency: f64,
    /// tₓ: time from the first to the last purchase (0 when x = 0).
    pub recency: f64,
    /// T: time from the first purchase to the end of observation.
    pub age: f64,
}

impl CustomerSummary {
    /// A summary from x, tₓ and T (not validated here; the models validate).
    pub fn new(frequency: f64, recency: f64, age: f64) -> Self {
        CustomerSummary { frequency, recency, age }
    }

    /// Checks the summary; `prefix` names it in errors (`customer`,
    /// `customers[3]`, …).
    pub(crate) fn validate(&self, prefix: &str) -> Result<()> {
        let field = |f: &str| format!("{prefix}.{f}");
        for (name, v) in [("frequency", self.frequency), ("recency", self.recency), ("age", self.age)] {
            if !v.is_finite() {
                return Err(Error::validation(field(name), format!("must be finite, got {v}")));
            }
            if v < 0.0 {
                return Err(Error::validation(field(name), format!("must not be negative, got {v}")));
            }
        }
        if self.frequency.fract() != 0.0 {
            return Err(Error::validation(
                field("frequency"),
                format!("must be a whole number of repeat purchases, got {}", self.frequency),
            ));
        }
        if self.recency > self.age {
            return Err(Error::validation(
                field("recency"),
                format!("recency {} exceeds age {}", self.recency, self.age),
            ));
        }
        if self.frequency == 0.0 && self.recency != 0.0 {
            return Err(Error::validation(
                field("recency"),
                format!("must be 0 when frequency is 0, got {}", self.recency),
            ));
        }
        Ok(())
    }
}

/// Parameters of the BG/NBD model: the purchase rate λ ~ Gamma(r, α) (shape
/// r, rate α) and the drop-out probability p ~ Beta(a, b).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct BgNbdParams {
    /// Shape r of the purchase-rate distribution.
    pub r: f64,
    /// Rate α of the purchase-rate distribution (in the inverse time unit).
    pub alpha: f64,
    /// First shape a of the drop-out distribution.
    pub a: f64,
    /// Second shape b of the drop-out distribution.
    pub b: f64,
}

/// Standard errors of fitted BG/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct BgNbdStandardErrors {
    /// Standard error of r.
    pub r: f64,
    /// Standard error of α.
    pub alpha: f64,
    /// Standard error of a.
    pub a: f64,
    /// Standard error of b.
    pub b: f64,
}

/// A fitted BG/NBD model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct BgNbdFit {
    /// Maximum-likelihood estimates.
    pub params: BgNbdParams,
    /// Standard errors from the observed information (the inverse of minus
    /// the numerical Hessian of the log-likelihood at the optimum); `None`
    /// when that Hessian is not negative definite.
    pub standard_errors: Option<BgNbdStandardErrors>,
    /// Covariance matrix of (r, α, a, b), when available.
    pub covariance: Option<[[f64; 4]; 4]>,
    /// Total log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Number of customers fitted.
    pub n_customers: usize,
    /// Number of distinct (x, tₓ, T) triples, each evaluated once.
    pub n_distinct: usize,
    /// Quasi-Newton iterations used, over all starting points.
    pub iterations: u64,
}

const NAMES: [&str; 4] = ["r", "alpha", "a", "b"];

fn check_positive(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(Error::validation(name, format!("must be positive and finite, got {v}")))
    }
}

fn check_horizon(t: f64) -> Result<()> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(Error::validation("t", format!("must be non-negative and finite, got {t}")))
    }
}

/// Within this distance of a = 1 the predictions, whose closed forms have a
/// removable singularity there, are taken as the mean of a ± `A_STEP`.
const A_NEAR_ONE: f64 = 1e-6;
const A_STEP: f64 = 1e-4;

impl BgNbdParams {
    /// Parameters after checking that each is positive and finite.
    ///
    /// # Errors
    /// [`Error::Validation`] naming the first bad parameter.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        let p = BgNbdParams { r, alpha, a, b };
        p.validate()?;
        Ok(p)
    }

    fn validate(&self) -> Result<()> {
        check_positive("r", self.r)?;
        check_positive("alpha", self.alpha)?;
        check_positive("a", self.a)?;
        check_positive("b", self.b)
    }

    /// The log-likelihood of one customer's (x, tₓ, T), equation (6) of the
    /// paper in the form A₁ + A₂ + ln(e^{A₃} + δ_{x>0} e^{A₄}).
    ///
    /// # Errors
    /// [`Error::Validation`] for bad parameters or a bad summary.
    pub fn log_likelihood(&self, customer: &CustomerSummary) -> Result<f64> {
        self.validate()?;
        customer.validate("customer")?;
        Ok(customer_ll(self, customer.frequency, customer.recency, customer.age))
    }

    /// The summed log-likelihood of many customers.
    ///
    /// # Errors
    /// [`Error::NoData`] for an empty slice, [`Error::Validation`] for bad
    /// parameters or a bad summary (named with its index).
    pub fn total_log_likelihood(&self, customers: &[CustomerSummary]) -> Result<f64> {
        self.validate()?;
        let data = Aggregated::new(customers)?;
        let mut grad = [0.0; 4];
        let theta = self.theta();
        Ok(-data.weight * data.mean_nll(&theta, &mut grad, false))
    }

    fn theta(&self) -> [f64; 4] {
        [self.r.ln(), self.alpha.ln(), self.a.ln(), self.b.ln()]
    }

    /// The probability that a customer with this history is still active at
    /// the end of observation: 1 for x = 0, otherwise
    /// 1 / (1 + δ a/(b+x−1) ((α+T)/(α+tₓ))^{r+x}).
    ///
    /// # Errors
    /// [`Error::Validation`] for bad parameters or a bad summary.
    pub fn probability_alive(&self, customer: &CustomerSummary) -> Result<f64> {
        self.validate()?;
        customer.validate("customer")?;
        let CustomerSummary { frequency: x, recency: tx, age: t_age } = *customer;
        if x == 0.0 {
            return Ok(1.0);
        }
        let BgNbdParams { r, alpha, a, b } = *self;
        let log_odds_dead = (r + x) * ((alpha + t_age) / (alpha + tx)).ln() + (a / (b + x - 1.0)).ln();
        // logistic(−log_odds_dead), computed without overflow
        Ok(if log_odds_dead > 0.0 {
            let e = (-log_odds_dead).exp();
            e / (1.0 + e)
        } else {
            1.0 / (1.0 + log_odds_dead.exp())
        })
    }

    /// E[X(t)]: the expected number of purchases in (0, t] of a customer who
    /// made the first purchase at time 0, equation (9) of the paper:
    /// (a+b−1)/(a−1) [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
    ///
    /// # Errors
    /// [`Error::Validation`] for bad parameters or t;
    /// [`Error::NotConverged`] if ₂F₁ cannot be evaluated.
    pub fn expected_purchases(&self, t: f64) -> Result<f64> {
        self.validate()?;
        check_horizon(t)?;
        if t == 0.0 {
            return Ok(0.0);
        }
        near_one(self.a, |a| {
            let BgNbdParams { r, alpha, b, .. } = *self;
            let z = t / (alpha + t);
            // c = a + b − 1 may be negative, and 2F1 with it.
            let (sign, ln_f) = signed_ln_hyp2f1(r, b, a + b - 1.0, z)?;
            let ln_term = ln_f - r * (t / alpha).ln_1p();
            Ok((a + b - 1.0) / (a - 1.0) * one_minus_signed_exp(sign, ln_term))
        })
    }

    /// E[Y(t) | x, tₓ, T]: the expected number of purchases in (T, T+t] of a
    /// customer with this history, equation (10) of the paper:
    /// (a+b+x−1)/(a−1) [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
    /// / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+tₓ))^{r+x}).
    ///
    /// # Errors
    /// [`Error::Validation`] for bad parameters, summary or t;
    /// [`Error::NotConverged`] if ₂F₁ cannot be evaluated.
    pub fn conditional_expected_purchases(&self, customer: &CustomerSummary, t: f64) -> Result<f64> {
        self.validate()?;
        customer.validate("customer")?;
        check_horizon(t)?;
        self.conditional_unchecked(customer, t)
    }

    pub(crate) fn conditional_unchecked(&self, customer: &CustomerSummary, t: f64) -> Result<f64> {
        if t == 0.0 {
            return Ok(0.0);
        }
        let CustomerSummary { frequency: x, recency: tx, age: t_age } = *customer;
        near_one(self.a, |a| {
            let BgNbdParams { r, alpha, b, .. } = *self;
            let z = t / (alpha + t_age + t);
            // With x = 0 and a + b < 1, c = a + b − 1 is negative and so may
            // be 2F1: keep its sign.
            let (sign, ln_f) = signed_ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z)?;
            let ln_term = ln_f - (r + x) * (t / (alpha + t_age)).ln_1p();
            let numerator = (a + b + x - 1.0) / (a - 1.0) * one_minus_signed_exp(sign, ln_term);
            let denominator = if x > 0.0 {
                1.0 + ((a / (b + x - 1.0)).ln() + (r + x) * ((alpha + t_age) / (alpha + tx)).ln()).exp()
            } else {
                1.0
            };
            Ok(numerator / denominator)
        })
    }
}

/// Evaluates `f` at `a`, or, within [`A_NEAR_ONE`] of the removable
/// singularity at a = 1, as the mean of `f(1 − A_STEP)` and `f(1 + A_STEP)`.
/// Rejects a non-finite result.
fn near_one<F>(a: f64, f: F) -> Result<f64>
where
    F: Fn(f64) -> Result<f64>,
{
    let v = if (a - 1.0).abs() < A_NEAR_ONE { 0.5 * (f(1.0 - A_STEP)? + f(1.0 + A_STEP)?) } else { f(a)? };
    if v.is_finite() {
        Ok(v.max(0.0))
    } else {
        Err(Error::not_converged(0, "the expected number of purchases is not finite"))
    }
}

/// Log-likelihood of one customer (inputs already validated).
fn customer_ll(p: &BgNbdParams, x: f64, tx: f64, t_age: f64) -> f64 {
    let BgNbdParams { r, alpha, a, b } = *p;
    let a1 = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
    let a2 = ln_gamma(a + b) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x);
    let a3 = -(r + x) * (alpha + t_age).ln();
    if x > 0.0 {
        let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + tx).ln();
        a1 + a2 + super::special::log_add_exp(a3, a4)
    } else {
        a1 + a2 + a3
    }
}

/// Customers grouped by x, with identical (tₓ, T) merged into weights.
struct Aggregated {
    groups: Vec<Group>,
    weight: f64,
    n_customers: usize,
    n_distinct: usize,
}

struct Group {
    x: f64,
    tx: Vec<f64>,
    age: Vec<f64>,
    weight: Vec<f64>,
    total_weight: f64,
}

impl Aggregated {
    fn new(customers: &[CustomerSummary]) -> Result<Self> {
        if customers.is_empty() {
            return Err(Error::no_data("no customers"));
        }
        for (i, c) in customers.iter().enumerate() {
            c.validate(&format!("customers[{i}]"))?;
        }
        let mut rows: Vec<(f64, f64, f64)> = customers.iter().map(|c| (c.frequency, c.recency, c.age)).collect();
        rows.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)).then(p.2.total_cmp(&q.2)));
        let mut groups: Vec<Group> = Vec::new();
        let mut n_distinct = 0;
        for (x, tx, age) in rows {
            let new_group = groups.last().is_none_or(|g| g.x != x);
            if new_group {
                groups.push(Group { x, tx: Vec::new(), age: Vec::new(), weight: Vec::new(), total_weight: 0.0 });
            }
            let Some(g) = groups.last_mut() else {
                continue;
            };
            g.total_weight += 1.0;
            let k = g.tx.len();
            if k > 0 && g.tx[k - 1] == tx && g.age[k - 1] == age {
                g.weight[k - 1] += 1.0;
            } else {
                g.tx.push(tx);
                g.age.push(age);
                g.weight.push(1.0);
                n_distinct += 1;
            }
        }
        Ok(Aggregated { groups, weight: customers.len() as f64, n_customers: customers.len(), n_distinct })
    }

    /// Mean negative log-likelihood at log-parameters θ = ln(r, α, a, b);
    /// writes its gradient with respect to θ into `grad` when `want_grad`.
    fn mean_nll(&self, theta: &[f64; 4], grad: &mut [f64; 4], want_grad: bool) -> f64 {
        let r = theta[0].exp();
        let alpha = theta[1].exp();
        let a = theta[2].exp();
        let b = theta[3].exp();
        let ln_alpha = alpha.ln();
        let mut ll = 0.0;
        // derivatives of the total log-likelihood with respect to r, α, a, b
        let (mut dr, mut dal, mut da, mut db) = (0.0, 0.0, 0.0, 0.0);
        let lg_ab = ln_gamma(a + b);
        let lg_b = ln_gamma(b);
        let lg_r = ln_gamma(r);
        let (dg_ab, dg_b, dg_r) = if want_grad { (digamma(a + b), digamma(b), digamma(r)) } else { (0.0, 0.0, 0.0) };
        let ln_a = a.ln();
        for g in &self.groups {
            let x = g.x;
            let rx = r + x;
            let a1 = ln_gamma(rx) - lg_r + r * ln_alpha;
            let a2 = lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x);
            let wsum = g.total_weight;
            ll += wsum * (a1 + a2);
            if want_grad {
                dr += wsum * (digamma(rx) - dg_r + ln_alpha);
                dal += wsum * r / alpha;
                let dg_abx = digamma(a + b + x);
                da += wsum * (dg_ab - dg_abx);
                db += wsum * (dg_ab + digamma(b + x) - dg_b - dg_abx);
            }
            if x == 0.0 {
                // ln L = A1 + A2 − r ln(α+T)
                let mut s_ln = 0.0;
                let mut s_inv = 0.0;
                for (&age, &w) in g.age.iter().zip(&g.weight) {
                    let u = alpha + age;
                    s_ln += w * u.ln();
                    if want_grad {
                        s_inv += w / u;
                    }
                }
                ll -= r * s_ln;
                if want_grad {
                    dr -= s_ln;
                    dal -= r * s_inv;
                }
            } else {
                let c4 = ln_a - (b + x - 1.0).ln();
                let mut s_lse = 0.0;
                // Σ w·w3·ln(α+T) etc. for the gradient
                let (mut s_r, mut s_al, mut s_w4) = (0.0, 0.0, 0.0);
                for ((&tx, &age), &w) in g.tx.iter().zip(&g.age).zip(&g.weight) {
                    let l_t = (alpha + age).ln();
                    let l_tx = (alpha + tx).ln();
                    let l3 = -rx * l_t;
                    let l4 = c4 - rx * l_tx;
                    let d = l4 - l3;
                    let (lse, w3) = if d > 0.0 {
                        let e = (-d).exp();
                        (l4 + e.ln_1p(), e / (1.0 + e))
                    } else {
                        let e = d.exp();
                        (l3 + e.ln_1p(), 1.0 / (1.0 + e))
                    };
                    s_lse += w * lse;
                    if want_grad {
                        let w4 = 1.0 - w3;
                        s_r += w * (w3 * l_t + w4 * l_tx);
                        s_al += w * (w3 / (alpha + age) + w4 / (alpha + tx));
                        s_w4 += w * w4;
                    }
                }
                ll += s_lse;
                if want_grad {
                    dr -= s_r;
                    dal -= rx * s_al;
                    da += s_w4 / a;
                    db -= s_w4 / (b + x - 1.0);
                }
            }
        }
        if want_grad {
            let n = self.weight;
            grad[0] = -dr * r / n;
            grad[1] = -dal * alpha / n;
            grad[2] = -da * a / n;
            grad[3] = -db * b / n;
        }
        -ll / self.weight
    }
}

/// Fits the BG/NBD model by maximum likelihood.
///
/// The likelihood is evaluated once per distinct (x, tₓ, T) with the count
/// as weight and with the Γ terms shared by every customer with the same x;
/// it is maximised over the log-parameters by BFGS with the analytic
/// gradient, restarting from other points if a run fails.
///
/// # Errors
/// [`Error::NoData`] for no customers or no repeat purchase at all (then a
/// and b are not identified); [`Error::Validation`] for a bad summary,
/// named with its index; [`Error::NotConverged`] when no run converges.
pub fn fit_bgnbd(customers: &[CustomerSummary], options: &FitOptions) -> Result<BgNbdFit> {
    let data = Aggregated::new(customers)?;
    if data.groups.iter().all(|g| g.x == 0.0) {
        return Err(Error::no_data("no customer made a repeat purchase; the BG/NBD model cannot be fitted"));
    }
    let sum_x: f64 = data.groups.iter().map(|g| g.x * g.total_weight).sum();
    let sum_t: f64 = data.groups.iter().flat_map(|g| g.age.iter().zip(&g.weight).map(|(t, w)| t * w)).sum();
    if sum_t <= 0.0 {
        return Err(Error::no_data("every customer has age 0"));
    }
    // Starting points: r = 1 with α matching the mean purchase rate, then
    // a few others spread around it.
    let rate = sum_x / sum_t;
    let alpha0 = (1.0 / rate).clamp(1e-6, 1e6);
    let starts: Vec<[f64; 4]> = [
        [1.0, alpha0, 1.0, 1.0],
        [0.3, 0.3 * alpha0, 0.5, 3.0],
        [3.0, 3.0 * alpha0, 2.0, 0.5],
        [0.1, 0.1 * alpha0, 1.0, 10.0],
    ]
    .iter()
    .map(|p| p.map(f64::ln))
    .collect();
    let mut scratch = [0.0; 4];
    let min = minimize_with_restarts(
        |th: &[f64; 4], g: Option<&mut [f64; 4]>| match g {
            Some(g) => data.mean_nll(th, g, true),
            None => data.mean_nll(th, &mut scratch, false),
        },
        &starts,
        options,
        &NAMES,
    )?;
    let params = BgNbdParams { r: min.x[0].exp(), alpha: min.x[1].exp(), a: min.x[2].exp(), b: min.x[3].exp() };
    let n = data.weight;
    let covariance = covariance_from_gradient(
        |p: &[f64; 4]| {
            if p.iter().any(|v| *v <= 0.0) {
                return None;
            }
            let th = p.map(f64::ln);
            let mut g = [0.0; 4];
            data.mean_nll(&th, &mut g, true);
            // d(total LL)/dp = −n · (d mean NLL/dθ) / p
            Some([0, 1, 2, 3].map(|i| -n * g[i] / p[i]))
        },
        [params.r, params.alpha, params.a, params.b],
    );
    let standard_errors = covariance.map(|c| BgNbdStandardErrors {
        r: c[0][0].sqrt(),
        alpha: c[1][1].sqrt(),
        a: c[2][2].sqrt(),
        b: c[3][3].sqrt(),
    });
    Ok(BgNbdFit {
        params,
        standard_errors,
        covariance,
        log_likelihood: -n * min.f,
        n_customers: data.n_customers,
        n_distinct: data.n_distinct,
        iterations: min.iterations,
    })
}
