//! The `crm` binary, run as a user would, on databases in a temporary
//! directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn crm(db: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_crm"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CRM_DB")
        .output()
        .expect("the crm binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(db: &Path, args: &[&str]) -> String {
    let r = crm(db, args);
    assert_eq!(r.code, 0, "crm {args:?} failed:\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
    r.stdout
}

fn ok_json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ok(db, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("crm {args:?}: not JSON ({e}):\n{out}"))
}

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("crm.db");
    (dir, db)
}

/// Every display name in the base, sorted, read page by page.
fn all_names(db: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let mut args = vec!["party", "list", "--limit", "200"];
        if let Some(a) = &after {
            args.push("--after");
            args.push(a);
        }
        let page = ok_json(db, &args);
        for p in page["items"].as_array().expect("items") {
            names.push(p["display_name"].as_str().expect("a name").to_string());
        }
        match page["next"].as_str() {
            Some(n) => after = Some(n.to_string()),
            None => break,
        }
    }
    names.sort();
    names
}

fn without_timings(mut v: Value) -> Value {
    if let Some(m) = v.as_object_mut() {
        for k in ["db", "elapsed_seconds", "parties_per_second", "records_per_second"] {
            m.remove(k);
        }
    }
    v
}

#[test]
fn demo_is_deterministic_and_browsable() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let args = ["demo", "--persons", "300", "--organizations", "40", "--seed", "11"];
    let sa = ok_json(&a, &args);
    let sb = ok_json(&b, &args);
    // The plan's parties, and the persons and organizations that converted
    // leads became.
    let persons = sa["persons"].as_u64().expect("a count");
    let organizations = sa["organizations"].as_u64().expect("a count");
    assert!((300..400).contains(&persons), "{persons}");
    assert!((40..100).contains(&organizations), "{organizations}");
    assert!(sa["relationships_total"].as_u64().expect("a count") > 300);
    assert!(sa["countries"].as_object().expect("countries").len() > 10);
    assert_eq!(without_timings(sa.clone()), without_timings(sb));

    let names_a = all_names(&a);
    let names_b = all_names(&b);
    assert_eq!(names_a.len() as u64, persons + organizations);
    assert_eq!(names_a, names_b);
    // Many scripts: Latin with diacritics, Cyrillic, Greek, Japanese.
    let all = names_a.join(" ");
    assert!(all.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)));
    assert!(all.chars().any(|c| "āēīūņšžøåæõäöü".contains(c)));

    // A different seed makes a different base.
    let c = dir.path().join("c.db");
    ok_json(&c, &["demo", "--persons", "300", "--organizations", "40", "--seed", "12"]);
    assert_ne!(all_names(&c), names_a);

    // The text summary and a second run on the same file.
    let again = crm(&a, &args);
    assert_ne!(again.code, 0);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let text = ok(&a, &["demo", "--persons", "300", "--organizations", "40", "--seed", "11", "--force"]);
    assert!(text.contains("Relationships by type"), "{text}");
    assert!(text.contains("employee_of"), "{text}");
    assert_eq!(all_names(&a), names_b);

    // Filters over the demo base.
    let customers = ok_json(&a, &["party", "list", "--role", "customer", "--count"]);
    assert!(customers["total"].as_u64().expect("a total") > 50);
    let lv = ok_json(&a, &["party", "list", "--country", "LV", "--limit", "5"]);
    for p in lv["items"].as_array().expect("items") {
        assert_eq!(p["country"], "LV");
    }
    let orgs = ok_json(&a, &["party", "list", "--kind", "organization", "--limit", "1000"]);
    assert_eq!(orgs["items"].as_array().expect("items").len() as u64, organizations);

    // Our own company has members and relationships.
    let own = ok_json(&a, &["party", "find", "info@aurora-retail.lv"]);
    let own_id = own["items"][0]["id"].as_str().expect("an id").to_string();
    let members = ok_json(&a, &["rel", "members", &own_id]);
    assert!(!members.as_array().expect("members").is_empty());
    let rels = ok_json(&a, &["rel", "list", &own_id, "--type", "employee_of"]);
    assert!(!rels.as_array().expect("relationships").is_empty());
    let text = ok(&a, &["party", "show", "info@aurora-retail.lv", "--history"]);
    assert!(text.contains("Aurora Retail Group SIA"), "{text}");
    assert!(text.contains("History"), "{text}");
}

#[test]
fn demo_refuses_to_delete_other_files() {
    let (_dir, db) = temp();
    std::fs::write(&db, "precious notes, not a database").expect("a file");
    let r = crm(&db, &["demo", "--persons", "5", "--organizations", "2", "--force"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not deleting"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&db).expect("still there"), "precious notes, not a database");
}

#[test]
fn parties_and_relationships() {
    let (_dir, db) = temp();
    let acme = ok_json(
        &db,
        &[
            "party",
            "add",
            "--name",
            "Acme SIA",
            "--email",
            "info@acme.lv",
            "--phone",
            "+371 2000 0002",
            "--country",
            "LV",
            "--city",
            "Rīga",
            "--street",
            "Brīvības iela 1",
            "--postal",
            "LV-1010",
            "--role",
            "customer",
            "--tier",
            "gold",
            "--tag",
            "b2b",
        ],
    );
    assert_eq!(acme["kind"], "organization");
    assert_eq!(acme["country"], "LV");
    let acme_id = acme["id"].as_str().expect("an id").to_string();

    let anna = ok_json(
        &db,
        &[
            "party",
            "add",
            "--given",
            "Anna",
            "--family",
            "Bērziņa",
            "--email",
            "Anna.Berzina@Acme.lv",
            "--email",
            "anna@inbox.lv",
            "--phone",
            "+371 2612 3456",
            "--role",
            "customer",
            "--vip",
            "--tag",
            "newsletter",
            "--parent",
            &acme_id,
        ],
    );
    assert_eq!(anna["display_name"], "Anna Bērziņa");
    assert_eq!(anna["contact_points"][0]["address"], "anna.berzina@acme.lv");
    assert_eq!(anna["contact_points"][2]["number"], "+37126123456");
    let anna_id = anna["id"].as_str().expect("an id").to_string();

    let ivan = ok_json(&db, &["party", "add", "--given", "Иван", "--family", "Петров", "--phone", "+359 88 123 4567"]);
    let ivan_id = ivan["id"].as_str().expect("an id").to_string();

    // Show, in text and JSON; by id, email or phone.
    let text = ok(&db, &["party", "show", &anna_id]);
    assert!(text.contains("Anna Bērziņa"), "{text}");
    assert!(text.contains("anna.berzina@acme.lv"), "{text}");
    assert!(text.contains("Acme SIA"), "{text}");
    let shown = ok_json(&db, &["party", "show", "anna@inbox.lv", "--history"]);
    assert_eq!(shown["party"]["id"], anna_id.as_str());
    assert!(!shown["history"].as_array().expect("history").is_empty());
    let shown = ok_json(&db, &["party", "show", "+37126123456"]);
    assert_eq!(shown["party"]["id"], anna_id.as_str());

    // Find by email, phone and name.
    let found = ok_json(&db, &["party", "find", "ANNA@inbox.lv"]);
    assert_eq!(found["matched_by"], "email");
    assert_eq!(found["items"][0]["id"], anna_id.as_str());
    let found = ok_json(&db, &["party", "find", "+359 88 123 4567"]);
    assert_eq!(found["matched_by"], "phone");
    assert_eq!(found["items"][0]["id"], ivan_id.as_str());
    let found = ok_json(&db, &["party", "find", "ив"]);
    assert_eq!(found["matched_by"], "name_prefix");
    assert_eq!(found["items"][0]["display_name"], "Иван Петров");
    let text = ok(&db, &["party", "find", "nobody@nowhere.lv"]);
    assert!(text.contains("Nothing found"), "{text}");

    // List with filters and pages.
    let list = ok_json(&db, &["party", "list", "--role", "customer"]);
    assert_eq!(list["items"].as_array().expect("items").len(), 2);
    let page1 = ok_json(&db, &["party", "list", "--limit", "2"]);
    let next = page1["next"].as_str().expect("a next cursor").to_string();
    let page2 = ok_json(&db, &["party", "list", "--limit", "2", "--after", &next]);
    assert_eq!(page2["items"].as_array().expect("items").len(), 1);
    assert!(page2["next"].is_null());
    let text = ok(&db, &["party", "list", "--limit", "2"]);
    assert!(text.contains("next: "), "{text}");
    let tagged = ok_json(&db, &["party", "list", "--tag", "newsletter"]);
    assert_eq!(tagged["items"][0]["id"], anna_id.as_str());
    let orgs = ok_json(&db, &["party", "list", "--kind", "org", "--country", "lv"]);
    assert_eq!(orgs["items"][0]["id"], acme_id.as_str());

    // Relationships.
    let rel = ok_json(
        &db,
        &["rel", "add", "employee_of", &anna_id, &acme_id, "--from-date", "2020-01-01", "--strength", "0.8"],
    );
    assert_eq!(rel["type"], "employee_of");
    ok(&db, &["rel", "add", "knows", "anna@inbox.lv", &ivan_id, "--to-date", "2030-12-31"]);
    let text = ok(&db, &["rel", "list", &acme_id]);
    assert!(text.contains("employer of"), "{text}");
    assert!(text.contains("Anna Bērziņa"), "{text}");
    let at = ok_json(&db, &["rel", "list", &acme_id, "--at", "2019-06-01"]);
    assert!(at.as_array().expect("a list").is_empty());
    let out = ok_json(&db, &["rel", "list", &anna_id, "--direction", "out", "--type", "knows"]);
    assert_eq!(out[0]["display_name"], "Иван Петров");

    let path = ok_json(&db, &["rel", "path", &ivan_id, &acme_id]);
    assert_eq!(path["found"], true);
    assert_eq!(path["hops"], 2);
    assert_eq!(path["steps"][1]["to_name"], "Acme SIA");
    let text = ok(&db, &["rel", "path", &ivan_id, &acme_id]);
    assert!(text.contains("employee of"), "{text}");
    let none = ok_json(&db, &["rel", "path", &ivan_id, &acme_id, "--depth", "1"]);
    assert_eq!(none["found"], false);

    let members = ok_json(&db, &["rel", "members", &acme_id]);
    assert_eq!(members[0]["id"], anna_id.as_str());
    let types = ok_json(&db, &["rel", "types"]);
    assert!(types.as_array().expect("types").iter().any(|t| t["code"] == "spouse_of"));
    let text = ok(&db, &["rel", "types"]);
    assert!(text.contains("subsidiary_of"), "{text}");
}

#[test]
fn errors_are_clear_and_fail() {
    let (_dir, db) = temp();
    // Reading a base that does not exist does not create it.
    let r = crm(&db, &["party", "list"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("no database"), "{}", r.stderr);
    assert!(!db.exists());

    let r = crm(&db, &["party", "add", "--given", "Anna", "--email", "not-an-email"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("contact_points[0].address"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);

    let r = crm(&db, &["--json", "party", "add", "--given", "Anna", "--phone", "+371 1"]);
    assert_ne!(r.code, 0);
    let err: Value = serde_json::from_str(r.stderr.trim()).expect("a JSON error");
    assert_eq!(err["error"]["kind"], "validation");
    assert_eq!(err["error"]["field"], "contact_points[0].number");

    let r = crm(&db, &["party", "add", "--given", "Anna", "--custom", "nope=1"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("custom.nope"), "{}", r.stderr);

    let anna = ok_json(&db, &["party", "add", "--given", "Anna"]);
    let id = anna["id"].as_str().expect("an id").to_string();
    let r = crm(&db, &["party", "show", "0190c1a2-7b3e-7d4f-8a9b-123456789abc"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not found"), "{}", r.stderr);
    let r = crm(&db, &["party", "show", "Anna"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("not a party id"), "{}", r.stderr);
    let r = crm(&db, &["rel", "add", "no_such_type", &id, &id]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("invalid type"), "{}", r.stderr);
    let r = crm(&db, &["rel", "members", &id]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("organization"), "{}", r.stderr);
    let r = crm(&db, &["party", "list", "--limit", "0"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("limit"), "{}", r.stderr);
    let r = crm(&db, &["party", "list", "--after", "garbage"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("after"), "{}", r.stderr);
    let r = crm(&db, &["rel", "path", &id, &id, "--depth", "9"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("max_depth"), "{}", r.stderr);
    // Usage errors come from the argument parser.
    let r = crm(&db, &["party", "list", "--sort", "sideways"]);
    assert_eq!(r.code, 2);
}

#[test]
fn custom_fields_from_the_command_line() {
    let (dir, db) = temp();
    // A small demo base defines the custom fields.
    ok(&db, &["demo", "--persons", "20", "--organizations", "3", "--seed", "3"]);
    let p = ok_json(
        &db,
        &[
            "party",
            "add",
            "--given",
            "Håkon",
            "--family",
            "Østby",
            "--custom",
            "loyalty_points=1200",
            "--custom",
            "segment=consumer",
            "--custom",
            "newsletter=yes",
        ],
    );
    assert_eq!(p["custom"]["loyalty_points"], 1200);
    assert_eq!(p["custom"]["segment"], "consumer");
    assert_eq!(p["custom"]["newsletter"], true);
    let r = crm(&db, &["party", "add", "--given", "X", "--custom", "loyalty_points=many"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("custom.loyalty_points"), "{}", r.stderr);
    let r = crm(&db, &["party", "add", "--given", "X", "--custom", "segment=galactic"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("custom.segment"), "{}", r.stderr);
    let found = ok_json(&db, &["party", "list", "--custom", "loyalty_points=1200", "--limit", "100"]);
    assert!(found["items"].as_array().expect("items").iter().any(|x| x["id"] == p["id"]));
    // The environment variable names the database too.
    let out = Command::new(env!("CARGO_BIN_EXE_crm"))
        .args(["--json", "party", "find", "Håk"])
        .env("CRM_DB", &db)
        .current_dir(dir.path())
        .output()
        .expect("the crm binary runs");
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["items"][0]["display_name"], "Håkon Østby");
}
