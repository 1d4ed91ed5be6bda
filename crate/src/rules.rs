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

    /// The rules that apply on `host`, with their indices. A user's exception (`#@#`) turns
    /// off built-in rules with the same selector too.
    pub fn active(&self, host: Option<&str>) -> Vec<(&Selector, u16)> {
        let built_in = &*BUILT_IN_RULES;
        let all: Vec<&Rule> = built_in.iter().chain(self.user.0.iter()).collect();
        active_refs(&all, host)
            .into_iter()
            .map(|i| (&all[i as usize].selector, i))
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_rules_parse() {
        assert!(BUILT_IN_RULES.len() > 40);
        for (category, source, text) in BUILT_IN {
            parse(*category, source, text).unwrap();
        }
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
        let here: Vec<u16> = book
            .active(Some("www.example.com"))
            .iter()
            .map(|a| a.1)
            .collect();
        let elsewhere: Vec<u16> = book.active(Some("other.net")).iter().map(|a| a.1).collect();
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
