//! Behaviour of the public API on hand-made cases.

use crm_core::dedup::matching::{
    Comparison, DedupError, Field, MatchConfig, MatchRecord, PartyKind, blocking_keys, candidate_pairs,
    find_duplicates, score,
};

fn person(id: &str, given: &str, family: &str) -> MatchRecord {
    MatchRecord {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        ..MatchRecord::new(id, PartyKind::Person)
    }
}

fn org(id: &str, name: &str) -> MatchRecord {
    MatchRecord { display_name: Some(name.into()), ..MatchRecord::new(id, PartyKind::Organization) }
}

fn config() -> MatchConfig {
    MatchConfig::default()
}

#[test]
fn cyrillic_and_latin_spellings_match() -> Result<(), DedupError> {
    let mut a = person("a", "Екатерина", "Петрова");
    a.phones = vec!["+79161234567".into()];
    let mut b = person("b", "Katja", "Petrova");
    b.phones = vec!["+7 916 123 45 67".into()];
    let r = score(&a, &b, &config())?;
    assert!(r.is_match, "{r:?}");
    let name = r.reasons.iter().find(|x| x.field == Field::Name);
    assert_eq!(name.map(|x| x.comparison), Some(Comparison::Nickname));
    Ok(())
}

#[test]
fn swapped_names_with_typo_match_on_email() -> Result<(), DedupError> {
    let mut a = person("a", "Jānis", "Bērziņš");
    a.emails = vec!["janis.berzins@inbox.lv".into()];
    let mut b = person("b", "Berzins", "Janis");
    b.emails = vec!["Janis.Berzins@INBOX.lv".into()];
    let r = score(&a, &b, &config())?;
    assert!(r.is_match, "{r:?}");
    assert_eq!(r.reasons[0].comparison, Comparison::Swapped);
    Ok(())
}

#[test]
fn household_phone_does_not_merge_different_people() -> Result<(), DedupError> {
    let mut a = person("a", "Ivan", "Petrov");
    let mut b = person("b", "Anna", "Petrova");
    for r in [&mut a, &mut b] {
        r.phones = vec!["+35928123456".into()];
        r.addresses = vec!["ul. Shipka 12, Sofia".into()];
        r.emails = vec!["petrovi@abv.bg".into()];
    }
    let r = score(&a, &b, &config())?;
    assert!(!r.is_match, "{r:?}");
    assert!(r.score < 0.5, "{r:?}");
    Ok(())
}

#[test]
fn sister_firm_is_not_a_duplicate() -> Result<(), DedupError> {
    let mut a = org("a", "Nordic Trade AS");
    a.vat_number = Some("NO912345678MVA".into());
    a.phones = vec!["+4722334455".into()];
    let mut b = org("b", "Nordic Trade Group AS");
    b.vat_number = Some("NO998877665MVA".into());
    b.phones = vec!["+4722998877".into()];
    assert!(!score(&a, &b, &config())?.is_match);
    // Without VAT or phone on one side the name alone stays below the bar.
    let c = org("c", "Nordic Trade Group AS");
    assert!(!score(&a, &c, &config())?.is_match);
    Ok(())
}

#[test]
fn same_firm_with_vat_formatting_matches() -> Result<(), DedupError> {
    let mut a = org("a", "Nordic Trade AS");
    a.vat_number = Some("NO 912 345 678 MVA".into());
    let mut b = org("b", "NORDIC TRADE");
    b.vat_number = Some("912345678".into());
    assert!(score(&a, &b, &config())?.is_match);
    Ok(())
}

#[test]
fn kinds_never_match() -> Result<(), DedupError> {
    let a = person("a", "Nordic", "Trade");
    let b = org("b", "Nordic Trade");
    assert!(!score(&a, &b, &config())?.is_match);
    Ok(())
}

#[test]
fn config_round_trips_and_validates() -> Result<(), DedupError> {
    let c = config();
    let json = c.to_json()?;
    assert!(json.contains("\"min_name_similarity\""));
    assert!(json.contains("\"birth_date\""));
    assert_eq!(MatchConfig::from_json(&json)?, c);

    let err = MatchConfig::from_json(r#"{"person": {"threshold": 1.5}}"#);
    assert!(matches!(err, Err(DedupError::Validation { ref field, .. }) if field == "person.threshold"));
    let err = MatchConfig::from_json(r#"{"person": {"treshold": 0.5}}"#);
    assert!(matches!(err, Err(DedupError::Validation { ref field, .. }) if field == "config"));

    let mut bad = config();
    bad.organization.vat.agree = f64::NAN;
    assert!(score(&person("a", "A", "B"), &person("b", "A", "B"), &bad).is_err());
    assert!(find_duplicates(&[], &bad).is_err());
    Ok(())
}

#[test]
fn result_serializes_snake_case() -> Result<(), DedupError> {
    let mut a = person("a", "Anna", "Berg");
    a.birth_date = chrono::NaiveDate::from_ymd_opt(1980, 3, 7);
    let mut b = person("b", "Anna", "Berg");
    b.birth_date = chrono::NaiveDate::from_ymd_opt(1980, 7, 3);
    let r = score(&a, &b, &config())?;
    let json = serde_json::to_string(&r)
        .map_err(|e| DedupError::Validation { field: "result".into(), reason: e.to_string() })?;
    assert!(json.contains("\"birth_date\""), "{json}");
    assert!(json.contains("\"near_date\""), "{json}");
    assert!(json.contains("\"is_match\""), "{json}");
    Ok(())
}

#[test]
fn blocking_pairs_swapped_and_transliterated_names() {
    let records = vec![
        person("0", "Дмитрий", "Иванов"),
        person("1", "Ivanov", "Dmitry"),
        person("2", "Bill", "Smith"),
        person("3", "William", "Smith"),
        person("4", "Anna", "Berg"),
    ];
    let pairs = candidate_pairs(&records, &config().blocking);
    assert!(pairs.contains(&(0, 1)), "{pairs:?}");
    assert!(pairs.contains(&(2, 3)), "{pairs:?}");
    assert!(!pairs.iter().any(|&(i, j)| i == 4 || j == 4));
    assert!(blocking_keys(&records[0]).iter().any(|k| k.starts_with("P n:")));
}

#[test]
fn find_duplicates_returns_sorted_matches() -> Result<(), DedupError> {
    let mut a = person("0", "Robert", "Jones");
    a.emails = vec!["bob.jones@example.com".into()];
    let mut b = person("1", "Bob", "Jones");
    b.emails = vec!["Bob.Jones@example.com".into()];
    let c = person("2", "Sarah", "Jones");
    let found = find_duplicates(&[a, b, c], &config())?;
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].0, found[0].1), (0, 1));
    Ok(())
}
