//! `crm report --html`: every report on one self-contained page. The
//! charts are inline SVG drawn here; the page loads nothing from elsewhere.

use std::fmt::Write as _;

use crate::commands::exponent;
use crate::commands::report::Data;

/// The chart sections of the page, by element id, in order.
pub const SECTIONS: &[&str] =
    &["funnel", "pipeline-by-month", "revenue", "channels", "rfm", "clv", "cohorts", "recommend"];

const PALETTE: &[&str] = &["#2f6db5", "#e07b39", "#3a9d5d", "#b54a6e", "#7b61c4", "#c2a23a", "#3aa6b5", "#8a8a8a"];

/// Text made safe inside HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with thin spaces between thousands: 1 234 567.
fn thousands(v: f64) -> String {
    let neg = v < 0.0;
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

/// Minor units as major units of a currency, rounded to whole units.
fn major(minor: f64, currency: &str) -> f64 {
    minor / 10f64.powi(exponent(currency) as i32)
}

/// Short axis labels: 950, 12k, 3.4M.
fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 && (v / 1e3).fract().abs() < 1e-9 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// A "nice" upper bound for an axis and its tick step.
fn nice_max(max: f64) -> (f64, f64) {
    if max <= 0.0 || !max.is_finite() {
        return (1.0, 0.25);
    }
    let mag = 10f64.powf(max.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let top = m * mag;
        if top >= max {
            return (top, top / 4.0);
        }
    }
    (10.0 * mag, 2.5 * mag)
}

/// Horizontal bars: label, value, text at the bar's end.
fn hbars(rows: &[(String, f64, String)], color: &str) -> String {
    let (w, label_w, row_h) = (760.0, 190.0, 26.0);
    let h = row_h * rows.len() as f64 + 10.0;
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let mut s = format!(r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"#);
    for (i, (label, v, text)) in rows.iter().enumerate() {
        let y = 5.0 + i as f64 * row_h;
        let bw = ((w - label_w - 260.0) * v / max).max(1.0);
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="lbl">{}</text><rect x="{label_w}" y="{}" width="{bw:.1}" height="{}" fill="{color}" rx="2"><title>{}: {}</title></rect><text x="{}" y="{}" class="val">{}</text>"#,
            label_w - 8.0,
            y + row_h * 0.62,
            esc(label),
            y + 3.0,
            row_h - 8.0,
            esc(label),
            esc(text),
            label_w + bw + 6.0,
            y + row_h * 0.62,
            esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

/// Vertical bars over categories, one or more series side by side, with
/// a y axis.
fn vbars(labels: &[String], series: &[(String, Vec<f64>, &str)], y_unit: &str) -> String {
    let (w, h, left, bottom, top) = (860.0, 310.0, 64.0, 48.0, 24.0);
    let plot_w = w - left - 10.0;
    let plot_h = h - bottom - top;
    let max = series.iter().flat_map(|s| s.1.iter().copied()).fold(0.0, f64::max);
    let (ymax, step) = nice_max(max);
    let n = labels.len().max(1) as f64;
    let group_w = plot_w / n;
    let k = series.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / k).max(1.0);
    let mut s = format!(r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"#);
    let mut t = 0.0;
    while t <= ymax + step * 0.01 {
        let y = top + plot_h - plot_h * t / ymax;
        let _ = write!(
            s,
            r#"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" class="grid"/><text x="{}" y="{:.1}" text-anchor="end" class="axis">{}</text>"#,
            w - 10.0,
            left - 6.0,
            y + 4.0,
            compact(t)
        );
        t += step;
    }
    let _ = write!(s, r#"<text x="12" y="12" class="axis">{}</text>"#, esc(y_unit));
    let every = (labels.len() / 16).max(1);
    for (i, label) in labels.iter().enumerate() {
        let x0 = left + group_w * i as f64 + group_w * 0.1;
        for (j, (name, values, color)) in series.iter().enumerate() {
            let v = values.get(i).copied().unwrap_or(0.0);
            let bh = plot_h * v / ymax;
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{bar_w:.1}" height="{bh:.1}" fill="{color}"><title>{} {}: {}</title></rect>"#,
                x0 + bar_w * j as f64,
                top + plot_h - bh,
                esc(label),
                esc(name),
                thousands(v)
            );
        }
        if i % every == 0 {
            let x = left + group_w * (i as f64 + 0.5);
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{:.1}" text-anchor="end" transform="rotate(-40 {x:.1} {:.1})" class="axis">{}</text>"#,
                h - bottom + 14.0,
                h - bottom + 14.0,
                esc(label)
            );
        }
    }
    let _ = write!(
        s,
        r#"<line x1="{left}" x2="{}" y1="{:.1}" y2="{:.1}" class="base"/>"#,
        w - 10.0,
        top + plot_h,
        top + plot_h
    );
    s.push_str("</svg>");
    if series.len() > 1 {
        s.push_str(&legend(&series.iter().map(|(n, _, c)| (n.clone(), *c)).collect::<Vec<_>>()));
    }
    s
}

fn legend(items: &[(String, &str)]) -> String {
    let mut s = String::from(r#"<div class="legend">"#);
    for (name, color) in items {
        let _ = write!(s, r#"<span><i style="background:{color}"></i>{}</span>"#, esc(name));
    }
    s.push_str("</div>");
    s
}

/// The funnel of a pipeline: centred bars narrowing stage by stage.
fn funnel_svg(stages: &[(String, u64, Option<f64>)]) -> String {
    let (w, row_h) = (760.0, 34.0);
    let h = row_h * stages.len() as f64 + 8.0;
    let max = stages.iter().map(|s| s.1).max().unwrap_or(1).max(1) as f64;
    let mut s = format!(r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"#);
    let centre = 420.0;
    for (i, (name, reached, conv)) in stages.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let bw = (560.0 * *reached as f64 / max).max(2.0);
        let color = PALETTE[i % PALETTE.len()];
        let conv = conv.map(|c| format!(" · {:.0} % moved on", c * 100.0)).unwrap_or_default();
        let _ = write!(
            s,
            r#"<text x="130" y="{:.1}" text-anchor="end" class="lbl">{}</text><rect x="{:.1}" y="{:.1}" width="{bw:.1}" height="{}" fill="{color}" rx="3"><title>{}: {reached}</title></rect><text x="{centre}" y="{:.1}" text-anchor="middle" class="inbar">{reached}{}</text>"#,
            y + row_h * 0.6,
            esc(name),
            centre - bw / 2.0,
            y + 2.0,
            row_h - 6.0,
            esc(name),
            y + row_h * 0.6,
            esc(&conv)
        );
    }
    s.push_str("</svg>");
    s
}

/// The cohort retention heat map: a row per cohort, a cell per month.
fn heatmap(d: &Data) -> String {
    let months = d.cohorts.first().map_or(0, |c| c.retention.len());
    let (cell_w, cell_h, left, top) = (54.0, 22.0, 150.0, 24.0);
    let w = left + cell_w * months as f64 + 10.0;
    let h = top + cell_h * d.cohorts.len() as f64 + 6.0;
    let mut s = format!(r#"<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img">"#);
    for m in 0..months {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="16" text-anchor="middle" class="axis">M{m}</text>"#,
            left + cell_w * (m as f64 + 0.5)
        );
    }
    for (i, c) in d.cohorts.iter().enumerate() {
        let y = top + cell_h * i as f64;
        let _ = write!(
            s,
            r#"<text x="{}" y="{:.1}" text-anchor="end" class="lbl">{} ({})</text>"#,
            left - 8.0,
            y + cell_h * 0.7,
            esc(&c.month),
            c.customers
        );
        for (m, r) in c.retention.iter().enumerate() {
            // Cells past the last month of data are left blank.
            if !cohort_month_seen(&c.month, m, d.as_of) {
                continue;
            }
            // Month 0 is 100 % by definition; the scale is set by the rest.
            let v = if m == 0 { 1.0 } else { (r / 0.35).min(1.0) };
            let (red, green, blue) = (247.0 - 200.0 * v, 251.0 - 140.0 * v, 255.0 - 70.0 * v);
            let fg = if v > 0.55 { "#fff" } else { "#222" };
            let x = left + cell_w * m as f64;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{}" height="{}" fill="rgb({red:.0},{green:.0},{blue:.0})"><title>{} M{m}: {:.1} %</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle" class="cell" fill="{fg}">{:.0}%</text>"#,
                cell_w - 2.0,
                cell_h - 2.0,
                esc(&c.month),
                r * 100.0,
                x + cell_w / 2.0 - 1.0,
                y + cell_h * 0.68,
                r * 100.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Whether month `m` after the cohort month "YYYY-MM" has begun by `as_of`.
fn cohort_month_seen(month: &str, m: usize, as_of: chrono::NaiveDate) -> bool {
    use chrono::Datelike;
    let Some((y, mo)) = month.split_once('-') else { return true };
    let (Ok(y), Ok(mo)) = (y.parse::<i32>(), mo.parse::<i32>()) else { return true };
    let index = y * 12 + mo - 1 + m as i32;
    index <= as_of.year() * 12 + as_of.month0() as i32
}

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;background:#f6f7f9;margin:0}
header{background:#1f3a5f;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.85}
main{max-width:980px;margin:0 auto;padding:12px 20px 40px}
section{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:14px 18px;margin:16px 0}
h2{font-size:17px;margin:0 0 4px}h3{font-size:14px;margin:12px 0 4px;color:#444}
p.note{color:#666;margin:2px 0 10px;font-size:13px}
.kpis{display:flex;flex-wrap:wrap;gap:10px}.kpi{flex:1 1 150px;background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:10px 14px}
.kpi b{display:block;font-size:20px}.kpi span{color:#666;font-size:12px}
svg{max-width:100%;height:auto;display:block}
svg text{font-family:inherit}.lbl{font-size:12px;fill:#333}.val{font-size:11px;fill:#555}.axis{font-size:10px;fill:#666}
.inbar{font-size:12px;fill:#fff;font-weight:600}.cell{font-size:10px}
.grid{stroke:#e6e8ec;stroke-width:1}.base{stroke:#888;stroke-width:1}
.legend{font-size:12px;color:#444;margin:4px 0 0}.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
table{border-collapse:collapse;font-size:12px;margin:6px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}th:first-child,td:first-child{text-align:left}
.empty{color:#999;font-style:italic}
"#;

fn section(out: &mut String, id: &str, title: &str, note: &str, body: &str) {
    let _ =
        write!(out, r#"<section id="{id}"><h2>{}</h2><p class="note">{}</p>{body}</section>"#, esc(title), esc(note));
}

fn empty(text: &str) -> String {
    format!(r#"<p class="empty">{}</p>"#, esc(text))
}

/// The whole page.
pub fn page(d: &Data) -> String {
    let cur = d.currency.as_str();
    let mut body = String::new();

    // Key figures.
    let revenue_cur: f64 = d.revenue.iter().filter(|r| r.currency == cur).map(|r| r.amount as f64).sum();
    let orders: i64 = d.revenue.iter().map(|r| r.orders).sum();
    let open_deals: u64 = d
        .pipelines
        .iter()
        .flat_map(|(_, s, _)| &s.stages)
        .filter(|s| s.outcome == crm_core::StageOutcome::Open)
        .map(|s| s.count)
        .sum();
    let clv_total: f64 = d.clv.iter().sum();
    let kpis = [
        (thousands(major(revenue_cur, cur)), format!("revenue in {cur}, all time")),
        (thousands(orders as f64), "orders, every currency".to_string()),
        (thousands(d.customers as f64), format!("customers buying in {cur}")),
        (thousands(open_deals as f64), "open opportunities".to_string()),
        (thousands(major(clv_total, cur)), format!("12-month CLV, {cur}")),
        (thousands(d.churn as f64), "customers at risk of churn".to_string()),
    ];
    body.push_str(r#"<div class="kpis">"#);
    for (v, label) in kpis {
        let _ = write!(body, r#"<div class="kpi"><b>{}</b><span>{}</span></div>"#, esc(&v), esc(&label));
    }
    body.push_str("</div>");

    // Funnel.
    let mut funnels = String::new();
    for (p, _, f) in &d.pipelines {
        let Some(f) = f else { continue };
        let stages: Vec<(String, u64, Option<f64>)> =
            f.stages.iter().map(|s| (s.name.clone(), s.reached, s.conversion)).collect();
        let win = f.win_rate.map(|w| format!(", win rate {:.0} %", w * 100.0)).unwrap_or_default();
        let _ = write!(funnels, "<h3>{} — {} opportunities{}</h3>", esc(&p.name), f.opportunities, esc(&win));
        funnels.push_str(&funnel_svg(&stages));
    }
    if !d.leads_by_source.is_empty() {
        let rows: Vec<(String, f64, String)> = d
            .leads_by_source
            .iter()
            .map(|l| {
                let share = l.converted as f64 / l.leads.max(1) as f64;
                (
                    l.group.clone().unwrap_or_else(|| "(none)".into()),
                    share * 100.0,
                    format!("{:.0} % of {} converted", share * 100.0, l.leads),
                )
            })
            .collect();
        funnels.push_str("<h3>Lead conversion by source</h3>");
        funnels.push_str(&hbars(&rows, PALETTE[2]));
    }
    if funnels.is_empty() {
        funnels = empty("No pipelines or leads yet.");
    }
    section(
        &mut body,
        "funnel",
        "Sales funnel",
        "Opportunities that reached each stage, and the share that moved on to a later stage or won.",
        &funnels,
    );

    // Pipeline by month of expected close.
    let months: Vec<String> = d.forecast.iter().map(|f| f.month.clone()).collect();
    let chart = if months.is_empty() {
        empty(&format!("No open opportunities in {cur}."))
    } else {
        let amount: Vec<f64> = d.forecast.iter().map(|f| major(f.amount as f64, cur)).collect();
        let weighted: Vec<f64> = d.forecast.iter().map(|f| major(f.weighted_amount as f64, cur)).collect();
        vbars(
            &months,
            &[("amount".into(), amount, PALETTE[0]), ("weighted by probability".into(), weighted, PALETTE[1])],
            cur,
        )
    };
    let mut stage_table = String::from("<table><tr><th>pipeline</th><th>stage</th><th>open</th><th>amount</th></tr>");
    for (p, s, _) in &d.pipelines {
        for st in s.stages.iter().filter(|s| s.outcome == crm_core::StageOutcome::Open) {
            let amount: Vec<String> =
                st.amount.iter().map(|(c, a)| format!("{} {c}", thousands(major(*a as f64, c)))).collect();
            let _ = write!(
                stage_table,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&p.name),
                esc(&st.name),
                st.count,
                esc(&amount.join(", "))
            );
        }
    }
    stage_table.push_str("</table>");
    section(
        &mut body,
        "pipeline-by-month",
        "Pipeline by month of expected close",
        &format!("Open opportunities in {cur}: their amount and the amount weighted by win probability."),
        &format!("{chart}{stage_table}"),
    );

    // Revenue by month, per currency: the chosen currency as a chart.
    let mut periods: Vec<String> = d.revenue.iter().filter(|r| r.currency == cur).map(|r| r.period.clone()).collect();
    periods.sort();
    periods.dedup();
    let values: Vec<f64> = periods
        .iter()
        .map(|p| {
            d.revenue.iter().filter(|r| r.currency == cur && &r.period == p).map(|r| major(r.amount as f64, cur)).sum()
        })
        .collect();
    let chart = if periods.is_empty() {
        empty(&format!("No revenue in {cur}."))
    } else {
        vbars(&periods, &[(format!("revenue {cur}"), values, PALETTE[0])], cur)
    };
    let mut totals: std::collections::BTreeMap<&str, (i64, i64)> = std::collections::BTreeMap::new();
    for r in &d.revenue {
        let e = totals.entry(r.currency.as_str()).or_default();
        e.0 += r.amount;
        e.1 += r.orders;
    }
    let mut table = String::from("<table><tr><th>currency</th><th>orders</th><th>revenue</th></tr>");
    for (c, (a, o)) in &totals {
        let _ =
            write!(table, "<tr><td>{}</td><td>{o}</td><td>{}</td></tr>", esc(c), esc(&thousands(major(*a as f64, c))));
    }
    table.push_str("</table>");
    section(
        &mut body,
        "revenue",
        "Revenue by month",
        &format!("Placed, paid, shipped and delivered orders in {cur}, tax included; every currency's total below."),
        &format!("{chart}{table}"),
    );

    // Revenue by channel and quarter; by category.
    let mut quarters: Vec<String> = d.revenue_by_channel.iter().map(|r| r.period.clone()).collect();
    quarters.sort();
    quarters.dedup();
    let mut channels: Vec<String> = d.revenue_by_channel.iter().map(|r| r.key.clone()).collect();
    channels.sort();
    channels.dedup();
    let series: Vec<(String, Vec<f64>, &str)> = channels
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            let v = quarters
                .iter()
                .map(|q| {
                    d.revenue_by_channel
                        .iter()
                        .filter(|r| &r.key == ch && &r.period == q)
                        .map(|r| major(r.amount as f64, cur))
                        .sum()
                })
                .collect();
            (ch.clone(), v, PALETTE[i % PALETTE.len()])
        })
        .collect();
    let mut chart = if quarters.is_empty() { empty("No orders.") } else { vbars(&quarters, &series, cur) };
    let mut cats: Vec<(String, f64, String)> = d
        .revenue_by_category
        .iter()
        .map(|r| {
            let v = major(r.amount as f64, cur);
            (r.key.clone(), v, format!("{} {cur}", thousands(v)))
        })
        .collect();
    cats.sort_by(|a, b| b.1.total_cmp(&a.1));
    if !cats.is_empty() {
        chart.push_str("<h3>Revenue by product category</h3>");
        chart.push_str(&hbars(&cats, PALETTE[4]));
    }
    section(&mut body, "channels", "Revenue by channel and category", &format!("Orders in {cur} by quarter."), &chart);

    // RFM segments.
    let rows: Vec<(String, f64, String)> = d
        .segments
        .iter()
        .map(|s| {
            (
                s.segment.replace('_', " "),
                s.customers as f64,
                format!(
                    "{} ({:.0} %), spend {} {cur}",
                    s.customers,
                    s.share * 100.0,
                    thousands(major(s.mean_monetary, cur))
                ),
            )
        })
        .collect();
    let chart = if rows.is_empty() { empty("No customers.") } else { hbars(&rows, PALETTE[3]) };
    section(
        &mut body,
        "rfm",
        "RFM segments",
        &format!("Customers by recency and frequency quintiles as of {}, with their mean spend.", d.as_of),
        &chart,
    );

    // CLV histogram.
    let chart = clv_histogram(&d.clv, cur);
    let note = match &d.clv_model {
        Some(m) => {
            let b = &m.bgnbd.params;
            format!(
                "12-month discounted CLV per customer (BG/NBD r {:.2}, α {:.2}, a {:.2}, b {:.2}; {} customers).",
                b.r, b.alpha, b.a, b.b, m.customers
            )
        }
        None => "The models could not be fitted on this base.".to_string(),
    };
    section(&mut body, "clv", "Customer lifetime value", &note, &chart);

    // Cohorts.
    let chart = if d.cohorts.is_empty() { empty("No purchases.") } else { heatmap(d) };
    section(
        &mut body,
        "cohorts",
        "Cohort retention",
        &format!("Customers by month of first purchase in {cur}: the share buying again N months later."),
        &chart,
    );

    // Next-best-offer evaluation.
    let chart = match &d.offers {
        Some(e) => {
            let rows = vec![
                (
                    "co-purchase".to_string(),
                    e.hit_rate * 100.0,
                    format!("{:.1} % of {} customers", e.hit_rate * 100.0, e.customers),
                ),
                (
                    "most popular".to_string(),
                    e.baseline_hit_rate * 100.0,
                    format!("{:.1} %", e.baseline_hit_rate * 100.0),
                ),
            ];
            hbars(&rows, PALETTE[2])
        }
        None => empty("Too few repeat customers to evaluate."),
    };
    section(
        &mut body,
        "recommend",
        "Next-best-offer",
        "Each customer's last order held out: the share whose order holds one of 5 recommended products.",
        &chart,
    );

    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CRM report — {cur} as of {as_of}</title>
<style>{STYLE}</style>
</head>
<body>
<header><h1>CRM report</h1><p>Sales and customers in {cur}, as of {as_of}</p></header>
<main>
{body}
</main>
</body>
</html>
"#,
        cur = esc(cur),
        as_of = d.as_of,
    )
}

/// A histogram of CLV values: 20 equal bins up to the 98th percentile, the
/// rest in the last bin.
fn clv_histogram(values: &[f64], cur: &str) -> String {
    if values.is_empty() {
        return empty("No customer bought twice: no CLV.");
    }
    let mut v: Vec<f64> = values.iter().map(|x| major(x.max(0.0), cur)).collect();
    v.sort_by(f64::total_cmp);
    let p98 = v[((v.len() - 1) as f64 * 0.98) as usize].max(1.0);
    let (top, _) = nice_max(p98);
    let bins = 20;
    let width = top / bins as f64;
    let mut counts = vec![0f64; bins];
    for x in &v {
        let i = ((x / width) as usize).min(bins - 1);
        counts[i] += 1.0;
    }
    let labels: Vec<String> = (0..bins)
        .map(|i| {
            if i == bins - 1 {
                format!("{}+", compact(width * i as f64))
            } else {
                format!("{}–{}", compact(width * i as f64), compact(width * (i + 1) as f64))
            }
        })
        .collect();
    let median = v[v.len() / 2];
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let mut s = vbars(&labels, &[("customers".into(), counts, PALETTE[1])], "customers");
    let _ = write!(
        s,
        r#"<p class="note">Median {} {cur}, mean {} {cur}, top 2 % above {} {cur}.</p>"#,
        thousands(median),
        thousands(mean),
        thousands(p98)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_numbers() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(thousands(1234567.0), "1\u{202f}234\u{202f}567");
        assert_eq!(thousands(-950.0), "-950");
        assert_eq!(compact(12_000.0), "12k");
        assert_eq!(compact(12_500.0), "12.5k");
        assert_eq!(nice_max(730.0), (1000.0, 250.0));
        assert_eq!(nice_max(180.0), (200.0, 50.0));
    }
}
