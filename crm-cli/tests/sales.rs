//! The sales, activity, search, duplicate and report commands, run as a
//! user would on a small demo base in a temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

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

/// A failing command: non-zero exit, nothing on stdout, and with `--json`
/// an error object naming `field` on stderr.
fn fails(db: &Path, args: &[&str], field: &str) {
    let r = crm(db, args);
    assert_ne!(r.code, 0, "crm {args:?} should fail:\n{}", r.stdout);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(r.stderr.contains(field), "crm {args:?}: the error does not name {field}: {}", r.stderr);
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let r = crm(db, &all);
    assert_ne!(r.code, 0);
    let v: Value = serde_json::from_str(r.stderr.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.stderr));
    assert_eq!(v["error"]["field"], field, "{}", r.stderr);
}

/// One small demo base shared by the tests; each test that writes makes a
/// copy of it.
fn demo() -> &'static Path {
    static DEMO: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, db) = DEMO.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("demo.db");
        ok(&db, &["demo", "--persons", "300", "--organizations", "40", "--seed", "8"]);
        (dir, db)
    });
    db
}

fn copy_of_demo() -> (tempfile::TempDir, PathBuf) {
    let src = demo();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("copy.db");
    // A read-only open of the source first checkpoints nothing; copy the
    // file and its WAL so that the copy holds everything.
    for suffix in ["", "-wal"] {
        let mut from = src.as_os_str().to_owned();
        from.push(suffix);
        let mut to = db.as_os_str().to_owned();
        to.push(suffix);
        if Path::new(&from).exists() {
            std::fs::copy(&from, &to).expect("copy the demo base");
        }
    }
    (dir, db)
}

fn first_id(v: &Value) -> String {
    v["items"][0]["id"].as_str().or_else(|| v[0]["id"].as_str()).expect("an id").to_string()
}

#[test]
fn demo_has_sales_data() {
    let db = demo();
    let pipelines = ok_json(db, &["pipeline"]);
    let pipelines = pipelines.as_array().expect("pipelines");
    assert_eq!(pipelines.len(), 2);
    let stages = pipelines[0]["summary"]["stages"].as_array().expect("stages");
    assert!(stages.iter().map(|s| s["count"].as_u64().unwrap_or(0)).sum::<u64>() > 10);
    let show = ok(db, &["pipeline", "show", "New business"]);
    assert!(show.contains("Negotiation"), "{show}");

    let products = ok_json(db, &["product", "list"]);
    assert!(products.as_array().expect("products").len() > 50);
    let lists = ok_json(db, &["price-list", "list"]);
    assert!(lists.as_array().expect("lists").iter().any(|l| l["currency"] == "NOK"));
    assert!(lists.as_array().expect("lists").iter().any(|l| l["tier"] == "gold"));

    let orders = ok_json(db, &["order", "list", "--limit", "5"]);
    assert_eq!(orders["items"].as_array().expect("items").len(), 5);
    assert!(orders["next"].is_string());
    let order_id = first_id(&orders);
    let order = ok_json(db, &["order", "show", &order_id]);
    assert!(!order["lines"].as_array().expect("lines").is_empty());
    assert!(ok(db, &["order", "show", &order_id]).contains("Status history"));
    let party = order["party_id"].as_str().expect("a party").to_string();
    let mine = ok_json(db, &["order", "list", "--party", &party, "--limit", "100"]);
    assert!(mine["items"].as_array().expect("items").iter().all(|o| o["party_id"] == party.as_str()));

    let timeline = ok_json(db, &["timeline", &party, "--limit", "5"]);
    assert!(!timeline["items"].as_array().expect("items").is_empty());
    let web = ok_json(db, &["timeline", &party, "--channel", "email", "--from", "2023-01-01", "--to", "2026-01-01"]);
    assert!(web["items"].as_array().expect("items").iter().all(|i| i["channel"] == "email"));
    assert!(ok(db, &["timeline", &party]).contains("channel"));

    let leads = ok_json(db, &["lead", "list", "--limit", "50"]);
    assert!(!leads.as_array().expect("leads").is_empty());
    let converted = ok_json(db, &["lead", "list", "--status", "converted"]);
    assert!(converted.as_array().expect("leads").iter().all(|l| l["status"] == "converted"));

    let overdue = ok_json(db, &["task", "overdue"]);
    assert!(!overdue.as_array().expect("tasks").is_empty());
    ok(db, &["task", "overdue"]);
}

#[test]
fn reports_as_tables_and_json() {
    let db = demo();
    let funnel = ok_json(db, &["report", "funnel"]);
    assert_eq!(funnel["pipelines"].as_array().expect("pipelines").len(), 2);
    assert!(funnel["leads"][0]["leads"].as_u64().expect("a count") > 10);
    assert!(ok(db, &["report", "funnel", "--by", "source"]).contains("Leads by source"));
    let forecast = ok_json(db, &["report", "forecast"]);
    assert!(!forecast.as_array().expect("months").is_empty());
    let revenue = ok_json(db, &["report", "revenue", "--period", "quarter", "--by", "channel"]);
    assert!(revenue.as_array().expect("rows").len() > 8);
    let converted = ok_json(
        db,
        &[
            "report",
            "revenue",
            "--period",
            "year",
            "--convert-to",
            "EUR",
            "--rate",
            "NOK=0.087",
            "--rate",
            "SEK=0.089",
            "--rate",
            "PLN=0.23",
            "--rate",
            "BGN=0.511",
            "--rate",
            "GBP=1.17",
            "--rate",
            "USD=0.92",
            "--rate",
            "JPY=0.0062",
        ],
    );
    assert!(converted.as_array().expect("rows").iter().all(|r| r["currency"] == "EUR"));
    let rfm = ok_json(db, &["report", "rfm"]);
    assert!(!rfm["segments"].as_array().expect("segments").is_empty());
    let clv = ok_json(db, &["report", "clv", "--months", "6"]);
    assert!(clv["model"]["bgnbd"]["params"]["r"].as_f64().expect("r") > 0.0);
    let cohorts = ok_json(db, &["report", "cohorts", "--months", "6"]);
    assert!(cohorts.as_array().expect("cohorts").len() > 12);
    let churn = ok_json(db, &["report", "churn"]);
    assert!(churn.is_array());
    let rec = ok_json(db, &["report", "recommend"]);
    assert!(rec["evaluation"]["customers"].as_u64().expect("customers") > 10);
    let win = ok_json(db, &["report", "win"]);
    assert!(win["brier_model"].is_number());
    for r in ["funnel", "forecast", "revenue", "rfm", "clv", "cohorts", "churn", "recommend", "win"] {
        assert!(!ok(db, &["report", r]).is_empty(), "{r}");
    }
    // A customer's offers.
    let orders = ok_json(db, &["order", "list", "--limit", "1"]);
    let party = orders["items"][0]["party_id"].as_str().expect("a party").to_string();
    let rec = ok_json(db, &["report", "recommend", "--party", &party, "--k", "3"]);
    assert_eq!(rec["offers"].as_array().expect("offers").len(), 3);
}

#[test]
fn the_html_report_holds_every_chart() {
    let db = demo();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("report.html");
    let file_s = file.to_str().expect("a path");
    let out = ok_json(db, &["report", "--html", file_s]);
    assert_eq!(out["html"], file_s);
    let html = std::fs::read_to_string(&file).expect("the page");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    for id in ["funnel", "pipeline-by-month", "revenue", "channels", "rfm", "clv", "cohorts", "recommend"] {
        let tag = format!(r#"<section id="{id}">"#);
        assert!(html.contains(&tag), "no {id} section");
    }
    assert!(html.matches("<svg").count() >= 8);
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    assert_eq!(html.matches("<section").count(), html.matches("</section>").count());
    // Self-contained: nothing is loaded from elsewhere.
    assert!(!html.contains("src=\"http"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<link"));
    ok(db, &["report", "--html", file_s, "--currency", "NOK"]);
}

#[test]
fn sales_commands_on_a_fresh_base() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("shop.db");
    let db = db.as_path();
    let org = ok_json(db, &["party", "add", "--name", "Acme SIA", "--email", "info@acme.lv", "--role", "customer"]);
    let org_id = org["id"].as_str().expect("an id").to_string();
    ok(
        db,
        &["party", "add", "--given", "Anna", "--family", "Bērziņa", "--email", "anna@acme.lv", "--role", "customer"],
    );

    ok_json(db, &["product", "add", "--sku", "COF-1", "--name", "Espresso beans", "--category", "coffee"]);
    ok_json(db, &["product", "add", "--sku", "MUG-1", "--name", "Travel mug", "--category", "coffee"]);
    ok_json(db, &["price-list", "add", "Retail EUR", "--currency", "EUR"]);
    let set = ok_json(db, &["price-list", "set", "Retail EUR", "COF-1", "24.90"]);
    assert_eq!(set["unit_price"]["amount"], 2490);
    ok(db, &["price-list", "set", "Retail EUR", "MUG-1", "19.90"]);

    let order = ok_json(
        db,
        &[
            "order",
            "add",
            "--party",
            "anna@acme.lv",
            "--currency",
            "EUR",
            "--line",
            "COF-1:2",
            "--line",
            "MUG-1:1:15.00",
            "--channel",
            "web-shop",
            "--tax",
            "21",
        ],
    );
    assert_eq!(order["subtotal"], 2 * 2490 + 1500);
    assert_eq!(order["status"], "placed");
    let order_id = order["id"].as_str().expect("an id").to_string();
    for s in ["paid", "shipped", "delivered"] {
        assert_eq!(ok_json(db, &["order", "status", &order_id, s])["status"], s);
    }

    ok(db, &["pipeline", "add", "Sales", "--stage", "Qualify:10", "--stage", "Propose:50"]);
    let opp = ok_json(
        db,
        &[
            "opp",
            "add",
            "--name",
            "Office coffee",
            "--account",
            "info@acme.lv",
            "--pipeline",
            "Sales",
            "--amount",
            "1234.50",
            "--currency",
            "EUR",
            "--owner",
            "liga",
            "--close",
            "2025-09-30",
        ],
    );
    assert_eq!(opp["amount"]["amount"], 123450);
    let opp_id = opp["id"].as_str().expect("an id").to_string();
    ok_json(db, &["opp", "move", &opp_id, "Propose"]);
    let won = ok_json(db, &["opp", "move", &opp_id, "Won", "--reason", "best offer"]);
    assert_eq!(won["status"], "won");
    assert_eq!(ok_json(db, &["opp", "show", &opp_id])["stage_history"].as_array().expect("history").len(), 3);
    assert!(ok(db, &["opp", "show", &opp_id]).contains("Stage history"));
    assert_eq!(ok_json(db, &["opp", "list", &org_id]).as_array().expect("opportunities").len(), 1);
    let summary = ok_json(db, &["pipeline", "show", "Sales"]);
    assert_eq!(summary["summary"]["stages"][2]["count"], 1);

    let lead = ok_json(
        db,
        &[
            "lead",
            "add",
            "--given",
            "Jānis",
            "--family",
            "Kalniņš",
            "--email",
            "janis@nord.lv",
            "--company",
            "Nord SIA",
            "--source",
            "referral",
        ],
    );
    let lead_id = lead["id"].as_str().expect("an id").to_string();
    let conv = ok_json(
        db,
        &["lead", "convert", &lead_id, "--opportunity-pipeline", "Sales", "--amount", "900", "--currency", "EUR"],
    );
    assert_eq!(conv["lead"]["status"], "converted");
    assert_eq!(conv["opportunity"]["amount"]["amount"], 90000);
    assert_eq!(ok_json(db, &["lead", "list"]).as_array().expect("leads").len(), 1);

    let it = ok_json(
        db,
        &[
            "interaction",
            "add",
            "--channel",
            "phone-call",
            "--subject",
            "Asked about delivery",
            "--party",
            "anna@acme.lv",
            "--direction",
            "inbound",
            "--minutes",
            "5",
            "--order",
            &order_id,
            "--at",
            "2025-06-01T10:00:00Z",
        ],
    );
    assert_eq!(it["order_id"], order_id.as_str());
    ok(db, &["rel", "add", "employee_of", "anna@acme.lv", "info@acme.lv"]);
    let tl = ok_json(db, &["timeline", "info@acme.lv"]);
    assert_eq!(tl["items"].as_array().expect("items").len(), 1, "an organization's timeline holds its people's");

    let task =
        ok_json(db, &["task", "add", "--subject", "Call back", "--party", "anna@acme.lv", "--due", "2020-01-01"]);
    let task_id = task["id"].as_str().expect("an id").to_string();
    assert_eq!(ok_json(db, &["task", "list", "anna@acme.lv"]).as_array().expect("tasks").len(), 1);
    assert_eq!(ok_json(db, &["task", "overdue"]).as_array().expect("tasks").len(), 1);
    assert!(ok(db, &["task", "overdue"]).contains("Call back"));
    assert_eq!(ok_json(db, &["task", "done", &task_id])["status"], "done");
    assert!(ok_json(db, &["task", "overdue"]).as_array().expect("tasks").is_empty());
    fails(db, &["task", "done", &task_id], "status");

    let hits = ok_json(db, &["search", "berz"]);
    assert_eq!(hits[0]["party"]["display_name"], "Anna Bērziņa");
    assert!(ok(db, &["search", "acme", "--kind", "organization"]).contains("Acme SIA"));

    // --light: the same hits in the same order, id, kind, name and score only.
    let searches: [&[&str]; 3] =
        [&["search", "a"], &["search", "acme", "--kind", "organization"], &["search", "a", "--limit", "1"]];
    for args in searches {
        let hits = ok_json(db, args);
        let light = ok_json(db, &[args, &["--light"]].concat());
        let hits = hits.as_array().expect("hits");
        let light = light.as_array().expect("suggestions");
        assert!(!light.is_empty(), "{args:?} finds something");
        assert_eq!(light.len(), hits.len());
        for (s, h) in light.iter().zip(hits) {
            assert_eq!(s["id"], h["party"]["id"]);
            assert_eq!(s["kind"], h["party"]["kind"]);
            assert_eq!(s["display_name"], h["party"]["display_name"]);
            assert_eq!(s["score"], h["score"]);
            assert_eq!(s.as_object().expect("an object").len(), 4, "{s}");
        }
    }
    let table = ok(db, &["search", "berz", "--light"]);
    assert!(table.contains("Anna Bērziņa") && table.contains("person") && table.contains(" hits"), "{table}");
    assert!(ok(db, &["search", "zzzz", "--light"]).contains("Nothing matches"));
}

#[test]
fn interactions_are_searched() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("calls.db");
    let db = db.as_path();
    ok(db, &["party", "add", "--given", "Anna", "--family", "Bērziņa", "--email", "anna@acme.lv"]);
    let acme = ok_json(db, &["party", "add", "--name", "Acme SIA", "--email", "info@acme.lv"]);
    let acme = acme["id"].as_str().expect("an id").to_string();
    // Recorded oldest first. For "invoice": the start of a word of the
    // subject; a whole word of the subject (twice); a whole word of the
    // outcome only; no match.
    let add = |subject: &str, party: &str, outcome: Option<&str>| {
        let mut args = vec!["interaction", "add", "--channel", "email", "--subject", subject, "--party", party];
        if let Some(o) = outcome {
            args.extend(["--outcome", o]);
        }
        ok_json(db, &args)["id"].as_str().expect("an id").to_string()
    };
    let overdue = add("Invoices overdue", "anna@acme.lv", None);
    let sent = add("Invoice sent", "info@acme.lv", None);
    let question = add("Invoice question", "anna@acme.lv", None);
    let visit = add("Visit", "anna@acme.lv", Some("invoice paid"));
    add("Delivery date", "anna@acme.lv", None);
    let ids = |args: &[&str]| -> Vec<String> {
        let v = ok_json(db, &[&["interaction", "search"], args].concat());
        v.as_array().expect("an array").iter().map(|i| i["id"].as_str().expect("an id").to_string()).collect()
    };
    assert_eq!(ids(&["invoice"]), [question.clone(), sent.clone(), overdue.clone(), visit.clone()]);
    assert_eq!(ids(&["INVOICE", "--limit", "2"]), [question.clone(), sent.clone()]);
    assert_eq!(ids(&["invoice", "--party", "anna@acme.lv"]), [question.clone(), overdue.clone(), visit]);
    assert_eq!(ids(&["invoice", "--party", &acme]), [sent]);
    assert!(ids(&["delivery", "--party", "info@acme.lv"]).is_empty());
    assert!(ids(&["invoice OR NEAR(x*"]).is_empty());
    // An item is what the core gives for the interaction.
    let first = ok_json(db, &["interaction", "search", "invoice", "--limit", "1"]);
    assert_eq!(first[0]["subject"], "Invoice question");
    assert_eq!(first[0]["participants"][0]["role"], "attendee");

    let table = ok(db, &["interaction", "search", "invoice"]);
    assert!(
        table.contains("Invoice question") && table.contains("Anna Bērziņa") && table.contains("4 hits"),
        "{table}"
    );
    let lines: Vec<&str> = table.lines().collect();
    let at = |s: &str| lines.iter().position(|l| l.contains(s)).unwrap_or_else(|| panic!("{s} in {table}"));
    assert!(at("Invoice question") < at("Invoice sent") && at("Invoice sent") < at("Invoices overdue"), "{table}");
    assert!(ok(db, &["interaction", "search", "zzz"]).contains("Nothing matches"));

    fails(db, &["interaction", "search", "--", "-:*"], "text");
    fails(db, &["interaction", "search", ""], "text");
    fails(db, &["interaction", "search", &"a".repeat(1001)], "text");
    fails(db, &["interaction", "search", "invoice", "--limit", "0"], "limit");
    fails(db, &["interaction", "search", "invoice", "--limit", "1001"], "limit");
    let r = crm(db, &["interaction", "search", "invoice", "--party", "nobody"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("nobody") && !r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn bad_input_fails_naming_the_field() {
    let (_dir, db) = copy_of_demo();
    let db = db.as_path();
    let orders = ok_json(db, &["order", "list", "--status", "delivered", "--limit", "1"]);
    let order = ok_json(db, &["order", "show", &first_id(&orders)]);
    let party = order["party_id"].as_str().expect("a party").to_string();
    let currency = order["currency"].as_str().expect("a currency").to_string();
    let products = ok_json(db, &["product", "list"]);
    let sku = products[0]["sku"].as_str().expect("a sku").to_string();

    // A negative quantity; an unknown SKU; a line without a quantity.
    let line = format!("{sku}:-2");
    fails(db, &["order", "add", "--party", &party, "--currency", &currency, "--line", &line], "lines[0].quantity");
    fails(db, &["order", "add", "--party", &party, "--currency", &currency, "--line", "NO-SUCH:1"], "lines[0].sku");
    fails(db, &["order", "add", "--party", &party, "--currency", &currency, "--line", &sku], "lines[0].quantity");
    fails(db, &["order", "add", "--party", &party, "--currency", "EURO", "--line", &format!("{sku}:1")], "currency");
    // Delivered → draft.
    let id = order["id"].as_str().expect("an id");
    fails(db, &["order", "status", id, "draft"], "status");
    // Converting a lead twice.
    let converted = ok_json(db, &["lead", "list", "--status", "converted", "--limit", "1"]);
    fails(db, &["lead", "convert", &first_id(&converted)], "status");
    // Money and stages.
    fails(
        db,
        &["opp", "add", "--name", "X", "--account", &party, "--pipeline", "New business", "--amount", "12.345"],
        "amount",
    );
    fails(db, &["opp", "add", "--name", "X", "--account", &party, "--pipeline", "Nope", "--amount", "1"], "pipeline");
    fails(
        db,
        &["opp", "add", "--name", "X", "--account", &party, "--pipeline", "New business", "--amount", "-5"],
        "amount",
    );
    fails(db, &["price-list", "set", "Retail EUR", "NO-SUCH", "1"], "sku");
    fails(db, &["timeline", &party, "--from", "yesterday"], "from");
    fails(db, &["report", "revenue", "--convert-to", "EUR"], "rates");
    fails(db, &["search", "--", "-:*"], "text");
    fails(db, &["search", "--light", "--", "-:*"], "text");
    fails(db, &["search", "berz", "--light", "--limit", "0"], "limit");
    fails(db, &["dedup", "undo", "not-an-id"], "merge_id");
    fails(db, &["report"], "report");
}

#[test]
fn duplicates_are_found_merged_and_unmerged() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("dups.db");
    let db = db.as_path();
    let a = ok_json(
        db,
        &[
            "party",
            "add",
            "--given",
            "Anna",
            "--family",
            "Bērziņa",
            "--email",
            "anna@acme.lv",
            "--phone",
            "+371 2612 3456",
            "--birth-date",
            "1990-04-01",
        ],
    );
    let b = ok_json(
        db,
        &[
            "party",
            "add",
            "--given",
            "Anna",
            "--family",
            "Berzina",
            "--email",
            "anna.b@mail.lv",
            "--phone",
            "+37126123456",
            "--language",
            "lv",
        ],
    );
    ok_json(db, &["party", "add", "--given", "Pēteris", "--family", "Ozoliņš", "--email", "peteris@example.lv"]);
    let (a, b) = (a["id"].as_str().expect("id").to_string(), b["id"].as_str().expect("id").to_string());
    let scan = ok_json(db, &["dedup", "scan", "--kind", "person"]);
    assert_eq!(scan["total"], 1, "{scan}");
    let pair = &scan["pairs"][0];
    assert!([pair["a"].as_str(), pair["b"].as_str()].contains(&Some(a.as_str())));
    assert!(ok(db, &["dedup", "scan"]).contains("Bērziņa"));

    let choose = format!("language={b}");
    let merged = ok_json(db, &["dedup", "merge", &a, &b, "--choose", &choose]);
    assert_eq!(merged["survivor"]["language"], "lv");
    let merge_id = merged["merge_id"].as_str().expect("a merge id").to_string();
    assert_eq!(ok_json(db, &["dedup", "scan"])["total"], 0);
    let undone = ok_json(db, &["dedup", "undo", &merge_id]);
    assert_eq!(undone["id"], a.as_str());
    assert_eq!(ok_json(db, &["dedup", "scan"])["total"], 1);
    fails(db, &["dedup", "merge", &a, &a], "merged_ids[0]");
}
