//! The batch predictions of `ClvPredictor` against the single-customer
//! functions, on CDNOW and on simulated customers.
//!
//! The predictor runs the same floating-point operations in the same order
//! as the single-customer functions (it only computes them fewer times), so
//! the tolerance is zero: every value must be equal to the bit. A relative
//! difference of 1e-12 would be the documented bound if that ever changed.

#[path = "clv_common/mod.rs"]
mod common;

use common::cdnow_with_spend;
use common::sim::simulate;
use crm_core::analytics::clv::{
    BgNbdParams, ClvOptions, ClvPredictor, CustomerSummary, GammaGammaParams, customer_lifetime_value,
    customer_lifetime_values,
};

/// Asserts that the predictor agrees with the single-customer functions
/// for every customer, and that `customer_lifetime_values` does too;
/// returns how many (x, T) were shared.
fn check(bg: &BgNbdParams, gg: &GammaGammaParams, rows: &[(CustomerSummary, f64)], options: &ClvOptions) -> usize {
    let customers: Vec<CustomerSummary> = rows.iter().map(|r| r.0).collect();
    let spends: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let predictor = ClvPredictor::new(*bg, *gg, *options, customers.iter().copied());
    let horizon = f64::from(options.periods) * options.period_length;
    let same = |what: &str, i: usize, got: f64, want: f64| {
        assert!(
            got.to_bits() == want.to_bits(),
            "{what} of customer {i} {:?}: {got:e} against {want:e} (relative difference {:e})",
            customers[i],
            (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
        );
    };
    for (i, (c, m)) in rows.iter().enumerate() {
        let got = predictor.predict(c, *m).unwrap();
        let spend =
            gg.conditional_expected_average_spend(&crm_core::analytics::clv::SpendSummary::new(c.frequency, *m));
        same("P(alive)", i, got.probability_alive, bg.probability_alive(c).unwrap());
        same("expected purchases", i, got.expected_purchases, bg.conditional_expected_purchases(c, horizon).unwrap());
        same("expected spend", i, got.expected_average_spend, spend.unwrap());
        let value = customer_lifetime_value(bg, gg, c, *m, options).unwrap();
        same("lifetime value", i, got.lifetime_value, value);
        same("lifetime value alone", i, predictor.lifetime_value(c, *m).unwrap(), value);
    }
    let batch = customer_lifetime_values(bg, gg, &customers, &spends, options).unwrap();
    for (i, (v, (c, m))) in batch.iter().zip(rows).enumerate() {
        same("batch lifetime value", i, *v, customer_lifetime_value(bg, gg, c, *m, options).unwrap());
    }
    let mut keys: Vec<(u64, u64)> = customers.iter().map(|c| (c.frequency.to_bits(), c.age.to_bits())).collect();
    keys.sort_unstable();
    keys.dedup();
    customers.len() - keys.len()
}

fn cdnow_rows() -> Vec<(CustomerSummary, f64)> {
    cdnow_with_spend().into_iter().map(|(c, s)| (c, s.mean_spend)).collect()
}

fn published() -> (BgNbdParams, GammaGammaParams) {
    (BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap(), GammaGammaParams::new(6.25, 3.74, 15.44).unwrap())
}

#[test]
fn cdnow_predictions_equal_the_single_customer_functions() {
    let (bg, gg) = published();
    let rows = cdnow_rows();
    let shared = check(&bg, &gg, &rows, &ClvOptions::default());
    // Ages in whole days: many customers share their (x, T).
    assert!(shared > rows.len() / 2, "only {shared} of {} customers share their (x, T)", rows.len());
    // Days as the time unit, other options.
    let days: Vec<_> =
        rows.iter().map(|(c, m)| (CustomerSummary::new(c.frequency, c.recency * 7.0, c.age * 7.0), *m)).collect();
    let bg_days = BgNbdParams::new(bg.r, bg.alpha * 7.0, bg.a, bg.b).unwrap();
    let options = ClvOptions { periods: 24, period_length: 30.0, discount_rate: 0.015, margin: 0.3 };
    check(&bg_days, &gg, &days, &options);
    check(&bg, &gg, &rows, &ClvOptions { periods: 0, ..ClvOptions::default() });
}

#[test]
fn simulated_predictions_equal_the_single_customer_functions() {
    let (bg, gg) = published();
    // Ages continuous (no (x, T) shared) and rounded to days (many shared).
    let rows: Vec<_> = simulate(&bg, &gg, 3000, 52.0, 7).into_iter().map(|(c, s)| (c, s.mean_spend)).collect();
    check(&bg, &gg, &rows, &ClvOptions::default());
    let rounded: Vec<_> = rows
        .iter()
        .map(|(c, m)| {
            let day = |w: f64| (w * 7.0).floor() / 7.0;
            (CustomerSummary::new(c.frequency, day(c.recency), day(c.age)), *m)
        })
        .collect();
    assert!(check(&bg, &gg, &rounded, &ClvOptions::default()) > 1000);
    // a at 1 (the predictions average a = 1 ∓ 1e-4) and a + b < 1 (a
    // negative c in 2F1 for x = 0).
    for bg in [BgNbdParams::new(0.5, 3.0, 1.0, 2.0).unwrap(), BgNbdParams::new(0.3, 5.0, 0.4, 0.5).unwrap()] {
        check(&bg, &gg, &rounded, &ClvOptions::default());
    }
}

#[test]
fn errors_are_those_of_the_single_customer_functions() {
    let (bg, gg) = published();
    let good = CustomerSummary::new(2.0, 10.0, 20.0);
    let bad = CustomerSummary::new(2.0, 30.0, 20.0);
    let predictor = ClvPredictor::new(bg, gg, ClvOptions::default(), [good, good, bad, bad]);
    let options = ClvOptions::default();
    assert_eq!(
        predictor.predict(&bad, 10.0).unwrap_err(),
        customer_lifetime_value(&bg, &gg, &bad, 10.0, &options).unwrap_err()
    );
    assert_eq!(
        predictor.lifetime_value(&good, -1.0).unwrap_err(),
        customer_lifetime_value(&bg, &gg, &good, -1.0, &options).unwrap_err()
    );
    let options = ClvOptions { period_length: -1.0, ..ClvOptions::default() };
    let predictor = ClvPredictor::new(bg, gg, options, [good, good]);
    assert_eq!(
        predictor.predict(&good, 10.0).unwrap_err(),
        customer_lifetime_value(&bg, &gg, &good, 10.0, &options).unwrap_err()
    );
    // A customer it was not built for is predicted all the same.
    let other = CustomerSummary::new(5.0, 15.0, 30.0);
    let predictor = ClvPredictor::new(bg, gg, ClvOptions::default(), [good, good]);
    let value = customer_lifetime_value(&bg, &gg, &other, 30.0, &ClvOptions::default()).unwrap();
    assert_eq!(predictor.predict(&other, 30.0).unwrap().lifetime_value, value);
}
