//! Full-text search.

use crm_core::{
    ContactValue, Crm, NewContactPoint, NewParty, PartyFilter, PartyKind, PartyPatch, RoleDetails, RoleKind,
    SearchQuery,
};

fn names(crm: &Crm, q: &SearchQuery) -> Vec<String> {
    crm.search_parties(q).unwrap().into_iter().map(|h| h.party.display_name).collect()
}

fn base() -> Crm {
    let crm = Crm::open_in_memory().unwrap();
    crm.create_parties(vec![
        NewParty::person("Anna", "Bērziņa").with_email("anna@acme.lv").with_role(RoleDetails::customer()),
        NewParty::person("Jānis", "Bērziņš").with_tag("vip"),
        NewParty::person("Иван", "Петров").with_email("ivan@mail.bg"),
        NewParty::person("Ingrid", "Østby").with_phone("+47 22 33 44 55"),
        NewParty::organization("Acme SIA").with_tag("wholesale"),
        NewParty::organization("multi-agent systems AS"),
        NewParty::organization("NEAR OR Partners"),
    ])
    .unwrap();
    crm
}

#[test]
fn prefix_case_and_diacritics_insensitive() {
    let crm = base();
    let mut found = names(&crm, &SearchQuery::new("berz"));
    found.sort();
    assert_eq!(found, ["Anna Bērziņa", "Jānis Bērziņš"]);
    assert_eq!(names(&crm, &SearchQuery::new("BĒRZIŅA")), ["Anna Bērziņa"]);
    assert_eq!(names(&crm, &SearchQuery::new("пет")), ["Иван Петров"]);
    assert_eq!(names(&crm, &SearchQuery::new("ПЕТРОВ иван")), ["Иван Петров"]);
    // ø is a letter of its own, not o with a mark: the user types it.
    assert_eq!(names(&crm, &SearchQuery::new("østb")), ["Ingrid Østby"]);
    // Contact points, tags.
    assert_eq!(names(&crm, &SearchQuery::new("anna@acme")), ["Anna Bērziņa"]);
    assert_eq!(names(&crm, &SearchQuery::new("4722334455")), ["Ingrid Østby"]);
    assert_eq!(names(&crm, &SearchQuery::new("wholes")), ["Acme SIA"]);
    // A name hit ranks above a contact hit: "acme" is Acme's name and Anna's email.
    assert_eq!(names(&crm, &SearchQuery::new("acme")), ["Acme SIA", "Anna Bērziņa"]);
}

#[test]
fn syntax_is_searched_literally() {
    let crm = base();
    assert_eq!(names(&crm, &SearchQuery::new("multi-agent")), ["multi-agent systems AS"]);
    assert_eq!(names(&crm, &SearchQuery::new("NEAR OR")), ["NEAR OR Partners"]);
    for text in
        [r#"""#, r#"a"b"#, "*", "name:anna", "NEAR(anna ivan)", "anna OR ivan", "-anna", "^anna", "anna AND", "(", "'"]
    {
        let r = crm.search_parties(&SearchQuery::new(text));
        match r {
            Ok(_) => {}
            Err(e) => assert_eq!(e.field(), Some("text"), "{text:?}: {e}"),
        }
    }
    // Nothing to search for is a typed error.
    assert_eq!(crm.search_parties(&SearchQuery::new(" -*: ")).unwrap_err().field(), Some("text"));
    // "anna OR ivan" means all three words, not a disjunction.
    assert!(names(&crm, &SearchQuery::new("anna OR ivan")).is_empty());
}

#[test]
fn combinable_with_list_filters_and_kept_in_step() {
    let crm = base();
    let q = SearchQuery {
        text: "b".into(),
        filter: PartyFilter { role: Some(RoleKind::Customer), ..Default::default() },
        ..Default::default()
    };
    assert_eq!(names(&crm, &q), ["Anna Bērziņa"]);
    let orgs = SearchQuery {
        text: "acme".into(),
        filter: PartyFilter { kind: Some(PartyKind::Organization), ..Default::default() },
        ..Default::default()
    };
    assert_eq!(names(&crm, &orgs), ["Acme SIA"]);
    // Updates, contact points, tags and notes reach the index at once.
    let ivan = crm.search_parties(&SearchQuery::new("ivan")).unwrap().remove(0).party;
    let ivan = crm
        .update_party(
            ivan.id,
            ivan.version,
            &PartyPatch { family_name: Some(Some("Sidorov".into())), ..Default::default() },
        )
        .unwrap();
    assert!(names(&crm, &SearchQuery::new("петров")).is_empty());
    assert_eq!(names(&crm, &SearchQuery::new("sidor")), ["Иван Sidorov"]);
    let cp = crm.add_contact_point(ivan.id, NewContactPoint::new(ContactValue::email("sidorov@post.bg"))).unwrap();
    assert_eq!(names(&crm, &SearchQuery::new("post.bg")), ["Иван Sidorov"]);
    crm.remove_contact_point(cp.id, cp.version).unwrap();
    assert!(names(&crm, &SearchQuery::new("post.bg")).is_empty());
    crm.add_tags(ivan.id, &["golfer"]).unwrap();
    crm.add_note(ivan.id, "Prefers calls after lunch").unwrap();
    assert_eq!(names(&crm, &SearchQuery::new("golf lunch")), ["Иван Sidorov"]);
    // Archived parties leave default searches; deleted ones leave the index.
    let ivan = crm.get_party(ivan.id).unwrap();
    let ivan = crm.archive_party(ivan.id, ivan.version).unwrap();
    assert!(names(&crm, &SearchQuery::new("sidorov")).is_empty());
    crm.delete_party(ivan.id, ivan.version).unwrap();
    let all = SearchQuery {
        text: "sidorov".into(),
        filter: PartyFilter { archived: crm_core::ArchivedFilter::Include, ..Default::default() },
        ..Default::default()
    };
    assert!(names(&crm, &all).is_empty());
}

#[test]
fn a_base_from_before_search_is_indexed_on_upgrade() {
    // The migration indexes parties that existed before it: simulate by
    // clearing the index, then re-running the migration's backfill.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    {
        let crm = Crm::open(&path).unwrap();
        crm.create_party(NewParty::person("Old", "Timer")).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE party_fts; DROP TABLE search_doc;
             DROP INDEX party_by_merged_into; ALTER TABLE party DROP COLUMN merged_into; DROP TABLE merge_record;
             DROP TABLE import_mapping; DROP TABLE interaction_fts; DROP TABLE interaction_doc;
             ALTER TABLE outbox DROP COLUMN audit_seq;
             PRAGMA user_version = 3;",
        )
        .unwrap();
    }
    let crm = Crm::open(&path).unwrap();
    assert_eq!(names(&crm, &SearchQuery::new("timer")), ["Old Timer"]);
}

#[test]
fn a_hit_behind_many_filtered_ones_is_still_found() {
    let crm = Crm::open_in_memory().unwrap();
    let archived =
        crm.create_parties((0..300).map(|i| NewParty::person("Zeta", format!("Archived{i}"))).collect()).unwrap();
    for p in &archived {
        crm.archive_party(p.id, p.version).unwrap();
    }
    crm.create_party(NewParty::person("Zeta", "Live")).unwrap();
    assert_eq!(names(&crm, &SearchQuery { limit: 5, ..SearchQuery::new("zeta") }), ["Zeta Live"]);
    let all = SearchQuery {
        text: "zeta".into(),
        filter: PartyFilter { archived: crm_core::ArchivedFilter::Include, ..Default::default() },
        limit: 1000,
    };
    assert_eq!(names(&crm, &all).len(), 301);
}

/// Names and scores of a search.
fn ranked(crm: &Crm, text: &str) -> Vec<(String, f64)> {
    crm.search_parties(&SearchQuery::new(text)).unwrap().into_iter().map(|h| (h.party.display_name, h.score)).collect()
}

#[test]
fn whole_words_before_prefixes_and_names_before_the_rest() {
    let crm = Crm::open_in_memory().unwrap();
    // Created worst first, so that index order alone would get it wrong.
    crm.create_parties(vec![
        NewParty::person("Ivo", "Ozols").with_email("ivo@tammsaare.ee"),
        NewParty::person("Eva", "Lind").with_email("eva@tamm.ee"),
        NewParty::organization("Tammela Oy").with_tag("wood"),
        NewParty::person("Mart", "Tamm"),
    ])
    .unwrap();
    let note = crm.create_party(NewParty::person("Kai", "Kask")).unwrap();
    crm.add_note(note.id, "Tamm recommended her").unwrap();
    let got = ranked(&crm, "tamm");
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    // Whole word of the name; prefix of a name; whole word of an email or a
    // note (in index order); prefix of an email.
    assert_eq!(names, ["Mart Tamm", "Tammela Oy", "Eva Lind", "Kai Kask", "Ivo Ozols"]);
    let scores: Vec<f64> = got.iter().map(|(_, s)| *s).collect();
    assert_eq!(scores, [4.0, 3.0, 2.0, 2.0, 1.0]);
    // Case and diacritics do not change a tier: "ŌZOLS" is Ivo's name.
    assert_eq!(ranked(&crm, "ŌZOLS"), [("Ivo Ozols".to_string(), 4.0)]);
    // Several words: all in the name beats spread over name and email.
    crm.create_party(NewParty::person("Eva", "Tamm")).unwrap();
    let names: Vec<String> = ranked(&crm, "eva tamm").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Eva Tamm", "Eva Lind"]);
    let names: Vec<String> = ranked(&crm, "eva ta").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Eva Tamm", "Eva Lind"]);
}

#[test]
fn a_name_prefix_ranks_above_a_whole_word_elsewhere() {
    let crm = Crm::open_in_memory().unwrap();
    crm.create_parties(vec![
        NewParty::person("Ilze", "Ozola").with_email("berz@example.lv"),
        NewParty::person("Anna", "Bērziņa"),
    ])
    .unwrap();
    assert_eq!(ranked(&crm, "berz"), [("Anna Bērziņa".to_string(), 3.0), ("Ilze Ozola".to_string(), 2.0)]);
}

#[test]
fn suggestions_are_the_hits_without_the_rest_of_the_party() {
    let crm = base();
    for text in ["b", "acme", "berz", "ivan", "4722", "zzz"] {
        for filter in [PartyFilter::default(), PartyFilter { kind: Some(PartyKind::Person), ..Default::default() }] {
            let q = SearchQuery { text: text.into(), filter, limit: 3 };
            let hits = crm.search_parties(&q).unwrap();
            let light = crm.suggest_parties(&q).unwrap();
            assert_eq!(light.len(), hits.len(), "{text}");
            for (l, h) in light.iter().zip(&hits) {
                assert_eq!(
                    (l.id, l.kind, &l.display_name, l.score),
                    (h.party.id, h.party.kind, &h.party.display_name, h.score)
                );
            }
        }
    }
    // The same checks as a search: bad text and bad limits are typed errors.
    assert_eq!(crm.suggest_parties(&SearchQuery::new(" -*: ")).unwrap_err().field(), Some("text"));
    assert_eq!(crm.suggest_parties(&SearchQuery::new("x".repeat(1001))).unwrap_err().field(), Some("text"));
    assert!(crm.suggest_parties(&SearchQuery { limit: 0, ..SearchQuery::new("anna") }).is_err());
    assert!(crm.suggest_parties(&SearchQuery { limit: 1001, ..SearchQuery::new("anna") }).is_err());
}

#[test]
fn a_broad_prefix_pages_by_tier_and_filter() {
    // More matches than a search reads at once, in several tiers, most of
    // them filtered out.
    let crm = Crm::open_in_memory().unwrap();
    let mut new = Vec::new();
    for i in 0..400 {
        new.push(NewParty::person("Ilga", "Ozola").with_email(format!("o{i}@zeltini.lv")));
        new.push(NewParty::person("Zane", format!("Zelta{i}")));
        new.push(NewParty::organization(format!("Zelt {i} SIA")));
        new.push(NewParty::person("Ieva", "Liepa").with_email(format!("zelt.{i}@example.lv")));
    }
    new.push(NewParty::person("Ieva", "Zelta").with_role(RoleDetails::customer()));
    new.push(NewParty::person("Ieva", "Liepa").with_email("zelt@example.lv").with_role(RoleDetails::customer()));
    new.push(NewParty::person("Ilga", "Ozola").with_email("ilga@zeltini.lv").with_role(RoleDetails::customer()));
    crm.create_parties(new).unwrap();
    let q = |filter: PartyFilter, limit| {
        crm.search_parties(&SearchQuery { text: "zelt".into(), filter, limit })
            .unwrap()
            .into_iter()
            .map(|h| (h.party.display_name, h.score))
            .collect::<Vec<_>>()
    };
    let all = q(PartyFilter::default(), 1000);
    assert_eq!(all.len(), 1000);
    assert!(all[..400].iter().all(|(n, s)| n.starts_with("Zelt ") && *s == 4.0));
    assert!(all[400..801].iter().all(|(n, s)| n.contains("Zelta") && *s == 3.0));
    assert!(all[801..].iter().all(|(n, s)| n == "Ieva Liepa" && *s == 2.0));
    let organizations = q(PartyFilter { kind: Some(PartyKind::Organization), ..Default::default() }, 1000);
    assert_eq!(organizations.len(), 400);
    let customers = q(PartyFilter { role: Some(RoleKind::Customer), ..Default::default() }, 20);
    assert_eq!(
        customers,
        [("Ieva Zelta".to_string(), 3.0), ("Ieva Liepa".to_string(), 2.0), ("Ilga Ozola".to_string(), 1.0)]
    );
}

/// Parties created in a batch get their documents at the end of the batch;
/// each must find its party by every part of it, as a single create does.
#[test]
fn a_batch_indexes_every_party_it_creates() {
    let crm = Crm::open_in_memory().unwrap();
    let batch: Vec<NewParty> = (0..40)
        .map(|i| {
            NewParty::person(format!("Given{i}"), format!("Family{i}"))
                .with_email(format!("Mail{i}@Example.LV"))
                .with_phone(format!("+371 2600 {i:04}"))
                .with_tag(format!("tag{i}"))
        })
        .collect();
    let created = crm.create_parties(batch).unwrap();
    let one = crm.create_party(NewParty::person("Single", "Person").with_tag("tag99")).unwrap();
    let find = |text: &str| -> Vec<uuid::Uuid> {
        crm.search_parties(&SearchQuery { text: text.into(), ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|h| h.party.id)
            .collect()
    };
    for (i, p) in created.iter().enumerate() {
        for text in [
            format!("given{i} family{i}"),
            format!("mail{i}@example.lv"),
            format!("+3712600{i:04}"),
            format!("2600 {i:04}"),
            format!("tag{i}"),
        ] {
            // Prefixes match Given10… too; the whole word ranks first.
            assert_eq!(find(&text).first(), Some(&p.id), "{text}");
        }
    }
    assert_eq!(find("tag99"), vec![one.id]);
    // An update re-indexes from the tables; the old name is gone.
    let p = &created[7];
    crm.update_party(
        p.id,
        p.version,
        &crm_core::PartyPatch { family_name: Some(Some("Renamed".into())), ..Default::default() },
    )
    .unwrap();
    assert!(find("family7").is_empty());
    assert_eq!(find("renamed"), vec![p.id]);
}
