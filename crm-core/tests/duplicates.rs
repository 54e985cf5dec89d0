//! Duplicate detection over the base.

use crm_core::{ContactValue, Crm, MatchConfig, NewContactPoint, NewParty, PartyKind, PostalAddress};

fn base() -> Crm {
    let crm = Crm::open_in_memory().unwrap();
    crm.create_parties(vec![
        NewParty::person("Дмитрий", "Иванов").with_email("d.ivanov@example.ru"),
        NewParty::person("Ivanov", "Dmitriy").with_email("D.Ivanov@Example.ru"),
        NewParty::person("Anna", "Bērziņa").with_phone("+371 2612 3456"),
        NewParty::person("Anna", "Berzina").with_phone("+37126123456"),
        // A household: one phone, two people.
        NewParty::person("Jānis", "Kalniņš").with_phone("+371 2000 0001"),
        NewParty::person("Līga", "Kalniņa").with_phone("+371 2000 0001"),
        NewParty::organization("Nordic Trade AS").with_vat_number("NO 923 609 016 MVA"),
        NewParty::organization("Nordic Trade AS.").with_vat_number("no923609016mva"),
        NewParty::organization("Nordic Trade Group AS").with_vat_number("NO 999 888 777 MVA"),
    ])
    .unwrap();
    crm
}

#[test]
fn a_scan_finds_the_pairs_with_reasons() {
    let crm = base();
    let pairs = crm.find_duplicates(None, &MatchConfig::default()).unwrap();
    let names = |id| crm.get_party(id).unwrap().display_name;
    let mut found: Vec<(String, String)> = pairs
        .iter()
        .map(|p| {
            let (a, b) = (names(p.a), names(p.b));
            if a < b { (a, b) } else { (b, a) }
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("Anna Berzina".to_string(), "Anna Bērziņa".to_string()),
            ("Ivanov Dmitriy".to_string(), "Дмитрий Иванов".to_string()),
            ("Nordic Trade AS".to_string(), "Nordic Trade AS.".to_string()),
        ]
    );
    assert!(pairs.iter().all(|p| !p.result.reasons.is_empty() && p.result.score >= 0.8));
    let persons = crm.find_duplicates(Some(PartyKind::Person), &MatchConfig::default()).unwrap();
    assert_eq!(persons.len(), 2);
}

#[test]
fn on_create_the_likely_duplicates_are_named() {
    let crm = base();
    let new = NewParty::person("Dmitri", "Ivanov").with_email("d.ivanov@example.ru").with_contact(
        NewContactPoint::new(ContactValue::Address(PostalAddress {
            city: Some("Riga".into()),
            country: "LV".into(),
            ..Default::default()
        })),
    );
    let found = crm.possible_duplicates(&new, &MatchConfig::default()).unwrap();
    assert_eq!(found.len(), 2, "{found:#?}");
    // Without blocking: created, with the warning.
    let (p, warned) = crm.create_party_checked(new.clone(), &MatchConfig::default(), false).unwrap();
    assert_eq!(warned.len(), 2);
    assert_eq!(crm.get_party(p.id).unwrap().display_name, "Dmitri Ivanov");
    // Blocking: refused, nothing written.
    let before = crm.count_parties(&Default::default()).unwrap();
    let err = crm.create_party_checked(new, &MatchConfig::default(), true).unwrap_err();
    assert_eq!(err.field(), Some("duplicates"));
    assert_eq!(crm.count_parties(&Default::default()).unwrap(), before);
    // Someone new is not a duplicate.
    let fresh = NewParty::person("Ingrid", "Østby").with_email("ingrid@fjord.no");
    assert!(crm.possible_duplicates(&fresh, &MatchConfig::default()).unwrap().is_empty());
    // A bad configuration is a typed error.
    let mut bad = MatchConfig::default();
    bad.person.threshold = 2.0;
    assert_eq!(crm.find_duplicates(None, &bad).unwrap_err().field(), Some("config.person.threshold"));
}

#[test]
fn on_create_a_name_is_found_among_many_namesakes() {
    let crm = Crm::open_in_memory().unwrap();
    let born = |d: u32| chrono::NaiveDate::from_ymd_opt(1980, 1, d).unwrap();
    // The party to find, then far more parties sharing a word of its name
    // than the name search takes, each with a word of its own.
    let mut target = NewParty::person("Jānis", "Ozols");
    target.birth_date = Some(born(17));
    let target = crm.create_party(target).unwrap();
    let crowd: Vec<NewParty> = (0..150)
        .flat_map(|i| [NewParty::person(format!("Given{i}"), "Ozols"), NewParty::person("Jānis", format!("Family{i}"))])
        .collect();
    crm.create_parties(crowd).unwrap();
    let mut late = NewParty::person("Jānis", "Ozols").with_email("other.janis@example.lv");
    late.birth_date = Some(born(3));
    let late = crm.create_party(late).unwrap();

    // Given and family names swapped, no contact point to share: found by
    // the names alone, both namesakes, the one born the same day first.
    let mut new = NewParty::person("Ozols", "Jānis");
    new.birth_date = Some(born(17));
    let found = crm.possible_duplicates(&new, &MatchConfig::default()).unwrap();
    let ids: Vec<_> = found.iter().map(|c| c.party_id).collect();
    assert_eq!(ids.first(), Some(&target.id), "{found:#?}");
    assert!(
        found[0].result.reasons.iter().any(|r| r.field == crm_core::dedup::matching::Field::BirthDate),
        "{found:#?}"
    );
    assert!(ids.iter().all(|id| *id == target.id || *id == late.id), "{found:#?}");
}

#[test]
fn on_create_a_name_with_a_typo_is_found_by_its_other_word() {
    let crm = Crm::open_in_memory().unwrap();
    let born = chrono::NaiveDate::from_ymd_opt(1975, 6, 30).unwrap();
    crm.create_parties((0..20).map(|i| NewParty::person(format!("Given{i}"), "Kalniņa")).collect()).unwrap();
    let mut target = NewParty::person("Līga", "Kalniņa");
    target.birth_date = Some(born);
    let target = crm.create_party(target).unwrap();
    crm.create_parties((20..40).map(|i| NewParty::person(format!("Given{i}"), "Kalniņa")).collect()).unwrap();
    for (given, family) in [("Lgia", "Kalniņa"), ("Līga", "Kalnnia")] {
        let mut typo = NewParty::person(given, family);
        typo.birth_date = Some(born);
        let found = crm.possible_duplicates(&typo, &MatchConfig::default()).unwrap();
        assert_eq!(found.first().map(|c| c.party_id), Some(target.id), "{given} {family}: {found:#?}");
    }
}
