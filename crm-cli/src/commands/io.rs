//! `crm import …` and `crm export …`: parties from CSV files of any size,
//! the base or a selection as JSON lines, parties as vCards.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use crm_core::{Crm, CsvMapping, CsvOptions, ImportMode, ImportProgress, ImportReport, PartyFilter, PartyKind, Reject};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::party::{custom_values, kind, role_kind};
use super::{invalid, open_read, open_write};
use crate::cli::{ExportCommand, ExportFilterArgs, ImportCommand, ImportCsvArgs};
use crate::output;

/// The exit status of an import that `--all-or-nothing` rolled back.
pub const ROLLED_BACK_STATUS: u8 = 3;

/// An import that `--all-or-nothing` rolled back because of bad rows. Its
/// report has been printed; the command exits with
/// [`ROLLED_BACK_STATUS`].
#[derive(Debug)]
pub struct RolledBack(pub String);

impl std::fmt::Display for RolledBack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RolledBack {}

/// How many rejected rows or cards are listed under a report.
const SHOWN_REJECTS: usize = 20;

pub fn import(db: &Path, json: bool, cmd: &ImportCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        ImportCommand::Csv(args) => import_csv(db, json, args, out),
        ImportCommand::Json { file } => import_json(db, json, file, out),
        ImportCommand::Vcard { file } => import_vcard(db, json, file, out),
    }
}

pub fn export(db: &Path, json: bool, cmd: &ExportCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        ExportCommand::Json { file, parties, filter } => export_json(db, json, file, *parties, filter, out),
        ExportCommand::Vcard { file, filter } => export_vcard(db, json, file, filter, out),
    }
}

/// Whether a file argument means standard input or output.
fn is_std(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Open a file argument for reading, with its length when known.
fn open_input(path: &Path) -> Result<(Box<dyn Read>, Option<u64>)> {
    if is_std(path) {
        return Ok((Box::new(std::io::stdin().lock()), None));
    }
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let len = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
    Ok((Box::new(file), len))
}

/// Open a file argument for reading by lines.
fn open_lines(path: &Path) -> Result<Box<dyn BufRead>> {
    if is_std(path) {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Box::new(BufReader::new(file)))
}

/// Write through `write` to a file (removed again if writing fails) or,
/// for `-`, to standard output.
fn write_output<T>(
    path: &Path,
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> crm_core::Result<T>,
) -> Result<T> {
    if is_std(path) {
        let value = write(out)?;
        out.flush()?;
        return Ok(value);
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(file);
    let result = write(&mut w)
        .map_err(anyhow::Error::from)
        .and_then(|v| w.flush().map(|()| v).map_err(anyhow::Error::from))
        .with_context(|| format!("cannot write {}", path.display()));
    if result.is_err() {
        drop(w);
        let _ = std::fs::remove_file(path);
    }
    result
}

/// The rejects file, created on the first rejected row (so that a mapping
/// error leaves no empty file behind) or when the import ends.
struct RejectsFile {
    path: PathBuf,
    file: Option<BufWriter<File>>,
}

impl RejectsFile {
    fn file(&mut self) -> std::io::Result<&mut BufWriter<File>> {
        if self.file.is_none() {
            self.file = Some(BufWriter::new(File::create(&self.path)?));
        }
        match self.file.as_mut() {
            Some(f) => Ok(f),
            None => Err(std::io::Error::other("the rejects file is not open")),
        }
    }

    /// Create the file if no row was rejected, and flush it.
    fn finish(&mut self) -> Result<()> {
        let path = self.path.display().to_string();
        self.file().and_then(Write::flush).with_context(|| format!("cannot write {path}"))
    }
}

impl Write for RejectsFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

/// A bar on stderr when it is a terminal (and not with --json): bytes read
/// of the file's length, or a spinner for standard input.
fn progress_bar(len: Option<u64>, json: bool) -> ProgressBar {
    let bar = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::no_length(),
    };
    if json || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
        return bar;
    }
    bar.set_draw_target(ProgressDrawTarget::stderr());
    let template =
        if len.is_some() { "{spinner} [{bar:30}] {bytes}/{total_bytes} {msg}" } else { "{spinner} {bytes} read {msg}" };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn progress_message(p: &ImportProgress) -> String {
    format!("{} rows read, {} created, {} updated, {} rejected", p.rows, p.created, p.updated, p.rejected)
}

/// The mapping of a CSV import: a saved one if named, changed by the
/// command's options.
fn csv_mapping(crm: &Crm, a: &ImportCsvArgs) -> Result<CsvMapping> {
    let mut mapping = match &a.mapping {
        Some(name) => crm.mapping(name).with_context(|| format!("cannot read the saved mapping {name:?}"))?,
        None => CsvMapping::default(),
    };
    for m in &a.map {
        let (column, target) =
            m.rsplit_once('=').ok_or_else(|| invalid("mapping.columns", format!("{m:?} is not COLUMN=TARGET")))?;
        let column = column.trim();
        if column.is_empty() {
            return Err(invalid("mapping.columns", format!("{m:?} names no column")));
        }
        mapping.columns.insert(column.to_string(), target.trim().to_string());
    }
    if let Some(k) = a.kind {
        mapping.default_kind = kind(k);
    }
    if let Some(key) = &a.key {
        mapping.key = key.clone();
    }
    if mapping.columns.is_empty() {
        return Err(invalid("mapping.columns", "map at least one column with --map COLUMN=TARGET or --mapping NAME"));
    }
    Ok(mapping)
}

fn delimiter_name(d: char) -> String {
    match d {
        '\t' => "tab".to_string(),
        ' ' => "space".to_string(),
        c => c.to_string(),
    }
}

fn rejects_table(rejects: &[Reject]) -> comfy_table::Table {
    let mut t = output::table(&["line", "field", "reason"]);
    for r in rejects.iter().take(SHOWN_REJECTS) {
        t.add_row(vec![r.line.to_string(), r.field.clone().unwrap_or_default(), r.reason.clone()]);
    }
    t
}

fn import_csv(db: &Path, json: bool, a: &ImportCsvArgs, out: &mut dyn Write) -> Result<()> {
    // A dry run on a base that does not exist yet creates none: it runs
    // against an empty base in memory, which is what the file would be.
    let crm = if a.dry_run && !db.exists() {
        Crm::open_in_memory().context("cannot open a base in memory")?.with_actor("cli")
    } else {
        open_write(db)?
    };
    let mapping = csv_mapping(&crm, a)?;
    let options = CsvOptions {
        mapping,
        delimiter: a.delimiter,
        encoding: a.encoding.clone(),
        mode: if a.all_or_nothing { ImportMode::AllOrNothing } else { ImportMode::RowByRow },
        dry_run: a.dry_run,
        batch_size: a.batch as usize,
        load: a.load.into(),
    };
    let (input, len) = open_input(&a.file)?;
    let mut rejects = a.rejects.as_ref().map(|p| RejectsFile { path: p.clone(), file: None });
    let bar = progress_bar(len, json);
    let mut on_progress = |p: &ImportProgress| {
        bar.set_message(progress_message(p));
        std::ops::ControlFlow::Continue(())
    };
    let result = crm.import_csv(
        bar.wrap_read(input),
        &options,
        rejects.as_mut().map(|r| r as &mut dyn Write),
        Some(&mut on_progress),
    );
    bar.finish_and_clear();
    let report = result.with_context(|| format!("cannot import {}", a.file.display()))?;
    if let Some(r) = rejects.as_mut() {
        r.finish()?;
    }
    let mut saved = None;
    if let Some(name) = &a.save_mapping
        && !a.dry_run
    {
        crm.save_mapping(name, &options.mapping).with_context(|| format!("cannot save the mapping {name:?}"))?;
        saved = Some(name.as_str());
    }
    let bad_rows_rolled_back = a.all_or_nothing && report.counts.rejected > 0;
    if json {
        output::json(out, &report)?;
    } else {
        print_csv_report(out, a, &report, saved)?;
    }
    if bad_rows_rolled_back {
        let n = report.counts.rejected;
        let rows = if n == 1 { "row was" } else { "rows were" };
        let what = if a.dry_run { "nothing would be imported" } else { "nothing was imported" };
        return Err(RolledBack(format!("--all-or-nothing: {n} {rows} rejected, so {what} (rolled back)")).into());
    }
    Ok(())
}

fn print_csv_report(out: &mut dyn Write, a: &ImportCsvArgs, r: &ImportReport, saved: Option<&str>) -> Result<()> {
    let c = &r.counts;
    let rolled_back = match (r.rolled_back, a.dry_run) {
        (false, _) => "no".to_string(),
        (true, true) => "yes (dry run)".to_string(),
        (true, false) => "yes (--all-or-nothing)".to_string(),
    };
    let rows = [
        ("rows", c.rows.to_string()),
        ("created", c.created.to_string()),
        ("updated", c.updated.to_string()),
        ("unchanged", c.unchanged.to_string()),
        ("rejected", c.rejected.to_string()),
        ("encoding", r.encoding.clone()),
        ("delimiter", delimiter_name(r.delimiter)),
        ("rolled back", rolled_back),
        ("loaded", if r.bulk { "in bulk" } else { "in batches" }.to_string()),
    ];
    output::print_table(out, &output::fields_table(&rows))?;
    if a.dry_run {
        writeln!(out, "Dry run: nothing was written.")?;
    }
    if !r.rejects.is_empty() {
        let shown = r.rejects.len().min(SHOWN_REJECTS);
        output::heading(out, &format!("Rejected rows (the first {shown} of {})", c.rejected))?;
        output::print_table(out, &rejects_table(&r.rejects))?;
        match &a.rejects {
            Some(p) => writeln!(out, "Every rejected row is in {}.", p.display())?,
            None if c.rejected > shown as u64 => {
                writeln!(out, "Write every rejected row to a file with --rejects FILE.")?
            }
            None => {}
        }
    }
    if let Some(name) = saved {
        writeln!(out, "Saved the mapping as {name:?}.")?;
    } else if a.save_mapping.is_some() && a.dry_run {
        writeln!(out, "The mapping was not saved (dry run).")?;
    }
    Ok(())
}

fn import_json(db: &Path, json: bool, file: &Path, out: &mut dyn Write) -> Result<()> {
    let crm = open_write(db)?;
    let input = open_lines(file)?;
    let report = crm.import_json(input).with_context(|| format!("cannot import {}", file.display()))?;
    if json {
        return output::json(out, &report);
    }
    let rows = [("written", report.written.to_string()), ("skipped", report.skipped.to_string())];
    output::print_table(out, &output::fields_table(&rows))?;
    Ok(())
}

fn import_vcard(db: &Path, json: bool, file: &Path, out: &mut dyn Write) -> Result<()> {
    let crm = open_write(db)?;
    let input = open_lines(file)?;
    let report = crm.import_vcard(input).with_context(|| format!("cannot import {}", file.display()))?;
    if json {
        return output::json(out, &report);
    }
    let rows = [
        ("cards", report.cards.to_string()),
        ("created", report.created.to_string()),
        ("updated", report.updated.to_string()),
        ("rejected", report.rejects.len().to_string()),
    ];
    output::print_table(out, &output::fields_table(&rows))?;
    if !report.rejects.is_empty() {
        let shown = report.rejects.len().min(SHOWN_REJECTS);
        output::heading(out, &format!("Rejected cards (the first {shown} of {})", report.rejects.len()))?;
        output::print_table(out, &rejects_table(&report.rejects))?;
    }
    Ok(())
}

/// The parties an export takes.
fn party_filter(crm: &Crm, f: &ExportFilterArgs) -> Result<PartyFilter> {
    Ok(PartyFilter {
        kind: f.kind.map(kind),
        role: f.role.map(role_kind),
        tag: f.tag.clone(),
        country: f.country.clone(),
        custom: custom_values(crm, f.kind.map(kind), &f.custom)?,
        ..Default::default()
    })
}

#[derive(Serialize)]
struct ExportSummary<'a> {
    file: &'a Path,
    content: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    parties: Option<u64>,
}

/// Say what an export wrote, unless it went to standard output.
fn print_export(out: &mut dyn Write, json: bool, summary: &ExportSummary<'_>) -> Result<()> {
    if is_std(summary.file) {
        return Ok(());
    }
    if json {
        return output::json(out, summary);
    }
    let file = summary.file.display();
    match (summary.content, summary.parties) {
        ("base", _) => writeln!(out, "Exported the whole base to {file}.")?,
        ("vcard", Some(n)) => writeln!(out, "Exported {n} vCards to {file}.")?,
        (_, Some(n)) => writeln!(out, "Exported {n} parties to {file}.")?,
        (_, None) => writeln!(out, "Exported to {file}.")?,
    }
    Ok(())
}

fn export_json(
    db: &Path,
    json: bool,
    file: &Path,
    parties: bool,
    f: &ExportFilterArgs,
    out: &mut dyn Write,
) -> Result<()> {
    if !parties && f.is_set() {
        return Err(invalid("parties", "the filters select parties: add --parties to export a selection"));
    }
    let crm = open_read(db)?;
    if parties {
        let filter = party_filter(&crm, f)?;
        let n = write_output(file, out, |w| crm.export_parties_json(&filter, w))?;
        print_export(out, json, &ExportSummary { file, content: "parties", parties: Some(n) })
    } else {
        write_output(file, out, |w| crm.export_json(w))?;
        print_export(out, json, &ExportSummary { file, content: "base", parties: None })
    }
}

fn export_vcard(db: &Path, json: bool, file: &Path, f: &ExportFilterArgs, out: &mut dyn Write) -> Result<()> {
    let crm = open_read(db)?;
    let filter = party_filter(&crm, f)?;
    // Organizations first: a person's card names its organization (ORG),
    // and an import links it to the organization of that name, creating
    // one if it has not been read yet.
    let kinds = match filter.kind {
        Some(k) => vec![k],
        None => vec![PartyKind::Organization, PartyKind::Person],
    };
    let n = write_output(file, out, |w| {
        let mut n = 0;
        for k in kinds {
            n += crm.export_vcard(&PartyFilter { kind: Some(k), ..filter.clone() }, w)?;
        }
        Ok(n)
    })?;
    print_export(out, json, &ExportSummary { file, content: "vcard", parties: Some(n) })
}
