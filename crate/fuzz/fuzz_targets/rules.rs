//! Arbitrary text through the clutter-rule parser (see `parse_rules` in `src/lib.rs`).
//! `cd crate/fuzz && cargo +nightly fuzz run rules`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    klartext_fuzz::parse_rules(data);
});
