//! JSON export and import: the whole base round-trips exactly.

use crm_core::{
    Channel, Crm, MergeRequest, Money, NewInteraction, NewOpportunity, NewOrder, NewOrderLine, NewParty, NewPipeline,
    NewProduct, NewRelationship, NewStage, OrderStatus, ParticipantRole, PartyFilter, RoleDetails, SearchQuery,
};

fn sample() -> Crm {
    let crm = Crm::open_in_memory().unwrap();
    let acme = crm.create_party(NewParty::organization("Acme SIA").with_vat_number("LV40003000001")).unwrap();
    let anna = crm
        .create_party(
            NewParty::person("Anna", "Bērziņa")
                .with_email("anna@acme.lv")
                .with_tag("vip")
                .with_role(RoleDetails::customer()),
        )
        .unwrap();
    let dup = crm.create_party(NewParty::person("Anna", "Berzina").with_email("anna@acme.lv")).unwrap();
    crm.create_relationship(NewRelationship::new("employee_of", anna.id, acme.id)).unwrap();
    crm.add_note(anna.id, "Prefers email").unwrap();
    crm.merge_parties(&MergeRequest { survivor_id: anna.id, merged_ids: vec![dup.id], ..Default::default() }).unwrap();
    let p = crm
        .create_pipeline(NewPipeline {
            name: "P".into(),
            stages: vec![NewStage::open("A", 10), NewStage::won("W"), NewStage::lost("L")],
        })
        .unwrap();
    let o = crm.create_opportunity(NewOpportunity::new("Deal", acme.id, p.id, Money::new(100_000, "EUR"))).unwrap();
    crm.move_opportunity(o.id, o.version, p.stages[1].id, Some("good fit")).unwrap();
    let shoe = crm.create_product(NewProduct::new("SHOE", "Shoe")).unwrap();
    let call = NewInteraction::new(Channel::PhoneCall, "Shoe sizes", anna.id, ParticipantRole::From);
    crm.record_interaction(call).unwrap();
    crm.create_order(NewOrder {
        status: OrderStatus::Placed,
        lines: vec![NewOrderLine { unit_price: Some(9_900), tax_rate_bp: 2100, ..NewOrderLine::product(shoe.id, 2) }],
        ..NewOrder::new(anna.id, "EUR")
    })
    .unwrap();
    crm
}

#[test]
fn export_then_import_gives_the_same_base() {
    let a = sample();
    let mut first = Vec::new();
    a.export_json(&mut first).unwrap();
    let b = Crm::open_in_memory().unwrap();
    let report = b.import_json(&first[..]).unwrap();
    assert!(report.written > 20);
    let mut second = Vec::new();
    b.export_json(&mut second).unwrap();
    assert_eq!(String::from_utf8(first.clone()).unwrap(), String::from_utf8(second).unwrap());
    // The search index was rebuilt; history is there.
    let anna = b.search_parties(&SearchQuery::new("bērziņa")).unwrap().remove(0).party;
    assert_eq!(b.history(anna.id).unwrap().len(), a.history(anna.id).unwrap().len());
    assert_eq!(b.get_party(anna.id).unwrap(), a.get_party(anna.id).unwrap());
    // So was the interaction index, with the parties of each interaction.
    let calls = b.search_interactions("shoe", Some(anna.id), 10).unwrap();
    assert_eq!(calls, a.search_interactions("shoe", Some(anna.id), 10).unwrap());
    assert_eq!(calls.len(), 1);
    // Into a base that is not empty: refused, nothing written.
    let err = b.import_json(&first[..]).unwrap_err();
    assert_eq!(err.field(), Some("base"));
}

#[test]
fn a_selection_of_parties_moves_to_another_base() {
    let a = sample();
    let mut out = Vec::new();
    let n = a.export_parties_json(&PartyFilter::default(), &mut out).unwrap();
    assert_eq!(n, 2);
    let b = Crm::open_in_memory().unwrap();
    let r = b.import_json(&out[..]).unwrap();
    assert_eq!((r.written, r.skipped), (2, 0));
    let anna = a.search_parties(&SearchQuery::new("anna")).unwrap().remove(0).party;
    let copy = b.get_party(anna.id).unwrap();
    assert_eq!(copy.display_name, anna.display_name);
    assert_eq!(copy.tags, anna.tags);
    assert_eq!(b.neighbours(anna.id, &Default::default()).unwrap().len(), 1);
    // Again: the parties are there already.
    let r = b.import_json(&out[..]).unwrap();
    assert_eq!((r.written, r.skipped), (0, 2));
}

#[test]
fn bad_exports_change_nothing() {
    let b = Crm::open_in_memory().unwrap();
    assert_eq!(b.import_json(&b""[..]).unwrap_err().field(), Some("line 1"));
    assert_eq!(b.import_json(&b"[1,2]\n"[..]).unwrap_err().field(), Some("line 1"));
    let newer =
        format!("{{\"format\":\"crm\",\"content\":\"base\",\"schema_version\":{}}}\n", crm_core::SCHEMA_VERSION + 1);
    assert_eq!(b.import_json(newer.as_bytes()).unwrap_err().kind(), crm_core::ErrorKind::Schema);
    let header =
        format!("{{\"format\":\"crm\",\"content\":\"base\",\"schema_version\":{}}}\n", crm_core::SCHEMA_VERSION);
    let wrong =
        format!("{header}{{\"table\":\"party\",\"columns\":[\"id\"]}}\n{{\"row\":[{{\"int\":1}},{{\"int\":2}}]}}\n");
    assert_eq!(b.import_json(wrong.as_bytes()).unwrap_err().field(), Some("line 3"));
    let unknown = format!("{header}{{\"table\":\"secrets\",\"columns\":[\"x\"]}}\n");
    assert_eq!(b.import_json(unknown.as_bytes()).unwrap_err().field(), Some("line 2"));
    assert_eq!(b.count_parties(&PartyFilter::default()).unwrap(), 0);
    assert_eq!(b.relationship_types().unwrap().len(), 17, "the standard types are still there");
}

#[test]
fn a_selection_brings_its_custom_field_definitions() {
    let a = Crm::open_in_memory().unwrap();
    a.define_field(crm_core::NewFieldDef::new("person", "shoe_size", crm_core::FieldType::Integer)).unwrap();
    a.create_party(NewParty::person("Anna", "Able").with_custom("shoe_size", 38i64)).unwrap();
    let mut out = Vec::new();
    a.export_parties_json(&PartyFilter::default(), &mut out).unwrap();
    let b = Crm::open_in_memory().unwrap();
    assert_eq!(b.import_json(&out[..]).unwrap().written, 1);
    assert_eq!(b.fields(None).unwrap()[0].name, "shoe_size");
    let anna = b.search_parties(&SearchQuery::new("able")).unwrap().remove(0).party;
    assert_eq!(anna.custom["shoe_size"], crm_core::CustomValue::Integer(38));
}
