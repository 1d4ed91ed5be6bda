//! This encoding_rs against encoding_rs itself, call for call, on inputs made to hit the edges: malformed
//! and truncated UTF-8, characters cut between inputs, outputs too small for the next character,
//! characters windows-1252 cannot hold.

use crate::{CoderResult, Encoding};

/// xorshift64*: reproducible inputs without a dependency.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Bytes that are mostly UTF-8, with every way it goes wrong mixed in.
    fn bytes(&mut self) -> Vec<u8> {
        const PIECES: [&[u8]; 22] = [
            b"a",
            b"<p>",
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            "\u{FEFF}".as_bytes(),
            b"\xC3",         // a lead byte alone
            b"\xE2\x82",     // a three-byte character cut short
            b"\xF0\x9F\x98", // a four-byte one cut short
            b"\x80",         // a continuation byte alone
            b"\xBF\xBF",
            b"\xC0\xAF", // overlong
            b"\xE0\x80\xAF",
            b"\xED\xA0\x80",     // a surrogate
            b"\xF4\x90\x80\x80", // past U+10FFFF
            b"\xF5",
            b"\xFF",
            b"\xFE",
            b"\x00",
            b"\x9D",
            b"\xEF\xBB\xBF",
            b"\xC2\xA0",
        ];
        let mut bytes = Vec::new();
        for _ in 0..self.below(40) {
            if self.below(4) == 0 {
                bytes.push(self.next() as u8);
            } else {
                bytes.extend_from_slice(PIECES[self.below(PIECES.len())]);
            }
        }
        bytes
    }

    /// A string of characters windows-1252 holds and ones it does not.
    fn text(&mut self) -> String {
        const CHARS: [char; 12] = [
            'a', '<', 'é', 'ÿ', '€', 'Ÿ', '\u{81}', '\u{9D}', '\u{80}', 'Ā', '😀', '\u{FFFD}',
        ];
        (0..self.below(30))
            .map(|_| CHARS[self.below(CHARS.len())])
            .collect()
    }

    /// Cuts `len` bytes into pieces of random lengths (empty ones included).
    fn cuts(&mut self, len: usize) -> Vec<std::ops::Range<usize>> {
        let mut ranges = Vec::new();
        let mut start = 0;
        while start < len || ranges.is_empty() {
            let end = (start + self.below(8)).min(len);
            ranges.push(start..end);
            start = end;
        }
        ranges
    }
}

/// The encoding_rs encoding of the same name.
fn real(encoding: &'static Encoding) -> &'static real::Encoding {
    real::Encoding::for_label(encoding.name().as_bytes()).unwrap()
}

const ENCODINGS: [&Encoding; 2] = [crate::UTF_8, crate::WINDOWS_1252];

#[test]
fn labels_are_known_as_encoding_rs_knows_them_or_not_at_all() {
    let mut labels: Vec<Vec<u8>> = [
        "utf-8",
        "UTF-8",
        " \t\n\x0C\rutf8\r\n",
        "\x0Butf-8",
        "Unicode-1-1-UTF-8",
        "unicode11utf8",
        "unicode20utf8",
        "x-unicode20utf8",
        "utf-16",
        "utf-16le",
        "windows-1252",
        "latin1",
        "shift_jis",
        "replacement",
        "iso-2022-kr",
        "utf-8 ",
        "utf-8\0",
        "utf_8",
        "utf-8x",
        "",
    ]
    .iter()
    .map(|label| label.as_bytes().to_vec())
    .collect();
    let mut random = Random(7);
    labels.extend((0..2000).map(|_| random.bytes()));
    for label in labels {
        let expected = real::Encoding::for_label(&label);
        let got = Encoding::for_label(&label);
        if expected == Some(real::UTF_8) {
            assert_eq!(got, Some(crate::UTF_8), "{label:?}");
        } else {
            assert_eq!(got, None, "{label:?} is {expected:?} in encoding_rs");
        }
        if Encoding::for_label_no_replacement(&label).is_some() {
            assert_eq!(
                real::Encoding::for_label_no_replacement(&label),
                Some(real::UTF_8)
            );
        }
    }
}

#[test]
fn whole_inputs_decode_as_encoding_rs_decodes_them() {
    let mut random = Random(11);
    for _ in 0..20_000 {
        let bytes = random.bytes();
        // UTF-16 byte order marks are not sniffed here.
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            continue;
        }
        assert_eq!(
            Encoding::ascii_valid_up_to(&bytes),
            real::Encoding::ascii_valid_up_to(&bytes)
        );
        assert_eq!(
            Encoding::for_bom(&bytes).map(|(e, n)| (e.name(), n)),
            real::Encoding::for_bom(&bytes).map(|(e, n)| (e.name(), n))
        );
        for encoding in ENCODINGS {
            let (text, used, errors) = encoding.decode(&bytes);
            let (expected, expected_used, expected_errors) = real(encoding).decode(&bytes);
            assert_eq!(text, expected, "{encoding:?}: {bytes:x?}");
            assert_eq!(used.name(), expected_used.name());
            assert_eq!(errors, expected_errors, "{encoding:?}: {bytes:x?}");
            assert_eq!(
                encoding.decode_without_bom_handling(&bytes),
                real(encoding).decode_without_bom_handling(&bytes)
            );
        }
    }
}

#[test]
fn inputs_in_pieces_decode_as_encoding_rs_decodes_them_call_for_call() {
    let mut random = Random(13);
    for _ in 0..20_000 {
        let bytes = random.bytes();
        let cuts = random.cuts(bytes.len());
        // Room for a character at least; lol_html gives 1024 bytes.
        let room = 4 + random.below(12);
        for encoding in ENCODINGS {
            let mut decoder = encoding.new_decoder_without_bom_handling();
            let mut expected_decoder = real(encoding).new_decoder_without_bom_handling();
            // The output starts with characters to cut into, as lol_html's buffer holds the last text.
            let mut out = String::new();
            while out.len() + 3 <= room {
                out.push(if out.len() % 2 == 0 { '€' } else { 'é' });
            }
            while out.len() < room {
                out.push('x');
            }
            let mut expected_out = out.clone();
            let (mut text, mut expected_text) = (String::new(), String::new());
            let last_cut = cuts.len() - 1;
            for (i, cut) in cuts.iter().enumerate() {
                let mut src = &bytes[cut.clone()];
                loop {
                    let call = decoder.decode_to_str(src, &mut out, i == last_cut);
                    let expected =
                        expected_decoder.decode_to_str(src, &mut expected_out, i == last_cut);
                    let expected_result = match expected.0 {
                        real::CoderResult::InputEmpty => CoderResult::InputEmpty,
                        real::CoderResult::OutputFull => CoderResult::OutputFull,
                    };
                    assert_eq!(
                        (call.0, call.1, call.2, call.3),
                        (expected_result, expected.1, expected.2, expected.3),
                        "{encoding:?}, room {room}, {bytes:x?} cut {cuts:?} at {cut:?}"
                    );
                    assert_eq!(out[..call.2], expected_out[..expected.2]);
                    // For UTF-8 the bytes after the output too (encoding_rs clears 16 more
                    // bytes after other encodings' output, its own vector writes' spill).
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
            assert_eq!(text, encoding.decode_without_bom_handling(&bytes).0);
        }
    }
}

#[test]
fn strings_encode_as_encoding_rs_encodes_them() {
    let mut random = Random(17);
    for _ in 0..20_000 {
        let text = random.text();
        for encoding in ENCODINGS {
            let (bytes, used, unmappable) = encoding.encode(&text);
            let (expected, expected_used, expected_unmappable) = real(encoding).encode(&text);
            assert_eq!(bytes, expected, "{encoding:?}: {text:?}");
            assert_eq!(used.name(), expected_used.name());
            assert_eq!(unmappable, expected_unmappable);
        }
    }
}

#[test]
fn strings_in_pieces_encode_as_encoding_rs_encodes_them_call_for_call() {
    let mut random = Random(19);
    for _ in 0..20_000 {
        let text = random.text();
        // Room for the longest character reference at least, as lol_html's 63 bytes are.
        let room = 12 + random.below(12);
        for encoding in ENCODINGS {
            let mut encoder = encoding.new_encoder();
            let mut expected_encoder = real(encoding).new_encoder();
            let (mut out, mut expected_out) = (vec![0; room], vec![0; room]);
            let mut src = text.as_str();
            loop {
                let call = encoder.encode_from_utf8(src, &mut out, false);
                let expected = expected_encoder.encode_from_utf8(src, &mut expected_out, false);
                let expected_result = match expected.0 {
                    real::CoderResult::InputEmpty => CoderResult::InputEmpty,
                    real::CoderResult::OutputFull => CoderResult::OutputFull,
                };
                assert_eq!(
                    (call.0, call.1, call.2, call.3),
                    (expected_result, expected.1, expected.2, expected.3),
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
}
