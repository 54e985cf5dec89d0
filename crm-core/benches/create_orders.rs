//! Storing orders of three lines each, with explicit unit prices, through
//! `Crm::create_orders` in batches of 1000, beside raw rusqlite writing the
//! same rows: per batch one `BEGIN IMMEDIATE`; per order the customer's
//! check (`party/sql.rs` `head`), the order row, three lines, the first
//! status history row (`sales/sql.rs` `insert_order`), an audit row with the
//! order as JSON and an outbox event referring to it (`events/sql.rs`).
//!
//! The raw side is given the lines already priced (net, tax, total) and
//! writes a content fingerprint of the same kind; checking and pricing the
//! order and serializing it are part of what the library does and of what
//! the ratio shows.
//!
//! Criterion measures one batch into a growing base; then a timed loop
//! stores the full set (1M orders at scale 1) into fresh files, alternating
//! the two sides, and prints orders/s and the ratio. Target: at most 2× raw.

mod common;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};
use common::{Recorder, activity};
use criterion::{Criterion, Throughput};
use crm_core::{Crm, NewOrder, NewOrderLine, OrderChannel, OrderStatus, Uuid};
use rusqlite::{Connection, TransactionBehavior, params};

const BATCH: usize = 1000;
const TOTAL: usize = 1_000_000;
const CUSTOMERS: usize = 1000;

/// One line as given: description, quantity, unit price (cents), tax rate.
fn lines_of(n: usize) -> [(String, i64, i64, u32); 3] {
    let mut rng = common::base::Rng::new(n as u64 ^ 0x0D0E);
    let mut line = |k: usize| {
        (format!("Article {}", rng.below(5000) + k), 1 + rng.below(5) as i64, 99 + rng.below(20_000) as i64, 2100)
    };
    [line(0), line(1), line(2)]
}

fn placed_at(n: usize) -> DateTime<Utc> {
    activity::epoch() + chrono::Duration::minutes(n as i64)
}

fn new_order(n: usize, customers: &[Uuid]) -> NewOrder {
    let mut o = NewOrder::new(customers[n % customers.len()], "EUR");
    o.channel = OrderChannel::WebShop;
    o.status = OrderStatus::Placed;
    o.placed_at = Some(placed_at(n));
    o.lines = lines_of(n)
        .into_iter()
        .map(|(description, quantity, unit_price, tax_rate_bp)| NewOrderLine {
            product_id: None,
            description: Some(description),
            quantity,
            unit_price: Some(unit_price),
            discount: 0,
            tax_rate_bp,
        })
        .collect();
    o
}

/// A priced line: description, quantity, unit price, tax rate, net, tax, total.
type RawLine = (String, i64, i64, u32, i64, i64, i64);

struct RawOrder {
    party: Uuid,
    placed_us: i64,
    lines: Vec<RawLine>,
}

fn raw_order(n: usize, customers: &[Uuid]) -> RawOrder {
    let lines = lines_of(n)
        .into_iter()
        .map(|(d, q, p, rate)| {
            let net = q * p;
            let tax = (net * i64::from(rate) + 5_000) / 10_000;
            (d, q, p, rate, net, tax, net + tax)
        })
        .collect();
    RawOrder { party: customers[n % customers.len()], placed_us: placed_at(n).timestamp_micros(), lines }
}

fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// One batch through raw rusqlite.
fn raw_create(conn: &mut Connection, batch: &[RawOrder]) {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).unwrap();
    {
        let now = Utc::now();
        let us = now.timestamp_micros();
        let stamp = now.to_rfc3339_opts(SecondsFormat::Micros, true);
        let mut head =
            tx.prepare_cached("SELECT kind, archived_at IS NOT NULL, commercial_id FROM party WHERE id = ?1").unwrap();
        let mut order = tx
            .prepare_cached(
                "INSERT INTO sales_order (id, channel, external_id, party_id, opportunity_id, price_list_id, currency, status,
                     subtotal_minor, discount_minor, tax_minor, total_minor, placed_at, created_at, updated_at, version, content_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, 1, ?15)",
            )
            .unwrap();
        let mut line = tx
            .prepare_cached(
                "INSERT INTO order_line (order_id, line_no, product_id, description, quantity, unit_price_minor, discount_minor,
                     tax_rate_bp, net_minor, tax_minor, total_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .unwrap();
        let mut history = tx
            .prepare_cached(
                "INSERT INTO order_status_history (order_id, seq, from_status, to_status, at, actor) VALUES (?1, 1, NULL, ?2, ?3, ?4)",
            )
            .unwrap();
        let mut audit = tx
            .prepare_cached(
                "INSERT INTO audit (at, actor, entity, entity_id, action, changes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .unwrap();
        let mut outbox = tx
            .prepare_cached(
                "INSERT INTO outbox (at, topic, entity, entity_id, payload, audit_seq) VALUES (?1, ?2, ?3, ?4, '', ?5)",
            )
            .unwrap();
        for o in batch {
            let (kind, archived): (String, bool) = head.query_row([o.party], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            assert!(!archived && !kind.is_empty());
            let id = Uuid::now_v7();
            let subtotal: i64 = o.lines.iter().map(|l| l.4).sum();
            let tax: i64 = o.lines.iter().map(|l| l.5).sum();
            let total: i64 = o.lines.iter().map(|l| l.6).sum();
            let lines_json: Vec<String> = o
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    format!(
                        r#"{{"line_no":{},"product_id":null,"description":"{}","quantity":{},"unit_price":{},"discount":0,"tax_rate_bp":{},"net":{},"tax":{},"total":{}}}"#,
                        i + 1, l.0, l.1, l.2, l.3, l.4, l.5, l.6
                    )
                })
                .collect();
            let lines_json = lines_json.join(",");
            // The fingerprint's text is a serde_json `Value`: keys sorted.
            let content: Vec<String> = o
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    format!(
                        r#"{{"description":"{}","discount":0,"line_no":{},"net":{},"product_id":null,"quantity":{},"tax":{},"tax_rate_bp":{},"total":{},"unit_price":{}}}"#,
                        l.0, i + 1, l.4, l.1, l.5, l.3, l.6, l.2
                    )
                })
                .collect();
            let hash = fnv(&format!(
                r#"["web_shop","{}",null,null,"EUR","placed",{},[{}]]"#,
                o.party,
                o.placed_us,
                content.join(",")
            ));
            order
                .execute(params![
                    id,
                    "web_shop",
                    None::<String>,
                    o.party,
                    None::<Uuid>,
                    None::<Uuid>,
                    "EUR",
                    "placed",
                    subtotal,
                    0i64,
                    tax,
                    total,
                    o.placed_us,
                    us,
                    hash
                ])
                .unwrap();
            for (i, l) in o.lines.iter().enumerate() {
                line.execute(params![id, i as i64 + 1, None::<Uuid>, l.0, l.1, l.2, 0i64, l.3, l.4, l.5, l.6]).unwrap();
            }
            history.execute(params![id, "placed", us, "system"]).unwrap();
            let placed =
                DateTime::from_timestamp_micros(o.placed_us).unwrap().to_rfc3339_opts(SecondsFormat::Micros, true);
            let json = format!(
                concat!(
                    r#"{{"id":"{id}","channel":"web_shop","external_id":null,"party_id":"{party}","opportunity_id":null,"#,
                    r#""price_list_id":null,"currency":"EUR","status":"placed","lines":[{lines}],"subtotal":{subtotal},"#,
                    r#""discount":0,"tax":{tax},"total":{total},"placed_at":"{placed}","status_history":[{{"from":null,"#,
                    r#""to":"placed","at":"{t}","actor":"system"}}],"created_at":"{t}","updated_at":"{t}","version":1}}"#
                ),
                id = id,
                party = o.party,
                lines = lines_json,
                subtotal = subtotal,
                tax = tax,
                total = total,
                placed = placed,
                t = stamp
            );
            let seq = audit.insert(params![us, "system", "order", id, "created", json]).unwrap();
            outbox.execute(params![us, "order.created", "order", id, seq]).unwrap();
        }
    }
    tx.commit().unwrap();
}

/// A fresh base with `CUSTOMERS` persons made through the library.
fn fresh(dir: &Path, name: &str) -> (PathBuf, Vec<Uuid>) {
    let path = dir.join(name);
    let crm = Crm::open(&path).unwrap();
    let customers = crm.create_parties((0..CUSTOMERS).map(activity::simple_party).collect()).unwrap();
    (path, customers.into_iter().map(|p| p.id).collect())
}

fn ours_all(dir: &Path, round: usize, total: usize) -> Duration {
    let (path, customers) = fresh(dir, &format!("ours-{round}.sqlite"));
    let crm = Crm::open(path).unwrap();
    let start = Instant::now();
    for s in (0..total).step_by(BATCH) {
        let batch: Vec<NewOrder> = (s..(s + BATCH).min(total)).map(|n| new_order(n, &customers)).collect();
        black_box(crm.create_orders(batch).unwrap());
    }
    start.elapsed()
}

fn raw_all(dir: &Path, round: usize, total: usize) -> Duration {
    let (path, customers) = fresh(dir, &format!("raw-{round}.sqlite"));
    let mut conn = common::raw_writer(&path);
    let start = Instant::now();
    for s in (0..total).step_by(BATCH) {
        let batch: Vec<RawOrder> = (s..(s + BATCH).min(total)).map(|n| raw_order(n, &customers)).collect();
        raw_create(&mut conn, &batch);
    }
    start.elapsed()
}

/// Both sides write the same rows: compare a few orders as the API reads them.
fn check(dir: &Path) {
    let (path, customers) = fresh(dir, "check.sqlite");
    let crm = Crm::open(&path).unwrap();
    let ours = crm.create_orders((0..20).map(|n| new_order(n, &customers)).collect()).unwrap();
    let mut conn = common::raw_writer(&path);
    raw_create(&mut conn, &(0..20).map(|n| raw_order(n, &customers)).collect::<Vec<_>>());
    let ids: Vec<Uuid> = conn
        .prepare("SELECT id FROM sales_order ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (a, id) in ours.iter().zip(&ids[20..]) {
        let b = crm.get_order(*id).unwrap();
        assert_eq!((&a.lines, a.total, a.placed_at, a.party_id), (&b.lines, b.total, b.placed_at, b.party_id));
        let hashes: Vec<String> = [a.id, b.id]
            .iter()
            .map(|i| conn.query_row("SELECT content_hash FROM sales_order WHERE id = ?1", [i], |r| r.get(0)).unwrap())
            .collect();
        assert_eq!(hashes[0], hashes[1], "content fingerprints differ");
        // The event's body as `events_after` reads it: the text of the audit
        // row it refers to, else its own.
        let payload = |i: Uuid| -> i64 {
            conn.query_row(
                "SELECT length(coalesce(a.changes, o.payload)) FROM outbox o LEFT JOIN audit a ON a.seq = o.audit_seq
                 WHERE o.entity_id = ?1",
                [i],
                |r| r.get(0),
            )
            .unwrap()
        };
        let (pa, pb) = (payload(a.id), payload(b.id));
        assert!(pa.abs_diff(pb) < 8, "outbox payloads differ in size: {pa} vs {pb}");
    }
}

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("create_orders") {
        return;
    }
    let dir = common::temp_dir();
    check(dir.path());
    let batch_size = BATCH.min(common::scaled(TOTAL, 100));
    let (o_rec, r_rec) = (Recorder::new(), Recorder::new());
    let mut group = c.benchmark_group("create_orders");
    group.throughput(Throughput::Elements(batch_size as u64)).sample_size(10);
    {
        let (path, customers) = fresh(dir.path(), "ours-grow.sqlite");
        let crm = Crm::open(path).unwrap();
        let mut next = 0;
        group.bench_function("ours/batch", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input: Vec<NewOrder> = (next..next + batch_size).map(|n| new_order(n, &customers)).collect();
                    next += batch_size;
                    let start = Instant::now();
                    black_box(crm.create_orders(input).unwrap());
                    total += start.elapsed();
                }
                o_rec.push(total, iters);
                total
            })
        });
    }
    {
        let (path, customers) = fresh(dir.path(), "raw-grow.sqlite");
        let mut conn = common::raw_writer(&path);
        let mut next = 0;
        group.bench_function("raw/batch", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let input: Vec<RawOrder> = (next..next + batch_size).map(|n| raw_order(n, &customers)).collect();
                    next += batch_size;
                    let start = Instant::now();
                    raw_create(&mut conn, &input);
                    total += start.elapsed();
                }
                r_rec.push(total, iters);
                total
            })
        });
    }
    group.finish();
    if common::filtered_out("create_orders") {
        return;
    }
    let (o, r) = (o_rec.median(10), r_rec.median(10));
    println!(
        "create_orders/batch of {batch_size} (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );
    let total = common::scaled(TOTAL, 1000);
    let rounds = if common::test_mode() || total > 200_000 { 1 } else { 3 };
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            ours.push(ours_all(dir.path(), round, total));
            raw.push(raw_all(dir.path(), round, total));
        } else {
            raw.push(raw_all(dir.path(), round, total));
            ours.push(ours_all(dir.path(), round, total));
        }
        for side in ["ours", "raw"] {
            for ext in ["sqlite", "sqlite-wal", "sqlite-shm"] {
                let _ = std::fs::remove_file(dir.path().join(format!("{side}-{round}.{ext}")));
            }
        }
    }
    let (o, r) = (common::median(&mut ours), common::median(&mut raw));
    let (ours_rate, raw_rate) = (total as f64 / o.as_secs_f64(), total as f64 / r.as_secs_f64());
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("create_orders: {}k orders of 3 lines, batches of {BATCH}", total / 1000),
        &format!("{ours_rate:.0} orders/s ({})", common::fmt_dur(o)),
        &format!("{raw_rate:.0} orders/s ({})", common::fmt_dur(r)),
        ratio,
        "≤ 2× raw",
        ratio <= 2.0,
    );
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
