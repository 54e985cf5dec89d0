//! The relationship graph: types, relationships, neighbours, members, paths.

use chrono::NaiveDate;
use crm_core::{
    AuditAction, Crm, Direction, ErrorKind, NeighbourQuery, NewParty, NewRelationship, NewRelationshipType, PartyKind,
    RelationshipPatch,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn standard_types_are_there_and_users_add_their_own() {
    let crm = Crm::open_in_memory().unwrap();
    let types = crm.relationship_types().unwrap();
    let employee = types.iter().find(|t| t.code == "employee_of").unwrap();
    assert_eq!(employee.inverse_label, "employer of");
    assert_eq!(employee.from_kinds, vec![PartyKind::Person]);
    assert!(employee.membership && employee.builtin);
    let spouse = types.iter().find(|t| t.code == "spouse_of").unwrap();
    assert!(spouse.symmetric);
    for code in ["subsidiary_of", "reseller_for", "influences", "supplier_of", "partner_of"] {
        assert!(types.iter().any(|t| t.code == code), "{code} missing");
    }
    let t = crm
        .define_relationship_type(NewRelationshipType {
            code: "franchisee_of".into(),
            forward_label: "franchisee of".into(),
            inverse_label: Some("franchisor of".into()),
            symmetric: false,
            allow_self: false,
            from_kinds: vec![PartyKind::Organization],
            to_kinds: vec![PartyKind::Organization],
            membership: false,
        })
        .unwrap();
    assert!(!t.builtin);
    let again = crm.define_relationship_type(NewRelationshipType { code: "franchisee_of".into(), ..nrt() });
    assert_eq!(again.unwrap_err().field(), Some("code"));
    let bad = crm.define_relationship_type(NewRelationshipType { code: "Bad Code".into(), ..nrt() });
    assert_eq!(bad.unwrap_err().field(), Some("code"));
    let asym = crm.define_relationship_type(NewRelationshipType {
        code: "twin_of".into(),
        symmetric: true,
        inverse_label: Some("other".into()),
        ..nrt()
    });
    assert_eq!(asym.unwrap_err().field(), Some("symmetric"));
}

fn nrt() -> NewRelationshipType {
    NewRelationshipType {
        code: "x".into(),
        forward_label: "x of".into(),
        inverse_label: Some("has x".into()),
        symmetric: false,
        allow_self: false,
        from_kinds: vec![],
        to_kinds: vec![],
        membership: false,
    }
}

#[test]
fn neighbours_by_type_direction_and_date() {
    let crm = Crm::open_in_memory().unwrap();
    let acme = crm.create_party(NewParty::organization("Acme SIA")).unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Bērziņa")).unwrap();
    let ivan = crm.create_party(NewParty::person("Иван", "Петров")).unwrap();
    let mut job = NewRelationship::new("employee_of", anna.id, acme.id);
    job.valid_from = Some(d(2020, 1, 1));
    job.valid_to = Some(d(2022, 12, 31));
    let job = crm.create_relationship(job).unwrap();
    crm.create_relationship(NewRelationship::new("employee_of", ivan.id, acme.id)).unwrap();
    crm.create_relationship(NewRelationship::new("spouse_of", anna.id, ivan.id)).unwrap();

    let staff = crm.neighbours(acme.id, &NeighbourQuery::default()).unwrap();
    assert_eq!(staff.len(), 2);
    assert!(staff.iter().all(|n| n.label == "employer of" && n.direction == Direction::Incoming));
    let at = |date| NeighbourQuery { at: Some(date), ..Default::default() };
    let now_staff = crm.neighbours(acme.id, &at(d(2024, 1, 1))).unwrap();
    assert_eq!(now_staff.len(), 1);
    assert_eq!(now_staff[0].display_name, "Иван Петров");
    assert_eq!(crm.neighbours(acme.id, &at(d(2022, 12, 31))).unwrap().len(), 2, "valid_to is inclusive");

    // Both directions from Anna, with the labels read from her side.
    let from_anna = crm.neighbours(anna.id, &NeighbourQuery::default()).unwrap();
    let labels: Vec<_> = from_anna.iter().map(|n| (n.label.as_str(), n.display_name.as_str())).collect();
    assert_eq!(labels, [("employee of", "Acme SIA"), ("spouse of", "Иван Петров")]);
    // The symmetric type reads the same from the other side.
    let spouse_q = NeighbourQuery { type_code: Some("spouse_of".into()), ..Default::default() };
    let from_ivan = crm.neighbours(ivan.id, &spouse_q).unwrap();
    assert_eq!(from_ivan[0].label, "spouse of");
    assert_eq!(from_ivan[0].display_name, "Anna Bērziņa");
    let outgoing = NeighbourQuery { direction: Direction::Outgoing, ..Default::default() };
    assert_eq!(crm.neighbours(ivan.id, &outgoing).unwrap().len(), 1);
    let unknown = NeighbourQuery { type_code: Some("nope".into()), ..Default::default() };
    assert_eq!(crm.neighbours(ivan.id, &unknown).unwrap_err().field(), Some("type"));

    // Update and delete with versions.
    let patch = RelationshipPatch { valid_to: Some(None), strength: Some(Some(0.8)), ..Default::default() };
    let job2 = crm.update_relationship(job.id, job.version, &patch).unwrap();
    assert_eq!(job2.version, 2);
    assert_eq!(crm.update_relationship(job.id, job.version, &patch).unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(crm.neighbours(acme.id, &at(d(2024, 1, 1))).unwrap().len(), 2);
    crm.delete_relationship(job2.id, job2.version).unwrap();
    assert_eq!(crm.get_relationship(job.id).unwrap_err().kind(), ErrorKind::NotFound);
    let history = crm.history(job.id).unwrap();
    assert_eq!(
        history.iter().map(|h| h.action).collect::<Vec<_>>(),
        [AuditAction::Created, AuditAction::Updated, AuditAction::Deleted]
    );
    // Archived neighbours are left out unless asked for.
    let ivan = crm.get_party(ivan.id).unwrap();
    crm.archive_party(ivan.id, ivan.version).unwrap();
    assert_eq!(crm.neighbours(acme.id, &NeighbourQuery::default()).unwrap().len(), 0);
    let all = NeighbourQuery { include_archived: true, ..Default::default() };
    assert_eq!(crm.neighbours(acme.id, &all).unwrap().len(), 1);
}

#[test]
fn members_of_an_organization_include_sub_organizations() {
    let crm = Crm::open_in_memory().unwrap();
    let group = crm.create_party(NewParty::organization("Group")).unwrap();
    let sub = crm.create_party(NewParty::organization("Sub").with_parent(group.id)).unwrap();
    let subsub = crm.create_party(NewParty::organization("SubSub").with_parent(sub.id)).unwrap();
    let direct = crm.create_party(NewParty::person("Direct", "Person").with_parent(group.id)).unwrap();
    let deep = crm.create_party(NewParty::person("Deep", "Person").with_parent(subsub.id)).unwrap();
    let employee = crm.create_party(NewParty::person("Employee", "Of Sub")).unwrap();
    let former = crm.create_party(NewParty::person("Former", "Employee")).unwrap();
    let outsider = crm.create_party(NewParty::person("Out", "Sider")).unwrap();
    crm.create_relationship(NewRelationship::new("employee_of", employee.id, sub.id)).unwrap();
    let mut old = NewRelationship::new("employee_of", former.id, group.id);
    old.valid_to = Some(d(2019, 12, 31));
    crm.create_relationship(old).unwrap();
    crm.create_relationship(NewRelationship::new("knows", outsider.id, direct.id)).unwrap();

    let ids = |v: Vec<crm_core::Party>| {
        let mut v: Vec<_> = v.into_iter().map(|p| p.display_name).collect();
        v.sort();
        v
    };
    assert_eq!(
        ids(crm.members(group.id, None).unwrap()),
        ["Deep Person", "Direct Person", "Employee Of Sub", "Former Employee", "Sub", "SubSub"]
    );
    assert_eq!(
        ids(crm.members(group.id, Some(d(2024, 1, 1))).unwrap()),
        ["Deep Person", "Direct Person", "Employee Of Sub", "Sub", "SubSub"]
    );
    assert_eq!(ids(crm.members(sub.id, None).unwrap()), ["Deep Person", "Employee Of Sub", "SubSub"]);
    assert_eq!(crm.members(direct.id, None).unwrap_err().field(), Some("organization_id"));
    let _ = deep;
}

#[test]
fn shortest_path_both_ways_up_to_a_depth() {
    let crm = Crm::open_in_memory().unwrap();
    let names = ["A", "B", "C", "D", "E", "F"];
    let p: Vec<_> = names.iter().map(|n| crm.create_party(NewParty::person(*n, "")).unwrap()).collect();
    // A knows B, C reports to B, C knows D, D influences E; F is apart.
    crm.create_relationship(NewRelationship::new("knows", p[0].id, p[1].id)).unwrap();
    crm.create_relationship(NewRelationship::new("reports_to", p[2].id, p[1].id)).unwrap();
    crm.create_relationship(NewRelationship::new("knows", p[2].id, p[3].id)).unwrap();
    let mut dated = NewRelationship::new("influences", p[3].id, p[4].id);
    dated.valid_from = Some(d(2024, 1, 1));
    crm.create_relationship(dated).unwrap();
    // A shortcut that is longer in hops.
    let path = crm.shortest_path(p[0].id, p[4].id, 6, None).unwrap().unwrap();
    let hops: Vec<_> =
        path.iter().map(|s| (names[p.iter().position(|x| x.id == s.from_id).unwrap()], s.label.as_str())).collect();
    assert_eq!(hops, [("A", "knows"), ("B", "manages"), ("C", "knows"), ("D", "influences")]);
    assert_eq!(path.last().unwrap().to_id, p[4].id);
    for w in path.windows(2) {
        assert_eq!(w[0].to_id, w[1].from_id);
    }
    // Reversed, the labels read the other way.
    let back = crm.shortest_path(p[4].id, p[0].id, 6, None).unwrap().unwrap();
    assert_eq!(
        back.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(),
        ["influenced by", "knows", "reports to", "knows"]
    );
    assert!(crm.shortest_path(p[0].id, p[4].id, 3, None).unwrap().is_none(), "too deep");
    assert!(crm.shortest_path(p[0].id, p[4].id, 6, Some(d(2023, 6, 1))).unwrap().is_none(), "not yet valid");
    assert!(crm.shortest_path(p[0].id, p[5].id, 6, None).unwrap().is_none());
    assert_eq!(crm.shortest_path(p[0].id, p[0].id, 2, None).unwrap().unwrap().len(), 0);
    assert_eq!(crm.shortest_path(p[0].id, p[1].id, 0, None).unwrap_err().field(), Some("max_depth"));
    assert_eq!(crm.shortest_path(p[0].id, crm_core::Uuid::now_v7(), 2, None).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn relationships_in_a_batch_all_or_none_and_counted() {
    let crm = Crm::open_in_memory().unwrap();
    let a = crm.create_party(NewParty::person("A", "One")).unwrap();
    let b = crm.create_party(NewParty::person("B", "Two")).unwrap();
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let ok = crm
        .create_relationships(vec![
            NewRelationship::new("knows", a.id, b.id),
            NewRelationship::new("employee_of", a.id, acme.id),
            NewRelationship::new("employee_of", b.id, acme.id),
        ])
        .unwrap();
    assert_eq!(ok.len(), 3);
    let bad = crm.create_relationships(vec![
        NewRelationship::new("knows", b.id, a.id),
        NewRelationship::new("knows", a.id, a.id),
    ]);
    assert_eq!(bad.unwrap_err().field(), Some("relationships[1].to_id"));
    let counts = crm.relationship_counts().unwrap();
    assert_eq!(counts.get("employee_of"), Some(&2));
    assert_eq!(counts.get("knows"), Some(&1), "the batch with a bad item wrote nothing");
}
