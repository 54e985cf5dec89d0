//! JSON export and import: the whole base for backup and transfer (every
//! table, row by row, restored exactly), or a selection of parties.
//!
//! The format is JSON lines: a header line, then one object per line, so
//! that both directions stream in constant memory.

use std::io::{BufRead, Write};

use rusqlite::types::Value;
use serde::{Deserialize, Serialize};

use crate::Crm;
use crate::dedup::sql::Stored;
use crate::error::{Error, Result};
use crate::party::{NewParty, PartyFilter, PartyQuery};
use crate::store::SCHEMA_VERSION;

/// The first line of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportHeader {
    /// Always "crm".
    pub format: String,
    /// "base" (every table) or "parties" (a selection).
    pub content: String,
    /// The schema version the export was written with.
    pub schema_version: i64,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonImportReport {
    /// Rows (for a base) or parties (for a selection) written.
    pub written: u64,
    /// Parties of a selection already in the base, left as they were.
    pub skipped: u64,
}

/// Tables in an order that satisfies their references; the full-text
/// index is rebuilt after an import instead of copied.
const TABLES: &[&str] = &[
    "custom_field",
    "relationship_type",
    "party",
    "party_role",
    "contact_point",
    "tag",
    "note",
    "custom_value",
    "relationship",
    "interaction",
    "interaction_party",
    "task",
    "lead_score_rule",
    "pipeline",
    "pipeline_stage",
    "product",
    "price_list",
    "price_list_item",
    "lead",
    "opportunity",
    "opportunity_contact",
    "opportunity_partner",
    "opportunity_stage_history",
    "sales_order",
    "order_line",
    "order_status_history",
    "merge_record",
    "import_mapping",
    "audit",
    "outbox",
];

/// The oldest schema version of an export that an import reads. Exports
/// from schema 8 on have the tables and columns of this version but for
/// `outbox.audit_seq` (schema 9), which an import names only when the
/// export has it: the events of an older export keep their payloads in
/// their rows, the column left NULL.
const OLDEST_IMPORTED: i64 = 8;

#[derive(Serialize, Deserialize)]
struct TableLine {
    table: String,
    columns: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct RowLine {
    row: Vec<Stored>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
enum SelectionLine {
    Field(crate::custom::FieldDef),
    Party(Box<crate::party::Party>),
    Relationship(crate::relationship::Relationship),
}

fn line<T: Serialize>(out: &mut dyn Write, v: &T) -> Result<()> {
    serde_json::to_writer(&mut *out, v)?;
    out.write_all(b"\n")?;
    Ok(())
}

fn bad_json(line_no: u64, e: impl std::fmt::Display) -> Error {
    Error::validation(format!("line {line_no}"), format!("not a line of an export: {e}"))
}

impl Crm {
    /// Write the whole base, every table row by row, as JSON lines (one
    /// consistent snapshot). [`Crm::import_json`] into an empty base gives
    /// the same base back.
    pub fn export_json(&self, out: &mut dyn Write) -> Result<()> {
        self.store.read(|c| {
            line(out, &ExportHeader { format: "crm".into(), content: "base".into(), schema_version: SCHEMA_VERSION })?;
            for table in TABLES {
                let mut stmt = c.prepare(&format!("SELECT * FROM {table}"))?;
                let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
                let n = columns.len();
                line(out, &TableLine { table: table.to_string(), columns })?;
                let mut rows = stmt.query([])?;
                while let Some(r) = rows.next()? {
                    let row =
                        (0..n).map(|i| r.get::<_, Value>(i).map(Stored::from)).collect::<rusqlite::Result<Vec<_>>>()?;
                    line(out, &RowLine { row })?;
                }
            }
            out.flush()?;
            Ok(())
        })
    }

    /// Write the parties matching a filter, with everything they hold and
    /// the relationships among them, as JSON lines.
    pub fn export_parties_json(&self, filter: &PartyFilter, out: &mut dyn Write) -> Result<u64> {
        line(out, &ExportHeader { format: "crm".into(), content: "parties".into(), schema_version: SCHEMA_VERSION })?;
        // The custom field definitions first, so that the values can be read.
        for def in self.fields(None)? {
            line(out, &SelectionLine::Field(def))?;
        }
        let mut q = PartyQuery {
            filter: filter.clone(),
            limit: 500,
            sort: crate::party::PartySort::Created,
            ..Default::default()
        };
        let mut ids = std::collections::HashSet::new();
        let mut n = 0;
        loop {
            let page = self.list_parties(&q)?;
            for p in page.items {
                ids.insert(p.id);
                line(out, &SelectionLine::Party(Box::new(p)))?;
                n += 1;
            }
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let mut seen = std::collections::HashSet::new();
        for id in &ids {
            for nb in self.neighbours(*id, &crate::NeighbourQuery { include_archived: true, ..Default::default() })? {
                let r = nb.relationship;
                if ids.contains(&r.from_id) && ids.contains(&r.to_id) && seen.insert(r.id) {
                    line(out, &SelectionLine::Relationship(r))?;
                }
            }
        }
        out.flush()?;
        Ok(n)
    }

    /// Read an export written by [`Crm::export_json`] (into an empty base:
    /// the same base comes back, ids, versions and history included) or by
    /// [`Crm::export_parties_json`] (parties new to the base are created
    /// with their ids; those already there are left as they are). All or
    /// nothing: a bad line changes nothing and names its line number.
    /// Exports of schema 8 and later are read (see `OLDEST_IMPORTED`). A
    /// whole base is loaded in bulk: the name, contact-value and tag
    /// indexes are built at the end of its transaction.
    pub fn import_json(&self, input: impl BufRead) -> Result<JsonImportReport> {
        let mut lines = input.lines();
        let first = lines.next().ok_or_else(|| Error::validation("line 1", "the file is empty"))??;
        let header: ExportHeader = serde_json::from_str(&first).map_err(|e| bad_json(1, e))?;
        if header.format != "crm" {
            return Err(Error::validation("line 1", "not an export of this library"));
        }
        if !(OLDEST_IMPORTED..=SCHEMA_VERSION).contains(&header.schema_version) {
            return Err(Error::Schema(format!(
                "the export has schema version {}; this version imports {OLDEST_IMPORTED} to {SCHEMA_VERSION}",
                header.schema_version
            )));
        }
        match header.content.as_str() {
            "base" => self.import_base(lines),
            "parties" => self.import_selection(lines),
            other => Err(Error::validation("line 1", format!("unknown content {other:?}"))),
        }
    }

    fn import_base(&self, lines: std::io::Lines<impl BufRead>) -> Result<JsonImportReport> {
        self.store.write(&self.actor, |tx| {
            let c = tx.conn();
            let parties: i64 = c.query_row("SELECT count(*) FROM party", [], |r| r.get(0))?;
            if parties > 0 {
                return Err(Error::validation("base", "a whole-base export is imported into an empty base"));
            }
            c.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            // Loaded in bulk: the indexes whose entries land at random
            // places are built at the end (see `bulk`).
            let deferred = super::bulk::Deferred::drop_indexes(tx, &[])?;
            // The tables a new base fills by itself are replaced by the export's rows.
            c.execute_batch("DELETE FROM relationship_type; DELETE FROM lead_score_rule;")?;
            let mut report = JsonImportReport::default();
            let mut insert: Option<(rusqlite::CachedStatement<'_>, usize)> = None;
            for (i, l) in lines.enumerate() {
                let no = i as u64 + 2;
                let l = l?;
                if l.trim().is_empty() {
                    continue;
                }
                if l.starts_with("{\"table\"") {
                    let t: TableLine = serde_json::from_str(&l).map_err(|e| bad_json(no, e))?;
                    if !TABLES.contains(&t.table.as_str()) {
                        return Err(Error::validation(format!("line {no}"), format!("unknown table {:?}", t.table)));
                    }
                    let cols =
                        t.columns.iter().map(|c| format!("\"{}\"", c.replace('"', ""))).collect::<Vec<_>>().join(", ");
                    let marks = (1..=t.columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
                    drop(insert.take());
                    let stmt = c
                        .prepare_cached(&format!("INSERT INTO {} ({cols}) VALUES ({marks})", t.table))
                        .map_err(|e| Error::validation(format!("line {no}"), e.to_string()))?;
                    insert = Some((stmt, t.columns.len()));
                    continue;
                }
                let row: RowLine = serde_json::from_str(&l).map_err(|e| bad_json(no, e))?;
                let (stmt, n) =
                    insert.as_mut().ok_or_else(|| Error::validation(format!("line {no}"), "a row before any table"))?;
                if row.row.len() != *n {
                    return Err(Error::validation(
                        format!("line {no}"),
                        format!("{} values for {n} columns", row.row.len()),
                    ));
                }
                stmt.execute(rusqlite::params_from_iter(row.row.iter().map(Stored::to_value)))
                    .map_err(|e| Error::validation(format!("line {no}"), e.to_string()))?;
                report.written += 1;
            }
            drop(insert);
            deferred.rebuild(tx)?;
            // The full-text indexes are rebuilt rather than copied.
            crate::search::sql::rebuild(c)?;
            Ok(report)
        })
    }

    fn import_selection(&self, lines: std::io::Lines<impl BufRead>) -> Result<JsonImportReport> {
        let region = self.store.options.default_region.clone();
        self.store.write(&self.actor, |tx| {
            let mut report = JsonImportReport::default();
            for (i, l) in lines.enumerate() {
                let no = i as u64 + 2;
                let l = l?;
                if l.trim().is_empty() {
                    continue;
                }
                let item: SelectionLine = serde_json::from_str(&l).map_err(|e| bad_json(no, e))?;
                let field = format!("line {no}");
                match item {
                    SelectionLine::Field(def) => {
                        let known = crate::custom::sql::load_defs(tx.conn())?
                            .into_iter()
                            .any(|d| d.name == def.name && (d.entity == def.entity || d.applies_to(&def.entity)));
                        if !known {
                            let new = crate::custom::NewFieldDef {
                                entity: def.entity,
                                name: def.name,
                                label: Some(def.label),
                                field_type: def.field_type,
                                required: def.required,
                                unique: def.unique,
                                choices: def.choices,
                            };
                            crate::custom::define_in(tx, new).map_err(|e| e.in_field(&field))?;
                        }
                    }
                    SelectionLine::Party(p) => {
                        if crate::party::sql::head(tx.conn(), p.id)?.is_some() {
                            report.skipped += 1;
                            continue;
                        }
                        let new = NewParty {
                            id: Some(p.id),
                            kind: p.kind,
                            display_name: Some(p.display_name.clone()),
                            given_name: p.given_name.clone(),
                            family_name: p.family_name.clone(),
                            birth_date: p.birth_date,
                            language: p.language.clone(),
                            legal_name: p.legal_name.clone(),
                            registration_number: p.registration_number.clone(),
                            vat_number: p.vat_number.clone(),
                            industry: p.industry.clone(),
                            size: p.size,
                            parent_id: p
                                .parent_id
                                .filter(|id| crate::party::sql::head(tx.conn(), *id).ok().flatten().is_some()),
                            roles: p
                                .roles
                                .iter()
                                .map(|r| crate::party::NewRole {
                                    details: r.details.clone(),
                                    valid_from: r.valid_from,
                                    valid_to: r.valid_to,
                                })
                                .collect(),
                            contact_points: p
                                .contact_points
                                .iter()
                                .map(|c| crate::party::NewContactPoint {
                                    value: c.value.clone(),
                                    label: c.label.clone(),
                                    primary: c.primary,
                                    verified: c.verified,
                                })
                                .collect(),
                            tags: p.tags.clone(),
                            custom: p.custom.clone(),
                        };
                        crate::party::create_in(tx, new, region.as_deref()).map_err(|e| e.in_field(&field))?;
                        report.written += 1;
                    }
                    SelectionLine::Relationship(r) => {
                        let exists: bool = tx.conn().query_row(
                            "SELECT EXISTS (SELECT 1 FROM relationship WHERE id = ?1)",
                            [r.id],
                            |x| x.get(0),
                        )?;
                        if !exists {
                            crate::relationship::sql::insert(tx, &r).map_err(|e| e.in_field(&field))?;
                            let json = serde_json::to_string(&r)?;
                            tx.record("relationship", &r.id, crate::AuditAction::Created, &json, &json)?;
                        }
                    }
                }
            }
            Ok(report)
        })
    }
}
