//! Unconstrained minimisation (Newton's method with a backtracking line
//! search) and the covariance matrix from the Hessian, for the small
//! maximum-likelihood problems of the models.

// Small dense matrices read most clearly with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::error::{Error, Result};

/// Settings of a maximum-likelihood fit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct FitOptions {
    /// Most Newton iterations of one run.
    pub max_iterations: u32,
    /// Convergence threshold on the largest gradient component of the mean
    /// negative log-likelihood with respect to the log-parameters.
    pub gradient_tolerance: f64,
    /// How many further starting points are tried when a run fails.
    pub restarts: u32,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions { max_iterations: 500, gradient_tolerance: 1e-8, restarts: 3 }
    }
}

/// The objective at one point: its value, gradient and Hessian. A
/// non-finite value counts as +∞.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Eval<const N: usize> {
    pub f: f64,
    pub g: [f64; N],
    pub h: [[f64; N]; N],
}

impl<const N: usize> Eval<N> {
    fn is_finite(&self) -> bool {
        self.f.is_finite() && self.g.iter().chain(self.h.iter().flatten()).all(|v| v.is_finite())
    }
}

/// Outcome of a successful minimisation: the point, and the objective there.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Minimum<const N: usize> {
    pub x: [f64; N],
    pub at: Eval<N>,
    pub iterations: u64,
}

/// Log-parameters beyond this magnitude mean a parameter runs off to 0 or ∞.
const THETA_LIMIT: f64 = 30.0;

/// A stalled run with a log-parameter beyond this is reported as drifting.
const DRIFT_LIMIT: f64 = 12.0;

/// Longest step (largest component, in log-parameters) of one iteration.
const MAX_STEP: f64 = 2.0;

/// A point with a small gradient is the minimum only when the Newton step
/// from it is also shorter than this in every log-parameter: along a ridge
/// on which a parameter runs off to 0 or ∞ the gradient vanishes but the
/// step does not (it tends to a constant, ±1 for a tail like e^{−θ}).
const STEP_TOLERANCE: f64 = 1e-3;

/// Relative size of the rounding noise of the objective: near the minimum a
/// step that lowers the gradient is accepted when the value rises by less.
const NOISE: f64 = 1e-12;

fn drift_error(iterations: u64, name: &str, theta: f64) -> Error {
    Error::not_converged(
        iterations,
        format!(
            "parameter {name} runs off to {} (the data do not identify it)",
            if theta > 0.0 { "infinity" } else { "zero" }
        ),
    )
}

fn dot<const N: usize>(a: &[f64; N], b: &[f64; N]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs<const N: usize>(a: &[f64; N]) -> f64 {
    a.iter().fold(0.0, |m, v| m.max(v.abs()))
}

/// The Newton direction −H⁻¹g, with H first shifted by a multiple of the
/// identity when it is not positive definite (far from the minimum); the
/// steepest-descent direction −g when no shift helps.
fn newton_direction<const N: usize>(h: &[[f64; N]; N], g: &[f64; N]) -> [f64; N] {
    let scale = (0..N).fold(0.0_f64, |m, i| m.max(h[i][i].abs())).max(1e-12);
    let mut shift = 0.0;
    for _ in 0..40 {
        let mut m = *h;
        for i in 0..N {
            m[i][i] += shift;
        }
        if let Some(l) = cholesky(&m) {
            let d = cholesky_solve(&l, g).map(|v| -v);
            if d.iter().all(|v| v.is_finite()) {
                return d;
            }
        }
        shift = if shift == 0.0 { 1e-6 * scale } else { shift * 10.0 };
    }
    g.map(|v| -v)
}

/// Minimises `f` by Newton's method from `x0`: each step solves with the
/// Hessian (shifted towards the identity where it is not positive
/// definite), is capped at [`MAX_STEP`] and is shortened until the value
/// decreases enough. Converges when the largest gradient component is at
/// most `opts.gradient_tolerance`. `names` name the coordinates for error
/// messages.
pub(crate) fn newton<const N: usize, F>(
    mut f: F,
    x0: [f64; N],
    opts: &FitOptions,
    names: &[&str; N],
) -> Result<Minimum<N>>
where
    F: FnMut(&[f64; N]) -> Eval<N>,
{
    let mut x = x0;
    let mut e = f(&x);
    if !e.is_finite() {
        return Err(Error::not_converged(0, "the log-likelihood is not finite at the starting point"));
    }
    let mut iterations: u64 = 0;
    let mut stalled = 0u32;
    while iterations < u64::from(opts.max_iterations) {
        let gmax = max_abs(&e.g);
        let mut d = newton_direction(&e.h, &e.g);
        if gmax <= opts.gradient_tolerance && max_abs(&d) <= STEP_TOLERANCE {
            return Ok(Minimum { x, at: e, iterations });
        }
        iterations += 1;
        let mut slope = dot(&d, &e.g);
        if slope.is_nan() || slope >= 0.0 {
            d = e.g.map(|v| -v);
            slope = dot(&d, &e.g);
        }
        let longest = max_abs(&d);
        if longest > MAX_STEP {
            let k = MAX_STEP / longest;
            d = d.map(|v| v * k);
            slope *= k;
        }
        let mut step = 1.0;
        let mut accepted = None;
        for _ in 0..60 {
            let mut xn = x;
            for i in 0..N {
                xn[i] += step * d[i];
            }
            let en = f(&xn);
            if en.is_finite()
                && (en.f <= e.f + 1e-4 * step * slope
                    || en.f <= e.f + NOISE * e.f.abs().max(1.0) && max_abs(&en.g) < 0.5 * gmax)
            {
                accepted = Some((xn, en));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, en)) = accepted else {
            return at_floor(x, e, iterations, opts, names)
                .unwrap_or_else(|| Err(Error::not_converged(iterations, "the line search found no decrease")));
        };
        if e.f - en.f <= 1e-15 * e.f.abs().max(1.0) {
            stalled += 1;
        } else {
            stalled = 0;
        }
        x = xn;
        e = en;
        if stalled >= 5 {
            // No progress: either a parameter drifts along a flat ridge
            // towards 0 or ∞, or the objective is at its rounding floor.
            if let Some(i) = (0..N).find(|&i| x[i].abs() > DRIFT_LIMIT) {
                return Err(drift_error(iterations, names[i], x[i]));
            }
            let gmax = max_abs(&e.g);
            return at_floor(x, e, iterations, opts, names).unwrap_or_else(|| {
                Err(Error::not_converged(iterations, format!("no progress with gradient {gmax:.3e}")))
            });
        }
        if let Some(i) = (0..N).find(|&i| x[i].abs() > THETA_LIMIT) {
            return Err(drift_error(iterations, names[i], x[i]));
        }
    }
    let d = newton_direction(&e.h, &e.g);
    if max_abs(&e.g) <= opts.gradient_tolerance && max_abs(&d) <= STEP_TOLERANCE {
        return Ok(Minimum { x, at: e, iterations });
    }
    Err(Error::not_converged(
        iterations,
        format!(
            "gradient {:.3e} and Newton step {:.3e} above tolerance after the iteration limit",
            max_abs(&e.g),
            max_abs(&d)
        ),
    ))
}

/// Where no step makes progress: `Some(Ok)` when the point is the minimum
/// as far as rounding lets the objective tell (a gradient within 10⁻⁶ and a
/// short Newton step), `Some(Err)` naming the parameter that runs off when
/// the gradient vanishes but the Newton step stays long, `None` otherwise.
fn at_floor<const N: usize>(
    x: [f64; N],
    e: Eval<N>,
    iterations: u64,
    opts: &FitOptions,
    names: &[&str; N],
) -> Option<Result<Minimum<N>>> {
    if max_abs(&e.g) > opts.gradient_tolerance.max(1e-6) {
        return None;
    }
    let d = newton_direction(&e.h, &e.g);
    if max_abs(&d) <= STEP_TOLERANCE {
        return Some(Ok(Minimum { x, at: e, iterations }));
    }
    let i = (0..N).fold(0, |m, i| if d[i].abs() > d[m].abs() { i } else { m });
    Some(Err(drift_error(iterations, names[i], d[i])))
}

/// Runs [`newton`] from each starting point in turn until one converges,
/// trying at most `1 + opts.restarts` points. Returns the first success or
/// the last error; the iterations of failed runs are added to the count.
pub(crate) fn minimize_with_restarts<const N: usize, F>(
    mut f: F,
    starts: &[[f64; N]],
    opts: &FitOptions,
    names: &[&str; N],
) -> Result<Minimum<N>>
where
    F: FnMut(&[f64; N]) -> Eval<N>,
{
    let tries = starts.len().min(opts.restarts as usize + 1);
    let mut last = Error::no_data("no starting point");
    let mut total_iterations = 0u64;
    for start in starts.iter().take(tries) {
        match newton(&mut f, *start, opts, names) {
            Ok(mut m) => {
                m.iterations += total_iterations;
                return Ok(m);
            }
            Err(e) => {
                if let Error::NotConverged { iterations, .. } = &e {
                    total_iterations += iterations;
                }
                last = e;
            }
        }
    }
    Err(last)
}

/// Covariance matrix of the natural parameters `p` = exp(θ) from the
/// observed information, the inverse of minus the Hessian of the total
/// log-likelihood. `at` holds the mean negative log-likelihood of `n`
/// observations with its analytic gradient and Hessian in θ; the chain rule
/// gives the information in p as n (H − diag g)ᵢⱼ / (pᵢ pⱼ). `None` when it
/// is not positive definite.
pub(crate) fn covariance_from_hessian<const N: usize>(at: &Eval<N>, p: &[f64; N], n: f64) -> Option<[[f64; N]; N]> {
    let mut info = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..N {
            let h = 0.5 * (at.h[i][j] + at.h[j][i]) - if i == j { at.g[i] } else { 0.0 };
            info[i][j] = n * h / (p[i] * p[j]);
        }
    }
    let cov = invert_spd(&info)?;
    if cov.iter().flatten().all(|v| v.is_finite()) { Some(cov) } else { None }
}

/// The lower Cholesky factor of a symmetric matrix; `None` when it is not
/// positive definite.
fn cholesky<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s: f64 = m[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Solves L Lᵀ x = b.
fn cholesky_solve<const N: usize>(l: &[[f64; N]; N], b: &[f64; N]) -> [f64; N] {
    let mut y = [0.0; N];
    for i in 0..N {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        x[i] = (y[i] - (i + 1..N).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
    }
    x
}

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` when
/// the matrix is not positive definite.
fn invert_spd<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let l = cholesky(m)?;
    let mut inv = [[0.0; N]; N];
    for col in 0..N {
        let mut e = [0.0; N];
        e[col] = 1.0;
        let x = cholesky_solve(&l, &e);
        for i in 0..N {
            inv[i][col] = x[i];
        }
    }
    Some(inv)
}
