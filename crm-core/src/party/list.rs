//! Filters, sort orders and keyset pages of parties.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{PartyKind, RoleKind};
use crate::custom::CustomValue;
use crate::error::Result;
use crate::page::{Cursor, check_limit};

/// Which parties a list shows with regard to the archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchivedFilter {
    /// Active parties only.
    #[default]
    Exclude,
    /// Active and archived parties.
    Include,
    /// Archived parties only.
    Only,
}

/// Which parties to list or count; every field set narrows the result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartyFilter {
    /// Persons or organizations.
    pub kind: Option<PartyKind>,
    /// Holding a role of this kind.
    pub role: Option<RoleKind>,
    /// Having this tag.
    pub tag: Option<String>,
    /// In this country (ISO 3166 alpha-2, of the primary address).
    pub country: Option<String>,
    /// Belonging directly to this organization.
    pub parent_id: Option<Uuid>,
    /// Rolling up to this top organization.
    pub commercial_id: Option<Uuid>,
    /// Whose display name starts with this text (case-insensitive).
    pub name_prefix: Option<String>,
    /// With these custom field values (a multiple-choice field matches when
    /// it holds the value).
    pub custom: BTreeMap<String, CustomValue>,
    /// Created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Created before.
    pub created_to: Option<DateTime<Utc>>,
    /// Updated at or after.
    pub updated_from: Option<DateTime<Utc>>,
    /// Updated before.
    pub updated_to: Option<DateTime<Utc>>,
    /// Active, archived or both.
    pub archived: ArchivedFilter,
}

/// The order of a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartySort {
    /// By display name, case-insensitive.
    #[default]
    Name,
    /// By creation time.
    Created,
    /// By time of the last change.
    Updated,
}

/// A filtered, sorted page request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PartyQuery {
    /// Which parties.
    #[serde(flatten)]
    pub filter: PartyFilter,
    /// In which order.
    pub sort: PartySort,
    /// Reverse the order.
    pub descending: bool,
    /// Page size, 1 to 1000 (default 50).
    pub limit: usize,
    /// The `next` of the previous page; `None` for the first page.
    pub after: Option<String>,
}

impl Default for PartyQuery {
    fn default() -> Self {
        PartyQuery { filter: PartyFilter::default(), sort: PartySort::Name, descending: false, limit: 50, after: None }
    }
}

/// A checked query, ready to be turned into SQL.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) filter: PartyFilter,
    pub(crate) sort: PartySort,
    pub(crate) descending: bool,
    pub(crate) limit: usize,
    pub(crate) after: Option<Cursor>,
}

impl PartySort {
    fn as_str(self) -> &'static str {
        match self {
            PartySort::Name => "name",
            PartySort::Created => "created",
            PartySort::Updated => "updated",
        }
    }
}

/// The scope of a party list's cursors: its order.
pub(crate) fn scope(sort: PartySort, descending: bool) -> String {
    format!("party:{}:{}", sort.as_str(), if descending { "desc" } else { "asc" })
}

pub(crate) fn plan(q: &PartyQuery) -> Result<Plan> {
    check_limit(q.limit)?;
    let mut filter = q.filter.clone();
    if let Some(c) = &filter.country {
        filter.country = Some(super::contact::normalize_country(c).map_err(|e| e.in_field("country"))?);
    }
    if let Some(t) = &filter.tag {
        filter.tag = Some(super::clean_tag(t)?);
    }
    if let Some(p) = &filter.name_prefix {
        let p = super::sort_key(p.trim());
        filter.name_prefix = (!p.is_empty()).then_some(p);
    }
    let after = match &q.after {
        Some(s) => Some(Cursor::decode(s, &scope(q.sort, q.descending))?),
        None => None,
    };
    Ok(Plan { filter, sort: q.sort, descending: q.descending, limit: q.limit, after })
}
