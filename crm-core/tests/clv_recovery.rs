//! Parameter recovery on 100,000 simulated customers: every estimate lies
//! within three standard errors of the truth.

#[path = "clv_common/mod.rs"]
mod common;

use std::time::Instant;

use common::sim::simulate;
use crm_core::analytics::clv::{BgNbdParams, FitOptions, GammaGammaParams, fit_bgnbd, fit_gamma_gamma};

#[test]
fn recovers_simulated_parameters() {
    let bg = BgNbdParams::new(0.25, 4.0, 0.8, 2.5).unwrap();
    let gg = GammaGammaParams::new(6.0, 4.0, 15.0).unwrap();
    for seed in [1, 2] {
        let rows = simulate(&bg, &gg, 100_000, 39.0, seed);
        let customers: Vec<_> = rows.iter().map(|r| r.0).collect();
        let spends: Vec<_> = rows.iter().map(|r| r.1).collect();

        let start = Instant::now();
        let fit = fit_bgnbd(&customers, &FitOptions::default()).unwrap();
        let bg_time = start.elapsed();
        let se = fit.standard_errors.unwrap();
        println!(
            "seed {seed}: BG/NBD in {bg_time:?} ({} repeat buyers, {} iterations): \
             r {:.4} ± {:.4}, alpha {:.4} ± {:.4}, a {:.4} ± {:.4}, b {:.4} ± {:.4}",
            fit.n_repeat_buyers,
            fit.iterations,
            fit.params.r,
            se.r,
            fit.params.alpha,
            se.alpha,
            fit.params.a,
            se.a,
            fit.params.b,
            se.b
        );
        for (name, est, se, truth) in [
            ("r", fit.params.r, se.r, bg.r),
            ("alpha", fit.params.alpha, se.alpha, bg.alpha),
            ("a", fit.params.a, se.a, bg.a),
            ("b", fit.params.b, se.b, bg.b),
        ] {
            assert!((est - truth).abs() < 3.0 * se, "{name}: {est} ± {se} vs {truth}");
            assert!(se < 0.2 * truth, "{name}: standard error {se} too large");
        }

        let start = Instant::now();
        let gfit = fit_gamma_gamma(&spends, &FitOptions::default()).unwrap();
        let gg_time = start.elapsed();
        let gse = gfit.standard_errors.unwrap();
        println!(
            "seed {seed}: Gamma-Gamma in {gg_time:?} ({} repeat buyers): \
             p {:.4} ± {:.4}, q {:.4} ± {:.4}, gamma {:.4} ± {:.4}",
            gfit.n_customers, gfit.params.p, gse.p, gfit.params.q, gse.q, gfit.params.gamma, gse.gamma
        );
        for (name, est, se, truth) in [
            ("p", gfit.params.p, gse.p, gg.p),
            ("q", gfit.params.q, gse.q, gg.q),
            ("gamma", gfit.params.gamma, gse.gamma, gg.gamma),
        ] {
            assert!((est - truth).abs() < 3.0 * se, "{name}: {est} ± {se} vs {truth}");
        }
    }
}
