//! encoding_rs as lol_html sees it in the Klartext wasm core: only the part of its API that
//! lol_html calls, with encoding_rs's signatures and results, for UTF-8 (and windows-1252, which
//! lol_html uses to print bytes in its debug output). The tests hold it to encoding_rs itself.
//!
//! lol_html decodes and encodes through encoding_rs, and an encoding is a value chosen at run
//! time, so every decoder and encoder of encoding_rs, with the index tables of the legacy CJK
//! encodings, ends up in the wasm core: 210 KB of its 904 KB. Yet the wasm core only ever reads
//! UTF-8: the extension encodes the page's own serialisation (`TextEncoder`), and the core never
//! asks lol_html to follow a `<meta charset>`. So the wasm build (`wasm/`, a workspace of its
//! own for that reason) patches encoding_rs with this package. The native library and CLI keep
//! encoding_rs itself: the CLI reads legacy pages with it.
//!
//! Not here: every other encoding (their labels are unknown: `for_label` gives `None`), and the
//! sniffing of UTF-16 byte order marks, which UTF-8 cannot hold.

#![deny(unsafe_code)]

use std::borrow::Cow;
use std::fmt;

/// An encoding: only the two that lol_html can be handed in wasm.
#[derive(PartialEq, Eq, Hash)]
pub struct Encoding {
    name: &'static str,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Utf8,
    Windows1252,
}

pub static UTF_8_INIT: Encoding = Encoding {
    name: "UTF-8",
    kind: Kind::Utf8,
};
pub static UTF_8: &Encoding = &UTF_8_INIT;

pub static WINDOWS_1252_INIT: Encoding = Encoding {
    name: "windows-1252",
    kind: Kind::Windows1252,
};
pub static WINDOWS_1252: &Encoding = &WINDOWS_1252_INIT;

impl fmt::Debug for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Encoding {{ {} }}", self.name)
    }
}

/// Why a decoder or encoder stopped: its input ran out, or its output is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoderResult {
    InputEmpty,
    OutputFull,
}

/// The labels of UTF-8 in the Encoding Standard (lowercase).
const UTF_8_LABELS: [&[u8]; 6] = [
    b"unicode-1-1-utf-8",
    b"unicode11utf8",
    b"unicode20utf8",
    b"utf-8",
    b"utf8",
    b"x-unicode20utf8",
];

/// windows-1252's bytes 0x80 to 0x9F (the Encoding Standard's index); the others are Latin-1.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn windows_1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

fn windows_1252_byte(c: char) -> Option<u8> {
    match u32::from(c) {
        0..=0x7F | 0xA0..=0xFF => u8::try_from(c).ok(),
        _ => WINDOWS_1252_HIGH
            .iter()
            .position(|&high| high == c)
            .map(|i| 0x80 + i as u8),
    }
}

/// The longest character reference, `&#1114111;`.
const NCR_EXTRA: usize = 10;

/// A character windows-1252 cannot hold, as encoding_rs writes it: a decimal character reference.
fn character_reference(c: char) -> String {
    format!("&#{};", u32::from(c))
}

impl Encoding {
    /// The encoding of a label, as the Encoding Standard's "get an encoding" (surrounding ASCII
    /// whitespace ignored, ASCII case-insensitive); only UTF-8's labels are known here.
    pub fn for_label(label: &[u8]) -> Option<&'static Encoding> {
        // std's ASCII whitespace is the standard's (no vertical tab).
        let label = label.trim_ascii();
        UTF_8_LABELS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(label))
            .then_some(UTF_8)
    }

    /// As [`Encoding::for_label`]: the replacement encoding is unknown here anyway.
    pub fn for_label_no_replacement(label: &[u8]) -> Option<&'static Encoding> {
        Encoding::for_label(label)
    }

    /// The UTF-8 byte order mark at the start of `buffer`, and its length.
    pub fn for_bom(buffer: &[u8]) -> Option<(&'static Encoding, usize)> {
        buffer.starts_with(b"\xEF\xBB\xBF").then_some((UTF_8, 3))
    }

    pub fn name(&'static self) -> &'static str {
        self.name
    }

    pub fn is_ascii_compatible(&'static self) -> bool {
        true
    }

    pub fn new_decoder_without_bom_handling(&'static self) -> Decoder {
        Decoder {
            encoding: self,
            utf8: Utf8State::START,
        }
    }

    pub fn new_encoder(&'static self) -> Encoder {
        Encoder { encoding: self }
    }

    /// The length of the ASCII prefix of `bytes`.
    pub fn ascii_valid_up_to(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(bytes.len())
    }

    /// Decodes a whole input, a UTF-8 byte order mark first overriding this encoding; malformed
    /// sequences become U+FFFD. Returns the text, the encoding used and whether any was malformed.
    pub fn decode<'a>(&'static self, bytes: &'a [u8]) -> (Cow<'a, str>, &'static Encoding, bool) {
        let (encoding, without_bom) = match Encoding::for_bom(bytes) {
            Some((encoding, length)) => (encoding, &bytes[length..]),
            None => (self, bytes),
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(without_bom);
        (text, encoding, had_errors)
    }

    pub fn decode_without_bom_handling<'a>(&'static self, bytes: &'a [u8]) -> (Cow<'a, str>, bool) {
        match self.kind {
            // The standard's UTF-8 decode replaces each maximal malformed subpart, as std does.
            Kind::Utf8 => {
                let text = String::from_utf8_lossy(bytes);
                let had_errors = matches!(text, Cow::Owned(_));
                (text, had_errors)
            }
            Kind::Windows1252 => match std::str::from_utf8(bytes) {
                Ok(ascii) if ascii.is_ascii() => (Cow::Borrowed(ascii), false),
                _ => (bytes.iter().map(|&b| windows_1252_char(b)).collect(), false),
            },
        }
    }

    /// Encodes a whole input; what this encoding cannot hold becomes a character reference.
    /// Returns the bytes, the encoding used and whether any character could not be held.
    pub fn encode<'a>(&'static self, string: &'a str) -> (Cow<'a, [u8]>, &'static Encoding, bool) {
        if self.kind == Kind::Utf8 || string.is_ascii() {
            return (Cow::Borrowed(string.as_bytes()), self, false);
        }
        let mut bytes = Vec::with_capacity(string.len());
        let mut unmappable = false;
        for c in string.chars() {
            match windows_1252_byte(c) {
                Some(byte) => bytes.push(byte),
                None => {
                    unmappable = true;
                    bytes.extend_from_slice(character_reference(c).as_bytes());
                }
            }
        }
        (Cow::Owned(bytes), self, unmappable)
    }
}

/// The Encoding Standard's UTF-8 decoder between two bytes: the code point so far, the bytes
/// seen and needed, and the range the next byte must be in.
#[derive(Clone, Copy)]
struct Utf8State {
    code_point: u32,
    seen: u8,
    needed: u8,
    lower: u8,
    upper: u8,
}

/// What one byte does to the UTF-8 decoder.
enum Step {
    /// Taken into a sequence not yet complete.
    Pending(Utf8State),
    /// Completes a character (or is one).
    Char(char),
    /// Malformed: U+FFFD, and the byte is read again from the start state unless `taken`.
    Malformed { taken: bool },
}

impl Utf8State {
    const START: Utf8State = Utf8State {
        code_point: 0,
        seen: 0,
        needed: 0,
        lower: 0x80,
        upper: 0xBF,
    };

    fn step(self, byte: u8) -> Step {
        if self.needed == 0 {
            let (needed, code_point, lower, upper) = match byte {
                0x00..=0x7F => return Step::Char(char::from(byte)),
                0xC2..=0xDF => (1, byte & 0x1F, 0x80, 0xBF),
                0xE0 => (2, byte & 0x0F, 0xA0, 0xBF),
                0xED => (2, byte & 0x0F, 0x80, 0x9F),
                0xE1..=0xEF => (2, byte & 0x0F, 0x80, 0xBF),
                0xF0 => (3, byte & 0x07, 0x90, 0xBF),
                0xF4 => (3, byte & 0x07, 0x80, 0x8F),
                0xF1..=0xF3 => (3, byte & 0x07, 0x80, 0xBF),
                _ => return Step::Malformed { taken: true },
            };
            return Step::Pending(Utf8State {
                code_point: u32::from(code_point),
                seen: 0,
                needed,
                lower,
                upper,
            });
        }
        if !(self.lower..=self.upper).contains(&byte) {
            return Step::Malformed { taken: false };
        }
        let next = Utf8State {
            code_point: (self.code_point << 6) | u32::from(byte & 0x3F),
            seen: self.seen + 1,
            lower: 0x80,
            upper: 0xBF,
            ..self
        };
        if next.seen < next.needed {
            return Step::Pending(next);
        }
        // The ranges above admit no surrogate and nothing past U+10FFFF.
        Step::Char(char::from_u32(next.code_point).unwrap_or(char::REPLACEMENT_CHARACTER))
    }
}

/// A streaming decoder: a character split between two inputs is completed by the second.
pub struct Decoder {
    encoding: &'static Encoding,
    utf8: Utf8State,
}

impl Decoder {
    pub fn encoding(&self) -> &'static Encoding {
        self.encoding
    }

    /// Decodes as much of `src` into the start of `dst` as fits; `last` says the input ends
    /// with it (a character still incomplete is then malformed). Returns why it stopped, the
    /// bytes read, the bytes written and whether any input was malformed. The bytes of `dst`
    /// after those written stay UTF-8 (the rest of a character cut into becomes NULs).
    pub fn decode_to_str(
        &mut self,
        src: &[u8],
        dst: &mut str,
        last: bool,
    ) -> (CoderResult, usize, usize, bool) {
        let mut out = String::with_capacity(dst.len());
        let (result, read, replaced) = match self.encoding.kind {
            Kind::Utf8 => self.decode_utf8(src, dst.len(), last, &mut out),
            Kind::Windows1252 => decode_windows_1252(src, dst.len(), &mut out),
        };
        overwrite_start(dst, &out);
        (result, read, out.len(), replaced)
    }

    fn decode_utf8(
        &mut self,
        src: &[u8],
        room: usize,
        last: bool,
        out: &mut String,
    ) -> (CoderResult, usize, bool) {
        let mut read = 0;
        let mut replaced = false;
        loop {
            if self.utf8.needed == 0 {
                // The valid run ahead in one copy, as far as it fits. Only what fits is
                // validated (as encoding_rs does): a long input decoded into a small output
                // is read once, not once per call. A character the window cuts is left to the
                // byte-at-a-time path, which finds less room than any character needs.
                let rest = &src[read..];
                let window = &rest[..rest.len().min(room - out.len())];
                let run = match std::str::from_utf8(window) {
                    Ok(run) => run,
                    Err(error) => std::str::from_utf8(&window[..error.valid_up_to()]).unwrap_or(""),
                };
                out.push_str(run);
                read += run.len();
            }
            let Some(&byte) = src.get(read) else {
                break;
            };
            // As encoding_rs: a byte is taken one at a time only with room for any character.
            if room - out.len() < 4 {
                return (CoderResult::OutputFull, read, replaced);
            }
            match self.utf8.step(byte) {
                Step::Pending(state) => {
                    self.utf8 = state;
                    read += 1;
                }
                Step::Char(c) => {
                    out.push(c);
                    self.utf8 = Utf8State::START;
                    read += 1;
                }
                Step::Malformed { taken } => {
                    out.push(char::REPLACEMENT_CHARACTER);
                    replaced = true;
                    self.utf8 = Utf8State::START;
                    if taken {
                        read += 1;
                    }
                }
            }
        }
        if last && self.utf8.needed != 0 {
            // Room was left when the sequence began in this call; after a call that filled
            // the output, encoding_rs would write past it.
            if room - out.len() < '\u{FFFD}'.len_utf8() {
                return (CoderResult::OutputFull, read, replaced);
            }
            out.push(char::REPLACEMENT_CHARACTER);
            replaced = true;
            self.utf8 = Utf8State::START;
        }
        (CoderResult::InputEmpty, read, replaced)
    }
}

/// Decodes windows-1252 as encoding_rs does, down to when it stops for room: an ASCII run is
/// copied as far as it fits, but any other byte, and any byte after one or after ASCII
/// punctuation (below `<`), is taken only with room for three bytes.
fn decode_windows_1252(src: &[u8], room: usize, out: &mut String) -> (CoderResult, usize, bool) {
    let mut read = 0;
    'ascii: loop {
        let length = (src.len() - read).min(room - out.len());
        let run = &src[read..read + length];
        let ascii = run.iter().take_while(|b| b.is_ascii()).count();
        out.extend(run[..ascii].iter().map(|&b| char::from(b)));
        read += ascii;
        if ascii == length {
            let result = if read < src.len() {
                CoderResult::OutputFull
            } else {
                CoderResult::InputEmpty
            };
            return (result, read, false);
        }
        if room - out.len() < 3 {
            return (CoderResult::OutputFull, read, false);
        }
        let mut byte = src[read];
        read += 1;
        'other: loop {
            out.push(windows_1252_char(byte));
            loop {
                if read == src.len() {
                    return (CoderResult::InputEmpty, read, false);
                }
                if room - out.len() < 3 {
                    return (CoderResult::OutputFull, read, false);
                }
                byte = src[read];
                read += 1;
                if !byte.is_ascii() {
                    continue 'other;
                }
                out.push(char::from(byte));
                if byte >= b'<' {
                    continue 'ascii;
                }
            }
        }
    }
}

/// Writes `text` over the start of `dst`, which must be as long at least.
#[allow(unsafe_code)]
fn overwrite_start(dst: &mut str, text: &str) {
    let end = text.len();
    assert!(end <= dst.len(), "the decoder wrote past its output");
    // SAFETY: `dst` is UTF-8 again before the borrow ends, and nothing in between can panic
    // (`end` is checked above): its first `end` bytes are `text`'s; the continuation bytes
    // right after them, the rest of an old character that `text` cut into, become NULs; and
    // what follows starts at a character of the old contents, which were UTF-8.
    let bytes = unsafe { dst.as_bytes_mut() };
    bytes[..end].copy_from_slice(text.as_bytes());
    for byte in bytes[end..].iter_mut().take_while(|b| **b & 0xC0 == 0x80) {
        *byte = 0;
    }
}

/// A streaming encoder. Neither encoding here keeps state between inputs.
pub struct Encoder {
    encoding: &'static Encoding,
}

impl Encoder {
    pub fn has_pending_state(&self) -> bool {
        false
    }

    /// Encodes as much of `src` into the start of `dst` as fits, writing what the encoding
    /// cannot hold as character references. Returns why it stopped, the bytes read, the bytes
    /// written and whether any character could not be held.
    pub fn encode_from_utf8(
        &mut self,
        src: &str,
        dst: &mut [u8],
        _last: bool,
    ) -> (CoderResult, usize, usize, bool) {
        if self.encoding.kind == Kind::Utf8 {
            let mut fits = src.len().min(dst.len());
            while !src.is_char_boundary(fits) {
                fits -= 1;
            }
            dst[..fits].copy_from_slice(&src.as_bytes()[..fits]);
            let result = if fits == src.len() {
                CoderResult::InputEmpty
            } else {
                CoderResult::OutputFull
            };
            return (result, fits, fits, false);
        }
        // As encoding_rs: only what the encoding holds goes into the last NCR_EXTRA bytes, so
        // that a character reference always fits after it.
        let Some(effective) = dst.len().checked_sub(NCR_EXTRA) else {
            let result = if src.is_empty() {
                CoderResult::InputEmpty
            } else {
                CoderResult::OutputFull
            };
            return (result, 0, 0, false);
        };
        let mut written = 0;
        let mut unmappable = false;
        for (read, c) in src.char_indices() {
            if written >= effective {
                return (CoderResult::OutputFull, read, written, unmappable);
            }
            match windows_1252_byte(c) {
                Some(byte) => {
                    dst[written] = byte;
                    written += 1;
                }
                None => {
                    let reference = character_reference(c);
                    dst[written..written + reference.len()].copy_from_slice(reference.as_bytes());
                    written += reference.len();
                    unmappable = true;
                }
            }
        }
        (CoderResult::InputEmpty, src.len(), written, unmappable)
    }
}

#[cfg(any(test, feature = "compare"))]
pub mod compare;
#[cfg(test)]
mod tests;
