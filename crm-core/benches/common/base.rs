//! Synthetic parties and the cached 1M-party, 1M-relationship base.
//!
//! The base is built once and kept under `<target>/bench-data/`, named by
//! schema version, generator version and size, and reused while those match.
//!
//! Building it through `create_parties` would take minutes, so its rows are
//! written with direct SQL: exactly the rows the library writes for the same
//! input (party, roles, contact points, tags, custom values; relationships),
//! which [`check_direct_rows`] proves before every build by creating the same
//! parties and relationships both ways and comparing what `get_party` and
//! `get_relationship` return, and the party columns that only filters read
//! (`sort_key`, `roles`, `country`). The custom fields are defined through
//! the public API. The base holds no audit or outbox rows for these parties
//! (the read benchmarks never touch those tables). Measured operations always
//! go through the public API.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Utc};
use crm_core::party::contact::PostalAddress;
use crm_core::party::{
    CompetitorRole, CustomerRole, EmployeeRole, Level, LifecycleStage, PartnerRole, PartnerType, StakeholderRole,
    SupplierRole,
};
use crm_core::{
    ContactValue, Crm, FieldType, NewContactPoint, NewFieldDef, NewParty, NewRelationship, PartyKind, RoleDetails,
    RoleKind, SCHEMA_VERSION, Uuid,
};
use rusqlite::{Connection, params};

/// Bump when the generated data changes, so that cached bases are rebuilt.
pub const GENERATOR_VERSION: u32 = 1;

/// The full size of the read benchmarks' base.
pub const PARTIES: usize = 1_000_000;
/// Relationships in the base.
pub const RELATIONSHIPS: usize = 1_000_000;

// ---------------------------------------------------------------- random

/// SplitMix64: a small, fast, deterministic generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with `percent` % probability.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------- names

/// Given names: (as written, in ASCII for email addresses).
const GIVEN: &[(&str, &str)] = &[
    ("Anna", "anna"),
    ("Jānis", "janis"),
    ("Līga", "liga"),
    ("Mārtiņš", "martins"),
    ("Ilze", "ilze"),
    ("Andris", "andris"),
    ("Kristīne", "kristine"),
    ("Edgars", "edgars"),
    ("Inese", "inese"),
    ("Raimonds", "raimonds"),
    ("Laura", "laura"),
    ("Toms", "toms"),
    ("Agnese", "agnese"),
    ("Rūdolfs", "rudolfs"),
    ("Evija", "evija"),
    ("Artūrs", "arturs"),
    ("Rasa", "rasa"),
    ("Mindaugas", "mindaugas"),
    ("Eglė", "egle"),
    ("Tomas", "tomas"),
    ("Kadri", "kadri"),
    ("Märt", "mart"),
    ("Liis", "liis"),
    ("Jüri", "juri"),
    ("Mikko", "mikko"),
    ("Aino", "aino"),
    ("Erik", "erik"),
    ("Sofia", "sofia"),
    ("Lukas", "lukas"),
    ("Hanna", "hanna"),
    ("Oskars", "oskars"),
    ("Dace", "dace"),
];

const FAMILY: &[(&str, &str)] = &[
    ("Bērziņa", "berzina"),
    ("Bērziņš", "berzins"),
    ("Kalniņa", "kalnina"),
    ("Kalniņš", "kalnins"),
    ("Ozola", "ozola"),
    ("Ozols", "ozols"),
    ("Jansone", "jansone"),
    ("Jansons", "jansons"),
    ("Liepiņa", "liepina"),
    ("Liepiņš", "liepins"),
    ("Krūmiņa", "krumina"),
    ("Krūmiņš", "krumins"),
    ("Vītola", "vitola"),
    ("Vītols", "vitols"),
    ("Zariņa", "zarina"),
    ("Zariņš", "zarins"),
    ("Pētersone", "petersone"),
    ("Kazlauskas", "kazlauskas"),
    ("Jankauskienė", "jankauskiene"),
    ("Petrauskas", "petrauskas"),
    ("Tamm", "tamm"),
    ("Saar", "saar"),
    ("Sepp", "sepp"),
    ("Mägi", "magi"),
    ("Korhonen", "korhonen"),
    ("Virtanen", "virtanen"),
    ("Andersson", "andersson"),
    ("Johansson", "johansson"),
    ("Müller", "muller"),
    ("Schmidt", "schmidt"),
    ("Eglīte", "eglite"),
    ("Siliņa", "silina"),
];

const ORG_WORDS: &[&str] = &[
    "Baltic",
    "Nordic",
    "Amber",
    "Riga",
    "Daugava",
    "Gauja",
    "Latvian",
    "Timber",
    "Logistics",
    "Foods",
    "Digital",
    "Energy",
    "Trade",
    "Build",
    "Print",
    "Dairy",
    "Textile",
    "Auto",
    "Pharma",
    "Marine",
];

const ORG_FORMS: &[&str] = &["SIA", "AS", "UAB", "OÜ", "Oy", "AB", "GmbH"];

/// Countries with weights (percent of parties that have an address).
const COUNTRIES: &[(&str, u64, &[&str], &str)] = &[
    ("LV", 40, &["Rīga", "Jūrmala", "Liepāja", "Daugavpils", "Jelgava"], "LV-"),
    ("LT", 25, &["Vilnius", "Kaunas", "Klaipėda"], "LT-"),
    ("EE", 20, &["Tallinn", "Tartu", "Pärnu"], ""),
    ("FI", 5, &["Helsinki", "Espoo"], ""),
    ("SE", 5, &["Stockholm", "Göteborg"], ""),
    ("DE", 5, &["Berlin", "Hamburg"], ""),
];

const STREETS: &[&str] = &["Brīvības iela", "Elizabetes iela", "Krišjāņa Barona iela", "Gedimino pr.", "Narva mnt"];

const TAGS: &[&str] = &["newsletter", "vip", "b2b", "event-2024", "riga", "wholesale", "webshop", "pos"];

const SEGMENTS: &[&str] = &["retail", "smb", "enterprise", "public", "ngo"];

const DOMAINS: &[&str] = &["example.lv", "example.lt", "example.ee", "mail.example.com", "example.org"];

// ---------------------------------------------------------------- parties

/// One synthetic party, in the terms of the public API.
#[derive(Debug, Clone)]
pub struct Spec {
    pub kind: PartyKind,
    pub given: &'static str,
    pub family: &'static str,
    pub legal: String,
    pub vat: Option<String>,
    pub email: String,
    /// As written: "+371 2xxxxxxx".
    pub phone: String,
    /// What the library stores: "+3712xxxxxxx" (region "LV").
    pub phone_e164: String,
    pub address: Option<PostalAddress>,
    pub roles: Vec<RoleDetails>,
    /// Sorted, without repeats.
    pub tags: Vec<String>,
    pub segment: Option<String>,
    pub points: Option<i64>,
    pub archived: bool,
}

/// A Latvian mobile number, written with a space, and its E.164 form.
pub fn phone(n: usize) -> (String, String) {
    // Mobile numbers are 2x xxx xxx with x after the 2 anything but 3.
    let k = (n.wrapping_mul(7_919) + 1) % 9_000_000;
    let digits = format!("2{}{:06}", [0, 1, 2, 4, 5, 6, 7, 8, 9][k % 9], k / 9);
    (format!("+371 {digits}"), format!("+371{digits}"))
}

/// A person with an email and a phone, as in the creation benchmark.
pub fn simple_person(n: usize) -> (String, String, String, String, String) {
    let mut rng = Rng::new(n as u64 ^ 0xC0FF_EE00);
    let (given, given_ascii) = *rng.pick(GIVEN);
    let (family, family_ascii) = *rng.pick(FAMILY);
    let email = format!("{given_ascii}.{family_ascii}.{n}@{}", rng.pick(DOMAINS));
    let (phone, e164) = phone(n);
    (given.to_string(), family.to_string(), email, phone, e164)
}

/// The `n`th party of the base.
pub fn spec(n: usize) -> Spec {
    let mut rng = Rng::new((n as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let kind = if rng.chance(15) { PartyKind::Organization } else { PartyKind::Person };
    let (given, given_ascii) = *rng.pick(GIVEN);
    let (family, family_ascii) = *rng.pick(FAMILY);
    let legal = format!("{} {} {} {}", rng.pick(ORG_WORDS), rng.pick(ORG_WORDS), n % 997, rng.pick(ORG_FORMS));
    let email = match kind {
        PartyKind::Person => format!("{given_ascii}.{family_ascii}.{n}@{}", rng.pick(DOMAINS)),
        PartyKind::Organization => format!("info.{n}@{}", rng.pick(DOMAINS)),
    };
    let (phone, phone_e164) = phone(n);
    let address = (!rng.chance(5)).then(|| {
        let mut w = rng.below(100) as u64;
        let mut country = &COUNTRIES[0];
        for c in COUNTRIES {
            if w < c.1 {
                country = c;
                break;
            }
            w -= c.1;
        }
        PostalAddress {
            street: Some(format!("{} {}", rng.pick(STREETS), 1 + rng.below(150))),
            street2: None,
            city: Some(rng.pick(country.2).to_string()),
            region: None,
            postal_code: Some(format!("{}{:04}", country.3, 1000 + rng.below(9000))),
            country: country.0.to_string(),
        }
    });
    let mut roles = Vec::new();
    if rng.chance(70) {
        roles.push(RoleDetails::Customer(CustomerRole {
            tier: rng.chance(30).then(|| (*rng.pick(&["gold", "silver", "bronze"])).to_string()),
            vip: rng.chance(3),
            lifecycle_stage: *rng.pick(&[LifecycleStage::Customer, LifecycleStage::Lead, LifecycleStage::Churned]),
            customer_number: rng.chance(50).then(|| format!("C{n:07}")),
        }));
    }
    if rng.chance(5) {
        roles.push(RoleDetails::Partner(PartnerRole { partner_type: PartnerType::Reseller, tier: None }));
    }
    match kind {
        PartyKind::Person => {
            if rng.chance(5) {
                roles.push(RoleDetails::Employee(EmployeeRole {
                    department: Some("Sales".into()),
                    title: Some("Account manager".into()),
                    manager_id: None,
                    employee_number: Some(format!("E{n:06}")),
                }));
            }
        }
        PartyKind::Organization => {
            if rng.chance(10) {
                roles.push(RoleDetails::Supplier(SupplierRole {
                    category: Some("logistics".into()),
                    preferred: rng.chance(20),
                    supplier_number: None,
                }));
            }
            if rng.chance(3) {
                roles.push(RoleDetails::Competitor(CompetitorRole { threat: Level::High, markets: vec!["LV".into()] }));
            }
        }
    }
    if rng.chance(2) {
        roles.push(RoleDetails::Stakeholder(StakeholderRole::default()));
    }
    let mut tags: Vec<String> = (0..rng.below(3)).map(|_| rng.pick(TAGS).to_string()).collect();
    tags.sort();
    tags.dedup();
    Spec {
        kind,
        given,
        family,
        vat: (kind == PartyKind::Organization).then(|| format!("LV4000{:07}", n % 10_000_000)),
        legal,
        email,
        phone,
        phone_e164,
        address,
        roles,
        tags,
        segment: rng.chance(50).then(|| rng.pick(SEGMENTS).to_string()),
        points: rng.chance(30).then(|| rng.below(10_000) as i64),
        archived: rng.chance(3),
    }
}

impl Spec {
    pub fn display_name(&self) -> String {
        match self.kind {
            PartyKind::Person => format!("{} {}", self.given, self.family),
            PartyKind::Organization => self.legal.clone(),
        }
    }

    /// The same party as a `NewParty` for the public API.
    pub fn new_party(&self) -> NewParty {
        let mut p = match self.kind {
            PartyKind::Person => NewParty::person(self.given, self.family),
            PartyKind::Organization => NewParty::organization(self.legal.clone()),
        };
        p.vat_number = self.vat.clone();
        p = p.with_email(self.email.clone()).with_phone(self.phone.clone());
        if let Some(a) = &self.address {
            p = p.with_contact(NewContactPoint::new(ContactValue::Address(a.clone())));
        }
        for r in &self.roles {
            p = p.with_role(r.clone());
        }
        for t in &self.tags {
            p = p.with_tag(t.clone());
        }
        if let Some(s) = &self.segment {
            p = p.with_custom("segment", s.as_str());
        }
        if let Some(v) = self.points {
            p = p.with_custom("points", v);
        }
        p
    }
}

/// Define the base's custom fields through the public API; returns the ids
/// of "segment" and "points".
pub fn define_fields(crm: &Crm) -> (Uuid, Uuid) {
    let segment = crm.define_field(NewFieldDef::new("party", "segment", FieldType::Text)).unwrap();
    let points = crm.define_field(NewFieldDef::new("party", "points", FieldType::Integer)).unwrap();
    (segment.id, points.id)
}

fn role_bit(kind: RoleKind) -> i64 {
    1 << RoleKind::ALL.iter().position(|k| *k == kind).unwrap()
}

/// Writes the rows of parties and relationships with direct SQL.
pub struct DirectWriter<'c> {
    conn: &'c Connection,
    segment_field: Uuid,
    points_field: Uuid,
}

impl<'c> DirectWriter<'c> {
    pub fn new(conn: &'c Connection, fields: (Uuid, Uuid)) -> DirectWriter<'c> {
        DirectWriter { conn, segment_field: fields.0, points_field: fields.1 }
    }

    /// Insert the rows `create_parties` writes for `s` (then, if it is to
    /// be archived, what `archive_party` changes), without audit and outbox.
    pub fn party(&self, s: &Spec, id: Uuid, now: DateTime<Utc>) {
        let us = now.timestamp_micros();
        let display = s.display_name();
        let bits = s.roles.iter().fold(0, |acc, r| acc | role_bit(r.kind()));
        let country = s.address.as_ref().map(|a| a.country.as_str());
        let (given, family, legal) = match s.kind {
            PartyKind::Person => (Some(s.given), Some(s.family), None),
            PartyKind::Organization => (None, None, Some(s.legal.as_str())),
        };
        self.conn
            .prepare_cached(
                "INSERT INTO party (id, kind, display_name, sort_key, given_name, family_name, legal_name, vat_number,
                     commercial_id, country, roles, archived_at, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?1, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .unwrap()
            .execute(params![
                id,
                s.kind.as_str(),
                display,
                display.to_lowercase(),
                given,
                family,
                legal,
                s.vat,
                country,
                bits,
                s.archived.then_some(us),
                us,
                us,
                if s.archived { 2 } else { 1 },
            ])
            .unwrap();
        let mut role = self
            .conn
            .prepare_cached(
                "INSERT INTO party_role (id, party_id, role, details, valid_from, valid_to, created_at, updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5, ?5, 1)",
            )
            .unwrap();
        for r in &s.roles {
            role.execute(params![Uuid::now_v7(), id, r.kind().as_str(), serde_json::to_string(r).unwrap(), us])
                .unwrap();
        }
        let mut contact = self
            .conn
            .prepare_cached(
                "INSERT INTO contact_point (id, party_id, kind, value, raw, data, label, is_primary, verified, created_at,
                     updated_at, version, country)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 1, 0, ?7, ?7, 1, ?8)",
            )
            .unwrap();
        contact
            .execute(params![Uuid::now_v7(), id, "email", s.email, None::<String>, None::<String>, us, None::<String>])
            .unwrap();
        contact.execute(params![Uuid::now_v7(), id, "phone", s.phone_e164, s.phone, "LV", us, None::<String>]).unwrap();
        if let Some(a) = &s.address {
            let key = ContactValue::Address(a.clone()).key();
            let data = serde_json::to_string(a).unwrap();
            contact.execute(params![Uuid::now_v7(), id, "address", key, None::<String>, data, us, a.country]).unwrap();
        }
        let mut tag = self.conn.prepare_cached("INSERT INTO tag (party_id, tag) VALUES (?1, ?2)").unwrap();
        for t in &s.tags {
            tag.execute(params![id, t]).unwrap();
        }
        let mut value = self
            .conn
            .prepare_cached("INSERT INTO custom_value (entity_id, field_id, value) VALUES (?1, ?2, ?3)")
            .unwrap();
        if let Some(v) = &s.segment {
            value.execute(params![id, self.segment_field, v]).unwrap();
        }
        if let Some(v) = s.points {
            value.execute(params![id, self.points_field, v]).unwrap();
        }
    }

    /// Insert the row `create_relationship` writes, without audit and outbox.
    pub fn relationship(&self, type_code: &str, from: Uuid, to: Uuid, valid_from: Option<&str>, now: DateTime<Utc>) {
        let us = now.timestamp_micros();
        self.conn
            .prepare_cached(
                "INSERT INTO relationship (id, type, from_id, to_id, valid_from, valid_to, strength, notes, created_at,
                     updated_at, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, NULL, NULL, NULL, ?6, ?6, 1)",
            )
            .unwrap()
            .execute(params![Uuid::now_v7(), type_code, from, to, valid_from, us])
            .unwrap();
    }
}

/// Replace ids and times in a record's JSON so that two records written at
/// different moments compare equal when their contents are.
pub fn blank_ids_and_times(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if matches!(k.as_str(), "id" | "party_id" | "commercial_id" | "from_id" | "to_id") || k.ends_with("_at")
                {
                    if !x.is_null() {
                        *x = serde_json::Value::String("…".into());
                    }
                } else {
                    blank_ids_and_times(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(blank_ids_and_times),
        _ => {}
    }
}

/// Prove that [`DirectWriter`] writes what the library writes: create
/// parties and relationships through the API and directly in a scratch base
/// and compare them as the API returns them, plus the filter columns.
pub fn check_direct_rows() {
    let dir = super::temp_dir();
    let path = dir.path().join("check.sqlite");
    let crm = Crm::open(&path).unwrap();
    let fields = define_fields(&crm);
    let conn = super::raw_writer(&path);
    let direct = DirectWriter::new(&conn, fields);
    let filter_cols = |id: Uuid| -> (String, i64, Option<String>, i64) {
        conn.query_row("SELECT sort_key, roles, country, version FROM party WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
    };
    let mut checked = 0;
    let mut pair = None;
    for n in 0..400 {
        let s = spec(n);
        let (api_phone, _) = crm_core::party::contact::normalize_phone(&s.phone, None).unwrap();
        assert_eq!(api_phone, s.phone_e164, "phone normalization of {}", s.phone);
        let mut api = crm.create_parties(vec![s.new_party()]).unwrap().remove(0);
        if s.archived {
            api = crm.archive_party(api.id, api.version).unwrap();
        }
        let id = Uuid::now_v7();
        direct.party(&s, id, chrono::Utc::now());
        let mut a = serde_json::to_value(crm.get_party(api.id).unwrap()).unwrap();
        let mut d = serde_json::to_value(crm.get_party(id).unwrap()).unwrap();
        blank_ids_and_times(&mut a);
        blank_ids_and_times(&mut d);
        assert_eq!(a, d, "direct rows differ from the library's for party {n}");
        assert_eq!(filter_cols(api.id), filter_cols(id), "filter columns of party {n}");
        if pair.is_none() && s.kind == PartyKind::Person && !s.archived {
            pair = Some(api.id);
        } else if let Some(person) = pair
            && s.kind == PartyKind::Organization
            && !s.archived
        {
            let mut new = NewRelationship::new("employee_of", person, api.id);
            new.valid_from = chrono::NaiveDate::from_ymd_opt(2019, 3, 1);
            let api_rel = crm.create_relationship(new).unwrap();
            direct.relationship("employee_of", person, api.id, Some("2019-03-01"), chrono::Utc::now());
            let direct_rel: Uuid = conn
                .query_row(
                    "SELECT id FROM relationship WHERE from_id = ?1 AND to_id = ?2 AND id <> ?3",
                    params![person, api.id, api_rel.id],
                    |r| r.get(0),
                )
                .unwrap();
            let mut a = serde_json::to_value(&api_rel).unwrap();
            let mut d = serde_json::to_value(crm.get_relationship(direct_rel).unwrap()).unwrap();
            blank_ids_and_times(&mut a);
            blank_ids_and_times(&mut d);
            assert_eq!(a, d, "direct relationship rows differ from the library's");
            pair = None;
        }
        checked += 1;
    }
    assert!(checked > 0);
}

/// The cached read base.
pub struct Base {
    pub path: PathBuf,
    pub parties: usize,
    pub relationships: usize,
}

/// The base of the read benchmarks at the current scale: reused from the
/// cache when present and complete, else built (a minute or two at full size).
pub fn base() -> Base {
    let parties = super::scaled(PARTIES, 2_000);
    let relationships = super::scaled(RELATIONSHIPS, 2_000);
    let path = super::data_dir()
        .join(format!("base-s{SCHEMA_VERSION}-g{GENERATOR_VERSION}-p{parties}-r{relationships}.sqlite"));
    if path.exists() && is_complete(&path, parties, relationships) {
        eprintln!("base: reusing {}", path.display());
    } else {
        build(&path, parties, relationships);
    }
    Base { path, parties, relationships }
}

fn is_complete(path: &Path, parties: usize, relationships: usize) -> bool {
    let Ok(conn) = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return false;
    };
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap_or(-1);
    count("PRAGMA user_version") == SCHEMA_VERSION
        && count("SELECT count(*) FROM party") == parties as i64
        && count("SELECT count(*) FROM relationship") == relationships as i64
}

fn build(path: &Path, parties: usize, relationships: usize) {
    let started = Instant::now();
    eprintln!("base: checking that direct rows match the library's");
    check_direct_rows();
    eprintln!("base: building {} ({parties} parties, {relationships} relationships)", path.display());
    let tmp = path.with_extension("building");
    for p in [tmp.clone(), tmp.with_extension("building-wal"), tmp.with_extension("building-shm")] {
        let _ = std::fs::remove_file(p);
    }
    // The schema and the custom fields through the library.
    let fields = {
        let crm = Crm::open(&tmp).unwrap();
        define_fields(&crm)
    };
    let conn = Connection::open(&tmp).unwrap();
    // Bulk-load settings; the file is switched back to WAL at the end.
    conn.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA foreign_keys=OFF;",
    )
    .unwrap();
    let direct = DirectWriter::new(&conn, fields);
    let now = Utc::now();
    let mut persons = Vec::new();
    let mut orgs = Vec::new();
    conn.execute_batch("BEGIN").unwrap();
    for n in 0..parties {
        let s = spec(n);
        let id = Uuid::now_v7();
        direct.party(&s, id, now);
        match s.kind {
            PartyKind::Person => persons.push(id),
            PartyKind::Organization => orgs.push(id),
        }
        if n % 50_000 == 49_999 {
            conn.execute_batch("COMMIT; BEGIN").unwrap();
            eprintln!("base: {} parties ({:.0?})", n + 1, started.elapsed());
        }
    }
    // 85 %: persons employed by organizations, skewed so that a few
    // organizations are large; the rest: persons who know each other and
    // organizations buying from each other.
    let mut rng = Rng::new(42);
    for n in 0..relationships {
        let r = rng.below(100);
        if r < 85 {
            let from = persons[n % persons.len()];
            let to = orgs[(orgs.len() as f64 * rng.unit().powi(2)) as usize];
            let since = rng.chance(50).then(|| format!("{}-{:02}-01", 2005 + rng.below(20), 1 + rng.below(12)));
            direct.relationship("employee_of", from, to, since.as_deref(), now);
        } else if r < 95 {
            let (a, b) = two_distinct(&mut rng, persons.len());
            direct.relationship("knows", persons[a], persons[b], None, now);
        } else {
            let (a, b) = two_distinct(&mut rng, orgs.len());
            direct.relationship("customer_of", orgs[a], orgs[b], None, now);
        }
        if n % 100_000 == 99_999 {
            conn.execute_batch("COMMIT; BEGIN").unwrap();
            eprintln!("base: {} relationships ({:.0?})", n + 1, started.elapsed());
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    let bad: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(bad, 0, "foreign key violations in the built base");
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    assert!(mode.eq_ignore_ascii_case("wal"));
    drop(conn);
    // Open once through the library, as users would.
    drop(Crm::open(&tmp).unwrap());
    std::fs::rename(&tmp, path).unwrap();
    eprintln!("base: built in {:.1?}", started.elapsed());
}

/// Two different indexes below `len` (at least 2).
fn two_distinct(rng: &mut Rng, len: usize) -> (usize, usize) {
    let a = rng.below(len);
    let b = rng.below(len - 1);
    (a, if b >= a { b + 1 } else { b })
}

/// Every party id of the base with its kind, in id order.
pub fn all_ids(conn: &Connection) -> Vec<(Uuid, PartyKind)> {
    let mut stmt = conn.prepare("SELECT id, kind FROM party").unwrap();
    stmt.query_map([], |r| {
        let kind: String = r.get(1)?;
        Ok((r.get(0)?, if kind == "person" { PartyKind::Person } else { PartyKind::Organization }))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// `n` ids drawn at random (fixed seed) from `ids`.
pub fn sample(ids: &[Uuid], n: usize, seed: u64) -> Vec<Uuid> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| ids[rng.below(ids.len())]).collect()
}
