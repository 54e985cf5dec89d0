//! Keeping the base clean: merging duplicates without losing anything.

mod merge;
pub(crate) mod sql;

pub use merge::{MergeOutcome, MergeRecord, MergeRequest};
