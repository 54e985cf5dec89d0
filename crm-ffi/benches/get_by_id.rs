//! Get-by-id in Rust over crm-core: the baseline of the C interface's
//! `crm_party_display_name` and `crm_party_get` loops (tests/c/bench_get.c).
//! `bash tests/c/bench.sh` runs both on the same base and prints the ratios.
//!
//! Usage: `cargo bench -p crm-ffi --bench get_by_id -- [base-file [parties
//! [iterations]]]`; without a file it makes a base of its own.
//! Prints one line per loop: `<name> <ns per get>`.

use std::hint::black_box;
use std::time::Instant;

use crm_core::{Crm, NewParty, PartyFilter, PartyQuery, Uuid};

const ROUNDS: usize = 5;

fn main() -> crm_core::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let own = std::env::temp_dir().join(format!("crm-bench-get-{}.db", std::process::id()));
    let path = args.first().map_or(own.clone(), std::path::PathBuf::from);
    let parties: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let iterations: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);

    let crm = Crm::open(&path)?;
    let have = crm.count_parties(&PartyFilter::default())? as usize;
    for i in have..parties {
        crm.create_party(NewParty::person(format!("Given{i}"), "Family").with_email(format!("person{i}@example.com")))?;
    }
    let mut ids: Vec<Uuid> = Vec::with_capacity(parties);
    let mut query = PartyQuery { limit: 1000, ..Default::default() };
    while ids.len() < parties {
        let page = crm.list_parties(&query)?;
        ids.extend(page.items.iter().map(|p| p.id).take(parties - ids.len()));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }

    let mut best_get = f64::MAX;
    let mut best_json = f64::MAX;
    for _ in 0..ROUNDS {
        let t0 = Instant::now();
        for i in 0..iterations {
            let p = crm.get_party(ids[i % ids.len()])?;
            black_box(p.display_name.len());
        }
        let t1 = Instant::now();
        for i in 0..iterations {
            let p = crm.get_party(ids[i % ids.len()])?;
            let json = serde_json::to_string(&p).unwrap_or_default();
            black_box(json.len());
        }
        let t2 = Instant::now();
        best_get = best_get.min((t1 - t0).as_nanos() as f64 / iterations as f64);
        best_json = best_json.min((t2 - t1).as_nanos() as f64 / iterations as f64);
    }
    println!("rust_get {best_get:.0}");
    println!("rust_get_json {best_json:.0}");

    drop(crm);
    if path == own {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", own.display()));
        }
    }
    Ok(())
}
