//! vCard import and export.

use crm_core::{
    ContactValue, Crm, CustomValue, FieldType, NewContactPoint, NewFieldDef, NewParty, PartyFilter, PostalAddress,
    RoleDetails,
};

#[test]
fn export_then_import_loses_nothing_the_model_holds() {
    let a = Crm::open_in_memory().unwrap();
    a.define_field(NewFieldDef::new("person", "shoe_size", FieldType::Integer)).unwrap();
    let acme = a.create_party(NewParty::organization("Acme SIA").with_vat_number("LV40003000001")).unwrap();
    let mut anna = NewParty::person("Anna", "Bērziņa; née Ozola")
        .with_parent(acme.id)
        .with_tag("vip")
        .with_tag("news, letter")
        .with_role(RoleDetails::customer())
        .with_custom("shoe_size", 38i64)
        .with_contact(NewContactPoint {
            label: Some("work".into()),
            verified: true,
            ..NewContactPoint::new(ContactValue::email("anna@acme.lv"))
        })
        .with_email("anna.home@example.lv")
        .with_phone("+371 2612 3456")
        .with_contact(NewContactPoint::new(ContactValue::Address(PostalAddress {
            street: Some("Brīvības iela 1".into()),
            city: Some("Rīga".into()),
            postal_code: Some("LV-1010".into()),
            country: "LV".into(),
            ..Default::default()
        })))
        .with_contact(NewContactPoint::new(ContactValue::Web { url: "https://acme.lv/anna".into() }))
        .with_contact(NewContactPoint::new(ContactValue::Social {
            network: "linkedin".into(),
            handle: "annab".into(),
        }));
    anna.birth_date = chrono::NaiveDate::from_ymd_opt(1980, 2, 29);
    anna.language = Some("lv".into());
    let anna = a.create_party(anna).unwrap();
    a.add_note(
        anna.id,
        "Line one,\nline two; with a very long text that must be folded because it goes on and on and on",
    )
    .unwrap();

    let mut out = Vec::new();
    assert_eq!(a.export_vcard(&PartyFilter::default(), &mut out).unwrap(), 2);
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("VERSION:4.0") && text.contains("N:Bērziņa\\; née Ozola;Anna;;;"));
    assert!(text.lines().all(|l| l.len() <= 75), "folded");

    let b = Crm::open_in_memory().unwrap();
    b.define_field(NewFieldDef::new("person", "shoe_size", FieldType::Integer)).unwrap();
    let report = b.import_vcard(&out[..]).unwrap();
    assert_eq!((report.cards, report.created, report.rejects.len()), (2, 2, 0), "{report:?}");
    let copy = b.get_party(anna.id).unwrap();
    assert_eq!(copy.display_name, anna.display_name);
    assert_eq!(copy.family_name, anna.family_name);
    assert_eq!(copy.birth_date, anna.birth_date);
    assert_eq!(copy.language, anna.language);
    assert_eq!(copy.tags, anna.tags);
    assert_eq!(copy.custom["shoe_size"], CustomValue::Integer(38));
    assert_eq!(copy.roles.len(), 1);
    let key = |p: &crm_core::Party| {
        let mut v: Vec<_> =
            p.contact_points.iter().map(|c| (c.value.clone(), c.label.clone(), c.primary, c.verified)).collect();
        v.sort_by_key(|x| format!("{x:?}"));
        v
    };
    assert_eq!(key(&copy), key(&anna));
    assert_eq!(b.get_party(copy.parent_id.unwrap()).unwrap().display_name, "Acme SIA");
    assert_eq!(b.notes(anna.id).unwrap()[0].body, a.notes(anna.id).unwrap()[0].body);
    // Importing again updates in place.
    let again = b.import_vcard(&out[..]).unwrap();
    assert_eq!((again.created, again.updated), (0, 2));
    assert_eq!(b.count_parties(&PartyFilter::default()).unwrap(), 2);
}

#[test]
fn reads_vcard_3_and_reports_broken_cards() {
    let crm = Crm::open_in_memory().unwrap();
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Østby;Ingrid;;;\r\nFN:Ingrid Østby\r\nORG:Fjord AS\r\n\
item1.EMAIL;TYPE=INTERNET,WORK,pref:ingrid@fjord.no\r\nTEL;TYPE=CELL:+47 22 33 44 55\r\n\
NOTE:Met at the fair\\, call in\r\n  spring\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Old Format\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Broken Folding\r\nthis line should have been folded\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad Email\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:No End\r\n";
    let r = crm.import_vcard(text.as_bytes()).unwrap();
    assert_eq!((r.cards, r.created), (5, 1));
    let lines: Vec<u64> = r.rejects.iter().map(|x| x.line).collect();
    assert_eq!(lines, [11, 15, 20, 25]);
    assert!(r.rejects[0].reason.contains("2.1"));
    assert!(r.rejects[1].reason.contains("folding"));
    assert_eq!(r.rejects[2].field.as_deref(), Some("contact_points[0].address"));
    assert!(r.rejects[3].reason.contains("END"));
    let ingrid = crm.search_parties(&crm_core::SearchQuery::new("ingrid")).unwrap().remove(0).party;
    assert_eq!(ingrid.primary(crm_core::ContactKind::Email).unwrap().label.as_deref(), Some("internet,work"));
    assert_eq!(crm.notes(ingrid.id).unwrap()[0].body, "Met at the fair, call in spring");
    assert_eq!(crm.get_party(ingrid.parent_id.unwrap()).unwrap().display_name, "Fjord AS");
}

#[test]
fn a_person_before_its_organization_links_to_that_organization() {
    let a = Crm::open_in_memory().unwrap();
    let acme = a.create_party(NewParty::organization("Zeta Works")).unwrap();
    a.create_party(NewParty::person("Anna", "Able").with_parent(acme.id)).unwrap();
    let mut out = Vec::new();
    a.export_vcard(&PartyFilter::default(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    // Put the person's card first.
    let cards: Vec<&str> = text.split_inclusive("END:VCARD\r\n").collect();
    let (person, org): (Vec<&str>, Vec<&str>) = cards.iter().partition(|c| c.contains("KIND:individual"));
    let reordered = format!("{}{}", person.concat(), org.concat());
    let b = Crm::open_in_memory().unwrap();
    let r = b.import_vcard(reordered.as_bytes()).unwrap();
    assert_eq!((r.created, r.rejects.len()), (2, 0));
    assert_eq!(b.count_parties(&PartyFilter::default()).unwrap(), 2, "no second organization");
    let anna = b.search_parties(&crm_core::SearchQuery::new("able")).unwrap().remove(0).party;
    assert_eq!(anna.parent_id, Some(acme.id));
}
