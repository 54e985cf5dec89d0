//! The BG/NBD and Gamma-Gamma fits (`analytics::clv::fit_bgnbd`,
//! `fit_gamma_gamma`) on the CDNOW sample and on simulated customers,
//! beside the Python package `lifetimes` 0.11.3 fitting the same data in
//! the same run. Target: at least 100× faster than `lifetimes`.
//!
//! The CDNOW sample is read from `../shared/data/cdnow` beside the
//! repository (or `CRM_BENCH_CDNOW`); without it those rows are skipped.
//! `lifetimes` runs from a virtual environment under
//! `<target>/bench-venv` (made by `scripts/bench.sh`, or `CRM_BENCH_PYTHON`
//! naming a Python that has it); without it only our side is measured.
//! The Python side times `fit` alone, not the interpreter's start or the
//! reading of the file (`benches/python/lifetimes_fit.py`).

mod common;

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::Recorder;
use criterion::Criterion;
use crm_core::analytics::clv::{
    BgNbdParams, CustomerSummary, FitOptions, GammaGammaParams, SpendSummary, fit_bgnbd, fit_gamma_gamma,
};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use rand_distr::{Beta, Distribution, Exp, Gamma};

const SIMULATED: usize = 100_000;

struct Data {
    name: String,
    customers: Vec<CustomerSummary>,
    spends: Vec<SpendSummary>,
    csv: PathBuf,
}

fn cdnow_dir() -> PathBuf {
    match std::env::var_os("CRM_BENCH_CDNOW") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/cdnow"),
    }
}

/// Customer summaries as the CSV `lifetimes_fit.py` reads.
fn write_csv(path: &Path, customers: &[CustomerSummary], spends: &[SpendSummary]) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "frequency,recency,T,monetary").unwrap();
    for (c, s) in customers.iter().zip(spends) {
        writeln!(out, "{},{},{},{}", c.frequency, c.recency, c.age, s.mean_spend).unwrap();
    }
}

fn cdnow() -> Option<Data> {
    let file = cdnow_dir().join("cdnow_customers_summary_with_transactions.csv");
    let text = std::fs::read_to_string(&file).ok()?;
    let (mut customers, mut spends) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line.split(',').map(|v| v.trim().parse().unwrap()).collect();
        customers.push(CustomerSummary::new(f[1], f[2], f[3]));
        spends.push(SpendSummary::new(f[1], f[4]));
    }
    let csv = common::data_dir().join("clv-cdnow.csv");
    write_csv(&csv, &customers, &spends);
    Some(Data { name: "CDNOW sample".into(), customers, spends, csv })
}

/// Customers simulated from the published CDNOW estimates (ages uniform on
/// 1–39 weeks), as `tests/clv_common` does.
fn simulated(n: usize) -> Data {
    let bg = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let gg = GammaGammaParams::new(6.25, 3.74, 15.44).unwrap();
    let mut rng = StdRng::seed_from_u64(2005);
    let lambda_dist = Gamma::new(bg.r, 1.0 / bg.alpha).unwrap();
    let p_dist = Beta::new(bg.a, bg.b).unwrap();
    let nu_dist = Gamma::new(gg.q, 1.0 / gg.gamma).unwrap();
    let (mut customers, mut spends) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let age = 1.0 + 38.0 * rng.random::<f64>();
        let lambda: f64 = lambda_dist.sample(&mut rng);
        let p: f64 = p_dist.sample(&mut rng);
        let (mut t, mut x, mut tx) = (0.0, 0u32, 0.0);
        if lambda > 0.0 {
            let gap = Exp::new(lambda).unwrap();
            loop {
                t += gap.sample(&mut rng);
                if t > age {
                    break;
                }
                x += 1;
                tx = t;
                if rng.random::<f64>() < p {
                    break;
                }
            }
        }
        let x = f64::from(x);
        let zbar = if x > 0.0 {
            let nu: f64 = nu_dist.sample(&mut rng);
            Gamma::new(gg.p * x, 1.0 / (nu * x)).unwrap().sample(&mut rng)
        } else {
            0.0
        };
        customers.push(CustomerSummary::new(x, tx, age));
        spends.push(SpendSummary::new(x, zbar));
    }
    let csv = common::data_dir().join(format!("clv-simulated-{n}.csv"));
    write_csv(&csv, &customers, &spends);
    Data { name: format!("{}k simulated customers", n / 1000), customers, spends, csv }
}

/// The Python with `lifetimes`, if there is one.
fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CRM_BENCH_PYTHON") {
        return Some(PathBuf::from(p));
    }
    // The bench binary is <target>/<profile>/deps/<name>.
    let exe = std::env::current_exe().ok()?;
    let p = exe.ancestors().nth(3)?.join("bench-venv/bin/python");
    p.exists().then_some(p)
}

/// `lifetimes`' median fit times (BG/NBD, Gamma-Gamma) and its answer.
fn lifetimes(py: &Path, csv: &Path, rounds: usize) -> Option<(Duration, Duration, serde_json::Value)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/python/lifetimes_fit.py");
    let out = Command::new(py).arg(script).arg(csv).arg(rounds.to_string()).output().ok()?;
    if !out.status.success() {
        eprintln!("clv_fit: lifetimes failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let secs = |k: &str| Duration::from_secs_f64(v[k].as_f64().unwrap());
    Some((secs("bgnbd_seconds"), secs("gamma_gamma_seconds"), v))
}

fn bench(c: &mut Criterion) {
    // A name filter that leaves this bench out also skips building its base.
    if common::bench_excluded("clv_fit") {
        return;
    }
    let mut sets = Vec::new();
    match cdnow() {
        Some(d) => sets.push(d),
        None => println!("clv_fit: no CDNOW sample at {}; skipping it", cdnow_dir().display()),
    }
    sets.push(simulated(common::scaled(SIMULATED, 2_000)));
    let py = python();
    if py.is_none() {
        println!("clv_fit: no Python with lifetimes 0.11.3 (see scripts/bench.sh); measuring our side only");
    }
    let opts = FitOptions::default();
    for d in &sets {
        let buyers: Vec<SpendSummary> = d.spends.iter().copied().filter(|s| s.frequency > 0.0).collect();
        let bg = fit_bgnbd(&d.customers, &opts).unwrap();
        let gg = fit_gamma_gamma(&buyers, &opts).unwrap();
        println!("clv_fit {}: ours BG/NBD {:?}", d.name, bg.params);
        println!("clv_fit {}: ours Gamma-Gamma {:?}", d.name, gg.params);
        let (bg_rec, gg_rec) = (Recorder::new(), Recorder::new());
        let mut group = c.benchmark_group(format!("clv_fit ({})", d.name));
        group.sample_size(10).measurement_time(Duration::from_secs(2));
        group.bench_function("bgnbd", |b| {
            b.iter_custom(|n| {
                bg_rec.iter(n, || {
                    black_box(fit_bgnbd(&d.customers, &opts).unwrap());
                })
            })
        });
        group.bench_function("gamma_gamma", |b| {
            b.iter_custom(|n| {
                gg_rec.iter(n, || {
                    black_box(fit_gamma_gamma(&buyers, &opts).unwrap());
                })
            })
        });
        group.finish();
        if common::filtered_out("clv_fit") {
            continue;
        }
        let time = |f: &dyn Fn()| {
            let mut v: Vec<Duration> = (0..if common::test_mode() { 1 } else { 7 })
                .map(|_| {
                    let s = Instant::now();
                    f();
                    s.elapsed()
                })
                .collect();
            common::median(&mut v)
        };
        let ours_bg = time(&|| {
            black_box(fit_bgnbd(&d.customers, &opts).unwrap());
        });
        let ours_gg = time(&|| {
            black_box(fit_gamma_gamma(&buyers, &opts).unwrap());
        });
        let theirs = py.as_deref().and_then(|p| lifetimes(p, &d.csv, if common::test_mode() { 1 } else { 3 }));
        if let Some((_, _, v)) = &theirs {
            println!("clv_fit {}: lifetimes BG/NBD {}", d.name, v["bgnbd"]);
            println!("clv_fit {}: lifetimes Gamma-Gamma {}", d.name, v["gamma_gamma"]);
        }
        for (model, ours, raw) in
            [("BG/NBD", ours_bg, theirs.as_ref().map(|t| t.0)), ("Gamma-Gamma", ours_gg, theirs.as_ref().map(|t| t.1))]
        {
            let what = format!("clv_fit: {model} fit, {} (raw: lifetimes 0.11.3)", d.name);
            match raw {
                Some(r) => {
                    let ratio = ours.as_secs_f64() / r.as_secs_f64();
                    common::report(
                        &what,
                        &common::fmt_dur(ours),
                        &common::fmt_dur(r),
                        ratio,
                        "≥ 100× faster (≤ 0.01×)",
                        ratio <= 0.01,
                    );
                    println!("{what}: {:.0}× faster than lifetimes", 1.0 / ratio);
                }
                None => println!("SUMMARY|{what}|{}|—|—|≥ 100× faster|not measured", common::fmt_dur(ours)),
            }
        }
    }
}

fn main() {
    let mut c = common::criterion();
    bench(&mut c);
    c.final_summary();
}
