//! Arbitrary bytes through the CLI's path: `decode`, then `extract`, then the checks on its
//! output (see `src/lib.rs`). Run with `./build.sh fuzz [SECONDS]` from the repository root.
//!
//! The rule parser has its own target (`rules`). TODO(rules): once `extract` takes rule sets,
//! split the input here into a rule set and a page, and run both through the same checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    klartext_fuzz::extract_and_check(data);
});
