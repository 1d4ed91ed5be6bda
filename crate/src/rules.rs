//! Clutter rules as data, in the ad-block cosmetic-filter syntax users know.
//!
//! One file per clutter category in `crate/rules/`, compiled into the binary and parsed once.
//! Each line is one of:
//!
//! - `##selector`: hide matching elements on every site;
//! - `example.com,example.org##selector`: only on those sites (and their subdomains);
//! - `example.com#@#selector`: an exception: not on those sites (without domains: nowhere);
//! - `! comment`, or an empty line.
//!
//! Selectors are what lol_html matches while streaming: type, class, id and attribute
//! selectors (`[a]`, `[a="v"]`, `^=`, `$=`, `*=`, `~=`, `|=`), `*`, descendant and child
//! combinators, `:not()` of simple selectors, `:nth-child()`, `:first-child`,
//! `:nth-of-type()`, `:first-of-type`. Not supported, because a streaming matcher cannot see
//! later siblings or descendants: `:has()`, sibling combinators (`+`, `~`), `:last-child`,
//! `:only-child`, `:empty`, and ad-block extensions such as `:-abp-has()` or `##+js()`. A
//! line with an unsupported selector is an error, reported with its file and line.
//!
//! brave's adblock-rust (MPL-2.0) parses this syntax and more, but it brings a network-filter
//! engine and its own selector matching; Klartext needs only the cosmetic lines, and matches
//! them with the lol_html pass it already runs.

use std::fmt;
use std::sync::{Arc, LazyLock};

use lol_html::Selector;

use crate::clutter::Category;

/// One rule: a selector, where it applies, and the category it removes.
#[derive(Debug)]
pub struct Rule {
    pub category: Category,
    /// The line as written, to report which rule fired.
    pub text: String,
    pub selector: Selector,
    /// The selector as written: exceptions name the selector they turn off.
    pub selector_text: String,
    /// Sites it is limited to (empty: every site).
    pub domains: Vec<String>,
    pub exception: bool,
}

/// A rule line that cannot be used, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub source: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}

/// The built-in rule files.
const BUILT_IN: &[(Category, &str, &str)] = &[
    (
        Category::Comments,
        "comments.txt",
        include_str!("../rules/comments.txt"),
    ),
    (
        Category::VideoChrome,
        "video-chrome.txt",
        include_str!("../rules/video-chrome.txt"),
    ),
    (
        Category::Promotions,
        "promotions.txt",
        include_str!("../rules/promotions.txt"),
    ),
    (
        Category::Social,
        "social.txt",
        include_str!("../rules/social.txt"),
    ),
    (
        Category::Newsletter,
        "newsletter.txt",
        include_str!("../rules/newsletter.txt"),
    ),
    (
        Category::CookieConsent,
        "cookie-consent.txt",
        include_str!("../rules/cookie-consent.txt"),
    ),
    (Category::Ads, "ads.txt", include_str!("../rules/ads.txt")),
    (
        Category::Navigation,
        "navigation.txt",
        include_str!("../rules/navigation.txt"),
    ),
];

/// The built-in rules, parsed on first use. The files are tested to parse, so this cannot fail
/// at run time.
pub static BUILT_IN_RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    BUILT_IN
        .iter()
        .flat_map(|(category, source, text)| {
            parse(*category, source, text).expect("built-in rules parse")
        })
        .collect()
});

/// Parses a rule file of one category.
pub fn parse(category: Category, source: &str, text: &str) -> Result<Vec<Rule>, RuleError> {
    let mut rules = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('!') {
            continue;
        }
        let error = |message: String| RuleError {
            source: source.to_string(),
            line: number + 1,
            message,
        };
        let (domains, selector, exception) = if let Some((d, s)) = line.split_once("#@#") {
            (d, s, true)
        } else if let Some((d, s)) = line.split_once("##") {
            (d, s, false)
        } else {
            return Err(error(format!(
                "not a cosmetic rule (expected `##` or `#@#`): {line:?}"
            )));
        };
        if selector.contains(":has(") {
            return Err(error(format!(
                "unsupported selector {selector:?}: `:has()` cannot be matched while the page \
                 streams (an element's content is not known when it starts); name the element \
                 itself by its id or classes"
            )));
        }
        if selector.starts_with('+') || selector.contains(":-abp-") {
            return Err(error(format!("unsupported rule extension: {selector:?}")));
        }
        let parsed: Selector = selector
            .trim()
            .parse()
            .map_err(|e| error(format!("unsupported selector {selector:?}: {e}")))?;
        let domains: Vec<String> = domains
            .split(',')
            .map(|d| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty())
            .collect();
        if let Some(bad) = domains
            .iter()
            .find(|d| d.starts_with('~') || d.contains('/') || d.contains('*'))
        {
            return Err(error(format!("unsupported domain {bad:?}")));
        }
        rules.push(Rule {
            category,
            text: line.to_string(),
            selector: parsed,
            selector_text: selector.trim().to_string(),
            domains,
            exception,
        });
    }
    Ok(rules)
}

/// At most this many rules of the user's: rule indices are `u16`, shared with the built-in ones.
pub const MAX_USER_RULES: usize = 10_000;

/// The rules a user wrote (the element picker, the options page's editor), in the same syntax
/// as the built-in files. They hide elements of the [`Category::User`] category and are never
/// turned off by a category switch: the user asked for each of them. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct UserRules(Arc<[Rule]>);

impl UserRules {
    /// Parses a user's rules text. Every usable line is kept and every other line reported,
    /// so one typo does not turn off the user's other rules.
    pub fn parse(text: &str) -> (UserRules, Vec<RuleError>) {
        const SOURCE: &str = "user rules";
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for (number, line) in text.lines().enumerate() {
            // Each line alone, so the error names the line in the user's text.
            match parse(Category::User, SOURCE, line) {
                Ok(parsed) if rules.len() + parsed.len() > MAX_USER_RULES => {
                    errors.push(RuleError {
                        source: SOURCE.to_string(),
                        line: number + 1,
                        message: format!("more than {MAX_USER_RULES} rules"),
                    });
                    break;
                }
                Ok(parsed) => rules.extend(parsed),
                Err(error) => errors.push(RuleError {
                    line: number + 1,
                    ..error
                }),
            }
        }
        (UserRules(rules.into()), errors)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The built-in rules followed by the user's: what a page is matched against. A rule's index
/// counts the built-in rules first.
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    user: UserRules,
}

impl RuleBook {
    pub fn new(user: UserRules) -> RuleBook {
        RuleBook { user }
    }

    /// The rule with this index.
    pub fn get(&self, index: u16) -> &Rule {
        let built_in = &*BUILT_IN_RULES;
        let index = index as usize;
        built_in
            .get(index)
            .unwrap_or_else(|| &self.user.0[index - built_in.len()])
    }

    /// Every rule, in index order: the built-in ones, then the user's.
    pub fn all(&self) -> Vec<&Rule> {
        BUILT_IN_RULES.iter().chain(self.user.0.iter()).collect()
    }

    /// The indices of the rules that apply on `host`. A user's exception (`#@#`) turns off
    /// built-in rules with the same selector too.
    pub fn active(&self, host: Option<&str>) -> Vec<u16> {
        active_refs(&self.all(), host)
    }
}

/// The names users and the extension give the categories (`comments`, `video-chrome`…).
pub fn category_named(name: &str) -> Option<Category> {
    CATEGORY_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

const CATEGORY_NAMES: &[(&str, Category)] = &[
    ("comments", Category::Comments),
    ("video-chrome", Category::VideoChrome),
    ("promotions", Category::Promotions),
    ("social", Category::Social),
    ("newsletter", Category::Newsletter),
    ("cookie-consent", Category::CookieConsent),
    ("ads", Category::Ads),
    ("navigation", Category::Navigation),
    ("user", Category::User),
];

/// The clutter categories to act on: a switched-off category is kept in clean in place and in
/// the reader view. All of them by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Categories(u16);

impl Categories {
    pub const ALL: Categories = Categories(u16::MAX);

    fn bit(category: Category) -> u16 {
        1 << category as u16
    }

    pub fn contains(self, category: Category) -> bool {
        // The user's own rules are never switched off by a category.
        category == Category::User || self.0 & Self::bit(category) != 0
    }

    /// These categories without `category`.
    pub fn without(self, category: Category) -> Categories {
        Categories(self.0 & !Self::bit(category))
    }

    /// Exactly the named categories, or the first unknown name.
    pub fn from_names<'n>(names: impl IntoIterator<Item = &'n str>) -> Result<Categories, String> {
        names.into_iter().try_fold(Categories(0), |set, name| {
            category_named(name)
                .map(|c| Categories(set.0 | Self::bit(c)))
                .ok_or_else(|| name.to_string())
        })
    }
}

impl Default for Categories {
    fn default() -> Categories {
        Categories::ALL
    }
}

fn applies_to(domains: &[String], host: Option<&str>) -> bool {
    let Some(host) = host else {
        return domains.is_empty();
    };
    domains.is_empty()
        || domains.iter().any(|d| {
            host == d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
}

/// The rules that apply on `host`, as indices into `rules`: those limited to other sites and
/// those an exception turns off here are left out.
pub fn active(rules: &[Rule], host: Option<&str>) -> Vec<u16> {
    active_refs(&rules.iter().collect::<Vec<_>>(), host)
}

fn active_refs(rules: &[&Rule], host: Option<&str>) -> Vec<u16> {
    let excepted: Vec<&str> = rules
        .iter()
        .filter(|r| r.exception && (r.domains.is_empty() || applies_to(&r.domains, host)))
        .map(|r| r.selector_text.as_str())
        .collect();
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !r.exception
                && applies_to(&r.domains, host)
                && !excepted.contains(&r.selector_text.as_str())
        })
        .map(|(i, _)| i as u16)
        .collect()
}

/// How a rule compares an attribute's value (case-sensitively, as lol_html does for the
/// attributes [`Matcher`] handles).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Test<'r> {
    Present,
    Equals(&'r str),
    Prefix(&'r str),
}

/// A selector that names one thing an element's start tag says: `.class`, `#id`,
/// `[name]`, `[name="v"]`, `[name^="v"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Simple<'r> {
    Class(&'r str),
    Id(&'r str),
    Attribute(&'r str, Test<'r>),
}

impl<'r> Simple<'r> {
    /// Reads `selector` if it is one simple selector that [`Matcher`] matches exactly as
    /// lol_html would: identifiers and values without escapes, and attribute selectors only on
    /// `id` and `data-*` attributes (whose values compare case-sensitively in every document).
    fn parse(selector: &'r str) -> Option<Simple<'r>> {
        let plain = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        let identifier = |s: &'r str| {
            let b = s.as_bytes();
            let starts_ok = match b {
                [first, ..] if first.is_ascii_digit() => false,
                [b'-', second, ..] if second.is_ascii_digit() || *second == b'-' => false,
                [b'-'] => false,
                _ => true,
            };
            (plain(s) && starts_ok).then_some(s)
        };
        if let Some(class) = selector.strip_prefix('.') {
            return identifier(class).map(Simple::Class);
        }
        if let Some(id) = selector.strip_prefix('#') {
            return identifier(id).map(Simple::Id);
        }
        let inner = selector.strip_prefix('[')?.strip_suffix(']')?;
        let (name, test) = match inner.split_once('=') {
            None => (inner, Test::Present),
            Some((name, value)) => {
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
                if !plain(value) {
                    return None;
                }
                match name.strip_suffix('^') {
                    Some(name) => (name, Test::Prefix(value)),
                    None => (name, Test::Equals(value)),
                }
            }
        };
        let lowercase_plain = plain(name) && !name.bytes().any(|b| b.is_ascii_uppercase());
        (lowercase_plain
            && (name == "id" || name.starts_with("data-"))
            && identifier(name).is_some())
        .then_some(Simple::Attribute(name, test))
    }
}

/// Names and the first rule that names each, sorted by name.
#[derive(Default)]
struct Names<'r>(Vec<(&'r str, u16)>);

impl<'r> Names<'r> {
    /// Adds a rule for `name`; of two rules for one name the first one counts.
    fn add(&mut self, name: &'r str, index: u16) {
        if let Err(at) = self.0.binary_search_by(|(n, _)| (*n).cmp(name)) {
            self.0.insert(at, (name, index));
        }
    }

    fn get(&self, name: &str) -> Option<u16> {
        let found = self.0.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
        Some(self.0[found].1)
    }
}

/// Matches the active rules in pass 1. Simple rules are looked up by the element's class
/// tokens and id, which pass 1 reads anyway, instead of running lol_html's selector machine
/// over every element for each of them; the others are left to lol_html
/// ([`Matcher::complex`]).
pub struct Matcher<'r> {
    /// Class names and ids with their first rule, sorted for binary search (a few dozen:
    /// as fast as hashing here, and no hash map code in the wasm binary).
    classes: Names<'r>,
    ids: Names<'r>,
    attributes: Vec<(&'r str, Test<'r>, u16)>,
    complex: Vec<(&'r Selector, u16)>,
}

impl<'r> Matcher<'r> {
    /// The matcher of `active` (indices into `rules`, see [`active`] and [`RuleBook`]).
    pub fn new(rules: &[&'r Rule], active: &[u16]) -> Matcher<'r> {
        let mut matcher = Matcher {
            classes: Names::default(),
            ids: Names::default(),
            attributes: Vec::new(),
            complex: Vec::new(),
        };
        for &index in active {
            let rule = rules[index as usize];
            // Of two rules that match the same element, the first one counts.
            match Simple::parse(&rule.selector_text) {
                Some(Simple::Class(class)) => {
                    matcher.classes.add(class, index);
                }
                Some(Simple::Id(id)) => {
                    matcher.ids.add(id, index);
                }
                Some(Simple::Attribute(name, test)) if matcher.attributes.len() < 64 => {
                    matcher.attributes.push((name, test, index));
                }
                _ => matcher.complex.push((&rule.selector, index)),
            }
        }
        matcher
    }

    /// The rules lol_html has to match: those with combinators, pseudo-classes and so on.
    pub fn complex(&self) -> &[(&'r Selector, u16)] {
        &self.complex
    }

    /// The first simple rule an element matches, given its first `class` and `id` attributes
    /// (empty when it has none) and all its `attributes` (names as written, values as in the
    /// page).
    pub fn first_simple<'a>(
        &self,
        class: &str,
        id: &str,
        attributes: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<u16> {
        let by_name = earlier(self.class_rule(class), self.id_rule(id));
        earlier(by_name, self.attribute_rule(attributes))
    }

    /// The first `.class` rule that one of the tokens of a `class` attribute matches. Pass 1
    /// asks once per distinct attribute value (see [`crate::token::Interner`]).
    pub fn class_rule(&self, class: &str) -> Option<u16> {
        if self.classes.0.is_empty() {
            return None;
        }
        // As lol_html: split at HTML whitespace, compare case-sensitively.
        class
            .split_ascii_whitespace()
            .filter_map(|token| self.classes.get(token))
            .min()
    }

    /// The `#id` rule an `id` attribute matches.
    pub fn id_rule(&self, id: &str) -> Option<u16> {
        if self.ids.0.is_empty() {
            return None;
        }
        self.ids.get(id)
    }

    /// Whether any attribute rule is active: without one, [`Matcher::attribute_rule`] need
    /// not be asked.
    pub fn has_attribute_rules(&self) -> bool {
        !self.attributes.is_empty()
    }

    /// The first attribute rule (`[data-ad]`, `[id^="div-gpt"]`) that an element with these
    /// `attributes` (names as written, values as in the page) matches.
    pub fn attribute_rule<'a>(
        &self,
        attributes: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Option<u16> {
        let mut first: Option<u16> = None;
        if self.attributes.is_empty() {
            return first;
        }
        // Bit i: rule i of `attributes` has seen its attribute (selectors see the first
        // attribute of a name only).
        let mut seen = 0u64;
        for (name, value) in attributes {
            for (position, (rule_name, test, index)) in self.attributes.iter().enumerate() {
                if seen & 1 << position != 0 || !rule_name.eq_ignore_ascii_case(name) {
                    continue;
                }
                seen |= 1 << position;
                let matches = match test {
                    Test::Present => true,
                    Test::Equals(v) => value == *v,
                    Test::Prefix(v) => value.starts_with(v),
                };
                if matches {
                    first = earlier(first, Some(*index));
                }
            }
        }
        first
    }
}

/// The earlier of two rules (the one listed first counts), or the one there is.
pub fn earlier(a: Option<u16>, b: Option<u16>) -> Option<u16> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{scan, source_attributes, Sink};
    use crate::tag::Tag;
    use lol_html::html_content::Element;

    /// Per element, the first rule that lol_html matches and the first simple rule.
    struct Both<'r> {
        html: &'r str,
        matcher: &'r Matcher<'r>,
        by_lol_html: Vec<Option<u16>>,
        by_matcher: Vec<Option<u16>>,
    }

    impl Sink for Both<'_> {
        fn open(&mut self, _tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
            let first = |name: &str| {
                source_attributes(self.html, key)
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map_or("", |(_, v)| v)
            };
            let (class, id) = (first("class"), first("id"));
            let simple = self
                .matcher
                .first_simple(class, id, source_attributes(self.html, key));
            self.by_matcher.push(simple);
            self.by_lol_html.push(None);
        }
        fn matched(&mut self, rule: u16) {
            let last = self.by_lol_html.last_mut().unwrap();
            if last.is_none_or(|r| rule < r) {
                *last = Some(rule);
            }
        }
        fn close(&mut self, _end: u32) {}
        fn text(&mut self, _text: &str, _raw: bool) {}
    }

    /// The simple rules match what lol_html matches with the same selectors: case, whitespace,
    /// repeated attributes, prefixes, attributes without values.
    #[test]
    fn simple_rules_match_like_lol_html() {
        let rules = parse(
            Category::Ads,
            "test.txt",
            "##.ad-slot\n##.Promo\n###comments\n##[id^=\"div-gpt-ad\"]\n##[data-ad-slot]\n\
             ##[data-widget-id^='AR_']\n##[data-kind=\"ad\"]\n##.a .b\n##div.c\n##.comments\n",
        )
        .unwrap();
        let html = r#"<div class="ad-slot"></div><div class="x  AD-SLOT"></div>
            <div class="x\tad-slot\ny"></div><div class="promo"></div><div class="Promo"></div>
            <div id="comments" class="comments"></div><div id="Comments"></div>
            <div id="comments-2"></div><div id="x" id="comments"></div>
            <div class="y" class="ad-slot"></div><div ID="div-gpt-ad-123"></div>
            <div id="div-gpt"></div><p data-ad-slot></p><p DATA-AD-SLOT="1"></p>
            <p data-widget-id="AR_1"></p><p data-widget-id="ar_1"></p>
            <p data-widget-id="x" data-widget-id="AR_2"></p><p data-kind="ad"></p>
            <p data-kind="AD"></p><p data-kind="ad "></p><div class="a"><p class="b"></p></div>
            <div class="c"></div><span class="c"></span><div class="comments ad-slot"></div>
            <div class="ad-slot&amp;"></div><svg><g class="ad-slot"></g></svg>"#;
        let all: Vec<u16> = (0..rules.len() as u16).collect();
        let matcher = Matcher::new(&rules.iter().collect::<Vec<_>>(), &all);
        assert_eq!(matcher.complex().len(), 2, "`.a .b` and `div.c`");
        let everything: Vec<(&Selector, u16)> = rules
            .iter()
            .zip(0..)
            .map(|(r, i)| (&r.selector, i))
            .collect();
        let both = Both {
            html,
            matcher: &matcher,
            by_lol_html: Vec::new(),
            by_matcher: Vec::new(),
        };
        let (both, _) = scan(html, both, &everything).unwrap();
        let complex: Vec<u16> = matcher.complex().iter().map(|(_, i)| *i).collect();
        let simple_only: Vec<Option<u16>> = both
            .by_lol_html
            .iter()
            .map(|r| r.filter(|r| !complex.contains(r)))
            .collect();
        assert_eq!(both.by_matcher, simple_only);
        assert!(both.by_matcher.iter().flatten().count() >= 10);
    }

    #[test]
    fn reads_simple_selectors_only_where_they_match_like_lol_html() {
        use Simple::*;
        for (selector, expected) in [
            (".ad-slot", Some(Class("ad-slot"))),
            ("#CybotCookiebotDialog", Some(Id("CybotCookiebotDialog"))),
            (
                "[data-ad-slot]",
                Some(Attribute("data-ad-slot", Test::Present)),
            ),
            (
                "[id^=\"div-gpt-ad\"]",
                Some(Attribute("id", Test::Prefix("div-gpt-ad"))),
            ),
            ("[data-x='y']", Some(Attribute("data-x", Test::Equals("y")))),
            // Left to lol_html: escapes, combinators, compounds, other attributes (whose
            // values may compare case-insensitively), empty prefixes.
            (".a\\:b", None),
            (".a .b", None),
            ("div.c", None),
            (".1a", None),
            ("[type=\"text\"]", None),
            ("[id^=\"\"]", None),
            ("[data-x~=\"y\"]", None),
            ("[data-X]", None),
        ] {
            assert_eq!(Simple::parse(selector), expected, "{selector}");
        }
    }

    #[test]
    fn built_in_rules_parse() {
        assert!(BUILT_IN_RULES.len() > 40);
        for (category, source, text) in BUILT_IN {
            parse(*category, source, text).unwrap();
        }
    }

    /// Every built-in rule is one the core matches itself. A rule left to lol_html's selector
    /// VM (a combinator, a pseudo-class) makes it ask for every element's attributes and keep
    /// a stack of its own: one such rule made the whole core 6% slower and cost two more
    /// allocations per element (measured on the Mozilla pages).
    #[test]
    fn built_in_rules_are_all_matched_by_the_core() {
        let all: Vec<&Rule> = BUILT_IN_RULES.iter().collect();
        let indices: Vec<u16> = (0..all.len() as u16).collect();
        let matcher = Matcher::new(&all, &indices);
        let complex: Vec<&str> = matcher
            .complex()
            .iter()
            .map(|(_, i)| all[*i as usize].selector_text.as_str())
            .collect();
        assert!(complex.is_empty(), "{complex:?}");
    }

    #[test]
    fn parses_generic_site_and_exception_rules() {
        let rules = parse(
            Category::Comments,
            "test.txt",
            "! a comment\n##.comments\nexample.com,news.example.org##div.talk\nexample.com#@#.comments\n",
        )
        .unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[1].domains, ["example.com", "news.example.org"]);
        assert!(rules[2].exception);
        // On example.com the exception turns the generic rule off; the site rule applies.
        assert_eq!(active(&rules, Some("example.com")), [1]);
        assert_eq!(active(&rules, Some("www.example.com")), [1]);
        assert_eq!(active(&rules, Some("other.net")), [0]);
        assert_eq!(active(&rules, Some("badexample.com")), [0]);
        assert_eq!(active(&rules, None), [0]);
    }

    #[test]
    fn user_rules_keep_good_lines_and_report_bad_ones_by_line() {
        let (rules, errors) = UserRules::parse(
            "! mine\nexample.com##.sticky-banner\n##div:has(> .ad)\n\nnews.example.org##aside > .teaser\nnot a rule",
        );
        assert_eq!(rules.len(), 2);
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 6]);
        assert!(errors[0].message.contains("unsupported"), "{}", errors[0]);
        assert_eq!(errors[1].to_string().split(':').nth(1), Some("6"));
    }

    #[test]
    fn rule_book_puts_user_rules_after_built_in_ones_and_lets_users_turn_rules_off() {
        let generic = BUILT_IN_RULES
            .iter()
            .find(|r| r.domains.is_empty() && !r.exception)
            .unwrap();
        let (user, errors) = UserRules::parse(&format!(
            "example.com##.my-box\nexample.com#@#{}",
            generic.selector_text
        ));
        assert!(errors.is_empty(), "{errors:?}");
        let book = RuleBook::new(user);
        let here: Vec<u16> = book.active(Some("www.example.com"));
        let elsewhere: Vec<u16> = book.active(Some("other.net"));
        let mine = BUILT_IN_RULES.len() as u16;
        assert!(here.contains(&mine) && !elsewhere.contains(&mine));
        assert_eq!(book.get(mine).selector_text, ".my-box");
        assert_eq!(book.get(mine).category, Category::User);
        let generic_index = BUILT_IN_RULES
            .iter()
            .position(|r| std::ptr::eq(r, generic))
            .unwrap() as u16;
        assert!(elsewhere.contains(&generic_index));
        assert!(!here.contains(&generic_index));
    }

    #[test]
    fn categories_by_name() {
        let set = Categories::from_names(["comments", "ads"]).unwrap();
        assert!(set.contains(Category::Comments) && set.contains(Category::Ads));
        assert!(!set.contains(Category::Social));
        assert!(
            set.contains(Category::User),
            "the user's rules always apply"
        );
        assert_eq!(
            Categories::from_names(["ads", "popups"]),
            Err("popups".into())
        );
        assert!(!Categories::ALL
            .without(Category::Social)
            .contains(Category::Social));
    }

    #[test]
    fn reports_unsupported_lines_with_their_place() {
        for (line, needle) in [
            ("##div:has(> .ad)", "unsupported"),
            ("##h2 + p", "unsupported selector"),
            ("##li:last-child", "unsupported selector"),
            ("~example.com##.ad", "unsupported domain"),
            ("example.com##+js(foo)", "unsupported rule extension"),
            ("just text", "not a cosmetic rule"),
        ] {
            let err = parse(Category::Ads, "mine.txt", &format!("\n{line}")).unwrap_err();
            assert_eq!((err.source.as_str(), err.line), ("mine.txt", 2), "{line}");
            assert!(err.message.contains(needle), "{line}: {}", err.message);
        }
    }
}
