//! The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your
//! customers the easy way").

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Checked;
use super::error::{Error, Result};
use super::optimize::{Eval, FitOptions, covariance_from_hessian, minimize_with_restarts};
use super::special::{digamma, ln_gamma, one_minus_signed_exp, signed_ln_hyp2f1, sum_ln_block, trigamma};

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
}

impl Checked for CustomerSummary {
    /// Whether the summary is valid: finite, non-negative, a whole x,
    /// tₓ ≤ T, and tₓ = 0 when x = 0.
    #[inline(always)]
    #[allow(clippy::manual_range_contains)] // `contains` short-circuits
    fn is_valid(&self) -> bool {
        let (x, tx, t) = (self.frequency, self.recency, self.age);
        // tₓ ≥ 0 and tₓ ≤ T < ∞ make T finite and non-negative too.
        // Non-short-circuit operators: no branch to mispredict.
        (x >= 0.0)
            & (x < f64::INFINITY)
            & (tx >= 0.0)
            & (tx <= t)
            & (t < f64::INFINITY)
            & is_whole(x)
            & ((x > 0.0) | (tx == 0.0))
    }

    /// The first bad field and why, if any.
    #[cold]
    fn problem(&self) -> Option<(&'static str, String)> {
        let (x, tx, t) = (self.frequency, self.recency, self.age);
        if self.is_valid() {
            return None;
        }
        for (name, v) in [("frequency", x), ("recency", tx), ("age", t)] {
            if !v.is_finite() {
                return Some((name, format!("must be finite, got {v}")));
            }
            if v < 0.0 {
                return Some((name, format!("must not be negative, got {v}")));
            }
        }
        if !is_whole(x) {
            return Some(("frequency", format!("must be a whole number of repeat purchases, got {x}")));
        }
        if tx > t {
            return Some(("recency", format!("recency {tx} exceeds age {t}")));
        }
        Some(("recency", format!("must be 0 when frequency is 0, got {tx}")))
    }
}

/// Whether a finite x is a whole number (like `x.fract() == 0.0`, which is a
/// library call on baseline x86-64).
#[inline(always)]
pub(crate) fn is_whole(x: f64) -> bool {
    // From 2⁵² on every float is whole; below, the conversion is exact.
    (x.abs() >= 4_503_599_627_370_496.0) | ((x as i64) as f64 == x)
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
    /// the analytic Hessian of the log-likelihood at the optimum); `None`
    /// when that Hessian is not negative definite.
    pub standard_errors: Option<BgNbdStandardErrors>,
    /// Covariance matrix of (r, α, a, b), when available.
    pub covariance: Option<[[f64; 4]; 4]>,
    /// Total log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Number of customers fitted.
    pub n_customers: usize,
    /// Number of repeat buyers: the customers whose (x, tₓ, T) the
    /// likelihood evaluates one by one at each iteration. The customers
    /// without a repeat purchase enter only through sums over their ages.
    pub n_repeat_buyers: usize,
    /// Newton iterations used, over all starting points (and over the fit
    /// on a sample that starts the fit of a large input).
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
        let data = Data::new(customers)?;
        Ok(data.totals(&[self.r, self.alpha, self.a, self.b]).ll)
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
        near_one(self.a, |a| Ok(self.conditional_numerator(a, x, t_age, t)? / self.alive_odds(a, x, tx, t_age)))
    }

    /// The part of E[Y(t) | x, tₓ, T] (equation (10)) that depends on x, T
    /// and t only, at drop-out shape `a`:
    /// (a+b+x−1)/(a−1) [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))].
    pub(crate) fn conditional_numerator(&self, a: f64, x: f64, t_age: f64, t: f64) -> Result<f64> {
        let BgNbdParams { r, alpha, b, .. } = *self;
        let z = t / (alpha + t_age + t);
        // With x = 0 and a + b < 1, c = a + b − 1 is negative and so may
        // be 2F1: keep its sign.
        let (sign, ln_f) = signed_ln_hyp2f1(r + x, b + x, a + b + x - 1.0, z)?;
        let ln_term = ln_f - (r + x) * (t / (alpha + t_age)).ln_1p();
        Ok((a + b + x - 1.0) / (a - 1.0) * one_minus_signed_exp(sign, ln_term))
    }

    /// The divisor of equation (10), which does not depend on the horizon:
    /// 1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+tₓ))^{r+x}, at drop-out shape `a`.
    pub(crate) fn alive_odds(&self, a: f64, x: f64, tx: f64, t_age: f64) -> f64 {
        let BgNbdParams { r, alpha, b, .. } = *self;
        if x > 0.0 {
            1.0 + ((a / (b + x - 1.0)).ln() + (r + x) * ((alpha + t_age) / (alpha + tx)).ln()).exp()
        } else {
            1.0
        }
    }
}

/// The drop-out shapes at which the predictions are evaluated, the first
/// `n` of the array: `a` itself, or 1 ∓ [`A_STEP`] within [`A_NEAR_ONE`] of
/// the removable singularity at a = 1 (see [`near_one`]).
pub(crate) fn near_one_points(a: f64) -> ([f64; 2], usize) {
    if (a - 1.0).abs() < A_NEAR_ONE { ([1.0 - A_STEP, 1.0 + A_STEP], 2) } else { ([a, a], 1) }
}

/// The prediction from its values at the points of [`near_one_points`]:
/// the value, or the mean of the two. Rejects a non-finite result.
pub(crate) fn near_one_combine(values: &[f64]) -> Result<f64> {
    let v = match values {
        [lo, hi] => 0.5 * (lo + hi),
        [v] => *v,
        _ => f64::NAN,
    };
    if v.is_finite() {
        Ok(v.max(0.0))
    } else {
        Err(Error::not_converged(0, "the expected number of purchases is not finite"))
    }
}

/// Evaluates `f` at `a`, or, within [`A_NEAR_ONE`] of the removable
/// singularity at a = 1, as the mean of `f(1 − A_STEP)` and `f(1 + A_STEP)`.
/// Rejects a non-finite result.
fn near_one<F>(a: f64, f: F) -> Result<f64>
where
    F: Fn(f64) -> Result<f64>,
{
    let (points, n) = near_one_points(a);
    let mut values = [0.0; 2];
    for (v, &p) in values.iter_mut().zip(&points[..n]) {
        *v = f(p)?;
    }
    near_one_combine(&values[..n])
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

/// The customers as the likelihood needs them: the ages of those without a
/// repeat purchase (their terms reduce to sums over ln(α+T) and powers of
/// 1/(α+T)), and the repeat buyers in groups of equal x, in columns.
struct Data {
    zero_ages: Vec<f64>,
    /// In increasing x.
    groups: Vec<Group>,
    n_customers: usize,
}

/// The repeat buyers with one x.
struct Group {
    x: f64,
    recencies: Vec<f64>,
    ages: Vec<f64>,
}

/// The log-likelihood ℓ summed over customers, with its gradient and
/// Hessian in the natural parameters (r, α, a, b).
struct Totals {
    ll: f64,
    g: [f64; 4],
    h: [[f64; 4]; 4],
}

/// Walks x upwards keeping the sums over k < x that make up the Γ terms of
/// the likelihood: Σ ln((r+k)(b+k)/(a+b+k)) = ln Γ(r+x) − ln Γ(r) + ln Γ(b+x)
/// − ln Γ(b) − ln Γ(a+b+x) + ln Γ(a+b), and Σ 1/(·+k), Σ 1/(·+k)² for its
/// derivatives. Long gaps between the x of successive groups are crossed
/// with ln Γ, ψ and ψ′ instead of term by term.
struct GammaTerms {
    r: f64,
    a_b: f64,
    b: f64,
    k: f64,
    ln: f64,
    /// Σ 1/(r+k), Σ 1/(b+k), Σ 1/(a+b+k)
    inv: [f64; 3],
    /// Σ 1/(r+k)², Σ 1/(b+k)², Σ 1/(a+b+k)²
    inv2: [f64; 3],
}

/// Gaps in x longer than this are crossed with the special functions.
const WALK_LIMIT: f64 = 64.0;

impl GammaTerms {
    fn new(r: f64, a: f64, b: f64) -> Self {
        GammaTerms { r, a_b: a + b, b, k: 0.0, ln: 0.0, inv: [0.0; 3], inv2: [0.0; 3] }
    }

    fn advance_to(&mut self, x: f64) {
        let (r, b, ab) = (self.r, self.b, self.a_b);
        if x - self.k > WALK_LIMIT {
            self.ln = ln_gamma(r + x) - ln_gamma(r) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(ab + x) + ln_gamma(ab);
            self.inv = [digamma(r + x) - digamma(r), digamma(b + x) - digamma(b), digamma(ab + x) - digamma(ab)];
            self.inv2 = [trigamma(r) - trigamma(r + x), trigamma(b) - trigamma(b + x), trigamma(ab) - trigamma(ab + x)];
            self.k = x;
            return;
        }
        while self.k < x {
            let k = self.k;
            let (p, q, s) = (r + k, b + k, ab + k);
            self.ln += (p * q / s).ln();
            let (ip, iq, is) = (1.0 / p, 1.0 / q, 1.0 / s);
            self.inv[0] += ip;
            self.inv[1] += iq;
            self.inv[2] += is;
            self.inv2[0] += ip * ip;
            self.inv2[1] += iq * iq;
            self.inv2[2] += is * is;
            self.k += 1.0;
        }
    }
}

/// Sums over a block of customers, for [`Data::totals`].
#[derive(Default)]
struct PointSums {
    /// Σ ln(α+T)
    ln_u: f64,
    /// Σ 1/(α+T), Σ 1/(α+T)²
    iu: f64,
    iu2: f64,
    /// Σ softplus(d), d = ln(e^{A₄}/e^{A₃})
    softplus: f64,
    /// w = σ(d), the weight of the "dropped out at tₓ" term, and
    /// s = w(1−w); L = ln((α+T)/(α+tₓ)), D = 1/(α+T) − 1/(α+tₓ),
    /// Q = 1/(α+tₓ)² − 1/(α+T)².
    w: f64,
    w_l: f64,
    w_d: f64,
    w_q: f64,
    s: f64,
    s_l: f64,
    s_ll: f64,
    s_d: f64,
    s_ld: f64,
    s_dd: f64,
}

impl Data {
    /// Validates the customers and lays them out; errors name the first bad
    /// summary by its index.
    fn new(customers: &[CustomerSummary]) -> Result<Self> {
        if customers.is_empty() {
            return Err(Error::no_data("no customers"));
        }
        // One pass: validate each customer and append it to the columns of
        // its x, found through a table indexed by x (a map beyond `limit`).
        // Customers without a repeat purchase are group 0, whose recencies
        // (all 0) are written only to keep the loop free of branches.
        let limit = (4 * customers.len()).max(1024) as f64;
        let mut slot_of_x: Vec<usize> = vec![usize::MAX; 64];
        let mut large_x: HashMap<u64, usize> = HashMap::new();
        let mut cols: Vec<Group> = Vec::new();
        for (i, c) in customers.iter().enumerate() {
            c.validate_at("customers", i)?;
            let x = c.frequency;
            let slot = if x < slot_of_x.len() as f64 {
                &mut slot_of_x[x as usize]
            } else if x <= limit {
                slot_of_x.resize(x as usize + 1, usize::MAX);
                &mut slot_of_x[x as usize]
            } else {
                large_x.entry(x.to_bits()).or_insert(usize::MAX)
            };
            if *slot == usize::MAX {
                *slot = cols.len();
                cols.push(Group { x, recencies: Vec::new(), ages: Vec::new() });
            }
            let g = &mut cols[*slot];
            g.recencies.push(c.recency);
            g.ages.push(c.age);
        }
        cols.sort_by(|p, q| p.x.total_cmp(&q.x));
        let zero_ages = match cols.first() {
            Some(g) if g.x == 0.0 => cols.remove(0).ages,
            _ => Vec::new(),
        };
        Ok(Data { zero_ages, groups: cols, n_customers: customers.len() })
    }

    /// A systematic sample of every `step`-th customer, in the order of x,
    /// for a quick first fit.
    fn sample(&self, step: usize) -> Data {
        let zero_ages: Vec<f64> = self.zero_ages.iter().step_by(step).copied().collect();
        let mut seen = self.zero_ages.len();
        let mut groups = Vec::new();
        for g in &self.groups {
            // Continue the stride across groups.
            let first = (step - seen % step) % step;
            seen += g.ages.len();
            if first < g.ages.len() {
                groups.push(Group {
                    x: g.x,
                    recencies: g.recencies.iter().skip(first).step_by(step).copied().collect(),
                    ages: g.ages.iter().skip(first).step_by(step).copied().collect(),
                });
            }
        }
        let n_customers = zero_ages.len() + groups.iter().map(|g| g.ages.len()).sum::<usize>();
        Data { zero_ages, groups, n_customers }
    }

    /// The mean negative log-likelihood at log-parameters θ = ln(r, α, a, b)
    /// with its gradient and Hessian in θ.
    fn eval(&self, theta: &[f64; 4]) -> Eval<4> {
        let p = theta.map(f64::exp);
        let t = self.totals(&p);
        let n = self.n_customers as f64;
        let mut e = Eval { f: -t.ll / n, g: [0.0; 4], h: [[0.0; 4]; 4] };
        // f(θ) = −ℓ(e^θ)/n: ∂f/∂θᵢ = −pᵢ ∂ℓ/∂pᵢ / n and
        // ∂²f/∂θᵢ∂θⱼ = −(pᵢ pⱼ ∂²ℓ/∂pᵢ∂pⱼ + δᵢⱼ pᵢ ∂ℓ/∂pᵢ) / n.
        for i in 0..4 {
            e.g[i] = -p[i] * t.g[i] / n;
            for j in 0..4 {
                e.h[i][j] = -p[i] * p[j] * t.h[i][j] / n;
            }
            e.h[i][i] += e.g[i];
        }
        e
    }

    /// ℓ(r, α, a, b) = Σ A₁ + A₂ + ln(e^{A₃} + δ_{x>0} e^{A₄}) with its
    /// gradient and Hessian. For a repeat buyer the last term is
    /// A₃ + softplus(d) with d = A₄ − A₃ = ln(a/(b+x−1)) + (r+x) L and
    /// L = ln((α+T)/(α+tₓ)): one logarithm and one exponential per
    /// customer, the sums of ln(α+T) and of softplus's ln(1+e^{−|d|}) taken
    /// as logarithms of products of eight.
    #[allow(clippy::needless_range_loop)]
    fn totals(&self, p: &[f64; 4]) -> Totals {
        let [r, alpha, a, b] = *p;
        let ln_alpha = alpha.ln();
        let n = self.n_customers as f64;
        let mut ll = n * r * ln_alpha;
        let mut g = [n * ln_alpha, n * r / alpha, 0.0, 0.0];
        let mut h = [[0.0; 4]; 4];
        h[0][1] = n / alpha;
        h[1][1] = -n * r / (alpha * alpha);

        // Customers without a repeat purchase: A₃ = −r ln(α+T).
        let z = zero_sums(&self.zero_ages, alpha);
        ll -= r * z.ln_u;
        g[0] -= z.ln_u;
        g[1] -= r * z.iu;
        h[0][1] -= z.iu;
        h[1][1] += r * z.iu2;

        let mut gamma_terms = GammaTerms::new(r, a, b);
        let ln_a = a.ln();
        for grp in &self.groups {
            let x = grp.x;
            let w = grp.ages.len() as f64;
            gamma_terms.advance_to(x);
            let GammaTerms { ln, inv, inv2, .. } = gamma_terms;
            ll += w * ln;
            g[0] += w * inv[0];
            g[2] -= w * inv[2];
            g[3] += w * (inv[1] - inv[2]);
            h[0][0] -= w * inv2[0];
            h[2][2] += w * inv2[2];
            h[2][3] += w * inv2[2];
            h[3][3] += w * (inv2[2] - inv2[1]);

            let rx = r + x;
            let beta = 1.0 / (b + x - 1.0);
            let c4 = ln_a + beta.ln();
            let s = buyer_sums(&grp.recencies, &grp.ages, alpha, rx, c4);
            ll += -rx * s.ln_u + s.softplus;
            g[0] += -s.ln_u + s.w_l;
            g[1] += -rx * s.iu + rx * s.w_d;
            g[2] += s.w / a;
            g[3] -= beta * s.w;
            h[0][0] += s.s_ll;
            h[0][1] += -s.iu + rx * s.s_ld + s.w_d;
            h[0][2] += s.s_l / a;
            h[0][3] -= beta * s.s_l;
            h[1][1] += rx * s.iu2 + rx * rx * s.s_dd + rx * s.w_q;
            h[1][2] += rx * s.s_d / a;
            h[1][3] -= rx * beta * s.s_d;
            h[2][2] += (s.s - s.w) / (a * a);
            h[2][3] -= beta * s.s / a;
            h[3][3] += beta * beta * (s.s + s.w);
        }
        for i in 0..4 {
            for j in 0..i {
                h[i][j] = h[j][i];
            }
        }
        Totals { ll, g, h }
    }
}

/// Σ ln(α+T), Σ 1/(α+T) and Σ 1/(α+T)² over `ages`.
fn zero_sums(ages: &[f64], alpha: f64) -> PointSums {
    let mut out = PointSums::default();
    let mut chunks = ages.chunks_exact(8);
    let block = |ts: &[f64], out: &mut PointSums| {
        let mut u = [1.0; 8];
        let (mut iu, mut iu2) = (0.0, 0.0);
        for (j, &t) in ts.iter().enumerate() {
            u[j] = alpha + t;
            let i = 1.0 / u[j];
            iu += i;
            iu2 += i * i;
        }
        out.ln_u += sum_ln_block(&u);
        out.iu += iu;
        out.iu2 += iu2;
    };
    for c in chunks.by_ref() {
        block(c, &mut out);
    }
    block(chunks.remainder(), &mut out);
    out
}

/// The sums of [`PointSums`] over the repeat buyers with one x, given
/// r + x and c₄ = ln(a/(b+x−1)). Each block of eight first makes its calls
/// to `ln` and `exp`, then does its arithmetic, which keeps the sums in
/// registers.
fn buyer_sums(recencies: &[f64], ages: &[f64], alpha: f64, rx: f64, c4: f64) -> PointSums {
    let mut o = PointSums::default();
    let block = |txs: &[f64], ts: &[f64], o: &mut PointSums| {
        let k = txs.len();
        let mut u = [1.0; 8];
        let mut v = [1.0; 8];
        for j in 0..k {
            u[j] = alpha + ts[j];
            v[j] = alpha + txs[j];
        }
        let mut l = [0.0; 8];
        for j in 0..k {
            l[j] = (u[j] / v[j]).ln();
        }
        let mut d = [0.0; 8];
        let mut e = [0.0; 8];
        for j in 0..k {
            d[j] = c4 + rx * l[j];
            e[j] = (-d[j].abs()).exp();
        }
        let mut one_e = [1.0; 8];
        for j in 0..k {
            one_e[j] = 1.0 + e[j];
            let inv_one_e = 1.0 / one_e[j];
            // σ(d) and σ(d)(1 − σ(d)) from e = exp(−|d|).
            let w = if d[j] > 0.0 { inv_one_e } else { e[j] * inv_one_e };
            let s = e[j] * inv_one_e * inv_one_e;
            let iu = 1.0 / u[j];
            let iv = 1.0 / v[j];
            let dd = (txs[j] - ts[j]) * iu * iv; // 1/u − 1/v without cancellation
            let q = -dd * (iu + iv);
            o.softplus += d[j].max(0.0);
            o.iu += iu;
            o.iu2 += iu * iu;
            o.w += w;
            o.w_l += w * l[j];
            o.w_d += w * dd;
            o.w_q += w * q;
            o.s += s;
            let sl = s * l[j];
            let sd = s * dd;
            o.s_l += sl;
            o.s_ll += sl * l[j];
            o.s_d += sd;
            o.s_ld += sl * dd;
            o.s_dd += sd * dd;
        }
        o.ln_u += sum_ln_block(&u);
        o.softplus += sum_ln_block(&one_e);
    };
    let mut r_chunks = recencies.chunks_exact(8);
    let mut a_chunks = ages.chunks_exact(8);
    for (c, t) in r_chunks.by_ref().zip(a_chunks.by_ref()) {
        block(c, t, &mut o);
    }
    block(r_chunks.remainder(), a_chunks.remainder(), &mut o);
    o
}

/// Customers at or above this count are first fitted on a systematic
/// sample of about [`SAMPLE_SIZE`], whose estimates start the full fit.
const SAMPLE_FROM: usize = 20_000;
const SAMPLE_SIZE: usize = 5_000;

/// Fits the BG/NBD model by maximum likelihood.
///
/// The likelihood is maximised over the log-parameters by Newton's method
/// with its analytic gradient and Hessian, restarting from other points if
/// a run fails; the Hessian at the optimum gives the standard errors. Each
/// evaluation costs one logarithm and one exponential per repeat buyer and
/// a few arithmetic operations per other customer; the Γ terms are shared
/// by every customer with the same x. From 20,000 customers on, a fit on a
/// systematic sample of about 5,000 of them provides the starting point, so
/// that the full data are evaluated only for the last few iterations.
///
/// # Errors
/// [`Error::NoData`] for no customers or no repeat purchase at all (then a
/// and b are not identified); [`Error::Validation`] for a bad summary,
/// named with its index; [`Error::NotConverged`] when no run converges.
pub fn fit_bgnbd(customers: &[CustomerSummary], options: &FitOptions) -> Result<BgNbdFit> {
    let data = Data::new(customers)?;
    if data.groups.is_empty() {
        return Err(Error::no_data("no customer made a repeat purchase; the BG/NBD model cannot be fitted"));
    }
    let sum_x: f64 = data.groups.iter().map(|g| g.x * g.ages.len() as f64).sum();
    let sum_t: f64 =
        data.zero_ages.iter().sum::<f64>() + data.groups.iter().map(|g| g.ages.iter().sum::<f64>()).sum::<f64>();
    if sum_t <= 0.0 {
        return Err(Error::no_data("every customer has age 0"));
    }
    // Starting points: r = 1 with α matching the mean purchase rate, then
    // a few others spread around it.
    let rate = sum_x / sum_t;
    let alpha0 = (1.0 / rate).clamp(1e-6, 1e6);
    let mut starts: Vec<[f64; 4]> = [
        [1.0, alpha0, 1.0, 1.0],
        [0.3, 0.3 * alpha0, 0.5, 3.0],
        [3.0, 3.0 * alpha0, 2.0, 0.5],
        [0.1, 0.1 * alpha0, 1.0, 10.0],
    ]
    .iter()
    .map(|p| p.map(f64::ln))
    .collect();
    let mut iterations = 0;
    if data.n_customers >= SAMPLE_FROM {
        let sample = data.sample(data.n_customers / SAMPLE_SIZE);
        if !sample.groups.is_empty() {
            let loose = FitOptions { gradient_tolerance: options.gradient_tolerance.max(1e-6), ..*options };
            if let Ok(m) = minimize_with_restarts(|th: &[f64; 4]| sample.eval(th), &starts, &loose, &NAMES) {
                iterations += m.iterations;
                starts.insert(0, m.x);
            }
        }
    }
    let min = minimize_with_restarts(|th: &[f64; 4]| data.eval(th), &starts, options, &NAMES)?;
    let p = min.x.map(f64::exp);
    let params = BgNbdParams { r: p[0], alpha: p[1], a: p[2], b: p[3] };
    let n = data.n_customers as f64;
    let covariance = covariance_from_hessian(&min.at, &p, n);
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
        log_likelihood: -n * min.at.f,
        n_customers: data.n_customers,
        n_repeat_buyers: data.groups.iter().map(|g| g.ages.len()).sum(),
        iterations: iterations + min.iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Customers on a grid with every kind of x, tₓ = 0 and tₓ = T included.
    fn customers() -> Vec<CustomerSummary> {
        let mut v = Vec::new();
        for i in 0..300 {
            let x = [0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 7.0, 20.0, 90.0][i % 9];
            let age = 1.0 + (i % 37) as f64;
            let rec = if x > 0.0 { age * ((i % 5) as f64 / 4.0) } else { 0.0 };
            v.push(CustomerSummary::new(x, rec, age));
        }
        v
    }

    #[test]
    fn analytic_derivatives_match_finite_differences() {
        let data = Data::new(&customers()).unwrap();
        for theta in [[-1.4, 1.5, -0.2, 0.9], [0.3, -0.5, 0.8, -1.2], [-3.0, 4.0, 2.0, 3.0]] {
            let e = data.eval(&theta);
            for i in 0..4 {
                let h = 1e-5;
                let (mut up, mut down) = (theta, theta);
                up[i] += h;
                down[i] -= h;
                let (eu, ed) = (data.eval(&up), data.eval(&down));
                let g = (eu.f - ed.f) / (2.0 * h);
                assert!((g - e.g[i]).abs() < 1e-6 * (1.0 + g.abs()), "g[{i}] at {theta:?}: {g} vs {}", e.g[i]);
                for j in 0..4 {
                    let hij = (eu.g[j] - ed.g[j]) / (2.0 * h);
                    assert!(
                        (hij - e.h[i][j]).abs() < 1e-6 * (1.0 + hij.abs()),
                        "h[{i}][{j}] at {theta:?}: {hij} vs {}",
                        e.h[i][j]
                    );
                }
            }
            // The value agrees with the per-customer form.
            let p = theta.map(f64::exp);
            let params = BgNbdParams { r: p[0], alpha: p[1], a: p[2], b: p[3] };
            let direct: f64 = customers().iter().map(|c| customer_ll(&params, c.frequency, c.recency, c.age)).sum();
            assert!((direct + e.f * 300.0).abs() < 1e-9 * direct.abs(), "{direct} vs {}", -e.f * 300.0);
        }
    }

    #[test]
    fn gamma_terms_walk_and_jump_agree() {
        let (r, a, b) = (0.3, 0.8, 2.5);
        let mut walk = GammaTerms::new(r, a, b);
        walk.advance_to(60.0);
        let mut jump = GammaTerms::new(r, a, b);
        jump.advance_to(65.0 + WALK_LIMIT);
        let mut walk2 = GammaTerms::new(r, a, b);
        for x in 1..=(65 + WALK_LIMIT as usize) {
            walk2.advance_to(x as f64);
        }
        assert!((jump.ln - walk2.ln).abs() < 1e-11 * walk2.ln.abs());
        for k in 0..3 {
            assert!((jump.inv[k] - walk2.inv[k]).abs() < 1e-12 * walk2.inv[k].abs());
            assert!((jump.inv2[k] - walk2.inv2[k]).abs() < 1e-12 * walk2.inv2[k].abs());
        }
        let x: f64 = 60.0;
        let direct =
            ln_gamma(r + x) - ln_gamma(r) + ln_gamma(b + x) - ln_gamma(b) - ln_gamma(a + b + x) + ln_gamma(a + b);
        assert!((walk.ln - direct).abs() < 1e-12 * direct.abs());
    }
}
