//! The first page of a party's timeline (`Crm::timeline`: the latest 50
//! interactions, each with its participants) among 10M interactions, for
//! the busiest persons of the base, beside raw rusqlite running the same
//! SQL on a reader configured like the library's (QPSG on). Target: at
//! most 2× raw.

mod common;

use std::hint::black_box;

use common::{Recorder, activity, raw};
use criterion::Criterion;
use crm_core::{Crm, TimelineQuery};

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("timeline") {
        return;
    }
    let base = activity::timeline_base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader_qpsg(&base.path);
    // The busiest persons: the generator gives the first ones the most.
    let sample: Vec<_> = base.persons.iter().copied().take(64).collect();
    let query = TimelineQuery::default();
    for id in &sample {
        let ours = crm.timeline(*id, &query).unwrap();
        let (theirs, more) = common::raw_read(&conn, |c| raw::timeline(c, *id, 50));
        assert_eq!(
            ours.items.iter().map(|i| i.id).collect::<Vec<_>>(),
            theirs.iter().map(|i| i.id).collect::<Vec<_>>()
        );
        assert_eq!(ours.next.is_some(), more);
        assert!(ours.items.iter().zip(&theirs).all(|(a, b)| a.participants.len() == b.participants.len()));
    }
    let full = sample.iter().filter(|id| crm.timeline(**id, &query).unwrap().items.len() == 50).count();
    println!("timeline: {full} of {} sampled persons have a full first page of 50", sample.len());
    let ours = |i: usize| {
        black_box(crm.timeline(sample[i % sample.len()], &query).unwrap());
    };
    let theirs = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::timeline(c, sample[i % sample.len()], 50)));
    };
    let (o_rec, r_rec) = (Recorder::new(), Recorder::new());
    let mut group = c.benchmark_group(format!("timeline ({}k interactions)", base.interactions / 1000));
    let mut n = 0;
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            o_rec.iter(iters, || {
                ours(n);
                n += 1
            })
        })
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            r_rec.iter(iters, || {
                theirs(n);
                n += 1
            })
        })
    });
    group.finish();
    if common::filtered_out("timeline") {
        return;
    }
    let (o, r) = (o_rec.median(20), r_rec.median(20));
    println!(
        "timeline (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );
    let rounds = if common::test_mode() { 2 } else { 20 };
    let (o, r) = common::interleaved(rounds, 200, ours, theirs);
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("timeline: latest 50 of a person, {}k interactions", base.interactions / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
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
