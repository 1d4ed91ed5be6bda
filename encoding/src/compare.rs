//! This crate held to encoding_rs itself, call for call: each function panics where the two
//! differ. The tests (src/tests.rs) run them on random inputs made to hit the edges, and
//! crate/fuzz's `encoding` target on the fuzzer's (feature `compare`).

use crate::{CoderResult, Encoding};
use std::ops::Range;

/// The encodings here, each held to encoding_rs's encoding of the same name.
pub const ENCODINGS: [&Encoding; 2] = [crate::UTF_8, crate::WINDOWS_1252];

fn real(encoding: &'static Encoding) -> &'static real::Encoding {
    real::Encoding::for_label(encoding.name().as_bytes()).unwrap()
}

fn result(result: real::CoderResult) -> CoderResult {
    match result {
        real::CoderResult::InputEmpty => CoderResult::InputEmpty,
        real::CoderResult::OutputFull => CoderResult::OutputFull,
    }
}

/// A label is known as encoding_rs knows it, or not at all (only UTF-8's are known here).
pub fn label(label: &[u8]) {
    let expected = real::Encoding::for_label(label);
    let got = Encoding::for_label(label);
    if expected == Some(real::UTF_8) {
        assert_eq!(got, Some(crate::UTF_8), "{label:?}");
    } else {
        assert_eq!(got, None, "{label:?} is {expected:?} in encoding_rs");
    }
    if Encoding::for_label_no_replacement(label).is_some() {
        assert_eq!(
            real::Encoding::for_label_no_replacement(label),
            Some(real::UTF_8)
        );
    }
}

/// A whole input decodes as in encoding_rs, with and without byte order mark handling.
pub fn decode_whole(bytes: &[u8]) {
    // UTF-16 byte order marks are not sniffed here.
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return;
    }
    assert_eq!(
        Encoding::ascii_valid_up_to(bytes),
        real::Encoding::ascii_valid_up_to(bytes)
    );
    assert_eq!(
        Encoding::for_bom(bytes).map(|(e, n)| (e.name(), n)),
        real::Encoding::for_bom(bytes).map(|(e, n)| (e.name(), n))
    );
    for encoding in ENCODINGS {
        let (text, used, errors) = encoding.decode(bytes);
        let (expected, expected_used, expected_errors) = real(encoding).decode(bytes);
        assert_eq!(text, expected, "{encoding:?}: {bytes:x?}");
        assert_eq!(used.name(), expected_used.name());
        assert_eq!(errors, expected_errors, "{encoding:?}: {bytes:x?}");
        assert_eq!(
            encoding.decode_without_bom_handling(bytes),
            real(encoding).decode_without_bom_handling(bytes)
        );
    }
}

/// An input cut into `cuts` (consecutive, covering it) decodes as in encoding_rs, call for call,
/// into an output of `room` bytes (4 at least: room for any character, as encoding_rs needs;
/// lol_html gives 1024), which starts with characters to cut into, as lol_html's buffer holds
/// the last text.
pub fn decode_in_pieces(bytes: &[u8], cuts: &[Range<usize>], room: usize) {
    assert!(room >= 4);
    for encoding in ENCODINGS {
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let mut expected_decoder = real(encoding).new_decoder_without_bom_handling();
        let mut out = String::new();
        while out.len() + 3 <= room {
            out.push(if out.len() % 2 == 0 { '€' } else { 'é' });
        }
        while out.len() < room {
            out.push('x');
        }
        let mut expected_out = out.clone();
        let (mut text, mut expected_text) = (String::new(), String::new());
        for (i, cut) in cuts.iter().enumerate() {
            let last = i == cuts.len() - 1;
            let mut src = &bytes[cut.clone()];
            loop {
                let call = decoder.decode_to_str(src, &mut out, last);
                let expected = expected_decoder.decode_to_str(src, &mut expected_out, last);
                assert_eq!(
                    call,
                    (result(expected.0), expected.1, expected.2, expected.3),
                    "{encoding:?}, room {room}, {bytes:x?} cut {cuts:?} at {cut:?}"
                );
                assert_eq!(out[..call.2], expected_out[..expected.2]);
                // For UTF-8 the bytes after the output too (encoding_rs clears 16 more bytes
                // after other encodings' output, its own vector writes' spill).
                if encoding == crate::UTF_8 {
                    assert_eq!(out, expected_out, "the bytes after the output");
                }
                text.push_str(&out[..call.2]);
                expected_text.push_str(&expected_out[..expected.2]);
                src = &src[call.1..];
                if call.0 == CoderResult::InputEmpty {
                    break;
                }
            }
        }
        assert_eq!(text, expected_text);
        assert_eq!(text, encoding.decode_without_bom_handling(bytes).0);
    }
}

/// A whole string encodes as in encoding_rs.
pub fn encode_whole(text: &str) {
    for encoding in ENCODINGS {
        let (bytes, used, unmappable) = encoding.encode(text);
        let (expected, expected_used, expected_unmappable) = real(encoding).encode(text);
        assert_eq!(bytes, expected, "{encoding:?}: {text:?}");
        assert_eq!(used.name(), expected_used.name());
        assert_eq!(unmappable, expected_unmappable);
    }
}

/// A string encodes as in encoding_rs, call for call, into an output of `room` bytes (12 at
/// least: room for the longest character reference, as lol_html's 63 bytes are).
pub fn encode_in_pieces(text: &str, room: usize) {
    assert!(room >= 12);
    for encoding in ENCODINGS {
        let mut encoder = encoding.new_encoder();
        let mut expected_encoder = real(encoding).new_encoder();
        let (mut out, mut expected_out) = (vec![0; room], vec![0; room]);
        let mut src = text;
        loop {
            let call = encoder.encode_from_utf8(src, &mut out, false);
            let expected = expected_encoder.encode_from_utf8(src, &mut expected_out, false);
            assert_eq!(
                call,
                (result(expected.0), expected.1, expected.2, expected.3),
                "{encoding:?}, room {room}: {src:?}"
            );
            assert_eq!(out[..call.2], expected_out[..expected.2]);
            assert!(!encoder.has_pending_state());
            src = &src[call.1..];
            if call.0 == CoderResult::InputEmpty {
                break;
            }
        }
    }
}
