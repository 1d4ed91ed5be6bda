//! URL resolution in the article's links and images, natively (the `url` crate), against the
//! table in tests/fixtures/url-cases.json. tests/e2e/url-resolution.test.mjs holds the wasm
//! build (the platform's URL parser) to the same table, so both implementations of
//! src/resolve.rs agree on every case in it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use klartext::{extract, Options};
use serde_json::Value;

const FILLER: &str = "The council met on Tuesday evening to discuss the renovation of the old \
    stone bridge, which has connected the market square with the mill since 1847, and decided \
    after a long debate that the works will start in the spring and last two summers.";

struct Case {
    raw: String,
    image: bool,
    expected: Option<String>,
    why: String,
}

fn cases() -> BTreeMap<Option<String>, Vec<Case>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/url-cases.json");
    let table: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut by_base: BTreeMap<Option<String>, Vec<Case>> = BTreeMap::new();
    for case in table["cases"].as_array().unwrap() {
        by_base
            .entry(case["base"].as_str().map(str::to_owned))
            .or_default()
            .push(Case {
                raw: case["raw"].as_str().unwrap().to_owned(),
                image: case["image"].as_bool().unwrap(),
                expected: case["expected"].as_str().map(str::to_owned),
                why: case["why"].as_str().unwrap().to_owned(),
            });
    }
    by_base
}

/// The page for one base: each case in a paragraph (a link) or a figure (an image) of its own,
/// named `case N`. tests/e2e/url-resolution.test.mjs builds the same page.
fn page(cases: &[Case]) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Bridge works</title>\
         </head><body><article><h1>Bridge works</h1>",
    );
    for (n, case) in cases.iter().enumerate() {
        let raw = case.raw.replace('"', "&quot;");
        if case.image {
            html.push_str(&format!(
                "<figure><img src=\"{raw}\" alt=\"case {n}\"><figcaption>{FILLER}</figcaption></figure>"
            ));
        } else {
            html.push_str(&format!(
                "<p>{FILLER} <a href=\"{raw}\">case {n}</a> {FILLER}</p>"
            ));
        }
    }
    html.push_str("</article></body></html>");
    html
}

fn unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The `href` (or `src`) the article gives case `n`: Some(None) when the element is there
/// without it, None when the element is not in the article at all.
fn resolved(article: &str, n: usize, image: bool) -> Option<Option<String>> {
    let (marker, tag, attribute) = if image {
        (format!("alt=\"case {n}\""), "<img", " src=\"")
    } else {
        (format!(">case {n}</a>"), "<a", " href=\"")
    };
    let at = article.find(&marker)?;
    let start = article[..at].rfind(tag)?;
    let end = at + article[at..].find('>')?;
    let element = &article[start..end];
    Some(element.find(attribute).map(|i| {
        let value = &element[i + attribute.len()..];
        unescape(&value[..value.find('"').unwrap()])
    }))
}

#[test]
fn links_and_images_resolve_as_the_table_says() {
    let mut failures = Vec::new();
    for (base, cases) in cases() {
        let article = extract(&page(&cases), &Options { url: base.clone() })
            .unwrap()
            .html;
        for (n, case) in cases.iter().enumerate() {
            match resolved(&article, n, case.image) {
                None => failures.push(format!(
                    "{base:?}: case {n} ({}) is not in the article",
                    case.why
                )),
                Some(got) if got != case.expected => failures.push(format!(
                    "{base:?}: {:?} ({}) gave {got:?}, expected {:?}",
                    case.raw, case.why, case.expected
                )),
                Some(_) => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_page_url_that_does_not_parse_is_one_clear_line() {
    let html = page(&[]);
    for (url, line) in [
        (
            "not a url",
            "invalid URL \"not a url\": relative URL without a base",
        ),
        (
            "http://[::1/",
            "invalid URL \"http://[::1/\": not a valid URL",
        ),
    ] {
        let options = Options {
            url: Some(url.to_owned()),
        };
        assert_eq!(extract(&html, &options).unwrap_err().to_string(), line);
    }
}
