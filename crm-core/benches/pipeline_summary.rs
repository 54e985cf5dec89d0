//! A pipeline summary over 1M opportunities (`Crm::pipeline_summary`:
//! count, amount and weighted amount per stage and currency), beside raw
//! rusqlite running the same SQL on a reader configured like the
//! library's. Target: at most 2× raw.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Recorder, activity, raw};
use criterion::Criterion;
use crm_core::Crm;

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("pipeline_summary") {
        return;
    }
    let base = activity::pipeline_base();
    let crm = Crm::open(&base.path).unwrap();
    let conn = common::raw_reader_qpsg(&base.path);
    let ours_sum = crm.pipeline_summary(base.pipeline_id).unwrap();
    let raw_rows = common::raw_read(&conn, |c| raw::pipeline_summary(c, base.pipeline_id));
    let total: u64 = ours_sum.stages.iter().map(|s| s.count).sum();
    assert_eq!(total as usize, base.opportunities);
    assert_eq!(total as i64, raw_rows.iter().map(|r| r.2).sum::<i64>());
    let weighted: i64 = ours_sum.stages.iter().flat_map(|s| s.weighted_amount.values()).sum();
    assert_eq!(weighted, raw_rows.iter().map(|r| r.4).sum::<i64>());
    let ours = |_: usize| {
        black_box(crm.pipeline_summary(base.pipeline_id).unwrap());
    };
    let theirs = |_: usize| {
        black_box(common::raw_read(&conn, |c| raw::pipeline_summary(c, base.pipeline_id)));
    };
    let (o_rec, r_rec) = (Recorder::new(), Recorder::new());
    let mut group = c.benchmark_group(format!("pipeline_summary ({}k opportunities)", base.opportunities / 1000));
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("ours", |b| b.iter_custom(|n| o_rec.iter(n, || ours(0))));
    group.bench_function("raw", |b| b.iter_custom(|n| r_rec.iter(n, || theirs(0))));
    group.finish();
    if common::filtered_out("pipeline_summary") {
        return;
    }
    let (o, r) = (o_rec.median(10), r_rec.median(10));
    println!(
        "pipeline_summary (criterion medians): ours {}, raw {}, ratio: {:.2}×",
        common::fmt_dur(o),
        common::fmt_dur(r),
        o.as_secs_f64() / r.as_secs_f64()
    );
    let (o, r) = common::interleaved(if common::test_mode() { 2 } else { 8 }, 1, ours, theirs);
    let ratio = o.as_secs_f64() / r.as_secs_f64();
    common::report(
        &format!("pipeline_summary: {}k opportunities, 7 stages", base.opportunities / 1000),
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
