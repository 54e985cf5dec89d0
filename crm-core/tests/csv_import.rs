//! CSV import: encodings, delimiters, mappings, upserts, rejects.

mod common;

use std::collections::BTreeMap;

use common::{fingerprint, temp_base};
use crm_core::{
    Crm, CsvMapping, CsvOptions, FieldType, ImportMode, NewFieldDef, PartyFilter, PartyKind, SearchQuery, UpsertKey,
};

fn mapping(cols: &[(&str, &str)], key: UpsertKey) -> CsvMapping {
    CsvMapping {
        columns: cols.iter().map(|(c, t)| (c.to_string(), t.to_string())).collect::<BTreeMap<_, _>>(),
        default_kind: PartyKind::Person,
        key,
    }
}

fn people() -> CsvMapping {
    mapping(
        &[
            ("First", "given_name"),
            ("Last", "family_name"),
            ("E-mail", "email"),
            ("Phone", "phone"),
            ("City", "address.city"),
            ("Country", "address.country"),
            ("Tags", "tags"),
            ("Kind", "role"),
        ],
        UpsertKey::Email,
    )
}

fn opts(m: CsvMapping) -> CsvOptions {
    CsvOptions { mapping: m, ..Default::default() }
}

const CSV: &str = "First;Last;E-mail;Phone;City;Country;Tags;Kind\n\
Anna;Bērziņa;anna@acme.lv;+371 2612 3456;Rīga;LV;vip, newsletter;customer\n\
\"Jānis\";\"Kalniņš; jr.\";janis@acme.lv;;\"Rīga\";LV;;customer\n\
Bad;Email;not-an-email;;;;;\n\
Иван;Петров;ivan@mail.bg;;София;BG;;partner\n\
Short;Row\n\
Kari;Nordmann;kari@fjord.no;+47 22 33 44 55;Oslo;XX;;customer\n";

#[test]
fn imports_good_rows_and_reports_every_bad_one_with_its_line() {
    let crm = Crm::open_in_memory().unwrap();
    let mut rejects = Vec::new();
    let mut calls = 0;
    let mut progress = |_: &crm_core::ImportProgress| {
        calls += 1;
        std::ops::ControlFlow::Continue(())
    };
    let report = crm.import_csv(CSV.as_bytes(), &opts(people()), Some(&mut rejects), Some(&mut progress)).unwrap();
    assert_eq!(report.delimiter, ';');
    assert_eq!(report.encoding, "UTF-8");
    assert_eq!((report.counts.rows, report.counts.created, report.counts.rejected), (6, 3, 3));
    let lines: Vec<(u64, Option<String>)> = report.rejects.iter().map(|r| (r.line, r.field.clone())).collect();
    assert_eq!(
        lines,
        [(4, Some("contact_points[0].address".into())), (6, None), (7, Some("contact_points[2].country".into()))]
    );
    assert!(report.rejects[1].reason.contains("ragged"));
    assert!(calls >= 1);
    let rejects = String::from_utf8(rejects).unwrap();
    assert_eq!(rejects.lines().count(), 3, "{rejects}");
    assert!(rejects.lines().next().unwrap().starts_with("4,contact_points[0].address,"));
    let janis = crm.search_parties(&SearchQuery::new("janis")).unwrap().remove(0).party;
    assert_eq!(janis.family_name.as_deref(), Some("Kalniņš; jr."), "quoted delimiter kept");
    let anna = crm.search_parties(&SearchQuery::new("anna")).unwrap().remove(0).party;
    assert_eq!(anna.tags, vec!["newsletter", "vip"]);
    assert_eq!(anna.country.as_deref(), Some("LV"));
    assert_eq!(
        crm.count_parties(&PartyFilter { role: Some(crm_core::RoleKind::Customer), ..Default::default() }).unwrap(),
        2
    );

    // Importing the same file again updates instead of duplicating.
    let again = crm.import_csv(CSV.as_bytes(), &opts(people()), None, None).unwrap();
    assert_eq!((again.counts.created, again.counts.updated, again.counts.unchanged), (0, 0, 3));
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 3);
    let changed = CSV.replace("anna@acme.lv;+371 2612 3456;Rīga", "anna@acme.lv;+371 2612 3456;Jūrmala");
    let third = crm.import_csv(changed.as_bytes(), &opts(people()), None, None).unwrap();
    assert_eq!((third.counts.created, third.counts.updated), (0, 1));
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 3);
}

#[test]
fn dry_run_and_all_or_nothing_write_nothing() {
    let b = temp_base();
    let before = fingerprint(&b.path);
    let dry = CsvOptions { dry_run: true, ..opts(people()) };
    let r = b.crm.import_csv(CSV.as_bytes(), &dry, None, None).unwrap();
    assert_eq!((r.counts.created, r.counts.rejected, r.rolled_back), (3, 3, true));
    assert_eq!(fingerprint(&b.path), before);
    let all = CsvOptions { mode: ImportMode::AllOrNothing, ..opts(people()) };
    let r = b.crm.import_csv(CSV.as_bytes(), &all, None, None).unwrap();
    assert!(r.rolled_back);
    assert_eq!(r.counts.rejected, 3);
    assert_eq!(fingerprint(&b.path), before);
    // Without bad rows, all-or-nothing commits.
    let good: String =
        CSV.lines().enumerate().filter(|(i, _)| ![3, 5, 6].contains(i)).map(|(_, l)| format!("{l}\n")).collect();
    let r = b.crm.import_csv(good.as_bytes(), &all, None, None).unwrap();
    assert!(!r.rolled_back);
    assert_eq!(b.crm.count_parties(&PartyFilter::default()).unwrap(), 3);
}

#[test]
fn encodings_declared_and_detected() {
    let crm = Crm::open_in_memory().unwrap();
    let m = mapping(&[("name", "given_name"), ("surname", "family_name"), ("mail", "email")], UpsertKey::Email);
    let text = "name,surname,mail\nИван,Петров,ivan@mail.bg\nДимитър,Иванов,dimitar@mail.bg\n";
    // Windows-1251, detected.
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let r = crm.import_csv(&bytes[..], &opts(m.clone()), None, None).unwrap();
    assert_eq!((r.encoding.as_str(), r.counts.created), ("windows-1251", 2));
    assert_eq!(crm.search_parties(&SearchQuery::new("Петров")).unwrap().len(), 1);
    // UTF-16LE with a BOM.
    let text16 = "name,surname,mail\nJānis,Bērziņš,janis@acme.lv\n";
    let mut bytes: Vec<u8> = vec![0xFF, 0xFE];
    for u in text16.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let r = crm.import_csv(&bytes[..], &opts(m.clone()), None, None).unwrap();
    assert_eq!((r.encoding.as_str(), r.counts.created), ("UTF-16LE", 1));
    assert_eq!(crm.search_parties(&SearchQuery::new("bērziņš")).unwrap().len(), 1);
    // Latin-1 declared; UTF-8 with a BOM.
    let latin = "name,surname,mail\nJosé,Müller,jose@example.de\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(latin);
    let r = crm
        .import_csv(&bytes[..], &CsvOptions { encoding: Some("latin1".into()), ..opts(m.clone()) }, None, None)
        .unwrap();
    assert_eq!(r.counts.created, 1);
    assert_eq!(crm.search_parties(&SearchQuery::new("müller")).unwrap()[0].party.display_name, "José Müller");
    let bom = "\u{feff}name,surname,mail\nOla,Nordmann,ola@fjord.no\n";
    assert_eq!(crm.import_csv(bom.as_bytes(), &opts(m.clone()), None, None).unwrap().counts.created, 1);
    // Declared UTF-8 but a row in another encoding: that row is rejected, the others import.
    let mut mixed = b"name,surname,mail\nGood,Row,good@row.lv\n".to_vec();
    mixed.extend(&encoding_rs::WINDOWS_1251.encode("Плохо,Строка,bad@row.lv\n").0[..]);
    let r = crm
        .import_csv(&mixed[..], &CsvOptions { encoding: Some("utf-8".into()), ..opts(m.clone()) }, None, None)
        .unwrap();
    assert_eq!((r.counts.created, r.counts.rejected), (1, 1));
    assert!(r.rejects[0].reason.contains("encoding"), "{:?}", r.rejects);
    assert_eq!(
        crm.import_csv(&b"x"[..], &CsvOptions { encoding: Some("klingon".into()), ..opts(m) }, None, None)
            .unwrap_err()
            .field(),
        Some("encoding")
    );
}

#[test]
fn bad_files_and_bad_mappings() {
    let crm = Crm::open_in_memory().unwrap();
    let m = mapping(&[("name", "given_name"), ("mail", "email")], UpsertKey::None);
    // A mapping to a field that does not exist, or to a missing column.
    let bad = mapping(&[("name", "shoe_size")], UpsertKey::None);
    assert_eq!(crm.import_csv(&b"name\nA\n"[..], &opts(bad), None, None).unwrap_err().field(), Some("mapping.columns"));
    let missing = mapping(&[("nickname", "given_name")], UpsertKey::None);
    assert_eq!(
        crm.import_csv(&b"name\nA\n"[..], &opts(missing), None, None).unwrap_err().field(),
        Some("mapping.columns")
    );
    // Unbalanced quotes: the rest of the file is one field; reported, nothing half-imported.
    let text = "name,mail\nA,a@x.lv\n\"B,b@x.lv\nC,c@x.lv\n";
    let r = crm.import_csv(text.as_bytes(), &opts(m.clone()), None, None).unwrap();
    assert_eq!(r.counts.created, 1);
    assert_eq!(r.counts.rejected, 1);
    assert_eq!(r.rejects[0].line, 3);
    // A 10 MB field.
    let huge = format!("name,mail\n{},x@y.lv\nOk,ok@y.lv\n", "a".repeat(10 * 1024 * 1024));
    let r = crm.import_csv(huge.as_bytes(), &opts(m.clone()), None, None).unwrap();
    assert_eq!((r.counts.created, r.counts.rejected), (1, 1));
    assert!(r.rejects[0].reason.contains("characters"));
    // Tabs, detected.
    let r = crm.import_csv(&b"name\tmail\nTab\ttab@x.lv\n"[..], &opts(m), None, None).unwrap();
    assert_eq!((r.delimiter, r.counts.created), ('\t', 1));
}

#[test]
fn upsert_by_a_custom_external_id_and_saved_mappings() {
    let crm = Crm::open_in_memory().unwrap();
    crm.define_field(NewFieldDef { unique: true, ..NewFieldDef::new("party", "erp_id", FieldType::Text) }).unwrap();
    let m = mapping(
        &[("id", "custom.erp_id"), ("company", "legal_name"), ("vat", "vat_number"), ("kind", "kind")],
        UpsertKey::Custom("erp_id".into()),
    );
    crm.save_mapping("erp customers", &m).unwrap();
    let m = crm.mapping("erp customers").unwrap();
    let v1 = "id,company,vat,kind\nC-1,Acme SIA,LV40003000001,organization\nC-2,Fjord AS,NO923609016MVA,org\n";
    let r = crm.import_csv(v1.as_bytes(), &opts(m.clone()), None, None).unwrap();
    assert_eq!(r.counts.created, 2);
    let v2 = "id,company,vat,kind\nC-1,Acme Baltic SIA,LV40003000001,organization\n";
    let r = crm.import_csv(v2.as_bytes(), &opts(m), None, None).unwrap();
    assert_eq!((r.counts.created, r.counts.updated), (0, 1));
    let acme = crm.search_parties(&SearchQuery::new("acme")).unwrap().remove(0).party;
    assert_eq!(acme.display_name, "Acme Baltic SIA");
    assert_eq!(acme.kind, PartyKind::Organization);
    assert_eq!(crm.mapping("nope").unwrap_err().kind(), crm_core::ErrorKind::NotFound);
}

#[test]
fn line_numbers_hold_with_crlf_line_ends() {
    let crm = Crm::open_in_memory().unwrap();
    let m = mapping(&[("name", "given_name"), ("mail", "email")], UpsertKey::None);
    let r = crm.import_csv(&b"name,mail\r\nA,a@x.lv\r\nB,bad\r\nC,c@x.lv\r\n"[..], &opts(m), None, None).unwrap();
    assert_eq!((r.counts.created, r.rejects.len()), (2, 1));
    assert_eq!(r.rejects[0].line, 3);
}

fn ids_of(crm: &Crm, text: &str) -> Vec<uuid::Uuid> {
    crm.search_parties(&SearchQuery::new(text)).unwrap().into_iter().map(|h| h.party.id).collect()
}

#[test]
fn imported_parties_have_their_history_their_event_and_their_document() {
    let crm = Crm::open_in_memory().unwrap();
    let m = mapping(
        &[("name", "given_name"), ("surname", "family_name"), ("mail", "email"), ("tel", "phone"), ("memo", "note")],
        UpsertKey::None,
    );
    let text = "name,surname,mail,tel,memo\n\
                Anna,Bērziņa,anna@acme.lv,+371 2612 3456,met at the fair\n\
                Bad,Row,nope,,\n\
                Kari,Nordmann,kari@fjord.no,+47 22 33 44 55,\n\
                Ola,Hansen,ola@fjord.no,,\n";
    let r = crm.import_csv(text.as_bytes(), &CsvOptions { batch_size: 2, ..opts(m) }, None, None).unwrap();
    assert_eq!((r.counts.created, r.counts.rejected), (3, 1));
    // Each party's history and event: created, with the full record, as
    // create_party writes them.
    let mut batches = Vec::new();
    let events = crm.events_after(0, 100).unwrap();
    for who in ["anna", "kari", "ola"] {
        let ids = ids_of(&crm, who);
        assert_eq!(ids.len(), 1, "{who}");
        let party = crm.get_party(ids[0]).unwrap();
        let history = crm.history(ids[0]).unwrap();
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(history[0].action, crm_core::AuditAction::Created);
        assert_eq!(history[0].entity, "party");
        assert_eq!(history[0].changes["display_name"], party.display_name.as_str());
        assert_eq!(history[0].changes["contact_points"].as_array().unwrap().len(), party.contact_points.len());
        let created: Vec<_> = events.iter().filter(|e| e.entity_id == ids[0]).collect();
        assert_eq!(created.len(), 1, "{who}");
        assert_eq!(created[0].topic, "party.created");
        assert_eq!(created[0].payload["id"], ids[0].to_string());
        batches.push(ids[0]);
    }
    let topics: Vec<&str> = events.iter().filter(|e| e.entity == "party").map(|e| e.topic.as_str()).collect();
    assert_eq!(topics, ["party.created"; 3]);
    // The full-text documents: names, contacts as typed and normalized, notes.
    assert_eq!(ids_of(&crm, "bērziņa"), vec![batches[0]]);
    assert_eq!(ids_of(&crm, "+37126123456"), vec![batches[0]]);
    assert_eq!(ids_of(&crm, "fair"), vec![batches[0]]);
    assert_eq!(ids_of(&crm, "kari@fjord.no"), vec![batches[1]]);
    assert_eq!(ids_of(&crm, "hansen"), vec![batches[2]]);
    assert!(ids_of(&crm, "nope").is_empty());
    let anna = crm.get_party(batches[0]).unwrap();
    assert_eq!(anna.contact_points.len(), 2);
    assert_eq!(crm.notes(anna.id).unwrap()[0].body, "met at the fair");
}

#[test]
fn a_unique_value_twice_in_a_file_rejects_the_later_row_alone() {
    let crm = Crm::open_in_memory().unwrap();
    crm.define_field(NewFieldDef { unique: true, ..NewFieldDef::new("party", "erp_id", FieldType::Text) }).unwrap();
    let m = mapping(&[("id", "custom.erp_id"), ("name", "given_name"), ("mail", "email")], UpsertKey::None);
    let text = "id,name,mail\nE-1,Anna,anna@x.lv\nE-2,Berit,berit@x.lv\nE-1,Carl,carl@x.lv\nE-3,Dina,dina@x.lv\n";
    let all = CsvOptions { mode: ImportMode::AllOrNothing, ..opts(m.clone()) };
    let r = crm.import_csv(text.as_bytes(), &all, None, None).unwrap();
    assert!(r.rolled_back);
    assert_eq!(
        r.rejects.iter().map(|r| (r.line, r.field.as_deref())).collect::<Vec<_>>(),
        [(4, Some("custom.erp_id"))]
    );
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 0);
    assert!(crm.events_after(0, 100).unwrap().iter().all(|e| e.entity == "custom_field"));
    let r = crm.import_csv(text.as_bytes(), &opts(m), None, None).unwrap();
    assert_eq!((r.counts.created, r.counts.rejected), (3, 1));
    assert_eq!(r.rejects[0].line, 4);
    assert!(r.rejects[0].reason.contains("unique"), "{:?}", r.rejects);
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 3);
    assert!(ids_of(&crm, "carl").is_empty(), "nothing of the rejected row");
    assert_eq!(ids_of(&crm, "dina").len(), 1);
}

#[test]
fn the_same_key_twice_in_a_batch_creates_then_updates() {
    let crm = Crm::open_in_memory().unwrap();
    let m = mapping(&[("name", "given_name"), ("surname", "family_name"), ("mail", "email")], UpsertKey::Email);
    let text = "name,surname,mail\nAnna,Oldname,anna@x.lv\nAnna,Newname,ANNA@x.lv\nBen,Berg,ben@x.lv\n";
    let r = crm.import_csv(text.as_bytes(), &opts(m), None, None).unwrap();
    assert_eq!((r.counts.created, r.counts.updated, r.counts.rejected), (2, 1, 0));
    let anna = ids_of(&crm, "newname");
    assert_eq!(anna.len(), 1);
    assert!(ids_of(&crm, "oldname").is_empty(), "the document follows the update");
    assert_eq!(ids_of(&crm, "berg").len(), 1);
    let history = crm.history(anna[0]).unwrap();
    let actions: Vec<_> = history.iter().map(|h| h.action).collect();
    assert_eq!(actions, [crm_core::AuditAction::Created, crm_core::AuditAction::Updated]);
    assert_eq!(history[0].changes["family_name"], "Oldname");
    // The events in the order of the rows: created, updated, created.
    let events = crm.events_after(0, 100).unwrap();
    let topics: Vec<&str> = events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(topics, ["party.created", "party.updated", "party.created"]);
    assert_eq!(events[0].entity_id, anna[0]);
    assert_eq!(events[1].entity_id, anna[0]);
}

#[test]
fn the_progress_callback_stops_an_import() {
    use std::ops::ControlFlow;
    let m = mapping(&[("name", "given_name"), ("mail", "email")], UpsertKey::None);
    let text = "name,mail\nA,a@x.lv\nB,b@x.lv\nC,c@x.lv\nD,d@x.lv\nE,e@x.lv\n";
    for (mode, kept, rolled_back) in [(ImportMode::RowByRow, 2, false), (ImportMode::AllOrNothing, 0, true)] {
        let crm = Crm::open_in_memory().unwrap();
        let mut seen = Vec::new();
        let mut progress = |p: &crm_core::ImportProgress| {
            seen.push(p.rows);
            if p.rows == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        };
        let options = CsvOptions { batch_size: 1, mode, ..opts(m.clone()) };
        let r = crm.import_csv(text.as_bytes(), &options, None, Some(&mut progress)).unwrap();
        assert_eq!(seen, [1, 2], "{mode:?}: not called after the stop");
        assert!(r.stopped, "{mode:?}");
        assert_eq!(r.rolled_back, rolled_back, "{mode:?}");
        assert_eq!((r.counts.rows, r.counts.created), (2, 2), "{mode:?}");
        assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), kept, "{mode:?}");
        // Stopping at the last batch is no stop: the input was read to its end.
        let crm = Crm::open_in_memory().unwrap();
        let mut at_end = |p: &crm_core::ImportProgress| {
            if p.rows == 5 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
        };
        let r = crm.import_csv(text.as_bytes(), &options, None, Some(&mut at_end)).unwrap();
        assert!(!r.stopped && !r.rolled_back, "{mode:?}");
        assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 5, "{mode:?}");
    }
}
