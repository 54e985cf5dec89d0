//! Unconstrained minimisation (BFGS with a backtracking line search) and a
//! numerical Hessian, for the small maximum-likelihood problems of the models.

// Small dense matrices read most clearly with explicit indices.
#![allow(clippy::needless_range_loop)]

use super::error::{Error, Result};

/// Settings of a maximum-likelihood fit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct FitOptions {
    /// Most quasi-Newton iterations of one run.
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

/// Outcome of a successful minimisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Minimum<const N: usize> {
    pub x: [f64; N],
    pub f: f64,
    pub iterations: u64,
}

/// Log-parameters beyond this magnitude mean a parameter runs off to 0 or ∞.
const THETA_LIMIT: f64 = 30.0;

/// A stalled run with a log-parameter beyond this is reported as drifting.
const DRIFT_LIMIT: f64 = 12.0;

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

/// Minimises `f` by BFGS. `f(x, Some(g))` must return the value and write
/// the gradient; `f(x, None)` the value only (not used at present). A
/// non-finite value counts as +∞. `names` name the coordinates for error messages.
pub(crate) fn bfgs<const N: usize, F>(
    mut f: F,
    x0: [f64; N],
    opts: &FitOptions,
    names: &[&str; N],
) -> Result<Minimum<N>>
where
    F: FnMut(&[f64; N], Option<&mut [f64; N]>) -> f64,
{
    let mut x = x0;
    let mut g = [0.0; N];
    let mut fx = f(&x, Some(&mut g));
    if !fx.is_finite() || g.iter().any(|v| !v.is_finite()) {
        return Err(Error::not_converged(0, "the log-likelihood is not finite at the starting point"));
    }
    let mut h = identity::<N>();
    let mut fresh = true; // h is the identity
    let mut iterations: u64 = 0;
    let mut stalled = 0u32;
    while iterations < u64::from(opts.max_iterations) {
        if max_abs(&g) <= opts.gradient_tolerance {
            return Ok(Minimum { x, f: fx, iterations });
        }
        iterations += 1;
        // Search direction d = -H g.
        let mut d = [0.0; N];
        for i in 0..N {
            d[i] = -(0..N).map(|j| h[i][j] * g[j]).sum::<f64>();
        }
        let mut slope = dot(&d, &g);
        if slope >= 0.0 {
            h = identity::<N>();
            fresh = true;
            for i in 0..N {
                d[i] = -g[i];
            }
            slope = dot(&d, &g);
        }
        // Keep steps with a fresh (unscaled) matrix to at most 1 in log space.
        let mut step = if fresh { (1.0 / max_abs(&d)).min(1.0) } else { 1.0 };
        // Each trial point is evaluated with its gradient, which costs little
        // more than the value alone and saves a second pass once accepted.
        let mut accepted = None;
        for _ in 0..60 {
            let mut xn = [0.0; N];
            for i in 0..N {
                xn[i] = x[i] + step * d[i];
            }
            let mut gn = [0.0; N];
            let fnew = f(&xn, Some(&mut gn));
            if fnew.is_finite() && fnew <= fx + 1e-4 * step * slope {
                accepted = Some((xn, fnew, gn));
                break;
            }
            step *= 0.5;
        }
        let Some((xn, fnew, gn)) = accepted else {
            if !fresh {
                h = identity::<N>();
                fresh = true;
                continue;
            }
            if max_abs(&g) <= opts.gradient_tolerance.max(1e-6) {
                // At the floating-point floor of the objective.
                return Ok(Minimum { x, f: fx, iterations });
            }
            return Err(Error::not_converged(iterations, "the line search found no decrease"));
        };
        if gn.iter().any(|v| !v.is_finite()) {
            return Err(Error::not_converged(iterations, "the gradient is not finite"));
        }
        let mut s = [0.0; N];
        let mut y = [0.0; N];
        for i in 0..N {
            s[i] = xn[i] - x[i];
            y[i] = gn[i] - g[i];
        }
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() && sy > 0.0 {
            if fresh {
                let scale = sy / dot(&y, &y);
                for row in h.iter_mut() {
                    for v in row.iter_mut() {
                        *v *= scale;
                    }
                }
            }
            bfgs_update(&mut h, &s, &y, sy);
            fresh = false;
        }
        if fx - fnew <= 1e-15 * fx.abs().max(1.0) {
            stalled += 1;
        } else {
            stalled = 0;
        }
        x = xn;
        g = gn;
        fx = fnew;
        if stalled >= 5 {
            // No progress: either a parameter drifts along a flat ridge
            // towards 0 or ∞, or the objective is at its rounding floor.
            if let Some(i) = (0..N).find(|&i| x[i].abs() > DRIFT_LIMIT) {
                return Err(drift_error(iterations, names[i], x[i]));
            }
            if max_abs(&g) <= opts.gradient_tolerance.max(1e-6) {
                return Ok(Minimum { x, f: fx, iterations });
            }
            return Err(Error::not_converged(iterations, format!("no progress with gradient {:.3e}", max_abs(&g))));
        }
        if let Some(i) = (0..N).find(|&i| x[i].abs() > THETA_LIMIT) {
            return Err(drift_error(iterations, names[i], x[i]));
        }
    }
    if max_abs(&g) <= opts.gradient_tolerance {
        return Ok(Minimum { x, f: fx, iterations });
    }
    Err(Error::not_converged(
        iterations,
        format!("gradient {:.3e} above tolerance after the iteration limit", max_abs(&g)),
    ))
}

fn identity<const N: usize>() -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for (i, row) in h.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    h
}

/// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(sᵀy).
fn bfgs_update<const N: usize>(h: &mut [[f64; N]; N], s: &[f64; N], y: &[f64; N], sy: f64) {
    let rho = 1.0 / sy;
    let mut hy = [0.0; N];
    for i in 0..N {
        hy[i] = (0..N).map(|j| h[i][j] * y[j]).sum();
    }
    let yhy = dot(y, &hy);
    for i in 0..N {
        for j in 0..N {
            h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j];
        }
    }
}

/// Runs [`bfgs`] from each starting point in turn until one converges,
/// trying at most `1 + opts.restarts` points. Returns the first success or
/// the last error.
pub(crate) fn minimize_with_restarts<const N: usize, F>(
    mut f: F,
    starts: &[[f64; N]],
    opts: &FitOptions,
    names: &[&str; N],
) -> Result<Minimum<N>>
where
    F: FnMut(&[f64; N], Option<&mut [f64; N]>) -> f64,
{
    let tries = starts.len().min(opts.restarts as usize + 1);
    let mut last = Error::no_data("no starting point");
    let mut total_iterations = 0u64;
    for start in starts.iter().take(tries) {
        match bfgs(&mut f, *start, opts, names) {
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

/// Covariance matrix from the observed information: the inverse of minus
/// the Hessian of the total log-likelihood, the Hessian taken by central
/// differences of the analytic gradient `grad` (in natural parameters).
/// `None` when the Hessian is not negative definite.
pub(crate) fn covariance_from_gradient<const N: usize, G>(mut grad: G, at: [f64; N]) -> Option<[[f64; N]; N]>
where
    G: FnMut(&[f64; N]) -> Option<[f64; N]>,
{
    let mut info = [[0.0; N]; N];
    for j in 0..N {
        let hstep = 1e-5 * at[j].abs().max(1e-8);
        let mut up = at;
        let mut down = at;
        up[j] += hstep;
        down[j] -= hstep;
        let gu = grad(&up)?;
        let gd = grad(&down)?;
        for i in 0..N {
            // information = minus the Hessian of the log-likelihood
            info[i][j] = -(gu[i] - gd[i]) / (2.0 * hstep);
        }
    }
    for i in 0..N {
        for j in 0..i {
            let m = 0.5 * (info[i][j] + info[j][i]);
            info[i][j] = m;
            info[j][i] = m;
        }
    }
    let cov = invert_spd(&info)?;
    if cov.iter().flatten().all(|v| v.is_finite()) { Some(cov) } else { None }
}

/// Inverse of a symmetric positive-definite matrix by Cholesky; `None` when
/// the matrix is not positive definite.
fn invert_spd<const N: usize>(m: &[[f64; N]; N]) -> Option<[[f64; N]; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let s: f64 = m[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    // Solve L Lᵀ X = I column by column.
    let mut inv = [[0.0; N]; N];
    for col in 0..N {
        let mut y = [0.0; N];
        for i in 0..N {
            let e = if i == col { 1.0 } else { 0.0 };
            y[i] = (e - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
        }
        let mut x = [0.0; N];
        for i in (0..N).rev() {
            x[i] = (y[i] - (i + 1..N).map(|k| l[k][i] * x[k]).sum::<f64>()) / l[i][i];
        }
        for i in 0..N {
            inv[i][col] = x[i];
        }
    }
    Some(inv)
}
