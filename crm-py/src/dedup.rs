//! Search hits, merges and duplicate candidates as records.

use chrono::{DateTime, Utc};
use crm_core::dedup::matching::MatchResult;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::activity::sid;
use crate::convert::enum_text;
use crate::records::Party;

record! {
    /// A party found by a search, with its relevance (higher is better;
    /// only the order of scores means something).
    SearchHit(crm_core::SearchHit) as "SearchHit";
    repr(party, score);
    {
        party(s, py) -> Party = Party(s.party.clone());
        score(s, py) -> f64 = s.score;
    }
}

record! {
    /// A party found by a search, light, for type-ahead: its id, kind,
    /// name and relevance, without the rest of the party.
    PartySuggestion(crm_core::PartySuggestion) as "PartySuggestion";
    repr(id, kind, display_name, score);
    {
        id(s, py) -> String = sid(&s.id);
        /// "person" or "organization".
        kind(s, py) -> &'static str = s.kind.as_str();
        display_name(s, py) -> String = s.display_name.clone();
        /// As `SearchHit.score`.
        score(s, py) -> f64 = s.score;
    }
}

record! {
    /// What a merge did.
    MergeOutcome(crm_core::MergeOutcome) as "MergeOutcome";
    repr(merge_id, survivor);
    {
        /// Pass to `undo_merge` to undo it.
        merge_id(s, py) -> String = sid(&s.merge_id);
        /// The survivor as it is now.
        survivor(s, py) -> Party = Party(s.survivor.clone());
        contact_points_folded(s, py) -> usize = s.contact_points_folded;
        relationships_folded(s, py) -> usize = s.relationships_folded;
    }
}

record! {
    /// A merge, as recorded.
    MergeRecord(crm_core::MergeRecord) as "MergeRecord";
    repr(id, survivor_id, merged_ids);
    {
        id(s, py) -> String = sid(&s.id);
        survivor_id(s, py) -> String = sid(&s.survivor_id);
        merged_ids(s, py) -> Vec<String> = s.merged_ids.iter().map(sid).collect();
        at(s, py) -> DateTime<Utc> = s.at;
        actor(s, py) -> String = s.actor.clone();
        undone_at(s, py) -> Option<DateTime<Utc>> = s.undone_at;
    }
}

/// The reasons of a match as a list of dicts: `field`, `comparison`,
/// `similarity`, `weight`.
fn reasons(py: Python<'_>, r: &MatchResult) -> PyResult<Py<PyList>> {
    let out = PyList::empty(py);
    for x in &r.reasons {
        let d = PyDict::new(py);
        d.set_item("field", enum_text(&x.field))?;
        d.set_item("comparison", enum_text(&x.comparison))?;
        d.set_item("similarity", x.similarity)?;
        d.set_item("weight", x.weight)?;
        out.append(d)?;
    }
    Ok(out.unbind())
}

record! {
    /// Two parties of the base that are likely one.
    DuplicatePair(crm_core::DuplicatePair) as "DuplicatePair";
    repr(a, b, score);
    {
        a(s, py) -> String = sid(&s.a);
        b(s, py) -> String = sid(&s.b);
        /// In [0, 1].
        score(s, py) -> f64 = s.result.score;
        is_match(s, py) -> bool = s.result.is_match;
        /// Which fields compared how: dicts with `field`, `comparison`,
        /// `similarity`, `weight`.
        reasons(s, py) -> Py<PyList> = reasons(py, &s.result)?;
    }
}

record! {
    /// An existing party that a new one may duplicate.
    DuplicateCandidate(crm_core::DuplicateCandidate) as "DuplicateCandidate";
    repr(party_id, display_name, score);
    {
        party_id(s, py) -> String = sid(&s.party_id);
        display_name(s, py) -> String = s.display_name.clone();
        score(s, py) -> f64 = s.result.score;
        is_match(s, py) -> bool = s.result.is_match;
        reasons(s, py) -> Py<PyList> = reasons(py, &s.result)?;
    }
}
