//! `klartext::extract` over the Mozilla pages in a loop and nothing else, for a profiler:
//!
//!   CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release -p klartext-bench --example profile
//!   perf record --call-graph dwarf target/release/examples/profile 5
//!
//! The argument is the number of rounds over the set (default 20); it prints ms per round.

use klartext_bench::{datasets_dir, klartext_extract, mozilla_sources};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let pages = mozilla_sources(&datasets_dir()).unwrap_or_else(|e| panic!("{e}"));
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let start = Instant::now();
    for _ in 0..rounds {
        for page in &pages {
            black_box(klartext_extract(black_box(page)));
        }
    }
    let per_round = start.elapsed().as_secs_f64() * 1e3 / rounds.max(1) as f64;
    eprintln!("{} pages, {per_round:.1} ms per round", pages.len());
}
