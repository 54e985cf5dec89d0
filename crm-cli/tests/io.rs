//! `crm import` and `crm export`, run as a user would, on files and
//! databases in a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(db: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_crm"));
    cmd.arg("--db").arg(db).args(args).env_remove("CRM_DB");
    let out: Output = match stdin {
        None => cmd.stdin(Stdio::null()).output().expect("the crm binary runs"),
        Some(bytes) => {
            let mut child =
                cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("crm starts");
            child.stdin.take().expect("a stdin").write_all(bytes).expect("stdin is written");
            child.wait_with_output().expect("crm ends")
        }
    };
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn crm(db: &Path, args: &[&str]) -> Run {
    run(db, args, None)
}

fn ok(db: &Path, args: &[&str]) -> String {
    let r = crm(db, args);
    assert_eq!(r.code, 0, "crm {args:?} failed:\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
    r.stdout
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn ok_json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    parse(&ok(db, &all))
}

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("crm.db");
    (dir, db)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

/// Text in Windows-1251: ASCII as is, the Cyrillic alphabet from 0xC0.
fn cp1251(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            c if c.is_ascii() => c as u8,
            'А'..='я' => 0xC0 + (c as u32 - 'А' as u32) as u8,
            other => panic!("{other:?} is not in this test's Windows-1251 table"),
        })
        .collect()
}

fn count(db: &Path) -> u64 {
    ok_json(db, &["party", "list", "--count", "--limit", "1"])["total"].as_u64().expect("a total")
}

/// A ';'-separated file in Windows-1251 (its header and rows ASCII but for
/// one Cyrillic row): two good rows, a bad email and a ragged row.
fn people_csv(dir: &Path, name: &str, anna_family: &str) -> PathBuf {
    let text = format!(
        "Name;Surname;E-mail;Town;Country;Tags\n\
         Anna;{anna_family};anna@example.lv;Riga;LV;vip,lv\n\
         Bad;Row;not-an-email;Riga;LV;\n\
         Иван;Петров;ivan@example.bg;София;BG;bg\n\
         Only;two\n"
    );
    let p = dir.join(name);
    std::fs::write(&p, cp1251(&text)).expect("the CSV is written");
    p
}

const MAP: &[&str] = &[
    "--map",
    "Name=given_name",
    "--map",
    "Surname=family_name",
    "--map",
    "E-mail=email",
    "--map",
    "Town=address.city",
    "--map",
    "Country=address.country",
    "--map",
    "Tags=tags",
];

#[test]
fn csv_import_maps_reports_and_upserts() {
    let (dir, db) = temp();
    let csv = people_csv(dir.path(), "people.csv", "Berzina");
    let rejects = dir.path().join("rejects.csv");

    let mut args = vec!["import", "csv", path(&csv), "--rejects", path(&rejects), "--save-mapping", "people"];
    args.extend_from_slice(MAP);
    let report = ok_json(&db, &args);
    assert_eq!(report["rows"], 4, "{report}");
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(report["rejected"], 2, "{report}");
    assert_eq!(report["rolled_back"], false);
    assert_eq!(report["encoding"], "windows-1251");
    assert_eq!(report["delimiter"], ";");
    let lines: Vec<u64> =
        report["rejects"].as_array().expect("rejects").iter().map(|r| r["line"].as_u64().expect("a line")).collect();
    assert_eq!(lines, [3, 5]);
    assert_eq!(report["rejects"][0]["field"], "contact_points[0].address");

    // The rejects file: line, field, reason, then the row as read.
    let written = std::fs::read_to_string(&rejects).expect("the rejects file");
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows.len(), 2, "{written}");
    assert!(rows[0].starts_with("3,contact_points[0].address,"), "{written}");
    assert!(rows[0].ends_with(",Bad,Row,not-an-email,Riga,LV,"), "{written}");
    assert!(rows[1].starts_with("5,,"), "{written}");
    assert!(rows[1].contains("ragged row"), "{written}");

    // The Cyrillic row was read in its encoding.
    let ivan = ok_json(&db, &["party", "find", "ivan@example.bg"]);
    assert_eq!(ivan["items"][0]["display_name"], "Иван Петров");
    assert_eq!(ivan["items"][0]["country"], "BG");
    assert_eq!(count(&db), 2);

    // Again, by the saved mapping and keyed by email: one party changed,
    // the other as it was, nothing created.
    let changed = people_csv(dir.path(), "changed.csv", "Berzina-Ozola");
    let text = ok(&db, &["import", "csv", path(&changed), "--mapping", "people", "--key", "email"]);
    for word in ["rows", "created", "updated", "unchanged", "rejected", "encoding", "windows-1251", "rolled back"] {
        assert!(text.contains(word), "{word} is missing:\n{text}");
    }
    assert!(text.contains("Rejected rows"), "{text}");
    assert!(text.contains("not-an-email"), "{text}");
    let report = ok_json(
        &db,
        &[
            "import",
            "csv",
            path(&people_csv(dir.path(), "again.csv", "Berzina-Kalna")),
            "--mapping",
            "people",
            "--key",
            "email",
        ],
    );
    assert_eq!(
        (report["created"].as_u64(), report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(0), Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(count(&db), 2);
    let anna = ok_json(&db, &["party", "find", "anna@example.lv"]);
    assert_eq!(anna["items"][0]["family_name"], "Berzina-Kalna");

    // Without a key, the same file creates new parties.
    let report = ok_json(&db, &["import", "csv", path(&changed), "--mapping", "people"]);
    assert_eq!(report["created"], 2, "{report}");
    assert_eq!(count(&db), 4);

    // Standard input, UTF-8, a declared delimiter.
    let input = "given|family|email\nMaija|Liepa|maija@example.lv\n";
    let r = run(
        &db,
        &[
            "--json",
            "import",
            "csv",
            "-",
            "--delimiter",
            "|",
            "--map",
            "given=given_name",
            "--map",
            "family=family_name",
            "--map",
            "email=email",
            "--key",
            "email",
        ],
        Some(input.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = parse(&r.stdout);
    assert_eq!((report["created"].as_u64(), report["encoding"].as_str()), (Some(1), Some("UTF-8")), "{report}");
    assert_eq!(count(&db), 5);
}

#[test]
fn csv_dry_run_writes_nothing() {
    let (dir, db) = temp();
    let csv = people_csv(dir.path(), "people.csv", "Berzina");
    let mut args = vec!["import", "csv", path(&csv), "--dry-run", "--save-mapping", "people"];
    args.extend_from_slice(MAP);

    // No base yet: a dry run does not create one.
    let report = ok_json(&db, &args);
    assert_eq!((report["created"].as_u64(), report["rejected"].as_u64()), (Some(2), Some(2)), "{report}");
    assert_eq!(report["rolled_back"], true);
    assert!(!db.exists(), "a dry run created the base");

    // On a base: nothing changes, and the mapping is not saved.
    ok(&db, &["party", "add", "--given", "Jānis", "--family", "Ozols", "--email", "janis@example.lv"]);
    let before = ok(&db, &["export", "json", "-"]);
    let text = ok(&db, &args);
    assert!(text.contains("Dry run: nothing was written."), "{text}");
    assert_eq!(ok(&db, &["export", "json", "-"]), before);
    assert_eq!(count(&db), 1);
    let r = crm(&db, &["import", "csv", path(&csv), "--mapping", "people"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("people"), "{}", r.stderr);
}

#[test]
fn csv_load_in_bulk_or_in_batches() {
    let (dir, db) = temp();
    let csv = people_csv(dir.path(), "people.csv", "Berzina");
    for (load, bulk) in [("batches", false), ("bulk", true)] {
        let mut args = vec!["import", "csv", path(&csv), "--load", load, "--key", "email"];
        args.extend_from_slice(MAP);
        let report = ok_json(&db, &args);
        assert_eq!(report["bulk"], bulk, "{report}");
        assert_eq!(report["rejected"].as_u64(), Some(2), "{report}");
        let text = ok(&db, &args);
        assert!(text.contains(if bulk { "in bulk" } else { "in batches" }), "{text}");
    }
    // Imported once, the rest unchanged: the key is the email.
    assert_eq!(count(&db), 2);
    let r = crm(&db, &["import", "csv", path(&csv), "--load", "fast"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("fast"), "{}", r.stderr);
}

#[test]
fn csv_errors_and_all_or_nothing() {
    let (dir, db) = temp();
    let csv = people_csv(dir.path(), "people.csv", "Berzina");
    ok(&db, &["party", "add", "--name", "Acme SIA"]);

    // A target that does not exist: nothing is read, the field is named.
    let r = crm(&db, &["import", "csv", path(&csv), "--map", "Name=no_such_field"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stderr.contains("mapping.columns"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = crm(&db, &["--json", "import", "csv", path(&csv), "--map", "Name=no_such_field"]);
    assert_eq!(r.code, 1);
    let err = parse(&r.stderr);
    assert_eq!(err["error"]["field"], "mapping.columns", "{err}");
    assert_eq!(err["error"]["kind"], "validation", "{err}");

    // A column the file does not have.
    let r = crm(&db, &["import", "csv", path(&csv), "--map", "Phone=phone"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("mapping.columns") && r.stderr.contains("Phone"), "{}", r.stderr);

    // No mapping at all; a malformed --map; an unknown encoding.
    let r = crm(&db, &["import", "csv", path(&csv)]);
    assert!(r.code == 1 && r.stderr.contains("mapping.columns"), "{}", r.stderr);
    let r = crm(&db, &["import", "csv", path(&csv), "--map", "Name"]);
    assert!(r.code == 1 && r.stderr.contains("mapping.columns"), "{}", r.stderr);
    let r = crm(&db, &["import", "csv", path(&csv), "--map", "Name=given_name", "--encoding", "klingon"]);
    assert!(r.code == 1 && r.stderr.contains("encoding"), "{}", r.stderr);

    // A file that cannot be read.
    let missing = dir.path().join("missing.csv");
    let r = crm(&db, &["import", "csv", path(&missing), "--map", "Name=given_name"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("missing.csv"), "{}", r.stderr);

    // A usage error: a key clap does not know.
    let r = crm(&db, &["import", "csv", path(&csv), "--map", "Name=given_name", "--key", "name"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(count(&db), 1);

    // All or nothing with bad rows: the report, then exit status 3.
    let mut args = vec!["import", "csv", path(&csv), "--all-or-nothing"];
    args.extend_from_slice(MAP);
    let r = crm(&db, &args);
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("yes (--all-or-nothing)"), "{}", r.stdout);
    assert!(r.stderr.contains("rolled back") && r.stderr.contains("nothing was imported"), "{}", r.stderr);
    assert_eq!(count(&db), 1);
    let mut all = vec!["--json"];
    all.extend_from_slice(&args);
    let r = crm(&db, &all);
    assert_eq!(r.code, 3);
    let report = parse(&r.stdout);
    assert_eq!((report["rolled_back"].as_bool(), report["rejected"].as_u64()), (Some(true), Some(2)), "{report}");
    assert_eq!(parse(&r.stderr)["error"]["kind"], "rolled_back");
    assert_eq!(count(&db), 1);

    // All or nothing with good rows only: imported.
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "Name;Surname;E-mail\nAnna;Berzina;anna@example.lv\n").expect("the CSV is written");
    let report = ok_json(
        &db,
        &[
            "import",
            "csv",
            path(&good),
            "--all-or-nothing",
            "--batch",
            "1",
            "--map",
            "Name=given_name",
            "--map",
            "Surname=family_name",
            "--map",
            "E-mail=email",
        ],
    );
    assert_eq!((report["created"].as_u64(), report["rolled_back"].as_bool()), (Some(1), Some(false)), "{report}");
    assert_eq!(count(&db), 2);
}

/// A small base with organizations, people in them, roles, contact points
/// and tags.
fn small_base(db: &Path) {
    ok(
        db,
        &[
            "party",
            "add",
            "--name",
            "Zeta SIA",
            "--email",
            "info@zeta.lv",
            "--country",
            "LV",
            "--city",
            "Rīga",
            "--vat",
            "LV40003000000",
            "--role",
            "customer",
            "--tier",
            "gold",
            "--tag",
            "b2b",
        ],
    );
    ok(
        db,
        &[
            "party",
            "add",
            "--given",
            "Anna",
            "--family",
            "Bērziņa",
            "--email",
            "anna@zeta.lv",
            "--phone",
            "+371 2612 3456",
            "--parent",
            "info@zeta.lv",
            "--role",
            "employee",
            "--title",
            "CTO",
            "--tag",
            "vip",
            "--language",
            "lv",
            "--birth-date",
            "1990-02-03",
        ],
    );
    ok(
        db,
        &[
            "party",
            "add",
            "--given",
            "Jānis",
            "--family",
            "Ozols",
            "--social",
            "linkedin:in/janis",
            "--web",
            "https://ozols.lv",
            "--role",
            "partner",
            "--partner-type",
            "reseller",
            "--country",
            "LV",
            "--city",
            "Liepāja",
        ],
    );
    ok(
        db,
        &[
            "party",
            "add",
            "--given",
            "Ивана",
            "--family",
            "Петрова",
            "--email",
            "ivana@example.bg",
            "--country",
            "BG",
            "--city",
            "София",
            "--tag",
            "bg",
        ],
    );
}

#[test]
fn json_export_import_export_is_identical() {
    let (dir, a) = temp();
    ok(&a, &["demo", "--persons", "40", "--organizations", "6", "--seed", "7"]);
    let first = dir.path().join("first.jsonl");
    let summary = ok_json(&a, &["export", "json", path(&first)]);
    assert_eq!(summary["content"], "base", "{summary}");

    let b = dir.path().join("b.db");
    let report = ok_json(&b, &["import", "json", path(&first)]);
    assert!(report["written"].as_u64().expect("a count") > 100, "{report}");
    let second = dir.path().join("second.jsonl");
    ok(&b, &["export", "json", path(&second)]);
    let (x, y) = (std::fs::read(&first).expect("an export"), std::fs::read(&second).expect("an export"));
    assert!(x == y, "the second export differs from the first");

    // A whole base goes only into an empty one.
    let r = crm(&b, &["import", "json", path(&first)]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("empty base"), "{}", r.stderr);

    // A selection to standard output, read from standard input.
    let text = ok(&a, &["export", "json", "-", "--parties", "--country", "LV"]);
    let lines: Vec<Value> = text.lines().map(parse).collect();
    assert_eq!(lines[0]["content"], "parties");
    let parties: Vec<&Value> = lines.iter().filter(|l| l["record"] == "party").collect();
    assert!(!parties.is_empty());
    assert!(parties.iter().all(|p| p["country"] == "LV"));
    // The selection carries custom values but not the fields' definitions:
    // it goes into a base that defines them (another demo base).
    let c = dir.path().join("c.db");
    ok(&c, &["demo", "--persons", "0", "--organizations", "1", "--seed", "8"]);
    let before = count(&c);
    let r = run(&c, &["--json", "import", "json", "-"], Some(text.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(parse(&r.stdout)["written"].as_u64(), Some(parties.len() as u64));
    assert_eq!(count(&c), before + parties.len() as u64);
    // A second time, they are all there already.
    let r = run(&c, &["--json", "import", "json", "-"], Some(text.as_bytes()));
    assert_eq!(parse(&r.stdout)["skipped"].as_u64(), Some(parties.len() as u64), "{}", r.stderr);
    let text = ok(&a, &["export", "json", path(&dir.path().join("lv.jsonl")), "--parties", "--country", "LV"]);
    assert!(text.contains(&format!("Exported {} parties", parties.len())), "{text}");

    // Filters select parties: without --parties they are an error.
    let r = crm(&a, &["export", "json", path(&dir.path().join("x.jsonl")), "--country", "LV"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--parties"), "{}", r.stderr);
    assert!(!dir.path().join("x.jsonl").exists());

    // A file that is not an export.
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"format\":\"crm\"\n").expect("written");
    let r = crm(&dir.path().join("d.db"), &["--json", "import", "json", path(&bad)]);
    assert_eq!(r.code, 1);
    assert_eq!(parse(&r.stderr)["error"]["field"], "line 1");
}

#[test]
fn vcard_export_import_round_trip() {
    let (dir, a) = temp();
    small_base(&a);
    let first = dir.path().join("first.vcf");
    let summary = ok_json(&a, &["export", "vcard", path(&first)]);
    assert_eq!(summary["parties"], 4, "{summary}");
    let cards = std::fs::read_to_string(&first).expect("the cards");
    assert_eq!(cards.matches("BEGIN:VCARD").count(), 4);
    assert!(cards.contains("FN:Anna Bērziņa"), "{cards}");

    // Into a new base, from standard input.
    let b = dir.path().join("b.db");
    let r = run(&b, &["--json", "import", "vcard", "-"], Some(cards.as_bytes()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = parse(&r.stdout);
    assert_eq!((report["cards"].as_u64(), report["created"].as_u64()), (Some(4), Some(4)), "{report}");
    assert_eq!(report["rejects"].as_array().map(Vec::len), Some(0));
    let second = ok(&b, &["export", "vcard", "-"]);
    assert_eq!(second, cards);
    let anna = ok_json(&b, &["party", "find", "anna@zeta.lv"]);
    let zeta = ok_json(&a, &["party", "find", "info@zeta.lv"]);
    assert_eq!(anna["items"][0]["parent_id"], zeta["items"][0]["id"]);

    // Again into the same base: the cards update their parties.
    let report = ok_json(&b, &["import", "vcard", path(&first)]);
    assert_eq!((report["created"].as_u64(), report["updated"].as_u64()), (Some(0), Some(4)), "{report}");
    assert_eq!(count(&b), 4);

    // A filtered export.
    let text = ok(&a, &["export", "vcard", "-", "--country", "BG"]);
    assert_eq!(text.matches("BEGIN:VCARD").count(), 1);
    assert!(text.contains("Петрова"), "{text}");

    // A bad card is reported with its line; the good one imports.
    let mixed = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Liga Kalna\r\nEMAIL:liga@example.lv\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:nobody@example.lv\r\nEND:VCARD\r\n";
    let file = dir.path().join("mixed.vcf");
    std::fs::write(&file, mixed).expect("written");
    let c = dir.path().join("c.db");
    let text = ok(&c, &["import", "vcard", path(&file)]);
    assert!(text.contains("Rejected cards"), "{text}");
    let report = ok_json(&dir.path().join("d.db"), &["import", "vcard", path(&file)]);
    assert_eq!((report["cards"].as_u64(), report["created"].as_u64()), (Some(2), Some(1)), "{report}");
    assert_eq!(report["rejects"][0]["line"], 6, "{report}");
}
