//! The embeddable CRM / xRM core.
//!
//! One base of persons and organizations — customers, prospects, partners,
//! suppliers, employees, stakeholders — with their contact points, roles,
//! tags, custom fields and the typed relationships between them, stored in
//! one SQLite file (or in memory) inside your own process.
//!
//! ```
//! use crm_core::{Crm, NewParty, NewRelationship, NeighbourQuery, RoleDetails};
//!
//! # fn main() -> crm_core::Result<()> {
//! let crm = Crm::open_in_memory()?;
//! let acme = crm.create_party(NewParty::organization("Acme SIA").with_vat_number("LV40003000001"))?;
//! let anna = crm.create_party(
//!     NewParty::person("Anna", "Bērziņa")
//!         .with_email("anna@acme.lv")
//!         .with_phone("+371 2000 0001")
//!         .with_role(RoleDetails::customer()),
//! )?;
//! assert_eq!(anna.contact_points[1].value.key(), "+37120000001");
//!
//! crm.create_relationship(NewRelationship::new("employee_of", anna.id, acme.id))?;
//! let staff = crm.neighbours(acme.id, &NeighbourQuery::default())?;
//! assert_eq!(staff[0].display_name, "Anna Bērziņa");
//! assert_eq!(staff[0].label, "employer of");
//!
//! // Optimistic concurrency: an update names the version it read.
//! let stale = anna.version;
//! crm.update_party(anna.id, stale, &crm_core::PartyPatch { language: Some(Some("lv".into())), ..Default::default() })?;
//! let err = crm.update_party(anna.id, stale, &crm_core::PartyPatch::default()).unwrap_err();
//! assert_eq!(err.kind(), crm_core::ErrorKind::Conflict);
//! # Ok(())
//! # }
//! ```
//!
//! Every write validates its input, then in one `BEGIN IMMEDIATE`
//! transaction writes its rows, an audit row ([`Crm::history`]) and an outbox
//! event ([`Crm::events_after`]). A failed call changes nothing.
#![deny(missing_docs)]
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod analytics;
pub mod custom;
pub mod dedup;
pub mod error;
pub mod events;
pub mod interaction;
pub mod io;
pub mod page;
pub mod party;
pub mod relationship;
pub mod sales;
pub mod search;
mod serde_util;
pub mod store;

use std::path::Path;
use std::sync::Arc;

pub use analytics::{ClvModel, ClvRequest, CustomerValue, PurchaseSummary, RfmScore, RfmSegment};
pub use custom::{CustomValue, FieldDef, FieldType, NewFieldDef};
pub use dedup::{DuplicateCandidate, DuplicatePair, MatchConfig, MergeOutcome, MergeRecord, MergeRequest};
pub use error::{Error, ErrorKind, Result};
pub use events::{AuditAction, AuditEntry, Event};
pub use interaction::{
    Channel, Flow, Interaction, InteractionLinks, InteractionPatch, LinkedEntity, NewInteraction, NewTask, Participant,
    ParticipantRole, RecordLink, Task, TaskPatch, TaskPriority, TaskStatus, TimelineQuery,
};
pub use io::{
    CsvMapping, CsvOptions, ExportHeader, ImportLoad, ImportMode, ImportProgress, ImportReport, JsonImportReport,
    OnProgress, Reject, UpsertKey, VcardReport,
};
pub use party::{
    ArchivedFilter, CompetitorRole, ContactKind, ContactPoint, ContactPointPatch, ContactValue, CustomerRole,
    EmployeeRole, Level, LifecycleStage, NewContactPoint, NewParty, NewRole, Note, OrganizationSize, Page, PartnerRole,
    PartnerType, Party, PartyFilter, PartyKind, PartyPatch, PartyQuery, PartySort, PostalAddress, Role, RoleDetails,
    RoleKind, RolePatch, StakeholderRole, StakeholderType, SupplierRole,
};
pub use relationship::{
    Direction, Neighbour, NeighbourQuery, NewRelationship, NewRelationshipType, PathStep, Relationship,
    RelationshipPatch, RelationshipType,
};
pub use sales::{
    BuyingRole, Lead, LeadCondition, LeadConversion, LeadPatch, LeadScoreRule, LeadStatus, Money, NewLead,
    NewOpportunity, NewOrder, NewOrderLine, NewPipeline, NewPriceList, NewProduct, NewStage, Opportunity,
    OpportunityContact, OpportunityPartner, OpportunityPatch, OpportunitySpec, OpportunityStatus, Order, OrderChannel,
    OrderLine, OrderQuery, OrderStatus, OrderStatusChange, PartyChoice, Pipeline, PipelineSummary, PriceList,
    PriceQuote, Product, ProductPatch, Stage, StageOutcome, StageSummary, StageVisit, UpsertOutcome, Utm,
};
pub use search::{PartySuggestion, SearchHit, SearchQuery};
pub use store::{Options, SCHEMA_VERSION};
pub use uuid::Uuid;

use store::Store;

/// A handle on one CRM base.
///
/// `Crm` is `Send + Sync` and cheap to clone: clones share one writer
/// connection and a few reader connections. Every call is safe to make from
/// any thread.
#[derive(Clone)]
pub struct Crm {
    store: Arc<Store>,
    actor: Arc<str>,
    /// The purchase summaries the analytics computed last (shared by clones).
    analytics: Arc<analytics::cache::Cache>,
}

impl std::fmt::Debug for Crm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crm").field("path", &self.store.path).field("actor", &self.actor).finish()
    }
}

impl Crm {
    /// Open (or create) the base in the SQLite file at `path`, upgrading an
    /// older schema in one transaction.
    ///
    /// Fails with [`Error::Schema`] for a file written by a newer version or
    /// by another application and with [`Error::NotADatabase`] for a file that
    /// is not a database or is corrupt; the file is left untouched then.
    pub fn open(path: impl AsRef<Path>) -> Result<Crm> {
        Crm::open_with(path, Options::default())
    }

    /// [`Crm::open`] with explicit [`Options`].
    pub fn open_with(path: impl AsRef<Path>, options: Options) -> Result<Crm> {
        let options = validate_options(options)?;
        Ok(Crm::from_store(Store::open(path.as_ref(), options)?))
    }

    /// A new, empty base in memory, gone when the last clone is dropped.
    pub fn open_in_memory() -> Result<Crm> {
        Crm::open_in_memory_with(Options::default())
    }

    /// [`Crm::open_in_memory`] with explicit [`Options`].
    pub fn open_in_memory_with(options: Options) -> Result<Crm> {
        let options = validate_options(options)?;
        Ok(Crm::from_store(Store::open_in_memory(options)?))
    }

    fn from_store(store: Store) -> Crm {
        Crm { store: Arc::new(store), actor: Arc::from("system"), analytics: Arc::default() }
    }

    /// A handle on the same base whose writes are recorded in the audit log
    /// as made by `actor` (a user name, a service, an API key's label).
    pub fn with_actor(&self, actor: impl AsRef<str>) -> Crm {
        Crm { store: Arc::clone(&self.store), actor: Arc::from(actor.as_ref()), analytics: Arc::clone(&self.analytics) }
    }

    /// Who this handle's writes are recorded as made by.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The file this base lives in, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.store.path.as_deref()
    }

    /// The audit log of one record (party, contact point, role,
    /// relationship, …), oldest first.
    pub fn history(&self, entity_id: Uuid) -> Result<Vec<AuditEntry>> {
        self.store.read(|c| events::sql::history(c, &entity_id))
    }

    /// Outbox events with a sequence number above `seq`, in order, at most
    /// `limit` of them. A consumer remembers the last `seq` it handled.
    pub fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<Event>> {
        self.store.read(|c| events::sql::events_after(c, seq, limit.min(10_000)))
    }

    /// Remove outbox events up to and including `seq` (once every consumer
    /// has handled them); returns how many were removed.
    pub fn prune_events(&self, seq: i64) -> Result<usize> {
        self.store.write(&self.actor, |tx| events::sql::prune_outbox(tx.conn(), seq))
    }
}

fn validate_options(mut options: Options) -> Result<Options> {
    if let Some(region) = options.default_region.take() {
        options.default_region =
            Some(party::contact::normalize_country(&region).map_err(|e| e.in_field("default_region"))?);
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Crm>();
    }
}
