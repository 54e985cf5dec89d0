//! Times a full duplicate scan of a synthetic base.
//!
//! `cargo run --release --example scan -- 100000`

use std::time::Instant;

use crm_core::dedup::matching::testdata::generate;
use crm_core::dedup::matching::{MatchConfig, candidate_pairs, find_duplicates};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let t = Instant::now();
    let set = generate(n, 42);
    println!("generated {} records in {:.2} s", set.records.len(), t.elapsed().as_secs_f64());
    let config = MatchConfig::default();

    let t = Instant::now();
    let pairs = candidate_pairs(&set.records, &config.blocking);
    let blocking = t.elapsed().as_secs_f64();
    let all = set.records.len() as f64 * (set.records.len() as f64 - 1.0) / 2.0;
    println!(
        "blocking: {} candidate pairs of {:.0} ({:.4}% of all pairs, reduction ratio {:.6}) in {:.2} s",
        pairs.len(),
        all,
        100.0 * pairs.len() as f64 / all,
        1.0 - pairs.len() as f64 / all,
        blocking
    );

    let t = Instant::now();
    match find_duplicates(&set.records, &config) {
        Ok(found) => println!(
            "find_duplicates: {} matches in {:.2} s on {} threads",
            found.len(),
            t.elapsed().as_secs_f64(),
            std::thread::available_parallelism().map_or(1, usize::from)
        ),
        Err(e) => eprintln!("error: {e}"),
    }
}
