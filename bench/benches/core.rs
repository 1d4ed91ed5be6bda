//! The core's speed natively, over the 130 pages of Mozilla Readability's test set, against
//! the floor that its design sets and against its Rust peer:
//!
//! - `lol_html_noop`: one lol_html pass over the same bytes with an `element!("*")` and a
//!   `doc_text!` handler that do nothing (non-strict). The core streams the page through
//!   lol_html twice with handlers like these, so this is the physical floor of one pass.
//! - `lol_html_bare`: one pass with no handlers at all (lol_html then only scans for tags it
//!   would have to match): how much of the floor is the handlers' element and text events.
//! - `klartext`: `klartext::extract`, everything the wasm binding calls.
//! - `dom_smoothie`: `dom_smoothie::Readability::parse` (html5ever tree, Readability's
//!   algorithm in Rust).
//!
//! One iteration is the whole set (25.7 MB), so each sample is a real mix of page sizes.
//! `./build.sh bench` runs this and reads criterion's medians from `target/criterion/mozilla`.
//!
//!   cargo bench -p klartext-bench --bench core
//!
//! KLARTEXT_DATASETS        the datasets folder (default: ../shared/datasets beside the repo)
//! KLARTEXT_BENCH_SAMPLES   samples per function (default 10, criterion's minimum)

use klartext_bench::{datasets_dir, klartext_extract, mozilla_sources, run_pass, MOZILLA_URL};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use lol_html::{doc_text, element, Settings};

/// One lol_html pass whose element and text handlers do nothing.
fn noop_pass(html: &str) -> usize {
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("*", |_el| Ok(())))
        .append_document_content_handler(doc_text!(|_text| Ok(())));
    run_pass(html, settings);
    html.len()
}

/// One lol_html pass with no handlers.
fn bare_pass(html: &str) -> usize {
    run_pass(html, Settings::new().with_strict(false));
    html.len()
}

fn dom_smoothie(html: &str) -> usize {
    dom_smoothie::Readability::new(html, Some(MOZILLA_URL), None)
        .and_then(|mut readability| readability.parse())
        .map_or(0, |article| article.content.len())
}

/// A function over one page, returning something that depends on its work.
type Corpus = fn(&str) -> usize;

fn bench(c: &mut Criterion) {
    let pages = mozilla_sources(&datasets_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !pages.is_empty(),
        "no Mozilla pages under {}",
        datasets_dir().display()
    );
    let bytes: usize = pages.iter().map(String::len).sum();
    let samples = std::env::var("KLARTEXT_BENCH_SAMPLES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(10)
        .max(10);

    let mut group = c.benchmark_group("mozilla");
    group
        .throughput(Throughput::Bytes(bytes as u64))
        // One iteration takes 0.1 to 3 s: one iteration per sample, no linear ramp.
        .sampling_mode(SamplingMode::Flat)
        .sample_size(samples)
        .warm_up_time(Duration::from_secs(2));
    let functions: [(&str, Corpus); 4] = [
        ("lol_html_bare", bare_pass),
        ("lol_html_noop", noop_pass),
        ("klartext", klartext_extract),
        ("dom_smoothie", dom_smoothie),
    ];
    for (name, function) in functions {
        let corpus = || {
            pages
                .iter()
                .map(|page| function(black_box(page)))
                .sum::<usize>()
        };
        // Time one iteration first, so that the measurement time fits the samples (criterion
        // warns and stretches it otherwise).
        let start = Instant::now();
        black_box(corpus());
        let one = start.elapsed();
        group.measurement_time(
            (one * samples as u32)
                .mul_f64(1.2)
                .max(Duration::from_secs(2)),
        );
        group.bench_function(name, |b| b.iter(corpus));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
