//! The browser binding: one function, results as plain JS objects.
//!
//! Kept thin on purpose: everything it calls is tested natively.

use wasm_bindgen::prelude::*;

use crate::{extract as extract_article, Options};

/// Extracts the article from `html` (the page's serialised DOM), resolving URLs against `url`.
/// Throws an `Error` with a one-line message when the page can't be processed.
#[wasm_bindgen]
pub fn extract(html: &str, url: Option<String>) -> Result<JsValue, JsError> {
    let article =
        extract_article(html, &Options { url }).map_err(|e| JsError::new(&e.to_string()))?;
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&article, &serializer).map_err(|e| JsError::new(&e.to_string()))
}

/// `extract` for a page handed over as UTF-8 (the reader frame gets the page from the content
/// script already encoded): the bytes are copied into wasm memory as they are, with no second
/// encoding. Throws when they are not UTF-8.
#[wasm_bindgen(js_name = extractUtf8)]
pub fn extract_utf8(html: &[u8], url: Option<String>) -> Result<JsValue, JsError> {
    let html = std::str::from_utf8(html)
        .map_err(|e| JsError::new(&format!("the page is not UTF-8 ({e})")))?;
    extract(html, url)
}

/// Finds the clutter in the page for cleaning it in place. Returns `{ html, removed }`, where
/// each removed block has `element` (its position in document order, counting from 1 for
/// `<html>`: the n-th element of `document.getElementsByTagName("*")` is element n), its
/// `category`, the `rule` that fired and a text `preview`. `html` is the cleaned page.
#[wasm_bindgen]
pub fn clean(html: &str, url: Option<String>) -> Result<JsValue, JsError> {
    let cleaned = crate::clean(html, &Options { url }).map_err(|e| JsError::new(&e.to_string()))?;
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&cleaned, &serializer).map_err(|e| JsError::new(&e.to_string()))
}

/// One element of the page (`element`, counted as in `clean`'s removed blocks) written through
/// the article's tag and attribute allowlist: "show what was removed" puts a block back.
#[wasm_bindgen]
pub fn block_html(html: &str, url: Option<String>, element: u32) -> Result<String, JsError> {
    crate::block_html(html, &Options { url }, element).map_err(|e| JsError::new(&e.to_string()))
}

/// The core's version, for the extension's about box and bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
