//! Class and id tokens, interned per page with what the class patterns and the clutter words
//! say about them.
//!
//! A page repeats the same few hundred class tokens on thousands of elements (`c-link`,
//! `article__body`), and every pattern in [`crate::patterns`] and [`crate::clutter`] is free of
//! whitespace, so a match in a whole class attribute is a match in one of its tokens. Each
//! distinct token is therefore judged once per page and its verdict looked up afterwards.

use std::collections::HashMap;
use std::hash::Hasher;

use foldhash::fast::FixedState;
use std::sync::LazyLock;

use crate::clutter::{self, Category};
use crate::patterns;
use crate::rules::Matcher;

/// What the patterns say about one lowercase class or id token, as bits.
pub mod fact {
    /// Readability's negative class pattern (or the token `hid`).
    pub const NEGATIVE: u8 = 1;
    /// Readability's positive class pattern.
    pub const POSITIVE: u8 = 1 << 1;
    /// A container that is almost never the article.
    pub const UNLIKELY: u8 = 1 << 2;
    /// Rescues an unlikely match (`main-header`).
    pub const MAYBE: u8 = 1 << 3;
    pub const BYLINE: u8 = 1 << 4;
    pub const SHARE: u8 = 1 << 5;
    /// Contains `fallback-image`: an `aria-hidden` image that is the only copy of its picture.
    pub const FALLBACK_IMAGE: u8 = 1 << 6;
}

/// The verdict on one token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub bits: u8,
    /// The clutter category its words name.
    pub category: Option<Category>,
}

impl Facts {
    /// Judges a lowercase token in one scan over its bytes.
    fn of(token: &str) -> Facts {
        let bytes = token.as_bytes();
        let is_separator = |b: u8| b == b'-' || b == b'_';
        let unseparated = !bytes.iter().copied().any(is_separator);
        let mut found = 0u32;
        let set = &*PATTERNS;
        // Every pattern is two bytes or more: none starts at the last byte.
        for start in 0..bytes.len().saturating_sub(1) {
            let (first, second) = (bytes[start], bytes[start + 1]);
            if !set.starts(first, second) {
                continue;
            }
            let part_start = start == 0 || is_separator(bytes[start - 1]);
            let rest = &bytes[start..];
            for pattern in &set.by_first_byte[first as usize] {
                // Byte by byte: patterns are a few bytes long, most differ in their second,
                // and a `memcmp` call per candidate cost more than the comparison.
                let candidate = &pattern.bytes;
                if candidate.len() > rest.len() || !candidate.iter().zip(rest).all(|(a, b)| a == b)
                {
                    continue;
                }
                let end = start + candidate.len();
                found |= pattern.signals & (ANYWHERE_BITS | CONTAINED_WORD);
                if unseparated {
                    found |= pattern.signals & LONG_WORD;
                }
                if part_start && (end == bytes.len() || is_separator(bytes[end])) {
                    found |= pattern.signals & WHOLE_PART;
                }
            }
        }
        let mut bits = (found & ANYWHERE_BITS) as u8;
        if token == "hid" {
            bits |= fact::NEGATIVE;
        }
        if patterns::is_share(token) {
            bits |= fact::SHARE;
        }
        // Long hyphenated tokens are slugs of headings or titles
        // (`sharing-with-a-single-developer`), not widget names.
        let parts = token.split(['-', '_']).filter(|p| !p.is_empty()).count();
        let named = (found >> CONTAINED_WORD.trailing_zeros())
            | (found >> LONG_WORD.trailing_zeros())
            | (found >> WHOLE_PART.trailing_zeros());
        let category = if parts > 4 {
            None
        } else {
            clutter::WORDS
                .get((named & 0xFF).trailing_zeros() as usize)
                .map(|(category, _)| *category)
        };
        Facts { bits, category }
    }
}

/// What finding a pattern in a token signals, as bits of a `u32`: the [`fact`] bits in the
/// low byte (wherever it is found), then per clutter category (bit = index in
/// [`clutter::WORDS`]) a byte for each way a category's word may match.
const ANYWHERE_BITS: u32 = 0xFF;
/// A category word with a separator (`ad-slot`), found anywhere.
const CONTAINED_WORD: u32 = 0xFF << 8;
/// A category word of 7 letters or more, found anywhere in a token without separators
/// (`relatedarticlesinline`).
const LONG_WORD: u32 = 0xFF << 16;
/// A category word that is a whole `-`/`_`-separated part of the token.
const WHOLE_PART: u32 = 0xFF << 24;

struct Pattern {
    bytes: Box<[u8]>,
    signals: u32,
}

/// Every pattern a token is judged by, indexed by first byte.
struct PatternSet {
    by_first_byte: Vec<Vec<Pattern>>,
    /// Per first byte, the set of second bytes its patterns have (256 bits): most positions
    /// in a token start no pattern, and one bit test says so before any list is walked.
    second_bytes: Vec<[u64; 4]>,
}

impl PatternSet {
    fn starts(&self, first: u8, second: u8) -> bool {
        self.second_bytes[first as usize][second as usize / 64] & (1 << (second % 64)) != 0
    }
}

static PATTERNS: LazyLock<PatternSet> = LazyLock::new(|| {
    let mut signals: Vec<(&str, u32)> = Vec::new();
    let mut add =
        |word: &'static str, signal: u32| match signals.iter_mut().find(|(w, _)| *w == word) {
            Some((_, s)) => *s |= signal,
            None => signals.push((word, signal)),
        };
    let lists: [(&[&str], u8); 5] = [
        (patterns::NEGATIVE, fact::NEGATIVE),
        (patterns::POSITIVE, fact::POSITIVE),
        (patterns::UNLIKELY, fact::UNLIKELY),
        (patterns::MAYBE, fact::MAYBE),
        (patterns::BYLINE, fact::BYLINE),
    ];
    for (list, bit) in lists {
        for word in list {
            add(word, bit as u32);
        }
    }
    add(FALLBACK_IMAGE, fact::FALLBACK_IMAGE as u32);
    for (index, (_, words)) in clutter::WORDS.iter().enumerate() {
        for word in *words {
            let signal = if word.contains(['-', '_']) {
                CONTAINED_WORD
            } else if word.len() >= 7 {
                LONG_WORD | WHOLE_PART
            } else {
                WHOLE_PART
            };
            add(word, signal & (0x0101_0100 << index));
        }
    }
    let mut by_first_byte: Vec<Vec<Pattern>> = (0..256).map(|_| Vec::new()).collect();
    let mut second_bytes = vec![[0u64; 4]; 256];
    for (word, signals) in signals {
        let &[first, second, ..] = word.as_bytes() else {
            panic!("pattern {word:?} is shorter than two bytes");
        };
        second_bytes[first as usize][second as usize / 64] |= 1 << (second % 64);
        by_first_byte[first as usize].push(Pattern {
            bytes: word.as_bytes().into(),
            signals,
        });
    }
    PatternSet {
        by_first_byte,
        second_bytes,
    }
});

const FALLBACK_IMAGE: &str = "fallback-image";

/// The facts of one attribute value: its tokens' bits together, and the category of the
/// first token that names one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValueFacts {
    pub bits: u8,
    pub category: Option<Category>,
    /// FNV-1a of the lowercase value (0 for an empty one), to compare class attributes.
    pub hash: u32,
    /// The first clutter rule the value matches as a `class` attribute (`.name` rules) and as
    /// an `id` (`#name` rules): asked once per distinct value instead of once per element.
    pub class_rule: Option<u16>,
    pub id_rule: Option<u16>,
}

impl ValueFacts {
    pub fn has(&self, bits: u8) -> bool {
        self.bits & bits != 0
    }

    /// Readability's class weight of the value: −25 for a negative match, +25 for a positive
    /// one, both when both match.
    pub fn weight(&self) -> i32 {
        let mut weight = 0;
        if self.has(fact::NEGATIVE) {
            weight -= 25;
        }
        if self.has(fact::POSITIVE) {
            weight += 25;
        }
        weight
    }
}

/// FNV-1a, 64 bits, fed a byte at a time: the scanner's hash of a tag name, lowercased as it
/// goes. (The interner's maps use foldhash, which reads a word at a time.) A page cannot
/// choose its names to make a map slow in a way that matters: each distinct name is at most
/// one entry, and a page's bytes bound their number.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Distinct tokens and attribute values of one page and their facts, keyed by slices of the
/// page (`'h`): interning a value or token stores no copy of it.
#[derive(Default)]
pub struct Interner<'h> {
    /// Tokens' facts, by the token as written (tokens that differ only in case are judged
    /// alike, each once; kept as [`ValueFacts`] without a hash: one map type in the binary).
    known: HashMap<&'h str, ValueFacts, FixedState>,
    /// Whole values as written: most elements repeat a value seen before
    /// (`class="c-link c-link--muted"`), which is then one lookup.
    values: HashMap<&'h str, ValueFacts, FixedState>,
    /// The value being judged, lowercased (reused, so judging allocates nothing).
    lower: String,
}

impl<'h> Interner<'h> {
    /// The facts of a class attribute value as written in the page (any case), with the
    /// `.name` rule of `matcher` it matches (`id_rule` stays `None`).
    pub fn class_value(&mut self, raw: &'h str, matcher: &Matcher<'_>) -> ValueFacts {
        if raw.is_empty() {
            return ValueFacts::default();
        }
        if let Some(facts) = self.values.get(raw) {
            return *facts;
        }
        self.lower.clear();
        self.lower.push_str(raw);
        self.lower.make_ascii_lowercase();
        let mut out = ValueFacts {
            hash: fnv32(self.lower.as_bytes()),
            class_rule: matcher.class_rule(raw),
            ..ValueFacts::default()
        };
        // ASCII lowercasing keeps every byte where it was: the value's tokens and their
        // lowercase forms split alike.
        let tokens = raw.split_ascii_whitespace();
        for (token, lower) in tokens.zip(self.lower.split_ascii_whitespace()) {
            let facts = *self.known.entry(token).or_insert_with(|| {
                let Facts { bits, category } = Facts::of(lower);
                ValueFacts {
                    bits,
                    category,
                    ..ValueFacts::default()
                }
            });
            out.bits |= facts.bits;
            out.category = out.category.or(facts.category);
        }
        self.values.insert(raw, out);
        out
    }

    /// The facts of an id attribute value as written in the page (any case), with the `#name`
    /// rule of `matcher` it matches (`class_rule` stays `None`, `hash` 0).
    ///
    /// Ids are mostly unique per element (`post-48213`), so neither the value nor an unknown
    /// token is interned: storing a first sighting that is never seen again costs more than
    /// judging it. A token already interned from a class is looked up.
    pub fn id_value(&mut self, raw: &str, matcher: &Matcher<'_>) -> ValueFacts {
        if raw.is_empty() {
            return ValueFacts::default();
        }
        self.lower.clear();
        self.lower.push_str(raw);
        self.lower.make_ascii_lowercase();
        let mut out = ValueFacts {
            id_rule: matcher.id_rule(raw),
            ..ValueFacts::default()
        };
        let tokens = raw.split_ascii_whitespace();
        for (token, lower) in tokens.zip(self.lower.split_ascii_whitespace()) {
            let (bits, category) = match self.known.get(token) {
                Some(facts) => (facts.bits, facts.category),
                None => {
                    let Facts { bits, category } = Facts::of(lower);
                    (bits, category)
                }
            };
            out.bits |= bits;
            out.category = out.category.or(category);
        }
        out
    }
}

/// FNV-1a, 32 bits.
fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ b as u32).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The single scan says what the pattern lists and `classify_token` say, on every word
    /// of every list alone, with other words around it, and inside longer words.
    #[test]
    fn one_scan_judges_tokens_like_the_pattern_lists() {
        let mut words: Vec<&str> = [
            patterns::NEGATIVE,
            patterns::POSITIVE,
            patterns::UNLIKELY,
            patterns::MAYBE,
            patterns::BYLINE,
        ]
        .concat();
        for (_, list) in clutter::WORDS {
            words.extend_from_slice(list);
        }
        let mut tokens = vec![
            "hid".to_string(),
            "fallback-image".to_string(),
            "a-b-c-d-comments".to_string(),
            "a-b-c-comments".to_string(),
            "--ad--".to_string(),
            "_ad".to_string(),
            "x".to_string(),
        ];
        for word in &words {
            for around in ["", "x", "-", "_", "main", "wrapper", "2", "--"] {
                tokens.push(format!("{word}{around}"));
                tokens.push(format!("{around}{word}"));
                tokens.push(format!("{around}-{word}_{around}"));
                tokens.push(format!("{around}{word}{around}"));
            }
        }
        for token in &tokens {
            let facts = Facts::of(token);
            let expected = [
                (
                    fact::NEGATIVE,
                    patterns::contains_any(token, patterns::NEGATIVE) || token == "hid",
                ),
                (
                    fact::POSITIVE,
                    patterns::contains_any(token, patterns::POSITIVE),
                ),
                (
                    fact::UNLIKELY,
                    patterns::contains_any(token, patterns::UNLIKELY),
                ),
                (fact::MAYBE, patterns::contains_any(token, patterns::MAYBE)),
                (
                    fact::BYLINE,
                    patterns::contains_any(token, patterns::BYLINE),
                ),
                (fact::SHARE, patterns::is_share(token)),
                (fact::FALLBACK_IMAGE, token.contains("fallback-image")),
            ];
            for (bit, set) in expected {
                assert_eq!(facts.bits & bit != 0, set, "{token}: fact {bit}");
            }
            assert_eq!(facts.category, clutter::classify_token(token), "{token}");
        }
    }

    /// The facts of a whole value are those the patterns find in the whole value.
    #[test]
    fn value_facts_match_the_patterns_on_the_whole_value() {
        let values = [
            "",
            "   ",
            "Article-Body main",
            "comment-list  sidebar",
            "post-comments",
            "hid",
            "x hid y",
            "hidden",
            "social share_bar",
            "shared-content",
            "byline author",
            "main-header",
            "img fallback-image",
            "ad-slot article",
            "download shadow",
            "sharing-with-a-single-developer comments",
        ];
        let upper: Vec<String> = values.iter().map(|v| v.to_ascii_uppercase()).collect();
        let mut interner = Interner::default();
        let matcher = Matcher::new(&[], &[]);
        for (value, upper) in values.into_iter().zip(&upper) {
            let facts = interner.class_value(value, &matcher);
            let lower = value.to_ascii_lowercase();
            assert_eq!(facts.weight(), patterns::weight(&lower), "{value}");
            assert_eq!(
                facts.has(fact::UNLIKELY),
                patterns::contains_any(&lower, patterns::UNLIKELY),
                "{value}"
            );
            assert_eq!(
                facts.has(fact::MAYBE),
                patterns::contains_any(&lower, patterns::MAYBE),
                "{value}"
            );
            assert_eq!(
                facts.has(fact::SHARE),
                patterns::is_share(&lower),
                "{value}"
            );
            assert_eq!(
                facts.category,
                lower
                    .split_ascii_whitespace()
                    .find_map(clutter::classify_token),
                "{value}"
            );
            // Asked again, the interned verdict is the same, also in another case.
            assert_eq!(interner.class_value(value, &matcher), facts, "{value}");
            assert_eq!(interner.class_value(upper, &matcher), facts, "{value}");
            // As an id, not interned, the value says the same.
            let id = interner.id_value(value, &matcher);
            assert_eq!(
                (id.bits, id.category),
                (facts.bits, facts.category),
                "{value}"
            );
            let fresh = Interner::default().id_value(value, &matcher);
            assert_eq!(fresh, id, "{value}");
        }
    }
}
