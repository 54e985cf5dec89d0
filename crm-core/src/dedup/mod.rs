//! Keeping the base clean: finding duplicates ([`matching`]) and merging
//! them without losing anything.

mod base;
pub mod matching;
mod merge;
pub(crate) mod sql;

pub use base::{DuplicateCandidate, DuplicatePair};
pub use matching::{MatchConfig, MatchResult};
pub use merge::{MergeOutcome, MergeRecord, MergeRequest};
