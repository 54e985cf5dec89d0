//! Bulk loading: the indexes whose entries land at random places (names,
//! contact values, tags) are dropped inside the import's transaction and
//! built again, sorted, before it commits.
//!
//! An index that a new row enters at a random place costs a page write per
//! row once the index outgrows the page cache: at a million parties that is
//! most of an import's time. Building the index after the load sorts its
//! entries once instead. The drop and the build are in the import's own
//! transaction, so other connections never see the base without them, and
//! a crash or a rollback leaves the base as it was.

use rusqlite::{Connection, OptionalExtension};

use super::ImportLoad;

use crate::error::Result;
use crate::store::Tx;

/// The indexes a bulk load builds at the end. Those that an import reads
/// (the primary keys, the unique custom values, the VAT numbers, the party
/// ids of the audit and the outbox) are not among them; the contact values
/// are read by an import keyed by email or phone, which keeps them.
const DEFERRED: &[&str] = &[
    "party_by_name",
    "party_live_name",
    "party_live_kind",
    "party_live_country",
    "tag_by_tag",
    "contact_point_by_value",
];

/// The contact-value index, which an import keyed by email or phone reads.
pub(super) const CONTACT_VALUES: &str = "contact_point_by_value";

/// Indexes dropped in a transaction under way, with the statements that
/// create them again.
pub(super) struct Deferred {
    created: Vec<String>,
}

impl Deferred {
    /// Drop the deferred indexes but those in `keep`.
    pub(super) fn drop_indexes(tx: &Tx<'_>, keep: &[&str]) -> Result<Deferred> {
        let mut created = Vec::new();
        for name in DEFERRED.iter().filter(|n| !keep.contains(n)) {
            let sql: Option<String> = tx
                .conn()
                .query_row("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1", [name], |r| r.get(0))
                .optional()?;
            // An index another version of the schema lacks is left alone.
            let Some(sql) = sql else { continue };
            tx.conn().execute_batch(&format!("DROP INDEX \"{name}\""))?;
            created.push(sql);
        }
        Ok(Deferred { created })
    }

    /// Build the dropped indexes again. Must run before the transaction
    /// commits.
    pub(super) fn rebuild(self, tx: &Tx<'_>) -> Result<()> {
        for sql in self.created {
            tx.conn().execute_batch(&sql)?;
        }
        Ok(())
    }
}

/// An import of this many rows or fewer never loads in bulk on its own.
const MIN_ROWS: u64 = 1000;
/// [`ImportLoad::Auto`] loads in bulk once the rows read are at least this
/// fraction (1/16) of the parties the base held before: building an index
/// again costs a few microseconds per entry, a random entry in an index
/// larger than the page cache a page write.
const RATIO: u64 = 16;

/// Decides, as an import goes on, when it loads the rest in bulk.
pub(super) struct Chooser {
    load: ImportLoad,
    next_check: u64,
}

impl Chooser {
    pub(super) fn new(load: ImportLoad) -> Chooser {
        Chooser { load, next_check: MIN_ROWS }
    }

    /// Whether to load the rest in bulk, once `rows` rows have been read
    /// and `created` parties created; `conn` sees those parties. Under
    /// [`ImportLoad::Auto`] the parties are counted each time the rows read
    /// double, each count stopping at 16 times the rows read, so counting
    /// costs a small multiple of the import's size, whatever the base's.
    pub(super) fn bulk_now(&mut self, conn: &Connection, rows: u64, created: u64) -> Result<bool> {
        match self.load {
            ImportLoad::Batches => Ok(false),
            ImportLoad::Bulk => Ok(true),
            ImportLoad::Auto => {
                if rows < self.next_check {
                    return Ok(false);
                }
                self.next_check = rows.saturating_mul(2);
                let allowed = rows.saturating_mul(RATIO);
                let limit = i64::try_from(allowed.saturating_add(created).saturating_add(1)).unwrap_or(i64::MAX);
                let n: i64 =
                    conn.query_row("SELECT count(*) FROM (SELECT 1 FROM party LIMIT ?1)", [limit], |r| r.get(0))?;
                let before = u64::try_from(n).unwrap_or(0).saturating_sub(created);
                Ok(before <= allowed)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(parties: i64) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE party (x)").unwrap();
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) INSERT INTO party SELECT i FROM n",
            [parties],
        )
        .unwrap();
        conn
    }

    #[test]
    fn auto_goes_bulk_at_a_sixteenth_of_the_base_checking_as_the_rows_double() {
        // 32,000 parties before, 1000 rows read of which 1000 created: the
        // base held 31,000 > 16,000; at 2000 rows, 30,000 > 32,000 is false.
        let conn = base(32_000);
        let mut c = Chooser::new(ImportLoad::Auto);
        assert!(!c.bulk_now(&conn, 999, 0).unwrap(), "too few rows");
        assert!(!c.bulk_now(&conn, 1000, 1000).unwrap());
        assert!(!c.bulk_now(&conn, 1999, 1999).unwrap(), "not counted again before the rows double");
        assert!(c.bulk_now(&conn, 2000, 2000).unwrap());
        // An empty base: bulk at the first check.
        assert!(Chooser::new(ImportLoad::Auto).bulk_now(&base(0), 1000, 0).unwrap());
        // A base larger than the count's limit stays in batches.
        assert!(!Chooser::new(ImportLoad::Auto).bulk_now(&base(20_000), 1000, 0).unwrap());
        assert!(Chooser::new(ImportLoad::Bulk).bulk_now(&base(20_000), 1, 0).unwrap());
        assert!(!Chooser::new(ImportLoad::Batches).bulk_now(&base(0), 1_000_000, 0).unwrap());
    }
}
