//! Times the fits and predictions on CDNOW and on 100,000 simulated
//! customers: `cargo run --release --example timing`.

#[path = "../tests/clv_common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use crm_core::analytics::clv::{
    BgNbdParams, ClvOptions, FitOptions, GammaGammaParams, Result, customer_lifetime_values, fit_bgnbd, fit_gamma_gamma,
};

/// Runs `f` `n` times; returns the fastest and the mean time.
fn time<T>(n: u32, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    for _ in 0..n {
        let start = Instant::now();
        std::hint::black_box(f());
        let e = start.elapsed();
        best = best.min(e);
        total += e;
    }
    (best, total / n)
}

fn main() -> Result<()> {
    let opts = FitOptions::default();
    let rows = common::cdnow_with_spend();
    let customers: Vec<_> = rows.iter().map(|r| r.0).collect();
    let spends: Vec<_> = rows.iter().map(|r| r.1).collect();
    let mean_spends: Vec<_> = spends.iter().map(|s| s.mean_spend).collect();

    let (best, mean) = time(200, || fit_bgnbd(&customers, &opts));
    println!("CDNOW BG/NBD fit ({} customers): best {best:?}, mean {mean:?}", customers.len());
    let (best, mean) = time(200, || fit_gamma_gamma(&spends, &opts));
    println!("CDNOW Gamma-Gamma fit (946 repeat buyers): best {best:?}, mean {mean:?}");
    let bg = fit_bgnbd(&customers, &opts)?.params;
    let gg = fit_gamma_gamma(&spends, &opts)?.params;
    let (best, mean) =
        time(20, || customers.iter().map(|c| bg.conditional_expected_purchases(c, 39.0)).collect::<Result<Vec<_>>>());
    println!("CDNOW conditional expected purchases, 2357 customers: best {best:?}, mean {mean:?}");
    let clv_opts = ClvOptions { periods: 12, period_length: 4.345, discount_rate: 0.01, margin: 1.0 };
    let (best, mean) = time(10, || customer_lifetime_values(&bg, &gg, &customers, &mean_spends, &clv_opts));
    println!("CDNOW 12-month CLV, 2357 customers: best {best:?}, mean {mean:?}");

    let truth = BgNbdParams::new(0.25, 4.0, 0.8, 2.5)?;
    let gg_truth = GammaGammaParams::new(6.0, 4.0, 15.0)?;
    let sim = common::sim::simulate(&truth, &gg_truth, 100_000, 39.0, 7);
    let sim_customers: Vec<_> = sim.iter().map(|r| r.0).collect();
    let sim_spends: Vec<_> = sim.iter().map(|r| r.1).collect();
    let (best, mean) = time(5, || fit_bgnbd(&sim_customers, &opts));
    println!("simulated BG/NBD fit (100,000 customers, all distinct): best {best:?}, mean {mean:?}");
    // Weeks rounded to whole days, as in summaries built from dated purchases.
    let rounded: Vec<_> = sim_customers
        .iter()
        .map(|c| {
            let mut c = *c;
            c.age = (c.age * 7.0).round() / 7.0;
            c.recency = ((c.recency * 7.0).round() / 7.0).min(c.age);
            c
        })
        .collect();
    let fit = fit_bgnbd(&rounded, &opts)?;
    let (best, mean) = time(5, || fit_bgnbd(&rounded, &opts));
    println!(
        "simulated BG/NBD fit (100,000 customers, whole days, {} repeat buyers): best {best:?}, mean {mean:?}",
        fit.n_repeat_buyers
    );
    let (best, mean) = time(5, || fit_gamma_gamma(&sim_spends, &opts));
    println!("simulated Gamma-Gamma fit (100,000 customers): best {best:?}, mean {mean:?}");
    Ok(())
}
