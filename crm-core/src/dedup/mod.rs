//! Keeping the base clean: finding duplicates ([`matching`]) and merging
//! them without losing anything.

pub mod matching;
mod merge;
pub(crate) mod sql;

pub use merge::{MergeOutcome, MergeRecord, MergeRequest};
