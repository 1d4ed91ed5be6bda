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
use std::sync::LazyLock;

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
        if selector.starts_with('+') || selector.contains(":-abp-") || selector.contains(":has(") {
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
