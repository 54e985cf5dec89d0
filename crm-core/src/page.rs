//! Keyset pages shared by every list: a page of records and an opaque cursor
//! that names where the page ended.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<String>,
}

/// Where a page ended: the sort value and id of its last row, and the list
/// (`scope`) it belongs to, so that a cursor of one list is refused by another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Cursor {
    pub(crate) scope: String,
    pub(crate) key: CursorKey,
    pub(crate) id: Uuid,
}

/// The sort value of a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub(crate) enum CursorKey {
    Int(i64),
    Text(String),
}

impl CursorKey {
    pub(crate) fn to_sql(&self) -> rusqlite::types::Value {
        match self {
            CursorKey::Int(i) => rusqlite::types::Value::Integer(*i),
            CursorKey::Text(s) => rusqlite::types::Value::Text(s.clone()),
        }
    }
}

impl Cursor {
    pub(crate) fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Read a cursor given as `after`, checking it belongs to `scope`.
    pub(crate) fn decode(s: &str, scope: &str) -> Result<Cursor> {
        let bad = || Error::validation("after", "not a cursor returned by a previous page");
        let bytes = URL_SAFE_NO_PAD.decode(s.trim()).map_err(|_| bad())?;
        let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if c.scope != scope {
            return Err(Error::validation("after", "the cursor belongs to another list or another order"));
        }
        Ok(c)
    }
}

/// Check a page size.
pub(crate) fn check_limit(limit: usize) -> Result<()> {
    if limit == 0 || limit > 1000 {
        return Err(Error::validation("limit", format!("{limit} is not between 1 and 1000")));
    }
    Ok(())
}
