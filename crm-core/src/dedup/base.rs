//! Duplicate detection over the base: every pair in a scan, or the likely
//! duplicates of a party about to be created.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::matching::{self, DedupError, MatchConfig, MatchRecord, MatchResult};
use super::sql;
use crate::Crm;
use crate::error::{Error, Result};
use crate::party::{ContactKind, ContactValue, NewParty, Party, PartyKind};

impl From<DedupError> for Error {
    fn from(e: DedupError) -> Self {
        match e {
            DedupError::Validation { field, reason } => Error::Validation { field: format!("config.{field}"), reason },
        }
    }
}

/// Two parties of the base that are likely one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicatePair {
    /// One party.
    pub a: Uuid,
    /// The other.
    pub b: Uuid,
    /// The score and the reasons (which fields matched how).
    pub result: MatchResult,
}

/// A party that a new one may duplicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateCandidate {
    /// The existing party.
    pub party_id: Uuid,
    /// Its name.
    pub display_name: String,
    /// The score and the reasons.
    pub result: MatchResult,
}

fn kind_of(k: PartyKind) -> matching::PartyKind {
    match k {
        PartyKind::Person => matching::PartyKind::Person,
        PartyKind::Organization => matching::PartyKind::Organization,
    }
}

/// The matching view of a stored party.
pub(crate) fn record_of(p: &Party) -> MatchRecord {
    let of = |kind: ContactKind| -> Vec<String> {
        p.contact_points.iter().filter(|c| c.value.kind() == kind).map(|c| c.value.key()).collect()
    };
    MatchRecord {
        id: p.id.to_string(),
        kind: kind_of(p.kind),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        display_name: Some(p.display_name.clone()),
        emails: of(ContactKind::Email),
        phones: of(ContactKind::Phone),
        vat_number: p.vat_number.clone(),
        addresses: of(ContactKind::Address),
        birth_date: p.birth_date,
    }
}

impl Crm {
    /// Scan the active parties (of one kind, or all) for likely duplicates.
    /// Blocking keeps the scan far from comparing every pair; each pair comes
    /// with its score and reasons, best first.
    pub fn find_duplicates(&self, kind: Option<PartyKind>, config: &MatchConfig) -> Result<Vec<DuplicatePair>> {
        config.validate()?;
        let (ids, records) = self.store.read(|c| sql::match_records(c, kind))?;
        let mut out: Vec<DuplicatePair> = matching::find_duplicates(&records, config)?
            .into_iter()
            .filter_map(|(i, j, result)| Some(DuplicatePair { a: *ids.get(i)?, b: *ids.get(j)?, result }))
            .collect();
        out.sort_by(|x, y| y.result.score.total_cmp(&x.result.score).then_with(|| (x.a, x.b).cmp(&(y.a, y.b))));
        Ok(out)
    }

    /// The active parties a new party may duplicate, best first: those
    /// sharing an email, a phone or a VAT number with it, or a name (found
    /// through the search index: up to 50, those whose names hold every
    /// word of its name, in any order, before those holding any of them),
    /// scored by the matching rules. Only matches are returned.
    pub fn possible_duplicates(&self, new: &NewParty, config: &MatchConfig) -> Result<Vec<DuplicateCandidate>> {
        config.validate()?;
        let region = self.store.options.default_region.as_deref();
        let mut probe = MatchRecord {
            id: String::new(),
            kind: kind_of(new.kind),
            given_name: new.given_name.clone(),
            family_name: new.family_name.clone(),
            display_name: new.display_name.clone().or_else(|| new.legal_name.clone()),
            vat_number: new.vat_number.clone(),
            birth_date: new.birth_date,
            ..MatchRecord::new("", kind_of(new.kind))
        };
        let mut keys: Vec<(ContactKind, String)> = Vec::new();
        for c in &new.contact_points {
            if let Ok((v, _)) = c.value.clone().normalize(region) {
                match &v {
                    ContactValue::Email { .. } => probe.emails.push(v.key()),
                    ContactValue::Phone { .. } => probe.phones.push(v.key()),
                    ContactValue::Address(_) => probe.addresses.push(v.key()),
                    _ => continue,
                }
                keys.push((v.kind(), v.key()));
            }
        }
        let mut words: Vec<String> = Vec::new();
        for n in [&new.family_name, &new.legal_name, &new.display_name, &new.given_name].into_iter().flatten() {
            words.extend(n.split_whitespace().filter(|w| w.chars().count() >= 3).map(str::to_string));
        }
        let candidates = self.store.read(|c| sql::candidates(c, &keys, new.vat_number.as_deref(), &words))?;
        let mut out = Vec::new();
        for p in candidates {
            if p.kind != new.kind {
                continue;
            }
            let result = matching::score(&probe, &record_of(&p), config)?;
            if result.is_match {
                out.push(DuplicateCandidate { party_id: p.id, display_name: p.display_name.clone(), result });
            }
        }
        out.sort_by(|x, y| y.result.score.total_cmp(&x.result.score));
        Ok(out)
    }

    /// Create a party, and say which existing parties it may duplicate. With
    /// `refuse_duplicates`, a likely duplicate stops the write with a
    /// validation error on `duplicates` naming the best candidate.
    pub fn create_party_checked(
        &self,
        new: NewParty,
        config: &MatchConfig,
        refuse_duplicates: bool,
    ) -> Result<(Party, Vec<DuplicateCandidate>)> {
        let found = self.possible_duplicates(&new, config)?;
        if refuse_duplicates && let Some(best) = found.first() {
            return Err(Error::validation(
                "duplicates",
                format!(
                    "may be a duplicate of {} ({}, score {:.2})",
                    best.party_id, best.display_name, best.result.score
                ),
            ));
        }
        let party = self.create_party(new)?;
        Ok((party, found))
    }
}
