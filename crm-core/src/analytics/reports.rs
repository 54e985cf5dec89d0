//! Reports over the sales data: funnel, forecast, revenue cuts, cohorts,
//! churn risk and next-best-offer.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::sql;
use crate::Crm;
use crate::error::{Error, Result};
use crate::sales::normalize_currency;

/// A stage of the funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStage {
    /// The stage.
    pub stage_id: Uuid,
    /// Its name.
    pub name: String,
    /// Opportunities (created in the period) that reached this stage.
    pub reached: u64,
    /// Of those, the share that went on to a later open stage or to won
    /// (`None` for won and lost stages).
    pub conversion: Option<f64>,
    /// Median days spent in the stage, over the stays that ended.
    pub median_days: Option<f64>,
    /// Mean days spent in the stage, over the stays that ended.
    pub mean_days: Option<f64>,
}

/// The funnel of a pipeline, for one group (an owner, a source, or all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    /// The group's value (`None`: everything, or no value).
    pub group: Option<String>,
    /// Opportunities counted.
    pub opportunities: u64,
    /// Won among the closed ones.
    pub win_rate: Option<f64>,
    /// The stages in order.
    pub stages: Vec<FunnelStage>,
}

/// How to group a funnel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunnelGroup {
    /// One funnel.
    #[default]
    All,
    /// One funnel per owner.
    Owner,
    /// One funnel per source.
    Source,
}

/// Lead statuses reached, over leads created in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadFunnel {
    /// The group's value (source or campaign), `None` for all.
    pub group: Option<String>,
    /// Leads created.
    pub leads: u64,
    /// Leads that reached working or beyond.
    pub working: u64,
    /// Leads that reached qualified or beyond.
    pub qualified: u64,
    /// Leads converted.
    pub converted: u64,
    /// Leads disqualified.
    pub disqualified: u64,
}

/// Weighted pipeline of one month and currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastMonth {
    /// The month of expected close ("2025-06"), or "none" for open deals without a date.
    pub month: String,
    /// The currency.
    pub currency: String,
    /// Open opportunities.
    pub count: u64,
    /// Their amount (minor units).
    pub amount: i64,
    /// Their weighted amount (minor units).
    pub weighted_amount: i64,
}

/// A period length for revenue cuts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar days.
    Day,
    /// ISO weeks ("2025-W07").
    Week,
    /// Months ("2025-02").
    #[default]
    Month,
    /// Quarters ("2025-Q1").
    Quarter,
    /// Years ("2025").
    Year,
}

/// What to cut revenue by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevenueBy {
    /// Period only.
    #[default]
    Total,
    /// Product (SKU; lines without a product as "other").
    Product,
    /// Product category.
    Category,
    /// The customer's tier.
    Tier,
    /// The customer's country.
    Country,
    /// The order's channel.
    Channel,
    /// A segment: each tag the customer carries.
    Segment,
}

/// A revenue question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RevenueQuery {
    /// Placed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Placed before.
    pub to: Option<DateTime<Utc>>,
    /// The period length.
    pub period: Period,
    /// The cut.
    pub by: RevenueBy,
    /// Convert every currency into this one with `rates`; `None`: one row
    /// per currency, never mixed.
    pub convert_to: Option<String>,
    /// Units of `convert_to` per unit of each currency (`{"NOK": 0.086}`).
    pub rates: BTreeMap<String, f64>,
}

impl Default for RevenueQuery {
    fn default() -> Self {
        RevenueQuery {
            from: None,
            to: None,
            period: Period::Month,
            by: RevenueBy::Total,
            convert_to: None,
            rates: BTreeMap::new(),
        }
    }
}

/// One cell of a revenue cut.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueRow {
    /// The period.
    pub period: String,
    /// The cut's value ("" for totals).
    pub key: String,
    /// The currency.
    pub currency: String,
    /// Revenue, net of discounts, tax included (minor units).
    pub amount: i64,
    /// Orders counted.
    pub orders: i64,
}

/// A cohort: the customers whose first purchase fell in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// The month of the first purchase ("2024-03").
    pub month: String,
    /// Customers in it.
    pub customers: u64,
    /// For month 0, 1, 2, …: customers who bought in that month.
    pub active: Vec<u64>,
    /// For month 0, 1, 2, …: `active / customers`.
    pub retention: Vec<f64>,
    /// For month 0, 1, 2, …: revenue (minor units).
    pub revenue: Vec<i64>,
}

/// A customer at risk of leaving, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChurnRisk {
    /// The customer.
    pub party_id: Uuid,
    /// The probability of being active (BG/NBD), when it could be fitted.
    pub probability_alive: Option<f64>,
    /// Days since the last purchase.
    pub days_since_last: i64,
    /// The customer's own mean days between purchases (two purchases or more).
    pub usual_gap_days: Option<f64>,
    /// Why it is listed.
    pub reason: String,
}

/// A product to offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// The product.
    pub product_id: Uuid,
    /// Its score (co-purchase similarity summed over what the customer has).
    pub score: f64,
}

/// How well recommendations predict each customer's next order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferEvaluation {
    /// Customers evaluated (two orders or more).
    pub customers: u64,
    /// Share whose held-out last order holds a recommended product.
    pub hit_rate: f64,
    /// The same share for the most popular products not yet owned.
    pub baseline_hit_rate: f64,
    /// Recommendations per customer.
    pub k: usize,
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 })
}

/// Item-to-item cosine similarity of products bought by the same customers.
fn similarities(baskets: &HashMap<Uuid, HashSet<Uuid>>) -> HashMap<Uuid, Vec<(Uuid, f64)>> {
    let mut count: HashMap<Uuid, f64> = HashMap::new();
    let mut pair: HashMap<(Uuid, Uuid), f64> = HashMap::new();
    for items in baskets.values() {
        let items: Vec<Uuid> = items.iter().copied().collect();
        for (i, a) in items.iter().enumerate() {
            *count.entry(*a).or_default() += 1.0;
            for b in &items[i + 1..] {
                let key = if a < b { (*a, *b) } else { (*b, *a) };
                *pair.entry(key).or_default() += 1.0;
            }
        }
    }
    let mut sim: HashMap<Uuid, Vec<(Uuid, f64)>> = HashMap::new();
    for ((a, b), n) in pair {
        let s = n / (count[&a] * count[&b]).sqrt();
        sim.entry(a).or_default().push((b, s));
        sim.entry(b).or_default().push((a, s));
    }
    sim
}

fn recommend(owned: &HashSet<Uuid>, sim: &HashMap<Uuid, Vec<(Uuid, f64)>>, popular: &[Uuid], k: usize) -> Vec<Offer> {
    let mut score: HashMap<Uuid, f64> = HashMap::new();
    for p in owned {
        for (q, s) in sim.get(p).map(Vec::as_slice).unwrap_or_default() {
            if !owned.contains(q) {
                *score.entry(*q).or_default() += s;
            }
        }
    }
    let mut offers: Vec<Offer> = score.into_iter().map(|(product_id, score)| Offer { product_id, score }).collect();
    offers.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.product_id.cmp(&b.product_id)));
    offers.truncate(k);
    // Fill with popular products when the co-purchases say too little.
    for p in popular {
        if offers.len() >= k {
            break;
        }
        if !owned.contains(p) && !offers.iter().any(|o| o.product_id == *p) {
            offers.push(Offer { product_id: *p, score: 0.0 });
        }
    }
    offers
}

impl Crm {
    /// The funnel of a pipeline over the opportunities created in a period:
    /// how many reached each stage, the share that moved on, win rate, and
    /// the median and mean days spent in each stage; one funnel per group.
    pub fn funnel(
        &self,
        pipeline_id: Uuid,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        group: FunnelGroup,
    ) -> Result<Vec<Funnel>> {
        self.store.read(|c| {
            let pipeline = crate::sales::sql::get_pipeline(c, pipeline_id)?;
            let visits = sql::stage_visits(c, pipeline_id, from, to, group)?;
            let mut groups: BTreeMap<Option<String>, Vec<&sql::Visit>> = BTreeMap::new();
            for v in &visits {
                groups.entry(v.group.clone()).or_default().push(v);
            }
            if groups.is_empty() {
                groups.insert(None, Vec::new());
            }
            let position: HashMap<Uuid, usize> = pipeline.stages.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
            let mut out = Vec::new();
            for (g, visits) in groups {
                // Per opportunity: the stages it reached, and its status.
                let mut reached: HashMap<Uuid, HashSet<usize>> = HashMap::new();
                let mut status: HashMap<Uuid, String> = HashMap::new();
                let mut days: HashMap<usize, Vec<f64>> = HashMap::new();
                for v in &visits {
                    if let Some(i) = position.get(&v.stage_id) {
                        reached.entry(v.opportunity_id).or_default().insert(*i);
                        if let Some(left) = v.left_at {
                            days.entry(*i).or_default().push((left - v.entered_at) as f64 / 86_400e6);
                        }
                    }
                    status.insert(v.opportunity_id, v.status.clone());
                }
                let won = status.values().filter(|s| *s == "won").count();
                let lost = status.values().filter(|s| *s == "lost").count();
                let stages = pipeline
                    .stages
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let here: Vec<&Uuid> = reached.iter().filter(|(_, r)| r.contains(&i)).map(|(o, _)| o).collect();
                        let moved = here
                            .iter()
                            .filter(|o| {
                                reached[**o]
                                    .iter()
                                    .any(|j| *j > i && pipeline.stages[*j].outcome != crate::sales::StageOutcome::Lost)
                            })
                            .count();
                        let open = s.outcome == crate::sales::StageOutcome::Open;
                        let mut d = days.remove(&i).unwrap_or_default();
                        let mean = (!d.is_empty()).then(|| d.iter().sum::<f64>() / d.len() as f64);
                        FunnelStage {
                            stage_id: s.id,
                            name: s.name.clone(),
                            reached: here.len() as u64,
                            conversion: (open && !here.is_empty()).then(|| moved as f64 / here.len() as f64),
                            median_days: median(&mut d),
                            mean_days: mean,
                        }
                    })
                    .collect();
                out.push(Funnel {
                    group: g,
                    opportunities: status.len() as u64,
                    win_rate: (won + lost > 0).then(|| won as f64 / (won + lost) as f64),
                    stages,
                });
            }
            Ok(out)
        })
    }

    /// Lead statuses reached over the leads created in a period, for all
    /// leads or per source or campaign (`group`: "source" or "campaign").
    pub fn lead_funnel(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        group: Option<&str>,
    ) -> Result<Vec<LeadFunnel>> {
        let column = match group {
            None => None,
            Some("source") => Some("source"),
            Some("campaign") => Some("hex(campaign_id)"),
            Some(other) => {
                return Err(Error::validation(
                    "group",
                    format!("{other:?}: group leads by \"source\" or \"campaign\""),
                ));
            }
        };
        self.store.read(|c| sql::lead_funnel(c, from, to, column))
    }

    /// The weighted pipeline of open opportunities by month of expected
    /// close and currency.
    pub fn forecast(&self, pipeline_id: Option<Uuid>) -> Result<Vec<ForecastMonth>> {
        self.store.read(|c| sql::forecast(c, pipeline_id))
    }

    /// Revenue by period and a cut (product, category, tier, country,
    /// channel, segment), from the orders placed, paid, shipped or
    /// delivered. Currencies are never mixed: one row per currency, unless
    /// `convert_to` and a rate for every currency are given.
    pub fn revenue(&self, q: &RevenueQuery) -> Result<Vec<RevenueRow>> {
        let target = q.convert_to.as_deref().map(normalize_currency).transpose()?;
        for (cur, rate) in &q.rates {
            normalize_currency(cur).map_err(|e| e.in_field("rates"))?;
            if !rate.is_finite() || *rate <= 0.0 {
                return Err(Error::validation(format!("rates.{cur}"), "a rate is a positive number"));
            }
        }
        let rows = self.store.read(|c| sql::revenue(c, q))?;
        let Some(target) = target else { return Ok(rows) };
        let mut merged: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
        for r in rows {
            let rate = if r.currency == target {
                1.0
            } else {
                *q.rates
                    .get(&r.currency)
                    .ok_or_else(|| Error::validation("rates", format!("no rate for {} into {target}", r.currency)))?
            };
            let e = merged.entry((r.period, r.key)).or_default();
            e.0 += (r.amount as f64 * rate).round() as i64;
            e.1 += r.orders;
        }
        Ok(merged
            .into_iter()
            .map(|((period, key), (amount, orders))| RevenueRow {
                period,
                key,
                currency: target.clone(),
                amount,
                orders,
            })
            .collect())
    }

    /// Retention and revenue by the month of each customer's first purchase,
    /// in one currency, up to `months` months after it.
    pub fn cohorts(&self, currency: &str, months: usize) -> Result<Vec<Cohort>> {
        let currency = normalize_currency(currency)?;
        if months == 0 || months > 240 {
            return Err(Error::validation("months", "between 1 and 240"));
        }
        let rows = self.store.read(|c| sql::customer_months(c, &currency))?;
        let mut first: HashMap<Uuid, (i32, u32)> = HashMap::new();
        for r in &rows {
            first.entry(r.0).or_insert((r.1, r.2));
        }
        let mut cohorts: BTreeMap<(i32, u32), Cohort> = BTreeMap::new();
        for (y, m) in first.values() {
            let c = cohorts.entry((*y, *m)).or_insert_with(|| Cohort {
                month: format!("{y:04}-{m:02}"),
                customers: 0,
                active: vec![0; months],
                retention: vec![0.0; months],
                revenue: vec![0; months],
            });
            c.customers += 1;
        }
        for (party, y, m, amount) in rows {
            let Some((fy, fm)) = first.get(&party) else { continue };
            let offset = ((y - fy) * 12 + m as i32 - *fm as i32) as usize;
            if let Some(c) = cohorts.get_mut(&(*fy, *fm))
                && offset < months
            {
                c.active[offset] += 1;
                c.revenue[offset] += amount;
            }
        }
        Ok(cohorts
            .into_values()
            .map(|mut c| {
                c.retention = c.active.iter().map(|a| *a as f64 / c.customers.max(1) as f64).collect();
                c
            })
            .collect())
    }

    /// Customers likely lost: P(alive) below `threshold`, or a gap since the
    /// last purchase beyond `gap_factor` times their own usual gap; each
    /// with the reason. Most at risk first.
    pub fn churn_risk(
        &self,
        as_of: NaiveDate,
        currency: &str,
        threshold: f64,
        gap_factor: f64,
    ) -> Result<Vec<ChurnRisk>> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Error::validation("threshold", "a probability between 0 and 1"));
        }
        if !(gap_factor.is_finite() && gap_factor >= 1.0) {
            return Err(Error::validation("gap_factor", "a factor of at least 1"));
        }
        let entry = self.summaries(as_of, currency)?;
        let model = self.model(&entry, as_of, currency).ok();
        let mut risks = super::customers::par_map(&entry.summaries, |s| {
            let p = match &model {
                Some(m) => Some(m.bgnbd.params.probability_alive(&s.model_input())?),
                None => None,
            };
            let days_since = (as_of - s.last_purchase).num_days();
            let usual = (s.frequency > 0)
                .then(|| (s.last_purchase - s.first_purchase).num_days() as f64 / f64::from(s.frequency));
            let mut reasons = Vec::new();
            if let Some(p) = p.filter(|p| *p < threshold) {
                reasons.push(format!("P(alive) {p:.2} is below {threshold:.2}"));
            }
            if let Some(u) = usual.filter(|u| *u > 0.0 && days_since as f64 > gap_factor * u) {
                reasons.push(format!(
                    "{days_since} days since the last purchase, {:.1}× the usual {u:.0}",
                    days_since as f64 / u
                ));
            }
            Ok((!reasons.is_empty()).then(|| ChurnRisk {
                party_id: s.party_id,
                probability_alive: p,
                days_since_last: days_since,
                usual_gap_days: usual,
                reason: reasons.join("; "),
            }))
        })?;
        // Most at risk first: lowest P(alive), then longest since the last
        // purchase, then in order of customer (the order of the summaries).
        let mut order: Vec<(f64, i64, usize)> = risks
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (r.probability_alive.unwrap_or(1.0), r.days_since_last, i)))
            .collect();
        order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        Ok(order.into_iter().filter_map(|(_, _, i)| risks[i].take()).collect())
    }

    /// Products to offer a customer: co-purchased with what it has bought
    /// (item-to-item), leaving out what it already has; topped up with the
    /// most popular products.
    pub fn next_best_offers(&self, party_id: Uuid, k: usize) -> Result<Vec<Offer>> {
        if k == 0 || k > 100 {
            return Err(Error::validation("k", "between 1 and 100"));
        }
        let lines = self.store.read(|c| {
            if crate::party::sql::head(c, party_id)?.is_none() {
                return Err(Error::not_found("party", party_id));
            }
            sql::purchased_products(c)
        })?;
        let mut baskets: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        let mut popularity: HashMap<Uuid, usize> = HashMap::new();
        for (party, _, product) in &lines {
            if baskets.entry(*party).or_default().insert(*product) {
                *popularity.entry(*product).or_default() += 1;
            }
        }
        let mut popular: Vec<(Uuid, usize)> = popularity.into_iter().collect();
        popular.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let popular: Vec<Uuid> = popular.into_iter().map(|p| p.0).collect();
        let sim = similarities(&baskets);
        let owned = baskets.remove(&party_id).unwrap_or_default();
        Ok(recommend(&owned, &sim, &popular, k))
    }

    /// Evaluate next-best-offer: hold out each customer's last order, learn
    /// from everything before, and count the customers whose held-out order
    /// holds one of `k` offers; the most-popular baseline is measured alike.
    pub fn evaluate_offers(&self, k: usize) -> Result<OfferEvaluation> {
        if k == 0 || k > 100 {
            return Err(Error::validation("k", "between 1 and 100"));
        }
        let lines = self.store.read(sql::purchased_products)?;
        // The last order of each customer.
        let mut last: HashMap<Uuid, Uuid> = HashMap::new();
        let mut orders_of: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        for (party, order, _) in &lines {
            last.insert(*party, *order);
            orders_of.entry(*party).or_default().insert(*order);
        }
        let mut train: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        let mut held: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
        let mut popularity: HashMap<Uuid, usize> = HashMap::new();
        for (party, order, product) in &lines {
            if orders_of[party].len() >= 2 && last.get(party) == Some(order) {
                held.entry(*party).or_default().insert(*product);
            } else if train.entry(*party).or_default().insert(*product) {
                *popularity.entry(*product).or_default() += 1;
            }
        }
        let mut popular: Vec<(Uuid, usize)> = popularity.into_iter().collect();
        popular.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let popular: Vec<Uuid> = popular.into_iter().map(|p| p.0).collect();
        let sim = similarities(&train);
        let (mut hits, mut base_hits) = (0u64, 0u64);
        let empty = HashSet::new();
        for (party, bought) in &held {
            let owned = train.get(party).unwrap_or(&empty);
            let offers = recommend(owned, &sim, &popular, k);
            if offers.iter().any(|o| bought.contains(&o.product_id)) {
                hits += 1;
            }
            let baseline: Vec<&Uuid> = popular.iter().filter(|p| !owned.contains(*p)).take(k).collect();
            if baseline.iter().any(|p| bought.contains(*p)) {
                base_hits += 1;
            }
        }
        let n = held.len() as u64;
        if n == 0 {
            return Err(Error::validation("orders", "no customer has two orders with products to evaluate on"));
        }
        Ok(OfferEvaluation {
            customers: n,
            hit_rate: hits as f64 / n as f64,
            baseline_hit_rate: base_hits as f64 / n as f64,
            k,
        })
    }
}
