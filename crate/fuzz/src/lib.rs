//! The checks every fuzz input and every XSS vector goes through, shared by the cargo-fuzz
//! target (`fuzz_targets/extract.rs`) and the stable tests, which include this file as a
//! module (`crate/tests/pathological.rs`, `crate/tests/xss.rs`).
//!
//! The core's HTML output must be exactly what `emit` promises: start tags with double-quoted
//! attributes, end tags, escaped text, every element closed, nothing else; no element or
//! attribute that runs script, loads a frame or a style, navigates or submits; and URLs only
//! of the schemes a reader view may follow. A browser-like tokenizer (lol_html) must read the
//! same elements from it as the strict reading here, so that the output means one thing.

use std::cell::RefCell;

/// The page URLs a fuzz input picks from with its first byte.
const URLS: [Option<&str>; 4] = [
    None,
    Some("https://example.org/news/2024/article.html"),
    Some("http://127.0.0.1:8080/a/b?c=d#e"),
    Some("file:///tmp/page.html"),
];

/// The fuzz target: the first byte picks the page URL, the rest is the page's bytes, read as
/// the CLI reads them. Panics on any broken promise.
pub fn extract_and_check(data: &[u8]) {
    let (url, bytes) = match data.split_first() {
        Some((first, rest)) => (URLS[*first as usize % URLS.len()], rest),
        None => (None, data),
    };
    let Ok(html) = klartext::decode::decode(bytes) else {
        return;
    };
    check_page(&html, url);
}

/// The second fuzz target: arbitrary text through the clutter-rule parser (the ad-block
/// cosmetic syntax of `crate/rules/`), as a user's own rule file would come. The first line is
/// a host to pick the active rules for. Every line is a rule, nothing, or an error that names
/// its line in one line of text; never a panic.
///
/// `extract` does not take rule sets yet (only the built-in ones): when it does, fuzz a page
/// and a rule set together here.
pub fn parse_rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (host, rules) = text.split_once('\n').unwrap_or(("", &text));
    let host = host.trim();
    let host = (!host.is_empty()).then_some(host);
    for category in [
        klartext::clutter::Category::Ads,
        klartext::clutter::Category::Comments,
    ] {
        match klartext::rules::parse(category, "fuzz.txt", rules) {
            Ok(parsed) => {
                for rule in &parsed {
                    assert!(!rule.selector_text.is_empty() || rule.text.contains('#'));
                }
                let active = klartext::rules::active(&parsed, host);
                assert!(active.iter().all(|&i| (i as usize) < parsed.len()));
            }
            Err(error) => check_error(&error.to_string(), error.line, rules),
        }
    }
    check_user_rules(host, rules);
}

/// A rules error, built-in or the user's: one line, naming a line of the text.
fn check_error(message: &str, line: usize, rules: &str) {
    assert!(
        !message.contains(['\n', '\r']),
        "an error is one line: {message:?}"
    );
    assert!(line >= 1 && line <= rules.lines().count(), "{message}");
}

/// The same text as a user's rules (the options page's editor, the element picker): every line
/// that cannot be used is reported on one line with its number, and the usable ones run on a
/// small page without a panic, each block they hide named by one of their lines.
fn check_user_rules(host: Option<&str>, rules: &str) {
    let (user_rules, errors) = klartext::rules::UserRules::parse(rules);
    for error in &errors {
        check_error(&error.to_string(), error.line, rules);
    }
    const PAGE: &str = "<html><body><header id=top><a href=/>Home</a></header><article><h1>T</h1>\
        <p class=lead>A first paragraph, long enough to be an article's, with commas, words.</p>\
        <div class=box id=promo><p>Get the app</p></div><ul><li>a</li><li>b</li></ul></article>\
        <aside class=comments><p>A comment</p></aside></body></html>";
    let options = klartext::Options {
        url: host.map(|h| format!("https://{h}/page")),
        user_rules,
        ..Default::default()
    };
    if let Ok(cleaned) = klartext::clean(PAGE, &options) {
        for removed in &cleaned.removed {
            if removed.category == Some(klartext::clutter::Category::User) {
                assert!(
                    rules.lines().any(|l| l.trim() == removed.rule),
                    "a user block named by a line that is not the user's: {:?}",
                    removed.rule
                );
            }
        }
    }
    let _ = klartext::extract(PAGE, &options);
}

/// Extracts `html` and checks the result; panics with the page and the output on a problem.
pub fn check_page(html: &str, url: Option<&str>) {
    let options = klartext::Options {
        url: url.map(str::to_string),
        ..Default::default()
    };
    match klartext::extract(html, &options) {
        Ok(article) => {
            if let Err(problem) = check_output(&article.html) {
                panic!(
                    "{problem}\n--- page ({url:?}) ---\n{}\n--- output ---\n{}",
                    excerpt(html),
                    excerpt(&article.html)
                );
            }
            // The core's own output is a page too.
            if !article.html.trim().is_empty() {
                let again = klartext::extract(&article.html, &options)
                    .expect("the core reads its own output");
                if let Err(problem) = check_output(&again.html) {
                    panic!("second pass: {problem}\n{}", excerpt(&article.html));
                }
            }
        }
        Err(error) => assert_one_line(&error),
    }
    // Cleaning in place reads the same pages. Its output is the page itself (not sanitized,
    // by design): only that it answers, without a panic.
    if let Err(error) = klartext::clean(html, &options) {
        assert_one_line(&error);
    }
}

fn assert_one_line(error: &klartext::Error) {
    let message = error.to_string();
    assert!(
        !message.contains('\n') && !message.is_empty(),
        "an error is one line: {message:?}"
    );
}

fn excerpt(s: &str) -> String {
    if s.len() <= 4000 {
        return s.to_string();
    }
    let mut end = 4000;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// Elements that must never come out of the core.
const DANGEROUS_ELEMENTS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "meta",
    "link",
    "style",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "template",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "listing",
    "title",
    "portal",
    "fencedframe",
    "dialog",
    "svg",
    "use",
    "animate",
    "set",
    "foreignobject",
    "annotation-xml",
    "handler",
    "listener",
    "image",
    "param",
    "isindex",
    "keygen",
    "maction",
    "mglyph",
    "malignmark",
    "html",
    "head",
    "body",
    "source",
    "track",
    "video",
    "audio",
    "canvas",
    "slot",
    "search",
];

/// Attributes that must never come out of the core (besides every `on…`).
const DANGEROUS_ATTRIBUTES: &[&str] = &[
    "style",
    "srcdoc",
    "action",
    "formaction",
    "http-equiv",
    "xmlns",
    "xlink:href",
    "is",
    "id",
    "name",
    "form",
    "background",
    "poster",
    "data",
    "ping",
    "codebase",
    "manifest",
    "lowsrc",
    "dynsrc",
    "popover",
    "popovertarget",
    "command",
    "commandfor",
    "autofocus",
    "contenteditable",
    "slot",
    "nonce",
    "integrity",
    "target",
];

/// Attributes holding URLs that a browser follows or loads.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "cite", "longdesc", "usemap"];

/// Elements the HTML serializer writes without an end tag, as the core writes them.
const VOID: &[&str] = &["img", "br", "hr"];

/// One element as read from the output.
#[derive(Debug, PartialEq)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

/// Checks the core's HTML output. `Err` says what is wrong and where.
pub fn check_output(html: &str) -> Result<(), String> {
    let elements = read_strictly(html)?;
    for el in &elements {
        check_element(el)?;
    }
    let seen = read_with_lol_html(html)?;
    if seen != elements {
        let at = seen
            .iter()
            .zip(&elements)
            .position(|(a, b)| a != b)
            .unwrap_or(seen.len().min(elements.len()));
        return Err(format!(
            "a browser-like tokenizer reads other elements: element {at}: {:?} vs {:?}",
            seen.get(at),
            elements.get(at)
        ));
    }
    Ok(())
}

fn check_element(el: &Tag) -> Result<(), String> {
    let name = el.name.as_str();
    if DANGEROUS_ELEMENTS.contains(&name) {
        return Err(format!("dangerous element <{name}>"));
    }
    for (attr, value) in &el.attributes {
        let attr = attr.as_str();
        if attr.starts_with("on") || DANGEROUS_ATTRIBUTES.contains(&attr) {
            return Err(format!("dangerous attribute {attr}={value:?} on <{name}>"));
        }
        let image = name == "img";
        if URL_ATTRIBUTES.contains(&attr) && !safe_url(value, image) {
            return Err(format!("unsafe URL {attr}={value:?} on <{name}>"));
        }
        if attr == "srcset" {
            for candidate in value.split(',') {
                let url = candidate.split_ascii_whitespace().next().unwrap_or("");
                if !safe_url(url, true) {
                    return Err(format!("unsafe URL in srcset={value:?} on <{name}>"));
                }
            }
        }
    }
    Ok(())
}

/// Whether a (decoded) URL attribute value is safe to follow, read the way a browser's URL
/// parser reads it: surrounding C0 controls and spaces dropped, tabs and newlines removed
/// anywhere, then the scheme.
fn safe_url(value: &str, image: bool) -> bool {
    let trimmed = value.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let scheme = match cleaned.find(':') {
        Some(end)
            if cleaned[..end].starts_with(|c: char| c.is_ascii_alphabetic())
                && cleaned[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            cleaned[..end].to_ascii_lowercase()
        }
        // No scheme: a relative URL, resolved against an http(s) page.
        _ => return true,
    };
    match scheme.as_str() {
        "http" | "https" => true,
        "mailto" => !image,
        "data" => {
            let mime = cleaned[5..].trim_start().to_ascii_lowercase();
            image && mime.starts_with("image/") && !mime.starts_with("image/svg")
        }
        _ => false,
    }
}

/// Reads the output by its own grammar: text without `<` or `>` and with only the four
/// entities the core writes; `<name attr="value"…>` and `</name>`; elements properly nested
/// and all closed. Returns the elements in document order, values decoded.
fn read_strictly(html: &str) -> Result<Vec<Tag>, String> {
    let bytes = html.as_bytes();
    let mut elements = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    let fail = |at: usize, what: &str| -> String {
        let start = at.saturating_sub(60);
        let mut s = start;
        while !html.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = (at + 60).min(html.len());
        while !html.is_char_boundary(e) {
            e += 1;
        }
        format!("malformed output at byte {at}: {what}: …{}…", &html[s..e])
    };
    while i < bytes.len() {
        match bytes[i] {
            b'<' if bytes.get(i + 1) == Some(&b'/') => {
                let (name, next) = read_name(bytes, i + 2);
                if name.is_empty() || bytes.get(next) != Some(&b'>') {
                    return Err(fail(i, "bad end tag"));
                }
                match open.pop() {
                    Some(top) if top == name => {}
                    top => return Err(fail(i, &format!("</{name}> closes {top:?}"))),
                }
                i = next + 1;
            }
            b'<' => {
                let (name, mut next) = read_name(bytes, i + 1);
                if name.is_empty() {
                    return Err(fail(i, "bad start tag"));
                }
                let mut attributes = Vec::new();
                while bytes.get(next) == Some(&b' ') {
                    let (attr, after) = read_name(bytes, next + 1);
                    if attr.is_empty() || bytes.get(after..after + 2) != Some(b"=\"") {
                        return Err(fail(next, "bad attribute"));
                    }
                    let start = after + 2;
                    let Some(len) = bytes[start..].iter().position(|&b| b == b'"') else {
                        return Err(fail(next, "unterminated attribute"));
                    };
                    let raw = &html[start..start + len];
                    check_escaped(raw, true).map_err(|what| fail(start, &what))?;
                    attributes.push((attr, unescape(raw)));
                    next = start + len + 1;
                }
                if bytes.get(next) != Some(&b'>') {
                    return Err(fail(next, "start tag does not end with >"));
                }
                if !VOID.contains(&name.as_str()) {
                    open.push(name.clone());
                }
                elements.push(Tag { name, attributes });
                i = next + 1;
            }
            _ => {
                let len = bytes[i..]
                    .iter()
                    .position(|&b| b == b'<')
                    .unwrap_or(bytes.len() - i);
                check_escaped(&html[i..i + len], false).map_err(|what| fail(i, &what))?;
                i += len;
            }
        }
    }
    if let Some(top) = open.last() {
        return Err(format!("<{top}> is never closed ({} open)", open.len()));
    }
    Ok(elements)
}

/// A tag or attribute name: lowercase ASCII letters, digits and `-`, starting with a letter.
fn read_name(bytes: &[u8], start: usize) -> (String, usize) {
    let mut end = start;
    while end < bytes.len()
        && (bytes[end].is_ascii_lowercase()
            || (end > start && (bytes[end].is_ascii_digit() || bytes[end] == b'-')))
    {
        end += 1;
    }
    (
        String::from_utf8_lossy(&bytes[start..end]).into_owned(),
        end,
    )
}

/// Text and attribute values hold no markup characters and only the core's own entities.
fn check_escaped(raw: &str, attribute: bool) -> Result<(), String> {
    if let Some(c) = raw.chars().find(|c| matches!(c, '<' | '>')) {
        return Err(format!("unescaped {c:?}"));
    }
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        rest = &rest[at..];
        let entity = ["&amp;", "&lt;", "&gt;", "&quot;"]
            .into_iter()
            .find(|e| rest.starts_with(e) && (attribute || *e != "&quot;"));
        match entity {
            Some(e) => rest = &rest[e.len()..],
            None => {
                return Err(format!(
                    "raw character reference {:?}",
                    &rest[..rest.len().min(12)]
                ))
            }
        }
    }
    Ok(())
}

fn unescape(raw: &str) -> String {
    htmlize::unescape_attribute(raw).into_owned()
}

/// The elements and attributes that lol_html, a tokenizer that follows the HTML standard's
/// states (raw text, RCDATA, foreign content), reads from the output.
fn read_with_lol_html(html: &str) -> Result<Vec<Tag>, String> {
    use lol_html::{element, HtmlRewriter, Settings};
    let seen = RefCell::new(Vec::new());
    {
        let settings = Settings::new()
            // Strict: markup whose meaning a tokenizer cannot tell without a tree builder is
            // an error, not a guess.
            .with_strict(true)
            .append_element_content_handler(element!("*", |el| {
                let attributes = el
                    .attributes()
                    .iter()
                    .map(|a| (a.name(), unescape(&a.value())))
                    .collect();
                seen.borrow_mut().push(Tag {
                    name: el.tag_name(),
                    attributes,
                });
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter
            .write(html.as_bytes())
            .and_then(|()| rewriter.end())
            .map_err(|e| format!("lol_html cannot read the output: {e}"))?;
    }
    Ok(seen.into_inner())
}
