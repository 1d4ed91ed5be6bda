//! Arbitrary bytes through the wasm core's encoding_rs (`encoding/`, UTF-8 alone), held call
//! for call to encoding_rs itself (`encoding/src/compare.rs`). Run with `./build.sh fuzz
//! [SECONDS]` from the repository root, or `cargo +nightly fuzz run encoding` here.
#![no_main]

use encoding::compare;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    encoding_like_encoding_rs(data);
});

/// The wasm core's encoding_rs (`encoding/`: UTF-8, and windows-1252 for lol_html's debug
/// output) against encoding_rs itself. The first byte picks the output's room, the second
/// where the rest is cut into pieces; the rest is decoded whole and in those pieces, read as
/// text and encoded whole and in pieces, and taken as a label.
fn encoding_like_encoding_rs(data: &[u8]) {
    let (head, bytes) = data.split_at(data.len().min(2));
    let room = 4 + head.first().map_or(0, |&b| usize::from(b) % 64);
    // Pieces of 0 to 15 bytes, their lengths drawn from the second byte.
    let mut seed = head.get(1).map_or(1, |&b| u32::from(b) + 1);
    let mut cuts = Vec::new();
    let mut start = 0;
    while start < bytes.len() || cuts.is_empty() {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let end = (start + (seed >> 16) as usize % 16).min(bytes.len());
        cuts.push(start..end);
        start = end;
    }
    compare::decode_whole(bytes);
    compare::decode_in_pieces(bytes, &cuts, room);
    let text = String::from_utf8_lossy(bytes);
    compare::encode_whole(&text);
    compare::encode_in_pieces(&text, room.max(12));
    compare::label(bytes);
}
