//! Purchase summaries, RFM, lifetime values and churn risk stay right while
//! the base changes: a handle keeps the summaries of its last analytics call
//! only until something is committed, through it or through any other
//! connection to the file.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use crm_core::{
    ClvRequest, Crm, NewOrder, NewOrderLine, NewParty, OrderStatus, PurchaseSummary, Uuid, analytics::ChurnRisk,
};

/// One order as the test wrote it.
#[derive(Clone)]
struct Written {
    id: Uuid,
    party: Uuid,
    at: DateTime<Utc>,
    total: i64,
    currency: &'static str,
    status: OrderStatus,
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
}

fn new_order(party: Uuid, at: DateTime<Utc>, total: i64, currency: &str, status: OrderStatus) -> NewOrder {
    NewOrder {
        status,
        placed_at: Some(at),
        lines: vec![NewOrderLine {
            product_id: None,
            description: Some("Goods".into()),
            quantity: 1,
            unit_price: Some(total),
            discount: 0,
            tax_rate_bp: 0,
        }],
        ..NewOrder::new(party, currency)
    }
}

fn write(crm: &Crm, party: Uuid, at: DateTime<Utc>, total: i64, currency: &'static str) -> Written {
    let o = crm.create_order(new_order(party, at, total, currency, OrderStatus::Placed)).unwrap();
    Written { id: o.id, party, at, total, currency, status: OrderStatus::Placed }
}

/// `n` customers with a few years of orders each: several on some days,
/// some in another currency, some cancelled, some after the as-of date.
fn populate(crm: &Crm, n: usize) -> (Vec<Uuid>, Vec<Written>) {
    let parties: Vec<Uuid> = crm
        .create_parties((0..n).map(|i| NewParty::person(format!("Customer {i}"), "Test")).collect())
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |m: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % m
    };
    let start = Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 0).unwrap();
    let mut news = Vec::new();
    let mut written = Vec::new();
    for party in &parties {
        // A rate and a chance to stop after each order of its own (as
        // BG/NBD has it), from a first order in 2022–2023.
        let mut at = start + Duration::minutes(next(2 * 365 * 24 * 60) as i64);
        let (gap, dropout) = (5 + next(90), 5 + next(50));
        let typical = 1_000 + next(9_000) as i64;
        loop {
            let currency = if next(10) == 0 { "NOK" } else { "EUR" };
            let status = match next(12) {
                0 => OrderStatus::Cancelled,
                1 => OrderStatus::Draft,
                2 => OrderStatus::Delivered,
                _ => OrderStatus::Placed,
            };
            let total = typical / 2 + next(typical as u64) as i64;
            news.push(new_order(*party, at, total, currency, status));
            written.push(Written { id: Uuid::nil(), party: *party, at, total, currency, status });
            // Now and then a second order the same day (maybe across midnight).
            at += if next(4) == 0 {
                Duration::minutes(next(600) as i64)
            } else {
                Duration::days(1 + next(2 * gap) as i64)
            };
            if next(100) < dropout || at.year() > 2024 {
                break;
            }
        }
    }
    for (w, o) in written.iter_mut().zip(crm.create_orders(news).unwrap()) {
        w.id = o.id;
    }
    (parties, written)
}

/// The summaries recounted from the orders as written.
fn recount(orders: &[Written], as_of: NaiveDate, currency: &str) -> Vec<PurchaseSummary> {
    let purchased = |s: OrderStatus| {
        matches!(s, OrderStatus::Placed | OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Delivered)
    };
    let mut days: BTreeMap<Uuid, BTreeMap<NaiveDate, (i64, i64)>> = BTreeMap::new();
    for o in orders {
        if o.currency == currency && purchased(o.status) && o.at.date_naive() <= as_of {
            let d = days.entry(o.party).or_default().entry(o.at.date_naive()).or_default();
            d.0 += o.total;
            d.1 += 1;
        }
    }
    days.into_iter()
        .map(|(party_id, days)| {
            let first = *days.keys().next().unwrap();
            let last = *days.keys().last().unwrap();
            let repeat: Vec<i64> = days.values().skip(1).map(|d| d.0).collect();
            let frequency = repeat.len() as u32;
            PurchaseSummary {
                party_id,
                frequency,
                recency_weeks: (last - first).num_days() as f64 / 7.0,
                age_weeks: (as_of - first).num_days() as f64 / 7.0,
                mean_repeat_spend: if frequency > 0 {
                    repeat.iter().sum::<i64>() as f64 / f64::from(frequency)
                } else {
                    0.0
                },
                total_spend: days.values().map(|d| d.0).sum(),
                orders: days.values().map(|d| d.1).sum(),
                first_purchase: first,
                last_purchase: last,
            }
        })
        .collect()
}

fn churn(crm: &Crm) -> Vec<ChurnRisk> {
    crm.churn_risk(as_of(), "EUR", 0.3, 2.0).unwrap()
}

#[test]
fn summaries_are_the_orders_recounted_and_follow_writes_through_the_handle() {
    let base = common::temp_base();
    let crm = &base.crm;
    let (_, mut orders) = populate(crm, 40);
    assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    assert_eq!(crm.purchase_summaries(as_of(), "nok").unwrap(), recount(&orders, as_of(), "NOK"));
    let before = crm.rfm(as_of(), "EUR").unwrap();

    // A new customer and a new purchase day of a known one.
    let newcomer = crm.create_party(NewParty::person("New", "Customer")).unwrap().id;
    orders.push(write(crm, newcomer, Utc.with_ymd_and_hms(2024, 12, 30, 23, 59, 59).unwrap(), 4_200, "EUR"));
    let known = before[before.len() / 2].party_id;
    orders.push(write(crm, known, Utc.with_ymd_and_hms(2024, 12, 31, 0, 0, 0).unwrap(), 999, "EUR"));
    assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    let after = crm.rfm(as_of(), "EUR").unwrap();
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.iter().any(|s| s.party_id == newcomer && s.monetary == 4_200 && s.recency_days == 1));
    assert!(after.iter().any(|s| s.party_id == known && s.recency_days == 0));

    // A cancelled order stops counting.
    let placed = orders.iter().position(|o| o.status == OrderStatus::Placed && o.currency == "EUR").unwrap();
    let version = crm.get_order(orders[placed].id).unwrap().version;
    crm.set_order_status(orders[placed].id, version, OrderStatus::Cancelled).unwrap();
    orders[placed].status = OrderStatus::Cancelled;
    assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));

    // A failed write changes nothing, and neither do the summaries.
    let bad = crm.create_order(new_order(Uuid::now_v7(), Utc::now(), 1, "EUR", OrderStatus::Placed));
    assert!(bad.is_err());
    assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));

    // Every answer equals a fresh handle's.
    let fresh = Crm::open(&base.path).unwrap();
    assert_eq!(crm.rfm(as_of(), "EUR").unwrap(), fresh.rfm(as_of(), "EUR").unwrap());
    assert_eq!(churn(crm), churn(&fresh));
}

#[test]
fn summaries_follow_commits_of_other_handles_and_connections() {
    let base = common::temp_base();
    let (parties, mut orders) = populate(&base.crm, 30);
    let reader = Crm::open_with(&base.path, crm_core::Options { read_only: true, ..Default::default() }).unwrap();
    let other = Crm::open(&base.path).unwrap();
    for crm in [&base.crm, &reader] {
        assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    }

    // Another handle on the file writes.
    orders.push(write(&other, parties[3], Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap(), 7_000, "EUR"));
    for crm in [&base.crm, &reader] {
        assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    }

    // Another program writes to the file directly.
    let conn = rusqlite::Connection::open(&base.path).unwrap();
    let first = &mut orders[0];
    first.total += 100;
    let changed =
        conn.execute("UPDATE sales_order SET total_minor = total_minor + 100 WHERE id = ?1", [first.id]).unwrap();
    assert_eq!(changed, 1);
    for crm in [&base.crm, &reader] {
        assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    }
}

#[test]
fn values_and_churn_risk_follow_writes_and_match_a_fresh_handle() {
    let base = common::temp_base();
    let crm = &base.crm;
    let (parties, _) = populate(crm, 150);
    let req = ClvRequest { as_of: as_of(), currency: "EUR".into(), options: Default::default() };
    let values = crm.customer_values(&req).unwrap();
    let model = crm.fit_clv(as_of(), "EUR").unwrap();
    let risks = churn(crm);
    // Asked again on an unchanged base: the same answers.
    assert_eq!(crm.customer_values(&req).unwrap(), values);
    assert_eq!(crm.fit_clv(as_of(), "EUR").unwrap(), model);
    assert_eq!(churn(crm), risks);

    // Ten customers buy again: the fit and every prediction move on.
    for p in &parties[..10] {
        write(crm, *p, Utc.with_ymd_and_hms(2024, 12, 20, 10, 0, 0).unwrap(), 5_000, "EUR");
    }
    let values_after = crm.customer_values(&req).unwrap();
    let model_after = crm.fit_clv(as_of(), "EUR").unwrap();
    assert_ne!(model_after, model);
    assert_ne!(values_after, values);
    let fresh = Crm::open(&base.path).unwrap();
    assert_eq!(fresh.fit_clv(as_of(), "EUR").unwrap(), model_after);
    assert_eq!(fresh.customer_values(&req).unwrap(), values_after);
    assert_eq!(churn(crm), churn(&fresh));
}

#[test]
fn as_of_dates_and_currencies_do_not_mix() {
    let base = common::temp_base();
    let (_, orders) = populate(&base.crm, 40);
    let earlier = NaiveDate::from_ymd_opt(2023, 3, 31).unwrap();
    // Alternate between keys on one handle; each answer is its own recount.
    for _ in 0..2 {
        for (day, currency) in
            [(as_of(), "EUR"), (earlier, "EUR"), (earlier, "NOK"), (as_of(), "NOK"), (as_of(), "EUR")]
        {
            assert_eq!(base.crm.purchase_summaries(day, currency).unwrap(), recount(&orders, day, currency));
            let rfm = base.crm.rfm(day, currency).unwrap();
            assert_eq!(rfm.len(), recount(&orders, day, currency).len());
        }
    }
    // A bad currency is refused whatever was computed before.
    assert_eq!(base.crm.rfm(as_of(), "EURO").unwrap_err().kind(), crm_core::ErrorKind::Validation);
}

#[test]
fn an_in_memory_base_follows_its_writes() {
    let crm = Crm::open_in_memory().unwrap();
    let (_, mut orders) = populate(&crm, 20);
    assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    let newcomer = crm.create_party(NewParty::person("New", "Customer")).unwrap().id;
    orders.push(write(&crm, newcomer, Utc.with_ymd_and_hms(2024, 2, 29, 8, 0, 0).unwrap(), 1_500, "EUR"));
    assert_eq!(crm.purchase_summaries(as_of(), "EUR").unwrap(), recount(&orders, as_of(), "EUR"));
    assert!(crm.rfm(as_of(), "EUR").unwrap().iter().any(|s| s.party_id == newcomer && s.monetary == 1_500));
}

#[test]
fn one_call_reads_one_committed_state_while_another_handle_writes() {
    let base = common::temp_base();
    // Customers over the whole range of ids (the scan splits it); every
    // commit below adds one order to the first and one to the last.
    let (parties, _) = populate(&base.crm, 300);
    let (a, z) = (parties[0], parties[parties.len() - 1]);
    let day = |k: i64| Utc.with_ymd_and_hms(2024, 1, 1, 12, 0, 0).unwrap() + Duration::days(k);
    let pair = |k: i64| {
        vec![
            new_order(a, day(k), 100, "EUR", OrderStatus::Placed),
            new_order(z, day(k), 100, "EUR", OrderStatus::Placed),
        ]
    };
    base.crm.create_orders(pair(0)).unwrap();
    let orders = |crm: &Crm| {
        let s = crm.purchase_summaries(as_of(), "EUR").unwrap();
        let n = |p: Uuid| s.iter().find(|s| s.party_id == p).map_or(0, |s| s.orders);
        (n(a), n(z))
    };
    let (a0, z0) = orders(&base.crm);
    let writer = Crm::open(&base.path).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    let mut seen = std::collections::BTreeSet::new();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for k in 1..=150 {
                writer.create_orders(pair(k)).unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            let (na, nz) = orders(&base.crm);
            assert_eq!(na - a0, nz - z0, "the first and the last customer read from different commits");
            seen.insert(na - a0);
        }
    });
    assert_eq!(orders(&base.crm), (a0 + 150, z0 + 150));
    assert!(seen.len() > 1, "the reads did not overlap the writes");
}
