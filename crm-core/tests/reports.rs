//! Funnel, forecast, revenue cuts, cohorts, churn risk and next-best-offer.

use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use crm_core::analytics::{FunnelGroup, Period, RevenueBy, RevenueQuery};
use crm_core::{
    Crm, CustomerRole, Money, NewLead, NewOpportunity, NewOrder, NewOrderLine, NewParty, NewPipeline, NewProduct,
    NewStage, OrderStatus, RoleDetails,
};

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

fn order(
    party: crm_core::Uuid,
    when: chrono::DateTime<Utc>,
    lines: Vec<(crm_core::Uuid, i64)>,
    currency: &str,
) -> NewOrder {
    NewOrder {
        status: OrderStatus::Delivered,
        placed_at: Some(when),
        lines: lines
            .into_iter()
            .map(|(p, price)| NewOrderLine { unit_price: Some(price), ..NewOrderLine::product(p, 1) })
            .collect(),
        ..NewOrder::new(party, currency)
    }
}

#[test]
fn funnel_and_forecast() {
    let crm = Crm::open_in_memory().unwrap();
    let p = crm
        .create_pipeline(NewPipeline {
            name: "B2B".into(),
            stages: vec![
                NewStage::open("Qualify", 20),
                NewStage::open("Propose", 50),
                NewStage::won("Won"),
                NewStage::lost("Lost"),
            ],
        })
        .unwrap();
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let mut opps = Vec::new();
    for i in 0..4 {
        let mut n = NewOpportunity::new(format!("D{i}"), acme.id, p.id, Money::new(10_000, "EUR"));
        n.owner = Some(if i < 2 { "inga" } else { "juris" }.into());
        n.expected_close = NaiveDate::from_ymd_opt(2026, 1 + i as u32, 15);
        opps.push(crm.create_opportunity(n).unwrap());
    }
    // D0: Qualify → Propose → Won; D1: Qualify → Lost; D2: Qualify → Propose; D3 stays.
    let o = crm.move_opportunity(opps[0].id, 1, p.stages[1].id, None).unwrap();
    crm.move_opportunity(o.id, o.version, p.stages[2].id, None).unwrap();
    crm.move_opportunity(opps[1].id, 1, p.stages[3].id, Some("price")).unwrap();
    crm.move_opportunity(opps[2].id, 1, p.stages[1].id, None).unwrap();
    let f = crm.funnel(p.id, None, None, FunnelGroup::All).unwrap();
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.opportunities, 4);
    assert_eq!(f.win_rate, Some(0.5));
    assert_eq!(f.stages[0].reached, 4);
    assert_eq!(f.stages[0].conversion, Some(0.5)); // D0 and D2 moved on to Propose
    assert_eq!(f.stages[1].reached, 2);
    assert_eq!(f.stages[1].conversion, Some(0.5)); // D0 won
    assert!(f.stages[0].median_days.is_some());
    let by_owner = crm.funnel(p.id, None, None, FunnelGroup::Owner).unwrap();
    assert_eq!(by_owner.iter().map(|g| g.group.clone().unwrap()).collect::<Vec<_>>(), ["inga", "juris"]);
    // Weighted forecast: open D2 (50 %) in March, D3 (20 %) in April.
    let fc = crm.forecast(Some(p.id)).unwrap();
    let months: Vec<(&str, i64)> = fc.iter().map(|m| (m.month.as_str(), m.weighted_amount)).collect();
    assert_eq!(months, [("2026-03", 5_000), ("2026-04", 2_000)]);
    // Lead funnel.
    for (src, n) in [("web", 3), ("referral", 2)] {
        for _ in 0..n {
            crm.create_lead(NewLead {
                email: Some(format!("x{n}{src}@y.lv")),
                source: Some(src.into()),
                ..Default::default()
            })
            .unwrap();
        }
    }
    let lf = crm.lead_funnel(None, None, Some("source")).unwrap();
    assert_eq!(
        lf.iter().map(|g| (g.group.clone().unwrap(), g.leads)).collect::<Vec<_>>(),
        [("referral".into(), 2), ("web".to_string(), 3)]
    );
    assert_eq!(crm.lead_funnel(None, None, Some("shoe")).unwrap_err().field(), Some("group"));
}

#[test]
fn revenue_cohorts_churn_and_offers() {
    let crm = Crm::open_in_memory().unwrap();
    let gold = RoleDetails::Customer(CustomerRole { tier: Some("gold".into()), ..Default::default() });
    let a = crm.create_party(NewParty::person("A", "A").with_role(gold)).unwrap();
    let b = crm.create_party(NewParty::person("B", "B").with_tag("student")).unwrap();
    let c = crm.create_party(NewParty::person("C", "C")).unwrap();
    let tent =
        crm.create_product(NewProduct { category: Some("camping".into()), ..NewProduct::new("TENT", "Tent") }).unwrap();
    let mat =
        crm.create_product(NewProduct { category: Some("camping".into()), ..NewProduct::new("MAT", "Mat") }).unwrap();
    let boots =
        crm.create_product(NewProduct { category: Some("shoes".into()), ..NewProduct::new("BOOTS", "Boots") }).unwrap();
    let socks =
        crm.create_product(NewProduct { category: Some("shoes".into()), ..NewProduct::new("SOCKS", "Socks") }).unwrap();
    crm.create_orders(vec![
        order(a.id, at(2025, 1, 5), vec![(tent.id, 20_000), (mat.id, 3_000)], "EUR"),
        order(a.id, at(2025, 2, 5), vec![(boots.id, 9_000)], "EUR"),
        order(a.id, at(2025, 3, 5), vec![(socks.id, 1_000)], "EUR"),
        order(b.id, at(2025, 1, 20), vec![(tent.id, 20_000)], "EUR"),
        order(b.id, at(2025, 3, 1), vec![(mat.id, 3_000)], "EUR"),
        order(c.id, at(2025, 2, 10), vec![(boots.id, 90_000)], "NOK"),
        order(c.id, at(2025, 2, 11), vec![(socks.id, 10_000)], "NOK"),
    ])
    .unwrap();
    // Revenue by month: currencies never mixed…
    let rows = crm.revenue(&RevenueQuery::default()).unwrap();
    let cell = |rows: &[crm_core::analytics::RevenueRow], p: &str, k: &str, cur: &str| {
        rows.iter().find(|r| r.period == p && r.key == k && r.currency == cur).map(|r| r.amount)
    };
    assert_eq!(cell(&rows, "2025-01", "", "EUR"), Some(43_000));
    assert_eq!(cell(&rows, "2025-02", "", "NOK"), Some(100_000));
    // …unless converted with the caller's rates.
    let q = RevenueQuery {
        convert_to: Some("EUR".into()),
        rates: BTreeMap::from([("NOK".into(), 0.085)]),
        ..Default::default()
    };
    let conv = crm.revenue(&q).unwrap();
    assert_eq!(cell(&conv, "2025-02", "", "EUR"), Some(9_000 + 8_500));
    let missing = RevenueQuery { convert_to: Some("SEK".into()), ..Default::default() };
    assert_eq!(crm.revenue(&missing).unwrap_err().field(), Some("rates"));
    let by_cat =
        crm.revenue(&RevenueQuery { by: RevenueBy::Category, period: Period::Quarter, ..Default::default() }).unwrap();
    assert_eq!(cell(&by_cat, "2025-Q1", "camping", "EUR"), Some(46_000));
    let by_tier =
        crm.revenue(&RevenueQuery { by: RevenueBy::Tier, period: Period::Year, ..Default::default() }).unwrap();
    assert_eq!(cell(&by_tier, "2025", "gold", "EUR"), Some(33_000));
    let by_seg =
        crm.revenue(&RevenueQuery { by: RevenueBy::Segment, period: Period::Year, ..Default::default() }).unwrap();
    assert_eq!(cell(&by_seg, "2025", "student", "EUR"), Some(23_000));
    // Cohorts by first purchase month.
    let cohorts = crm.cohorts("EUR", 3).unwrap();
    assert_eq!(cohorts.len(), 1);
    assert_eq!(cohorts[0].month, "2025-01");
    assert_eq!(cohorts[0].customers, 2);
    assert_eq!(cohorts[0].active, [2, 1, 2]);
    assert_eq!(cohorts[0].retention[1], 0.5);
    // Churn: B bought every ~40 days, and nothing for 200 days.
    let risk = crm.churn_risk(NaiveDate::from_ymd_opt(2025, 9, 17).unwrap(), "EUR", 0.0, 3.0).unwrap();
    assert!(risk.iter().any(|r| r.party_id == b.id && r.reason.contains("usual")), "{risk:?}");
    // Offers: A has everything; B has tent and mat → boots (bought with them by A).
    let offers = crm.next_best_offers(b.id, 2).unwrap();
    assert!(offers.iter().all(|o| o.product_id != tent.id && o.product_id != mat.id));
    assert!(offers.iter().any(|o| o.product_id == boots.id || o.product_id == socks.id));
    let eval = crm.evaluate_offers(1).unwrap();
    assert_eq!(eval.customers, 3);
    assert!((0.0..=1.0).contains(&eval.hit_rate));
    assert_eq!(crm.next_best_offers(crm_core::Uuid::now_v7(), 2).unwrap_err().kind(), crm_core::ErrorKind::NotFound);
}

#[test]
fn a_learned_win_probability_beats_the_stage_defaults_when_history_has_signal() {
    let crm = Crm::open_in_memory().unwrap();
    let p = crm
        .create_pipeline(NewPipeline {
            name: "B2B".into(),
            stages: vec![
                NewStage::open("Qualify", 30),
                NewStage::open("Propose", 60),
                NewStage::won("Won"),
                NewStage::lost("Lost"),
            ],
        })
        .unwrap();
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    // Referral deals are won, cold ones lost, whatever the stage says.
    for i in 0..80 {
        let mut n = NewOpportunity::new(format!("D{i}"), acme.id, p.id, Money::new(1_000 + i * 10, "EUR"));
        n.source = Some(if i % 2 == 0 { "referral" } else { "cold" }.into());
        let o = crm.create_opportunity(n).unwrap();
        let o = crm.move_opportunity(o.id, o.version, p.stages[1].id, None).unwrap();
        let won = i % 2 == 0 && i % 10 != 0 || i % 2 == 1 && i % 9 == 0;
        crm.move_opportunity(o.id, o.version, p.stages[if won { 2 } else { 3 }].id, None).unwrap();
    }
    let open = crm
        .create_opportunity(NewOpportunity {
            source: Some("referral".into()),
            ..NewOpportunity::new("Open", acme.id, p.id, Money::new(5_000, "EUR"))
        })
        .unwrap();
    let report = crm.win_model(p.id).unwrap();
    assert_eq!(report.train_examples + report.test_examples, 160);
    assert!(report.brier_model < report.brier_default, "{report:?}");
    assert_eq!(report.calibration.len(), 10);
    let pred = crm.predict_wins(p.id).unwrap();
    assert_eq!(pred.len(), 1);
    assert_eq!(pred[0].opportunity_id, open.id);
    assert!(pred[0].predicted_probability > 0.6, "{pred:?}");
    // No history: a clear error.
    let empty = crm
        .create_pipeline(NewPipeline {
            name: "E".into(),
            stages: vec![NewStage::open("A", 10), NewStage::won("W"), NewStage::lost("L")],
        })
        .unwrap();
    assert_eq!(crm.win_model(empty.id).unwrap_err().field(), Some("pipeline_id"));
}
