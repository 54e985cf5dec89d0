//! The streaming CSV import.

use std::io::{BufRead, BufReader, Read};
use std::ops::ControlFlow;

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CsvOptions, ImportMode, UpsertKey, bulk, check_target, sql};
use crate::Crm;
use crate::custom::{CustomValue, FieldDef};
use crate::error::{Error, Result};
use crate::events::AuditAction;
use crate::party::{
    ContactValue, NewContactPoint, NewParty, NewRole, PartyKind, PostalAddress, Prepared, RoleDetails, RoleKind,
};
use crate::search::sql::{self as search_sql, PartyDoc};
use crate::store::Tx;

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// Its line in the file (1 is the header).
    pub line: u64,
    /// The field at fault, where one is.
    pub field: Option<String>,
    /// Why.
    pub reason: String,
}

/// Where an import stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    /// Rows read so far.
    pub rows: u64,
    /// Parties created.
    pub created: u64,
    /// Parties updated (the key matched and something changed).
    pub updated: u64,
    /// Rows whose party was already as they say.
    pub unchanged: u64,
    /// Rows rejected.
    pub rejected: u64,
}

/// The progress callback of an import: called after every batch with the
/// counts so far; [`ControlFlow::Break`] stops the import.
pub type OnProgress<'a> = dyn FnMut(&ImportProgress) -> ControlFlow<()> + 'a;

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The counts.
    #[serde(flatten)]
    pub counts: ImportProgress,
    /// The first 1000 rejected rows (all of them go to the rejects file).
    pub rejects: Vec<Reject>,
    /// Nothing was written: a dry run, all-or-nothing with a bad row, or
    /// all-or-nothing stopped by the progress callback.
    pub rolled_back: bool,
    /// The progress callback stopped the import before the end of the input.
    #[serde(default)]
    pub stopped: bool,
    /// Some of the rows were loaded in bulk: one transaction, with the
    /// name, contact-value and tag indexes built at its end (see
    /// [`ImportLoad`](super::ImportLoad)).
    #[serde(default)]
    pub bulk: bool,
    /// The encoding read.
    pub encoding: String,
    /// The delimiter read.
    pub delimiter: char,
}

/// One row, mapped.
struct Row {
    line: u64,
    party: NewParty,
    notes: Vec<String>,
    raw: Vec<String>,
}

const SAMPLE: usize = 64 * 1024;
/// The WAL checkpoint interval during an import, in pages (40 MB).
const CHECKPOINT_PAGES: u32 = 10_000;
const MAX_FIELD: usize = 100_000;

/// Decide the encoding from the declared label or the first bytes.
fn pick_encoding(declared: Option<&str>, sample: &[u8]) -> Result<&'static Encoding> {
    if let Some(label) = declared {
        return Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| Error::validation("encoding", format!("{label:?} is not an encoding this library knows")));
    }
    if let Some((enc, _)) = Encoding::for_bom(sample) {
        return Ok(enc);
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Ok(encoding_rs::UTF_8),
        // A sample cut inside a character is still UTF-8.
        Err(e) if e.error_len().is_none() => return Ok(encoding_rs::UTF_8),
        Err(_) => {}
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, false);
    Ok(detector.guess(None, chardetng::Utf8Detection::Allow))
}

fn pick_delimiter(declared: Option<char>, first_line: &str) -> Result<u8> {
    if let Some(d) = declared {
        if !d.is_ascii() || d == '"' || d == '\n' || d == '\r' {
            return Err(Error::validation("delimiter", format!("{d:?} cannot separate fields")));
        }
        return Ok(d as u8);
    }
    let mut best = (b',', 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let mut n = 0;
        let mut quoted = false;
        for b in first_line.bytes() {
            if b == b'"' {
                quoted = !quoted;
            } else if b == d && !quoted {
                n += 1;
            }
        }
        if n > best.1 {
            best = (d, n);
        }
    }
    Ok(best.0)
}

fn bad(line: u64, field: Option<&str>, reason: impl Into<String>) -> Reject {
    Reject { line, field: field.map(str::to_string), reason: reason.into() }
}

/// Build a party from the mapped fields of one row.
fn map_row(
    line: u64,
    fields: &[(String, String)],
    default_kind: PartyKind,
) -> std::result::Result<(NewParty, Vec<String>), Reject> {
    let mut p = NewParty { kind: default_kind, ..Default::default() };
    let mut address = PostalAddress::default();
    let mut has_address = false;
    let mut notes = Vec::new();
    for (target, value) in fields {
        let v = value.trim();
        if v.is_empty() || target == "ignore" {
            continue;
        }
        let t = target.as_str();
        let some = || Some(v.to_string());
        match t {
            "kind" => {
                p.kind = match v.to_ascii_lowercase().as_str() {
                    "person" | "p" | "individual" => PartyKind::Person,
                    "organization" | "organisation" | "org" | "company" | "o" => PartyKind::Organization,
                    _ => return Err(bad(line, Some(t), format!("{v:?} is not person or organization"))),
                }
            }
            "display_name" => p.display_name = some(),
            "given_name" => p.given_name = some(),
            "family_name" => p.family_name = some(),
            "legal_name" => p.legal_name = some(),
            "language" => p.language = some(),
            "registration_number" => p.registration_number = some(),
            "vat_number" => p.vat_number = some(),
            "industry" => p.industry = some(),
            "birth_date" => {
                p.birth_date = Some(
                    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                        .map_err(|_| bad(line, Some(t), format!("{v:?} is not a date (YYYY-MM-DD)")))?,
                )
            }
            "email" => p.contact_points.push(NewContactPoint::new(ContactValue::email(v))),
            "phone" => p.contact_points.push(NewContactPoint::new(ContactValue::phone(v))),
            "web" => p.contact_points.push(NewContactPoint::new(ContactValue::Web { url: v.to_string() })),
            "tag" => p.tags.push(v.to_string()),
            "tags" => p.tags.extend(v.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)),
            "role" => {
                let kind: RoleKind =
                    v.to_ascii_lowercase().parse().map_err(|e: Error| bad(line, Some(t), e.to_string()))?;
                let details: RoleDetails = serde_json::from_value(serde_json::json!({ "role": kind.as_str() }))
                    .map_err(|e| bad(line, Some(t), e.to_string()))?;
                p.roles.push(NewRole::from(details));
            }
            "note" => notes.push(v.to_string()),
            "address.street" => (address.street, has_address) = (some(), true),
            "address.street2" => (address.street2, has_address) = (some(), true),
            "address.city" => (address.city, has_address) = (some(), true),
            "address.region" => (address.region, has_address) = (some(), true),
            "address.postal_code" => (address.postal_code, has_address) = (some(), true),
            "address.country" => (address.country, has_address) = (v.to_string(), true),
            other => {
                if let Some(field) = other.strip_prefix("custom.") {
                    p.custom.insert(field.to_string(), CustomValue::Text(v.to_string()));
                } else if let Some(network) = other.strip_prefix("social.") {
                    p.contact_points.push(NewContactPoint::new(ContactValue::Social {
                        network: network.to_string(),
                        handle: v.to_string(),
                    }));
                }
            }
        }
    }
    if has_address {
        p.contact_points.push(NewContactPoint::new(ContactValue::Address(address)));
    }
    Ok((p, notes))
}

/// The party an upsert key finds, if any.
fn find_by_key(
    tx: &Tx<'_>,
    key: &UpsertKey,
    p: &NewParty,
    defs: &[FieldDef],
    region: Option<&str>,
) -> Result<Option<Uuid>> {
    let ids = match key {
        UpsertKey::None => return Ok(None),
        UpsertKey::Email | UpsertKey::Phone => {
            let want = if *key == UpsertKey::Email { crate::ContactKind::Email } else { crate::ContactKind::Phone };
            let Some(c) = p.contact_points.iter().find(|c| c.value.kind() == want) else { return Ok(None) };
            // A key that does not normalize matches nothing; creating the
            // party then reports the bad value under its own field.
            let Ok((v, _)) = c.value.clone().normalize(region) else { return Ok(None) };
            sql::parties_with_contact(tx.conn(), want.as_str(), &v.key())?
        }
        UpsertKey::VatNumber => {
            let Some(v) = &p.vat_number else { return Ok(None) };
            let norm: String =
                v.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
            sql::parties_with_vat(tx.conn(), &norm)?
        }
        UpsertKey::Custom(name) => {
            let Some(v) = p.custom.get(name) else { return Ok(None) };
            let def = defs.iter().find(|d| &d.name == name && d.applies_to(p.kind.as_str())).ok_or_else(|| {
                Error::validation("key", format!("no custom field {name:?} for {}s", p.kind.as_str()))
            })?;
            let v = v.clone().coerce(def)?;
            sql::parties_with_custom(tx.conn(), def.id, &v.to_sql())?
        }
    };
    match ids.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => Err(Error::validation("key", format!("the key matches {} parties; merge them first", many.len()))),
    }
}

/// A row of a batch, validated as a new party before anything is written.
struct Item {
    line: u64,
    raw: Vec<String>,
    notes: Vec<String>,
    /// The row as read, kept when an upsert key may find a party to update
    /// (an update is validated against the party it finds).
    incoming: Option<NewParty>,
    /// The row as a new party, or why it cannot be one.
    new: std::result::Result<Prepared, Reject>,
}

/// The reject of a row that failed on its input; other errors (storage,
/// I/O) stop the import.
fn reject_of(line: u64, e: Error) -> Result<Reject> {
    match e {
        Error::Validation { field, reason } => Ok(bad(line, Some(&field), reason)),
        Error::NotFound { entity, id } => Ok(bad(line, None, format!("{entity} {id} not found"))),
        other => Err(other),
    }
}

/// Validate a batch's rows as new parties, reading nothing. Phone numbers
/// of one country are validated together (see `party::prepare_batch`).
fn validate(
    rows: Vec<Row>,
    key: &UpsertKey,
    defs: &[FieldDef],
    region: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<Vec<Item>> {
    let mut order: Vec<(String, usize)> =
        rows.iter().enumerate().map(|(i, r)| (crate::party::phone_order(&r.party, region), i)).collect();
    order.sort_unstable();
    let mut rows: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    let mut items: Vec<Option<Item>> = (0..rows.len()).map(|_| None).collect();
    for (_, i) in order {
        let Some(row) = rows[i].take() else { continue };
        let incoming = (*key != UpsertKey::None).then(|| row.party.clone());
        let new = match crate::party::prepare(row.party, defs, region, today) {
            Ok(p) => Ok(p),
            Err(e) => Err(reject_of(row.line, e)?),
        };
        items[i] = Some(Item { line: row.line, raw: row.raw, notes: row.notes, incoming, new });
    }
    Ok(items.into_iter().flatten().collect())
}

fn run_sql(tx: &Tx<'_>, sql: &str) -> Result<()> {
    tx.conn().prepare_cached(sql)?.execute([])?;
    Ok(())
}

/// Update the party a row's key found, and add the row's notes it lacks.
/// Returns whether anything changed.
fn update_row(tx: &Tx<'_>, id: Uuid, incoming: NewParty, notes: &[String], region: Option<&str>) -> Result<bool> {
    let old = crate::party::sql::get_for_write(tx.conn(), id)?;
    let (_, mut changed) = crate::party::upsert_unindexed(tx, &old, incoming, region)?;
    for body in notes {
        if !sql::has_note(tx.conn(), id, body.trim())? {
            let note = crate::party::sql::insert_note(tx, id, body.trim())?;
            let json = serde_json::to_string(&note)?;
            tx.record("note", &note.id, AuditAction::Created, &json, &json)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Write a new party that passed its checks, with its notes, its audit row
/// and its `party.created` event (the full record, as
/// [`Crm::create_party`](crate::Crm::create_party) writes them). Returns
/// its full-text document, indexed at the end of the batch.
///
/// No savepoint is needed: what could fail on input was checked before
/// (`party::check_new`), except an id that exists, which fails the first
/// statement, and a failed statement writes nothing. Other failures are the
/// storage's and stop the import.
fn create_row(tx: &Tx<'_>, p: &Prepared, commercial_id: Uuid, notes: &[String]) -> Result<PartyDoc> {
    let party = crate::party::sql::insert_party(tx, p, commercial_id)?;
    let json = serde_json::to_string(&party)?;
    tx.record("party", &party.id, AuditAction::Created, &json, &json)?;
    let mut bodies: Vec<&str> = Vec::with_capacity(notes.len());
    for body in notes {
        let body = body.trim();
        if !bodies.contains(&body) {
            let note = crate::party::sql::insert_note(tx, p.id, body)?;
            let json = serde_json::to_string(&note)?;
            tx.record("note", &note.id, AuditAction::Created, &json, &json)?;
            bodies.push(body);
        }
    }
    Ok(PartyDoc::of_new(p, &bodies))
}

/// Write a batch of validated rows in one go: each row's key lookup, then
/// new parties straight (their checks are reads, so a bad row is rejected
/// before anything of it is written) and updates each in a savepoint. The
/// full-text documents are written at the end: FTS5 flushes its pending
/// data at every savepoint once it has been written to, which would make a
/// segment per row.
fn write_batch(
    tx: &Tx<'_>,
    rows: Vec<Row>,
    key: &UpsertKey,
    region: Option<&str>,
    counts: &mut ImportProgress,
    rejected: &mut Vec<(Reject, Vec<String>)>,
) -> Result<()> {
    // The definitions once per batch, read in its transaction.
    let defs = crate::custom::sql::load_defs(tx.conn())?;
    let items = validate(rows, key, &defs, region, tx.now.date_naive())?;
    write_items(tx, items, key, &defs, region, counts, rejected)
}

/// Write a batch validated by [`validate`] against `defs`.
fn write_items(
    tx: &Tx<'_>,
    items: Vec<Item>,
    key: &UpsertKey,
    defs: &[FieldDef],
    region: Option<&str>,
    counts: &mut ImportProgress,
    rejected: &mut Vec<(Reject, Vec<String>)>,
) -> Result<()> {
    // All documents to write; parties to reindex.
    let mut docs: Vec<(Uuid, PartyDoc)> = Vec::with_capacity(items.len());
    let mut reindex: Vec<Uuid> = Vec::new();
    for Item { line, raw, notes, incoming, new } in items {
        let found = match incoming.as_ref().map(|p| find_by_key(tx, key, p, defs, region)) {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(id))) => Some(id),
            Some(Err(e)) => {
                rejected.push((reject_of(line, e)?, raw));
                continue;
            }
        };
        if let (Some(id), Some(incoming)) = (found, incoming) {
            run_sql(tx, "SAVEPOINT import_row")?;
            match update_row(tx, id, incoming, &notes, region) {
                Ok(changed) => {
                    run_sql(tx, "RELEASE import_row")?;
                    if changed {
                        counts.updated += 1;
                        reindex.push(id);
                    } else {
                        counts.unchanged += 1;
                    }
                }
                Err(e) => {
                    run_sql(tx, "ROLLBACK TO import_row")?;
                    run_sql(tx, "RELEASE import_row")?;
                    rejected.push((reject_of(line, e)?, raw));
                }
            }
            continue;
        }
        let p = match new {
            Ok(p) => p,
            Err(r) => {
                rejected.push((r, raw));
                continue;
            }
        };
        let written =
            crate::party::check_new(tx, &p).and_then(|commercial_id| create_row(tx, &p, commercial_id, &notes));
        match written {
            Ok(doc) => {
                counts.created += 1;
                docs.push((p.id, doc));
            }
            Err(e) => rejected.push((reject_of(line, e)?, raw)),
        }
    }
    // A party created and then updated in this batch is indexed from the
    // tables, as it is after the update.
    reindex.sort_unstable();
    reindex.dedup();
    for (id, doc) in &docs {
        if reindex.binary_search(id).is_err() {
            search_sql::index_new_party(tx.conn(), *id, doc)?;
        }
    }
    for id in reindex {
        search_sql::reindex_party(tx.conn(), id)?;
    }
    Ok(())
}

/// After a batch: call `progress` with the counts. `Some(stopped)` when the
/// import ends here: at the end of the input (`done`, which a stop asked
/// for then does not change), or stopped by `progress`.
fn ends_here(progress: &mut Option<&mut OnProgress<'_>>, counts: &ImportProgress, done: bool) -> Option<bool> {
    let stop = progress.as_mut().is_some_and(|f| f(counts).is_break());
    if done {
        Some(false)
    } else if stop {
        Some(true)
    } else {
        None
    }
}

/// A batch read from the file and not yet written.
struct ReadBatch {
    rows: Vec<Row>,
    /// The rows that could not be read or mapped.
    rejected: Vec<(Reject, Vec<String>)>,
    /// Rows read, not yet in the counts.
    read: u64,
    /// The last batch of the file.
    last: bool,
}

/// What [`load_rest`] needs of the import's options.
struct Rest<'a> {
    batch_size: usize,
    key: &'a UpsertKey,
    region: Option<&'a str>,
}

/// Write `first` and the rest of the file in the transaction under way,
/// each batch validated on a second thread while the batch before it is
/// written (validation reads nothing; in bulk no other write comes in, so
/// the field definitions read once hold to the end). `after` runs after
/// each batch with the counts and the batch's rejects, and returns whether
/// to stop. Returns whether it stopped before the end of the file.
fn load_rest<R: Read>(
    tx: &Tx<'_>,
    first: ReadBatch,
    source: &mut Source<R>,
    rest: &Rest<'_>,
    counts: &mut ImportProgress,
    mut after: impl FnMut(&mut ImportProgress, &mut Vec<(Reject, Vec<String>)>) -> Result<bool>,
) -> Result<bool> {
    let defs = crate::custom::sql::load_defs(tx.conn())?;
    let today = tx.now.date_naive();
    let Rest { batch_size, key, region } = *rest;
    let gone = || Error::Io(std::io::Error::other("the thread validating the import's rows ended"));
    std::thread::scope(|scope| {
        let (to_worker, rows_in) = std::sync::mpsc::sync_channel::<Vec<Row>>(1);
        let (items_out, from_worker) = std::sync::mpsc::sync_channel::<Result<Vec<Item>>>(1);
        let defs = &defs;
        scope.spawn(move || {
            for rows in rows_in {
                if items_out.send(validate(rows, key, defs, region, today)).is_err() {
                    break;
                }
            }
        });
        let mut cur = first;
        to_worker.send(std::mem::take(&mut cur.rows)).map_err(|_| gone())?;
        loop {
            // Read the next batch and hand it over before writing this one.
            let next = if cur.last {
                None
            } else {
                let (mut read, mut rejected) = (ImportProgress::default(), Vec::new());
                let (rows, last) = source.next_batch(batch_size, &mut rejected, &mut read)?;
                to_worker.send(rows).map_err(|_| gone())?;
                Some(ReadBatch { rows: Vec::new(), rejected, read: read.rows, last })
            };
            let items = from_worker.recv().map_err(|_| gone())??;
            counts.rows += cur.read;
            let mut rejected = cur.rejected;
            write_items(tx, items, key, defs, region, counts, &mut rejected)?;
            let stop = after(counts, &mut rejected)?;
            match next {
                None => return Ok(false),
                Some(_) if stop => return Ok(true),
                Some(n) => cur = n,
            }
        }
    })
}

/// A row read: mapped, or rejected with what was read of it.
type ReadRow = std::result::Result<Row, (Reject, Vec<String>)>;

/// The rows of the file, mapped, and the rows that could not be read.
struct Source<R: Read> {
    reader: csv::Reader<R>,
    encoding: &'static Encoding,
    targets: Vec<Option<String>>,
    header_len: usize,
    default_kind: PartyKind,
    record: csv::ByteRecord,
    /// Added to the reader's line numbers: it counts one line too few in
    /// files with CRLF line ends.
    line_offset: u64,
    /// A row read ahead, to tell whether a full batch is the last one.
    ahead: Option<ReadRow>,
}

impl<R: Read> Source<R> {
    /// Up to `size` mapped rows; rejected ones go to `rejected`. The flag
    /// is true at the end of the file.
    fn next_batch(
        &mut self,
        size: usize,
        rejected: &mut Vec<(Reject, Vec<String>)>,
        counts: &mut ImportProgress,
    ) -> Result<(Vec<Row>, bool)> {
        let mut batch = Vec::with_capacity(size.min(10_000));
        while batch.len() < size {
            let next = match self.ahead.take() {
                Some(row) => Some(row),
                None => self.next()?,
            };
            match next {
                None => return Ok((batch, true)),
                Some(Ok(row)) => batch.push(row),
                Some(Err(r)) => rejected.push(r),
            }
            counts.rows += 1;
        }
        // A full batch is the last when no row follows it.
        self.ahead = self.next()?;
        Ok((batch, self.ahead.is_none()))
    }

    /// The next row: mapped, or rejected; `None` at the end.
    fn next(&mut self) -> Result<Option<ReadRow>> {
        let got = match self.reader.read_byte_record(&mut self.record) {
            Ok(got) => got,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line()) + self.line_offset;
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(Error::Io(std::io::Error::other(e.to_string())));
                }
                return Ok(Some(Err((bad(line, None, format!("unreadable row: {e}")), Vec::new()))));
            }
        };
        if !got {
            return Ok(None);
        }
        let line = self.record.position().map_or(0, |p| p.line()) + self.line_offset;
        let mut raw = Vec::with_capacity(self.record.len());
        let mut decoded = Vec::with_capacity(self.record.len());
        let mut problem = None;
        for (i, bytes) in self.record.iter().enumerate() {
            match self.encoding.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(s) => {
                    if s.chars().count() > MAX_FIELD && problem.is_none() {
                        problem =
                            Some(bad(line, None, format!("field {} has more than {MAX_FIELD} characters", i + 1)));
                    }
                    raw.push(s.chars().take(1000).collect::<String>());
                    decoded.push(s.into_owned());
                }
                None => {
                    let lossy = self.encoding.decode_without_bom_handling(bytes).0.into_owned();
                    raw.push(lossy.chars().take(1000).collect());
                    decoded.push(String::new());
                    if problem.is_none() {
                        problem = Some(bad(
                            line,
                            None,
                            format!(
                                "field {} is not valid {} (a wrong or mixed encoding)",
                                i + 1,
                                self.encoding.name()
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(p) = problem {
            return Ok(Some(Err((p, raw))));
        }
        if decoded.len() != self.header_len {
            let hint = if decoded.iter().any(|f| f.contains('\n')) {
                " (an unbalanced quote may have joined lines)"
            } else {
                ""
            };
            let reason = format!("ragged row: {} fields where the header has {}{hint}", decoded.len(), self.header_len);
            return Ok(Some(Err((bad(line, None, reason), raw))));
        }
        let fields: Vec<(String, String)> =
            self.targets.iter().zip(decoded).filter_map(|(t, v)| t.as_ref().map(|t| (t.clone(), v))).collect();
        Ok(Some(match map_row(line, &fields, self.default_kind) {
            Ok((party, notes)) => Ok(Row { line, party, notes, raw }),
            Err(r) => Err((r, raw)),
        }))
    }
}

fn write_rejects(out: &mut Option<&mut dyn std::io::Write>, rejected: &[(Reject, Vec<String>)]) -> Result<()> {
    if let Some(w) = out {
        let mut csv = csv::WriterBuilder::new().flexible(true).from_writer(&mut **w);
        for (r, raw) in rejected {
            let mut rec = vec![r.line.to_string(), r.field.clone().unwrap_or_default(), r.reason.clone()];
            rec.extend(raw.iter().cloned());
            csv.write_record(&rec).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
        }
        csv.flush()?;
    }
    Ok(())
}

pub(super) fn run(
    crm: &Crm,
    input: impl Read,
    options: &CsvOptions,
    mut rejects: Option<&mut dyn std::io::Write>,
    mut progress: Option<&mut OnProgress<'_>>,
) -> Result<ImportReport> {
    for t in options.mapping.columns.values() {
        check_target(t)?;
    }
    if options.mapping.columns.values().all(|t| t == "ignore") {
        return Err(Error::validation("mapping.columns", "map at least one column"));
    }
    let batch_size = options.batch_size.clamp(1, 100_000);
    // Read a sample to decide the encoding, then stream the rest.
    let mut input = BufReader::with_capacity(SAMPLE, input);
    let mut sample = Vec::with_capacity(SAMPLE);
    (&mut input).take(SAMPLE as u64).read_to_end(&mut sample)?;
    let encoding = pick_encoding(options.encoding.as_deref(), &sample)?;
    let stream = std::io::Cursor::new(sample).chain(input);
    let ascii_compatible = encoding.is_ascii_compatible();
    // UTF-16 (not ASCII-compatible) is turned into UTF-8 before parsing.
    let (stream, field_encoding): (Box<dyn Read>, &'static Encoding) = if ascii_compatible {
        (Box::new(stream), encoding)
    } else {
        (
            Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding)).build(stream)),
            encoding_rs::UTF_8,
        )
    };
    let mut stream = BufReader::with_capacity(SAMPLE, stream);
    // Skip a UTF-8 byte order mark.
    if stream.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        stream.consume(3);
    }
    let head = stream.fill_buf()?;
    let first_line = String::from_utf8_lossy(head.split(|b| *b == b'\n').next().unwrap_or_default()).into_owned();
    let delimiter = pick_delimiter(options.delimiter, &first_line)?;
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(stream);
    let headers: Vec<String> = reader
        .byte_headers()
        .map_err(|e| Error::validation("header", format!("the header line cannot be read: {e}")))?
        .iter()
        .map(|h| field_encoding.decode_without_bom_handling(h).0.trim().to_string())
        .collect();
    for col in options.mapping.columns.keys() {
        if !headers.iter().any(|h| h == col) {
            return Err(Error::validation(
                "mapping.columns",
                format!("the file has no column {col:?} (it has {headers:?})"),
            ));
        }
    }
    let targets: Vec<Option<String>> = headers.iter().map(|h| options.mapping.columns.get(h).cloned()).collect();
    let mut source = Source {
        reader,
        encoding: field_encoding,
        targets,
        header_len: headers.len(),
        default_kind: options.mapping.default_kind,
        record: csv::ByteRecord::new(),
        line_offset: u64::from(first_line.ends_with('\r')),
        ahead: None,
    };
    let region = crm.store.options.default_region.clone();
    let key = options.mapping.key.clone();
    let mut counts = ImportProgress::default();
    let mut kept: Vec<Reject> = Vec::new();
    let mut note_rejects = |rejected: &mut Vec<(Reject, Vec<String>)>,
                            counts: &mut ImportProgress,
                            rejects: &mut Option<&mut dyn std::io::Write>|
     -> Result<()> {
        counts.rejected += rejected.len() as u64;
        write_rejects(rejects, rejected)?;
        for (r, _) in rejected.drain(..) {
            if kept.len() < 1000 {
                kept.push(r);
            }
        }
        Ok(())
    };
    let mut rolled_back = options.dry_run;
    let mut stopped = false;
    let region = region.as_deref();
    let _checkpoints = crm.store.bulk_checkpoints(CHECKPOINT_PAGES);
    let mut chooser = bulk::Chooser::new(options.load);
    // An import keyed by email or phone reads the contact values.
    let keep: &[&str] = if matches!(key, UpsertKey::Email | UpsertKey::Phone) { &[bulk::CONTACT_VALUES] } else { &[] };
    let mut bulk_loaded = false;
    match options.mode {
        ImportMode::RowByRow => {
            // Batches in transactions of their own, until the import is
            // large enough beside the base to load the rest in bulk.
            let mut rest_in_bulk = None;
            loop {
                let mut rejected = Vec::new();
                let (batch, done) = source.next_batch(batch_size, &mut rejected, &mut counts)?;
                if !batch.is_empty() {
                    if crm.store.read(|c| chooser.bulk_now(c, counts.rows, counts.created))? {
                        rest_in_bulk = Some(ReadBatch { rows: batch, rejected, read: 0, last: done });
                        break;
                    }
                    crm.store.write_or_rollback(&crm.actor, !options.dry_run, |tx| {
                        write_batch(tx, batch, &key, region, &mut counts, &mut rejected)
                    })?;
                }
                rejected.sort_by_key(|r| r.0.line);
                note_rejects(&mut rejected, &mut counts, &mut rejects)?;
                if let Some(stop) = ends_here(&mut progress, &counts, done) {
                    stopped = stop;
                    break;
                }
            }
            if let Some(first) = rest_in_bulk {
                bulk_loaded = true;
                crm.store.write_or_rollback(&crm.actor, !options.dry_run, |tx| {
                    let deferred = bulk::Deferred::drop_indexes(tx, keep)?;
                    let rest = Rest { batch_size, key: &key, region };
                    stopped = load_rest(tx, first, &mut source, &rest, &mut counts, |counts, rejected| {
                        // The rows rejected are final: the good ones are
                        // committed at the end, whatever comes after.
                        rejected.sort_by_key(|r| r.0.line);
                        note_rejects(rejected, counts, &mut rejects)?;
                        Ok(progress.as_mut().is_some_and(|f| f(counts).is_break()))
                    })?;
                    if options.dry_run { Ok(()) } else { deferred.rebuild(tx) }
                })?;
            }
        }
        ImportMode::AllOrNothing => {
            let mut rejected = Vec::new();
            let any_bad = crm.store.write_decide(&crm.actor, |tx| {
                let mut deferred = None;
                loop {
                    let mut read_rejected = Vec::new();
                    let (batch, done) = source.next_batch(batch_size, &mut read_rejected, &mut counts)?;
                    if chooser.bulk_now(tx.conn(), counts.rows, counts.created)? {
                        deferred = Some(bulk::Deferred::drop_indexes(tx, keep)?);
                        bulk_loaded = true;
                        let first = ReadBatch { rows: batch, rejected: read_rejected, read: 0, last: done };
                        let rest = Rest { batch_size, key: &key, region };
                        stopped = load_rest(tx, first, &mut source, &rest, &mut counts, |counts, batch_rejected| {
                            rejected.append(batch_rejected);
                            Ok(progress.as_mut().is_some_and(|f| f(counts).is_break()))
                        })?;
                        break;
                    }
                    rejected.append(&mut read_rejected);
                    write_batch(tx, batch, &key, region, &mut counts, &mut rejected)?;
                    if let Some(stop) = ends_here(&mut progress, &counts, done) {
                        stopped = stop;
                        break;
                    }
                }
                let any_bad = !rejected.is_empty();
                let commit = !any_bad && !stopped && !options.dry_run;
                // A rollback brings the indexes back as they were.
                if let (true, Some(deferred)) = (commit, deferred) {
                    deferred.rebuild(tx)?;
                }
                Ok((any_bad, commit))
            })?;
            rejected.sort_by_key(|r| r.0.line);
            note_rejects(&mut rejected, &mut counts, &mut rejects)?;
            rolled_back |= any_bad || stopped;
        }
    }
    Ok(ImportReport {
        counts,
        rejects: kept,
        rolled_back,
        stopped,
        bulk: bulk_loaded,
        encoding: encoding.name().to_string(),
        delimiter: delimiter as char,
    })
}
