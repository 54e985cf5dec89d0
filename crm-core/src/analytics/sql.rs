//! The SQL of the analytics: the purchase history they start from.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};
use uuid::Uuid;

use crate::error::Result;
use crate::store::to_micros;

/// Statuses of orders that count as purchases.
pub(crate) const PURCHASED: &str = "('placed', 'paid', 'shipped', 'delivered')";

/// One purchase day of one customer: the sum of its orders that day.
pub(crate) struct Day {
    pub(crate) party_id: Uuid,
    pub(crate) day: NaiveDate,
    pub(crate) total: i64,
    pub(crate) orders: i64,
}

/// Every customer's purchase days up to the end of `as_of` (UTC), in one
/// currency, ordered by customer and day.
pub(crate) fn purchase_days(conn: &Connection, as_of: NaiveDate, currency: &str) -> Result<Vec<Day>> {
    let end: DateTime<Utc> = as_of.succ_opt().unwrap_or(as_of).and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT party_id, date(placed_at / 1000000, 'unixepoch') AS day, sum(total_minor), count(*)
         FROM sales_order
         WHERE status IN {PURCHASED} AND currency = ?1 AND placed_at IS NOT NULL AND placed_at < ?2
         GROUP BY party_id, day ORDER BY party_id, day"
    ))?;
    let rows = stmt.query_map(params![currency, to_micros(end)], |r| {
        Ok(Day { party_id: r.get(0)?, day: r.get(1)?, total: r.get(2)?, orders: r.get(3)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
