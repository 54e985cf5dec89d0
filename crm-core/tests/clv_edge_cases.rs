//! Degenerate inputs give defined results or typed errors, never NaN.

#[path = "clv_common/mod.rs"]
mod common;

use crm_core::analytics::clv::{
    BgNbdParams, ClvOptions, CustomerSummary, Error, FitOptions, GammaGammaParams, SpendSummary,
    customer_lifetime_value, customer_lifetime_values, fit_bgnbd, fit_gamma_gamma,
};

fn params() -> BgNbdParams {
    BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()
}

fn field_of(e: Error) -> String {
    match e {
        Error::Validation { field, .. } => field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn empty_input_is_no_data() {
    assert!(matches!(fit_bgnbd(&[], &FitOptions::default()), Err(Error::NoData { .. })));
    assert!(matches!(fit_gamma_gamma(&[], &FitOptions::default()), Err(Error::NoData { .. })));
    assert!(matches!(params().total_log_likelihood(&[]), Err(Error::NoData { .. })));
}

#[test]
fn no_repeat_buyers_is_no_data() {
    // Everyone bought once, or several times on one day (which counts as one).
    let customers = vec![CustomerSummary::new(0.0, 0.0, 30.0); 10];
    assert!(matches!(fit_bgnbd(&customers, &FitOptions::default()), Err(Error::NoData { .. })));
    let spends = vec![SpendSummary::new(0.0, 0.0); 10];
    assert!(matches!(fit_gamma_gamma(&spends, &FitOptions::default()), Err(Error::NoData { .. })));
}

#[test]
fn invalid_values_name_field_and_index() {
    let mut customers = vec![CustomerSummary::new(1.0, 2.0, 10.0); 5];
    customers[3].recency = 11.0;
    let e = fit_bgnbd(&customers, &FitOptions::default()).unwrap_err();
    assert_eq!(field_of(e), "customers[3].recency");
    customers[3] = CustomerSummary::new(-1.0, 0.0, 10.0);
    assert_eq!(field_of(fit_bgnbd(&customers, &FitOptions::default()).unwrap_err()), "customers[3].frequency");
    customers[3] = CustomerSummary::new(1.0, 2.0, f64::NAN);
    assert_eq!(field_of(fit_bgnbd(&customers, &FitOptions::default()).unwrap_err()), "customers[3].age");
    customers[3] = CustomerSummary::new(1.5, 2.0, 10.0);
    assert_eq!(field_of(fit_bgnbd(&customers, &FitOptions::default()).unwrap_err()), "customers[3].frequency");
    customers[3] = CustomerSummary::new(0.0, 2.0, 10.0);
    assert_eq!(field_of(fit_bgnbd(&customers, &FitOptions::default()).unwrap_err()), "customers[3].recency");
    customers[3] = CustomerSummary::new(1.0, f64::INFINITY, 10.0);
    assert_eq!(field_of(fit_bgnbd(&customers, &FitOptions::default()).unwrap_err()), "customers[3].recency");

    let spends = [SpendSummary::new(2.0, 10.0), SpendSummary::new(1.0, 0.0)];
    assert_eq!(field_of(fit_gamma_gamma(&spends, &FitOptions::default()).unwrap_err()), "spends[1].mean_spend");
    let spends = [SpendSummary::new(2.0, -3.0)];
    assert_eq!(field_of(fit_gamma_gamma(&spends, &FitOptions::default()).unwrap_err()), "spends[0].mean_spend");

    assert_eq!(field_of(BgNbdParams::new(0.0, 1.0, 1.0, 1.0).unwrap_err()), "r");
    assert_eq!(field_of(BgNbdParams::new(1.0, f64::NAN, 1.0, 1.0).unwrap_err()), "alpha");
    assert_eq!(field_of(GammaGammaParams::new(1.0, 1.0, -2.0).unwrap_err()), "gamma");
    let c = CustomerSummary::new(1.0, 2.0, 10.0);
    assert_eq!(field_of(params().conditional_expected_purchases(&c, -1.0).unwrap_err()), "t");
    assert_eq!(field_of(params().conditional_expected_purchases(&c, f64::NAN).unwrap_err()), "t");
    let bad = CustomerSummary::new(1.0, 12.0, 10.0);
    assert_eq!(field_of(params().probability_alive(&bad).unwrap_err()), "customer.recency");

    let gg = GammaGammaParams::new(6.25, 3.74, 15.44).unwrap();
    let opts = ClvOptions { discount_rate: -1.0, ..ClvOptions::default() };
    assert_eq!(field_of(customer_lifetime_value(&params(), &gg, &c, 10.0, &opts).unwrap_err()), "discount_rate");
    let opts = ClvOptions { period_length: 0.0, ..ClvOptions::default() };
    assert_eq!(field_of(customer_lifetime_value(&params(), &gg, &c, 10.0, &opts).unwrap_err()), "period_length");
    let e = customer_lifetime_values(&params(), &gg, &[c, c], &[1.0], &ClvOptions::default()).unwrap_err();
    assert_eq!(field_of(e), "mean_spends");
    let e = customer_lifetime_values(&params(), &gg, &[c, bad], &[1.0, 1.0], &ClvOptions::default()).unwrap_err();
    assert_eq!(field_of(e), "customers[1].recency");
    // q ≤ 1: the mean spend is infinite.
    let heavy = GammaGammaParams::new(6.25, 0.9, 15.44).unwrap();
    assert_eq!(field_of(heavy.conditional_expected_average_spend(&SpendSummary::new(1.0, 5.0)).unwrap_err()), "q");
}

#[test]
fn single_purchase_and_zero_age_customers_are_defined() {
    let p = params();
    for c in [
        CustomerSummary::new(0.0, 0.0, 38.0),
        CustomerSummary::new(0.0, 0.0, 0.0),
        CustomerSummary::new(3.0, 0.0, 0.0), // three repeat purchases on the first day
        CustomerSummary::new(3.0, 5.0, 5.0),
        CustomerSummary::new(500.0, 30.0, 38.0),
        CustomerSummary::new(200.0, 1.0, 1000.0),
    ] {
        let ll = p.log_likelihood(&c).unwrap();
        assert!(ll.is_finite() && ll <= 0.0 || c.frequency > 0.0 && ll.is_finite(), "{c:?}: {ll}");
        let alive = p.probability_alive(&c).unwrap();
        assert!((0.0..=1.0).contains(&alive), "{c:?}");
        if c.frequency == 0.0 {
            assert_eq!(alive, 1.0);
        }
        for t in [0.0, 1e-9, 1.0, 52.0, 1e4, 1e7] {
            let e = p.conditional_expected_purchases(&c, t).unwrap();
            assert!(e.is_finite() && e >= 0.0, "{c:?} t={t}: {e}");
        }
        assert_eq!(p.conditional_expected_purchases(&c, 0.0).unwrap(), 0.0);
        let gg = GammaGammaParams::new(6.25, 3.74, 15.44).unwrap();
        let v =
            customer_lifetime_value(&p, &gg, &c, if c.frequency > 0.0 { 20.0 } else { 0.0 }, &ClvOptions::default())
                .unwrap();
        assert!(v.is_finite() && v >= 0.0);
    }
    // Expectations grow with the horizon.
    let c = CustomerSummary::new(2.0, 30.0, 38.0);
    let mut last = 0.0;
    for t in [1.0, 10.0, 100.0, 1e3, 1e4, 1e5] {
        let e = p.conditional_expected_purchases(&c, t).unwrap();
        assert!(e > last, "t={t}");
        last = e;
    }
}

#[test]
fn fit_with_zero_age_customers_and_duplicates() {
    let mut customers: Vec<_> = common::cdnow_summary().into_iter().take(500).collect();
    customers.push(CustomerSummary::new(0.0, 0.0, 0.0));
    customers.push(CustomerSummary::new(0.0, 0.0, 0.0));
    let fit = fit_bgnbd(&customers, &FitOptions::default()).unwrap();
    assert_eq!(fit.n_customers, 502);
    // The repeat buyers are evaluated one by one, the others through sums.
    assert_eq!(fit.n_repeat_buyers, customers.iter().filter(|c| c.frequency > 0.0).count());
    assert!(fit.log_likelihood.is_finite());
    let json = serde_json::to_string(&fit).unwrap();
    assert!(json.contains("\"standard_errors\"") && json.contains("\"n_repeat_buyers\""));
    let back: crm_core::analytics::clv::BgNbdFit = serde_json::from_str(&json).unwrap();
    assert_eq!(back.params, fit.params);
}

#[test]
fn non_convergence_is_a_typed_error() {
    let customers: Vec<_> =
        (0..100).map(|i| CustomerSummary::new((i % 4) as f64, if i % 4 > 0 { 20.0 } else { 0.0 }, 30.0)).collect();
    let opts = FitOptions { max_iterations: 2, restarts: 0, ..FitOptions::default() };
    assert!(matches!(fit_bgnbd(&customers, &opts), Err(Error::NotConverged { .. })));
    // The same drop-out pattern for everyone: a and b run off to infinity
    // together (p does not vary across customers).
    let mut customers = Vec::new();
    for i in 0..200 {
        let x = (i % 5) as f64;
        let age = 10.0 + (i % 30) as f64;
        let rec = if x > 0.0 { age * (i % 7 + 1) as f64 / 8.0 } else { 0.0 };
        customers.push(CustomerSummary::new(x, rec, age));
    }
    let r = fit_bgnbd(&customers, &FitOptions::default());
    match r {
        Err(Error::NotConverged { reason, .. }) => assert!(reason.contains("runs off"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Every repeat buyer with the same spend: no spread, q and γ run off.
    let spends = vec![SpendSummary::new(2.0, 10.0); 50];
    let r = fit_gamma_gamma(&spends, &FitOptions::default());
    assert!(matches!(r, Err(Error::NotConverged { .. })), "{r:?}");
}
