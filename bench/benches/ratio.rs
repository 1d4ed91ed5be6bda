//! The core's ratio to its floor, measured so that a shared, loaded machine cannot skew it:
//! each round times, page by page, one no-op lol_html pass and then `klartext::extract` on the
//! same page, so both see the same load; the ratio of their sums is taken per round, and the
//! median of the rounds is printed (after one warm-up round). Criterion's `core` bench times
//! each function over minutes apart, when the load may have changed; this one is for the
//! before/after of an optimisation.
//!
//! It also counts heap allocations per element: the allocations made by `extract` over the
//! whole set, divided by the elements lol_html reports in the no-op pass (and the no-op
//! pass's own, for comparison).
//!
//!   cargo bench -p klartext-bench --bench ratio
//!
//! KLARTEXT_DATASETS       the datasets folder (default: ../shared/datasets beside the repo)
//! KLARTEXT_BENCH_ROUNDS   rounds after the warm-up (default 15)

use klartext_bench::{datasets_dir, klartext_extract, mozilla_sources, run_pass};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lol_html::html_content::Element;
use lol_html::{doc_text, element, Settings};

/// The system allocator, counting allocations (not frees, not bytes).
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` or `realloc` above, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as for `dealloc`, and `new_size` is the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One lol_html pass whose element and text handlers do nothing but count elements.
fn noop_pass(html: &str) -> usize {
    let elements = Cell::new(0);
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("*", |_el| {
            elements.set(elements.get() + 1);
            Ok(())
        }))
        .append_document_content_handler(doc_text!(|_text| Ok(())));
    run_pass(html, settings);
    elements.get()
}

/// The no-op pass that also registers a boxed end-tag handler on every element that can have
/// content, as a pass that must see end tags does: the floor of such a pass.
fn end_tag_pass(html: &str) -> usize {
    let closes = std::rc::Rc::new(Cell::new(0usize));
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("*", |el: &mut Element<'_, '_>| {
            if el.can_have_content() {
                let closes = std::rc::Rc::clone(&closes);
                // Only fails for elements that cannot have content.
                let _ = el.on_end_tag(Box::new(move |_| {
                    closes.set(closes.get() + 1);
                    Ok(())
                }));
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(|_text| Ok(())));
    run_pass(html, settings);
    closes.get()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument selects nothing here.
    let pages = mozilla_sources(&datasets_dir()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !pages.is_empty(),
        "no Mozilla pages under {}",
        datasets_dir().display()
    );
    let bytes: usize = pages.iter().map(String::len).sum();
    let rounds = std::env::var("KLARTEXT_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(15)
        .max(1);

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let elements: usize = pages.iter().map(|p| noop_pass(p)).sum();
    let floor_allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for page in &pages {
        black_box(klartext_extract(black_box(page)));
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;

    let (mut ratios, mut floors, mut cores) = (Vec::new(), Vec::new(), Vec::new());
    let mut end_tags = Vec::new();
    // Round 0 warms up and is not counted.
    for round in 0..=rounds {
        let (mut floor, mut core, mut end_tag) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for page in &pages {
            let start = Instant::now();
            black_box(noop_pass(black_box(page)));
            let middle = Instant::now();
            black_box(klartext_extract(black_box(page)));
            let end = Instant::now();
            black_box(end_tag_pass(black_box(page)));
            floor += middle - start;
            core += end - middle;
            end_tag += end.elapsed();
        }
        if round > 0 {
            ratios.push(core.as_secs_f64() / floor.as_secs_f64());
            floors.push(floor.as_secs_f64());
            cores.push(core.as_secs_f64());
            end_tags.push(end_tag.as_secs_f64() / floor.as_secs_f64());
        }
    }
    let mib = bytes as f64 / (1024.0 * 1024.0);
    let (floor, core) = (median(&mut floors), median(&mut cores));
    println!(
        "{} pages, {mib:.1} MiB, {elements} elements, {rounds} rounds (medians)",
        pages.len()
    );
    println!(
        "lol_html no-op pass  {:8.1} ms  {:7.1} MiB/s",
        floor * 1e3,
        mib / floor
    );
    println!(
        "klartext::extract    {:8.1} ms  {:7.1} MiB/s",
        core * 1e3,
        mib / core
    );
    println!(
        "no-op + on_end_tag   {:8.2}x  the floor (median of per-round ratios)",
        median(&mut end_tags)
    );
    println!(
        "ratio to the floor   {:8.2}x  (median of per-round ratios; range {:.2} to {:.2})",
        median(&mut ratios),
        ratios.first().copied().unwrap_or_default(),
        ratios.last().copied().unwrap_or_default()
    );
    println!(
        "allocations          {:8.1} per element ({allocations} in one pass over the set; \
         the no-op pass: {:.1})",
        allocations as f64 / elements as f64,
        floor_allocations as f64 / elements as f64
    );
}
