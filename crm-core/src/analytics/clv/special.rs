//! Special functions used by the models: ln Γ, digamma, a stable
//! log-sum-exp and the Gauss hypergeometric function ₂F₁.

use super::error::{Error, Result};

/// Natural logarithm of |Γ(x)|.
///
/// Returns `+∞` at the poles (zero and the negative integers).
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma_r(x).0
}

/// ln|Γ(x)| together with the sign of Γ(x) (`1.0` or `-1.0`).
pub fn ln_gamma_signed(x: f64) -> (f64, f64) {
    let (v, s) = libm::lgamma_r(x);
    (v, if s < 0 { -1.0 } else { 1.0 })
}

/// The digamma function ψ(x) = d/dx ln Γ(x).
///
/// Uses the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic
/// series there; the reflection formula for x < 0. Returns NaN only for a NaN
/// argument and ±∞ at the poles.
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x <= 0.0 {
        if x == x.floor() {
            return f64::INFINITY;
        }
        // ψ(x) = ψ(1 − x) − π cot(πx)
        let pi = std::f64::consts::PI;
        return digamma(1.0 - x) - pi / (pi * x).tan();
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // Bernoulli-number series: 1/12, 1/120, 1/252, 1/240, 1/132, 691/32760.
    let series = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2 * (1.0 / 252.0 - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    acc + x.ln() - 0.5 * inv - series
}

/// The trigamma function ψ′(x) = d²/dx² ln Γ(x).
///
/// Uses the recurrence ψ′(x) = ψ′(x + 1) + 1/x² up to x ≥ 10 and the
/// asymptotic series there; the reflection formula for x < 0. Returns NaN
/// only for a NaN argument and +∞ at the poles.
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() || x == f64::NEG_INFINITY {
        return f64::NAN;
    }
    if x <= 0.0 {
        if x == x.floor() {
            return f64::INFINITY;
        }
        // ψ′(x) = π² / sin²(πx) − ψ′(1 − x)
        let pi = std::f64::consts::PI;
        let s = (pi * x).sin();
        return pi * pi / (s * s) - trigamma(1.0 - x);
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    // 1/x + 1/(2x²) + Σ B₂ₖ / x^(2k+1): 1/6, −1/30, 1/42, −1/30, 5/66, −691/2730, 7/6.
    let series = inv2
        * (1.0 / 6.0
            - inv2
                * (1.0 / 30.0
                    - inv2
                        * (1.0 / 42.0
                            - inv2 * (1.0 / 30.0 - inv2 * (5.0 / 66.0 - inv2 * (691.0 / 2730.0 - inv2 * 7.0 / 6.0))))));
    acc + inv + 0.5 * inv2 + inv * series
}

/// Σ ln vᵢ over eight positive values with one logarithm: that of their
/// product, or the sum of their logarithms where the product leaves the
/// normal floating-point range. Unused slots hold 1. The rounding error is
/// that of the seven products, about as small as that of eight logarithms.
#[inline]
pub(crate) fn sum_ln_block(values: &[f64; 8]) -> f64 {
    let p = ((values[0] * values[1]) * (values[2] * values[3])) * ((values[4] * values[5]) * (values[6] * values[7]));
    if p.is_normal() { p.ln() } else { values.iter().map(|v| v.ln()).sum() }
}

/// ln(eᵃ + eᵇ) computed without overflow or underflow.
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + (-(a - b).abs()).exp().ln_1p()
}

/// ln Σ exp(vᵢ) over a slice, computed without overflow; `-∞` for an empty
/// slice.
pub fn log_sum_exp(values: &[f64]) -> f64 {
    let m = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return m;
    }
    m + values.iter().map(|v| (v - m).exp()).sum::<f64>().ln()
}

/// Most terms a single power series may use before giving up.
const MAX_TERMS: usize = 2_000_000;
/// Relative accuracy aimed at by the series.
const EPS: f64 = 1e-16;

/// The Gauss hypergeometric function ₂F₁(a, b; c; z) for real parameters and
/// real z ≤ 1.
///
/// The power series is summed with a convergence test that bounds the
/// remaining tail, on whichever of the direct series and Euler's transform
/// (1 − z)^(c−a−b) ₂F₁(c−a, c−b; c; z) is better conditioned. Negative z is
/// mapped into (0, 1) by Pfaff's transformation; for z close to 1 the
/// connection formula in 1 − z is used when c − a − b is not close to an
/// integer and the parameters are moderate, and at z = 1 Gauss's theorem.
///
/// # Errors
/// [`Error::Validation`] for a non-finite argument, c a non-positive integer,
/// z > 1, or z = 1 with c − a − b ≤ 0 (the series diverges);
/// [`Error::NotConverged`] when the series would need more than two million
/// terms or loses its precision to cancellation.
pub fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
    let (m, l) = hyp2f1_scaled(a, b, c, z)?;
    let v = m * l.exp();
    if v.is_finite() { Ok(v) } else { Err(Error::not_converged(0, "2F1 overflows the floating-point range")) }
}

/// ln ₂F₁(a, b; c; z) for arguments where the function is positive; see
/// [`hyp2f1`]. Works in log space for the prefactors, so values beyond the
/// floating-point range are returned correctly.
///
/// # Errors
/// As [`hyp2f1`], and [`Error::NotConverged`] when the value is not positive.
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
    let (m, l) = hyp2f1_scaled(a, b, c, z)?;
    if m > 0.0 && m.is_finite() {
        Ok(m.ln() + l)
    } else {
        Err(Error::not_converged(0, format!("2F1({a}, {b}; {c}; {z}) is not positive")))
    }
}

/// The sign of ₂F₁(a, b; c; z) and the logarithm of its magnitude, for any
/// sign of the value (it can be negative when c < 0).
///
/// # Errors
/// As [`hyp2f1`].
pub fn signed_ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64)> {
    let (m, l) = hyp2f1_scaled(a, b, c, z)?;
    if !m.is_finite() {
        return Err(Error::not_converged(0, format!("2F1({a}, {b}; {c}; {z}) is not finite")));
    }
    if m == 0.0 {
        return Ok((0.0, f64::NEG_INFINITY));
    }
    Ok((m.signum(), m.abs().ln() + l))
}

/// `1 − sign · exp(ln_term)`, accurate when the term is close to 1.
pub(crate) fn one_minus_signed_exp(sign: f64, ln_term: f64) -> f64 {
    if sign > 0.0 { -ln_term.exp_m1() } else { 1.0 - sign * ln_term.exp() }
}

fn is_nonpositive_integer(x: f64) -> bool {
    x <= 0.0 && x == x.floor()
}

/// ₂F₁ as `m · exp(l)`.
fn hyp2f1_scaled(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64)> {
    for (name, v) in [("a", a), ("b", b), ("c", c), ("z", z)] {
        if !v.is_finite() {
            return Err(Error::validation(name, format!("must be finite, got {v}")));
        }
    }
    if z == 0.0 || a == 0.0 || b == 0.0 {
        return Ok((1.0, 0.0));
    }
    let terminating = is_nonpositive_integer(a) || is_nonpositive_integer(b);
    if is_nonpositive_integer(c) {
        return Err(Error::validation("c", format!("must not be a non-positive integer, got {c}")));
    }
    if z > 1.0 {
        return Err(Error::validation("z", format!("must be at most 1, got {z}")));
    }
    if terminating && z >= 0.0 {
        // A polynomial: the series ends by itself.
        return Ok((series(a, b, c, z)?, 0.0));
    }
    if z == 1.0 {
        let s = c - a - b;
        if s <= 0.0 {
            return Err(Error::validation("z", format!("2F1 diverges at z = 1 when c - a - b = {s} <= 0")));
        }
        let (lc, sc) = ln_gamma_signed(c);
        let (ls, ss) = ln_gamma_signed(s);
        let (lca, sca) = ln_gamma_signed(c - a);
        let (lcb, scb) = ln_gamma_signed(c - b);
        if lca.is_infinite() || lcb.is_infinite() {
            return Ok((0.0, 0.0));
        }
        return Ok((sc * ss * sca * scb, lc + ls - lca - lcb));
    }
    if z < 0.0 {
        // Pfaff: 2F1(a,b;c;z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)).
        let w = z / (z - 1.0);
        let pre = -a * (-z).ln_1p();
        let (m, l) = hyp2f1_scaled(a, c - b, c, w)?;
        return Ok((m, l + pre));
    }
    // 0 < z < 1.
    if z > 0.9 {
        let needed = expected_terms(z);
        if needed > 2_000.0 {
            let s = c - a - b;
            let v = if s == s.round() { connection_integer(a, b, c, z)? } else { connection(a, b, c, z)? };
            if let Some(v) = v {
                return Ok(v);
            }
        }
    }
    series_best(a, b, c, z)
}

/// A rough count of series terms needed at argument z.
fn expected_terms(z: f64) -> f64 {
    (EPS.ln() / z.ln()).abs()
}

/// Sums the better conditioned of the direct series and Euler's transform.
fn series_best(a: f64, b: f64, c: f64, z: f64) -> Result<(f64, f64)> {
    let s = c - a - b;
    let direct_size = (a * b).abs();
    let euler_size = ((c - a) * (c - b)).abs();
    let euler_first = euler_size < direct_size || (euler_size == direct_size && s < 0.0);
    let euler_pre = s * (-z).ln_1p();
    let try_direct = || series(a, b, c, z).map(|m| (m, 0.0));
    let try_euler = || series(c - a, c - b, c, z).map(|m| (m, euler_pre));
    if euler_first { try_euler().or_else(|_| try_direct()) } else { try_direct().or_else(|_| try_euler()) }
}

/// The power series Σ (a)ₙ(b)ₙ/((c)ₙ n!) zⁿ for 0 ≤ z < 1 (or a terminating
/// series), with a bound on the neglected tail.
fn series(a: f64, b: f64, c: f64, z: f64) -> Result<f64> {
    let mut term = 1.0_f64;
    let mut sum = 1.0_f64;
    let mut comp = 0.0_f64; // Kahan compensation
    let mut biggest = 1.0_f64;
    for n in 0..MAX_TERMS {
        let nf = n as f64;
        term *= (a + nf) * (b + nf) / ((c + nf) * (nf + 1.0)) * z;
        if term == 0.0 {
            return finish(sum + comp, biggest, n);
        }
        let y = term - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
        if !sum.is_finite() {
            return Err(Error::not_converged(n as u64, "2F1 series overflows the floating-point range"));
        }
        biggest = biggest.max(term.abs());
        let n1 = nf + 1.0;
        let ratio = ((a + n1) * (b + n1) / ((c + n1) * (n1 + 1.0)) * z).abs();
        // Past the largest term, the term ratio tends monotonically to z,
        // so max(ratio, z) bounds every later ratio.
        let rho = ratio.max(z);
        if ratio < 1.0 && rho < 1.0 {
            let tail = term.abs() * rho / (1.0 - rho);
            if tail <= EPS * sum.abs() {
                return finish(sum, biggest, n);
            }
        }
    }
    Err(Error::not_converged(MAX_TERMS as u64, format!("2F1({a}, {b}; {c}; {z}) series did not converge")))
}

fn finish(sum: f64, biggest: f64, n: usize) -> Result<f64> {
    if biggest > 1e6 * sum.abs() {
        return Err(Error::not_converged(n as u64, "2F1 series lost its precision to cancellation"));
    }
    Ok(sum)
}

/// The connection formula in 1 − z (Abramowitz & Stegun 15.3.6), for z
/// close to one. Returns `None` where it is ill-conditioned (c − a − b near an integer,
/// large parameters, or cancellation between its two terms).
fn connection(a: f64, b: f64, c: f64, z: f64) -> Result<Option<(f64, f64)>> {
    let s = c - a - b;
    if (s - s.round()).abs() < 1e-3 || a.abs().max(b.abs()).max(c.abs()) > 30.0 {
        return Ok(None);
    }
    let w = 1.0 - z;
    let (lc, sc) = ln_gamma_signed(c);
    let coef = |g1: f64, d1: f64, d2: f64| -> f64 {
        let (l1, s1) = ln_gamma_signed(g1);
        let (l2, s2) = ln_gamma_signed(d1);
        let (l3, s3) = ln_gamma_signed(d2);
        if l2.is_infinite() || l3.is_infinite() { 0.0 } else { sc * s1 * s2 * s3 * (lc + l1 - l2 - l3).exp() }
    };
    let c1 = coef(s, c - a, c - b);
    let c2 = coef(-s, a, b);
    let f1 = if c1 == 0.0 {
        0.0
    } else {
        let (m, l) = series_best(a, b, 1.0 - s, w)?;
        m * l.exp()
    };
    let f2 = if c2 == 0.0 {
        0.0
    } else {
        let (m, l) = series_best(c - a, c - b, 1.0 + s, w)?;
        m * l.exp()
    };
    let t1 = c1 * f1;
    let t2 = c2 * w.powf(s) * f2;
    let v = t1 + t2;
    if !v.is_finite() || t1.abs().max(t2.abs()) > 1e4 * v.abs() {
        return Ok(None);
    }
    Ok(Some((v, 0.0)))
}

/// The connection formula in 1 − z for an integer m = c − a − b, where the
/// general formula degenerates (Abramowitz & Stegun 15.3.10–15.3.12; a
/// negative m is first turned positive by Euler's transformation). Returns
/// `None` where it is ill-conditioned.
fn connection_integer(a: f64, b: f64, c: f64, z: f64) -> Result<Option<(f64, f64)>> {
    let s = c - a - b;
    if s < 0.0 {
        let pre = s * (-z).ln_1p();
        return Ok(connection_integer(c - a, c - b, c, z)?.map(|(m, l)| (m, l + pre)));
    }
    if s > 50.0 || a.abs().max(b.abs()).max(c.abs()) > 30.0 {
        return Ok(None);
    }
    let m = s as usize;
    let mf = s;
    let w = 1.0 - z;
    let ln_w = w.ln();
    let (lc, sc) = ln_gamma_signed(c);
    // Finite part: Γ(m)Γ(c)/(Γ(a+m)Γ(b+m)) Σ_{n<m} (a)_n (b)_n / (n! (1−m)_n) wⁿ.
    let mut finite = 0.0;
    if m >= 1 {
        let (l1, s1) = ln_gamma_signed(mf);
        let (l2, s2) = ln_gamma_signed(a + mf);
        let (l3, s3) = ln_gamma_signed(b + mf);
        if l2.is_finite() && l3.is_finite() {
            let coef = sc * s1 * s2 * s3 * (lc + l1 - l2 - l3).exp();
            let mut term = 1.0;
            let mut sum = 0.0;
            for n in 0..m {
                sum += term;
                if n + 1 < m {
                    let nf = n as f64;
                    term *= (a + nf) * (b + nf) / ((nf + 1.0) * (1.0 - mf + nf)) * w;
                }
            }
            finite = coef * sum;
        }
    }
    // Logarithmic part: (−1)^m w^m Γ(c)/(Γ(a)Γ(b)) Σ (a+m)_n (b+m)_n/(n!(n+m)!) wⁿ
    //   × [ln w − ψ(n+1) − ψ(n+m+1) + ψ(a+n+m) + ψ(b+n+m)], subtracted.
    let (la, sa) = ln_gamma_signed(a);
    let (lb, sb) = ln_gamma_signed(b);
    let mut log_part = 0.0;
    if la.is_finite() && lb.is_finite() {
        let sign_m = if m.is_multiple_of(2) { 1.0 } else { -1.0 };
        let coef = sign_m * sc * sa * sb * (lc - la - lb + mf * ln_w).exp();
        let mut term = (-ln_gamma(mf + 1.0)).exp(); // 1/m!
        let mut sum = 0.0;
        let mut converged = false;
        for n in 0..10_000usize {
            let nf = n as f64;
            let bracket =
                ln_w - digamma(nf + 1.0) - digamma(nf + mf + 1.0) + digamma(a + nf + mf) + digamma(b + nf + mf);
            let add = term * bracket;
            sum += add;
            if !sum.is_finite() {
                return Ok(None);
            }
            term *= (a + mf + nf) * (b + mf + nf) / ((nf + 1.0) * (nf + mf + 1.0)) * w;
            if n > 2 && add.abs() <= EPS * sum.abs() && term.abs() <= EPS * sum.abs() {
                converged = true;
                break;
            }
        }
        if !converged {
            return Ok(None);
        }
        log_part = coef * sum;
    }
    let v = finite - log_part;
    if !v.is_finite() || finite.abs().max(log_part.abs()) > 1e4 * v.abs() {
        return Ok(None);
    }
    Ok(Some((v, 0.0)))
}
