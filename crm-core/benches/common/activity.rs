//! The cached bases of the benchmarks of issues #5, #6 and #7: interactions
//! (timeline), opportunities (pipeline summary), purchase history
//! (customer analytics) and a base with planted duplicates (duplicate
//! scan); plus the full-text index of the 1M-party base (search).
//!
//! Like the read base of [`super::base`], each is built once with direct
//! SQL and kept under `<target>/bench-data/`, named by schema version,
//! generator version and size; its sizes follow `CRM_BENCH_SCALE`. Before
//! every build, a `check_*` function writes a sample both through the
//! public API and directly into a scratch base and compares what the API
//! returns for both, so the direct rows are the rows the library writes.
//! The direct rows carry no audit or outbox rows, and interactions no
//! full-text documents (schema 7); no measured operation here reads those
//! tables. Measured operations always go through the public API.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use crm_core::{
    Channel, Crm, Flow, InteractionLinks, Money, NewInteraction, NewOpportunity, NewOrder, NewOrderLine, NewPipeline,
    NewStage, OrderChannel, OrderStatus, Participant, ParticipantRole, PartyKind, SCHEMA_VERSION, TimelineQuery, Uuid,
};
use rusqlite::{Connection, params};

use super::base::{self, DirectWriter, Rng};

/// Bump when a generator below changes, so that cached bases are rebuilt.
pub const GENERATOR_VERSION: u32 = 2;

/// Full sizes (scale 1).
pub const TIMELINE_PARTIES: usize = 100_000;
pub const INTERACTIONS: usize = 10_000_000;
pub const PIPELINE_ACCOUNTS: usize = 100_000;
pub const OPPORTUNITIES: usize = 1_000_000;
pub const CUSTOMERS: usize = 1_000_000;
pub const PURCHASES: usize = 10_000_000;
pub const DEDUP_PARTIES: usize = 100_000;

/// Every generated time lies in 2022–2024.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 1, 1, 0, 0, 0).unwrap()
}

const SPAN_US: i64 = 3 * 365 * 24 * 3600 * 1_000_000;

// ---------------------------------------------------------------- caching

/// A cached base: reused when `complete` says so, else built by `build`
/// into a scratch file (the schema made by `Crm::open`, rows written on
/// the connection it is given with bulk-load settings), switched to WAL,
/// opened once through the library and renamed into place.
pub fn cached(
    name: &str,
    sizes: &str,
    complete: impl Fn(&Connection) -> bool,
    build: impl FnOnce(&Path, &Connection),
) -> PathBuf {
    let path = super::data_dir().join(format!("{name}-s{SCHEMA_VERSION}-g{GENERATOR_VERSION}-{sizes}.sqlite"));
    if path.exists()
        && Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map(|c| {
                c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap_or(-1) == SCHEMA_VERSION
                    && complete(&c)
            })
            .unwrap_or(false)
    {
        eprintln!("{name}: reusing {}", path.display());
        return path;
    }
    let started = Instant::now();
    let tmp = path.with_extension("building");
    for p in [tmp.clone(), tmp.with_extension("building-wal"), tmp.with_extension("building-shm")] {
        let _ = std::fs::remove_file(p);
    }
    drop(Crm::open(&tmp).unwrap());
    let conn = Connection::open(&tmp).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; PRAGMA foreign_keys=OFF;",
    )
    .unwrap();
    eprintln!("{name}: building {}", path.display());
    build(&tmp, &conn);
    let bad: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(bad, 0, "foreign key violations in the built base");
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).unwrap();
    assert!(mode.eq_ignore_ascii_case("wal"));
    drop(conn);
    drop(Crm::open(&tmp).unwrap());
    std::fs::rename(&tmp, &path).unwrap();
    eprintln!("{name}: built in {:.1?}", started.elapsed());
    path
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or(-1)
}

/// Write `n` parties of the read base's generator; returns (id, kind,
/// archived) of each, in order. Runs in its own transactions.
pub fn seed_parties(path: &Path, conn: &Connection, n: usize) -> Vec<(Uuid, PartyKind, bool)> {
    let fields = base::define_fields(&Crm::open(path).unwrap());
    let direct = DirectWriter::new(conn, fields);
    let now = Utc::now();
    let mut out = Vec::with_capacity(n);
    conn.execute_batch("BEGIN").unwrap();
    for i in 0..n {
        let s = base::spec(i);
        let id = Uuid::now_v7();
        direct.party(&s, id, now);
        out.push((id, s.kind, s.archived));
        if i % 50_000 == 49_999 {
            conn.execute_batch("COMMIT; BEGIN").unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    out
}

/// A person with an email and a phone (the creation benchmark's).
pub fn simple_party(i: usize) -> crm_core::NewParty {
    let (given, family, email, phone, _) = base::simple_person(i);
    crm_core::NewParty::person(given, family).with_email(email).with_phone(phone)
}

/// The ids of the custom fields "segment" and "points" of a seeded base.
pub fn field_ids(conn: &Connection) -> (Uuid, Uuid) {
    let id = |name: &str| conn.query_row("SELECT id FROM custom_field WHERE name = ?1", [name], |r| r.get(0)).unwrap();
    (id("segment"), id("points"))
}

/// Commit every `every` rows and log progress.
fn step(conn: &Connection, i: usize, every: usize, what: &str, started: Instant) {
    if i % every == every - 1 {
        conn.execute_batch("COMMIT; BEGIN").unwrap();
        eprintln!("  {} {what} ({:.0?})", i + 1, started.elapsed());
    }
}

// ---------------------------------------------------------------- interactions

const SUBJECTS: &[&str] = &[
    "Question about the invoice",
    "Follow-up on the offer",
    "Delivery date",
    "Newsletter reply",
    "Complaint about a late parcel",
    "Renewal of the contract",
    "Visit to the showroom",
    "Request for a quote",
];

/// The `n`th interaction of a generated base, for the given participants
/// (the first one takes part as sender or receiver, a second one in copy).
pub fn interaction(n: usize, parties: &[Uuid]) -> NewInteraction {
    let mut rng = Rng::new((n as u64).wrapping_mul(0x9E37_79B9) ^ 0x1F7E);
    let channel = Channel::ALL[rng.below(Channel::ALL.len())];
    let direction = if rng.chance(60) { Flow::Inbound } else { Flow::Outbound };
    let at = epoch().timestamp_micros() + (rng.next_u64() % SPAN_US as u64) as i64;
    let first = if direction == Flow::Inbound { ParticipantRole::From } else { ParticipantRole::To };
    let mut participants = vec![Participant { party_id: parties[0], role: first }];
    for p in &parties[1..] {
        participants.push(Participant { party_id: *p, role: ParticipantRole::Cc });
    }
    NewInteraction {
        channel,
        direction,
        occurred_at: Some(DateTime::from_timestamp_micros(at).unwrap()),
        duration_seconds: matches!(channel, Channel::PhoneCall | Channel::Meeting).then(|| 60 + rng.below(3600) as i64),
        subject: format!("{} #{n}", rng.pick(SUBJECTS)),
        body: rng.chance(50).then(|| format!("Customer wrote about case {n}; answered the same day.")),
        outcome: rng.chance(30).then(|| (*rng.pick(&["order placed", "call back", "no answer", "resolved"])).into()),
        participants,
        links: InteractionLinks::default(),
    }
}

/// Insert the rows `record_interaction` writes (`interaction/sql.rs`
/// `insert_interaction`), without audit and outbox.
pub fn direct_interaction(conn: &Connection, it: &NewInteraction, id: Uuid, now_us: i64) {
    let at = it.occurred_at.unwrap().timestamp_micros();
    let flow = if it.direction == Flow::Inbound { "inbound" } else { "outbound" };
    conn.prepare_cached(
        "INSERT INTO interaction (id, channel, direction, occurred_at, duration_seconds, subject, body, outcome,
             opportunity_id, order_id, campaign_id, case_id, created_at, updated_at, version, lead_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL, NULL, NULL, ?9, ?9, 1, NULL)",
    )
    .unwrap()
    .execute(params![id, it.channel.as_str(), flow, at, it.duration_seconds, it.subject, it.body, it.outcome, now_us])
    .unwrap();
    let mut stmt = conn
        .prepare_cached(
            "INSERT INTO interaction_party (party_id, occurred_at, interaction_id, role, channel) VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .unwrap();
    for p in &it.participants {
        let role = serde_json::to_value(p.role).unwrap();
        stmt.execute(params![p.party_id, at, id, role.as_str().unwrap(), it.channel.as_str()]).unwrap();
    }
}

/// Prove that [`direct_interaction`] writes what `record_interaction` does.
pub fn check_interactions() {
    let dir = super::temp_dir();
    let path = dir.path().join("check.sqlite");
    let crm = Crm::open(&path).unwrap();
    let people = crm.create_parties((0..4).map(simple_party).collect()).unwrap();
    let ids: Vec<Uuid> = people.iter().map(|p| p.id).collect();
    let conn = super::raw_writer(&path);
    for n in 0..200 {
        let who = if n % 5 == 0 { vec![ids[n % 4], ids[(n + 1) % 4]] } else { vec![ids[n % 4]] };
        let new = interaction(n, &who);
        let api = crm.record_interaction(new.clone()).unwrap();
        let id = Uuid::now_v7();
        direct_interaction(&conn, &new, id, Utc::now().timestamp_micros());
        let mut a = serde_json::to_value(crm.get_interaction(api.id).unwrap()).unwrap();
        let d = crm.get_interaction(id).unwrap();
        assert_eq!(d.occurred_at, api.occurred_at);
        let mut d = serde_json::to_value(d).unwrap();
        base::blank_ids_and_times(&mut a);
        base::blank_ids_and_times(&mut d);
        assert_eq!(a, d, "direct interaction rows differ from the library's ({n})");
    }
    for id in &ids {
        let page = crm.timeline(*id, &TimelineQuery { limit: 1000, ..TimelineQuery::default() }).unwrap();
        assert_eq!(page.items.len() % 2, 0);
    }
}

/// The timeline base: parties of the read base's generator and
/// interactions among its persons, skewed so that a few persons have
/// thousands (party `i` of `n` persons is drawn with density ∝ 1/√i).
pub struct TimelineBase {
    pub path: PathBuf,
    pub interactions: usize,
    /// The persons in generation order: the first ones are the busiest.
    pub persons: Vec<Uuid>,
}

pub fn timeline_base() -> TimelineBase {
    let parties = super::scaled(TIMELINE_PARTIES, 2_000);
    let interactions = super::scaled(INTERACTIONS, 20_000);
    let path = cached(
        "timeline",
        &format!("p{parties}-i{interactions}"),
        |c| {
            count(c, "SELECT count(*) FROM party") == parties as i64
                && count(c, "SELECT count(*) FROM interaction") == interactions as i64
        },
        |path, conn| {
            eprintln!("timeline: checking that direct rows match the library's");
            check_interactions();
            let started = Instant::now();
            let seeded = seed_parties(path, conn, parties);
            let persons: Vec<Uuid> = seeded.iter().filter(|p| p.1 == PartyKind::Person).map(|p| p.0).collect();
            let mut rng = Rng::new(5);
            let now = Utc::now().timestamp_micros();
            conn.execute_batch("BEGIN").unwrap();
            for n in 0..interactions {
                let a = (persons.len() as f64 * rng.unit().powi(2)) as usize;
                let mut who = vec![persons[a]];
                if rng.chance(20) {
                    let b = rng.below(persons.len());
                    if b != a {
                        who.push(persons[b]);
                    }
                }
                direct_interaction(conn, &interaction(n, &who), Uuid::now_v7(), now);
                step(conn, n, 500_000, "interactions", started);
            }
            conn.execute_batch("COMMIT").unwrap();
        },
    );
    let conn = super::raw_reader(&path);
    let persons = conn
        .prepare("SELECT id FROM party WHERE kind = 'person' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    TimelineBase { path, interactions, persons }
}

// ---------------------------------------------------------------- opportunities

/// The stages of the benchmark pipeline.
pub fn pipeline_spec() -> NewPipeline {
    NewPipeline {
        name: "B2B".into(),
        stages: vec![
            NewStage::open("Qualification", 10),
            NewStage::open("Needs analysis", 20),
            NewStage::open("Proposal", 40),
            NewStage::open("Negotiation", 60),
            NewStage::open("Commitment", 80),
            NewStage::won("Won"),
            NewStage::lost("Lost"),
        ],
    }
}

/// The `n`th opportunity of a generated base.
pub fn opportunity(n: usize, account: Uuid, pipeline: &crm_core::Pipeline) -> NewOpportunity {
    let mut rng = Rng::new((n as u64).wrapping_mul(0xA076_1D64_78BD_642F) ^ 0x0991);
    let stage = &pipeline.stages[rng.below(pipeline.stages.len())];
    let currency = if rng.chance(85) { "EUR" } else { *rng.pick(&["USD", "SEK"]) };
    let mut o = NewOpportunity::new(
        format!("Deal {n}"),
        account,
        pipeline.id,
        Money::new(10_000 + rng.below(5_000_000) as i64, currency),
    );
    o.stage_id = Some(stage.id);
    o.probability = rng.chance(20).then(|| rng.below(101) as u8);
    o.expected_close = rng.chance(70).then(|| NaiveDate::from_ymd_opt(2025, 1 + rng.below(12) as u32, 1).unwrap());
    o.owner = rng.chance(80).then(|| format!("rep{}", rng.below(40)));
    o.source = rng.chance(50).then(|| (*rng.pick(&["web", "referral", "event", "partner"])).into());
    o
}

/// Insert the rows `create_opportunity` writes (`sales/sql.rs`
/// `insert_opportunity`; no contacts or partners), without audit and outbox.
pub fn direct_opportunity(conn: &Connection, o: &NewOpportunity, pipeline: &crm_core::Pipeline, id: Uuid, now_us: i64) {
    let stage = pipeline.stages.iter().find(|s| Some(s.id) == o.stage_id).unwrap();
    let outcome = serde_json::to_value(stage.outcome).unwrap();
    let status = outcome.as_str().unwrap();
    conn.prepare_cached(
        "INSERT INTO opportunity (id, name, account_id, pipeline_id, stage_id, status, amount_minor, currency, probability,
             expected_close, owner, source, lead_id, close_reason, closed_at, stage_entered_at, created_at, updated_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, NULL, ?13, ?14, ?14, ?14, 1)",
    )
    .unwrap()
    .execute(params![
        id,
        o.name,
        o.account_id,
        pipeline.id,
        stage.id,
        status,
        o.amount.amount,
        o.amount.currency,
        o.probability,
        o.expected_close,
        o.owner,
        o.source,
        (status != "open").then_some(now_us),
        now_us
    ])
    .unwrap();
    conn.prepare_cached(
        "INSERT INTO opportunity_stage_history (opportunity_id, entered_at, seq, stage_id, left_at) VALUES (?1, ?2, 1, ?3, NULL)",
    )
    .unwrap()
    .execute(params![id, now_us, stage.id])
    .unwrap();
}

/// Prove that [`direct_opportunity`] writes what `create_opportunity` does.
pub fn check_opportunities() {
    let dir = super::temp_dir();
    let path = dir.path().join("check.sqlite");
    let crm = Crm::open(&path).unwrap();
    let pipeline = crm.create_pipeline(pipeline_spec()).unwrap();
    let account = crm.create_party(simple_party(0)).unwrap().id;
    let conn = super::raw_writer(&path);
    for n in 0..200 {
        let new = opportunity(n, account, &pipeline);
        let api = crm.create_opportunity(new.clone()).unwrap();
        let id = Uuid::now_v7();
        direct_opportunity(&conn, &new, &pipeline, id, Utc::now().timestamp_micros());
        let mut a = serde_json::to_value(api).unwrap();
        let mut d = serde_json::to_value(crm.get_opportunity(id).unwrap()).unwrap();
        base::blank_ids_and_times(&mut a);
        base::blank_ids_and_times(&mut d);
        assert_eq!(a, d, "direct opportunity rows differ from the library's ({n})");
    }
    let summary = crm.pipeline_summary(pipeline.id).unwrap();
    assert_eq!(summary.stages.iter().map(|s| s.count).sum::<u64>(), 400);
    assert!(summary.stages.iter().all(|s| s.count % 2 == 0));
}

/// The pipeline base: accounts of the read base's generator, one pipeline
/// made through the API, opportunities spread over its stages.
pub struct PipelineBase {
    pub path: PathBuf,
    pub opportunities: usize,
    pub pipeline_id: Uuid,
}

pub fn pipeline_base() -> PipelineBase {
    let accounts = super::scaled(PIPELINE_ACCOUNTS, 2_000);
    let opportunities = super::scaled(OPPORTUNITIES, 10_000);
    let path = cached(
        "pipeline",
        &format!("a{accounts}-o{opportunities}"),
        |c| count(c, "SELECT count(*) FROM opportunity") == opportunities as i64,
        |path, conn| {
            eprintln!("pipeline: checking that direct rows match the library's");
            check_opportunities();
            let started = Instant::now();
            let seeded = seed_parties(path, conn, accounts);
            let active: Vec<Uuid> = seeded.iter().filter(|p| !p.2).map(|p| p.0).collect();
            let pipeline = Crm::open(path).unwrap().create_pipeline(pipeline_spec()).unwrap();
            let now = Utc::now().timestamp_micros();
            conn.execute_batch("BEGIN").unwrap();
            for n in 0..opportunities {
                let o = opportunity(n, active[n % active.len()], &pipeline);
                direct_opportunity(conn, &o, &pipeline, Uuid::now_v7(), now);
                step(conn, n, 200_000, "opportunities", started);
            }
            conn.execute_batch("COMMIT").unwrap();
        },
    );
    let pipeline_id = super::raw_reader(&path).query_row("SELECT id FROM pipeline", [], |r| r.get(0)).unwrap();
    PipelineBase { path, opportunities, pipeline_id }
}

// ---------------------------------------------------------------- purchases

/// The as-of date of the analytics: the end of the generated history.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()
}

/// Purchase times of customer `c`: a BG/NBD-like history (a Poisson rate
/// per customer, a dropout after each purchase), about `mean` orders on
/// average, from a first purchase in 2022–2024.
pub fn purchase_times(c: usize, mean: f64) -> Vec<i64> {
    let mut rng = Rng::new((c as u64).wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0xC1);
    let span_days = 3.0 * 365.0;
    let first = rng.unit() * (span_days - 1.0);
    // Rate per day and dropout chance after each purchase, both varying
    // from customer to customer (as BG/NBD assumes; a dropout chance shared
    // by all would leave the model's a and b unidentified).
    let rate = (mean / span_days) * 3.0 * (0.2 + 1.6 * rng.unit()) * (0.5 + rng.unit());
    let dropout = 100 * (1 + rng.below(12)) as u64;
    let mut t = first;
    let mut out = vec![first];
    loop {
        if rng.next_u64() % 10_000 < dropout {
            break;
        }
        t += -(1.0 - rng.unit()).ln() / rate;
        if t >= span_days {
            break;
        }
        out.push(t);
    }
    let day_us = 86_400_000_000f64;
    out.into_iter().map(|d| epoch().timestamp_micros() + (d * day_us) as i64).collect()
}

/// Insert the `sales_order` row `create_order` writes for a placed order
/// of one line (`sales/sql.rs` `insert_order`), without its line, status
/// history, audit and outbox rows: the analytics read `sales_order` only.
pub fn direct_order(conn: &Connection, id: Uuid, party: Uuid, placed_us: i64, total: i64, hash: &str, now_us: i64) {
    conn.prepare_cached(
        "INSERT INTO sales_order (id, channel, external_id, party_id, opportunity_id, price_list_id, currency, status,
             subtotal_minor, discount_minor, tax_minor, total_minor, placed_at, created_at, updated_at, version, content_hash)
         VALUES (?1, 'web_shop', NULL, ?2, NULL, NULL, 'EUR', 'placed', ?3, 0, 0, ?3, ?4, ?5, ?5, 1, ?6)",
    )
    .unwrap()
    .execute(params![id, party, total, placed_us, now_us, hash])
    .unwrap();
}

fn one_line_order(party: Uuid, placed_us: i64, total: i64) -> NewOrder {
    let mut o = NewOrder::new(party, "EUR");
    o.channel = OrderChannel::WebShop;
    o.status = OrderStatus::Placed;
    o.placed_at = DateTime::from_timestamp_micros(placed_us);
    o.lines = vec![NewOrderLine {
        product_id: None,
        description: Some("Goods".into()),
        quantity: 1,
        unit_price: Some(total),
        discount: 0,
        tax_rate_bp: 0,
    }];
    o
}

/// Prove that [`direct_order`] gives the analytics what `create_order`
/// gives them: the same purchase summaries for the same histories, and the
/// same order row.
pub fn check_orders() {
    let dir = super::temp_dir();
    let path = dir.path().join("check.sqlite");
    let crm = Crm::open(&path).unwrap();
    let people = crm.create_parties((0..40).map(simple_party).collect()).unwrap();
    let conn = super::raw_writer(&path);
    let now = Utc::now().timestamp_micros();
    for (c, p) in people.iter().enumerate() {
        let via_api = c % 2 == 0;
        for (k, t) in purchase_times(c, 10.0).into_iter().enumerate() {
            let total = order_total(c, k);
            if via_api {
                let o = crm.create_order(one_line_order(p.id, t, total)).unwrap();
                let hash: String =
                    conn.query_row("SELECT content_hash FROM sales_order WHERE id = ?1", [o.id], |r| r.get(0)).unwrap();
                let id = Uuid::now_v7();
                direct_order(&conn, id, people[c + 1].id, t, total, &hash, now);
                let cols = |id: Uuid| -> Vec<rusqlite::types::Value> {
                    conn.query_row(
                        "SELECT channel, external_id, opportunity_id, price_list_id, currency, status, subtotal_minor,
                                discount_minor, tax_minor, total_minor, placed_at, version, content_hash
                         FROM sales_order WHERE id = ?1",
                        [id],
                        |r| (0..13).map(|i| r.get(i)).collect(),
                    )
                    .unwrap()
                };
                assert_eq!(cols(o.id), cols(id), "direct order row differs from the library's");
            }
        }
    }
    let sums = crm.purchase_summaries(as_of(), "EUR").unwrap();
    for pair in sums.chunks(2) {
        if let [a, b] = pair {
            let strip = |s: &crm_core::PurchaseSummary| {
                let mut v = serde_json::to_value(s).unwrap();
                v["party_id"] = serde_json::Value::Null;
                v
            };
            assert_eq!(strip(a), strip(b), "purchase summaries of direct orders differ from the library's");
        }
    }
}

fn order_total(c: usize, k: usize) -> i64 {
    let mut rng = Rng::new(((c as u64) << 20) ^ k as u64 ^ 0x70);
    // Each customer has a typical basket; orders vary around it.
    let typical = 1_000 + Rng::new(c as u64).below(20_000) as i64;
    (typical as f64 * (0.5 + rng.unit())) as i64
}

/// The analytics base: customers of the read base's generator with about
/// `PURCHASES / CUSTOMERS` placed orders each.
pub struct AnalyticsBase {
    pub path: PathBuf,
    pub customers: usize,
    pub orders: i64,
}

pub fn analytics_base() -> AnalyticsBase {
    let customers = super::scaled(CUSTOMERS, 2_000);
    let mean = PURCHASES as f64 / CUSTOMERS as f64;
    let path = cached(
        "analytics",
        &format!("c{customers}-m{mean}"),
        |c| {
            count(c, "SELECT count(*) FROM party") == customers as i64
                && count(c, "SELECT count(*) FROM sales_order") > 0
        },
        |path, conn| {
            eprintln!("analytics: checking that direct rows match the library's");
            check_orders();
            let started = Instant::now();
            let seeded = seed_parties(path, conn, customers);
            // The analytics never read the content hash; one stands for all.
            let hash = "0000000000000000";
            let now = Utc::now().timestamp_micros();
            let mut written = 0usize;
            conn.execute_batch("BEGIN").unwrap();
            for (c, (id, _, archived)) in seeded.iter().enumerate() {
                if *archived {
                    continue;
                }
                for (k, t) in purchase_times(c, mean).into_iter().enumerate() {
                    direct_order(conn, Uuid::now_v7(), *id, t, order_total(c, k), hash, now);
                    written += 1;
                    step(conn, written, 1_000_000, "orders", started);
                }
            }
            conn.execute_batch("COMMIT").unwrap();
        },
    );
    let orders = count(&super::raw_reader(&path), "SELECT count(*) FROM sales_order");
    AnalyticsBase { path, customers, orders }
}

// ---------------------------------------------------------------- duplicates

/// The duplicate-scan base: parties of the read base's generator, of which
/// one in 50 is written a second time as a near copy (the same person with
/// a typo in the family name and the same phone, or the same organization
/// with its legal form dropped and the same VAT number), as imports from
/// several sources leave them.
pub struct DedupBase {
    pub path: PathBuf,
    pub parties: usize,
    pub planted: usize,
}

pub fn dedup_base() -> DedupBase {
    let parties = super::scaled(DEDUP_PARTIES, 2_000);
    let originals = parties - parties / 50;
    let planted = parties - originals;
    let path = cached(
        "dedup",
        &format!("p{parties}"),
        |c| count(c, "SELECT count(*) FROM party") == parties as i64,
        |path, conn| {
            eprintln!("dedup: checking that direct rows match the library's");
            base::check_direct_rows();
            seed_parties(path, conn, originals);
            let fields = field_ids(conn);
            let direct = DirectWriter::new(conn, fields);
            let now = Utc::now();
            conn.execute_batch("BEGIN").unwrap();
            for k in 0..planted {
                let n = k * 50 + 7;
                let mut s = base::spec(n);
                s.archived = false;
                match s.kind {
                    PartyKind::Person => s.email = format!("{}.{n}@example.net", s.given.to_lowercase()),
                    PartyKind::Organization => {
                        if let Some((head, _)) = s.legal.rsplit_once(' ') {
                            s.legal = head.to_string();
                        }
                        s.email = format!("sales.{n}@example.com");
                    }
                }
                direct.party(&s, Uuid::now_v7(), now);
            }
            conn.execute_batch("COMMIT").unwrap();
        },
    );
    DedupBase { path, parties, planted }
}

// ---------------------------------------------------------------- full-text index

/// Give the read base its full-text index when it has none: the statements
/// of schema 4's migration (`store/schema/0004_search.sql`), which index
/// every party exactly as `search/sql.rs` `reindex_party` does one.
pub fn ensure_search_index(path: &Path, parties: usize) {
    let conn = Connection::open(path).unwrap();
    if count(&conn, "SELECT count(*) FROM search_doc") == parties as i64 {
        return;
    }
    let started = Instant::now();
    eprintln!("search: indexing {parties} parties of {}", path.display());
    conn.execute_batch(
        "PRAGMA cache_size=-1000000;
         BEGIN;
         DELETE FROM search_doc;
         DELETE FROM party_fts;
         INSERT INTO search_doc (party_id) SELECT id FROM party;
         INSERT INTO party_fts (rowid, name, contacts, tags, notes)
         SELECT d.docid,
                concat_ws(' ', p.display_name, p.given_name, p.family_name, p.legal_name, p.registration_number, p.vat_number),
                (SELECT group_concat(c.value || coalesce(' ' || c.raw, ''), ' ') FROM contact_point c WHERE c.party_id = p.id),
                (SELECT group_concat(t.tag, ' ') FROM tag t WHERE t.party_id = p.id),
                (SELECT group_concat(n.body, ' ') FROM note n WHERE n.party_id = p.id)
         FROM party p JOIN search_doc d ON d.party_id = p.id;
         COMMIT;
         INSERT INTO party_fts (party_fts) VALUES ('optimize');",
    )
    .unwrap();
    eprintln!("search: indexed in {:.1?}", started.elapsed());
}
