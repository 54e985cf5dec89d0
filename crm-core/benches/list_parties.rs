//! A filtered, sorted list over the 1M-party base: customers in Latvia by
//! name, the first page of 50 (`Crm::list_parties`, which also loads each
//! party's roles, contact points, tags and custom values) and its count
//! (`Crm::count_parties`), beside raw rusqlite running the same SQL.
//! Targets: the page under 2 ms, the count under 50 ms.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Recorder, base, raw};
use criterion::Criterion;
use crm_core::{Crm, PartyFilter, PartyQuery, PartySort, RoleKind};

/// The library's bit for the customer role (`party.roles`).
const CUSTOMER_BIT: i64 = 1;

fn bench(c: &mut Criterion) {
    let base = base::base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader(&base.path);
    let filter = PartyFilter { role: Some(RoleKind::Customer), country: Some("LV".into()), ..PartyFilter::default() };
    let query = PartyQuery { filter: filter.clone(), sort: PartySort::Name, limit: 50, ..PartyQuery::default() };

    // Both sides return the same page and count.
    let page = crm.list_parties(&query).unwrap();
    let (raw_page, more) = common::raw_read(&conn, |c| raw::list_customers_in(c, CUSTOMER_BIT, "LV", 50));
    assert_eq!(page.items.len(), 50);
    assert_eq!(
        page.items.iter().map(|p| p.id).collect::<Vec<_>>(),
        raw_page.iter().map(|p| p.id.unwrap()).collect::<Vec<_>>()
    );
    assert_eq!(page.next.is_some(), more);
    let count = crm.count_parties(&filter).unwrap();
    assert_eq!(count as i64, common::raw_read(&conn, |c| raw::count_customers_in(c, CUSTOMER_BIT, "LV")));
    println!("list_parties: {count} of {} parties are active customers in LV", base.parties);

    let ours_page = |_: usize| {
        black_box(crm.list_parties(&query).unwrap());
    };
    let raw_page = |_: usize| {
        black_box(common::raw_read(&conn, |c| raw::list_customers_in(c, CUSTOMER_BIT, "LV", 50)));
    };
    let ours_count = |_: usize| {
        black_box(crm.count_parties(&filter).unwrap());
    };
    let raw_count = |_: usize| {
        black_box(common::raw_read(&conn, |c| raw::count_customers_in(c, CUSTOMER_BIT, "LV")));
    };

    let recs: Vec<Recorder> = (0..4).map(|_| Recorder::new()).collect();
    let mut group = c.benchmark_group(format!("list_parties ({}k parties)", base.parties / 1000));
    group.bench_function("first page/ours", |b| b.iter_custom(|n| recs[0].iter(n, || ours_page(0))));
    group.bench_function("first page/raw", |b| b.iter_custom(|n| recs[1].iter(n, || raw_page(0))));
    group.sample_size(10).measurement_time(Duration::from_secs(4));
    group.bench_function("count/ours", |b| b.iter_custom(|n| recs[2].iter(n, || ours_count(0))));
    group.bench_function("count/raw", |b| b.iter_custom(|n| recs[3].iter(n, || raw_count(0))));
    group.finish();
    if common::filtered_out("list_parties") {
        return;
    }
    for (what, o, r) in [("first page", &recs[0], &recs[1]), ("count", &recs[2], &recs[3])] {
        let keep = if what == "count" { 10 } else { 20 };
        let (o, r) = (o.median(keep), r.median(keep));
        println!(
            "list_parties {what} (criterion medians): ours {}, raw {}, ratio: {:.2}×",
            common::fmt_dur(o),
            common::fmt_dur(r),
            o.as_secs_f64() / r.as_secs_f64()
        );
    }
    let quick = common::test_mode();
    let (o, r) = common::interleaved(if quick { 2 } else { 20 }, 100, ours_page, raw_page);
    common::report(
        &format!("list_parties: first page of 50, customers in LV by name, {}k parties", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64(),
        "< 2 ms",
        o < Duration::from_millis(2),
    );
    let (o, r) = common::interleaved(if quick { 2 } else { 6 }, 2, ours_count, raw_count);
    common::report(
        &format!("count_parties: customers in LV ({count}), {}k parties", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64(),
        "< 50 ms",
        o < Duration::from_millis(50),
    );
    let qpsg = common::raw_reader_qpsg(&base.path);
    let raw_page_qpsg = |_: usize| {
        black_box(common::raw_read(&qpsg, |c| raw::list_customers_in(c, CUSTOMER_BIT, "LV", 50)));
    };
    common::print_qpsg_gain("list_parties first page", if quick { 2 } else { 20 }, 100, raw_page, raw_page_qpsg);
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
