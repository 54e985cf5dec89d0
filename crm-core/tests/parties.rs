//! Parties, roles, contact points, tags, notes, custom fields, lists, audit
//! and outbox.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::temp_base;
use crm_core::{
    ArchivedFilter, AuditAction, ContactKind, ContactPointPatch, ContactValue, Crm, CustomValue, CustomerRole,
    ErrorKind, FieldType, LifecycleStage, NewContactPoint, NewFieldDef, NewParty, NewRole, PartyFilter, PartyKind,
    PartyPatch, PartyQuery, PartySort, PostalAddress, RoleDetails, RoleKind, RolePatch,
};

fn address(country: &str, city: &str) -> NewContactPoint {
    NewContactPoint::new(ContactValue::Address(PostalAddress {
        street: Some("Street 1".into()),
        city: Some(city.into()),
        postal_code: Some("1000".into()),
        country: country.into(),
        ..Default::default()
    }))
}

#[test]
fn person_with_everything_round_trips() {
    let crm = Crm::open_in_memory().unwrap();
    let mut p = NewParty::person("  Jānis ", "Bērziņš")
        .with_email(" Janis.Berzins@Example.LV ")
        .with_phone("+371 2612 3456")
        .with_contact(address("lv", "Rīga"))
        .with_tag("vip")
        .with_tag("newsletter")
        .with_tag("vip")
        .with_role(RoleDetails::Customer(CustomerRole {
            tier: Some(" gold ".into()),
            vip: true,
            lifecycle_stage: LifecycleStage::Customer,
            customer_number: None,
        }));
    p.birth_date = NaiveDate::from_ymd_opt(1980, 2, 29);
    p.language = Some("LV".into());
    let created = crm.create_party(p).unwrap();
    assert_eq!(created.display_name, "Jānis Bērziņš");
    assert_eq!(created.given_name.as_deref(), Some("Jānis"));
    assert_eq!(created.language.as_deref(), Some("lv"));
    assert_eq!(created.tags, vec!["newsletter", "vip"]);
    assert_eq!(created.country.as_deref(), Some("LV"));
    assert_eq!(created.version, 1);
    assert_eq!(created.commercial_id, created.id);
    let email = created.primary(ContactKind::Email).unwrap();
    assert_eq!(email.value, ContactValue::email("janis.berzins@example.lv"));
    assert_eq!(email.raw.as_deref(), Some(" Janis.Berzins@Example.LV "));
    let phone = created.primary(ContactKind::Phone).unwrap();
    assert_eq!(phone.value, ContactValue::Phone { number: "+37126123456".into(), region: Some("LV".into()) });
    match &created.roles[0].details {
        RoleDetails::Customer(c) => assert_eq!(c.tier.as_deref(), Some("gold")),
        other => panic!("{other:?}"),
    }
    let got = crm.get_party(created.id).unwrap();
    assert_eq!(got, created);
    // The JSON schema round-trips too.
    let json = serde_json::to_string(&got).unwrap();
    let back: crm_core::Party = serde_json::from_str(&json).unwrap();
    assert_eq!(back, got);
}

#[test]
fn organizations_roll_up_to_their_commercial_top() {
    let crm = Crm::open_in_memory().unwrap();
    let group =
        crm.create_party(NewParty::organization("Nordic Group ASA").with_vat_number("no 923 609 016 mva")).unwrap();
    assert_eq!(group.vat_number.as_deref(), Some("NO923609016MVA"));
    let sub = crm.create_party(NewParty::organization("Nordic Retail AS").with_parent(group.id)).unwrap();
    let person = crm.create_party(NewParty::person("Kari", "Nordmann").with_parent(sub.id)).unwrap();
    assert_eq!(sub.commercial_id, group.id);
    assert_eq!(person.commercial_id, group.id);
    // Re-parenting moves the whole subtree.
    let other = crm.create_party(NewParty::organization("Baltic Holding").with_parent(group.id)).unwrap();
    let patch = PartyPatch { parent_id: Some(None), ..Default::default() };
    let other = crm.update_party(other.id, other.version, &patch).unwrap();
    assert_eq!(other.commercial_id, other.id);
    let patch = PartyPatch { parent_id: Some(Some(other.id)), ..Default::default() };
    crm.update_party(sub.id, sub.version, &patch).unwrap();
    assert_eq!(crm.get_party(person.id).unwrap().commercial_id, other.id);
    let rollup = PartyFilter { commercial_id: Some(other.id), ..Default::default() };
    assert_eq!(crm.count_parties(&rollup).unwrap(), 3);
    // Deleting the middle leaves the person on its own.
    let sub = crm.get_party(sub.id).unwrap();
    crm.delete_party(sub.id, sub.version).unwrap();
    let person = crm.get_party(person.id).unwrap();
    assert_eq!(person.parent_id, None);
    assert_eq!(person.commercial_id, person.id);
}

#[test]
fn update_patches_and_rederives_the_display_name() {
    let crm = Crm::open_in_memory().unwrap();
    let p = crm.create_party(NewParty::person("Ivan", "Petrov")).unwrap();
    let patch = PartyPatch { family_name: Some(Some("Петров".into())), ..Default::default() };
    let p = crm.update_party(p.id, p.version, &patch).unwrap();
    assert_eq!(p.display_name, "Ivan Петров");
    let patch = PartyPatch { display_name: Some("Ваня".into()), ..Default::default() };
    let p = crm.update_party(p.id, p.version, &patch).unwrap();
    // A chosen display name stays when the names change.
    let patch = PartyPatch { given_name: Some(Some("Иван".into())), ..Default::default() };
    let p = crm.update_party(p.id, p.version, &patch).unwrap();
    assert_eq!(p.display_name, "Ваня");
    assert_eq!(p.version, 4);
    // The audit log has every step, with old → new.
    let history = crm.history(p.id).unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(history[0].action, AuditAction::Created);
    assert_eq!(history[1].changes["family_name"], serde_json::json!(["Petrov", "Петров"]));
    assert_eq!(history[1].changes["display_name"], serde_json::json!(["Ivan Petrov", "Ivan Петров"]));
    assert!(history[1].changes.get("version").is_none());
    assert_eq!(history[3].changes.as_object().unwrap().len(), 1, "{:?}", history[3].changes);
}

#[test]
fn contact_points_keep_one_primary_per_kind() {
    let crm = Crm::open_in_memory_with(crm_core::Options { default_region: Some("NO".into()), ..Default::default() })
        .unwrap();
    let p = crm.create_party(NewParty::person("Ola", "Nordmann").with_phone("22 33 44 55")).unwrap();
    assert_eq!(
        p.contact_points[0].value,
        ContactValue::Phone { number: "+4722334455".into(), region: Some("NO".into()) }
    );
    let e1 = crm.add_contact_point(p.id, NewContactPoint::new(ContactValue::email("ola@nordmann.no"))).unwrap();
    assert!(e1.primary, "the first of a kind is primary");
    assert_eq!(e1.version, 1, "and it starts at version 1");
    assert_eq!(crm.get_contact_point(e1.id).unwrap(), e1);
    assert_eq!(crm.history(e1.id).unwrap().len(), 1);
    let mut second = NewContactPoint::new(ContactValue::email("ola@work.no")).label("work");
    second.primary = true;
    let e2 = crm.add_contact_point(p.id, second).unwrap();
    assert!(e2.primary);
    let party = crm.get_party(p.id).unwrap();
    let emails: Vec<_> = party.contact_points.iter().filter(|c| c.value.kind() == ContactKind::Email).collect();
    assert_eq!(emails.iter().filter(|c| c.primary).count(), 1);
    assert_eq!(party.primary(ContactKind::Email).unwrap().id, e2.id);
    // Removing the primary hands the flag on.
    crm.remove_contact_point(e2.id, e2.version).unwrap();
    assert_eq!(crm.get_party(p.id).unwrap().primary(ContactKind::Email).unwrap().id, e1.id);
    // Addresses set the party's country.
    let a = crm.add_contact_point(p.id, address("NOR", "Oslo")).unwrap();
    assert_eq!(crm.get_party(p.id).unwrap().country.as_deref(), Some("NO"));
    let patch = ContactPointPatch {
        value: Some(ContactValue::Address(PostalAddress {
            city: Some("Stockholm".into()),
            country: "SE".into(),
            ..Default::default()
        })),
        verified: Some(true),
        ..Default::default()
    };
    let a = crm.update_contact_point(a.id, a.version, &patch).unwrap();
    assert!(a.verified);
    assert_eq!(crm.get_party(p.id).unwrap().country.as_deref(), Some("SE"));
    // Find by any written form of a contact point.
    let found = crm.find_by_contact(ContactValue::phone("+47 22 33 44 55")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, p.id);
    assert!(crm.find_by_contact(ContactValue::email("OLA@NORDMANN.NO")).unwrap().len() == 1);
    // Web and social.
    let w = crm.add_contact_point(p.id, NewContactPoint::new(ContactValue::Web { url: "nordmann.no".into() })).unwrap();
    assert_eq!(w.value, ContactValue::Web { url: "https://nordmann.no/".into() });
    let s = crm
        .add_contact_point(
            p.id,
            NewContactPoint::new(ContactValue::Social { network: "LinkedIn".into(), handle: "olanordmann".into() }),
        )
        .unwrap();
    assert_eq!(s.value.key(), "linkedin:olanordmann");
}

#[test]
fn roles_over_time() {
    let crm = Crm::open_in_memory().unwrap();
    let boss = crm.create_party(NewParty::person("Inga", "Kalniņa")).unwrap();
    let p = crm.create_party(NewParty::person("Pēteris", "Ozols").with_role(RoleDetails::customer())).unwrap();
    let role = crm
        .add_role(
            p.id,
            NewRole {
                details: RoleDetails::Employee(crm_core::EmployeeRole {
                    department: Some("Sales".into()),
                    title: Some("Account manager".into()),
                    manager_id: Some(boss.id),
                    employee_number: None,
                }),
                valid_from: NaiveDate::from_ymd_opt(2020, 1, 1),
                valid_to: None,
            },
        )
        .unwrap();
    assert!(role.holds_on(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()));
    assert!(!role.holds_on(NaiveDate::from_ymd_opt(2019, 12, 31).unwrap()));
    let role = crm
        .update_role(
            role.id,
            role.version,
            &RolePatch { valid_to: Some(NaiveDate::from_ymd_opt(2023, 6, 30)), ..Default::default() },
        )
        .unwrap();
    assert_eq!(role.version, 2);
    let wrong_kind = RolePatch { details: Some(RoleDetails::customer()), ..Default::default() };
    assert_eq!(crm.update_role(role.id, role.version, &wrong_kind).unwrap_err().field(), Some("role"));
    let party = crm.get_party(p.id).unwrap();
    assert!(party.has_role(RoleKind::Employee) && party.has_role(RoleKind::Customer));
    let employees = PartyFilter { role: Some(RoleKind::Employee), ..Default::default() };
    assert_eq!(crm.count_parties(&employees).unwrap(), 1);
    crm.remove_role(role.id, role.version).unwrap();
    assert_eq!(crm.count_parties(&employees).unwrap(), 0);
    assert_eq!(crm.history(role.id).unwrap().last().unwrap().action, AuditAction::Deleted);
}

#[test]
fn tags_and_notes() {
    let crm = Crm::open_in_memory().unwrap().with_actor("inga");
    let p = crm.create_party(NewParty::organization("Acme")).unwrap();
    let p2 = crm.add_tags(p.id, &["b2b", " wholesale "]).unwrap();
    assert_eq!(p2.tags, vec!["b2b", "wholesale"]);
    assert_eq!(p2.version, 2);
    let same = crm.add_tags(p.id, &["b2b"]).unwrap();
    assert_eq!(same.version, 2, "no change, no new version");
    let p3 = crm.remove_tags(p.id, &["b2b", "never-had"]).unwrap();
    assert_eq!(p3.tags, vec!["wholesale"]);
    let n = crm.add_note(p.id, "Called about the Q3 order.\nWill call back.").unwrap();
    assert_eq!(n.author, "inga");
    crm.add_note(p.id, "Second").unwrap();
    let notes = crm.notes(p.id).unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].body, "Second");
    crm.delete_note(n.id, n.version).unwrap();
    assert_eq!(crm.notes(p.id).unwrap().len(), 1);
    assert_eq!(crm.history(p.id).unwrap()[0].actor, "inga");
}

#[test]
fn custom_fields_typed_and_filterable() {
    let crm = Crm::open_in_memory().unwrap();
    crm.define_field(NewFieldDef::new("party", "loyalty_points", FieldType::Integer)).unwrap();
    crm.define_field(NewFieldDef::new("person", "newsletter", FieldType::Bool)).unwrap();
    crm.define_field(NewFieldDef::new("party", "credit_limit", FieldType::Decimal)).unwrap();
    crm.define_field(NewFieldDef::new("person", "first_order", FieldType::Date)).unwrap();
    let mut interests = NewFieldDef::new("party", "interests", FieldType::Choices);
    interests.choices = vec!["ski".into(), "sail".into(), "hike".into()];
    crm.define_field(interests).unwrap();
    let p = crm
        .create_party(
            NewParty::person("Kari", "Nordmann")
                .with_custom("loyalty_points", 120i64)
                .with_custom("newsletter", true)
                .with_custom("credit_limit", "01500.50")
                .with_custom("first_order", "2023-04-01")
                .with_custom("interests", CustomValue::Choices(vec!["sail".into(), "ski".into(), "ski".into()])),
        )
        .unwrap();
    assert_eq!(p.custom["credit_limit"], CustomValue::Decimal("1500.5".into()));
    assert_eq!(p.custom["first_order"], CustomValue::Date(NaiveDate::from_ymd_opt(2023, 4, 1).unwrap()));
    assert_eq!(p.custom["interests"], CustomValue::Choices(vec!["sail".into(), "ski".into()]));
    assert_eq!(crm.get_party(p.id).unwrap().custom, p.custom);
    crm.create_party(NewParty::person("Ola", "Nordmann").with_custom("loyalty_points", 5i64)).unwrap();
    let f = |name: &str, v: CustomValue| PartyFilter {
        custom: BTreeMap::from([(name.to_string(), v)]),
        ..Default::default()
    };
    assert_eq!(crm.count_parties(&f("loyalty_points", 120i64.into())).unwrap(), 1);
    assert_eq!(crm.count_parties(&f("credit_limit", CustomValue::Text("1500.500".into()))).unwrap(), 1);
    assert_eq!(crm.count_parties(&f("interests", "ski".into())).unwrap(), 1);
    assert_eq!(crm.count_parties(&f("interests", "hike".into())).unwrap(), 0);
    assert_eq!(crm.count_parties(&f("newsletter", true.into())).unwrap(), 1);
    // Clearing a value, and the JSON form of values.
    let patch = PartyPatch { custom: BTreeMap::from([("loyalty_points".to_string(), None)]), ..Default::default() };
    let p = crm.update_party(p.id, p.version, &patch).unwrap();
    assert!(!p.custom.contains_key("loyalty_points"));
    let json = serde_json::to_value(&p.custom).unwrap();
    assert_eq!(json["credit_limit"], "1500.5");
    assert_eq!(json["first_order"], "2023-04-01");
    let fields = crm.fields(Some("person")).unwrap();
    assert_eq!(fields.len(), 5);
    let def = fields.iter().find(|d| d.name == "loyalty_points").unwrap();
    crm.remove_field(def.id, def.version).unwrap();
    assert_eq!(crm.fields(None).unwrap().len(), 4);
}

#[test]
fn lists_filter_sort_and_page_stably() {
    let b = temp_base();
    let crm = &b.crm;
    let names = ["Ødegård", "Åsa", "Zane", "ābols", "Иванов", "Petrova", "Berg", "Čakste", "Димитров", "Eriksen"];
    let mut batch = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let mut p = NewParty::person(*n, "").with_contact(address(if i % 2 == 0 { "LV" } else { "NO" }, "X"));
        if i % 3 == 0 {
            p = p.with_role(RoleDetails::customer()).with_tag("vip");
        }
        batch.push(p);
    }
    batch.push(
        NewParty::organization("Acme SIA").with_contact(address("LV", "Rīga")).with_role(RoleDetails::customer()),
    );
    crm.create_parties(batch).unwrap();
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 11);
    let lv_customers = PartyFilter { role: Some(RoleKind::Customer), country: Some("lv".into()), ..Default::default() };
    assert_eq!(crm.count_parties(&lv_customers).unwrap(), 3);
    let persons = PartyFilter { kind: Some(PartyKind::Person), ..Default::default() };
    assert_eq!(crm.count_parties(&persons).unwrap(), 10);
    let vip = PartyFilter { tag: Some("vip".into()), ..Default::default() };
    assert_eq!(crm.count_parties(&vip).unwrap(), 4);
    let prefix = PartyFilter { name_prefix: Some("ИВ".into()), ..Default::default() };
    assert_eq!(
        crm.list_parties(&PartyQuery { filter: prefix, ..Default::default() }).unwrap().items[0].display_name,
        "Иванов"
    );

    // Walk pages of 3 by name while rows are being added: no row twice, none lost.
    let mut seen = Vec::new();
    let mut q = PartyQuery { filter: persons.clone(), limit: 3, ..Default::default() };
    let mut added = 0;
    loop {
        let page = crm.list_parties(&q).unwrap();
        seen.extend(page.items.iter().map(|p| p.display_name.clone()));
        if added == 0 {
            // Rows sorting before the cursor and after it.
            crm.create_party(NewParty::person("Aaa", "")).unwrap();
            crm.create_party(NewParty::person("Zzz", "")).unwrap();
            added = 2;
        }
        match page.next {
            Some(next) => q.after = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    expected.push("Zzz".into());
    expected.sort_by_key(|s| s.to_lowercase());
    assert_eq!(seen, expected);

    // Descending by creation time.
    let q = PartyQuery { sort: PartySort::Created, descending: true, limit: 2, ..Default::default() };
    let first = crm.list_parties(&q).unwrap();
    assert_eq!(first.items[0].display_name, "Zzz");
    let second = crm.list_parties(&PartyQuery { after: first.next.clone(), ..q.clone() }).unwrap();
    assert!(second.items[0].created_at <= first.items[1].created_at);
    // A cursor of one order does not fit another.
    let r = crm.list_parties(&PartyQuery { after: first.next, ..Default::default() });
    assert_eq!(r.unwrap_err().field(), Some("after"));

    // Archive hides from the default list.
    let p = crm.list_parties(&PartyQuery::default()).unwrap().items[0].clone();
    let p = crm.archive_party(p.id, p.version).unwrap();
    assert!(p.archived_at.is_some());
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 12);
    let only = PartyFilter { archived: ArchivedFilter::Only, ..Default::default() };
    assert_eq!(crm.count_parties(&only).unwrap(), 1);
    let p = crm.restore_party(p.id, p.version).unwrap();
    assert!(p.archived_at.is_none());
    assert_eq!(crm.restore_party(p.id, p.version).unwrap_err().kind(), ErrorKind::Validation);
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 13);
}

#[test]
fn delete_removes_everything_the_party_holds() {
    let b = temp_base();
    let crm = &b.crm;
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let p = crm
        .create_party(
            NewParty::person("Anna", "Liepa")
                .with_email("anna@acme.lv")
                .with_tag("x")
                .with_role(RoleDetails::customer()),
        )
        .unwrap();
    crm.add_note(p.id, "note").unwrap();
    crm.create_relationship(crm_core::NewRelationship::new("employee_of", p.id, acme.id)).unwrap();
    crm.delete_party(p.id, p.version).unwrap();
    assert_eq!(crm.get_party(p.id).unwrap_err().kind(), ErrorKind::NotFound);
    let conn = rusqlite::Connection::open(&b.path).unwrap();
    for table in ["party_role", "contact_point", "tag", "note", "relationship"] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0, "{table} kept rows");
    }
    let last = crm.history(p.id).unwrap().pop().unwrap();
    assert_eq!(last.action, AuditAction::Deleted);
}

#[test]
fn every_write_publishes_an_event_in_order() {
    let crm = Crm::open_in_memory().unwrap();
    let p = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    crm.add_contact_point(p.id, NewContactPoint::new(ContactValue::email("anna@x.lv"))).unwrap();
    let p = crm.archive_party(p.id, p.version).unwrap();
    let events = crm.events_after(0, 100).unwrap();
    let topics: Vec<_> = events.iter().map(|e| e.topic.as_str()).collect();
    assert_eq!(topics, ["party.created", "contact_point.created", "party.archived"]);
    assert_eq!(events[0].payload["display_name"], "Anna Liepa");
    assert_eq!(events[2].entity_id, p.id);
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    let rest = crm.events_after(events[0].seq, 100).unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(crm.prune_events(events[1].seq).unwrap(), 2);
    assert_eq!(crm.events_after(0, 100).unwrap().len(), 1);
    // A failed write publishes nothing.
    assert!(crm.create_party(NewParty::person("", "")).is_err());
    assert_eq!(crm.events_after(0, 100).unwrap().len(), 1);
}

#[test]
fn one_handle_many_threads() {
    let b = temp_base();
    let crm = b.crm.clone();
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let crm = crm.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let p = crm.create_party(NewParty::person(format!("T{t}"), format!("N{i}"))).unwrap();
                    let got = crm.get_party(p.id).unwrap();
                    assert_eq!(got.display_name, p.display_name);
                    crm.count_parties(&PartyFilter::default()).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(crm.count_parties(&PartyFilter::default()).unwrap(), 400);
    // Two handles on one file (as two processes would have) do not lose updates.
    let other = Crm::open(&b.path).unwrap();
    let p = crm.create_party(NewParty::person("Shared", "One")).unwrap();
    let patch = PartyPatch { language: Some(Some("lv".into())), ..Default::default() };
    other.update_party(p.id, p.version, &patch).unwrap();
    assert_eq!(crm.update_party(p.id, p.version, &patch).unwrap_err().kind(), ErrorKind::Conflict);
}

#[test]
fn reopening_a_file_keeps_everything() {
    let b = temp_base();
    let p = b.crm.create_party(NewParty::person("Anna", "Liepa").with_email("anna@x.lv")).unwrap();
    let path = b.path.clone();
    drop(b.crm);
    // The last handle closing checkpoints the WAL into the file.
    assert!(!path.with_file_name("crm.db-wal").exists());
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.get_party(p.id).unwrap(), p);
    assert_eq!(crm.path(), Some(path.as_path()));
}

#[test]
fn roles_and_notes_by_id() {
    let crm = Crm::open_in_memory().unwrap();
    let p = crm.create_party(NewParty::person("Anna", "Liepa").with_role(RoleDetails::customer())).unwrap();
    assert_eq!(crm.get_role(p.roles[0].id).unwrap(), p.roles[0]);
    let n = crm.add_note(p.id, "hello").unwrap();
    assert_eq!(crm.get_note(n.id).unwrap(), n);
    assert_eq!(crm.get_role(n.id).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(crm.get_contact_point(n.id).unwrap_err().kind(), ErrorKind::NotFound);
}

/// Pages and search hits read their parties' children in batches; every
/// party must come back exactly as `get_party` reads it, across the chunk
/// sizes (1, 4, 16, 64 and more than 64) and with parties that hold nothing.
#[test]
fn pages_and_search_hits_read_children_like_get_party() {
    let crm = Crm::open_in_memory().unwrap();
    crm.define_field(NewFieldDef::new("party", "points", FieldType::Integer)).unwrap();
    let mut batch = Vec::new();
    for i in 0..150 {
        let mut p = NewParty::person(format!("Batchname{i:03}"), "Kalniņa");
        if i % 2 == 0 {
            p = p.with_email(format!("b{i}@example.lv")).with_email(format!("b{i}.second@example.lv"));
        }
        if i % 3 == 0 {
            p = p.with_phone(format!("+371 26{i:06}")).with_contact(address("LV", "Rīga"));
        }
        if i % 4 == 0 {
            p = p.with_role(RoleDetails::customer()).with_tag("vip").with_tag(format!("t{i}"));
        }
        if i % 5 == 0 {
            p = p.with_role(RoleDetails::Employee(Default::default())).with_custom("points", i as i64);
        }
        batch.push(p);
    }
    crm.create_parties(batch).unwrap();
    for limit in [1, 3, 4, 15, 16, 17, 64, 65, 150] {
        let page = crm.list_parties(&PartyQuery { limit, ..Default::default() }).unwrap();
        assert_eq!(page.items.len(), limit);
        for p in &page.items {
            assert_eq!(p, &crm.get_party(p.id).unwrap(), "page of {limit}");
        }
        let hits = crm
            .search_parties(&crm_core::SearchQuery { text: "batchname".into(), limit, ..Default::default() })
            .unwrap();
        assert_eq!(hits.len(), limit);
        for h in &hits {
            assert_eq!(h.party, crm.get_party(h.party.id).unwrap(), "search of {limit}");
        }
    }
    let all = crm.list_parties(&PartyQuery { limit: 150, ..Default::default() }).unwrap().items;
    assert!(all.iter().any(|p| p.contact_points.len() == 4 && p.roles.len() == 2 && p.tags.len() == 2));
    assert!(all.iter().any(|p| p.contact_points.is_empty() && p.roles.is_empty() && p.custom.is_empty()));
}
