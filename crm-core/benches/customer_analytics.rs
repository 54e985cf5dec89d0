//! RFM, customer lifetime values (`Crm::customer_values`: BG/NBD and
//! Gamma-Gamma fitted on the base, then each customer's prediction) and
//! churn risk, together, over 1M customers with 10M orders. Beside it, the
//! floor: raw rusqlite reading the purchase days the three start from
//! (`analytics/sql.rs` `purchase_days`), once. Target: the three together
//! under 10 s.
//!
//! A handle keeps the purchase summaries and the model fit of its last
//! analytics call while the base stays unchanged (`analytics/cache.rs`), so
//! each timed run opens a fresh handle: the three calls start cold, with
//! one scan of the orders and one fit between them.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{activity, raw};
use criterion::Criterion;
use crm_core::{ClvRequest, Crm};

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("customer_analytics") {
        return;
    }
    let base = activity::analytics_base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader_qpsg(&base.path);
    let as_of = activity::as_of();
    let end_us = as_of.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp_micros();
    let req = ClvRequest { as_of, currency: "EUR".into(), options: Default::default() };
    let days = common::raw_read(&conn, |c| raw::purchase_days(c, end_us));
    let summaries = crm.purchase_summaries(as_of, "EUR").unwrap();
    println!(
        "customer_analytics: {} customers with purchases, {} orders on {} purchase days",
        summaries.len(),
        base.orders,
        days.len()
    );
    let all = || {
        let crm = Crm::open(&base.path).unwrap();
        let t = Instant::now();
        black_box(crm.rfm(as_of, "EUR").unwrap());
        let rfm = t.elapsed();
        let t = Instant::now();
        black_box(crm.customer_values(&req).unwrap());
        let clv = t.elapsed();
        let t = Instant::now();
        black_box(crm.churn_risk(as_of, "EUR", 0.3, 2.0).unwrap());
        (rfm, clv, t.elapsed())
    };
    let (rfm, clv, churn) = all();
    println!(
        "customer_analytics: rfm {}, customer_values {}, churn_risk {}",
        common::fmt_dur(rfm),
        common::fmt_dur(clv),
        common::fmt_dur(churn)
    );
    let crm = Crm::open(&base.path).unwrap();
    let t = Instant::now();
    black_box(crm.purchase_summaries(as_of, "EUR").unwrap());
    println!("customer_analytics: one purchase_summaries {}", common::fmt_dur(t.elapsed()));
    let crm = Crm::open(&base.path).unwrap();
    let t = Instant::now();
    black_box(crm.fit_clv(as_of, "EUR").unwrap());
    println!("customer_analytics: one fit_clv {}", common::fmt_dur(t.elapsed()));

    // Criterion's ten samples at least are too many for a run of seconds.
    let slow = rfm + clv + churn > Duration::from_secs(2);
    if slow {
        println!("customer_analytics: over 2 s a run; timed loops only, no criterion samples");
    } else {
        let mut group = c.benchmark_group(format!("customer_analytics ({}k customers)", base.customers / 1000));
        group.sample_size(10).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
        group.bench_function("rfm + customer_values + churn_risk", |b| b.iter(&all));
        group.bench_function("raw purchase days", |b| {
            b.iter(|| black_box(common::raw_read(&conn, |c| raw::purchase_days(c, end_us))))
        });
        group.finish();
    }
    let rounds = if common::test_mode() || slow { 1 } else { 3 };
    let (o, r) = common::interleaved(
        rounds,
        1,
        |_| {
            black_box(all());
        },
        |_| {
            black_box(common::raw_read(&conn, |c| raw::purchase_days(c, end_us)));
        },
    );
    common::report(
        &format!(
            "customer_analytics: rfm + customer_values + churn_risk, {}k customers, {}k orders (raw: reading purchase days once)",
            base.customers / 1000,
            base.orders / 1000
        ),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64(),
        "< 10 s",
        o < Duration::from_secs(10),
    );
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
