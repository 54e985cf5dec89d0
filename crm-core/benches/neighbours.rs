//! `Crm::neighbours` (both directions, any type, active neighbours) in a
//! graph of 1M relationships over the 1M-party base, for random parties and
//! for random organizations (the graph is skewed: most persons are employed
//! by an organization and a few organizations are large), beside raw
//! rusqlite running the same SQL. Target: under 100 µs.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Recorder, base, raw};
use criterion::Criterion;
use crm_core::{Crm, NeighbourQuery, PartyKind};
use uuid::Uuid;

fn bench(c: &mut Criterion) {
    let base = base::base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader(&base.path);
    let qpsg = common::raw_reader_qpsg(&base.path);
    let all = base::all_ids(&conn);
    let ids: Vec<Uuid> = all.iter().map(|(id, _)| *id).collect();
    let orgs: Vec<Uuid> = all.iter().filter(|(_, k)| *k == PartyKind::Organization).map(|(id, _)| *id).collect();
    drop(all);
    let query = NeighbourQuery::default();
    let quick = common::test_mode();

    for (name, pool, seed) in [("random parties", &ids, 11), ("random organizations", &orgs, 13)] {
        let sample = base::sample(pool, 4096, seed);
        // Both sides find the same neighbours.
        let mut degree = 0;
        for id in &sample {
            let ours = crm.neighbours(*id, &query).unwrap();
            let theirs = common::raw_read(&conn, |c| raw::neighbours(c, *id)).unwrap();
            assert_eq!(
                ours.iter().map(|n| n.party_id).collect::<Vec<_>>(),
                theirs.iter().map(|n| n.party_id).collect::<Vec<_>>()
            );
            degree += ours.len();
        }
        let mut sorted: Vec<usize> = sample.iter().map(|id| crm.neighbours(*id, &query).unwrap().len()).collect();
        sorted.sort();
        println!(
            "neighbours, {name}: {:.1} neighbours on average, median {}, max {}",
            degree as f64 / sample.len() as f64,
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1]
        );
        let ours = |i: usize| {
            black_box(crm.neighbours(sample[i % sample.len()], &query).unwrap());
        };
        let theirs = |i: usize| {
            black_box(common::raw_read(&conn, |c| raw::neighbours(c, sample[i % sample.len()])).unwrap());
        };
        let (ours_rec, raw_rec) = (Recorder::new(), Recorder::new());
        let mut group = c.benchmark_group(format!("neighbours ({}k relationships, {name})", base.relationships / 1000));
        let mut n = 0;
        group.bench_function("ours", |b| {
            b.iter_custom(|iters| {
                ours_rec.iter(iters, || {
                    ours(n);
                    n += 1;
                })
            })
        });
        group.bench_function("raw", |b| {
            b.iter_custom(|iters| {
                raw_rec.iter(iters, || {
                    theirs(n);
                    n += 1;
                })
            })
        });
        group.finish();
        if common::filtered_out("neighbours") {
            continue;
        }
        let (o, r) = (ours_rec.median(20), raw_rec.median(20));
        println!(
            "neighbours, {name} (criterion medians): ours {}, raw {}, ratio: {:.2}×",
            common::fmt_dur(o),
            common::fmt_dur(r),
            o.as_secs_f64() / r.as_secs_f64()
        );
        let (o, r) = common::interleaved(if quick { 2 } else { 20 }, 1000, ours, theirs);
        common::report(
            &format!("neighbours: {name}, {}k relationships", base.relationships / 1000),
            &common::fmt_dur(o),
            &common::fmt_dur(r),
            o.as_secs_f64() / r.as_secs_f64(),
            "< 100 µs",
            o < Duration::from_micros(100),
        );
        let theirs_qpsg = |i: usize| {
            black_box(common::raw_read(&qpsg, |c| raw::neighbours(c, sample[i % sample.len()])).unwrap());
        };
        common::print_qpsg_gain(&format!("neighbours, {name}"), if quick { 2 } else { 20 }, 1000, theirs, theirs_qpsg);
    }
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
