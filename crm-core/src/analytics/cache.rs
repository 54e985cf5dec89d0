//! The purchase summaries a handle computed last, and the models fitted on
//! them, kept while the base stays as it was.
//!
//! RFM, lifetime values and churn risk all start from every customer's
//! purchase summary (one scan of all orders) and the latter two from the
//! same model fit; called one after the other on an unchanged base, they
//! share both. An entry is used only when the base's [`Version`] is the one
//! read before its snapshot: any commit since, through this handle or any
//! other connection to the file, makes the next call compute afresh.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use chrono::NaiveDate;

use super::customers::{ClvModel, PurchaseSummary};
use crate::error::Result;
use crate::store::{Store, Version};

/// One (as-of day, currency) and what was computed for it.
#[derive(Clone)]
pub(crate) struct Entry {
    as_of: NaiveDate,
    currency: String,
    version: Version,
    /// Every customer's summary, in order of customer.
    pub(crate) summaries: Arc<Vec<PurchaseSummary>>,
    /// The models fitted on `summaries`, once a fit succeeded.
    pub(crate) model: Arc<OnceLock<ClvModel>>,
}

/// The last entry of a handle (and its clones).
#[derive(Default)]
pub(crate) struct Cache {
    last: Mutex<Option<Entry>>,
}

impl Cache {
    fn lock(&self) -> MutexGuard<'_, Option<Entry>> {
        // An entry is replaced whole: a panic elsewhere cannot leave half of one.
        self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The entry of (`as_of`, `currency`) if the base has not changed since
    /// it was computed, else a new one from `compute` (which reads snapshots
    /// begun after this call), kept in place of the last.
    pub(crate) fn summaries(
        &self,
        store: &Store,
        as_of: NaiveDate,
        currency: &str,
        compute: impl FnOnce() -> Result<Vec<PurchaseSummary>>,
    ) -> Result<Entry> {
        // Read before the snapshot: the version never names newer data.
        let version = store.version()?;
        if let Some(e) = self.lock().as_ref()
            && e.version == version
            && e.as_of == as_of
            && e.currency == currency
        {
            return Ok(e.clone());
        }
        let summaries = compute()?;
        let entry = Entry {
            as_of,
            currency: currency.to_owned(),
            version,
            summaries: Arc::new(summaries),
            model: Arc::default(),
        };
        *self.lock() = Some(entry.clone());
        Ok(entry)
    }
}
