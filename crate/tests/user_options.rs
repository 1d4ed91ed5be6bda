//! The user's options in the core: their own rules (merged with the built-in ones) and the
//! categories to act on, in both clean in place and the reader view.

use klartext::clutter::Category;
use klartext::rules::{Categories, UserRules};
use klartext::Options;

const URL: &str = "https://news.example.com/2026/bridge.html";

/// An article with a comment section and a site's own box inside it, and a script in the
/// comments that no reader view may ever show.
fn page() -> String {
    let para = |n: usize| {
        format!(
            "<p>Paragraph {n} of the report on the new bridge, which the city council opened on \
             Monday after three years of building, with long sentences, commas, and details.</p>"
        )
    };
    let paras: String = (1..=6).map(para).collect();
    format!(
        "<!doctype html><html><head><title>The bridge</title></head><body>\
         <article><h1>The bridge</h1>{paras}\
         <div class=\"sticky-box\"><p>Our own app: now with dark mode.</p></div>\
         <div id=\"comments\" class=\"comments\"><h3>Comments</h3>\
         <p>Reader Anna wrote that the bridge looks lovely at night, and she walks there daily.</p>\
         <script>steal()</script></div>\
         </article></body></html>"
    )
}

fn options(rules: &str, categories: Categories) -> Options {
    let (user_rules, errors) = UserRules::parse(rules);
    assert!(errors.is_empty(), "{errors:?}");
    Options {
        url: Some(URL.into()),
        user_rules,
        categories,
    }
}

#[test]
fn a_switched_off_category_stays_in_clean_in_place() {
    let html = page();
    let all = klartext::clean(&html, &options("", Categories::ALL)).unwrap();
    assert!(
        all.removed
            .iter()
            .any(|r| r.category == Some(Category::Comments)),
        "the comments go by default: {:?}",
        all.removed
    );
    assert!(!all.html.contains("Reader Anna"));

    let keep_comments = Categories::ALL.without(Category::Comments);
    let kept = klartext::clean(&html, &options("", keep_comments)).unwrap();
    assert!(kept
        .removed
        .iter()
        .all(|r| r.category != Some(Category::Comments)));
    assert!(kept.html.contains("Reader Anna"));
}

#[test]
fn a_switched_off_category_stays_in_the_reader_view_without_its_scripts() {
    let html = page();
    let all = klartext::extract(&html, &options("", Categories::ALL)).unwrap();
    assert!(all.text.contains("Paragraph 6"));
    assert!(!all.text.contains("Reader Anna"), "{}", all.text);

    let keep_comments = Categories::ALL.without(Category::Comments);
    let kept = klartext::extract(&html, &options("", keep_comments)).unwrap();
    assert!(kept.text.contains("Reader Anna"), "{}", kept.text);
    assert!(kept.text.contains("Paragraph 6"));
    assert!(!kept.html.contains("steal"), "{}", kept.html);
    assert!(!kept.html.contains("<script"), "{}", kept.html);
}

#[test]
fn a_users_site_rule_hides_its_element_on_that_site_only() {
    let html = page();
    let rules = "! picked on news.example.com\nnews.example.com##div.sticky-box";
    let cleaned = klartext::clean(&html, &options(rules, Categories::ALL)).unwrap();
    let hit = cleaned
        .removed
        .iter()
        .find(|r| r.category == Some(Category::User))
        .expect("the user's rule fired");
    assert_eq!(hit.rule, "news.example.com##div.sticky-box");
    assert!(hit.preview.contains("dark mode"));
    assert!(!cleaned.html.contains("dark mode"));

    let article = klartext::extract(&html, &options(rules, Categories::ALL)).unwrap();
    assert!(!article.text.contains("dark mode"), "{}", article.text);

    // Elsewhere the rule does not apply.
    let elsewhere = Options {
        url: Some("https://other.example.org/bridge.html".into()),
        ..options(rules, Categories::ALL)
    };
    let cleaned = klartext::clean(&html, &elsewhere).unwrap();
    assert!(cleaned.html.contains("dark mode"));
}

#[test]
fn the_users_rules_apply_whatever_the_categories() {
    let html = page();
    let none = Categories::from_names([]).unwrap();
    let cleaned = klartext::clean(&html, &options("##.sticky-box", none)).unwrap();
    let categories: Vec<_> = cleaned.removed.iter().map(|r| r.category).collect();
    assert_eq!(categories, [Some(Category::User)]);
}

#[test]
fn a_users_rule_hides_even_the_article_in_clean_in_place_but_not_in_the_reader_view() {
    let html = page();
    let rules = "news.example.com##article";
    let cleaned = klartext::clean(&html, &options(rules, Categories::ALL)).unwrap();
    let hit: Vec<_> = cleaned
        .removed
        .iter()
        .filter(|r| r.category == Some(Category::User))
        .collect();
    assert_eq!(hit.len(), 1, "{:?}", cleaned.removed);
    assert!(!cleaned.html.contains("Paragraph 1"));
    // The reader view's article is what is left of the page: it is not emptied by a rule.
    let article = klartext::extract(&html, &options(rules, Categories::ALL)).unwrap();
    assert!(article.text.contains("Paragraph 6"), "{}", article.text);
}
