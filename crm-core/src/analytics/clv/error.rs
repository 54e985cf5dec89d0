//! Error type of the CLV models.

/// Errors returned by the CLV models.
///
/// Every fallible function of the module returns this type; no function
/// panics or returns a NaN in place of an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input value is out of its domain (negative, non-finite, recency
    /// beyond age, …). `field` names the offending field, with the index of
    /// the record when the input is a slice, e.g. `customers[3].recency`.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The field, with the record index when there is one.
        field: String,
        /// Why the value was rejected.
        reason: String,
    },
    /// The input holds no data a model can be fitted to (an empty slice, or
    /// no repeat buyer at all).
    #[error("no data: {reason}")]
    NoData {
        /// What is missing.
        reason: String,
    },
    /// The optimizer or a numerical routine did not converge.
    #[error("not converged after {iterations} iterations: {reason}")]
    NotConverged {
        /// Iterations (or series terms) used before giving up.
        iterations: u64,
        /// What went wrong.
        reason: String,
    },
}

/// Result type of the CLV models.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Builds a [`Error::Validation`] error.
    pub(crate) fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), reason: reason.into() }
    }

    /// Builds a [`Error::NoData`] error.
    pub(crate) fn no_data(reason: impl Into<String>) -> Self {
        Error::NoData { reason: reason.into() }
    }

    /// Builds a [`Error::NotConverged`] error.
    pub(crate) fn not_converged(iterations: u64, reason: impl Into<String>) -> Self {
        Error::NotConverged { iterations, reason: reason.into() }
    }
}
