//! Import and export: CSV of any size with every bad row reported, and
//! JSON lines of the whole base or a selection, and vCard 3.0 / 4.0.
//!
//! A CSV import reads the file as a stream (constant memory), in any
//! delimiter and encoding (UTF-8 with or without BOM, UTF-16, Latin-1,
//! Windows-1251 and the rest of the WHATWG encodings, declared or detected),
//! maps its columns to party fields, contact points, roles, tags and custom
//! fields, and upserts by a key the caller names so that importing the same
//! file twice updates instead of duplicating. Bad rows are reported with
//! their line number, field and reason (and written to a rejects file),
//! while the good rows import; or nothing is imported when the caller asks
//! for all or nothing. A dry run reports the same without writing.
//!
//! A CSV import writes the audit log and the outbox as every other write
//! does: a party it creates gets its `created` audit row and `party.created`
//! event with the full record, a party it updates `party.updated`, a note
//! `note.created`, all in the transaction of the row's batch.

mod bulk;
mod csv_import;
mod json;
pub(crate) mod sql;
mod vcard;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use csv_import::{ImportProgress, ImportReport, OnProgress, Reject};
pub use json::{ExportHeader, JsonImportReport};
pub use vcard::VcardReport;

use crate::Crm;
use crate::error::{Error, Result};
use crate::party::PartyKind;

/// Where a CSV column goes.
///
/// As text: `kind` (person/organization), `display_name`, `given_name`,
/// `family_name`, `legal_name`, `birth_date`, `language`,
/// `registration_number`, `vat_number`, `industry`, `email`, `phone`,
/// `web`, `social.<network>`, `address.street`, `address.street2`,
/// `address.city`, `address.region`, `address.postal_code`,
/// `address.country`, `tag`, `tags` (several, split on `;` or `,`), `role`
/// (a role kind: customer, partner, …), `custom.<field>`, `note`, `ignore`.
pub type Target = String;

/// Which existing party a row updates instead of creating a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "field")]
pub enum UpsertKey {
    /// Always create.
    #[default]
    None,
    /// The party with the row's email.
    Email,
    /// The party with the row's phone.
    Phone,
    /// The organization with the row's VAT number.
    VatNumber,
    /// The party with the row's value of this (unique) custom field, such
    /// as an external id.
    Custom(String),
}

/// All or nothing, or row by row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Import the good rows; report the bad ones.
    #[default]
    RowByRow,
    /// Import nothing if any row is bad.
    AllOrNothing,
}

/// How an import writes its rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportLoad {
    /// In batches while the import is small beside the base; in bulk once
    /// the rows read reach a sixteenth of the parties the base held before
    /// (counted when the rows read double, from 1000 on). Importing into
    /// an empty or small base is thus a bulk load after its first batch.
    #[default]
    Auto,
    /// One transaction per batch, each with its index entries: other
    /// writers get in between batches, and each batch is durable once
    /// done.
    Batches,
    /// One transaction for the rest of the import. The indexes whose
    /// entries land at random places (the name orders, the contact values
    /// unless the key is an email or a phone, the tags) are dropped inside
    /// it and built again, sorted, before it commits: far faster for large
    /// imports. Other connections see the base as it was until the end;
    /// other writers wait for the end; a failure of the storage undoes the
    /// whole bulk part. Row by row, bad rows are still rejected one by one
    /// and a stop from the progress callback still keeps the rows done.
    Bulk,
}

/// A column mapping, which can be saved under a name and reused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvMapping {
    /// Column header → target. Columns not named here are ignored.
    pub columns: BTreeMap<String, Target>,
    /// The kind of the parties when no column gives it.
    pub default_kind: PartyKind,
    /// The upsert key.
    pub key: UpsertKey,
}

/// How to read and import a CSV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvOptions {
    /// The mapping.
    pub mapping: CsvMapping,
    /// The delimiter; detected from the header line when `None` (`,`, `;`,
    /// tab or `|`).
    pub delimiter: Option<char>,
    /// The encoding's label ("utf-8", "utf-16le", "windows-1251",
    /// "latin1", …); detected when `None` (BOM, then UTF-8 validity, then
    /// a statistical guess).
    pub encoding: Option<String>,
    /// Row by row, or all or nothing.
    pub mode: ImportMode,
    /// Report what would happen, and write nothing.
    pub dry_run: bool,
    /// Rows validated and written together, and between progress calls
    /// (default 1000); in row-by-row mode, rows per transaction while the
    /// import loads in batches.
    pub batch_size: usize,
    /// In batches, in bulk, or deciding as the import grows (the default).
    pub load: ImportLoad,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            mapping: CsvMapping::default(),
            delimiter: None,
            encoding: None,
            mode: ImportMode::RowByRow,
            dry_run: false,
            batch_size: 1000,
            load: ImportLoad::Auto,
        }
    }
}

pub(crate) fn check_target(t: &str) -> Result<()> {
    const PLAIN: &[&str] = &[
        "kind",
        "display_name",
        "given_name",
        "family_name",
        "legal_name",
        "birth_date",
        "language",
        "registration_number",
        "vat_number",
        "industry",
        "email",
        "phone",
        "web",
        "address.street",
        "address.street2",
        "address.city",
        "address.region",
        "address.postal_code",
        "address.country",
        "tag",
        "tags",
        "role",
        "note",
        "ignore",
    ];
    let ok = PLAIN.contains(&t)
        || t.strip_prefix("custom.").is_some_and(|n| !n.is_empty())
        || t.strip_prefix("social.").is_some_and(|n| !n.is_empty());
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            "mapping.columns",
            format!("{t:?} is not a field a column can go to (see the list in the documentation of io::Target)"),
        ))
    }
}

impl Crm {
    /// Import parties from a CSV stream. See the [module](crate::io)
    /// documentation. `rejects`, if given, receives every bad row as CSV
    /// (line, field, reason, the row as read); `progress` is called after
    /// every batch, and stops the import by returning
    /// [`ControlFlow::Break`](std::ops::ControlFlow::Break): row by row, the
    /// batches done so far stay; all or nothing, nothing stays. The report
    /// then says [`stopped`](ImportReport::stopped).
    ///
    /// In all-or-nothing mode, and while loading in bulk, `progress` runs
    /// inside the import's write transaction: it may read a file base
    /// (which shows the last commit before that transaction), but a write
    /// through this handle from the callback, or a read of an in-memory
    /// base, fails with [`Error::Busy`] instead of waiting for the import.
    pub fn import_csv(
        &self,
        input: impl std::io::Read,
        options: &CsvOptions,
        rejects: Option<&mut dyn std::io::Write>,
        progress: Option<&mut OnProgress<'_>>,
    ) -> Result<ImportReport> {
        csv_import::run(self, input, options, rejects, progress)
    }

    /// Save a mapping under a name, replacing one of that name.
    pub fn save_mapping(&self, name: &str, mapping: &CsvMapping) -> Result<()> {
        let name = crate::sales::required_text("name", name, 100)?;
        for t in mapping.columns.values() {
            check_target(t)?;
        }
        let json = serde_json::to_string(mapping)?;
        self.store.write(&self.actor, |tx| {
            sql::save_mapping(tx, &name, &json)?;
            let payload = serde_json::json!({ "name": name, "mapping": mapping });
            tx.record(
                "import_mapping",
                &uuid::Uuid::nil(),
                crate::AuditAction::Updated,
                &payload.to_string(),
                &payload.to_string(),
            )
        })
    }

    /// A saved mapping.
    pub fn mapping(&self, name: &str) -> Result<CsvMapping> {
        self.store.read(|c| match sql::mapping(c, name)? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Err(Error::not_found("import_mapping", name)),
        })
    }
}
