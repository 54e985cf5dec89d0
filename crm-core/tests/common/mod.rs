//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crm_core::Crm;

/// A base in a temporary directory, with its path for raw inspection.
pub struct TempBase {
    pub crm: Crm,
    pub path: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn temp_base() -> TempBase {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let crm = Crm::open(&path).unwrap();
    TempBase { crm, path, _dir: dir }
}

/// Everything that a write could change, summed up: row counts and version
/// sums of every table, and the last audit and outbox sequence numbers.
pub fn fingerprint(path: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut out = Vec::new();
    for (table, versioned) in [
        ("party", true),
        ("party_role", true),
        ("contact_point", true),
        ("tag", false),
        ("note", true),
        ("custom_field", true),
        ("custom_value", false),
        ("relationship_type", false),
        ("relationship", true),
        ("audit", false),
        ("outbox", false),
    ] {
        let sql = if versioned {
            format!("SELECT count(*) || '/' || total(version) FROM {table}")
        } else {
            format!("SELECT count(*) || '/0' FROM {table}")
        };
        let v: String = conn.query_row(&sql, [], |r| r.get(0)).unwrap();
        out.push(format!("{table}={v}"));
    }
    let hash: String = conn
        .query_row(
            "SELECT group_concat(hex(id) || display_name || coalesce(hex(parent_id), '') || coalesce(archived_at, ''), ',') FROM party",
            [],
            |r| r.get::<_, Option<String>>(0),
        )
        .unwrap()
        .unwrap_or_default();
    out.push(hash);
    out.join(" ")
}
