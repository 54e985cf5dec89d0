//! Customer analytics on the CDNOW sample, imported as orders through the
//! public API and summarised by the library itself.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use crm_core::{ClvRequest, Crm, NewOrder, NewOrderLine, NewParty, OrderChannel, OrderStatus, RfmSegment};

fn cdnow_dir() -> std::path::PathBuf {
    if let Ok(d) = std::env::var("CDNOW_DIR") {
        return d.into();
    }
    let mut dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let candidate = dir.join("shared/data/cdnow");
        if candidate.is_dir() {
            return candidate;
        }
        if !dir.pop() {
            panic!("CDNOW data not found: set CDNOW_DIR");
        }
    }
}

/// 3 significant digits.
fn sig3(x: f64) -> f64 {
    let m = 10f64.powi(2 - x.abs().log10().floor() as i32);
    (x * m).round() / m
}

fn import() -> Crm {
    let text = std::fs::read_to_string(cdnow_dir().join("CDNOW_sample.txt")).unwrap();
    let crm = Crm::open_in_memory().unwrap();
    let mut purchases: BTreeMap<u32, Vec<(NaiveDate, i64, i64)>> = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let customer: u32 = f[1].parse().unwrap();
        let date = NaiveDate::parse_from_str(f[2], "%Y%m%d").unwrap();
        let cds: i64 = f[3].parse().unwrap();
        let cents = (f[4].parse::<f64>().unwrap() * 100.0).round() as i64;
        purchases.entry(customer).or_default().push((date, cds, cents));
    }
    assert_eq!(purchases.len(), 2357);
    let parties = crm
        .create_parties(purchases.keys().map(|c| NewParty::person(format!("Customer {c:04}"), "CDNOW")).collect())
        .unwrap();
    let mut orders = Vec::new();
    for (party, (c, list)) in parties.iter().zip(&purchases) {
        for (i, (date, cds, cents)) in list.iter().enumerate() {
            orders.push(NewOrder {
                external_id: Some(format!("{c}-{i}")),
                channel: OrderChannel::WebShop,
                status: OrderStatus::Delivered,
                placed_at: Some(Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap())),
                lines: vec![NewOrderLine {
                    product_id: None,
                    description: Some(format!("{cds} CDs")),
                    quantity: 1,
                    unit_price: Some(*cents),
                    discount: 0,
                    tax_rate_bp: 0,
                }],
                ..NewOrder::new(party.id, "USD")
            });
        }
    }
    assert_eq!(orders.len(), 6919);
    crm.create_orders(orders).unwrap();
    crm
}

#[test]
fn bgnbd_and_gamma_gamma_match_the_published_estimates() {
    let crm = import();
    let calibration_end = NaiveDate::from_ymd_opt(1997, 9, 30).unwrap();
    let model = crm.fit_clv(calibration_end, "USD").unwrap();
    let p = model.bgnbd.params;
    println!("BG/NBD {:?} ll {}", p, model.bgnbd.log_likelihood);
    assert_eq!(model.customers, 2357);
    assert_eq!((sig3(p.r), sig3(p.alpha), sig3(p.a), sig3(p.b)), (0.243, 4.41, 0.793, 2.43));
    assert!((model.bgnbd.log_likelihood - -9582.4).abs() < 0.1, "{}", model.bgnbd.log_likelihood);
    let gg = model.gamma_gamma.unwrap();
    println!("Gamma-Gamma {:?}", gg.params);
    // Spend is in cents here: γ scales with the money unit.
    assert_eq!((sig3(gg.params.p), sig3(gg.params.q), sig3(gg.params.gamma / 100.0)), (6.25, 3.74, 15.4));
    assert_eq!(gg.n_customers, 946);

    let values = crm
        .customer_values(&ClvRequest { as_of: calibration_end, currency: "USD".into(), options: Default::default() })
        .unwrap();
    assert_eq!(values.len(), 2357);
    assert!(values.windows(2).all(|w| w[0].clv >= w[1].clv));
    assert!(values.iter().all(|v| v.clv.is_finite() && (0.0..=1.0).contains(&v.probability_alive)));

    let rfm = crm.rfm(calibration_end, "usd").unwrap();
    assert_eq!(rfm.len(), 2357);
    assert!(rfm.iter().any(|s| s.segment == RfmSegment::Champions));
    assert!(rfm.iter().all(|s| (1..=5).contains(&s.r) && (1..=5).contains(&s.f) && (1..=5).contains(&s.m)));
    // Another currency has no purchases: a clear error, not NaN.
    assert_eq!(crm.fit_clv(calibration_end, "EUR").unwrap_err().field(), Some("orders"));
    assert_eq!(crm.fit_clv(calibration_end, "XXX1").unwrap_err().field(), Some("currency"));
}
