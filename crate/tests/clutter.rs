//! Named clutter classes (issue 4): article pages modelled on real sites and CMSs, each with
//! the widgets real pages carry — comments, video-player chrome, promotions, newsletter and
//! paywall prompts, cookie banners, share bars, ad slots — often inside the article wrapper.
//!
//! Every `tests/fixtures/clutter/NAME.expect.json` goes with `NAME.html`. Its `article` blocks
//! must all be in the extracted text; none of its `clutter` lines may be. A clutter line has
//! leaked when it is a whole text block (or a whole line of one), or, when it is 20 characters
//! or longer, when it appears anywhere in the text. All failing pages are reported together.

use std::fmt::Write as _;

use serde_json::Value;

#[path = "common/clutter_fixtures.rs"]
mod clutter_fixtures;
use clutter_fixtures::{fixtures, gaps, pages, strings, Page, ANYWHERE};

fn field<'a>(page: &'a Page, key: &str) -> &'a str {
    page.expect[key]
        .as_str()
        .unwrap_or_else(|| panic!("{}: `{key}` is missing", page.name))
}

/// Whether a clutter line shows up in the extracted text.
fn has_leaked(text: &str, line: &str) -> bool {
    let line = line.trim();
    text.split("\n\n").any(|block| block.trim() == line)
        || text.lines().any(|l| l.trim() == line)
        || (line.chars().count() >= ANYWHERE && text.contains(line))
}

#[test]
fn fixtures_are_well_formed() {
    let pages = pages();
    assert!(
        pages.len() >= 20,
        "only {} clutter pages in {}",
        pages.len(),
        fixtures().display()
    );
    for page in &pages {
        for key in ["title", "lang", "category", "url"] {
            assert!(!field(page, key).is_empty(), "{}: empty `{key}`", page.name);
        }
        let article = strings(&page.expect, "article");
        let clutter = strings(&page.expect, "clutter");
        assert!(!article.is_empty(), "{}: no article blocks", page.name);
        assert!(!clutter.is_empty(), "{}: no clutter lines", page.name);
        for line in &clutter {
            assert!(
                !article.iter().any(|block| block.contains(line.as_str())),
                "{}: clutter line {line:?} is part of an article block",
                page.name
            );
        }
    }
}

#[test]
fn every_page_keeps_its_article_and_drops_its_clutter() {
    let pages = pages();
    let known = gaps("KNOWN-GAPS.txt");
    let mut report = String::new();
    let mut failed = 0;
    let mut fixed = Vec::new();
    for page in &pages {
        let expected_to_fail = known.contains(&page.name);
        let options = klartext::Options {
            url: Some(field(page, "url").to_string()),
            ..Default::default()
        };
        let category = field(page, "category");
        let article = match klartext::extract(&page.html, &options) {
            Ok(article) => article,
            Err(e) => {
                failed += 1;
                writeln!(
                    report,
                    "\n{} ({category}): extraction failed: {e}",
                    page.name
                )
                .unwrap();
                continue;
            }
        };
        let text = &article.text;
        let missing: Vec<String> = strings(&page.expect, "article")
            .into_iter()
            .filter(|block| !text.contains(block.as_str()))
            .collect();
        let leaked: Vec<String> = strings(&page.expect, "clutter")
            .into_iter()
            .filter(|line| has_leaked(text, line))
            .collect();
        if missing.is_empty() && leaked.is_empty() {
            if expected_to_fail {
                fixed.push(page.name.clone());
            }
            continue;
        }
        if expected_to_fail {
            continue;
        }
        failed += 1;
        writeln!(
            report,
            "\n{} ({category}): {} article blocks missing, {} clutter lines leaked",
            page.name,
            missing.len(),
            leaked.len()
        )
        .unwrap();
        for block in &missing {
            writeln!(report, "  missing: {block:?}").unwrap();
        }
        for line in &leaked {
            writeln!(report, "  leaked:  {line:?}").unwrap();
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} clutter pages fail (besides the {} known gaps):\n{report}",
        pages.len(),
        known.len()
    );
    assert!(
        fixed.is_empty(),
        "these pages pass now: take them off tests/fixtures/clutter/KNOWN-GAPS.txt: {fixed:?}"
    );
    assert!(
        known.len() * 2 < pages.len(),
        "most clutter pages must pass"
    );
}

/// A page's `lead_image`, where its `.expect.json` names one: the reader shows it, so it must be
/// the page's declared image, made absolute against the page's URL.
#[test]
fn lead_images_are_the_declared_ones() {
    let mut checked = 0;
    for page in pages() {
        let Some(expected) = page.expect.get("lead_image").and_then(Value::as_str) else {
            continue;
        };
        let options = klartext::Options {
            url: Some(field(&page, "url").to_string()),
            ..Default::default()
        };
        let article = klartext::extract(&page.html, &options).unwrap();
        assert_eq!(
            article.lead_image.as_deref(),
            Some(expected),
            "{}",
            page.name
        );
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} pages name a lead image");
}

#[test]
fn leak_rule() {
    let text = "First paragraph of the story.\n\nSettings\n\nplay_arrow\n00:00 / 03:12\n\nLast.";
    assert!(has_leaked(text, "Settings"));
    assert!(has_leaked(text, "00:00 / 03:12"));
    assert!(!has_leaked(text, "story"));
    assert!(has_leaked(text, "paragraph of the story"));
    assert!(!has_leaked(text, "Fullscreen"));
}
