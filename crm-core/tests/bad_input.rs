//! Bad input: each gets a typed error naming what was wrong, and nothing
//! in the base changes.

mod common;

use std::collections::BTreeMap;

use common::{fingerprint, temp_base};
use crm_core::{
    ContactValue, CustomValue, Error, ErrorKind, FieldType, NewContactPoint, NewFieldDef, NewParty, NewRelationship,
    Options, PartyPatch, PostalAddress, RoleDetails, Uuid,
};

/// Assert `result` is a validation error on `field`, and the base is as before.
#[track_caller]
fn assert_validation<T: std::fmt::Debug>(
    result: crm_core::Result<T>,
    field: &str,
    before: &str,
    path: &std::path::Path,
) {
    match result {
        Err(Error::Validation { field: f, reason }) => {
            assert_eq!(f, field, "wrong field (reason: {reason})");
            assert!(!reason.is_empty());
        }
        other => panic!("expected a validation error on {field}, got {other:?}"),
    }
    assert_eq!(fingerprint(path), before, "the base changed");
}

#[test]
fn empty_names() {
    let b = temp_base();
    let before = fingerprint(&b.path);
    assert_validation(b.crm.create_party(NewParty::person("  ", "")), "display_name", &before, &b.path);
    assert_validation(b.crm.create_party(NewParty::organization(" ")), "display_name", &before, &b.path);
    let named = NewParty { display_name: Some("\t".into()), ..NewParty::default() };
    assert_validation(b.crm.create_party(named), "display_name", &before, &b.path);

    // An update cannot empty a name either.
    let p = b.crm.create_party(NewParty::person("Anna", "Bērziņa")).unwrap();
    let before = fingerprint(&b.path);
    let patch = PartyPatch { display_name: Some("   ".into()), ..Default::default() };
    assert_validation(b.crm.update_party(p.id, p.version, &patch), "display_name", &before, &b.path);
    let patch = PartyPatch { given_name: Some(None), family_name: Some(None), ..Default::default() };
    assert_validation(b.crm.update_party(p.id, p.version, &patch), "display_name", &before, &b.path);
}

#[test]
fn invalid_emails_and_phones() {
    let b = temp_base();
    let before = fingerprint(&b.path);
    for bad in ["anna", "anna@", "anna@localhost", "an na@x.lv", ""] {
        let r = b.crm.create_party(NewParty::person("Anna", "Ozola").with_email(bad));
        assert_validation(r, "contact_points[0].address", &before, &b.path);
    }
    for bad in ["+371 1", "12345", "not a phone", "+999 123456"] {
        let r = b.crm.create_party(NewParty::person("Anna", "Ozola").with_email("anna@x.lv").with_phone(bad));
        assert_validation(r, "contact_points[1].number", &before, &b.path);
    }
    // In a batch, the index of the bad party is named and nothing is written.
    let batch =
        vec![NewParty::person("Ok", "One").with_email("ok@x.lv"), NewParty::person("Bad", "Two").with_email("bad@")];
    assert_validation(b.crm.create_parties(batch), "parties[1].contact_points[0].address", &before, &b.path);

    // Adding to an existing party.
    let p = b.crm.create_party(NewParty::person("Anna", "Ozola")).unwrap();
    let before = fingerprint(&b.path);
    let r = b.crm.add_contact_point(p.id, NewContactPoint::new(ContactValue::phone("0000")));
    assert_validation(r, "number", &before, &b.path);
}

#[test]
fn unknown_country_codes() {
    let b = temp_base();
    let before = fingerprint(&b.path);
    let addr = |country: &str| {
        NewContactPoint::new(ContactValue::Address(PostalAddress {
            street: Some("Brīvības iela 1".into()),
            city: Some("Rīga".into()),
            country: country.into(),
            ..Default::default()
        }))
    };
    for bad in ["XX", "Latvia", "", "ZZZ"] {
        let r = b.crm.create_party(NewParty::person("Jānis", "Kalniņš").with_contact(addr(bad)));
        assert_validation(r, "contact_points[0].country", &before, &b.path);
    }
    let r = b.crm.create_party(NewParty::person("Jānis", "Kalniņš").with_contact(NewContactPoint::new(
        ContactValue::Phone { number: "20000001".into(), region: Some("QQ".into()) },
    )));
    assert_validation(r, "contact_points[0].region", &before, &b.path);
    // A filter with an unknown country is refused too.
    let r = b.crm.count_parties(&crm_core::PartyFilter { country: Some("XX".into()), ..Default::default() });
    assert!(matches!(r, Err(Error::Validation { ref field, .. }) if field == "country"), "{r:?}");
    // And so is a bad default region.
    let r = crm_core::Crm::open_in_memory_with(Options { default_region: Some("Narnia".into()), ..Default::default() });
    assert!(matches!(r, Err(Error::Validation { ref field, .. }) if field == "default_region"), "{r:?}");
}

#[test]
fn relationships_to_missing_or_archived_parties() {
    let b = temp_base();
    let anna = b.crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let acme = b.crm.create_party(NewParty::organization("Acme SIA")).unwrap();
    let before = fingerprint(&b.path);
    let ghost = Uuid::now_v7();
    let r = b.crm.create_relationship(NewRelationship::new("employee_of", anna.id, ghost));
    assert!(matches!(&r, Err(Error::NotFound { entity: "party", id }) if *id == ghost.to_string()), "{r:?}");
    assert_eq!(fingerprint(&b.path), before);

    let acme = b.crm.archive_party(acme.id, acme.version).unwrap();
    let before = fingerprint(&b.path);
    let r = b.crm.create_relationship(NewRelationship::new("employee_of", anna.id, acme.id));
    assert_validation(r, "to_id", &before, &b.path);

    // Kinds that the type does not take.
    let other = b.crm.create_party(NewParty::person("Pēteris", "Liepa")).unwrap();
    let before = fingerprint(&b.path);
    let r = b.crm.create_relationship(NewRelationship::new("employee_of", anna.id, other.id));
    assert_validation(r, "to_id", &before, &b.path);
    // An unknown type.
    let r = b.crm.create_relationship(NewRelationship::new("married_to_the_job", anna.id, other.id));
    assert_validation(r, "type", &before, &b.path);
    // Strength out of range and dates in the wrong order.
    let mut n = NewRelationship::new("knows", anna.id, other.id);
    n.strength = Some(1.5);
    assert_validation(b.crm.create_relationship(n.clone()), "strength", &before, &b.path);
    n.strength = None;
    n.valid_from = chrono::NaiveDate::from_ymd_opt(2024, 5, 1);
    n.valid_to = chrono::NaiveDate::from_ymd_opt(2024, 4, 1);
    assert_validation(b.crm.create_relationship(n), "valid_to", &before, &b.path);
}

#[test]
fn self_relationship_where_the_type_forbids_it() {
    let b = temp_base();
    let anna = b.crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let before = fingerprint(&b.path);
    let r = b.crm.create_relationship(NewRelationship::new("knows", anna.id, anna.id));
    assert_validation(r, "to_id", &before, &b.path);

    // A type that allows it.
    b.crm
        .define_relationship_type(crm_core::NewRelationshipType {
            code: "mentor_of".into(),
            forward_label: "mentor of".into(),
            inverse_label: Some("mentored by".into()),
            symmetric: false,
            allow_self: true,
            from_kinds: vec![],
            to_kinds: vec![],
            membership: false,
        })
        .unwrap();
    b.crm.create_relationship(NewRelationship::new("mentor_of", anna.id, anna.id)).unwrap();
}

#[test]
fn organization_cycle() {
    let b = temp_base();
    let top = b.crm.create_party(NewParty::organization("Top AS")).unwrap();
    let mid = b.crm.create_party(NewParty::organization("Mid AS").with_parent(top.id)).unwrap();
    let low = b.crm.create_party(NewParty::organization("Low AS").with_parent(mid.id)).unwrap();
    assert_eq!(low.commercial_id, top.id);
    let before = fingerprint(&b.path);
    let patch = PartyPatch { parent_id: Some(Some(low.id)), ..Default::default() };
    assert_validation(b.crm.update_party(top.id, top.version, &patch), "parent_id", &before, &b.path);
    let patch = PartyPatch { parent_id: Some(Some(mid.id)), ..Default::default() };
    assert_validation(b.crm.update_party(mid.id, mid.version, &patch), "parent_id", &before, &b.path);
    // A person cannot be a parent.
    let anna = b.crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let before = fingerprint(&b.path);
    let r = b.crm.create_party(NewParty::organization("Sub AS").with_parent(anna.id));
    assert_validation(r, "parent_id", &before, &b.path);
}

#[test]
fn custom_values_of_the_wrong_type_or_duplicate_of_a_unique_one() {
    let b = temp_base();
    b.crm.define_field(NewFieldDef::new("party", "loyalty_points", FieldType::Integer)).unwrap();
    let mut loyalty = NewFieldDef::new("person", "loyalty_card", FieldType::Text);
    loyalty.unique = true;
    b.crm.define_field(loyalty).unwrap();
    let mut seg = NewFieldDef::new("party", "segment", FieldType::Choice);
    seg.choices = vec!["retail".into(), "wholesale".into()];
    b.crm.define_field(seg).unwrap();
    b.crm.create_party(NewParty::person("Anna", "Liepa").with_custom("loyalty_card", "LC-1")).unwrap();
    let before = fingerprint(&b.path);

    let r = b.crm.create_party(NewParty::person("Ivan", "Petrov").with_custom("loyalty_points", "many"));
    assert_validation(r, "custom.loyalty_points", &before, &b.path);
    let r = b.crm.create_party(NewParty::person("Ivan", "Petrov").with_custom("loyalty_card", "LC-1"));
    assert_validation(r, "custom.loyalty_card", &before, &b.path);
    let r = b.crm.create_party(NewParty::person("Ivan", "Petrov").with_custom("segment", "gold"));
    assert_validation(r, "custom.segment", &before, &b.path);
    let r = b.crm.create_party(NewParty::person("Ivan", "Petrov").with_custom("no_such_field", 1i64));
    assert_validation(r, "custom.no_such_field", &before, &b.path);
    // A person's field does not apply to organizations.
    let r = b.crm.create_party(NewParty::organization("Acme").with_custom("loyalty_card", "LC-2"));
    assert_validation(r, "custom.loyalty_card", &before, &b.path);

    // Required fields: missing on create, cleared on update.
    let mut vip = NewFieldDef::new("organization", "account_manager", FieldType::Text);
    vip.required = true;
    b.crm.define_field(vip).unwrap();
    let before = fingerprint(&b.path);
    let r = b.crm.create_party(NewParty::organization("Acme"));
    assert_validation(r, "custom.account_manager", &before, &b.path);
    let acme = b.crm.create_party(NewParty::organization("Acme").with_custom("account_manager", "Inga")).unwrap();
    let before = fingerprint(&b.path);
    let patch = PartyPatch { custom: BTreeMap::from([("account_manager".to_string(), None)]), ..Default::default() };
    assert_validation(b.crm.update_party(acme.id, acme.version, &patch), "custom.account_manager", &before, &b.path);
    let patch = PartyPatch {
        custom: BTreeMap::from([("account_manager".to_string(), Some(CustomValue::Bool(true)))]),
        ..Default::default()
    };
    assert_validation(b.crm.update_party(acme.id, acme.version, &patch), "custom.account_manager", &before, &b.path);
}

#[test]
fn stale_version() {
    let b = temp_base();
    let p = b.crm.create_party(NewParty::person("Anna", "Liepa").with_email("anna@x.lv")).unwrap();
    let patch = PartyPatch { language: Some(Some("lv".into())), ..Default::default() };
    let p2 = b.crm.update_party(p.id, p.version, &patch).unwrap();
    assert_eq!(p2.version, p.version + 1);
    let before = fingerprint(&b.path);
    for r in [
        b.crm.update_party(p.id, p.version, &patch).map(|_| ()),
        b.crm.archive_party(p.id, p.version).map(|_| ()),
        b.crm.delete_party(p.id, p.version),
    ] {
        match r {
            Err(Error::Conflict { entity, expected, actual, .. }) => {
                assert_eq!(entity, "party");
                assert_eq!(expected, p.version);
                assert_eq!(actual, p2.version);
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(fingerprint(&b.path), before);
    }
    let cp = &p2.contact_points[0];
    let r = b.crm.remove_contact_point(cp.id, cp.version + 5);
    assert_eq!(r.unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(fingerprint(&b.path), before);
}

#[test]
fn read_only_file() {
    let b = temp_base();
    b.crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let path = b.path.clone();
    let before = fingerprint(&path);
    let ro = crm_core::Crm::open_with(&path, Options { read_only: true, ..Default::default() }).unwrap();
    assert_eq!(ro.count_parties(&Default::default()).unwrap(), 1);
    let r = ro.create_party(NewParty::person("Ivan", "Petrov"));
    assert_eq!(r.unwrap_err().kind(), ErrorKind::ReadOnly);
    assert_eq!(fingerprint(&path), before);
    // A file that does not exist is not created by a read-only opening.
    let missing = path.with_file_name("missing.db");
    let r = crm_core::Crm::open_with(&missing, Options { read_only: true, ..Default::default() });
    assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound);
    assert!(!missing.exists());
}

#[cfg(unix)]
#[test]
fn file_without_write_permission() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    drop(crm_core::Crm::open(&path).unwrap());
    let f = dir.path().join("crm.db-wal");
    let _ = std::fs::remove_file(&f);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::OpenOptions::new().append(true).open(&path).is_ok();
    let r = crm_core::Crm::open(&path).and_then(|c| c.create_party(NewParty::person("A", "B")));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    if writable {
        // Running as root: permissions do not bind, nothing to check here.
        return;
    }
    let kind = r.unwrap_err().kind();
    assert!(matches!(kind, ErrorKind::ReadOnly | ErrorKind::Storage), "{kind:?}");
}

#[test]
fn file_from_a_newer_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    drop(crm_core::Crm::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", crm_core::SCHEMA_VERSION + 1).unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let err = crm_core::Crm::open(&path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Schema);
    assert!(err.to_string().contains("newer"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "the file was touched");
}

#[test]
fn not_a_database_and_another_applications_database() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    let text = "this is a text file, not a database\n".repeat(200);
    std::fs::write(&junk, &text).unwrap();
    let err = crm_core::Crm::open(&junk).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotADatabase, "{err}");
    assert_eq!(std::fs::read_to_string(&junk).unwrap(), text);

    let other = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)").unwrap();
    }
    let bytes = std::fs::read(&other).unwrap();
    let err = crm_core::Crm::open(&other).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Schema, "{err}");
    assert_eq!(std::fs::read(&other).unwrap(), bytes);

    // A file whose pages are damaged.
    let corrupt = dir.path().join("corrupt.db");
    {
        let c = crm_core::Crm::open(&corrupt).unwrap();
        let batch = (0..300).map(|i| NewParty::person(format!("P{i}"), "X")).collect();
        c.create_parties(batch).unwrap();
    }
    let mut bytes = std::fs::read(&corrupt).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0xA5;
    }
    std::fs::write(&corrupt, &bytes).unwrap();
    let _ = std::fs::remove_file(dir.path().join("corrupt.db-wal"));
    let r = crm_core::Crm::open(&corrupt).and_then(|c| c.list_parties(&Default::default()).map(|p| p.items.len()));
    let err = r.unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotADatabase), "{err:?}");
}

#[test]
fn other_rules() {
    let b = temp_base();
    let anna = b.crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let before = fingerprint(&b.path);
    // Organization fields on a person, person fields on an organization.
    let r = b.crm.create_party(NewParty::person("A", "B").with_vat_number("LV40003000001"));
    assert_validation(r, "vat_number", &before, &b.path);
    let mut org = NewParty::organization("Acme");
    org.birth_date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1);
    assert_validation(b.crm.create_party(org), "birth_date", &before, &b.path);
    // A birth date in the future, a bad language tag.
    let mut p = NewParty::person("A", "B");
    p.birth_date = chrono::NaiveDate::from_ymd_opt(2999, 1, 1);
    assert_validation(b.crm.create_party(p), "birth_date", &before, &b.path);
    let mut p = NewParty::person("A", "B");
    p.language = Some("english please".into());
    assert_validation(b.crm.create_party(p), "language", &before, &b.path);
    // Employees are persons; a manager must be a person.
    let r = b.crm.create_party(NewParty::organization("Acme").with_role(RoleDetails::Employee(Default::default())));
    assert_validation(r, "roles[0]", &before, &b.path);
    let acme = b.crm.create_party(NewParty::organization("Acme")).unwrap();
    let before = fingerprint(&b.path);
    let r =
        b.crm.create_party(NewParty::person("A", "B").with_role(RoleDetails::Employee(crm_core::EmployeeRole {
            manager_id: Some(acme.id),
            ..Default::default()
        })));
    assert_validation(r, "roles[0].manager_id", &before, &b.path);
    // Two primaries of one kind, a tag too long, a note with no text.
    let mut p = NewParty::person("A", "B");
    p.contact_points = vec![
        NewContactPoint { primary: true, ..NewContactPoint::new(ContactValue::email("a@x.lv")) },
        NewContactPoint { primary: true, ..NewContactPoint::new(ContactValue::email("b@x.lv")) },
    ];
    assert_validation(b.crm.create_party(p), "contact_points", &before, &b.path);
    let r = b.crm.create_party(NewParty::person("A", "B").with_tag("x".repeat(65)));
    assert_validation(r, "tags", &before, &b.path);
    assert_validation(b.crm.add_note(anna.id, "  \n "), "body", &before, &b.path);
    // Unknown ids.
    let ghost = Uuid::now_v7();
    assert_eq!(b.crm.get_party(ghost).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(b.crm.add_note(ghost, "hello").unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(b.crm.delete_party(ghost, 1).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(b.crm.get_relationship(ghost).unwrap_err().kind(), ErrorKind::NotFound);
    // A given id that exists already.
    let mut dup = NewParty::person("A", "B");
    dup.id = Some(anna.id);
    assert_validation(b.crm.create_party(dup), "id", &before, &b.path);
    // Bad page requests.
    let q = crm_core::PartyQuery { limit: 0, ..Default::default() };
    assert_eq!(b.crm.list_parties(&q).unwrap_err().field(), Some("limit"));
    let q = crm_core::PartyQuery { after: Some("not-a-cursor".into()), ..Default::default() };
    assert_eq!(b.crm.list_parties(&q).unwrap_err().field(), Some("after"));
    // A custom field definition that makes no sense.
    let mut def = NewFieldDef::new("party", "Bad Name", FieldType::Text);
    assert_eq!(b.crm.define_field(def.clone()).unwrap_err().field(), Some("name"));
    def.name = "tier".into();
    def.field_type = FieldType::Choice;
    assert_eq!(b.crm.define_field(def.clone()).unwrap_err().field(), Some("choices"));
    def.entity = "invoice".into();
    assert_eq!(b.crm.define_field(def).unwrap_err().field(), Some("entity"));
    assert_eq!(fingerprint(&b.path), before);
}
