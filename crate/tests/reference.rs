//! The reference page: a krone.at article with player chrome, a story carousel, comments and
//! a games block inside the article wrapper. Every article block must come out, no clutter.

use std::path::PathBuf;

use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn load(name: &str) -> (String, Value) {
    let html = std::fs::read_to_string(fixtures().join(format!("{name}.html"))).unwrap();
    let expect = std::fs::read_to_string(fixtures().join(format!("{name}.expect.json"))).unwrap();
    (html, serde_json::from_str(&expect).unwrap())
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reference_page_keeps_the_article_and_drops_the_clutter() {
    let (html, expect) = load("krone-putin-nordkorea");
    let options = klartext::Options {
        url: Some("https://www.krone.at/3423614".into()),
        ..Default::default()
    };
    let article = klartext::extract(&html, &options).unwrap();
    let text = &article.text;
    let missing: Vec<String> = strings(&expect, "article")
        .into_iter()
        .filter(|l| !text.contains(l.as_str()))
        .collect();
    let leaked: Vec<String> = strings(&expect, "clutter")
        .into_iter()
        .filter(|l| text.contains(l.as_str()))
        .collect();
    assert!(
        missing.is_empty() && leaked.is_empty(),
        "missing {missing:#?}\nleaked {leaked:#?}\ntext:\n{text}"
    );
    // The brand line under the article ("krone.at") is the site's name, not article text.
    assert!(
        !text.split("\n\n").any(|block| block.trim() == "krone.at"),
        "brand line kept:\n{text}"
    );
    // Blocks come out in reading order.

    let positions: Vec<usize> = strings(&expect, "article")
        .iter()
        .map(|l| text.find(l.as_str()).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "article blocks out of order:\n{text}"
    );
    assert_eq!(article.title.as_deref(), expect["title"].as_str());
    assert_eq!(article.site_name.as_deref(), expect["site_name"].as_str());
    assert_eq!(article.lang.as_deref(), expect["lang"].as_str());
    assert_eq!(
        article.published_time.as_deref(),
        expect["published_time"].as_str()
    );
    assert!(article.readerable);
    assert!(
        article.html.contains("<figure"),
        "the lead image's figure is kept:\n{}",
        article.html
    );
    assert!(
        article.html.contains("src=\"https://www.krone.at/img/"),
        "image URLs are absolute:\n{}",
        article.html
    );
}

/// The text a reader sees in a page: no tags, no script or style content, references decoded.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        let lower = rest.get(..8).unwrap_or("").to_ascii_lowercase();
        let skip_to = if lower.starts_with("<script") {
            "</script>"
        } else if lower.starts_with("<style") {
            "</style>"
        } else {
            ">"
        };
        match rest.to_ascii_lowercase().find(skip_to) {
            Some(end) => rest = &rest[end + skip_to.len()..],
            None => rest = "",
        }
        text.push(' ');
    }
    text.push_str(rest);
    htmlize::unescape(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn reference_page_cleaned_in_place_keeps_the_page_and_drops_the_clutter() {
    let (html, expect) = load("krone-putin-nordkorea");
    let options = klartext::Options {
        url: Some("https://www.krone.at/3412455".into()),
        ..Default::default()
    };
    let cleaned = klartext::clean(&html, &options).unwrap();
    let before = visible_text(&html);
    let after = visible_text(&cleaned.html);
    let clutter = strings(&expect, "clutter");
    // Only clutter that the in-place mode removes; navigation stays with the site's layout.
    for line in [
        "Neue \"Stories\" entdecken",
        "Liebe Leserin, lieber Leser,",
        "Kostenlose Spiele",
        "1.0x Geschwindigkeit",
        "play_arrow",
    ] {
        assert!(
            clutter.iter().any(|c| c == line) && before.contains(line),
            "fixture lacks {line:?}"
        );
        assert!(
            !after.contains(line),
            "{line:?} is still on the cleaned page"
        );
    }
    // Tags split words differently from the decoded text: compare without any whitespace.
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let after_squeezed = squeeze(&after);
    for block in strings(&expect, "article") {
        assert!(
            after_squeezed.contains(&squeeze(&block)),
            "article block lost in place: {block:?}"
        );
    }
    // The title and the navigation stay: the site keeps its layout.
    assert!(after.contains(expect["title"].as_str().unwrap()));
    assert!(after.contains("Nachrichten"), "the site's navigation stays");
    let categories: Vec<_> = cleaned.removed.iter().filter_map(|r| r.category).collect();
    for category in [
        "comments",
        "video-chrome",
        "promotions",
        "ads",
        "cookie-consent",
    ] {
        assert!(
            categories
                .iter()
                .any(|c| serde_json::to_value(c).unwrap() == category),
            "no {category} removal reported: {:#?}",
            cleaned.removed
        );
    }
    assert!(cleaned.removed.iter().all(|r| !r.rule.is_empty()));
}
