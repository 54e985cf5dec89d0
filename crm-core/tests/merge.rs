//! Merging duplicates without losing anything, and undoing it.

mod common;

use std::collections::BTreeMap;

use common::{fingerprint, temp_base};
use crm_core::{
    ContactKind, Crm, ErrorKind, FieldType, MergeRequest, NewFieldDef, NewInteraction, NewOpportunity, NewParty,
    NewPipeline, NewRelationship, NewStage, NewTask, ParticipantRole, PartyFilter, PartyPatch, RoleDetails,
    SearchQuery, TimelineQuery,
};

#[test]
fn merge_moves_everything_and_loses_nothing() {
    let b = temp_base();
    let crm = &b.crm;
    crm.define_field(NewFieldDef::new("person", "loyalty_card", FieldType::Text)).unwrap();
    crm.define_field(NewFieldDef { unique: true, ..NewFieldDef::new("person", "ssn", FieldType::Text) }).unwrap();
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let anna = crm
        .create_party(
            NewParty::person("Anna", "Liepa")
                .with_email("anna@acme.lv")
                .with_tag("vip")
                .with_custom("loyalty_card", "LC-1"),
        )
        .unwrap();
    let mut dup = NewParty::person("Anna", "Liepa-Ozola")
        .with_email("ANNA@acme.lv")
        .with_phone("+371 2612 3456")
        .with_tag("newsletter")
        .with_role(RoleDetails::customer())
        .with_custom("loyalty_card", "LC-2")
        .with_custom("ssn", "010180-12345");
    dup.birth_date = chrono::NaiveDate::from_ymd_opt(1980, 1, 1);
    let dup = crm.create_party(dup).unwrap();
    let friend = crm.create_party(NewParty::person("Ivan", "Petrov")).unwrap();
    crm.create_relationship(NewRelationship::new("employee_of", anna.id, acme.id)).unwrap();
    crm.create_relationship(NewRelationship::new("employee_of", dup.id, acme.id)).unwrap();
    crm.create_relationship(NewRelationship::new("knows", dup.id, friend.id)).unwrap();
    crm.create_relationship(NewRelationship::new("knows", anna.id, dup.id)).unwrap();
    crm.add_note(dup.id, "Prefers email").unwrap();
    let it = NewInteraction::new(crm_core::Channel::Email, "Hello", dup.id, ParticipantRole::From);
    crm.record_interaction(it).unwrap();
    crm.create_task(NewTask { subject: "Call".into(), party_id: Some(dup.id), ..Default::default() }).unwrap();
    let p = crm
        .create_pipeline(NewPipeline {
            name: "P".into(),
            stages: vec![NewStage::open("A", 10), NewStage::won("W"), NewStage::lost("L")],
        })
        .unwrap();
    let opp =
        crm.create_opportunity(NewOpportunity::new("Deal", dup.id, p.id, crm_core::Money::new(100, "EUR"))).unwrap();
    let before = fingerprint(&b.path);

    let out = crm
        .merge_parties(&MergeRequest {
            survivor_id: anna.id,
            merged_ids: vec![dup.id],
            choose: BTreeMap::from([("custom.loyalty_card".to_string(), dup.id)]),
        })
        .unwrap();
    let s = out.survivor;
    assert_eq!(s.family_name.as_deref(), Some("Liepa"), "the survivor's value stays");
    assert_eq!(s.birth_date, chrono::NaiveDate::from_ymd_opt(1980, 1, 1), "an empty field is filled");
    assert_eq!(s.custom["loyalty_card"], crm_core::CustomValue::Text("LC-2".into()), "the explicit choice wins");
    assert_eq!(s.custom["ssn"], crm_core::CustomValue::Text("010180-12345".into()), "a unique value moves along");
    assert_eq!(s.tags, vec!["newsletter", "vip"]);
    assert!(s.has_role(crm_core::RoleKind::Customer));
    // The same email on both became one; the phone moved over.
    assert_eq!(out.contact_points_folded, 1);
    let emails: Vec<_> = s.contact_points.iter().filter(|c| c.value.kind() == ContactKind::Email).collect();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].raw.as_deref(), Some("ANNA@acme.lv"), "the other's raw form is kept");
    assert!(s.primary(ContactKind::Phone).is_some());
    // Relationships: the two "employee of Acme" became one; "knows" between the two was dropped.
    assert_eq!(out.relationships_folded, 2);
    let n = crm.neighbours(anna.id, &Default::default()).unwrap();
    let mut labels: Vec<_> = n.iter().map(|x| format!("{} {}", x.label, x.display_name)).collect();
    labels.sort();
    assert_eq!(labels, ["employee of Acme", "knows Ivan Petrov"]);
    // Notes, interactions, tasks, opportunities moved.
    assert_eq!(crm.notes(anna.id).unwrap().len(), 1);
    assert_eq!(crm.timeline(anna.id, &TimelineQuery::default()).unwrap().items.len(), 1);
    assert_eq!(crm.open_tasks(anna.id).unwrap().len(), 1);
    assert_eq!(crm.get_opportunity(opp.id).unwrap().account_id, anna.id);
    // The merged id resolves to the survivor; lists and searches show one party.
    assert_eq!(crm.get_party(dup.id).unwrap().id, anna.id);
    assert_eq!(
        crm.count_parties(&PartyFilter { kind: Some(crm_core::PartyKind::Person), ..Default::default() }).unwrap(),
        2
    );
    let all = PartyFilter { archived: crm_core::ArchivedFilter::Include, ..Default::default() };
    assert_eq!(crm.count_parties(&all).unwrap(), 3);
    assert_eq!(crm.search_parties(&SearchQuery::new("liepa")).unwrap().len(), 1);
    // The tombstone takes no more changes.
    let r = crm.update_party(dup.id, dup.version + 1, &PartyPatch::default());
    assert_eq!(r.unwrap_err().field(), Some("id"));
    // Audited on both.
    assert_eq!(crm.history(anna.id).unwrap().last().unwrap().action, crm_core::AuditAction::Merged);
    assert_eq!(crm.history(dup.id).unwrap().last().unwrap().action, crm_core::AuditAction::Merged);

    // Undo brings everything back as it was.
    crm.undo_merge(out.merge_id).unwrap();
    let after_undo = fingerprint(&b.path);
    // Versions and audit/outbox rows differ by design (the undo is itself a
    // write); compare everything else.
    let strip = |f: &str| {
        f.split(' ')
            .filter(|p| !p.starts_with("audit=") && !p.starts_with("outbox="))
            .map(|p| p.split('/').next().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&after_undo), strip(&before));
    let dup_back = crm.get_party(dup.id).unwrap();
    assert_eq!(dup_back.id, dup.id);
    assert_eq!(dup_back.contact_points.len(), 2);
    assert_eq!(dup_back.custom["ssn"], crm_core::CustomValue::Text("010180-12345".into()));
    assert_eq!(crm.get_party(anna.id).unwrap().tags, vec!["vip"]);
    assert_eq!(crm.get_opportunity(opp.id).unwrap().account_id, dup.id);
    assert_eq!(crm.search_parties(&SearchQuery::new("ozola")).unwrap()[0].party.id, dup.id);
    assert!(crm.merges_of(anna.id).unwrap()[0].undone_at.is_some());
    assert_eq!(crm.undo_merge(out.merge_id).unwrap_err().field(), Some("merge_id"));
}

#[test]
fn undo_is_refused_once_the_merged_records_changed() {
    let crm = Crm::open_in_memory().unwrap();
    let a = crm.create_party(NewParty::person("A", "One").with_email("a@x.lv")).unwrap();
    let b = crm.create_party(NewParty::person("A", "Uno").with_phone("+371 2612 3456")).unwrap();
    let out =
        crm.merge_parties(&MergeRequest { survivor_id: a.id, merged_ids: vec![b.id], ..Default::default() }).unwrap();
    let phone = out.survivor.primary(ContactKind::Phone).unwrap().clone();
    crm.update_contact_point(
        phone.id,
        phone.version,
        &crm_core::ContactPointPatch { verified: Some(true), ..Default::default() },
    )
    .unwrap();
    let err = crm.undo_merge(out.merge_id).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(crm.get_party(b.id).unwrap().id, a.id, "still merged");
}

#[test]
fn bad_merges() {
    let crm = Crm::open_in_memory().unwrap();
    let a = crm.create_party(NewParty::person("A", "One")).unwrap();
    let o = crm.create_party(NewParty::organization("Org")).unwrap();
    let req = |s, m: Vec<crm_core::Uuid>| MergeRequest { survivor_id: s, merged_ids: m, ..Default::default() };
    assert_eq!(crm.merge_parties(&req(a.id, vec![])).unwrap_err().field(), Some("merged_ids"));
    assert_eq!(crm.merge_parties(&req(a.id, vec![a.id])).unwrap_err().field(), Some("merged_ids[0]"));
    assert_eq!(crm.merge_parties(&req(a.id, vec![o.id])).unwrap_err().field(), Some("merged_ids[0]"));
    assert_eq!(crm.merge_parties(&req(a.id, vec![crm_core::Uuid::now_v7()])).unwrap_err().kind(), ErrorKind::NotFound);
    let b = crm.create_party(NewParty::person("B", "Two")).unwrap();
    let r = crm.merge_parties(&MergeRequest {
        survivor_id: a.id,
        merged_ids: vec![b.id],
        choose: BTreeMap::from([("shoe_size".to_string(), b.id)]),
    });
    assert_eq!(r.unwrap_err().field(), Some("choose.shoe_size"));
    assert_eq!(crm.undo_merge(crm_core::Uuid::now_v7()).unwrap_err().kind(), ErrorKind::NotFound);
    // Merging twice the same party: the second time it is a tombstone.
    crm.merge_parties(&req(a.id, vec![b.id])).unwrap();
    assert_eq!(crm.merge_parties(&req(a.id, vec![b.id])).unwrap_err().field(), Some("merged_ids[0].id"));
}
