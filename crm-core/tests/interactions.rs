//! The interaction timeline and tasks.

use chrono::{Duration, TimeZone, Utc};
use crm_core::{
    Channel, Crm, ErrorKind, Flow, InteractionLinks, InteractionPatch, LinkedEntity, MergeRequest, NewInteraction,
    NewParty, NewRelationship, NewTask, Participant, ParticipantRole, Party, RecordLink, TaskPatch, TaskPriority,
    TaskStatus, TimelineQuery, Uuid,
};

fn at(day: u32, hour: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, day, hour, 0, 0).unwrap()
}

#[test]
fn a_party_timeline_newest_first_in_pages() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let ivan = crm.create_party(NewParty::person("Иван", "Петров")).unwrap();
    for day in 1..=9 {
        let mut it = NewInteraction::new(
            if day % 3 == 0 { Channel::PhoneCall } else { Channel::Email },
            format!("Day {day}"),
            anna.id,
            ParticipantRole::From,
        );
        it.occurred_at = Some(at(day, 10));
        it.direction = Flow::Inbound;
        if day == 5 {
            it.participants.push(Participant { party_id: ivan.id, role: ParticipantRole::Cc });
        }
        crm.record_interaction(it).unwrap();
    }
    let mut q = TimelineQuery { limit: 4, ..Default::default() };
    let mut subjects = Vec::new();
    loop {
        let page = crm.timeline(anna.id, &q).unwrap();
        subjects.extend(page.items.iter().map(|i| i.subject.clone()));
        match page.next {
            Some(n) => q.after = Some(n),
            None => break,
        }
    }
    assert_eq!(subjects, (1..=9).rev().map(|d| format!("Day {d}")).collect::<Vec<_>>());
    let calls = TimelineQuery { channel: Some(Channel::PhoneCall), ..Default::default() };
    assert_eq!(crm.timeline(anna.id, &calls).unwrap().items.len(), 3);
    let period = TimelineQuery { from: Some(at(3, 0)), to: Some(at(6, 0)), ..Default::default() };
    let items = crm.timeline(anna.id, &period).unwrap().items;
    assert_eq!(items.iter().map(|i| i.subject.as_str()).collect::<Vec<_>>(), ["Day 5", "Day 4", "Day 3"]);
    let ivans = crm.timeline(ivan.id, &TimelineQuery::default()).unwrap().items;
    assert_eq!(ivans.len(), 1);
    assert_eq!(ivans[0].participants.len(), 2);
    let wrong = TimelineQuery { after: Some("junk".into()), ..Default::default() };
    assert_eq!(crm.timeline(anna.id, &wrong).unwrap_err().field(), Some("after"));
}

#[test]
fn an_organization_timeline_holds_its_people() {
    let crm = Crm::open_in_memory().unwrap();
    let acme = crm.create_party(NewParty::organization("Acme")).unwrap();
    let sub = crm.create_party(NewParty::organization("Acme Retail").with_parent(acme.id)).unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let kari = crm.create_party(NewParty::person("Kari", "Nordmann").with_parent(sub.id)).unwrap();
    crm.create_relationship(NewRelationship::new("employee_of", anna.id, acme.id)).unwrap();
    let outsider = crm.create_party(NewParty::person("Out", "Sider")).unwrap();
    for (i, p) in [acme.id, anna.id, kari.id, outsider.id].iter().enumerate() {
        let mut it = NewInteraction::new(Channel::Meeting, format!("M{i}"), *p, ParticipantRole::Attendee);
        it.occurred_at = Some(at(i as u32 + 1, 9));
        if i == 1 {
            // Anna and Kari in the same meeting: it shows once.
            it.participants.push(Participant { party_id: kari.id, role: ParticipantRole::Attendee });
        }
        crm.record_interaction(it).unwrap();
    }
    let all = crm.timeline(acme.id, &TimelineQuery::default()).unwrap().items;
    assert_eq!(all.iter().map(|i| i.subject.as_str()).collect::<Vec<_>>(), ["M2", "M1", "M0"]);
    let own = TimelineQuery { include_members: false, ..Default::default() };
    assert_eq!(crm.timeline(acme.id, &own).unwrap().items.len(), 1);
}

#[test]
fn interactions_link_update_and_delete() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let order = Uuid::now_v7();
    let mut it = NewInteraction::new(Channel::Chat, "Where is my order?", anna.id, ParticipantRole::From);
    it.links = InteractionLinks { order_id: Some(order), ..Default::default() };
    it.duration_seconds = Some(300);
    let it = crm.record_interaction(it).unwrap();
    crm.record_interaction(NewInteraction::new(Channel::Sms, "Hello", anna.id, ParticipantRole::To)).unwrap();
    let linked =
        TimelineQuery { links: InteractionLinks { order_id: Some(order), ..Default::default() }, ..Default::default() };
    assert_eq!(crm.timeline(anna.id, &linked).unwrap().items, vec![it.clone()]);
    let patch = InteractionPatch { outcome: Some(Some("tracking sent".into())), ..Default::default() };
    let it2 = crm.update_interaction(it.id, it.version, &patch).unwrap();
    assert_eq!(it2.outcome.as_deref(), Some("tracking sent"));
    assert_eq!(crm.update_interaction(it.id, it.version, &patch).unwrap_err().kind(), ErrorKind::Conflict);
    assert_eq!(crm.get_interaction(it.id).unwrap(), it2);
    crm.delete_interaction(it2.id, it2.version).unwrap();
    assert_eq!(crm.get_interaction(it.id).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(crm.timeline(anna.id, &TimelineQuery::default()).unwrap().items.len(), 1);
}

#[test]
fn bad_interactions() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let ok = NewInteraction::new(Channel::Email, "Hi", anna.id, ParticipantRole::From);
    let mut no_subject = ok.clone();
    no_subject.subject = "  ".into();
    assert_eq!(crm.record_interaction(no_subject).unwrap_err().field(), Some("subject"));
    let mut nobody = ok.clone();
    nobody.participants.clear();
    assert_eq!(crm.record_interaction(nobody).unwrap_err().field(), Some("participants"));
    let mut twice = ok.clone();
    twice.participants.push(Participant { party_id: anna.id, role: ParticipantRole::Cc });
    assert_eq!(crm.record_interaction(twice).unwrap_err().field(), Some("participants[1]"));
    let mut ghost = ok.clone();
    ghost.participants[0].party_id = Uuid::now_v7();
    assert_eq!(crm.record_interaction(ghost).unwrap_err().field(), Some("participants[0].party_id"));
    let mut long = ok;
    long.duration_seconds = Some(-5);
    assert_eq!(crm.record_interaction(long).unwrap_err().field(), Some("duration_seconds"));
    assert!(crm.events_after(0, 10).unwrap().iter().all(|e| e.entity != "interaction"));
}

#[test]
fn tasks_open_overdue_and_done() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let now = Utc::now();
    let call = crm
        .create_task(NewTask {
            subject: "Call back about the offer".into(),
            due_at: Some(now - Duration::hours(2)),
            owner: Some("inga".into()),
            priority: TaskPriority::High,
            link: Some(RecordLink { entity: LinkedEntity::Party, id: anna.id }),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(call.party_id, Some(anna.id));
    let later = crm
        .create_task(NewTask {
            subject: "Send catalogue".into(),
            due_at: Some(now + Duration::days(3)),
            party_id: Some(anna.id),
            ..Default::default()
        })
        .unwrap();
    crm.create_task(NewTask { subject: "Someday".into(), party_id: Some(anna.id), ..Default::default() }).unwrap();
    let other = crm
        .create_task(NewTask {
            subject: "Other".into(),
            due_at: Some(now - Duration::days(1)),
            owner: Some("juris".into()),
            ..Default::default()
        })
        .unwrap();
    let open = crm.open_tasks(anna.id).unwrap();
    assert_eq!(
        open.iter().map(|t| t.subject.as_str()).collect::<Vec<_>>(),
        ["Call back about the offer", "Send catalogue", "Someday"]
    );
    let overdue = crm.overdue_tasks(None, None, 100).unwrap();
    assert_eq!(overdue.iter().map(|t| t.id).collect::<Vec<_>>(), [other.id, call.id]);
    assert_eq!(crm.overdue_tasks(None, Some("inga"), 100).unwrap().len(), 1);
    let done = crm
        .update_task(call.id, call.version, &TaskPatch { status: Some(TaskStatus::Done), ..Default::default() })
        .unwrap();
    assert!(done.completed_at.is_some());
    assert_eq!(crm.open_tasks(anna.id).unwrap().len(), 2);
    let reopened = crm
        .update_task(done.id, done.version, &TaskPatch { status: Some(TaskStatus::Open), ..Default::default() })
        .unwrap();
    assert!(reopened.completed_at.is_none());
    crm.delete_task(later.id, later.version).unwrap();
    assert_eq!(crm.get_task(later.id).unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn bad_tasks() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let r = crm.create_task(NewTask { subject: " ".into(), party_id: Some(anna.id), ..Default::default() });
    assert_eq!(r.unwrap_err().field(), Some("subject"));
    let r = crm.create_task(NewTask { subject: "x".into(), party_id: Some(Uuid::now_v7()), ..Default::default() });
    assert_eq!(r.unwrap_err().kind(), ErrorKind::NotFound);
    let link = RecordLink { entity: LinkedEntity::Interaction, id: Uuid::now_v7() };
    let r = crm.create_task(NewTask { subject: "x".into(), link: Some(link), ..Default::default() });
    assert_eq!(r.unwrap_err().field(), Some("link"));
    let t = crm.create_task(NewTask { subject: "x".into(), ..Default::default() }).unwrap();
    let r = crm.update_task(t.id, t.version, &TaskPatch { subject: Some("".into()), ..Default::default() });
    assert_eq!(r.unwrap_err().field(), Some("subject"));
    assert_eq!(crm.overdue_tasks(None, None, 0).unwrap_err().field(), Some("limit"));
    assert_eq!(crm.get_task(t.id).unwrap(), t);
}

#[test]
fn interactions_are_searchable_by_subject_and_outcome() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let ivan = crm.create_party(NewParty::person("Ivan", "Petrov")).unwrap();
    let it = crm
        .record_interaction(NewInteraction::new(
            Channel::PhoneCall,
            "Pasūtījuma piegāde kavējas",
            anna.id,
            ParticipantRole::From,
        ))
        .unwrap();
    crm.record_interaction(NewInteraction::new(Channel::Email, "Счёт за ноябрь", ivan.id, ParticipantRole::To))
        .unwrap();
    assert_eq!(crm.search_interactions("pasutijuma", None, 10).unwrap()[0].id, it.id);
    assert_eq!(crm.search_interactions("счёт", None, 10).unwrap().len(), 1);
    assert!(crm.search_interactions("счёт", Some(anna.id), 10).unwrap().is_empty());
    let it = crm
        .update_interaction(
            it.id,
            it.version,
            &InteractionPatch { outcome: Some(Some("refund promised".into())), ..Default::default() },
        )
        .unwrap();
    assert_eq!(crm.search_interactions("refund", Some(anna.id), 10).unwrap().len(), 1);
    crm.delete_interaction(it.id, it.version).unwrap();
    assert!(crm.search_interactions("refund", None, 10).unwrap().is_empty());
    assert_eq!(crm.search_interactions("\"*", None, 10).unwrap_err().field(), Some("text"));
}

#[test]
fn interaction_search_ranks_in_tiers_then_newest_first() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let ivan = crm.create_party(NewParty::person("Ivan", "Petrov")).unwrap();
    let record = |party: &Party, subject: &str, outcome: Option<&str>| {
        let mut new = NewInteraction::new(Channel::PhoneCall, subject, party.id, ParticipantRole::From);
        new.outcome = outcome.map(str::to_string);
        crm.record_interaction(new).unwrap().id
    };
    // Recorded oldest first; for "pay": tier 4 (a prefix in the outcome),
    // 3 (a whole word in the outcome), 2 (a prefix in the subject), 1 (a
    // whole word of the subject).
    let d1 = record(&anna, "Call back", Some("payment promised"));
    let c1 = record(&ivan, "Call", Some("will pay on Monday"));
    let b1 = record(&anna, "Payment reminder", None);
    let a1 = record(&ivan, "Pay run", None);
    let a2 = record(&anna, "Pay slip", Some("pay"));
    let b2 = record(&ivan, "Payroll", None);
    record(&anna, "Unrelated", Some("nothing to see"));
    let ids = |text: &str, party: Option<&Party>, limit: usize| -> Vec<Uuid> {
        crm.search_interactions(text, party.map(|p| p.id), limit).unwrap().iter().map(|i| i.id).collect()
    };
    assert_eq!(ids("pay", None, 10), [a2, a1, b2, b1, c1, d1]);
    assert_eq!(ids("PAY", None, 3), [a2, a1, b2]);
    assert_eq!(ids("pay", Some(&anna), 10), [a2, b1, d1]);
    assert_eq!(ids("pay", Some(&ivan), 1), [a1]);
    // Every word must match; in any order.
    assert_eq!(ids("promised pay", None, 10), [d1]);
    assert_eq!(ids("monday will", Some(&ivan), 10), [c1]);
    assert!(ids("monday will", Some(&anna), 10).is_empty());
    // A party with no interactions, or none at all, has no hits.
    let nobody = crm.create_party(NewParty::person("No", "One")).unwrap();
    assert!(ids("pay", Some(&nobody), 10).is_empty());
    assert!(ids("pay", Some(&Party { id: Uuid::now_v7(), ..nobody.clone() }), 10).is_empty());
    // Query syntax is searched literally; bad input is a typed error.
    assert!(ids("pay OR NEAR(x", None, 10).is_empty());
    assert_eq!(ids("\"pay\" -", None, 10).len(), 6);
    let long = "pay ".repeat(251);
    assert_eq!(crm.search_interactions(&long, None, 10).unwrap_err().field(), Some("text"));
    assert_eq!(crm.search_interactions("pay", None, 0).unwrap_err().field(), Some("limit"));
    assert_eq!(crm.search_interactions("pay", None, 1001).unwrap_err().field(), Some("limit"));
}

#[test]
fn a_party_search_follows_merges_undos_and_deletions() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let dup = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let ivan = crm.create_party(NewParty::person("Ivan", "Petrov")).unwrap();
    let record = |party: Uuid, subject: &str| {
        crm.record_interaction(NewInteraction::new(Channel::Email, subject, party, ParticipantRole::From)).unwrap().id
    };
    // Many interactions of others, so that the party's few are found by
    // the index, not by reading the rest.
    for i in 0..300 {
        record(ivan.id, &format!("Refund request {i}"));
    }
    let own = record(anna.id, "Refund for order 7");
    let dups = record(dup.id, "Refund for order 9");
    let ids = |party: Uuid| -> Vec<Uuid> {
        crm.search_interactions("refund", Some(party), 10).unwrap().iter().map(|i| i.id).collect()
    };
    assert_eq!(ids(anna.id), [own]);
    assert_eq!(ids(dup.id), [dups]);
    assert_eq!(ids(ivan.id).len(), 10);

    let merged = crm
        .merge_parties(&MergeRequest { survivor_id: anna.id, merged_ids: vec![dup.id], ..Default::default() })
        .unwrap();
    assert_eq!(ids(anna.id), [dups, own]);
    assert!(ids(dup.id).is_empty());
    crm.undo_merge(merged.merge_id).unwrap();
    assert_eq!(ids(anna.id), [own]);
    assert_eq!(ids(dup.id), [dups]);

    // A deleted party's interactions are no longer found by its id; the
    // other participants' searches are unchanged.
    let both = {
        let mut new = NewInteraction::new(Channel::Meeting, "Refund meeting", dup.id, ParticipantRole::Attendee);
        new.participants.push(Participant { party_id: ivan.id, role: ParticipantRole::Attendee });
        crm.record_interaction(new).unwrap().id
    };
    let dup = crm.get_party(dup.id).unwrap();
    crm.delete_party(dup.id, dup.version).unwrap();
    assert!(ids(dup.id).is_empty());
    assert_eq!(ids(ivan.id)[0], both);
}

#[test]
fn a_base_of_schema_9_gets_party_search_on_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.db");
    let (anna, it) = {
        let crm = Crm::open(&path).unwrap();
        let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
        let it = crm
            .record_interaction(NewInteraction::new(Channel::Email, "Invoice copy", anna.id, ParticipantRole::To))
            .unwrap();
        (anna, it)
    };
    {
        // The index as schema 9 had it: subject and outcome only.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP TABLE interaction_fts;
             CREATE VIRTUAL TABLE interaction_fts USING fts5(subject, outcome, content = '', contentless_delete = 1,
                 tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4');
             INSERT INTO interaction_fts (rowid, subject, outcome)
             SELECT d.docid, i.subject, i.outcome FROM interaction i JOIN interaction_doc d ON d.interaction_id = i.id;
             PRAGMA user_version = 9;",
        )
        .unwrap();
    }
    let crm = Crm::open(&path).unwrap();
    assert_eq!(crm.search_interactions("invoice", Some(anna.id), 10).unwrap(), std::slice::from_ref(&it));
    assert_eq!(crm.search_interactions("invoice", None, 10).unwrap(), [it]);
}

#[test]
fn interactions_in_a_batch_all_or_none() {
    let crm = Crm::open_in_memory().unwrap();
    let anna = crm.create_party(NewParty::person("Anna", "Liepa")).unwrap();
    let ok: Vec<_> =
        (0..3).map(|i| NewInteraction::new(Channel::Sms, format!("S{i}"), anna.id, ParticipantRole::To)).collect();
    assert_eq!(crm.record_interactions(ok).unwrap().len(), 3);
    let mut bad: Vec<_> =
        (0..2).map(|i| NewInteraction::new(Channel::Sms, format!("B{i}"), anna.id, ParticipantRole::To)).collect();
    bad[1].subject = " ".into();
    assert_eq!(crm.record_interactions(bad).unwrap_err().field(), Some("interactions[1].subject"));
    assert_eq!(crm.timeline(anna.id, &TimelineQuery::default()).unwrap().items.len(), 3);
}
