//! Full-text search over parties: names, contact points, tags and notes.
//!
//! Prefix matching that ignores case and diacritics (Latin and Cyrillic
//! alike), combinable with every list filter. User text never reaches FTS5
//! as query syntax: [`fts_query`] quotes every token, so quotes, `-`, `*`,
//! `:`, `NEAR`, `OR` and the like are searched literally.
//!
//! # Ranking
//!
//! A party matches when every word of the text starts a word of its
//! document. Matches are ranked in four tiers, best first:
//!
//! 1. every word is a whole word of the party's names (display, given,
//!    family and legal names, registration and VAT numbers);
//! 2. every word starts a word of its names;
//! 3. every word is a whole word somewhere (names, contact points, tags,
//!    notes);
//! 4. every word starts a word somewhere.
//!
//! Within a tier, parties come in the order the index holds them (the order
//! in which they were first indexed, roughly their creation order). The
//! tiers are separate queries of the index, read lazily: a page that the
//! first tier fills never looks at the others, and no tier is read further
//! than the page needs, so a search for a whole word or a prefix of up to
//! four letters (the index keeps those prefixes) costs about the same
//! whether it matches fifty parties or fifty thousand. A longer prefix
//! costs FTS5 one pass over the documents of the words it starts, per tier
//! that reads it; several words cost their intersection.
//!
//! BM25 is not used for parties: FTS5 computes its inverse document
//! frequencies by reading every document that holds each word, whatever
//! the `LIMIT`, which for a three-letter prefix among 1M parties means tens
//! of thousands of documents (milliseconds) before the first hit. For the
//! short texts of a party search it mostly told apart document lengths; the
//! tiers keep what mattered (a whole word before a prefix, a name before a
//! contact point or note).

pub(crate) mod sql;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Crm;
use crate::error::{Error, Result};
use crate::party::{Party, PartyFilter, PartyKind, PartyQuery};

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
    /// Its relevance: the tier it matched in (see the [module](self)
    /// docs), 4.0 for whole words of its names down to 1.0 for prefixes of
    /// its contact points, tags or notes. Hits of one tier share a score and
    /// come in index order.
    pub score: f64,
}

/// A party found, light: enough to show it in a type-ahead list and pick
/// it, without reading its contact points, roles, tags and custom values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartySuggestion {
    /// The party's id.
    pub id: Uuid,
    /// Person or organization.
    pub kind: PartyKind,
    /// The name shown.
    pub display_name: String,
    /// Its relevance, as [`SearchHit::score`].
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
    let words = quoted_words(text);
    (!words.is_empty()).then(|| words.iter().map(|w| format!("{w}*")).collect::<Vec<_>>().join(" "))
}

/// The words of the text, each quoted as an FTS5 string (at most 32).
fn quoted_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .take(32)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect()
}

/// The FTS5 queries of the four ranking tiers of a text (see the
/// [module](self) docs), best first: every word a whole word of the names,
/// a prefix of a word of the names, a whole word anywhere, a prefix
/// anywhere. Each tier's query also matches the documents of some tiers
/// before it (a whole word is a prefix too); the search leaves those out.
/// `None` if the text holds no word.
pub(crate) fn tier_queries(text: &str) -> Option<[String; 4]> {
    tiers_on(text, "name", None)
}

/// The tier queries of a text over an interaction's document: the subject,
/// then the subject and the outcome (not the parties that took part).
fn interaction_tiers(text: &str) -> Option<[String; 4]> {
    tiers_on(text, "subject", Some("{subject outcome}"))
}

/// The tier queries of a text: its words whole, then as prefixes, in
/// `first` only, then in `all` (every column when `None`).
fn tiers_on(text: &str, first: &str, all: Option<&str>) -> Option<[String; 4]> {
    let words = quoted_words(text);
    if words.is_empty() {
        return None;
    }
    let exact = words.join(" ");
    let prefix = words.iter().map(|w| format!("{w}*")).collect::<Vec<_>>().join(" ");
    let within = |column: &str, q: &str| format!("{column} : ({q})");
    Some(match all {
        None => [within(first, &exact), within(first, &prefix), exact, prefix],
        Some(all) => [within(first, &exact), within(first, &prefix), within(all, &exact), within(all, &prefix)],
    })
}

/// The FTS5 queries that find the parties a new party's name words may
/// duplicate, both on the names only and by whole words: every word (the
/// same name, in any order), then any word. `None` if the words hold none.
///
/// Whole words, read in index order up to a limit, cost FTS5 no more than
/// the page they fill; a prefix longer than the index keeps, or a ranking
/// by BM25, would read every document of every word first, which for a
/// common name among 1M parties takes tens of milliseconds.
pub(crate) fn name_queries(words: &[String]) -> Option<[String; 2]> {
    let words = quoted_words(&words.join(" "));
    (!words.is_empty()).then(|| [format!("name : ({})", words.join(" ")), format!("name : ({})", words.join(" OR "))])
}

/// The score of a hit of each tier.
pub(crate) const TIER_SCORES: [f64; 4] = [4.0, 3.0, 2.0, 1.0];

/// Combining marks stay inside a word, as the tokenizer keeps them.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0483..=0x0489 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

impl Crm {
    /// Interactions whose subject or outcome holds every word of the text
    /// as a prefix, optionally only those a party took part in; at most
    /// `limit` (1 to 1000), best first.
    ///
    /// Ranked in four tiers as parties are (see the [module](self) docs),
    /// the subject in place of the names: every word a whole word of the
    /// subject; every word starts a word of the subject; every word a whole
    /// word of the subject or the outcome; every word starts one. Within a
    /// tier, the most recently recorded first. Each tier is read lazily,
    /// newest first, and stops when the page is full, so a common word
    /// among millions of interactions costs about what a rare one does.
    /// With a party, the index itself keeps only that party's interactions
    /// (each interaction's document names the parties that took part), so
    /// the search costs about the same for a party with ten interactions
    /// as for the whole base.
    ///
    /// Text longer than 1000 characters, or with no letter or digit in it,
    /// is refused; `party_id` need not exist (no hits).
    pub fn search_interactions(
        &self,
        text: &str,
        party_id: Option<uuid::Uuid>,
        limit: usize,
    ) -> Result<Vec<crate::Interaction>> {
        crate::page::check_limit(limit)?;
        let tiers = checked(text, interaction_tiers)?;
        self.store.read(|c| {
            sql::search_interactions(c, &tiers, party_id, limit)?
                .into_iter()
                .map(|id| crate::interaction::sql::get_interaction(c, id))
                .collect()
        })
    }

    /// Parties matching every word of the text as a prefix (in any of their
    /// names, contact points, tags or notes), best first (see the
    /// [module](self) docs for the ranking), narrowed by the query's
    /// filter. Text with no word in it is refused.
    pub fn search_parties(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let (tiers, plan) = prepare(query)?;
        self.store.read(|c| sql::search_parties(c, &tiers, &plan))
    }

    /// The hits of [`search_parties`](Crm::search_parties), in the same
    /// order, as light suggestions for type-ahead: id, kind, display name
    /// and score, without reading the rest of each party.
    pub fn suggest_parties(&self, query: &SearchQuery) -> Result<Vec<PartySuggestion>> {
        let (tiers, plan) = prepare(query)?;
        self.store.read(|c| sql::search(c, &tiers, &plan))
    }
}

/// The tier queries `tiers` makes of a search's text, once the text is
/// checked: at most 1000 characters, and a letter or digit in it.
fn checked(text: &str, tiers: fn(&str) -> Option<[String; 4]>) -> Result<[String; 4]> {
    if text.chars().count() > 1000 {
        return Err(Error::validation("text", "a search has at most 1000 characters"));
    }
    tiers(text).ok_or_else(|| Error::validation("text", "type at least one letter or digit to search for"))
}

/// Check a search and turn it into the tier queries and the list plan of
/// its filter.
fn prepare(query: &SearchQuery) -> Result<([String; 4], crate::party::list::Plan)> {
    let tiers = checked(&query.text, tier_queries)?;
    let plan = crate::party::list::plan(&PartyQuery {
        filter: query.filter.clone(),
        limit: query.limit,
        ..Default::default()
    })?;
    Ok((tiers, plan))
}
