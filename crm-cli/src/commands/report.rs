//! `crm report …`: the core's analytics as tables, or all of them as one
//! HTML page with charts ([`crate::html`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use crm_core::analytics::clv::ClvOptions;
use crm_core::analytics::{
    ChurnRisk, Cohort, Funnel, FunnelGroup, LeadFunnel, OfferEvaluation, Period, RevenueBy, RevenueQuery, RevenueRow,
};
use crm_core::{ClvRequest, Crm, CustomerValue, Pipeline, PipelineSummary, RfmScore, Uuid};
use serde::Serialize;

use super::{clip, invalid, money, name_of, names, open_read, opt_time, pipeline, resolve};
use crate::cli::{CustomerReportArgs, FunnelByArg, PeriodArg, ReportArgs, ReportCommand, RevenueByArg};
use crate::output;

fn period(p: PeriodArg) -> Period {
    match p {
        PeriodArg::Day => Period::Day,
        PeriodArg::Week => Period::Week,
        PeriodArg::Month => Period::Month,
        PeriodArg::Quarter => Period::Quarter,
        PeriodArg::Year => Period::Year,
    }
}

fn revenue_by(b: RevenueByArg) -> RevenueBy {
    match b {
        RevenueByArg::Total => RevenueBy::Total,
        RevenueByArg::Product => RevenueBy::Product,
        RevenueByArg::Category => RevenueBy::Category,
        RevenueByArg::Tier => RevenueBy::Tier,
        RevenueByArg::Country => RevenueBy::Country,
        RevenueByArg::Channel => RevenueBy::Channel,
        RevenueByArg::Segment => RevenueBy::Segment,
    }
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn opt_pct(x: Option<f64>) -> String {
    x.map(pct).unwrap_or_default()
}

fn days(x: Option<f64>) -> String {
    x.map(|d| format!("{d:.1}")).unwrap_or_default()
}

/// The day the customer reports look from: the one asked for, or the day
/// of the latest purchase in the base.
pub fn as_of(crm: &Crm, asked: Option<NaiveDate>) -> Result<NaiveDate> {
    if let Some(d) = asked {
        return Ok(d);
    }
    let rows = crm.revenue(&RevenueQuery { period: Period::Day, ..Default::default() })?;
    let last = rows.iter().filter_map(|r| NaiveDate::parse_from_str(&r.period, "%Y-%m-%d").ok()).max();
    last.ok_or_else(|| invalid("orders", "no purchases in the base: add orders (or run `crm demo`) first"))
}

pub fn run(db: &Path, json: bool, a: &ReportArgs, out: &mut dyn Write) -> Result<()> {
    if let Some(file) = &a.html {
        let crm = open_read(db)?;
        let data = collect(&crm, &a.currency, a.as_of)?;
        let page = crate::html::page(&data);
        std::fs::write(file, page).with_context(|| format!("cannot write {}", file.display()))?;
        if json {
            #[derive(Serialize)]
            struct Written {
                html: String,
                sections: Vec<&'static str>,
            }
            return output::json(
                out,
                &Written { html: file.display().to_string(), sections: crate::html::SECTIONS.to_vec() },
            );
        }
        writeln!(out, "Wrote {} ({} as of {})", file.display(), data.currency, data.as_of)?;
        return Ok(());
    }
    let Some(cmd) = &a.command else {
        return Err(invalid(
            "report",
            "name a report (funnel, forecast, revenue, rfm, clv, cohorts, churn, recommend, win) or pass --html FILE",
        ));
    };
    let crm = open_read(db)?;
    match cmd {
        ReportCommand::Funnel { pipeline: pl, by, from, to } => {
            let from = opt_time("from", from.as_deref())?;
            let to = opt_time("to", to.as_deref())?;
            let group = match by {
                FunnelByArg::All => FunnelGroup::All,
                FunnelByArg::Owner => FunnelGroup::Owner,
                FunnelByArg::Source => FunnelGroup::Source,
            };
            let pipelines = match pl {
                Some(p) => vec![pipeline(&crm, p)?],
                None => crm.pipelines()?,
            };
            #[derive(Serialize)]
            struct PipelineFunnels {
                pipeline_id: Uuid,
                pipeline: String,
                funnels: Vec<Funnel>,
            }
            #[derive(Serialize)]
            struct Funnels {
                pipelines: Vec<PipelineFunnels>,
                leads: Vec<LeadFunnel>,
                leads_by_source: Vec<LeadFunnel>,
            }
            let mut all = Funnels {
                pipelines: Vec::new(),
                leads: crm.lead_funnel(from, to, None)?,
                leads_by_source: crm.lead_funnel(from, to, Some("source"))?,
            };
            for p in pipelines {
                let funnels = crm.funnel(p.id, from, to, group)?;
                all.pipelines.push(PipelineFunnels { pipeline_id: p.id, pipeline: p.name, funnels });
            }
            if json {
                return output::json(out, &all);
            }
            for p in &all.pipelines {
                for f in &p.funnels {
                    let group = f.group.as_deref().map(|g| format!(" — {g}")).unwrap_or_default();
                    output::heading(
                        out,
                        &format!(
                            "{}{group}: {} opportunities, win rate {}",
                            p.pipeline,
                            f.opportunities,
                            opt_pct(f.win_rate)
                        ),
                    )?;
                    output::print_table(out, &funnel_table(f))?;
                }
            }
            output::heading(out, "Leads by source")?;
            output::print_table(out, &lead_table(&all.leads_by_source, &all.leads))
        }
        ReportCommand::Forecast { pipeline: pl } => {
            let id = pl.as_deref().map(|p| pipeline(&crm, p)).transpose()?.map(|p| p.id);
            let rows = crm.forecast(id)?;
            if json {
                return output::json(out, &rows);
            }
            if rows.is_empty() {
                writeln!(out, "No open opportunities.")?;
                return Ok(());
            }
            let mut t = output::table(&["close month", "currency", "open", "amount", "weighted"]);
            for r in &rows {
                t.add_row(vec![
                    r.month.clone(),
                    r.currency.clone(),
                    r.count.to_string(),
                    money(r.amount, &r.currency),
                    money(r.weighted_amount, &r.currency),
                ]);
            }
            output::print_table(out, &t)
        }
        ReportCommand::Revenue { period: p, by, from, to, convert_to, rates } => {
            let mut q = RevenueQuery {
                from: opt_time("from", from.as_deref())?,
                to: opt_time("to", to.as_deref())?,
                period: period(*p),
                by: revenue_by(*by),
                convert_to: convert_to.clone(),
                rates: BTreeMap::new(),
            };
            for r in rates {
                let (cur, rate) =
                    r.split_once('=').ok_or_else(|| invalid("rates", format!("{r:?} is not CURRENCY=RATE")))?;
                let rate: f64 = rate
                    .trim()
                    .parse()
                    .map_err(|_| invalid(format!("rates.{}", cur.trim()), format!("{rate:?} is not a number")))?;
                q.rates.insert(cur.trim().to_ascii_uppercase(), rate);
            }
            let rows = crm.revenue(&q)?;
            if json {
                return output::json(out, &rows);
            }
            if rows.is_empty() {
                writeln!(out, "No revenue in the period.")?;
                return Ok(());
            }
            output::print_table(out, &revenue_table(&rows, !matches!(by, RevenueByArg::Total)))
        }
        ReportCommand::Rfm(args) => rfm(&crm, json, args, out),
        ReportCommand::Clv { args, months } => clv(&crm, json, args, *months, out),
        ReportCommand::Cohorts { currency, months } => {
            let cohorts = crm.cohorts(currency, *months)?;
            if json {
                return output::json(out, &cohorts);
            }
            if cohorts.is_empty() {
                writeln!(out, "No purchases in {currency}.")?;
                return Ok(());
            }
            output::print_table(out, &cohort_table(&cohorts, *months))
        }
        ReportCommand::Churn { args, threshold, gap_factor } => {
            let day = as_of(&crm, args.as_of)?;
            let list = crm.churn_risk(day, &args.currency, *threshold, *gap_factor)?;
            if json {
                return output::json(out, &list);
            }
            writeln!(out, "{} customers at risk in {} as of {day}", list.len(), args.currency.to_ascii_uppercase())?;
            if list.is_empty() {
                return Ok(());
            }
            output::print_table(out, &churn_table(&crm, &list[..list.len().min(args.limit)]))
        }
        ReportCommand::Recommend { party, k } => {
            let eval = crm.evaluate_offers(*k)?;
            let offers = match party {
                Some(p) => {
                    let id = resolve(&crm, p)?;
                    Some((id, crm.next_best_offers(id, *k)?))
                }
                None => None,
            };
            if json {
                #[derive(Serialize)]
                struct Recommend {
                    evaluation: OfferEvaluation,
                    party_id: Option<Uuid>,
                    offers: Option<Vec<crm_core::analytics::Offer>>,
                }
                let (party_id, offers) = match offers {
                    Some((id, o)) => (Some(id), Some(o)),
                    None => (None, None),
                };
                return output::json(out, &Recommend { evaluation: eval, party_id, offers });
            }
            output::heading(out, "Next-best-offer, each customer's last order held out")?;
            output::print_table(out, &evaluation_table(&eval))?;
            if let Some((id, offers)) = offers {
                let products: BTreeMap<Uuid, crm_core::Product> =
                    crm.products(None, true)?.into_iter().map(|p| (p.id, p)).collect();
                let names = names(&crm, [id]);
                output::heading(out, &format!("Offers for {}", name_of(&names, id)))?;
                let mut t = output::table(&["sku", "product", "category", "score"]);
                for o in &offers {
                    let p = products.get(&o.product_id);
                    t.add_row(vec![
                        p.map(|p| p.sku.clone()).unwrap_or_default(),
                        p.map(|p| p.name.clone()).unwrap_or_else(|| o.product_id.to_string()),
                        p.and_then(|p| p.category.clone()).unwrap_or_default(),
                        format!("{:.3}", o.score),
                    ]);
                }
                output::print_table(out, &t)?;
            }
            Ok(())
        }
        ReportCommand::Win { pipeline: pl } => {
            let p = match pl {
                Some(p) => pipeline(&crm, p)?,
                None => crm
                    .pipelines()?
                    .into_iter()
                    .next()
                    .ok_or_else(|| invalid("pipeline", "the base has no pipeline"))?,
            };
            let report = crm.win_model(p.id)?;
            if json {
                return output::json(out, &report);
            }
            writeln!(
                out,
                "{}: learned from {} stage entries, checked on {} held out",
                p.name, report.train_examples, report.test_examples
            )?;
            writeln!(
                out,
                "Brier score (lower is better): model {:.4}, stage defaults {:.4}",
                report.brier_model, report.brier_default
            )?;
            output::heading(out, "Calibration on the held-out entries")?;
            let mut t = output::table(&["predicted", "entries", "mean predicted", "won"]);
            for b in report.calibration.iter().filter(|b| b.count > 0) {
                t.add_row(vec![
                    format!("{:.0}–{:.0} %", b.low * 100.0, b.high * 100.0),
                    b.count.to_string(),
                    pct(b.mean_predicted),
                    pct(b.observed),
                ]);
            }
            output::print_table(out, &t)?;
            output::heading(out, "Weights")?;
            let mut w: Vec<(&String, &f64)> = report.weights.iter().collect();
            w.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            let mut t = output::table(&["feature", "weight"]);
            for (k, v) in w {
                t.add_row(vec![k.clone(), format!("{v:+.3}")]);
            }
            output::print_table(out, &t)
        }
    }
}

fn funnel_table(f: &Funnel) -> comfy_table::Table {
    let mut t = output::table(&["stage", "reached", "moved on", "median days", "mean days"]);
    for s in &f.stages {
        t.add_row(vec![
            s.name.clone(),
            s.reached.to_string(),
            opt_pct(s.conversion),
            days(s.median_days),
            days(s.mean_days),
        ]);
    }
    t
}

fn lead_table(groups: &[LeadFunnel], total: &[LeadFunnel]) -> comfy_table::Table {
    let mut t =
        output::table(&["source", "leads", "working+", "qualified+", "converted", "disqualified", "conversion"]);
    for l in groups.iter().chain(total) {
        let name = match (&l.group, groups.iter().any(|g| std::ptr::eq(g, l))) {
            (Some(g), _) => g.clone(),
            (None, true) => "(none)".to_string(),
            (None, false) => "all".to_string(),
        };
        t.add_row(vec![
            name,
            l.leads.to_string(),
            l.working.to_string(),
            l.qualified.to_string(),
            l.converted.to_string(),
            l.disqualified.to_string(),
            pct(l.converted as f64 / l.leads.max(1) as f64),
        ]);
    }
    t
}

fn revenue_table(rows: &[RevenueRow], keyed: bool) -> comfy_table::Table {
    let mut headers = vec!["period"];
    if keyed {
        headers.push("key");
    }
    headers.extend(["currency", "orders", "revenue"]);
    let mut t = output::table(&headers);
    for r in rows {
        let mut row = vec![r.period.clone()];
        if keyed {
            row.push(r.key.clone());
        }
        row.extend([r.currency.clone(), r.orders.to_string(), money(r.amount, &r.currency)]);
        t.add_row(row);
    }
    t
}

fn cohort_table(cohorts: &[Cohort], months: usize) -> comfy_table::Table {
    let mut headers: Vec<String> = vec!["cohort".into(), "customers".into()];
    headers.extend((0..months).map(|m| format!("M{m}")));
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = output::table(&refs);
    for c in cohorts {
        let mut row = vec![c.month.clone(), c.customers.to_string()];
        row.extend(c.retention.iter().map(|r| format!("{:.0}%", r * 100.0)));
        t.add_row(row);
    }
    t
}

fn churn_table(crm: &Crm, list: &[ChurnRisk]) -> comfy_table::Table {
    let names = names(crm, list.iter().map(|c| c.party_id));
    let mut t = output::table(&["customer", "P(alive)", "days since", "usual gap", "why", "party id"]);
    for c in list {
        t.add_row(vec![
            clip(&name_of(&names, c.party_id), 36),
            opt_pct(c.probability_alive),
            c.days_since_last.to_string(),
            days(c.usual_gap_days),
            c.reason.clone(),
            c.party_id.to_string(),
        ]);
    }
    t
}

fn evaluation_table(e: &OfferEvaluation) -> comfy_table::Table {
    let mut t = output::table(&["recommender", "customers", "k", "hit rate"]);
    t.add_row(vec!["co-purchase (item-to-item)".into(), e.customers.to_string(), e.k.to_string(), pct(e.hit_rate)]);
    t.add_row(vec![
        "most popular (baseline)".into(),
        e.customers.to_string(),
        e.k.to_string(),
        pct(e.baseline_hit_rate),
    ]);
    let lift = if e.baseline_hit_rate > 0.0 { e.hit_rate / e.baseline_hit_rate } else { f64::NAN };
    t.add_row(vec!["lift".into(), String::new(), String::new(), format!("{lift:.2}×")]);
    t
}

/// Counts and means of the customers of each RFM segment.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentRow {
    pub segment: String,
    pub customers: u64,
    pub share: f64,
    pub mean_recency_days: f64,
    pub mean_frequency: f64,
    pub mean_monetary: f64,
}

pub fn segments(scores: &[RfmScore]) -> Vec<SegmentRow> {
    let mut by: BTreeMap<String, (u64, f64, f64, f64)> = BTreeMap::new();
    for s in scores {
        let e = by.entry(output::word(&s.segment)).or_default();
        e.0 += 1;
        e.1 += s.recency_days as f64;
        e.2 += f64::from(s.frequency);
        e.3 += s.monetary as f64;
    }
    let n = scores.len().max(1) as f64;
    let mut rows: Vec<SegmentRow> = by
        .into_iter()
        .map(|(segment, (c, r, f, m))| {
            let k = c.max(1) as f64;
            SegmentRow {
                segment,
                customers: c,
                share: c as f64 / n,
                mean_recency_days: r / k,
                mean_frequency: f / k,
                mean_monetary: m / k,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.customers.cmp(&a.customers).then(a.segment.cmp(&b.segment)));
    rows
}

fn rfm(crm: &Crm, json: bool, a: &CustomerReportArgs, out: &mut dyn Write) -> Result<()> {
    let day = as_of(crm, a.as_of)?;
    let scores = crm.rfm(day, &a.currency)?;
    let segs = segments(&scores);
    let currency = a.currency.to_ascii_uppercase();
    if json {
        #[derive(Serialize)]
        struct Rfm<'a> {
            as_of: NaiveDate,
            currency: &'a str,
            segments: &'a [SegmentRow],
            customers: &'a [RfmScore],
        }
        return output::json(out, &Rfm { as_of: day, currency: &currency, segments: &segs, customers: &scores });
    }
    writeln!(out, "RFM of {} customers in {currency} as of {day}", scores.len())?;
    let mut t = output::table(&["segment", "customers", "share", "recency (days)", "orders", "spend"]);
    for s in &segs {
        t.add_row(vec![
            s.segment.clone(),
            s.customers.to_string(),
            pct(s.share),
            format!("{:.0}", s.mean_recency_days),
            format!("{:.1}", s.mean_frequency),
            money(s.mean_monetary.round() as i64, &currency),
        ]);
    }
    output::print_table(out, &t)?;
    let mut top: Vec<&RfmScore> = scores.iter().collect();
    top.sort_by(|a, b| b.monetary.cmp(&a.monetary).then(a.party_id.cmp(&b.party_id)));
    top.truncate(a.limit);
    let names = names(crm, top.iter().map(|s| s.party_id));
    output::heading(out, "Top customers by spend")?;
    let mut t = output::table(&["customer", "R", "F", "M", "segment", "days since", "purchases", "spend", "party id"]);
    for s in top {
        t.add_row(vec![
            clip(&name_of(&names, s.party_id), 36),
            s.r.to_string(),
            s.f.to_string(),
            s.m.to_string(),
            output::word(&s.segment),
            s.recency_days.to_string(),
            s.frequency.to_string(),
            money(s.monetary, &currency),
            s.party_id.to_string(),
        ]);
    }
    output::print_table(out, &t)
}

fn clv_request(day: NaiveDate, currency: &str, months: u32) -> ClvRequest {
    ClvRequest {
        as_of: day,
        currency: currency.to_string(),
        options: ClvOptions { periods: months, ..ClvOptions::default() },
    }
}

fn clv(crm: &Crm, json: bool, a: &CustomerReportArgs, months: u32, out: &mut dyn Write) -> Result<()> {
    if months == 0 || months > 120 {
        return Err(invalid("months", "between 1 and 120"));
    }
    let day = as_of(crm, a.as_of)?;
    let currency = a.currency.to_ascii_uppercase();
    let model = crm.fit_clv(day, &currency)?;
    let values = crm.customer_values(&clv_request(day, &currency, months))?;
    if json {
        #[derive(Serialize)]
        struct Clv<'a> {
            as_of: NaiveDate,
            currency: &'a str,
            months: u32,
            model: &'a crm_core::ClvModel,
            customers: &'a [CustomerValue],
        }
        return output::json(out, &Clv { as_of: day, currency: &currency, months, model: &model, customers: &values });
    }
    let b = &model.bgnbd.params;
    writeln!(out, "CLV over {months} months of {} customers in {currency} as of {day}", model.customers)?;
    writeln!(out, "BG/NBD: r {:.3}, α {:.3}, a {:.3}, b {:.3}", b.r, b.alpha, b.a, b.b)?;
    if let Some(g) = &model.gamma_gamma {
        writeln!(out, "Gamma-Gamma: p {:.3}, q {:.3}, γ {:.3}", g.params.p, g.params.q, g.params.gamma)?;
    }
    let total: f64 = values.iter().map(|v| v.clv).sum();
    let alive: f64 = values.iter().map(|v| v.probability_alive).sum::<f64>() / values.len().max(1) as f64;
    writeln!(out, "Total CLV {}, mean P(alive) {}", money(total.round() as i64, &currency), pct(alive))?;
    let names = names(crm, values.iter().take(a.limit).map(|v| v.party_id));
    output::heading(out, "Most valuable customers")?;
    let mut t = output::table(&["customer", "purchases", "P(alive)", "expected", "avg spend", "CLV", "party id"]);
    for v in values.iter().take(a.limit) {
        t.add_row(vec![
            clip(&name_of(&names, v.party_id), 36),
            (v.summary.frequency + 1).to_string(),
            pct(v.probability_alive),
            format!("{:.2}", v.expected_purchases),
            money(v.expected_average_spend.round() as i64, &currency),
            money(v.clv.round() as i64, &currency),
            v.party_id.to_string(),
        ]);
    }
    output::print_table(out, &t)
}

/// Everything the HTML page shows.
pub struct Data {
    pub currency: String,
    pub as_of: NaiveDate,
    pub pipelines: Vec<(Pipeline, PipelineSummary, Option<Funnel>)>,
    pub leads_by_source: Vec<LeadFunnel>,
    /// Open opportunities' amounts by month of expected close (this currency).
    pub forecast: Vec<crm_core::analytics::ForecastMonth>,
    /// Revenue by month, by currency.
    pub revenue: Vec<RevenueRow>,
    /// Revenue by month and channel, this currency.
    pub revenue_by_channel: Vec<RevenueRow>,
    /// Revenue by category, this currency (whole history).
    pub revenue_by_category: Vec<RevenueRow>,
    pub segments: Vec<SegmentRow>,
    pub clv: Vec<f64>,
    pub clv_model: Option<crm_core::ClvModel>,
    pub cohorts: Vec<Cohort>,
    pub offers: Option<OfferEvaluation>,
    pub churn: usize,
    pub customers: usize,
}

/// Read every report the page shows; reports that cannot be made on this
/// base (no repeat buyers, no pipelines) are left empty.
pub fn collect(crm: &Crm, currency: &str, asked: Option<NaiveDate>) -> Result<Data> {
    let currency = crm_core::sales::normalize_currency(currency)?;
    let as_of = as_of(crm, asked)?;
    let mut pipelines = Vec::new();
    for p in crm.pipelines()? {
        let summary = crm.pipeline_summary(p.id)?;
        let funnel = crm.funnel(p.id, None, None, FunnelGroup::All)?.into_iter().next();
        pipelines.push((p, summary, funnel));
    }
    let forecast = crm.forecast(None)?.into_iter().filter(|f| f.currency == currency).collect();
    let revenue = crm.revenue(&RevenueQuery::default())?;
    let by = |by: RevenueBy, period: Period| -> Result<Vec<RevenueRow>> {
        Ok(crm
            .revenue(&RevenueQuery { by, period, ..Default::default() })?
            .into_iter()
            .filter(|r| r.currency == currency)
            .collect())
    };
    let revenue_by_channel = by(RevenueBy::Channel, Period::Quarter)?;
    let mut revenue_by_category: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in by(RevenueBy::Category, Period::Year)? {
        let e = revenue_by_category.entry(r.key).or_default();
        e.0 += r.amount;
        e.1 += r.orders;
    }
    let revenue_by_category = revenue_by_category
        .into_iter()
        .map(|(key, (amount, orders))| RevenueRow {
            period: String::new(),
            key,
            currency: currency.clone(),
            amount,
            orders,
        })
        .collect();
    let scores = crm.rfm(as_of, &currency)?;
    let (clv, clv_model) = match crm.customer_values(&clv_request(as_of, &currency, 12)) {
        Ok(v) => (v.iter().map(|c| c.clv).collect(), crm.fit_clv(as_of, &currency).ok()),
        Err(_) => (Vec::new(), None),
    };
    let churn = crm.churn_risk(as_of, &currency, 0.3, 3.0).map(|c| c.len()).unwrap_or(0);
    Ok(Data {
        as_of,
        pipelines,
        leads_by_source: crm.lead_funnel(None, None, Some("source"))?,
        forecast,
        revenue,
        revenue_by_channel,
        revenue_by_category,
        segments: segments(&scores),
        clv,
        clv_model,
        cohorts: crm.cohorts(&currency, 12)?,
        offers: crm.evaluate_offers(5).ok(),
        churn,
        customers: scores.len(),
        currency,
    })
}
