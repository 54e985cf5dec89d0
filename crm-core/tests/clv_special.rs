//! ₂F₁, ln Γ and digamma against closed forms and the integral representation.

#[path = "clv_common/mod.rs"]
mod common;

use common::tanh_sinh;
use crm_core::analytics::clv::{
    Error,
    special::{digamma, hyp2f1, ln_gamma, ln_hyp2f1, log_add_exp, log_sum_exp},
};

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-300)
}

#[test]
fn hyp2f1_closed_forms() {
    for z in [-5.0, -0.9, -0.3, 0.01, 0.3, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.99999] {
        // 2F1(1, 1; 2; z) = −ln(1 − z)/z
        let v = hyp2f1(1.0, 1.0, 2.0, z).unwrap();
        let want = -(-z).ln_1p() / z;
        assert!(close(v, want, 1e-12), "z={z}: {v} vs {want}");
        // 2F1(a, b; b; z) = (1 − z)^{−a}
        let v = hyp2f1(0.7, 2.3, 2.3, z).unwrap();
        let want = (1.0 - z).powf(-0.7);
        assert!(close(v, want, 1e-12), "z={z}: {v} vs {want}");
        // 2F1(1/2, 1; 3/2; −x²) = arctan(x)/x
        if z < 0.0 {
            let x = (-z).sqrt();
            let v = hyp2f1(0.5, 1.0, 1.5, z).unwrap();
            assert!(close(v, x.atan() / x, 1e-12), "z={z}");
        } else {
            // 2F1(1/2, 1/2; 3/2; x²) = arcsin(x)/x
            let x = z.sqrt();
            let v = hyp2f1(0.5, 0.5, 1.5, z).unwrap();
            assert!(close(v, x.asin() / x, 1e-11), "z={z}: {v} vs {}", x.asin() / x);
        }
    }
    // A terminating series: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
    let (b, c, z) = (1.5, 2.5, 0.7);
    let want = 1.0 - 2.0 * b * z / c + b * (b + 1.0) * z * z / (c * (c + 1.0));
    assert!(close(hyp2f1(-2.0, b, c, z).unwrap(), want, 1e-14));
    // Gauss's theorem at z = 1.
    let (a, b, c) = (0.3, 0.8, 2.5);
    let want = (ln_gamma(c) + ln_gamma(c - a - b) - ln_gamma(c - a) - ln_gamma(c - b)).exp();
    assert!(close(hyp2f1(a, b, c, 1.0).unwrap(), want, 1e-13));
}

/// Euler's integral: 2F1(a,b;c;z) = Γ(c)/(Γ(b)Γ(c−b)) ∫ t^{b−1}(1−t)^{c−b−1}(1−zt)^{−a} dt, c > b > 0.
fn euler_integral(a: f64, b: f64, c: f64, z: f64) -> f64 {
    // 2F1 is symmetric in a and b: integrate over the one below c.
    let (a, b) = if c > b && b > 0.0 { (a, b) } else { (b, a) };
    assert!(c > b && b > 0.0);
    let k = ln_gamma(c) - ln_gamma(b) - ln_gamma(c - b);
    tanh_sinh(|t, tc| ((b - 1.0) * t.ln() + (c - b - 1.0) * tc.ln() - a * (-z * t).ln_1p() + k).exp())
}

#[test]
fn hyp2f1_matches_euler_integral() {
    let params = [
        (0.243, 2.426, 2.219), // r, b; a+b−1 of the CDNOW BG/NBD (unconditional)
        (2.243, 4.426, 4.219), // x = 2
        (20.243, 22.426, 22.219),
        (1.2, 0.8, 3.1),
        (-0.7, 1.3, 2.9),
        (3.5, 0.5, 1.2),
        (0.5, 1.5, 2.0), // c − a − b = 0
        (0.5, 1.5, 4.0), // c − a − b = 2
        (1.5, 2.5, 3.0), // c − a − b = −1
    ];
    for (a, b, c) in params {
        for z in [-3.0, -0.5, 0.1, 0.5, 0.8, 0.93, 0.97, 0.995, 0.9999, 0.999_999] {
            let v = hyp2f1(a, b, c, z).unwrap();
            let want = euler_integral(a, b, c, z);
            assert!(close(v, want, 1e-9), "2F1({a},{b};{c};{z}) = {v} vs {want}");
            let lv = ln_hyp2f1(a, b, c, z).unwrap();
            assert!((lv - want.ln()).abs() < 1e-9, "ln 2F1({a},{b};{c};{z})");
        }
    }
}

#[test]
fn hyp2f1_rejects_bad_arguments() {
    assert!(matches!(hyp2f1(1.0, 1.0, -2.0, 0.5), Err(Error::Validation { .. })));
    assert!(matches!(hyp2f1(1.0, 1.0, 2.0, 1.5), Err(Error::Validation { .. })));
    assert!(matches!(hyp2f1(1.0, 1.0, 2.0, 1.0), Err(Error::Validation { .. })));
    assert!(matches!(hyp2f1(f64::NAN, 1.0, 2.0, 0.5), Err(Error::Validation { .. })));
    assert_eq!(hyp2f1(1.0, 1.0, 2.0, 0.0).unwrap(), 1.0);
}

#[test]
fn gamma_digamma_logsumexp() {
    assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
    assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(x+1) = ψ(x) + 1/x
    let euler_gamma = 0.577_215_664_901_532_9;
    assert!((digamma(1.0) + euler_gamma).abs() < 1e-14);
    assert!((digamma(0.5) + euler_gamma + 2.0 * 2f64.ln()).abs() < 1e-14);
    for x in [0.01, 0.243, 3.3, 17.0, 1234.5] {
        assert!((digamma(x + 1.0) - digamma(x) - 1.0 / x).abs() < 1e-12 * (1.0 / x).max(1.0));
        // derivative of ln Γ by central differences
        let h = 1e-5 * x;
        let num = (ln_gamma(x + h) - ln_gamma(x - h)) / (2.0 * h);
        assert!((num - digamma(x)).abs() < 1e-6 * digamma(x).abs().max(1.0), "x={x}");
    }
    // reflection: ψ(1 − x) − ψ(x) = π cot(πx), so ψ(−1/2) = ψ(3/2)
    assert!((digamma(-0.5) - digamma(1.5)).abs() < 1e-12);
    assert_eq!(log_add_exp(f64::NEG_INFINITY, 2.0), 2.0);
    assert!((log_add_exp(1000.0, 1000.0) - (1000.0 + 2f64.ln())).abs() < 1e-12);
    assert!((log_sum_exp(&[-1000.0, -1000.0, -1000.0]) - (-1000.0 + 3f64.ln())).abs() < 1e-12);
    assert_eq!(log_sum_exp(&[]), f64::NEG_INFINITY);
}
