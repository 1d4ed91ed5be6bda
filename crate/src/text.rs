//! Text measurement and character-reference decoding.
//!
//! lol_html hands out text and attribute values as they are in the source, with character
//! references still encoded, so everything that leaves the core is decoded here first.

use std::borrow::Cow;

/// What one chunk of text adds to its element.
#[derive(Debug, Default, PartialEq)]
pub struct Stats {
    /// Characters, with each run of whitespace counted once.
    pub chars: u32,
    /// Commas, in the scripts that have their own (Arabic, CJK, full-width…).
    pub commas: u32,
    /// A period followed by a space or the end of the chunk.
    pub sentence_end: bool,
    pub letters: u32,
    pub digits: u32,
}

/// Comma characters of many scripts: Readability's nine, plus the ideographic comma.
pub fn is_comma(c: char) -> bool {
    matches!(
        c,
        ',' | '\u{060C}'
            | '\u{FE50}'
            | '\u{FE10}'
            | '\u{FE11}'
            | '\u{2E41}'
            | '\u{2E34}'
            | '\u{2E32}'
            | '\u{FF0C}'
            | '\u{3001}'
    )
}

/// Han ideographs, kana and Hangul syllables.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// A chunk's statistics as they are counted, char by char.
#[derive(Default)]
struct Counter {
    stats: Stats,
    prev_period: bool,
    only_whitespace: bool,
}

impl Counter {
    fn new() -> Self {
        Counter {
            only_whitespace: true,
            ..Default::default()
        }
    }

    /// Counts one char; `last_was_space` carries whitespace collapsing across chunks.
    fn push(&mut self, c: char, last_was_space: &mut bool) {
        let stats = &mut self.stats;
        if c.is_whitespace() {
            if !*last_was_space {
                stats.chars += 1;
                *last_was_space = true;
            }
            stats.sentence_end |= self.prev_period;
        } else {
            // A Chinese, Japanese or Korean character carries about as much as a short Latin
            // word: it counts as two, so that length thresholds tuned on Latin text hold.
            stats.chars += if is_cjk(c) { 2 } else { 1 };
            *last_was_space = false;
            self.only_whitespace = false;
            if c.is_alphabetic() {
                stats.letters += 1;
            } else if c.is_numeric() {
                stats.digits += 1;
            }
            stats.commas += u32::from(is_comma(c));
        }
        self.prev_period = matches!(c, '.' | '。' | '!' | '?');
    }

    fn finish(mut self) -> Stats {
        self.stats.sentence_end |= self.prev_period;
        // A chunk of only whitespace between tags adds nothing a reader sees.
        if self.only_whitespace {
            self.stats.chars = 0;
        }
        self.stats
    }
}

/// `char::is_whitespace` in ASCII: space, tab, line feed, vertical tab, form feed, return.
fn is_ascii_space(b: u8) -> bool {
    b == b' ' || b.wrapping_sub(b'\t') < 5
}

/// Ends a sentence when whitespace or the chunk's end follows.
fn is_period(b: u8) -> bool {
    b == b'.' || b == b'!' || b == b'?'
}

/// What a run of ASCII adds, in counts (see [`measure`]).
#[derive(Default)]
struct AsciiStats {
    spaces: u32,
    /// Whitespace bytes not preceded by whitespace: a run counts once, where it starts.
    space_starts: u32,
    letters: u32,
    digits: u32,
    commas: u32,
    /// Whitespace bytes preceded by a period.
    sentence_ends: u32,
}

/// Counts a run of ASCII bytes; `prev_space` and `prev_period` describe the byte before it.
///
/// Each byte's counts depend only on it and the byte before, so the loop is comparisons and
/// sums with no branch and no carried state: the compiler turns it into SIMD (16 bytes a step
/// in wasm), counting in bytes for up to 255 bytes at a time. A table lookup per byte, as
/// before, kept it scalar: 10% of pass 1.
fn ascii_stats(run: &[u8], prev_space: bool, prev_period: bool) -> AsciiStats {
    let mut total = AsciiStats::default();
    // The first byte against what came before the run; the rest against their predecessors.
    let (&first, _) = run.split_first().expect("a run is never empty");
    let space = is_ascii_space(first);
    total.spaces = u32::from(space);
    total.space_starts = u32::from(space && !prev_space);
    total.sentence_ends = u32::from(space && prev_period);
    total.letters = u32::from(first.is_ascii_alphabetic());
    total.digits = u32::from(first.is_ascii_digit());
    total.commas = u32::from(first == b',');
    let (prevs, bytes) = (&run[..run.len() - 1], &run[1..]);
    for (prevs, bytes) in prevs.chunks(255).zip(bytes.chunks(255)) {
        let (mut spaces, mut starts, mut ends, mut letters, mut digits, mut commas) =
            (0u8, 0u8, 0u8, 0u8, 0u8, 0u8);
        for (&p, &b) in prevs.iter().zip(bytes) {
            let space = is_ascii_space(b);
            spaces += u8::from(space);
            starts += u8::from(space & !is_ascii_space(p));
            ends += u8::from(space & is_period(p));
            letters += u8::from(b.is_ascii_alphabetic());
            digits += u8::from(b.is_ascii_digit());
            commas += u8::from(b == b',');
        }
        total.spaces += u32::from(spaces);
        total.space_starts += u32::from(starts);
        total.sentence_ends += u32::from(ends);
        total.letters += u32::from(letters);
        total.digits += u32::from(digits);
        total.commas += u32::from(commas);
    }
    total
}

/// Measures a chunk; `last_was_space` carries whitespace collapsing across chunks.
pub fn measure(chunk: &str, last_was_space: &mut bool) -> Stats {
    // Character references are measured as the characters they stand for (`&nbsp;` is one
    // space, not six letters).
    let decoded = decode(chunk);
    let chunk = decoded.as_ref();
    let mut counter = Counter::new();
    let bytes = chunk.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        // A run of ASCII, most of most pages, counted without decoding chars or the Unicode
        // tables (what `Counter::push` does, char by char, for these bytes).
        let run = bytes[at..]
            .iter()
            .position(|b| !b.is_ascii())
            .map_or(bytes.len(), |n| at + n);
        if run > at {
            let ascii = ascii_stats(&bytes[at..run], *last_was_space, counter.prev_period);
            let len = (run - at) as u32;
            let stats = &mut counter.stats;
            stats.chars += len - ascii.spaces + ascii.space_starts;
            stats.letters += ascii.letters;
            stats.digits += ascii.digits;
            stats.commas += ascii.commas;
            stats.sentence_end |= ascii.sentence_ends > 0;
            counter.only_whitespace &= ascii.spaces == len;
            let last = bytes[run - 1];
            *last_was_space = is_ascii_space(last);
            counter.prev_period = is_period(last);
            at = run;
            continue;
        }
        let c = chunk[at..].chars().next().expect("at a char boundary");
        at += c.len_utf8();
        counter.push(c, last_was_space);
    }
    counter.finish()
}

/// Decodes character references in text content.
pub fn decode(raw: &str) -> Cow<'_, str> {
    if raw.contains('&') {
        htmlize::unescape(raw)
    } else {
        Cow::Borrowed(raw)
    }
}

/// Decodes character references in an attribute value (where `&amp=` style rules differ).
pub fn decode_attribute(raw: &str) -> String {
    if raw.contains('&') {
        htmlize::unescape_attribute(raw).into_owned()
    } else {
        raw.to_string()
    }
}

/// Appends `text` to `out` with each run of whitespace as one space, `last_was_space`
/// carrying the run across calls (a run that began before is not spaced again). ASCII
/// between whitespace is copied a run at a time, not a char at a time.
pub fn collapse_onto(text: &str, last_was_space: &mut bool, out: &mut String) {
    let bytes = text.as_bytes();
    let (mut from, mut at) = (0, 0);
    while at < bytes.len() {
        let byte = bytes[at];
        let (len, space) = if byte.is_ascii() {
            // `char::is_whitespace` in ASCII.
            (
                1,
                matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0B' | b'\x0C'),
            )
        } else {
            let c = text[at..].chars().next().expect("at a char boundary");
            (c.len_utf8(), c.is_whitespace())
        };
        if space {
            out.push_str(&text[from..at]);
            if !*last_was_space {
                out.push(' ');
                *last_was_space = true;
            }
            from = at + len;
        } else {
            *last_was_space = false;
        }
        at += len;
    }
    out.push_str(&text[from..]);
}

/// Decodes, collapses whitespace runs to one space and trims.
pub fn decode_collapse(raw: &str) -> String {
    collapse(&decode(raw))
}

pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether an inline style hides the element: it says `display:none` or `visibility:hidden`
/// once whitespace is dropped and letters are lowercased.
pub fn style_hides(style: &str) -> bool {
    if !style.is_ascii() {
        return style_hides_by_copy(style);
    }
    // Without the lowercase copy (an allocation per styled element, then two substring
    // searchers): the compact text is matched where it stands.
    let bytes = style.as_bytes();
    let compact_starts_with = |from: usize, pattern: &[u8]| {
        let mut compact = bytes[from..]
            .iter()
            .filter(|b| !b.is_ascii_whitespace() && **b != 0x0B)
            .map(u8::to_ascii_lowercase);
        pattern.iter().all(|&p| compact.next() == Some(p))
    };
    let at = |from: usize| match bytes[from].to_ascii_lowercase() {
        b'd' => compact_starts_with(from, b"display:none"),
        _ => compact_starts_with(from, b"visibility:hidden"),
    };
    // Only where a `d` or `v` stands (found by memchr, not byte by byte): in lowercase first,
    // as styles are mostly written.
    memchr::memchr2_iter(b'd', b'v', bytes).any(at)
        || memchr::memchr2_iter(b'D', b'V', bytes).any(at)
}

/// [`style_hides`] on a lowercase copy without whitespace: the definition, for any text.
fn style_hides_by_copy(style: &str) -> bool {
    let compact: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    compact.contains("display:none") || compact.contains("visibility:hidden")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::random_chunks;

    /// `measure` as one loop over chars: the definition its ASCII shortcut must keep.
    fn measure_by_chars(chunk: &str, last_was_space: &mut bool) -> Stats {
        let mut counter = Counter::new();
        for c in decode(chunk).chars() {
            counter.push(c, last_was_space);
        }
        counter.finish()
    }

    #[test]
    fn measure_counts_as_one_loop_over_chars() {
        let chunks = [
            "",
            "   ",
            "Hello, world. It is 10:30!",
            "  two  spaces\t\nand\u{a0}nbsp&nbsp;x ",
            "Zahl 3,5 ist größer. Ende.",
            "中文，日本語。한국어 ١٢٣ ٫",
            "a.b c.\u{3000}d?",
            "x\u{0B}y\u{85}z\u{2028}",
            "&amp;&#x41;&unknown; ½ Ⅳ",
            "every ASCII byte: \x00\x01\x08\x0B\x0C\x0E\x1C\x1F !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\x7F.",
            "end! ?. , .\r\n",
        ];
        for chunk in chunks {
            for start in [true, false] {
                let (mut a, mut b) = (start, start);
                assert_eq!(
                    measure(chunk, &mut a),
                    measure_by_chars(chunk, &mut b),
                    "{chunk:?}"
                );
                assert_eq!(a, b, "{chunk:?}");
            }
        }
    }

    /// The same on 20,000 random chunks of ASCII runs, whitespace runs, periods and commas
    /// next to non-ASCII letters, spaces and punctuation, from both whitespace states.
    #[test]
    fn measure_counts_random_chunks_as_one_loop_over_chars() {
        const PIECES: &[&str] = &[
            "a", "Z", "7", " ", "  ", "\t", "\n", "\x0B", ".", "!", "?", ",", ";", "-", "&amp;",
            "&nbsp;", "\u{a0}", "é", "中", "。", "，", "\u{2028}", "\u{3000}", "١", "x.", ". ",
        ];
        for chunk in random_chunks(PIECES, 0x2545_f491_4f6c_dd1d, 12, 20_000) {
            for start in [true, false] {
                let (mut a, mut b) = (start, start);
                assert_eq!(
                    measure(&chunk, &mut a),
                    measure_by_chars(&chunk, &mut b),
                    "{chunk:?}"
                );
                assert_eq!(a, b, "{chunk:?}");
            }
        }
    }

    /// `collapse_onto` does what a char loop does, on random chunks from both states.
    #[test]
    fn collapse_onto_is_the_char_loop() {
        const PIECES: &[&str] = &[
            "a", "Z", "7", " ", "  ", "\t", "\n", "\x0B", "\x1F", ".", "&amp;", "\u{a0}", "é",
            "中", "\u{2028}", "\u{3000}", "\u{85}", "x y",
        ];
        for chunk in random_chunks(PIECES, 0x9e37_79b9_7f4a_7c15, 10, 20_000) {
            for start in [true, false] {
                let (mut a, mut b) = (start, start);
                let mut fast = String::from("<");
                collapse_onto(&chunk, &mut a, &mut fast);
                let mut slow = String::from("<");
                for c in chunk.chars() {
                    if c.is_whitespace() {
                        if !b {
                            slow.push(' ');
                            b = true;
                        }
                    } else {
                        slow.push(c);
                        b = false;
                    }
                }
                assert_eq!((fast, a), (slow, b), "{chunk:?}");
            }
        }
    }

    #[test]
    fn measures_collapsed_characters_and_commas() {
        let mut space = false;
        let stats = measure("Ja,  nein，好、 ok. ", &mut space);
        assert_eq!(stats.commas, 3);
        // 好 is CJK and counts twice.
        assert_eq!(
            stats.chars,
            "Ja, nein，好、 ok. ".chars().count() as u32 + 1
        );
        assert!(stats.sentence_end);
        assert_eq!(measure(" \n\t ", &mut space).chars, 0);
    }

    #[test]
    fn decodes_references() {
        assert_eq!(decode("a &amp; b &bdquo;c&ldquo; &#x41;"), "a & b „c“ A");
        assert_eq!(decode_attribute("?a=1&amp;b=2&copy=3"), "?a=1&b=2&copy=3");
        assert_eq!(decode_collapse("  a \n&nbsp;b "), "a b");
    }

    #[test]
    fn finds_hiding_styles() {
        assert!(style_hides("color:red; DISPLAY : none"));
        assert!(style_hides("visibility: hidden"));
        assert!(!style_hides("display: block"));
    }

    /// Read in place, an ASCII style says what the lowercase copy without whitespace says.
    #[test]
    fn style_hides_in_place_as_on_a_copy() {
        for style in [
            "",
            "display:none",
            "DISPLAY : NONE",
            "padding:0;Display:None",
            "color:red; VISIBILITY: hidden",
            "width:1px;dVISIBILITY:HIDDEN",
            "color:red;display:\tnone\n",
            "display\x0B:\x0Cnone",
            "display\x1F:none",
            "d isplay:no ne",
            "display:nonesuch",
            "ddisplay:none",
            "display:block;visibility : Hidden !important",
            "visibility:visible",
            "vvisibility:hidde",
            "display:",
            "v",
            "d",
        ] {
            assert_eq!(style_hides(style), style_hides_by_copy(style), "{style:?}");
        }
    }
}
