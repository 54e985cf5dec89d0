//! Full-text search over parties: names, contact points, tags and notes.
//!
//! Prefix matching that ignores case and diacritics (Latin and Cyrillic
//! alike), ranked by BM25, combinable with every list filter. User text
//! never reaches FTS5 as query syntax: [`fts_query`] quotes every token, so
//! quotes, `-`, `*`, `:`, `NEAR`, `OR` and the like are searched literally.

pub(crate) mod sql;

use serde::{Deserialize, Serialize};

use crate::Crm;
use crate::error::{Error, Result};
use crate::party::{Party, PartyFilter, PartyQuery};

/// A search: text, and optionally the filters of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchQuery {
    /// What the user typed.
    pub text: String,
    /// Narrow the hits like a list.
    #[serde(flatten)]
    pub filter: PartyFilter,
    /// At most this many hits, 1 to 1000 (default 20).
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery { text: String::new(), filter: PartyFilter::default(), limit: 20 }
    }
}

impl SearchQuery {
    /// A search for `text` with no filter.
    pub fn new(text: impl Into<String>) -> Self {
        SearchQuery { text: text.into(), ..Default::default() }
    }
}

/// A party found, with its relevance (higher is better).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The party.
    pub party: Party,
    /// Its BM25 relevance; only the order of scores means something.
    pub score: f64,
}

/// Turn user text into an FTS5 query that matches every word as a prefix.
///
/// The text is cut into words where the index's tokenizer cuts it (anything
/// that is not a letter, digit or mark); each word becomes a quoted string
/// with a prefix star, so no character of the input can act as syntax.
/// `None` if the text holds no word.
///
/// ```
/// assert_eq!(crm_core::search::fts_query("Bērz anna@acme").as_deref(), Some(r#""Bērz"* "anna"* "acme"*"#));
/// assert_eq!(crm_core::search::fts_query(r#"NEAR(" OR x*"#).as_deref(), Some(r#""NEAR"* "OR"* "x"*"#));
/// assert_eq!(crm_core::search::fts_query(" -:* "), None);
/// ```
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .take(32)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Combining marks stay inside a word, as the tokenizer keeps them.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

impl Crm {
    /// Interactions whose subject or outcome holds every word of the text
    /// as a prefix, best first, optionally of one party; at most `limit`.
    pub fn search_interactions(
        &self,
        text: &str,
        party_id: Option<uuid::Uuid>,
        limit: usize,
    ) -> Result<Vec<crate::Interaction>> {
        crate::page::check_limit(limit)?;
        let fts = fts_query(text)
            .ok_or_else(|| Error::validation("text", "type at least one letter or digit to search for"))?;
        self.store.read(|c| {
            sql::search_interactions(c, &fts, party_id, limit)?
                .into_iter()
                .map(|id| crate::interaction::sql::get_interaction(c, id))
                .collect()
        })
    }

    /// Parties matching every word of the text as a prefix (in any of their
    /// names, contact points, tags or notes), best first, narrowed by the
    /// query's filter. Text with no word in it is refused.
    pub fn search_parties(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        if query.text.chars().count() > 1000 {
            return Err(Error::validation("text", "a search has at most 1000 characters"));
        }
        let fts = fts_query(&query.text)
            .ok_or_else(|| Error::validation("text", "type at least one letter or digit to search for"))?;
        let plan = crate::party::list::plan(&PartyQuery {
            filter: query.filter.clone(),
            limit: query.limit,
            ..Default::default()
        })?;
        self.store.read(|c| sql::search(c, &fts, &plan))
    }
}
