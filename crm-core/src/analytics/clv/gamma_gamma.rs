//! The Gamma-Gamma model of average spend per transaction (Fader, Hardie &
//! Lee 2005, "RFM and CLV: using iso-value curves for customer base
//! analysis"; Fader & Hardie's note "The Gamma-Gamma model of monetary
//! value").

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::Checked;
use super::bgnbd::is_whole;
use super::error::{Error, Result};
use super::optimize::{Eval, FitOptions, covariance_from_hessian, minimize_with_restarts};
use super::special::{digamma, ln_gamma, sum_ln_block, trigamma};

/// One customer's spend summary: the number of repeat purchases x and their
/// mean value z̄.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct SpendSummary {
    /// x: the number of repeat purchases (a non-negative integer).
    pub frequency: f64,
    /// z̄: the mean value of the repeat purchases (positive when x > 0;
    /// ignored when x = 0).
    pub mean_spend: f64,
}

impl SpendSummary {
    /// A spend summary from x and z̄ (not validated here).
    pub fn new(frequency: f64, mean_spend: f64) -> Self {
        SpendSummary { frequency, mean_spend }
    }
}

impl Checked for SpendSummary {
    /// Whether the summary is valid: a finite whole x ≥ 0 and a finite
    /// z̄ ≥ 0, positive when x > 0.
    #[inline(always)]
    #[allow(clippy::manual_range_contains)] // `contains` short-circuits
    fn is_valid(&self) -> bool {
        let (x, m) = (self.frequency, self.mean_spend);
        // Non-short-circuit operators: no branch to mispredict.
        (x >= 0.0) & (x < f64::INFINITY) & is_whole(x) & (m >= 0.0) & (m < f64::INFINITY) & ((x == 0.0) | (m > 0.0))
    }

    /// The first bad field and why, if any.
    #[cold]
    fn problem(&self) -> Option<(&'static str, String)> {
        let (x, m) = (self.frequency, self.mean_spend);
        if self.is_valid() {
            return None;
        }
        if !x.is_finite() || x < 0.0 || !is_whole(x) {
            return Some(("frequency", format!("must be a non-negative whole number, got {x}")));
        }
        if !m.is_finite() || m < 0.0 {
            return Some(("mean_spend", format!("must be non-negative and finite, got {m}")));
        }
        if x > 0.0 && m == 0.0 {
            return Some(("mean_spend", "must be positive for a customer with repeat purchases".to_string()));
        }
        None
    }
}

/// Parameters of the Gamma-Gamma model: each transaction value is
/// Gamma(p, ν) (shape p, rate ν) and ν ~ Gamma(q, γ) across customers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct GammaGammaParams {
    /// Shape p of the transaction values.
    pub p: f64,
    /// Shape q of the distribution of ν.
    pub q: f64,
    /// Rate γ of the distribution of ν (in the currency unit).
    pub gamma: f64,
}

/// Standard errors of fitted Gamma-Gamma parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct GammaGammaStandardErrors {
    /// Standard error of p.
    pub p: f64,
    /// Standard error of q.
    pub q: f64,
    /// Standard error of γ.
    pub gamma: f64,
}

/// A fitted Gamma-Gamma model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct GammaGammaFit {
    /// Maximum-likelihood estimates.
    pub params: GammaGammaParams,
    /// Standard errors from the observed information; `None` when the
    /// Hessian at the optimum is not negative definite.
    pub standard_errors: Option<GammaGammaStandardErrors>,
    /// Covariance matrix of (p, q, γ), when available.
    pub covariance: Option<[[f64; 3]; 3]>,
    /// Total log-likelihood at the optimum.
    pub log_likelihood: f64,
    /// Number of repeat buyers fitted (customers with x = 0 are skipped).
    pub n_customers: usize,
    /// Newton iterations used, over all starting points (and over the fit
    /// on a sample that starts the fit of a large input).
    pub iterations: u64,
}

const NAMES: [&str; 3] = ["p", "q", "gamma"];

fn check_positive(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(Error::validation(name, format!("must be positive and finite, got {v}")))
    }
}

impl GammaGammaParams {
    /// Parameters after checking that each is positive and finite.
    ///
    /// # Errors
    /// [`Error::Validation`] naming the first bad parameter.
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self> {
        let s = GammaGammaParams { p, q, gamma };
        s.validate()?;
        Ok(s)
    }

    fn validate(&self) -> Result<()> {
        check_positive("p", self.p)?;
        check_positive("q", self.q)?;
        check_positive("gamma", self.gamma)
    }

    /// Log-likelihood of one repeat buyer's (x, z̄):
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x
    /// − (px+q) ln(x z̄ + γ).
    ///
    /// # Errors
    /// [`Error::Validation`] for bad parameters, a bad summary or x = 0.
    pub fn log_likelihood(&self, spend: &SpendSummary) -> Result<f64> {
        self.validate()?;
        spend.validate("spend")?;
        if spend.frequency == 0.0 {
            return Err(Error::validation(
                "spend.frequency",
                "the spend likelihood needs at least one repeat purchase",
            ));
        }
        let GammaGammaParams { p, q, gamma } = *self;
        let (x, m) = (spend.frequency, spend.mean_spend);
        let px = p * x;
        Ok(ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q) + q * gamma.ln() + (px - 1.0) * m.ln() + px * x.ln()
            - (px + q) * (x * m + gamma).ln())
    }

    /// The mean spend per transaction of the population, p γ / (q − 1).
    ///
    /// # Errors
    /// [`Error::Validation`] on `q` when q ≤ 1 (the mean is infinite).
    pub fn expected_average_spend(&self) -> Result<f64> {
        self.validate()?;
        if self.q <= 1.0 {
            return Err(Error::validation(
                "q",
                format!("must exceed 1 for the mean spend to be finite, got {}", self.q),
            ));
        }
        Ok(self.p * self.gamma / (self.q - 1.0))
    }

    /// E[Z | x, z̄]: the expected average spend per transaction of a customer
    /// with x repeat purchases of mean value z̄,
    /// p (γ + x z̄) / (p x + q − 1), a weighted mean of the population mean
    /// and z̄. For x = 0 it is the population mean p γ / (q − 1).
    ///
    /// # Errors
    /// [`Error::Validation`] for bad parameters, a bad summary, or q ≤ 1.
    pub fn conditional_expected_average_spend(&self, spend: &SpendSummary) -> Result<f64> {
        self.validate()?;
        spend.validate("spend")?;
        self.expected_average_spend()?;
        let GammaGammaParams { p, q, gamma } = *self;
        let (x, m) = (spend.frequency, spend.mean_spend);
        if x == 0.0 {
            return Ok(p * gamma / (q - 1.0));
        }
        Ok(p * (gamma + x * m) / (p * x + q - 1.0))
    }
}

/// Repeat buyers grouped by x, in increasing x.
struct Data {
    groups: Vec<Group>,
    n: f64,
}

struct Group {
    x: f64,
    ln_x: f64,
    weight: f64,
    /// Σ ln z̄ over the group
    sum_ln_m: f64,
    /// x·z̄ of each buyer
    xm: Vec<f64>,
}

impl Group {
    fn new(x: f64, xm: Vec<f64>) -> Self {
        let (ln_x, weight) = (x.ln(), xm.len() as f64);
        // Σ ln z̄ = Σ ln(x z̄) − n ln x
        let sum_ln_m = sum_ln(&xm) - weight * ln_x;
        Group { x, ln_x, weight, sum_ln_m, xm }
    }
}

impl Data {
    /// Validates the summaries and groups the repeat buyers by x; errors
    /// name the first bad summary by its index.
    fn new(spends: &[SpendSummary]) -> Result<Self> {
        if spends.is_empty() {
            return Err(Error::no_data("no customers"));
        }
        // One pass: validate each summary and append x·z̄ to the column of
        // its x, found through a table indexed by x (a map beyond `limit`).
        // x = 0 has a column too, dropped afterwards, which keeps the loop
        // free of branches.
        let limit = (4 * spends.len()).max(1024) as f64;
        let mut slot_of_x: Vec<usize> = vec![usize::MAX; 64];
        let mut large_x: HashMap<u64, usize> = HashMap::new();
        let mut cols: Vec<(f64, Vec<f64>)> = Vec::new();
        for (i, s) in spends.iter().enumerate() {
            s.validate_at("spends", i)?;
            let x = s.frequency;
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
                cols.push((x, Vec::new()));
            }
            cols[*slot].1.push(x * s.mean_spend);
        }
        cols.retain(|c| c.0 > 0.0);
        if cols.is_empty() {
            return Err(Error::no_data("no repeat buyer; the Gamma-Gamma model cannot be fitted"));
        }
        cols.sort_by(|p, q| p.0.total_cmp(&q.0));
        let groups: Vec<Group> = cols.into_iter().map(|(x, xm)| Group::new(x, xm)).collect();
        let n = groups.iter().map(|g| g.weight).sum();
        Ok(Data { groups, n })
    }

    fn n_buyers(&self) -> usize {
        self.n as usize
    }

    /// A systematic sample of every `step`-th repeat buyer in the order of
    /// x, for a quick first fit.
    fn sample(&self, step: usize) -> Data {
        let mut groups = Vec::new();
        let mut seen = 0;
        for g in &self.groups {
            // Continue the stride across groups.
            let first = (step - seen % step) % step;
            seen += g.xm.len();
            if first < g.xm.len() {
                groups.push(Group::new(g.x, g.xm.iter().skip(first).step_by(step).copied().collect()));
            }
        }
        let n = groups.iter().map(|g| g.weight).sum();
        Data { groups, n }
    }

    /// The mean negative log-likelihood at log-parameters θ = ln(p, q, γ)
    /// with its analytic gradient and Hessian in θ.
    #[allow(clippy::needless_range_loop)]
    fn eval(&self, theta: &[f64; 3]) -> Eval<3> {
        let par = theta.map(f64::exp);
        let [p, q, v] = par;
        let ln_v = v.ln();
        let lg_q = ln_gamma(q);
        let dg_q = digamma(q);
        let tg_q = trigamma(q);
        let mut ll = 0.0;
        // gradient and Hessian of the total log-likelihood in (p, q, γ)
        let mut g = [0.0; 3];
        let mut h = [[0.0; 3]; 3];
        for grp in &self.groups {
            let x = grp.x;
            let px = p * x;
            let w = grp.weight;
            let (s_ln, s_inv, s_inv2) = spend_sums(&grp.xm, v);
            ll += w * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + px * grp.ln_x) + (px - 1.0) * grp.sum_ln_m
                - (px + q) * s_ln;
            let dg_pxq = digamma(px + q);
            let tg_pxq = trigamma(px + q);
            g[0] += w * x * (dg_pxq - digamma(px) + grp.ln_x) + x * grp.sum_ln_m - x * s_ln;
            g[1] += w * (dg_pxq - dg_q + ln_v) - s_ln;
            g[2] += w * q / v - (px + q) * s_inv;
            h[0][0] += w * x * x * (tg_pxq - trigamma(px));
            h[0][1] += w * x * tg_pxq;
            h[0][2] -= x * s_inv;
            h[1][1] += w * (tg_pxq - tg_q);
            h[1][2] += w / v - s_inv;
            h[2][2] += -w * q / (v * v) + (px + q) * s_inv2;
        }
        let n = self.n;
        let mut e = Eval { f: -ll / n, g: [0.0; 3], h: [[0.0; 3]; 3] };
        for i in 0..3 {
            e.g[i] = -par[i] * g[i] / n;
        }
        for i in 0..3 {
            for j in i..3 {
                e.h[i][j] = -par[i] * par[j] * h[i][j] / n;
                e.h[j][i] = e.h[i][j];
            }
            e.h[i][i] += e.g[i];
        }
        e
    }
}

/// Σ ln vᵢ over positive values, eight at a time.
fn sum_ln(values: &[f64]) -> f64 {
    let mut chunks = values.chunks_exact(8);
    let mut total = 0.0;
    for c in chunks.by_ref() {
        let mut b = [1.0; 8];
        b.copy_from_slice(c);
        total += sum_ln_block(&b);
    }
    let mut b = [1.0; 8];
    b[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    total + sum_ln_block(&b)
}

/// Σ ln(x z̄ + γ), Σ 1/(x z̄ + γ) and Σ 1/(x z̄ + γ)² over a group.
fn spend_sums(xm: &[f64], v: f64) -> (f64, f64, f64) {
    let (mut s_ln, mut s_inv, mut s_inv2) = (0.0, 0.0, 0.0);
    let block = |vals: &[f64], s_ln: &mut f64, s_inv: &mut f64, s_inv2: &mut f64| {
        let mut u = [1.0; 8];
        let (mut i1, mut i2) = (0.0, 0.0);
        for (j, &m) in vals.iter().enumerate() {
            u[j] = m + v;
            let i = 1.0 / u[j];
            i1 += i;
            i2 += i * i;
        }
        *s_ln += sum_ln_block(&u);
        *s_inv += i1;
        *s_inv2 += i2;
    };
    let mut chunks = xm.chunks_exact(8);
    for c in chunks.by_ref() {
        block(c, &mut s_ln, &mut s_inv, &mut s_inv2);
    }
    block(chunks.remainder(), &mut s_ln, &mut s_inv, &mut s_inv2);
    (s_ln, s_inv, s_inv2)
}

/// Repeat buyers at or above this count are first fitted on a systematic
/// sample of about [`SAMPLE_SIZE`], whose estimates start the full fit.
const SAMPLE_FROM: usize = 20_000;
const SAMPLE_SIZE: usize = 5_000;

/// Fits the Gamma-Gamma model by maximum likelihood over the repeat buyers
/// (customers with x > 0; the others carry no information on spend and are
/// skipped), by Newton's method over the log-parameters with the analytic
/// gradient and Hessian; the Hessian at the optimum gives the standard
/// errors. The buyers are grouped by x so that the Γ terms are evaluated
/// once per group; each evaluation then costs a division per buyer and a
/// logarithm per eight. From 20,000 repeat buyers on, a fit on a
/// systematic sample of about 5,000 of them provides the starting point.
///
/// # Errors
/// [`Error::NoData`] for an empty slice or no repeat buyer;
/// [`Error::Validation`] for a bad summary, named with its index;
/// [`Error::NotConverged`] when no run converges (for instance when every
/// repeat buyer has the same mean spend and q runs off to infinity).
pub fn fit_gamma_gamma(spends: &[SpendSummary], options: &FitOptions) -> Result<GammaGammaFit> {
    let data = Data::new(spends)?;
    let n = data.n;
    let mean_m = data.groups.iter().map(|g| g.xm.iter().sum::<f64>() / g.x).sum::<f64>() / n;
    // Start at p = 1, q = 2 and γ matching the mean spend p γ/(q − 1).
    let mut starts: Vec<[f64; 3]> =
        [[1.0, 2.0, mean_m], [5.0, 3.0, 2.5 * mean_m], [0.5, 1.5, 0.25 * mean_m], [20.0, 10.0, 0.5 * mean_m]]
            .iter()
            .map(|s| s.map(f64::ln))
            .collect();
    let mut iterations = 0;
    if data.n_buyers() >= SAMPLE_FROM {
        let sample = data.sample(data.n_buyers() / SAMPLE_SIZE);
        let loose = FitOptions { gradient_tolerance: options.gradient_tolerance.max(1e-6), ..*options };
        if let Ok(m) = minimize_with_restarts(|th: &[f64; 3]| sample.eval(th), &starts, &loose, &NAMES) {
            iterations += m.iterations;
            starts.insert(0, m.x);
        }
    }
    let min = minimize_with_restarts(|th: &[f64; 3]| data.eval(th), &starts, options, &NAMES)?;
    let par = min.x.map(f64::exp);
    let params = GammaGammaParams { p: par[0], q: par[1], gamma: par[2] };
    let covariance = covariance_from_hessian(&min.at, &par, n);
    let standard_errors =
        covariance.map(|c| GammaGammaStandardErrors { p: c[0][0].sqrt(), q: c[1][1].sqrt(), gamma: c[2][2].sqrt() });
    Ok(GammaGammaFit {
        params,
        standard_errors,
        covariance,
        log_likelihood: -n * min.at.f,
        n_customers: data.n_buyers(),
        iterations: iterations + min.iterations,
    })
}
