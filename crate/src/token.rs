//! Class and id tokens, interned per page with what the class patterns and the clutter words
//! say about them.
//!
//! A page repeats the same few hundred class tokens on thousands of elements (`c-link`,
//! `article__body`), and every pattern in [`crate::patterns`] and [`crate::clutter`] is free of
//! whitespace, so a match in a whole class attribute is a match in one of its tokens. Each
//! distinct token is therefore judged once per page and its verdict looked up afterwards.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::clutter::{self, Category};
use crate::patterns;

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
    /// Judges a lowercase token.
    fn of(token: &str) -> Facts {
        let mut bits = 0;
        if patterns::contains_any(token, patterns::NEGATIVE) || token == "hid" {
            bits |= fact::NEGATIVE;
        }
        if patterns::contains_any(token, patterns::POSITIVE) {
            bits |= fact::POSITIVE;
        }
        if patterns::contains_any(token, patterns::UNLIKELY) {
            bits |= fact::UNLIKELY;
        }
        if patterns::contains_any(token, patterns::MAYBE) {
            bits |= fact::MAYBE;
        }
        if patterns::contains_any(token, patterns::BYLINE) {
            bits |= fact::BYLINE;
        }
        if patterns::is_share(token) {
            bits |= fact::SHARE;
        }
        if token.contains("fallback-image") {
            bits |= fact::FALLBACK_IMAGE;
        }
        Facts {
            bits,
            category: clutter::classify_token(token),
        }
    }
}

/// The facts of one attribute value: its tokens' bits together, and the category of the
/// first token that names one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValueFacts {
    pub bits: u8,
    pub category: Option<Category>,
    /// FNV-1a of the lowercase value (0 for an empty one), to compare class attributes.
    pub hash: u32,
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

/// FNV-1a, for short keys: far cheaper than SipHash on tokens of a dozen bytes, and a page
/// cannot choose its tokens to make the map slow in a way that matters (each distinct token
/// is at most one entry, and a page's bytes bound their number).
#[derive(Default)]
struct Fnv(u64);

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

/// Distinct tokens of one page and their facts.
#[derive(Default)]
pub struct Interner {
    known: HashMap<Box<str>, Facts, BuildHasherDefault<Fnv>>,
    /// The value being judged, lowercased (reused, so judging allocates nothing).
    lower: String,
}

impl Interner {
    /// The facts of a class or id attribute value as written in the page (any case).
    pub fn value(&mut self, raw: &str) -> ValueFacts {
        if raw.is_empty() {
            return ValueFacts::default();
        }
        self.lower.clear();
        self.lower.push_str(raw);
        self.lower.make_ascii_lowercase();
        let mut out = ValueFacts {
            hash: fnv32(self.lower.as_bytes()),
            ..ValueFacts::default()
        };
        for token in self.lower.split_ascii_whitespace() {
            let facts = match self.known.get(token) {
                Some(facts) => *facts,
                None => {
                    let facts = Facts::of(token);
                    self.known.insert(token.into(), facts);
                    facts
                }
            };
            out.bits |= facts.bits;
            out.category = out.category.or(facts.category);
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

    /// The facts of a whole value are those the patterns find in the whole value.
    #[test]
    fn value_facts_match_the_patterns_on_the_whole_value() {
        let mut interner = Interner::default();
        for value in [
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
        ] {
            let facts = interner.value(value);
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
            // Asked again, the interned verdict is the same.
            assert_eq!(interner.value(value), facts, "{value}");
        }
    }
}
