//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use crm_core::analytics::clv::{CustomerSummary, SpendSummary};

/// The folder of the CDNOW files: `$CDNOW_DIR`, or `shared/data/cdnow` in
/// the crate folder or one of its ancestors.
pub fn cdnow_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CDNOW_DIR") {
        return PathBuf::from(d);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for dir in manifest.ancestors() {
        let candidate = dir.join("shared/data/cdnow");
        if candidate.is_dir() {
            return candidate;
        }
    }
    panic!("CDNOW data not found: set CDNOW_DIR");
}

fn read_rows(name: &str) -> Vec<Vec<f64>> {
    let path = cdnow_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse::<f64>().unwrap_or_else(|e| panic!("{v}: {e}"))).collect())
        .collect()
}

/// `cdnow_customers_summary.csv` (ID, frequency, recency, T).
pub fn cdnow_summary() -> Vec<CustomerSummary> {
    read_rows("cdnow_customers_summary.csv").into_iter().map(|r| CustomerSummary::new(r[1], r[2], r[3])).collect()
}

/// `cdnow_customers_summary_with_transactions.csv` (ID, x, t_x, T, zbar).
pub fn cdnow_with_spend() -> Vec<(CustomerSummary, SpendSummary)> {
    read_rows("cdnow_customers_summary_with_transactions.csv")
        .into_iter()
        .map(|r| (CustomerSummary::new(r[1], r[2], r[3]), SpendSummary::new(r[1], r[4])))
        .collect()
}

/// Rounds to `digits` significant digits.
pub fn sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let scale = 10f64.powi(digits - 1 - v.abs().log10().floor() as i32);
    (v * scale).round() / scale
}

/// Composite Gauss–Legendre quadrature (10 points per panel) of `f` on [lo, hi].
pub fn integrate(f: impl Fn(f64) -> f64, lo: f64, hi: f64, panels: usize) -> f64 {
    const X: [f64; 5] = [
        0.148_874_338_981_631_2,
        0.433_395_394_129_247_2,
        0.679_409_568_299_024_4,
        0.865_063_366_688_984_5,
        0.973_906_528_517_171_7,
    ];
    const W: [f64; 5] = [
        0.295_524_224_714_752_9,
        0.269_266_719_309_996_4,
        0.219_086_362_515_982_04,
        0.149_451_349_150_580_6,
        0.066_671_344_308_688_14,
    ];
    let h = (hi - lo) / panels as f64;
    let mut total = 0.0;
    for k in 0..panels {
        let mid = lo + (k as f64 + 0.5) * h;
        let half = 0.5 * h;
        for i in 0..5 {
            total += W[i] * half * (f(mid - half * X[i]) + f(mid + half * X[i]));
        }
    }
    total
}

/// Tanh-sinh quadrature on [0, 1]; `f(x, 1 − x)` gets both x and its
/// complement, computed without cancellation, so that integrable endpoint
/// singularities are handled.
pub fn tanh_sinh(f: impl Fn(f64, f64) -> f64) -> f64 {
    let h = 1.0 / 128.0;
    let half_pi = std::f64::consts::FRAC_PI_2;
    let mut total = 0.0;
    let kmax = (6.5 / h) as i64;
    for k in -kmax..=kmax {
        let t = k as f64 * h;
        let u = half_pi * t.sinh();
        let x = 1.0 / (1.0 + (-2.0 * u).exp());
        let xc = 1.0 / (1.0 + (2.0 * u).exp());
        if x <= 0.0 || xc <= 0.0 {
            continue;
        }
        let cu = u.cosh();
        let w = h * half_pi * t.cosh() / (2.0 * cu * cu);
        if w == 0.0 || !w.is_finite() {
            continue;
        }
        total += w * f(x, xc);
    }
    total
}

/// Simulated customers from known BG/NBD and Gamma-Gamma parameters.
pub mod sim {
    use crm_core::analytics::clv::{BgNbdParams, CustomerSummary, GammaGammaParams, SpendSummary};
    use rand::{RngExt, SeedableRng, rngs::StdRng};
    use rand_distr::{Beta, Distribution, Exp, Gamma};

    /// `n` customers with ages uniform on [1, `max_age`], purchase histories
    /// from the BG/NBD process and repeat-purchase mean spends from the
    /// Gamma-Gamma model.
    pub fn simulate(
        bg: &BgNbdParams,
        gg: &GammaGammaParams,
        n: usize,
        max_age: f64,
        seed: u64,
    ) -> Vec<(CustomerSummary, SpendSummary)> {
        let mut rng = StdRng::seed_from_u64(seed);
        let lambda_dist = Gamma::new(bg.r, 1.0 / bg.alpha).unwrap();
        let p_dist = Beta::new(bg.a, bg.b).unwrap();
        let nu_dist = Gamma::new(gg.q, 1.0 / gg.gamma).unwrap();
        (0..n)
            .map(|_| {
                let age = 1.0 + (max_age - 1.0) * rng.random::<f64>();
                let lambda: f64 = lambda_dist.sample(&mut rng);
                let p: f64 = p_dist.sample(&mut rng);
                let (mut t, mut x, mut tx) = (0.0, 0u32, 0.0);
                if lambda > 0.0 {
                    let gap = Exp::new(lambda).unwrap();
                    loop {
                        t += gap.sample(&mut rng);
                        if t > age {
                            break;
                        }
                        x += 1;
                        tx = t;
                        // drop out after a purchase with probability p
                        if rng.random::<f64>() < p {
                            break;
                        }
                    }
                }
                let x = f64::from(x);
                let zbar = if x > 0.0 {
                    let nu: f64 = nu_dist.sample(&mut rng);
                    Gamma::new(gg.p * x, 1.0 / (nu * x)).unwrap().sample(&mut rng)
                } else {
                    0.0
                };
                (CustomerSummary::new(x, tx, age), SpendSummary::new(x, zbar))
            })
            .collect()
    }
}
