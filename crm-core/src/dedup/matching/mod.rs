//! Duplicate matching for parties (persons and organizations), free of any
//! storage: records in, scored pairs out.
//!
//! ```
//! use crm_core::dedup::matching::{MatchConfig, MatchRecord, PartyKind, score};
//!
//! let a = MatchRecord {
//!     given_name: Some("Дмитрий".into()),
//!     family_name: Some("Иванов".into()),
//!     emails: vec!["d.ivanov@example.ru".into()],
//!     ..MatchRecord::new("a", PartyKind::Person)
//! };
//! let b = MatchRecord {
//!     given_name: Some("Ivanov".into()),
//!     family_name: Some("Dmitriy".into()),
//!     emails: vec!["D.Ivanov@Example.ru".into()],
//!     ..MatchRecord::new("b", PartyKind::Person)
//! };
//! let result = score(&a, &b, &MatchConfig::default())?;
//! assert!(result.is_match);
//! # Ok::<(), crm_core::dedup::matching::DedupError>(())
//! ```
//!
//! # Scoring
//!
//! Each field present on **both** records is compared and gives a
//! similarity `s` in `[0, 1]` (see [`Comparison`] for how). Each field has
//! two weights in [`FieldWeight`]: `agree`, used when it agrees fully, and
//! `disagree`, used when it disagrees fully; in between the effective
//! weight is `w = disagree + (agree - disagree) * s`. The score is the
//! weighted mean of the compared fields:
//!
//! ```text
//! score = Σ w_f · s_f / Σ w_f        (fields present on both sides only)
//! ```
//!
//! A missing field is neutral. A differing e-mail or phone is weak
//! evidence against (people have several), so its `disagree` weight is
//! small; a differing birth date or VAT number is strong evidence against,
//! so its `disagree` weight equals its `agree` weight.
//!
//! A pair is a match when all of these hold:
//!
//! * `score >= threshold`;
//! * the name similarity is at least `min_name_similarity` (the **name
//!   gate**), or at least `relaxed_name_similarity` when a personal
//!   identifier agrees exactly (an e-mail that is not a role address, the
//!   VAT number, the birth date). When it is not, the score is also capped
//!   at the name similarity. This is what keeps a shared household phone, a
//!   shared `info@` address or a shared family e-mail from merging two
//!   people whose names clearly differ (household members differ in given
//!   name, which brings the person name similarity near 0), however many
//!   identifiers agree, while a name with two typos still matches on an
//!   agreeing birth date;
//! * the total weight `Σ w_f` reaches `min_evidence_weight`, so that one
//!   agreeing identifier without names cannot decide alone.
//!
//! A role address (`info@`, `post@`, `sales@` …) that agrees counts with
//! its `agree` weight multiplied by `generic_email_factor`; an address
//! equal only under the Gmail-style fold ([`normalize::weak_email`]) with
//! `weak_email_factor`.
//!
//! # Scanning a base
//!
//! [`find_duplicates`] normalizes every record once, builds candidate pairs
//! with [`candidate_pairs`] (see [`blocking`]) and scores them on all cores.

pub mod blocking;
mod compare;
pub mod nicknames;
pub mod normalize;
pub mod testdata;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use blocking::{blocking_keys, candidate_pairs};

use compare::{Prepared, score_prepared};

/// The errors of this module.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DedupError {
    /// A value given by the caller is unusable: a configuration weight that
    /// is negative or not finite, a threshold outside `[0, 1]`, a birth date
    /// that is no date, a configuration JSON that does not parse.
    Validation {
        /// The offending field, dotted for nested ones (`person.threshold`).
        field: String,
        /// Why it is rejected.
        reason: String,
    },
}

impl fmt::Display for DedupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DedupError::Validation { field, reason } => {
                write!(f, "invalid {field}: {reason}")
            }
        }
    }
}

impl std::error::Error for DedupError {}

/// Result type of this module.
pub type Result<T, E = DedupError> = std::result::Result<T, E>;

/// Whether a party is a person or an organization. Records of different
/// kinds never match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A natural person.
    Person,
    /// A company, association or other organization.
    Organization,
}

/// The fields of a party that duplicate matching looks at.
///
/// Values are taken as stored; normalization happens inside. For a person,
/// fill `given_name` and `family_name` when they are known and
/// `display_name` otherwise; for an organization, `display_name` is its
/// name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchRecord {
    /// The caller's identifier of the record (for example a UUID as text).
    pub id: String,
    /// Person or organization.
    pub kind: PartyKind,
    /// Given name(s) of a person.
    pub given_name: Option<String>,
    /// Family name(s) of a person.
    pub family_name: Option<String>,
    /// Full name as displayed; the name of an organization.
    pub display_name: Option<String>,
    /// E-mail addresses, in any case.
    pub emails: Vec<String>,
    /// Phone numbers in E.164 (separators are tolerated).
    pub phones: Vec<String>,
    /// VAT or company registration number, with or without country prefix.
    pub vat_number: Option<String>,
    /// Postal addresses, one line each.
    pub addresses: Vec<String>,
    /// Birth date of a person.
    pub birth_date: Option<NaiveDate>,
}

impl Default for MatchRecord {
    fn default() -> Self {
        MatchRecord::new("", PartyKind::Person)
    }
}

impl MatchRecord {
    /// An empty record of `kind` with identifier `id`.
    pub fn new(id: impl Into<String>, kind: PartyKind) -> Self {
        MatchRecord {
            id: id.into(),
            kind,
            given_name: None,
            family_name: None,
            display_name: None,
            emails: Vec::new(),
            phones: Vec::new(),
            vat_number: None,
            addresses: Vec::new(),
            birth_date: None,
        }
    }
}

/// The two weights of one field (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldWeight {
    /// Weight when the field agrees fully (similarity 1).
    pub agree: f64,
    /// Weight when the field disagrees fully (similarity 0).
    pub disagree: f64,
}

impl FieldWeight {
    /// A field weight of `agree` and `disagree`.
    pub const fn new(agree: f64, disagree: f64) -> Self {
        FieldWeight { agree, disagree }
    }
}

/// Matching rules for one kind of party.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindRules {
    /// Score from which a pair is a match, in `[0, 1]`.
    pub threshold: f64,
    /// Name similarity below which a pair never matches, in `[0, 1]`.
    pub min_name_similarity: f64,
    /// The name gate when a personal identifier agrees exactly (an e-mail
    /// that is not a role address, the VAT number or the birth date), in
    /// `[0, 1]`; the lower of the two gates applies.
    pub relaxed_name_similarity: f64,
    /// Total compared weight a pair needs before it can match.
    pub min_evidence_weight: f64,
    /// Name weights.
    pub name: FieldWeight,
    /// E-mail weights.
    pub email: FieldWeight,
    /// Phone weights.
    pub phone: FieldWeight,
    /// VAT number weights.
    pub vat: FieldWeight,
    /// Address weights.
    pub address: FieldWeight,
    /// Birth-date weights.
    pub birth_date: FieldWeight,
    /// Factor on the e-mail `agree` weight for a shared role address.
    pub generic_email_factor: f64,
    /// Factor on the e-mail `agree` weight for a Gmail-style fold match.
    pub weak_email_factor: f64,
}

impl KindRules {
    /// Defaults for persons: names must agree (gate at 0.7); a differing
    /// birth date weighs as much against as an equal one for; a differing
    /// e-mail or phone weighs little.
    pub fn person() -> Self {
        KindRules {
            threshold: 0.8,
            min_name_similarity: 0.7,
            relaxed_name_similarity: 0.5,
            min_evidence_weight: 0.6,
            name: FieldWeight::new(0.5, 0.5),
            email: FieldWeight::new(0.3, 0.15),
            phone: FieldWeight::new(0.25, 0.08),
            vat: FieldWeight::new(0.3, 0.1),
            address: FieldWeight::new(0.15, 0.05),
            birth_date: FieldWeight::new(0.3, 0.3),
            generic_email_factor: 0.3,
            weak_email_factor: 0.6,
        }
    }

    /// Defaults for organizations: a differing VAT number is strong
    /// evidence of two firms; role addresses are normal for firms.
    pub fn organization() -> Self {
        KindRules {
            threshold: 0.8,
            min_name_similarity: 0.6,
            relaxed_name_similarity: 0.4,
            min_evidence_weight: 0.6,
            name: FieldWeight::new(0.5, 0.5),
            email: FieldWeight::new(0.2, 0.1),
            phone: FieldWeight::new(0.2, 0.1),
            vat: FieldWeight::new(0.5, 0.5),
            address: FieldWeight::new(0.2, 0.1),
            birth_date: FieldWeight::new(0.0, 0.0),
            generic_email_factor: 1.0,
            weak_email_factor: 0.6,
        }
    }

    fn validate(&self, prefix: &str) -> Result<()> {
        let check = |name: &str, v: f64, unit: bool| -> Result<()> {
            let bad = !v.is_finite() || v < 0.0 || (unit && v > 1.0);
            if bad {
                let reason = if unit {
                    format!("must be a number in [0, 1], got {v}")
                } else {
                    format!("must be a finite number >= 0, got {v}")
                };
                return Err(DedupError::Validation { field: format!("{prefix}.{name}"), reason });
            }
            Ok(())
        };
        check("threshold", self.threshold, true)?;
        check("min_name_similarity", self.min_name_similarity, true)?;
        check("relaxed_name_similarity", self.relaxed_name_similarity, true)?;
        check("min_evidence_weight", self.min_evidence_weight, false)?;
        check("generic_email_factor", self.generic_email_factor, false)?;
        check("weak_email_factor", self.weak_email_factor, false)?;
        for (name, w) in [
            ("name", self.name),
            ("email", self.email),
            ("phone", self.phone),
            ("vat", self.vat),
            ("address", self.address),
            ("birth_date", self.birth_date),
        ] {
            check(&format!("{name}.agree"), w.agree, false)?;
            check(&format!("{name}.disagree"), w.disagree, false)?;
        }
        Ok(())
    }
}

impl Default for KindRules {
    fn default() -> Self {
        KindRules::person()
    }
}

/// How candidate pairs are built (see [`blocking`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlockingConfig {
    /// Blocks with at most this many records are compared pair by pair.
    pub max_block_size: usize,
    /// In a larger block, records are sorted by name and each is compared
    /// with this many following ones only.
    pub window: usize,
}

impl Default for BlockingConfig {
    fn default() -> Self {
        BlockingConfig { max_block_size: 64, window: 8 }
    }
}

/// The whole matching configuration. It round-trips through JSON with
/// snake_case keys; missing keys take their defaults and unknown keys are
/// rejected.
///
/// ```
/// use crm_core::dedup::matching::MatchConfig;
/// let c = MatchConfig::from_json(r#"{"person": {"threshold": 0.85}}"#)?;
/// assert_eq!(c.person.threshold, 0.85);
/// assert_eq!(c.organization, MatchConfig::default().organization);
/// assert_eq!(MatchConfig::from_json(&c.to_json()?)?, c);
/// # Ok::<(), crm_core::dedup::matching::DedupError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// Rules for persons.
    pub person: KindRules,
    /// Rules for organizations.
    pub organization: KindRules,
    /// Candidate-pair generation.
    pub blocking: BlockingConfig,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            person: KindRules::person(),
            organization: KindRules::organization(),
            blocking: BlockingConfig::default(),
        }
    }
}

impl MatchConfig {
    /// The rules for `kind`.
    pub fn rules(&self, kind: PartyKind) -> &KindRules {
        match kind {
            PartyKind::Person => &self.person,
            PartyKind::Organization => &self.organization,
        }
    }

    /// Checks every weight, factor and threshold.
    ///
    /// # Errors
    ///
    /// [`DedupError::Validation`] naming the first offending field.
    pub fn validate(&self) -> Result<()> {
        self.person.validate("person")?;
        self.organization.validate("organization")?;
        if self.blocking.window == 0 {
            return Err(DedupError::Validation {
                field: "blocking.window".to_owned(),
                reason: "must be at least 1".to_owned(),
            });
        }
        if self.blocking.max_block_size < 2 {
            return Err(DedupError::Validation {
                field: "blocking.max_block_size".to_owned(),
                reason: "must be at least 2".to_owned(),
            });
        }
        Ok(())
    }

    /// Parses and validates a configuration from JSON.
    ///
    /// # Errors
    ///
    /// [`DedupError::Validation`] with field `config` when the JSON does not
    /// parse or holds an unknown key, or naming the field that fails
    /// [`validate`](Self::validate).
    pub fn from_json(json: &str) -> Result<Self> {
        let c: MatchConfig = serde_json::from_str(json)
            .map_err(|e| DedupError::Validation { field: "config".to_owned(), reason: e.to_string() })?;
        c.validate()?;
        Ok(c)
    }

    /// Serializes the configuration to pretty JSON.
    ///
    /// # Errors
    ///
    /// [`DedupError::Validation`] with field `config` if a weight is not a
    /// finite number (JSON has no NaN).
    pub fn to_json(&self) -> Result<String> {
        self.validate()?;
        serde_json::to_string_pretty(self)
            .map_err(|e| DedupError::Validation { field: "config".to_owned(), reason: e.to_string() })
    }
}

/// A field of a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Person name (given and family) or organization name.
    Name,
    /// E-mail addresses.
    Email,
    /// Phone numbers.
    Phone,
    /// VAT number.
    Vat,
    /// Postal addresses.
    Address,
    /// Birth date.
    BirthDate,
}

/// How a field comparison reached its similarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Comparison {
    /// Equal after normalization.
    Exact,
    /// Similar strings (Jaro-Winkler on folded names, token overlap on
    /// addresses).
    Fuzzy,
    /// Equal spelling skeletons: two transliterations or spellings of one
    /// name (`Дмитрий`/`Dmitriy`).
    Transliteration,
    /// Nickname-equivalent given names (`Bill`/`William`).
    Nickname,
    /// An initial against a full name (`J.`/`John`).
    Initial,
    /// Given and family names swapped between the records.
    Swapped,
    /// Order-free comparison of name tokens (extra middle names, moved
    /// tokens, an extra word in a company name).
    TokenSet,
    /// A shared role address (`info@`), weighted down.
    Generic,
    /// Addresses equal only after Gmail-style dot and plus folding.
    Weak,
    /// Birth dates with day and month swapped or one digit wrong.
    NearDate,
    /// The field is present on both sides and disagrees.
    Mismatch,
}

/// One field's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The field compared.
    pub field: Field,
    /// How it compared.
    pub comparison: Comparison,
    /// Its similarity in `[0, 1]`.
    pub similarity: f64,
    /// The effective weight it had in the weighted mean.
    pub weight: f64,
}

/// The outcome of comparing two records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResult {
    /// Weighted mean of the field similarities, in `[0, 1]`.
    pub score: f64,
    /// Whether the pair is judged a duplicate.
    pub is_match: bool,
    /// The compared fields, in the order name, e-mail, phone, VAT,
    /// address, birth date; fields missing on either side are absent.
    pub reasons: Vec<Reason>,
}

/// Scores two records with `config`.
///
/// # Errors
///
/// [`DedupError::Validation`] when `config` fails
/// [`MatchConfig::validate`].
pub fn score(a: &MatchRecord, b: &MatchRecord, config: &MatchConfig) -> Result<MatchResult> {
    config.validate()?;
    let (pa, pb) = (Prepared::new(a), Prepared::new(b));
    Ok(score_prepared(&pa, &pb, config.rules(a.kind)))
}

/// A pair found by [`find_duplicates`]: indices into the input, `i < j`.
pub type Duplicate = (usize, usize, MatchResult);

/// Finds the duplicate pairs among `records`: candidates from
/// [`candidate_pairs`] scored with `config`, the matches returned sorted by
/// `(i, j)`. Work is spread over the available cores.
///
/// # Errors
///
/// [`DedupError::Validation`] when `config` fails
/// [`MatchConfig::validate`].
pub fn find_duplicates(records: &[MatchRecord], config: &MatchConfig) -> Result<Vec<Duplicate>> {
    config.validate()?;
    let prepared = prepare_all(records);
    let pairs = blocking::candidate_pairs_prepared(&prepared, &config.blocking);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = pairs.len().div_ceil(threads).max(1);
    let mut out: Vec<Duplicate> = Vec::new();
    std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| {
                let prepared = &prepared;
                s.spawn(move || {
                    let mut found = Vec::new();
                    for &(i, j) in part {
                        let (Some(a), Some(b)) = (prepared.get(i), prepared.get(j)) else {
                            continue;
                        };
                        let r = score_prepared(a, b, config.rules(a.kind));
                        if r.is_match {
                            found.push((i, j, r));
                        }
                    }
                    found
                })
            })
            .collect();
        for h in handles {
            // A worker only panics on a bug; its pairs are then lost rather
            // than the whole scan.
            if let Ok(found) = h.join() {
                out.extend(found);
            }
        }
    });
    out.sort_by_key(|(i, j, _)| (*i, *j));
    Ok(out)
}

/// Normalizes all records, on all cores.
pub(crate) fn prepare_all(records: &[MatchRecord]) -> Vec<Prepared> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = records.len().div_ceil(threads).max(1);
    let mut out = Vec::with_capacity(records.len());
    std::thread::scope(|s| {
        let handles: Vec<_> = records
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(Prepared::new).collect::<Vec<_>>()))
            .collect();
        for h in handles {
            match h.join() {
                Ok(v) => out.extend(v),
                // Keep indices aligned even if a worker failed.
                Err(_) => out.clear(),
            }
        }
    });
    if out.len() != records.len() {
        return records.iter().map(Prepared::new).collect();
    }
    out
}
