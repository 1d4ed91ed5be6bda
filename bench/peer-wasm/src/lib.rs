//! dom_smoothie (Readability's algorithm in Rust, on an html5ever tree) built for the browser,
//! so that `./build.sh bench` can time the Rust peer in Chromium the way it times Readability.js
//! and Klartext: the page's `outerHTML` into wasm, the parse, the article back. Bench only:
//! nothing shipped depends on it.
#![forbid(unsafe_code)]

use wasm_bindgen::prelude::wasm_bindgen;

/// The article's HTML, or an empty string when dom_smoothie finds none.
#[wasm_bindgen]
pub fn parse(html: &str, url: &str) -> String {
    dom_smoothie::Readability::new(html, Some(url), None)
        .and_then(|mut readability| readability.parse())
        .map(|article| article.content.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_an_article_and_returns_nothing_for_none() {
        let prose = "<p>A sentence of some length, with commas, that a reader would read, \
                     and it goes on long enough to count as prose in any article.</p>"
            .repeat(8);
        let html = format!("<html><body><nav>Home</nav><article>{prose}</article></body></html>");
        let article = super::parse(&html, "https://example.org/a");
        assert!(article.contains("reader would read"), "{article}");
        assert!(!article.contains("Home"), "{article}");
        assert_eq!(super::parse("", "https://example.org/a"), "");
    }
}
