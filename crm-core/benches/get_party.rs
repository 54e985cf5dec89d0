//! `Crm::get_party` (the party row, its roles, contact points, tags and
//! custom values, in one read transaction) on the 1M-party base, for random
//! ids, beside raw rusqlite running the same queries on a reader connection
//! configured like the library's. Target: at most 2× raw.

mod common;

use std::hint::black_box;

use common::{Recorder, base, raw};
use criterion::Criterion;
use crm_core::Crm;
use uuid::Uuid;

fn bench(c: &mut Criterion) {
    let base = base::base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader(&base.path);
    let ids: Vec<Uuid> = base::all_ids(&conn).into_iter().map(|(id, _)| id).collect();
    let sample = base::sample(&ids, 4096, 7);
    drop(ids);
    // Both sides read the same parties.
    for id in sample.iter().take(64) {
        let ours = crm.get_party(*id).unwrap();
        let theirs = common::raw_read(&conn, |c| raw::get_party(c, *id)).unwrap();
        assert_eq!(ours.contact_points.len(), theirs.contacts.len());
        assert_eq!(ours.roles.len(), theirs.roles.len());
        assert_eq!(ours.tags.len(), theirs.tags.len());
        assert_eq!(ours.custom.len(), theirs.custom.len());
    }
    let ours_get = |i: usize| {
        black_box(crm.get_party(sample[i % sample.len()]).unwrap());
    };
    let raw_get = |i: usize| {
        black_box(common::raw_read(&conn, |c| raw::get_party(c, sample[i % sample.len()])).unwrap());
    };

    let (ours_rec, raw_rec) = (Recorder::new(), Recorder::new());
    let mut group = c.benchmark_group(format!("get_party ({}k parties)", base.parties / 1000));
    let mut n = 0;
    group.bench_function("ours", |b| {
        b.iter_custom(|iters| {
            ours_rec.iter(iters, || {
                ours_get(n);
                n += 1;
            })
        })
    });
    group.bench_function("raw", |b| {
        b.iter_custom(|iters| {
            raw_rec.iter(iters, || {
                raw_get(n);
                n += 1;
            })
        })
    });
    group.finish();
    if common::filtered_out("get_party") {
        return;
    }
    let (o, r) = (ours_rec.median(20), raw_rec.median(20));
    println!(
        "get_party (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );
    let rounds = if common::test_mode() { 2 } else { 20 };
    let (o, r) = common::interleaved(rounds, 2000, ours_get, raw_get);
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("get_party: random ids of {}k parties", base.parties / 1000),
        &common::fmt_dur(o),
        &common::fmt_dur(r),
        ratio,
        "≤ 2× raw",
        ratio <= 2.0,
    );
    let qpsg = common::raw_reader_qpsg(&base.path);
    let raw_get_qpsg = |i: usize| {
        black_box(common::raw_read(&qpsg, |c| raw::get_party(c, sample[i % sample.len()])).unwrap());
    };
    common::print_qpsg_gain("get_party", rounds, 2000, raw_get, raw_get_qpsg);
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
