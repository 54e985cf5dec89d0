//! Numbered, forward-only schema migrations, compiled into the library.
//!
//! `PRAGMA user_version` holds the number of the last migration applied and
//! `PRAGMA application_id` marks the file as ours. Opening an older file
//! applies the missing migrations in one transaction; opening a newer one
//! fails and changes nothing.

use rusqlite::Connection;

use crate::error::{Error, Result};

/// Migration `i` (0-based) brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("schema/0001_core.sql"),
    include_str!("schema/0002_interactions.sql"),
    include_str!("schema/0003_sales.sql"),
    include_str!("schema/0004_search.sql"),
    include_str!("schema/0005_merge.sql"),
    include_str!("schema/0006_import.sql"),
    include_str!("schema/0007_interaction_search.sql"),
    include_str!("schema/0008_order_summaries.sql"),
    include_str!("schema/0009_outbox_audit_link.sql"),
    include_str!("schema/0010_interaction_search_parties.sql"),
];

/// The schema version this build of the library writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

fn read_ids(conn: &Connection) -> Result<(i32, i64, i64)> {
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", [], |r| {
            r.get(0)
        })?;
    Ok((app, version, objects))
}

/// Refuse a file that is not ours or is newer than this build; write nothing.
pub(crate) fn check(conn: &Connection, application_id: i32) -> Result<()> {
    let (app, version, objects) = read_ids(conn)?;
    if app == 0 && version == 0 && objects == 0 {
        return Ok(()); // a new, empty file
    }
    if app != application_id {
        return Err(Error::Schema(format!(
            "the file is a SQLite database of another application (application_id {app:#x})"
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(Error::Schema(format!(
            "the file has schema version {version}, written by a newer version of the library; \
             this version reads schema {SCHEMA_VERSION} and older"
        )));
    }
    Ok(())
}

/// For read-only opening: the file must already be at this schema version.
pub(crate) fn require_current(conn: &Connection) -> Result<()> {
    let (_, version, _) = read_ids(conn)?;
    if version != SCHEMA_VERSION {
        return Err(Error::Schema(format!(
            "the file has schema version {version}; read-only opening needs version {SCHEMA_VERSION} \
             (open it for writing once to upgrade it)"
        )));
    }
    Ok(())
}

/// Apply every missing migration in one immediate transaction.
pub(crate) fn migrate(conn: &Connection, application_id: i32) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> Result<()> {
        // Check again under the write lock: another process may have
        // migrated the file meanwhile.
        check(conn, application_id)?;
        let (_, version, _) = read_ids(conn)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            conn.execute_batch(sql)?;
            conn.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        conn.pragma_update(None, "application_id", application_id)?;
        Ok(())
    })();
    match result {
        Ok(()) => {
            conn.execute_batch("COMMIT")?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_and_idempotent() {
        let conn = Connection::open_in_memory().unwrap();
        migrate(&conn, 7).unwrap();
        migrate(&conn, 7).unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }
}
