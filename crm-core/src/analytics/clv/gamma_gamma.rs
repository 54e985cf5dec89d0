//! The Gamma-Gamma model of average spend per transaction (Fader, Hardie &
//! Lee 2005, "RFM and CLV: using iso-value curves for customer base
//! analysis"; Fader & Hardie's note "The Gamma-Gamma model of monetary
//! value").

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::optimize::{FitOptions, covariance_from_gradient, minimize_with_restarts};
use super::special::{digamma, ln_gamma};

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

    pub(crate) fn validate(&self, prefix: &str) -> Result<()> {
        let field = |f: &str| format!("{prefix}.{f}");
        if !self.frequency.is_finite() || self.frequency < 0.0 || self.frequency.fract() != 0.0 {
            return Err(Error::validation(
                field("frequency"),
                format!("must be a non-negative whole number, got {}", self.frequency),
            ));
        }
        if !self.mean_spend.is_finite() || self.mean_spend < 0.0 {
            return Err(Error::validation(
                field("mean_spend"),
                format!("must be non-negative and finite, got {}", self.mean_spend),
            ));
        }
        if self.frequency > 0.0 && self.mean_spend == 0.0 {
            return Err(Error::validation(
                field("mean_spend"),
                "must be positive for a customer with repeat purchases",
            ));
        }
        Ok(())
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
    /// Quasi-Newton iterations used, over all starting points.
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

/// Repeat buyers grouped by x.
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
    /// x·z̄ per customer
    xm: Vec<f64>,
}

impl Data {
    fn mean_nll(&self, theta: &[f64; 3], grad: &mut [f64; 3], want_grad: bool) -> f64 {
        let p = theta[0].exp();
        let q = theta[1].exp();
        let v = theta[2].exp();
        let ln_v = v.ln();
        let lg_q = ln_gamma(q);
        let dg_q = if want_grad { digamma(q) } else { 0.0 };
        let mut ll = 0.0;
        let (mut dp, mut dq, mut dv) = (0.0, 0.0, 0.0);
        for g in &self.groups {
            let x = g.x;
            let px = p * x;
            let w = g.weight;
            ll += w * (ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_v + px * g.ln_x) + (px - 1.0) * g.sum_ln_m;
            let mut s_ln = 0.0;
            let mut s_inv = 0.0;
            for &xm in &g.xm {
                let u = xm + v;
                s_ln += u.ln();
                if want_grad {
                    s_inv += 1.0 / u;
                }
            }
            ll -= (px + q) * s_ln;
            if want_grad {
                let dg_pxq = digamma(px + q);
                dp += w * x * (dg_pxq - digamma(px) + g.ln_x) + x * g.sum_ln_m - x * s_ln;
                dq += w * (dg_pxq - dg_q + ln_v) - s_ln;
                dv += w * q / v - (px + q) * s_inv;
            }
        }
        if want_grad {
            grad[0] = -dp * p / self.n;
            grad[1] = -dq * q / self.n;
            grad[2] = -dv * v / self.n;
        }
        -ll / self.n
    }
}

/// Fits the Gamma-Gamma model by maximum likelihood over the repeat buyers
/// (customers with x > 0; the others carry no information on spend and are
/// skipped), by BFGS over the log-parameters with the analytic gradient.
///
/// # Errors
/// [`Error::NoData`] for an empty slice or no repeat buyer;
/// [`Error::Validation`] for a bad summary, named with its index;
/// [`Error::NotConverged`] when no run converges (for instance when every
/// repeat buyer has the same mean spend and q runs off to infinity).
pub fn fit_gamma_gamma(spends: &[SpendSummary], options: &FitOptions) -> Result<GammaGammaFit> {
    if spends.is_empty() {
        return Err(Error::no_data("no customers"));
    }
    for (i, s) in spends.iter().enumerate() {
        s.validate(&format!("spends[{i}]"))?;
    }
    let mut buyers: Vec<(f64, f64)> =
        spends.iter().filter(|s| s.frequency > 0.0).map(|s| (s.frequency, s.mean_spend)).collect();
    if buyers.is_empty() {
        return Err(Error::no_data("no repeat buyer; the Gamma-Gamma model cannot be fitted"));
    }
    buyers.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut groups: Vec<Group> = Vec::new();
    for &(x, m) in &buyers {
        if groups.last().is_none_or(|g| g.x != x) {
            groups.push(Group { x, ln_x: x.ln(), weight: 0.0, sum_ln_m: 0.0, xm: Vec::new() });
        }
        if let Some(g) = groups.last_mut() {
            g.weight += 1.0;
            g.sum_ln_m += m.ln();
            g.xm.push(x * m);
        }
    }
    let n = buyers.len() as f64;
    let data = Data { groups, n };
    let mean_m = buyers.iter().map(|b| b.1).sum::<f64>() / n;
    // Start at p = 1, q = 2 and γ matching the mean spend p γ/(q − 1).
    let starts: Vec<[f64; 3]> =
        [[1.0, 2.0, mean_m], [5.0, 3.0, 2.5 * mean_m], [0.5, 1.5, 0.25 * mean_m], [20.0, 10.0, 0.5 * mean_m]]
            .iter()
            .map(|s| s.map(f64::ln))
            .collect();
    let mut scratch = [0.0; 3];
    let min = minimize_with_restarts(
        |th: &[f64; 3], g: Option<&mut [f64; 3]>| match g {
            Some(g) => data.mean_nll(th, g, true),
            None => data.mean_nll(th, &mut scratch, false),
        },
        &starts,
        options,
        &NAMES,
    )?;
    let params = GammaGammaParams { p: min.x[0].exp(), q: min.x[1].exp(), gamma: min.x[2].exp() };
    let covariance = covariance_from_gradient(
        |s: &[f64; 3]| {
            if s.iter().any(|v| *v <= 0.0) {
                return None;
            }
            let th = s.map(f64::ln);
            let mut g = [0.0; 3];
            data.mean_nll(&th, &mut g, true);
            Some([0, 1, 2].map(|i| -n * g[i] / s[i]))
        },
        [params.p, params.q, params.gamma],
    );
    let standard_errors =
        covariance.map(|c| GammaGammaStandardErrors { p: c[0][0].sqrt(), q: c[1][1].sqrt(), gamma: c[2][2].sqrt() });
    Ok(GammaGammaFit {
        params,
        standard_errors,
        covariance,
        log_likelihood: -n * min.f,
        n_customers: buyers.len(),
        iterations: min.iterations,
    })
}
