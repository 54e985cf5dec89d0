//! CSV import loaded in bulk: the same base as loading in batches, every
//! index back at the end, and the rejects, stops, rollbacks and upserts of
//! the import as they are in batches.

mod common;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use common::{TempBase, fingerprint, temp_base};
use crm_core::{
    CsvMapping, CsvOptions, ImportLoad, ImportMode, ImportProgress, ImportReport, PartyFilter, PartyKind, PartyQuery,
    SearchQuery, UpsertKey,
};

fn mapping(key: UpsertKey) -> CsvMapping {
    let cols = [("given", "given_name"), ("family", "family_name"), ("mail", "email"), ("tel", "phone")];
    let mut columns: BTreeMap<String, String> = cols.iter().map(|(c, t)| (c.to_string(), t.to_string())).collect();
    columns.insert("tags".into(), "tags".into());
    columns.insert("memo".into(), "note".into());
    CsvMapping { columns, default_kind: PartyKind::Person, key }
}

const GIVEN: &[&str] = &["Anna", "Jānis", "Иван", "Kari", "Zoë", "Ola", "Līga", "Пётр"];
const FAMILY: &[&str] = &["Bērziņa", "Kalniņš", "Петров", "Nordmann", "Ørsted", "Hansen", "Ozola", "Сидоров"];

/// `n` persons; every 97th row has a bad email, every 89th a bad phone.
fn csv(n: usize) -> String {
    let mut out = String::from("given,family,mail,tel,tags,memo\n");
    for i in 0..n {
        let (g, f) = (GIVEN[i % GIVEN.len()], FAMILY[(i / GIVEN.len()) % FAMILY.len()]);
        let mail = if i % 97 == 50 { format!("broken{i}") } else { format!("p{i}@example.lv") };
        let tel = if i % 89 == 40 { "12".to_string() } else { format!("+371 2{:07}", i) };
        let tags = if i % 3 == 0 { "vip;newsletter" } else { "" };
        let memo = if i % 5 == 0 { format!("met at fair {i}") } else { String::new() };
        out.push_str(&format!("{g},{f} {i},{mail},{tel},{tags},{memo}\n"));
    }
    out
}

fn options(load: ImportLoad, mode: ImportMode, key: UpsertKey) -> CsvOptions {
    CsvOptions { mapping: mapping(key), batch_size: 500, load, mode, ..CsvOptions::default() }
}

/// Every index and its definition.
fn indexes(path: &Path) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut st =
        conn.prepare("SELECT name, coalesce(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name").unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

/// What a reader sees of the parties, in name order, without ids and times.
fn contents(b: &TempBase) -> Vec<String> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = b.crm.list_parties(&PartyQuery { limit: 200, after, ..PartyQuery::default() }).unwrap();
        out.extend(page.items.iter().map(|p| {
            let contacts: Vec<String> = p.contact_points.iter().map(|c| format!("{:?}", c.value)).collect();
            format!("{}|{}|{:?}", p.display_name, contacts.join(","), p.tags)
        }));
        match page.next {
            Some(next) => after = Some(next),
            None => return out,
        }
    }
}

fn import(b: &TempBase, text: &str, o: &CsvOptions) -> ImportReport {
    b.crm.import_csv(text.as_bytes(), o, None, None).unwrap()
}

#[test]
fn bulk_and_batches_load_the_same_base_with_every_index() {
    let text = csv(2600);
    let fresh = temp_base();
    let want_indexes = indexes(&fresh.path);
    let mut seen = Vec::new();
    for load in [ImportLoad::Batches, ImportLoad::Bulk, ImportLoad::Auto] {
        let b = temp_base();
        let r = import(&b, &text, &options(load, ImportMode::RowByRow, UpsertKey::None));
        assert_eq!(r.bulk, load != ImportLoad::Batches, "{load:?}");
        assert_eq!((r.counts.rows, r.counts.created + r.counts.rejected), (2600, 2600), "{load:?}");
        let lines: Vec<u64> = r.rejects.iter().map(|r| r.line).collect();
        assert_eq!(indexes(&b.path), want_indexes, "{load:?}: the indexes are back as the schema has them");
        // The name order comes from the rebuilt indexes, the search from
        // the documents.
        let hits = b.crm.search_parties(&SearchQuery::new("Nordmann")).unwrap().len();
        let vip = b.crm.count_parties(&PartyFilter { tag: Some("vip".into()), ..PartyFilter::default() }).unwrap();
        let by_mail = b.crm.search_parties(&SearchQuery::new("p1234@example.lv")).unwrap();
        assert_eq!(by_mail.len(), 1, "{load:?}");
        seen.push((load, r.counts, lines, contents(&b), hits, vip));
    }
    assert!(seen[0].2.len() > 50, "bad rows were rejected: {:?}", seen[0].2.len());
    for s in &seen[1..] {
        assert_eq!((&s.1, &s.2, &s.4, &s.5), (&seen[0].1, &seen[0].2, &seen[0].4, &seen[0].5), "{:?}", s.0);
        assert!(s.3 == seen[0].3, "{:?}: the same parties in the same order", s.0);
    }
    assert!(seen[0].4 > 0 && seen[0].5 > 0);
}

#[test]
fn auto_loads_in_batches_while_the_import_is_small_beside_the_base() {
    // 999 rows never load in bulk on their own.
    let b = temp_base();
    let r = import(&b, &csv(999), &options(ImportLoad::Auto, ImportMode::RowByRow, UpsertKey::None));
    assert!(!r.bulk);
    assert_eq!(r.counts.rows, 999);
}

#[test]
fn a_bulk_upsert_by_email_updates_instead_of_duplicating() {
    let b = temp_base();
    let text = csv(1500);
    let o = options(ImportLoad::Bulk, ImportMode::RowByRow, UpsertKey::Email);
    let first = import(&b, &text, &o);
    let count = b.crm.count_parties(&PartyFilter::default()).unwrap();
    assert_eq!(count, first.counts.created);
    let again = import(&b, &text.replace("Anna,", "Annija,"), &o);
    assert!(again.bulk);
    assert_eq!(again.counts.created, 0, "{:?}", again.rejects.first());
    assert!(again.counts.updated > 100, "{:?}", again.counts);
    assert_eq!(again.counts.updated + again.counts.unchanged, first.counts.created);
    assert_eq!(b.crm.count_parties(&PartyFilter::default()).unwrap(), count);
    assert_eq!(b.crm.search_parties(&SearchQuery::new("Annija")).unwrap().len().min(20), 20);
    assert_eq!(indexes(&b.path), indexes(&temp_base().path));
}

#[test]
fn a_stopped_bulk_load_keeps_the_rows_done_with_their_indexes() {
    let b = temp_base();
    let mut seen = Vec::new();
    let mut progress = |p: &ImportProgress| {
        seen.push((p.rows, p.created + p.rejected));
        if p.rows >= 1500 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    };
    let o = options(ImportLoad::Bulk, ImportMode::RowByRow, UpsertKey::None);
    let r = b.crm.import_csv(csv(3000).as_bytes(), &o, None, Some(&mut progress)).unwrap();
    assert!(r.stopped && r.bulk && !r.rolled_back);
    // The batch read ahead while one is written is not counted.
    assert_eq!(seen, [(500, 500), (1000, 1000), (1500, 1500)]);
    assert_eq!(r.counts.rows, 1500);
    assert_eq!(b.crm.count_parties(&PartyFilter::default()).unwrap(), r.counts.created);
    assert_eq!(indexes(&b.path), indexes(&temp_base().path));
}

#[test]
fn a_bulk_load_that_writes_nothing_leaves_the_base_as_it_was() {
    let b = temp_base();
    import(&b, &csv(10), &options(ImportLoad::Batches, ImportMode::RowByRow, UpsertKey::None));
    let before = fingerprint(&b.path);
    let want = indexes(&b.path);
    let text = csv(2000);
    // All or nothing with bad rows; a dry run; all or nothing stopped.
    let all = options(ImportLoad::Bulk, ImportMode::AllOrNothing, UpsertKey::None);
    let r = import(&b, &text, &all);
    assert!(r.rolled_back && r.bulk && r.counts.rejected > 0);
    let dry = CsvOptions { dry_run: true, ..options(ImportLoad::Bulk, ImportMode::RowByRow, UpsertKey::None) };
    let r = import(&b, &text, &dry);
    assert!(r.rolled_back && r.bulk && r.counts.created > 1900);
    let mut stop = |_: &ImportProgress| ControlFlow::Break(());
    let r = b.crm.import_csv(csv(1500).replace("broken", "fixed@").as_bytes(), &all, None, Some(&mut stop)).unwrap();
    assert!(r.rolled_back && r.stopped);
    assert_eq!(fingerprint(&b.path), before);
    assert_eq!(indexes(&b.path), want);
}

#[test]
fn all_or_nothing_loads_a_good_file_in_bulk() {
    let b = temp_base();
    let text: String =
        csv(2400).lines().filter(|l| !l.contains(",broken") && !l.contains(",12,")).collect::<Vec<_>>().join("\n");
    let r = import(&b, &text, &options(ImportLoad::Auto, ImportMode::AllOrNothing, UpsertKey::None));
    assert!(r.bulk && !r.rolled_back, "{:?}", r.rejects.first());
    assert_eq!(r.counts.rejected, 0);
    assert_eq!(b.crm.count_parties(&PartyFilter::default()).unwrap(), r.counts.created);
    assert_eq!(indexes(&b.path), indexes(&temp_base().path));
}

#[test]
fn a_progress_callback_inside_the_write_fails_to_write_instead_of_hanging() {
    use crm_core::{Crm, Error, NewParty};
    let b = temp_base();
    let (mut wrote, mut read) = (Vec::new(), Vec::new());
    let mut progress = |_: &ImportProgress| {
        wrote.push(b.crm.create_party(NewParty::person("Inside", "Callback")).map(|_| ()));
        read.push(b.crm.count_parties(&PartyFilter::default()));
        ControlFlow::Continue(())
    };
    let o = options(ImportLoad::Bulk, ImportMode::RowByRow, UpsertKey::None);
    let r = b.crm.import_csv(csv(1200).as_bytes(), &o, None, Some(&mut progress)).unwrap();
    assert_eq!(wrote.len(), 3);
    assert!(wrote.iter().all(|w| matches!(w, Err(Error::Busy(_)))), "{wrote:?}");
    // A file base reads its last commit from a reader connection.
    assert!(read.iter().all(|n| *n.as_ref().unwrap() == 0), "{read:?}");
    // After the import the handle writes again.
    b.crm.create_party(NewParty::person("After", "Import")).unwrap();
    assert_eq!(b.crm.count_parties(&PartyFilter::default()).unwrap(), r.counts.created + 1);
    // An in-memory base has one connection: a read inside the write fails too.
    let mem = Crm::open_in_memory().unwrap();
    let mut inside = Vec::new();
    let mut progress = |_: &ImportProgress| {
        inside.push(mem.count_parties(&PartyFilter::default()).is_err());
        ControlFlow::Continue(())
    };
    let all = options(ImportLoad::Batches, ImportMode::AllOrNothing, UpsertKey::None);
    mem.import_csv(csv(10).as_bytes(), &all, None, Some(&mut progress)).unwrap();
    assert_eq!(inside, [true]);
    assert_eq!(mem.count_parties(&PartyFilter::default()).unwrap(), 10);
}

#[test]
fn a_whole_base_read_from_json_gets_every_index_back() {
    let a = temp_base();
    import(&a, &csv(1200), &options(ImportLoad::Batches, ImportMode::RowByRow, UpsertKey::None));
    let mut export = Vec::new();
    a.crm.export_json(&mut export).unwrap();
    let b = temp_base();
    let want = indexes(&b.path);
    // A bad last line: nothing written, the indexes as they were.
    let mut bad = export.clone();
    bad.extend_from_slice(b"{\"row\": 1}\n");
    assert!(b.crm.import_json(&bad[..]).is_err());
    assert_eq!(b.crm.count_parties(&PartyFilter::default()).unwrap(), 0);
    assert_eq!(indexes(&b.path), want);
    b.crm.import_json(&export[..]).unwrap();
    assert_eq!(indexes(&b.path), want);
    assert!(contents(&b) == contents(&a), "the same parties in the same order");
}
