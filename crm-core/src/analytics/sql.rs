//! The SQL of the analytics: the purchase history they start from.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::error::Result;
use crate::store::to_micros;

/// Statuses of orders that count as purchases.
pub(crate) const PURCHASED: &str = "('placed', 'paid', 'shipped', 'delivered')";

/// [`PURCHASED`] as comparisons, for a filter evaluated on every row: SQLite
/// looks an IN list of more than two values up in a temporary b-tree.
const IS_PURCHASED: &str = "(status = 'placed' OR status = 'paid' OR status = 'shipped' OR status = 'delivered')";

/// One purchase day of one customer: the sum of its orders that day.
pub(crate) struct Day {
    pub(crate) party_id: Uuid,
    /// Days since 1970-01-01 (see [`date`]).
    pub(crate) day: i64,
    pub(crate) total: i64,
    pub(crate) orders: i64,
}

/// Days from 0001-01-01 (common era) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// The UTC day number (days since 1970-01-01) of a stored time, as SQLite's
/// `date(us / 1000000, 'unixepoch')` counts it: whole seconds first,
/// truncated toward zero.
fn day_number(us: i64) -> i64 {
    (us / 1_000_000).div_euclid(86_400)
}

/// The day number of a date.
pub(crate) fn day_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE
}

/// The date of a day number; an error beyond the dates `NaiveDate` holds.
pub(crate) fn date(day: i64) -> Result<NaiveDate> {
    Ok(i32::try_from(day + UNIX_EPOCH_DAYS_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(1, day))?)
}

/// Bounds of customer ids for [`purchase_days`]: every id.
pub(crate) const ALL_PARTIES: (&[u8], &[u8]) = (&[], &[0xFF; 17]);

/// The lowest and the highest customer id with orders.
pub(crate) fn order_party_range(conn: &Connection) -> Result<Option<(Uuid, Uuid)>> {
    let end = |order: &str| -> Result<Option<Uuid>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT party_id FROM sales_order INDEXED BY sales_order_by_party ORDER BY party_id {order} LIMIT 1"
        ))?;
        let mut rows = stmt.query([])?;
        Ok(rows.next()?.map(|r| r.get(0)).transpose()?)
    };
    Ok(end("ASC")?.zip(end("DESC")?))
}

fn purchase_days_sql() -> String {
    format!(
        "SELECT party_id, placed_at, total_minor
         FROM sales_order INDEXED BY sales_order_by_party
         WHERE party_id >= ?3 AND party_id < ?4
           AND {IS_PURCHASED} AND currency = ?1 AND placed_at IS NOT NULL AND placed_at < ?2
         ORDER BY party_id, placed_at"
    )
}

/// The purchase days up to the end of `as_of` (UTC), in one currency, of
/// the customers whose ids (as bytes) lie in `[parties.0, parties.1)`,
/// handed to `each` in order of customer and day.
///
/// One ordered scan of `sales_order_by_party`, which covers the query
/// (schema 8); the orders of a customer's day are summed here rather than
/// grouped by a date expression in SQL, which sorts every order. The index
/// is named: planning without statistics and bound values, SQLite would
/// rather range over `sales_order_by_placed`, look every order up in the
/// table and sort them.
pub(crate) fn purchase_days(
    conn: &Connection,
    as_of: NaiveDate,
    currency: &str,
    parties: (&[u8], &[u8]),
    mut each: impl FnMut(Day) -> Result<()>,
) -> Result<()> {
    let end: DateTime<Utc> = as_of.succ_opt().unwrap_or(as_of).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut stmt = conn.prepare_cached(&purchase_days_sql())?;
    let mut rows = stmt.query(params![currency, to_micros(end), parties.0, parties.1])?;
    let mut current: Option<Day> = None;
    while let Some(r) = rows.next()? {
        let party_id: Uuid = r.get(0)?;
        let day = day_number(r.get(1)?);
        let total: i64 = r.get(2)?;
        if let Some(d) = current.as_mut()
            && d.day == day
            && d.party_id == party_id
        {
            d.total += total;
            d.orders += 1;
            continue;
        }
        if let Some(d) = current.replace(Day { party_id, day, total, orders: 1 }) {
            each(d)?;
        }
    }
    if let Some(d) = current {
        each(d)?;
    }
    Ok(())
}

/// One stay of an opportunity in a stage, with the opportunity's group.
pub(crate) struct Visit {
    pub(crate) opportunity_id: Uuid,
    pub(crate) stage_id: Uuid,
    pub(crate) entered_at: i64,
    pub(crate) left_at: Option<i64>,
    pub(crate) status: String,
    pub(crate) group: Option<String>,
}

pub(crate) fn stage_visits(
    conn: &Connection,
    pipeline_id: Uuid,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    group: super::reports::FunnelGroup,
) -> Result<Vec<Visit>> {
    use super::reports::FunnelGroup;
    let g = match group {
        FunnelGroup::All => "NULL",
        FunnelGroup::Owner => "o.owner",
        FunnelGroup::Source => "o.source",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT h.opportunity_id, h.stage_id, h.entered_at, h.left_at, o.status, {g}
         FROM opportunity_stage_history h JOIN opportunity o ON o.id = h.opportunity_id
         WHERE o.pipeline_id = ?1 AND (?2 IS NULL OR o.created_at >= ?2) AND (?3 IS NULL OR o.created_at < ?3)
         ORDER BY h.opportunity_id, h.seq"
    ))?;
    let rows = stmt.query_map(params![pipeline_id, from.map(to_micros), to.map(to_micros)], |r| {
        Ok(Visit {
            opportunity_id: r.get(0)?,
            stage_id: r.get(1)?,
            entered_at: r.get(2)?,
            left_at: r.get(3)?,
            status: r.get(4)?,
            group: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn lead_funnel(
    conn: &Connection,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    column: Option<&str>,
) -> Result<Vec<super::reports::LeadFunnel>> {
    let g = column.unwrap_or("NULL");
    let mut stmt = conn.prepare(&format!(
        "SELECT {g} AS g, count(*),
                sum(status IN ('working', 'qualified', 'converted')),
                sum(status IN ('qualified', 'converted')),
                sum(status = 'converted'),
                sum(status = 'disqualified')
         FROM lead WHERE (?1 IS NULL OR created_at >= ?1) AND (?2 IS NULL OR created_at < ?2)
         GROUP BY g ORDER BY g"
    ))?;
    let rows = stmt.query_map(params![from.map(to_micros), to.map(to_micros)], |r| {
        Ok(super::reports::LeadFunnel {
            group: r.get(0)?,
            leads: r.get::<_, i64>(1)? as u64,
            working: r.get::<_, i64>(2)? as u64,
            qualified: r.get::<_, i64>(3)? as u64,
            converted: r.get::<_, i64>(4)? as u64,
            disqualified: r.get::<_, i64>(5)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn forecast(conn: &Connection, pipeline_id: Option<Uuid>) -> Result<Vec<super::reports::ForecastMonth>> {
    let mut stmt = conn.prepare_cached(
        "SELECT coalesce(substr(o.expected_close, 1, 7), 'none') AS month, o.currency, count(*), sum(o.amount_minor),
                sum((o.amount_minor * coalesce(o.probability, s.probability) + 50) / 100)
         FROM opportunity o JOIN pipeline_stage s ON s.id = o.stage_id
         WHERE o.status = 'open' AND (?1 IS NULL OR o.pipeline_id = ?1)
         GROUP BY month, o.currency ORDER BY month, o.currency",
    )?;
    let rows = stmt.query_map([pipeline_id], |r| {
        Ok(super::reports::ForecastMonth {
            month: r.get(0)?,
            currency: r.get(1)?,
            count: r.get::<_, i64>(2)? as u64,
            amount: r.get(3)?,
            weighted_amount: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn revenue(conn: &Connection, q: &super::reports::RevenueQuery) -> Result<Vec<super::reports::RevenueRow>> {
    use super::reports::{Period, RevenueBy};
    let t = "datetime(so.placed_at / 1000000, 'unixepoch')";
    let period = match q.period {
        Period::Day => format!("date({t})"),
        Period::Week => format!("strftime('%Y-W%W', {t})"),
        Period::Month => format!("strftime('%Y-%m', {t})"),
        Period::Quarter => format!("strftime('%Y', {t}) || '-Q' || ((CAST(strftime('%m', {t}) AS INTEGER) + 2) / 3)"),
        Period::Year => format!("strftime('%Y', {t})"),
    };
    // Line-level cuts sum line totals; order-level cuts sum order totals.
    let (key, from, amount) = match q.by {
        RevenueBy::Total => ("''", "sales_order so", "so.total_minor"),
        RevenueBy::Channel => ("so.channel", "sales_order so", "so.total_minor"),
        RevenueBy::Country => {
            ("coalesce(p.country, '')", "sales_order so JOIN party p ON p.id = so.party_id", "so.total_minor")
        }
        RevenueBy::Tier => (
            "coalesce((SELECT json_extract(r.details, '$.tier') FROM party_role r
                        WHERE r.party_id = so.party_id AND r.role = 'customer' LIMIT 1), '')",
            "sales_order so",
            "so.total_minor",
        ),
        RevenueBy::Segment => ("t.tag", "sales_order so JOIN tag t ON t.party_id = so.party_id", "so.total_minor"),
        RevenueBy::Product => (
            "coalesce(pr.sku, 'other')",
            "sales_order so JOIN order_line l ON l.order_id = so.id LEFT JOIN product pr ON pr.id = l.product_id",
            "l.total_minor",
        ),
        RevenueBy::Category => (
            "coalesce(pr.category, 'other')",
            "sales_order so JOIN order_line l ON l.order_id = so.id LEFT JOIN product pr ON pr.id = l.product_id",
            "l.total_minor",
        ),
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT {period} AS period, {key} AS k, so.currency, sum({amount}), count(DISTINCT so.id)
         FROM {from}
         WHERE so.status IN {PURCHASED} AND so.placed_at IS NOT NULL
           AND (?1 IS NULL OR so.placed_at >= ?1) AND (?2 IS NULL OR so.placed_at < ?2)
         GROUP BY period, k, so.currency ORDER BY period, k, so.currency"
    ))?;
    let rows = stmt.query_map(params![q.from.map(to_micros), q.to.map(to_micros)], |r| {
        Ok(super::reports::RevenueRow {
            period: r.get(0)?,
            key: r.get(1)?,
            currency: r.get(2)?,
            amount: r.get(3)?,
            orders: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Per customer and calendar month with purchases: (party, year, month,
/// revenue), in order of customer and month.
pub(crate) fn customer_months(conn: &Connection, currency: &str) -> Result<Vec<(Uuid, i32, u32, i64)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT party_id, CAST(strftime('%Y', placed_at / 1000000, 'unixepoch') AS INTEGER) AS y,
                CAST(strftime('%m', placed_at / 1000000, 'unixepoch') AS INTEGER) AS m, sum(total_minor)
         FROM sales_order WHERE status IN {PURCHASED} AND currency = ?1 AND placed_at IS NOT NULL
         GROUP BY party_id, y, m ORDER BY party_id, y, m"
    ))?;
    let rows = stmt.query_map([currency], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// (party, order, product) of every purchased line with a product, in
/// order of customer and time.
pub(crate) fn purchased_products(conn: &Connection) -> Result<Vec<(Uuid, Uuid, Uuid)>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT so.party_id, so.id, l.product_id FROM sales_order so JOIN order_line l ON l.order_id = so.id
         WHERE so.status IN {PURCHASED} AND l.product_id IS NOT NULL
         ORDER BY so.party_id, so.placed_at, so.id"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One example for the win model: an opportunity on entering an open stage.
#[derive(Debug, Clone)]
pub(crate) struct WinExample {
    pub(crate) opportunity_id: Uuid,
    pub(crate) stage_position: i64,
    pub(crate) stage_probability: u8,
    pub(crate) amount: i64,
    pub(crate) source: Option<String>,
    pub(crate) owner: Option<String>,
    pub(crate) age_days: f64,
    pub(crate) activity: i64,
    pub(crate) won: bool,
    pub(crate) closed_at: i64,
}

/// The stays in open stages of the closed opportunities of a pipeline
/// (`closed`), or the current stays of its open ones.
pub(crate) fn win_examples(conn: &Connection, pipeline_id: Uuid, closed: bool) -> Result<Vec<WinExample>> {
    let which = if closed { "o.status IN ('won', 'lost')" } else { "o.status = 'open' AND h.left_at IS NULL" };
    let mut stmt = conn.prepare(&format!(
        "SELECT o.id, s.position, s.probability, o.amount_minor, o.source, o.owner,
                (h.entered_at - o.created_at) / 86400000000.0,
                (SELECT count(*) FROM interaction i WHERE i.opportunity_id = o.id AND i.occurred_at <= h.entered_at),
                o.status = 'won', coalesce(o.closed_at, 0)
         FROM opportunity_stage_history h
         JOIN opportunity o ON o.id = h.opportunity_id
         JOIN pipeline_stage s ON s.id = h.stage_id
         WHERE o.pipeline_id = ?1 AND s.outcome = 'open' AND {which}
         ORDER BY coalesce(o.closed_at, 0), o.id, h.seq"
    ))?;
    let rows = stmt.query_map([pipeline_id], |r| {
        Ok(WinExample {
            opportunity_id: r.get(0)?,
            stage_position: r.get(1)?,
            stage_probability: r.get(2)?,
            amount: r.get(3)?,
            source: r.get(4)?,
            owner: r.get(5)?,
            age_days: r.get(6)?,
            activity: r.get(7)?,
            won: r.get(8)?,
            closed_at: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_the_days_sqlite_gives() {
        let conn = Connection::open_in_memory().unwrap();
        let day = 86_400_000_000i64;
        for us in [
            0,
            1,
            -1,
            -999_999,
            -1_000_000,
            -1_000_001,
            day - 1,
            day,
            -day,
            -day - 1,
            -day + 999_999,
            1_735_689_599_999_999,
            1_735_689_600_000_000,
            -62_135_596_800_000_000, // 0001-01-01
            253_402_300_799_999_999, // 9999-12-31T23:59:59.999999
        ] {
            let sqlite: String = conn.query_row("SELECT date(?1 / 1000000, 'unixepoch')", [us], |r| r.get(0)).unwrap();
            let ours = date(day_number(us)).unwrap();
            assert_eq!(day_of(ours), day_number(us));
            assert_eq!(ours.format("%Y-%m-%d").to_string(), sqlite, "{us} µs");
        }
        assert!(date(i64::from(i32::MAX)).is_err());
        assert!(date(i64::MIN / 2).is_err());
    }

    #[test]
    fn purchase_days_scan_one_covering_index_without_sorting() {
        let crm = crate::Crm::open_in_memory().unwrap();
        let plan = crm
            .store
            .read(|c| {
                let mut stmt = c.prepare(&format!("EXPLAIN QUERY PLAN {}", purchase_days_sql()))?;
                let rows =
                    stmt.query_map(params!["EUR", 0, ALL_PARTIES.0, ALL_PARTIES.1], |r| r.get::<_, String>(3))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .unwrap();
        assert_eq!(
            plan,
            ["SEARCH sales_order USING COVERING INDEX sales_order_by_party (party_id>? AND party_id<?)"],
            "{plan:?}"
        );
    }
}
