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
