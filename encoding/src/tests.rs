//! The comparisons with encoding_rs (src/compare.rs) on random inputs made to hit the edges:
//! malformed and truncated UTF-8, characters cut between inputs, outputs too small for the next
//! character, characters windows-1252 cannot hold.

use crate::compare;

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
        compare::label(&label);
    }
}

#[test]
fn whole_inputs_decode_as_encoding_rs_decodes_them() {
    let mut random = Random(11);
    for _ in 0..20_000 {
        compare::decode_whole(&random.bytes());
    }
}

#[test]
fn inputs_in_pieces_decode_as_encoding_rs_decodes_them_call_for_call() {
    let mut random = Random(13);
    for _ in 0..20_000 {
        let bytes = random.bytes();
        let cuts = random.cuts(bytes.len());
        let room = 4 + random.below(12);
        compare::decode_in_pieces(&bytes, &cuts, room);
    }
}

#[test]
fn strings_encode_as_encoding_rs_encodes_them() {
    let mut random = Random(17);
    for _ in 0..20_000 {
        compare::encode_whole(&random.text());
    }
}

#[test]
fn strings_in_pieces_encode_as_encoding_rs_encodes_them_call_for_call() {
    let mut random = Random(19);
    for _ in 0..20_000 {
        let text = random.text();
        compare::encode_in_pieces(&text, 12 + random.below(12));
    }
}
