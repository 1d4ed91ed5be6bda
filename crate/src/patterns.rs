//! Class and id patterns that mark likely content and likely clutter.
//!
//! These are Readability.js's regular expressions (Apache-2.0, mozilla/readability) rewritten
//! as substring lists: every alternative in those expressions is a plain substring, so a scan
//! with `str::contains` matches the same strings without a regex engine in the wasm binary.

/// Containers that are almost never the article: removed before scoring.
pub const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
];

/// Rescues an unlikely match: `main-header` is probably still the main column.
pub const MAYBE: &[&str] = &[
    "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
];

pub const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "h-entry",
    "main",
    "page",
    "pagination",
    "post",
    "text",
    "blog",
    "story",
];

pub const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
];

pub const BYLINE: &[&str] = &["byline", "author", "dateline", "writtenby", "p-author"];

/// ARIA roles of navigation and dialogs, never the article.
pub const UNLIKELY_ROLES: &[&str] = &[
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
];

/// Hosts of embedded video that a reader view keeps (as a link) rather than dropping.
pub const VIDEO_HOSTS: &[&str] = &[
    "dailymotion.com",
    "youtube.com",
    "youtube-nocookie.com",
    "player.vimeo.com",
    "v.qq.com",
    "archive.org",
    "upload.wikimedia.org",
    "player.twitch.tv",
    "bilibili.com",
    "live.bilibili.com",
];

/// Whether `haystack` (already lowercase) contains any of `needles`.
pub fn contains_any(haystack: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| haystack.contains(n))
}

/// Readability's class weight for one attribute value (lowercase): −25 for a negative match,
/// +25 for a positive one, both when both match. The core weighs interned tokens
/// ([`crate::token::ValueFacts::weight`]); this is the definition they are tested against.
#[cfg(test)]
pub fn weight(value: &str) -> i32 {
    if value.is_empty() {
        return 0;
    }
    let mut weight = 0;
    // Readability's `^hid$| hid$| hid |^hid ` is the token "hid".
    if contains_any(value, NEGATIVE) || value.split_ascii_whitespace().any(|t| t == "hid") {
        weight -= 25;
    }
    if contains_any(value, POSITIVE) {
        weight += 25;
    }
    weight
}

/// Whether a word is a share control's class or id (`share`, `sharedaddy`, as a whole word or
/// between underscores), as Readability's `(\b|_)(share|sharedaddy)(\b|_)`.
pub fn is_share(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "share" || word == "sharedaddy")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighs_like_readability() {
        assert_eq!(weight("article-body"), 25);
        assert_eq!(weight("comment-list"), -25);
        assert_eq!(weight("post-comments"), 0);
        assert_eq!(weight("hid"), -25);
        assert_eq!(weight("hidden"), -25);
        assert_eq!(weight(""), 0);
    }

    #[test]
    fn finds_share_words() {
        assert!(is_share("social share_bar"));
        assert!(is_share("sharedaddy"));
        assert!(!is_share("shared-content"));
    }
}
