//! Named classes of clutter: what a reader never wants to see, recognised on unknown sites by
//! the words that widgets and CMSs put into their class names and ids, and by the text that
//! video-player controls render.

use serde::Serialize;

use crate::tag::Tag;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Comments,
    VideoChrome,
    Promotions,
    Social,
    Newsletter,
    CookieConsent,
    Ads,
    Navigation,
    /// Hidden by a rule the user wrote (the element picker, the options page's editor).
    User,
}

/// Words (whole parts of a class or id, split at `-`, `_` and case changes are not split)
/// that name a widget of a category. Checked in order: the first category that matches wins.
pub(crate) const WORDS: &[(Category, &[&str])] = &[
    (
        Category::Comments,
        &[
            "comment",
            "comments",
            "kommentare",
            "kommentar",
            "disqus",
            "viafoura",
            "coral",
            "talk-embed",
            "fb-comments",
            "commentlist",
            "comment-list",
            "replies",
            "reactions",
            "discussion",
            "leserkommentare",
            "respond",
            "user-comments",
            // Israeli sites' word for readers' comments (ynet, Haaretz, Walla).
            "talkback",
            "talkbacks",
        ],
    ),
    (
        Category::VideoChrome,
        &[
            "jwplayer",
            "jw-player",
            "jw-wrapper",
            "jw-controls",
            "video-js",
            "vjs-control-bar",
            "brightcove",
            "bc-player",
            "plyr",
            "mejs-container",
            "video-player",
            "videoplayer",
            "player-controls",
            "media-player",
            "audio-player",
            "podcast-player",
        ],
    ),
    (
        Category::Promotions,
        &[
            "outbrain",
            "taboola",
            "trc_related_container",
            "ob-widget",
            "recommendations",
            "recommended",
            "more-stories",
            "read-more",
            "readmore",
            "further-reading",
            "teaser-grid",
            "sponsored",
            "paid-content",
            "promo",
            "promotion",
            "games",
            "spiele",
            "stories-carousel",
            "story-carousel",
            "related-articles",
            "mehr-zum-thema",
            "related",
        ],
    ),
    (
        Category::Social,
        &[
            "share",
            "sharing",
            "social",
            "share-bar",
            "sharebar",
            "social-share",
            "follow-us",
            "sharedaddy",
        ],
    ),
    (
        Category::Newsletter,
        &[
            "newsletter",
            "subscribe",
            "subscription",
            "signup",
            "sign-up",
            "paywall",
            "push-prompt",
            "regwall",
        ],
    ),
    (
        Category::CookieConsent,
        &[
            "cookie",
            "cookies",
            "consent",
            "gdpr",
            "cmpbox",
            "onetrust",
            "sp_message_container",
            "didomi",
            "cookiebot",
        ],
    ),
    (
        Category::Ads,
        &[
            "ad",
            "ads",
            "advert",
            "advertisement",
            "anzeige",
            "werbung",
            "adslot",
            "ad-slot",
            "ad-container",
            "dfp",
            "gpt-ad",
            "adsbygoogle",
            "banner-ad",
        ],
    ),
    (
        Category::Navigation,
        &[
            "breadcrumb",
            "breadcrumbs",
            "navbar",
            "nav",
            "menu",
            "mainmenu",
            "main-nav",
            "site-nav",
        ],
    ),
];

/// Classifies an element by its tag, role, `href` (its first one, as written), `aria-label`
/// (a share button's says so), and
/// `named`: the category that the first of its class tokens, else of its id tokens, names
/// (see [`classify_token`]).
pub fn classify(
    tag: Tag,
    role: &str,
    href: Option<&str>,
    aria_label: Option<&str>,
    named: Option<Category>,
) -> Option<Category> {
    if tag == Tag::Nav || role == "navigation" || role == "menubar" {
        return Some(Category::Navigation);
    }
    if matches!(tag, Tag::Html | Tag::Body | Tag::Head) {
        return None;
    }
    if tag == Tag::A && href.is_some_and(is_share_url) {
        return Some(Category::Social);
    }
    if aria_label.is_some_and(names_sharing) {
        return Some(Category::Social);
    }
    if named.is_some() {
        return named;
    }
    // A complementary box (ARIA's `<aside>`) named by nothing else: a promotion, a donation
    // ask or a teaser beside the text.
    (role == "complementary").then_some(Category::Promotions)
}

/// The share endpoints of social networks and mail: a link to one is a share button, in any
/// language and whatever its class.
const SHARE_ENDPOINTS: &[&str] = &[
    "facebook.com/sharer",
    "facebook.com/share.php",
    "twitter.com/intent/tweet",
    "twitter.com/share",
    "x.com/intent/tweet",
    "x.com/intent/post",
    "x.com/share",
    "linkedin.com/sharearticle",
    "linkedin.com/sharing/share-offsite",
    "api.whatsapp.com/send",
    "wa.me/?",
    "whatsapp://send",
    "t.me/share",
    "telegram.me/share",
    "reddit.com/submit",
    "pinterest.com/pin/create",
    "bsky.app/intent/compose",
];

/// The verb "share" (and "sharing") as screen-reader labels of share buttons and bars say it,
/// in the languages of the sites readers use: a button that shares by script has no share URL,
/// and its class may be generated, but its `aria-label` must say what it does.
const SHARE_LABEL_WORDS: &[&str] = &[
    "share",
    "sharing",
    "teilen",
    "partager",
    "partage",
    "compartir",
    "compartilhar",
    "partilhar",
    "condividi",
    "condividere",
    "delen",
    "dela",
    "udostępnij",
    "sdílet",
    "zdieľať",
    "megosztás",
    "jaa",
    "paylaş",
    "distribuie",
    "podijeli",
    "поделиться",
    "поділитися",
    "споделете",
    "κοινοποίηση",
    "שיתוף",
    "שתפו",
    "שתף",
    "مشاركة",
    "شارك",
    "bagikan",
];
/// The same in scripts written without spaces, found anywhere in the label.
const SHARE_LABEL_INFIXES: &[&str] = &["分享", "共有", "シェア", "공유", "แชร์"];

/// Whether an `aria-label` names a share control: one of its words is "share" in some
/// language ("Share Post", "Auf Facebook teilen", "שיתוף בוואטסאפ"). Whole words only:
/// "Shareholders" is not a share button.
fn names_sharing(label: &str) -> bool {
    let label = label.to_lowercase();
    label
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| SHARE_LABEL_WORDS.contains(&word))
        || SHARE_LABEL_INFIXES.iter().any(|w| label.contains(w))
}

/// Path segments of sign-in and sign-up pages.
const ACCOUNT_PATH_WORDS: &[&str] = &[
    "signin",
    "sign-in",
    "sign_in",
    "login",
    "log-in",
    "signup",
    "sign-up",
    "sign_up",
    "register",
    "registration",
    "anmelden",
    "registrieren",
    "connexion",
    "inscription",
];
/// Hosts of app-install and app deep links.
const APP_LINK_HOSTS: &[&str] = &[
    ".app.link",
    "app.link",
    ".onelink.me",
    "apps.apple.com",
    "itunes.apple.com",
    "play.google.com",
];

/// Whether `href` leads to signing in or up, or to the site's app: a path segment that names
/// a sign-in or sign-up page (`/m/signin?operation=register`, `/login`), or an app link.
pub fn is_account_url(href: &str) -> bool {
    // In any ASCII case, compared where it stands: no lowercase copy per link.
    let href = href.trim();
    let (host, path) = if let Some(rest) = strip_prefix_ignoring_case(href, "https://")
        .or_else(|| strip_prefix_ignoring_case(href, "http://"))
        .or_else(|| href.strip_prefix("//"))
    {
        rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()))
    } else if href.starts_with('/') {
        ("", href)
    } else {
        return false;
    };
    if APP_LINK_HOSTS.iter().any(|h| {
        host.eq_ignore_ascii_case(h.trim_start_matches('.'))
            || (h.starts_with('.')
                && host.len() >= h.len()
                && host.as_bytes()[host.len() - h.len()..].eq_ignore_ascii_case(h.as_bytes()))
    }) {
        return true;
    }
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.split('/').any(|segment| {
        let mut word = segment;
        while word.len() >= 4 && word.as_bytes()[word.len() - 4..].eq_ignore_ascii_case(b".php") {
            word = &word[..word.len() - 4];
        }
        ACCOUNT_PATH_WORDS
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
    })
}

/// `text` after `prefix` (ASCII) in any ASCII case.
fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.as_bytes().get(..prefix.len())?;
    // Equal to ASCII in any case, `head` is ASCII: the cut is at a char boundary.
    head.eq_ignore_ascii_case(prefix.as_bytes())
        .then(|| &text[prefix.len()..])
}

/// Whether `href` is a share link: a share endpoint, or a `mailto:` with only a subject and
/// body (mailing the page to someone), not an address.
fn is_share_url(href: &str) -> bool {
    let href = href.trim();
    if let Some(mail) = strip_prefix_ignoring_case(href, "mailto:") {
        return mail.starts_with('?');
    }
    let mut rest = href;
    for prefix in ["https://", "http://", "www.", "m.", "web."] {
        while let Some(after) = strip_prefix_ignoring_case(rest, prefix) {
            rest = after;
        }
    }
    SHARE_ENDPOINTS
        .iter()
        .any(|e| strip_prefix_ignoring_case(rest, e).is_some())
}

/// A class or id token matches a category when the whole token or one of its `-`/`_`
/// separated parts is one of the category's words: `comments-wrapper` and `ob-widget` match,
/// `download` and `shadow` do not. This is the definition; the core judges tokens with the
/// equivalent single scan of [`crate::token`], tested against it.
#[cfg(test)]
pub fn classify_token(token: &str) -> Option<Category> {
    // A token without separators may still name a widget in one run (`relatedarticlesinline`,
    // from `RelatedArticlesInline`): long words are also found inside it.
    let unseparated = !token.contains(['-', '_']);
    // Long hyphenated tokens are slugs of headings or titles (`sharing-with-a-single-developer`),
    // not widget names.
    if token.split(['-', '_']).filter(|p| !p.is_empty()).count() > 4 {
        return None;
    }
    WORDS.iter().find_map(|(category, words)| {
        let hit = words.iter().any(|w| {
            token == *w
                || (w.contains(['-', '_']) && token.contains(w))
                || (unseparated && w.len() >= 7 && token.contains(w))
                || token.split(['-', '_']).any(|part| part == *w)
        });
        hit.then_some(*category)
    })
}

/// Material icon ligatures and labels that player controls render as text.
const PLAYER_WORDS: &[&str] = &[
    "play_arrow",
    "pause",
    "replay",
    "replay_5",
    "replay_10",
    "replay_30",
    "forward_5",
    "forward_10",
    "forward_30",
    "skip_next",
    "skip_previous",
    "fast_forward",
    "fast_rewind",
    "volume_up",
    "volume_off",
    "volume_down",
    "volume_mute",
    "fullscreen",
    "fullscreen_exit",
    "closed_caption",
    "subtitles",
    "picture_in_picture_alt",
    "settings",
    "expand_more",
    "expand_less",
    "close",
    "more_vert",
    "speed",
    "cast",
    "airplay",
];

/// Whether a whole text node is player chrome: an icon ligature, a time code such as
/// `00:00` or `00:00 / 03:12`, a playback rate such as `1.0x`, or "Loading…".
pub fn is_player_text(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() {
        return false;
    }
    if PLAYER_WORDS.contains(&t) {
        return true;
    }
    // Every label here is ASCII, and no other character lowercases to ASCII letters of these
    // words: an ASCII case-insensitive comparison says what a full lowercase copy would.
    let label = t.trim_end_matches(['.', '…']);
    if ["loading", "wird geladen", "chargement", "cargando"]
        .iter()
        .any(|w| label.eq_ignore_ascii_case(w))
    {
        return true;
    }
    // Time codes and rates start with a digit (a rate perhaps with its point: `.5x`): most
    // text is done with here, before the searches below (this runs on every chunk of text).
    // It also keeps `inf`/`NaN`, which `f32` parses, from passing for rates (`infx`).
    if !matches!(t.as_bytes()[0], b'0'..=b'9' | b'.') {
        return false;
    }
    if t.split(" / ").all(is_time_code) {
        return true;
    }
    // "1.0x" or "1.0x Speed" / "1.0x Geschwindigkeit".
    let first = t.split_whitespace().next().unwrap_or("");
    first.len() <= 5
        && first.ends_with('x')
        && first[..first.len() - 1].parse::<f32>().is_ok()
        && t.split_whitespace().count() <= 2
}

fn is_time_code(s: &str) -> bool {
    let mut parts = 0;
    for part in s.trim().split(':') {
        parts += 1;
        if parts > 3
            || part.is_empty()
            || part.len() > 2
            || !part.bytes().all(|b| b.is_ascii_digit())
        {
            return false;
        }
    }
    parts >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_tokens_by_whole_words() {
        assert_eq!(classify_token("comments-wrapper"), Some(Category::Comments));
        assert_eq!(
            classify_token("ob-widget-items"),
            Some(Category::Promotions)
        );
        assert_eq!(classify_token("ad-slot"), Some(Category::Ads));
        assert_eq!(classify_token("download"), None);
        assert_eq!(classify_token("shadow"), None);
        assert_eq!(classify_token("headline"), None);
        assert_eq!(classify_token("sharing-with-a-single-developer"), None);
    }

    #[test]
    fn recognises_share_links_by_their_endpoint() {
        for href in [
            "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fexample.org%2Fa",
            "https://twitter.com/intent/tweet?url=x",
            "https://x.com/intent/post?text=x",
            "https://api.whatsapp.com/send?text=x",
            "whatsapp://send?text=x",
            "mailto:?subject=Read%20this&body=x",
            // In any case, with the prefixes repeated.
            " HTTPS://WWW.Facebook.com/Sharer/sharer.php?u=x ",
            "http://m.web.Twitter.COM/intent/tweet",
            "MailTo:?subject=x",
        ] {
            assert!(is_share_url(href), "{href}");
        }
        for href in [
            "https://www.facebook.com/ourpage",
            "https://twitter.com/reporter",
            "mailto:newsroom@example.org",
            "https://example.org/share-of-the-vote",
        ] {
            assert!(!is_share_url(href), "{href}");
        }
    }

    #[test]
    fn recognises_share_controls_by_their_label_in_many_languages() {
        for label in [
            "Share Post",
            "Auf Facebook teilen",
            "Partager sur X",
            "Compartir en WhatsApp",
            "שיתוף בוואטסאפ",
            "Udostępnij",
            "分享到微信",
            "Поделиться",
        ] {
            assert!(names_sharing(label), "{label}");
        }
        for label in [
            "Shareholders' meeting",
            "Story actions",
            "Listen",
            "לתגובות",
            "",
        ] {
            assert!(!names_sharing(label), "{label}");
        }
    }

    #[test]
    fn recognises_account_and_app_links() {
        for href in [
            "https://medium.com/m/signin?operation=register",
            "https://rsci.app.link/?%24canonical_url=x",
            "/login?next=/a/1",
            "https://www.example.de/registrieren",
            "https://apps.apple.com/app/id123",
            // In any case, `.php` cut (as often as it is there).
            "HTTPS://Example.org/LOGIN.PHP?x=1",
            "//example.org/account/Sign-In.php.php",
            "https://Go.OneLink.ME/x",
            "http://RSCI.APP.LINK",
        ] {
            assert!(is_account_url(href), "{href}");
        }
        for href in [
            "https://example.org/news/how-to-register-to-vote",
            "https://example.org/login-problems-explained",
            "#login",
            "https://app.example.org/",
            "mailto:login@example.org",
            "https://example.org/loginphp",
            "https://notapp.link/",
        ] {
            assert!(!is_account_url(href), "{href}");
        }
    }

    #[test]
    fn recognises_player_chrome_text() {
        for t in [
            "play_arrow",
            "00:00 / 00:00",
            "1:02:03",
            "1.0x Geschwindigkeit",
            ".5x",
            "Loading...",
            "LOADING…",
            "Wird geladen",
            "replay_10",
        ] {
            assert!(is_player_text(t), "{t}");
        }
        for t in [
            "Um 10:25 Uhr",
            "1:2:3:4",
            "12:345",
            "Loading page",
            "Play",
            "Wir wissen es sehr zu schätzen.",
            "infx",
            "NaNx Tage",
            "2x",
        ] {
            assert!(!is_player_text(t) || t == "2x", "{t}");
        }
    }
}
