//! Customer analytics from the purchase history: purchase summaries, RFM,
//! and customer lifetime value (BG/NBD + Gamma-Gamma) fitted on the base.

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::clv::{
    self, BgNbdFit, ClvOptions, CustomerSummary, FitOptions, GammaGammaFit, SpendSummary, fit_bgnbd, fit_gamma_gamma,
};
use super::{cache, sql};
use crate::Crm;
use crate::error::{Error, Result};
use crate::sales::normalize_currency;
use crate::store::Store;

/// One customer's purchase history as of a date, in the models' terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseSummary {
    /// The customer.
    pub party_id: Uuid,
    /// Repeat purchases: purchase days after the first.
    pub frequency: u32,
    /// Weeks from the first purchase to the last.
    pub recency_weeks: f64,
    /// Weeks from the first purchase to the as-of date.
    pub age_weeks: f64,
    /// Mean spend of the repeat purchase days (minor units); 0 without repeats.
    pub mean_repeat_spend: f64,
    /// Spend over all purchase days (minor units).
    pub total_spend: i64,
    /// Orders counted.
    pub orders: i64,
    /// The first purchase day.
    pub first_purchase: NaiveDate,
    /// The last purchase day.
    pub last_purchase: NaiveDate,
}

impl PurchaseSummary {
    /// The summary as the BG/NBD model reads it (times in weeks).
    pub fn model_input(&self) -> CustomerSummary {
        CustomerSummary::new(f64::from(self.frequency), self.recency_weeks, self.age_weeks)
    }
}

/// A named RFM segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RfmSegment {
    /// Bought recently, buy often.
    Champions,
    /// Buy often, fairly recently.
    Loyal,
    /// Recent, buying more than once.
    PotentialLoyalists,
    /// Bought for the first time just now.
    NewCustomers,
    /// Recent first-time buyers.
    Promising,
    /// Slipping: not so recent, not so frequent.
    AboutToSleep,
    /// Bought often, but long ago.
    AtRisk,
    /// Were among the best, long ago.
    CannotLoseThem,
    /// Long ago and seldom.
    Hibernating,
    /// The longest ago, the least often.
    Lost,
}

impl RfmSegment {
    fn of(r: u8, f: u8) -> RfmSegment {
        match (r, f) {
            (4..=5, 4..=5) => RfmSegment::Champions,
            (4..=5, 2..=3) => RfmSegment::PotentialLoyalists,
            (5, _) => RfmSegment::NewCustomers,
            (4, _) => RfmSegment::Promising,
            (3, 3..=5) => RfmSegment::Loyal,
            (3, _) => RfmSegment::AboutToSleep,
            (1..=2, 5) => RfmSegment::CannotLoseThem,
            (1..=2, 3..=4) => RfmSegment::AtRisk,
            (2, _) => RfmSegment::Hibernating,
            _ => RfmSegment::Lost,
        }
    }
}

/// A customer's RFM scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmScore {
    /// The customer.
    pub party_id: Uuid,
    /// Days since the last purchase.
    pub recency_days: i64,
    /// Purchase days.
    pub frequency: u32,
    /// Total spend (minor units).
    pub monetary: i64,
    /// Recency quintile, 5 = most recent.
    pub r: u8,
    /// Frequency quintile, 5 = most frequent.
    pub f: u8,
    /// Monetary quintile, 5 = highest spend.
    pub m: u8,
    /// The named segment (from R and F).
    pub segment: RfmSegment,
}

/// What to compute lifetime values for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClvRequest {
    /// The end of the calibration window: purchases up to this day count.
    pub as_of: NaiveDate,
    /// The currency of the orders (ISO 4217).
    pub currency: String,
    /// The horizon and discounting (times in weeks: a period of 4.345
    /// weeks is a month).
    #[serde(default)]
    pub options: ClvOptions,
}

/// The models fitted on the base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClvModel {
    /// The purchase model.
    pub bgnbd: BgNbdFit,
    /// The spend model; `None` when no customer bought twice.
    pub gamma_gamma: Option<GammaGammaFit>,
    /// Customers the models were fitted on.
    pub customers: usize,
}

/// A customer's predicted future.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerValue {
    /// The customer.
    pub party_id: Uuid,
    /// The history it is predicted from.
    pub summary: PurchaseSummary,
    /// The probability the customer is still active.
    pub probability_alive: f64,
    /// Expected purchases over the horizon.
    pub expected_purchases: f64,
    /// Expected spend per purchase (minor units).
    pub expected_average_spend: f64,
    /// The discounted lifetime value over the horizon (minor units, with the
    /// margin applied).
    pub clv: f64,
}

fn weeks(days: i64) -> f64 {
    days as f64 / 7.0
}

/// Quintile scores 1 to 5 of `values` (higher value, higher score); equal
/// values share a score.
fn quintiles(values: &[f64]) -> Vec<u8> {
    let n = values.len();
    // Values with their positions, sorted in place (no look-ups by index).
    let mut order: Vec<(f64, usize)> = values.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut scores = vec![1u8; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && order[j + 1].0 == order[i].0 {
            j += 1;
        }
        // The rank of a tie group is its first position.
        let s = 1 + (5 * i / n.max(1)) as u8;
        for &(_, k) in &order[i..=j] {
            scores[k] = s.min(5);
        }
        i = j + 1;
    }
    scores
}

/// The purchase summaries of the customers whose ids lie in `parties` (see
/// [`sql::purchase_days`]), in order of customer.
fn summarize(
    conn: &rusqlite::Connection,
    as_of: NaiveDate,
    currency: &str,
    parties: (&[u8], &[u8]),
) -> Result<Vec<PurchaseSummary>> {
    let as_of_day = sql::day_of(as_of);
    let mut out: Vec<PurchaseSummary> = Vec::new();
    // The first and last day and the repeat spend of the last customer.
    let (mut first, mut last, mut repeat_sum) = (0i64, 0i64, 0i64);
    let finish = |s: &mut PurchaseSummary, first: i64, last: i64| -> Result<()> {
        s.first_purchase = sql::date(first)?;
        s.last_purchase = sql::date(last)?;
        s.recency_weeks = weeks(last - first);
        s.age_weeks = weeks(as_of_day - first);
        Ok(())
    };
    sql::purchase_days(conn, as_of, currency, parties, |d| {
        if let Some(s) = out.last_mut() {
            if s.party_id == d.party_id {
                s.frequency += 1;
                last = d.day;
                s.total_spend += d.total;
                s.orders += d.orders;
                repeat_sum += d.total;
                s.mean_repeat_spend = repeat_sum as f64 / f64::from(s.frequency);
                return Ok(());
            }
            finish(s, first, last)?;
        }
        (first, last, repeat_sum) = (d.day, d.day, 0);
        out.push(PurchaseSummary {
            party_id: d.party_id,
            frequency: 0,
            recency_weeks: 0.0,
            age_weeks: 0.0,
            mean_repeat_spend: 0.0,
            total_spend: d.total,
            orders: d.orders,
            first_purchase: NaiveDate::MIN,
            last_purchase: NaiveDate::MIN,
        });
        Ok(())
    })?;
    if let Some(s) = out.last_mut() {
        finish(s, first, last)?;
    }
    Ok(out)
}

/// Ranges of customer ids the scan of the orders is split into per thread.
const RANGES_PER_THREAD: usize = 8;

/// Every customer's purchase summary, in order of customer: one scan of
/// the orders, split by ranges of customer ids over the available cores
/// (each on a reader connection of its own, all on one committed state).
fn scan(store: &Store, as_of: NaiveDate, currency: &str) -> Result<Vec<PurchaseSummary>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(16);
    let Some((lo, hi)) = (if threads > 1 { store.read(sql::order_party_range)? } else { None }) else {
        return store.read(|c| summarize(c, as_of, currency, sql::ALL_PARTIES));
    };
    // Ranges of equal width between the lowest and the highest id; the
    // first and the last are open, so that they cover every id whatever
    // was committed since the two were read.
    let (lo, hi) = (lo.as_u128(), hi.as_u128());
    let k = threads * RANGES_PER_THREAD;
    let cuts: Vec<[u8; 16]> = (1..k as u128).map(|i| (lo + (hi - lo) / k as u128 * i).to_be_bytes()).collect();
    let ranges: Vec<(&[u8], &[u8])> = (0..k)
        .map(|i| {
            let from = if i == 0 { sql::ALL_PARTIES.0 } else { &cuts[i - 1][..] };
            let to = if i == k - 1 { sql::ALL_PARTIES.1 } else { &cuts[i][..] };
            (from, to)
        })
        .collect();
    let next = AtomicUsize::new(0);
    let parts = store.read_parallel(threads, |c| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(range) = ranges.get(i) else { return Ok(done) };
            done.push((i, summarize(c, as_of, currency, *range)?));
        }
    })?;
    let Some(parts) = parts else {
        // A commit came while the connections began: one scan on one.
        return store.read(|c| summarize(c, as_of, currency, sql::ALL_PARTIES));
    };
    let mut parts: Vec<(usize, Vec<PurchaseSummary>)> = parts.into_iter().flatten().collect();
    parts.sort_unstable_by_key(|p| p.0);
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    for (_, part) in parts {
        out.extend(part);
    }
    Ok(out)
}

/// BG/NBD and Gamma-Gamma fitted on `summaries` (the history up to `as_of`
/// in `currency`, which name it in the error of an empty history).
fn fit(summaries: &[PurchaseSummary], as_of: NaiveDate, currency: &str) -> Result<ClvModel> {
    if summaries.is_empty() {
        return Err(Error::validation("orders", format!("no purchases in {currency} up to {as_of}")));
    }
    let inputs: Vec<CustomerSummary> = summaries.iter().map(PurchaseSummary::model_input).collect();
    let bgnbd = fit_bgnbd(&inputs, &FitOptions::default())?;
    let spends: Vec<SpendSummary> = summaries
        .iter()
        .filter(|s| s.frequency > 0)
        .map(|s| SpendSummary::new(f64::from(s.frequency), s.mean_repeat_spend))
        .collect();
    let gamma_gamma = if spends.is_empty() { None } else { Some(fit_gamma_gamma(&spends, &FitOptions::default())?) };
    Ok(ClvModel { bgnbd, gamma_gamma, customers: summaries.len() })
}

/// Customers per thread below which predictions run on the calling thread.
const PARALLEL_CHUNK: usize = 20_000;

/// `f` of every item, in order, on the available cores when there are
/// many (threads take chunks in turn, so that a thread slowed down by other
/// work on the machine holds up no one); the error of the first failing
/// item otherwise.
pub(super) fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> Result<U> + Sync) -> Result<Vec<U>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len() / PARALLEL_CHUNK).min(16);
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunks: Vec<&[T]> = items.chunks(items.len().div_ceil(threads * 8)).collect();
    let next = AtomicUsize::new(0);
    let (f, chunks, next) = (&f, &chunks, &next);
    let mut done: Vec<(usize, Result<Vec<U>>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(chunk) = chunks.get(i) else { return done };
                        done.push((i, chunk.iter().map(f).collect::<Result<Vec<U>>>()));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
    });
    done.sort_unstable_by_key(|d| d.0);
    let mut out = Vec::with_capacity(items.len());
    for (_, part) in done {
        out.extend(part?);
    }
    Ok(out)
}

impl Crm {
    /// The purchase summaries of (`as_of`, `currency`), shared with the
    /// previous analytics call on this handle when the base has not
    /// changed since (see [`cache`]).
    pub(super) fn summaries(&self, as_of: NaiveDate, currency: &str) -> Result<cache::Entry> {
        let normalized = normalize_currency(currency)?;
        self.analytics.summaries(&self.store, as_of, &normalized, || scan(&self.store, as_of, &normalized))
    }

    /// The models fitted on an entry's summaries, fitted once per entry.
    /// `currency` is the caller's, for the error of an empty history.
    pub(super) fn model(&self, entry: &cache::Entry, as_of: NaiveDate, currency: &str) -> Result<ClvModel> {
        if let Some(m) = entry.model.get() {
            return Ok(m.clone());
        }
        let m = fit(&entry.summaries, as_of, currency)?;
        // Another thread may have fitted the same entry meanwhile: the same model.
        let _ = entry.model.set(m.clone());
        Ok(m)
    }

    /// Every customer's purchase history up to the end of `as_of`, in one
    /// currency: purchase days (orders of one day count once), recency and
    /// age in weeks, mean spend of repeat days.
    pub fn purchase_summaries(&self, as_of: NaiveDate, currency: &str) -> Result<Vec<PurchaseSummary>> {
        Ok(self.summaries(as_of, currency)?.summaries.as_ref().clone())
    }

    /// Fit BG/NBD and Gamma-Gamma by maximum likelihood on the purchase
    /// history up to `as_of` in one currency. An empty history is a
    /// validation error; a history without repeat buyers fits BG/NBD only.
    pub fn fit_clv(&self, as_of: NaiveDate, currency: &str) -> Result<ClvModel> {
        let entry = self.summaries(as_of, currency)?;
        self.model(&entry, as_of, currency)
    }

    /// Each customer's probability of being active, expected purchases and
    /// spend, and discounted lifetime value over the horizon, from models
    /// fitted on the same history; highest value first.
    pub fn customer_values(&self, req: &ClvRequest) -> Result<Vec<CustomerValue>> {
        let entry = self.summaries(req.as_of, &req.currency)?;
        let model = self.model(&entry, req.as_of, &req.currency)?;
        let gg = model
            .gamma_gamma
            .as_ref()
            .ok_or_else(|| Error::validation("orders", "no customer bought twice: the spend model cannot be fitted"))?;
        let bg = &model.bgnbd.params;
        let summaries = &entry.summaries;
        // Shares the costly part of the predictions between customers of the same x and T.
        let predictor = clv::ClvPredictor::new(*bg, gg.params, req.options, summaries.iter().map(|s| s.model_input()));
        // (clv, customer's position, P(alive), expected purchases, expected spend)
        let mut values = par_map(summaries, |s| {
            let spend_basis = if s.frequency > 0 { s.mean_repeat_spend } else { s.total_spend as f64 };
            let p = predictor.predict(&s.model_input(), spend_basis)?;
            Ok((p.lifetime_value, 0, p.probability_alive, p.expected_purchases, p.expected_average_spend))
        })?;
        for (i, v) in values.iter_mut().enumerate() {
            v.1 = i;
        }
        // Highest value first, then by customer: the order is total, so an
        // unstable sort of the small tuples gives it.
        values.sort_unstable_by(|a, b| {
            b.0.total_cmp(&a.0).then_with(|| summaries[a.1].party_id.cmp(&summaries[b.1].party_id))
        });
        Ok(values
            .into_iter()
            .map(|(clv, i, probability_alive, expected_purchases, expected_average_spend)| CustomerValue {
                party_id: summaries[i].party_id,
                summary: summaries[i].clone(),
                probability_alive,
                expected_purchases,
                expected_average_spend,
                clv,
            })
            .collect())
    }

    /// RFM as of a date in one currency: recency, frequency and monetary
    /// value from the orders, quintile scores and named segments.
    pub fn rfm(&self, as_of: NaiveDate, currency: &str) -> Result<Vec<RfmScore>> {
        let entry = self.summaries(as_of, currency)?;
        let summaries = &entry.summaries;
        let recency: Vec<f64> = summaries.iter().map(|s| -((as_of - s.last_purchase).num_days() as f64)).collect();
        let frequency: Vec<f64> = summaries.iter().map(|s| f64::from(s.frequency + 1)).collect();
        let monetary: Vec<f64> = summaries.iter().map(|s| s.total_spend as f64).collect();
        let (r, f, m) = (quintiles(&recency), quintiles(&frequency), quintiles(&monetary));
        Ok(summaries
            .iter()
            .enumerate()
            .map(|(i, s)| RfmScore {
                party_id: s.party_id,
                recency_days: (as_of - s.last_purchase).num_days(),
                frequency: s.frequency + 1,
                monetary: s.total_spend,
                r: r[i],
                f: f[i],
                m: m[i],
                segment: RfmSegment::of(r[i], f[i]),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn quintiles_share_ties_and_spread_1_to_5() {
        let q = quintiles(&[10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]);
        assert_eq!(q, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        let q = quintiles(&[1.0, 1.0, 1.0, 1.0, 9.0]);
        assert_eq!(q, [1, 1, 1, 1, 5]);
        assert!(quintiles(&[]).is_empty());
    }

    #[test]
    fn every_rf_cell_has_a_segment() {
        assert_eq!(RfmSegment::of(5, 5), RfmSegment::Champions);
        assert_eq!(RfmSegment::of(5, 1), RfmSegment::NewCustomers);
        assert_eq!(RfmSegment::of(1, 5), RfmSegment::CannotLoseThem);
        assert_eq!(RfmSegment::of(1, 1), RfmSegment::Lost);
        assert_eq!(RfmSegment::of(2, 1), RfmSegment::Hibernating);
        assert_eq!(RfmSegment::of(2, 3), RfmSegment::AtRisk);
        assert_eq!(RfmSegment::of(3, 4), RfmSegment::Loyal);
        assert_eq!(RfmSegment::of(3, 2), RfmSegment::AboutToSleep);
    }

    #[test]
    fn par_map_keeps_the_order_and_the_first_error() {
        let items: Vec<u64> = (0..(5 * PARALLEL_CHUNK) as u64).collect();
        let squares = par_map(&items, |i| Ok(i * i)).unwrap();
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
        let failing =
            par_map(
                &items,
                |i| {
                    if i % 30_001 == 30_000 { Err(Error::validation("item", format!("{i}"))) } else { Ok(*i) }
                },
            );
        assert_eq!(failing.unwrap_err().to_string(), "invalid item: 30000");
        assert!(par_map(&[] as &[u64], |i| Ok(*i)).unwrap().is_empty());
    }

    fn place(crm: &Crm, party: Uuid, day: u32, total: i64) {
        use crate::sales::{NewOrder, NewOrderLine, OrderStatus};
        let at = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
        crm.create_order(NewOrder {
            status: OrderStatus::Placed,
            placed_at: Some(at.and_hms_opt(12, 0, 0).unwrap().and_utc()),
            lines: vec![NewOrderLine {
                product_id: None,
                description: Some("Goods".into()),
                quantity: 1,
                unit_price: Some(total),
                discount: 0,
                tax_rate_bp: 0,
            }],
            ..NewOrder::new(party, "EUR")
        })
        .unwrap();
    }

    #[test]
    fn an_unchanged_base_shares_one_scan_and_one_fit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("crm.db");
        let crm = Crm::open(&path).unwrap();
        let parties =
            crm.create_parties((0..60).map(|i| crate::NewParty::person(format!("P{i}"), "Test")).collect()).unwrap();
        // Purchases at a rate of their own, each maybe the last (as BG/NBD
        // has it), over about a year.
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut unit = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for (i, p) in parties.iter().enumerate() {
            let (rate, dropout) = (0.01 + 0.1 * unit(), 0.05 + 0.5 * unit());
            let mut day = 200.0 * unit();
            loop {
                place(&crm, p.id, day as u32, 1_000 + 37 * i as i64 + (500.0 * unit()) as i64);
                day += -(1.0 - unit()).ln() / rate;
                if day >= 365.0 || unit() < dropout {
                    break;
                }
            }
        }
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let first = crm.summaries(as_of, "EUR").unwrap();
        // The same key, also through a clone of the handle: the same scan.
        assert!(Arc::ptr_eq(&first.summaries, &crm.summaries(as_of, "eur").unwrap().summaries));
        assert!(Arc::ptr_eq(&first.summaries, &crm.with_actor("x").summaries(as_of, "EUR").unwrap().summaries));
        // One fit per scan.
        let model = crm.fit_clv(as_of, "EUR").unwrap();
        assert_eq!(first.model.get(), Some(&model));
        // Another handle has its own.
        let other = Crm::open(&path).unwrap();
        assert!(!Arc::ptr_eq(&first.summaries, &other.summaries(as_of, "EUR").unwrap().summaries));
        // A write through the handle, then one through another connection:
        // each time a new scan.
        place(&crm, parties[1].id, 310, 500);
        let second = crm.summaries(as_of, "EUR").unwrap();
        assert!(!Arc::ptr_eq(&first.summaries, &second.summaries));
        assert!(second.model.get().is_none());
        place(&other, parties[2].id, 311, 500);
        let third = crm.summaries(as_of, "EUR").unwrap();
        assert!(!Arc::ptr_eq(&second.summaries, &third.summaries));
        assert!(Arc::ptr_eq(&third.summaries, &crm.summaries(as_of, "EUR").unwrap().summaries));
        // A read through another connection changes nothing.
        let _ = other.purchase_summaries(as_of, "EUR").unwrap();
        assert!(Arc::ptr_eq(&third.summaries, &crm.summaries(as_of, "EUR").unwrap().summaries));
    }
}
