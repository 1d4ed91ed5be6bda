//! The browser binding: one function, results as plain JS objects.
//!
//! Kept thin on purpose: everything it calls is tested natively.

use wasm_bindgen::prelude::*;

use crate::{extract as extract_article, Options};

/// Extracts the article from `html` (the page's serialised DOM), resolving URLs against `url`.
/// Throws an `Error` with a one-line message when the page can't be processed.
#[wasm_bindgen]
pub fn extract(html: &str, url: Option<String>) -> Result<JsValue, JsError> {
    let options = user_options(url, None, None)?;
    to_js(&extract_article(html, &options).map_err(js_error)?)
}

/// Finds the clutter in the page for cleaning it in place. Returns `{ removed }`, where each
/// removed block has `element` (its position in document order, counting from 1 for `<html>`:
/// the n-th element of `document.getElementsByTagName("*")` is element n), its `category`, the
/// `rule` that fired and a text `preview`. The page itself is not written: the extension hides
/// those elements in the live page (the CLI's `klartext clean` writes the page without them).
#[wasm_bindgen]
pub fn clean(html: &str, url: Option<String>) -> Result<JsValue, JsError> {
    clean_with(html, url, None, None)
}

/// One element of the page (`element`, counted as in `clean`'s removed blocks) written through
/// the article's tag and attribute allowlist: "show what was removed" puts a block back.
#[wasm_bindgen]
pub fn block_html(html: &str, url: Option<String>, element: u32) -> Result<String, JsError> {
    let options = user_options(url, None, None)?;
    crate::block_html(html, &options, element).map_err(js_error)
}

/// The core's version, for the extension's about box and bug reports.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The user's options from the extension: their rules text (lines that do not parse are left
/// out; the options page's editor reports them) and the names of the categories the user
/// switched off for the site (`keep`): every other category, and one the extension does not
/// know yet, is acted on. Without either, the defaults (the built-in rules, every category).
fn user_options(
    url: Option<String>,
    rules: Option<String>,
    keep: Option<Vec<String>>,
) -> Result<Options, JsError> {
    if rules.is_none() && keep.is_none() {
        return Ok(Options {
            url,
            ..Default::default()
        });
    }
    let (user_rules, _errors) = crate::rules::UserRules::parse(rules.as_deref().unwrap_or(""));
    let mut categories = crate::rules::Categories::ALL;
    for name in keep.unwrap_or_default() {
        let category = crate::rules::category_named(&name)
            .ok_or_else(|| JsError::new(&format!("unknown category {name:?}")))?;
        categories = categories.without(category);
    }
    Ok(Options {
        url,
        user_rules,
        categories,
    })
}

/// A page handed over in pieces (the reader view gets it in several messages): `new
/// Reading(url, rules, keep, size)` with the user's options (see `user_options`) and the
/// page's length in bytes if known (0 if not), `write(bytes)` for each piece of UTF-8 as it
/// arrives (a piece may end inside a character), then `extract()`, which gives what `extract`
/// gives on the whole page with those options and frees the reading. Each call throws an `Error`
/// with a one-line message when the page can't be processed; a reading that is not extracted
/// is freed with `free()`.
#[wasm_bindgen(js_name = Reading)]
pub struct PageReading(crate::Reading);

#[wasm_bindgen(js_class = Reading)]
impl PageReading {
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: Option<String>,
        rules: Option<String>,
        keep: Option<Vec<String>>,
        size: usize,
    ) -> Result<PageReading, JsError> {
        let options = user_options(url, rules, keep)?;
        crate::Reading::new(&options, size)
            .map(PageReading)
            .map_err(js_error)
    }

    pub fn write(&mut self, bytes: Vec<u8>) -> Result<(), JsError> {
        self.0.write_owned(bytes).map_err(js_error)
    }

    pub fn extract(self) -> Result<JsValue, JsError> {
        to_js(&self.0.extract().map_err(js_error)?)
    }
}

/// `clean` with the user's rules and categories (see `user_options`).
#[wasm_bindgen(js_name = cleanWith)]
pub fn clean_with(
    html: &str,
    url: Option<String>,
    rules: Option<String>,
    keep: Option<Vec<String>>,
) -> Result<JsValue, JsError> {
    /// What the extension gets of a page to clean in place.
    #[derive(serde::Serialize)]
    struct Clutter {
        removed: Vec<crate::Removed>,
    }
    let options = user_options(url, rules, keep)?;
    let removed = crate::find_clutter(html, &options).map_err(js_error)?;
    to_js(&Clutter { removed })
}

/// Checks a user's rules text for the options page's editor: `[{ line, message }]`, one entry
/// per line that cannot be used (empty when all parse).
#[wasm_bindgen(js_name = validateRules)]
pub fn validate_rules(text: &str) -> Result<JsValue, JsError> {
    let (_, errors) = crate::rules::UserRules::parse(text);
    let errors: Vec<serde_json::Value> = errors
        .into_iter()
        .map(|e| serde_json::json!({ "line": e.line, "message": e.message }))
        .collect();
    to_js(&errors)
}

/// An error of the core as the JS `Error` the binding throws, its message one line.
fn js_error(error: crate::Error) -> JsError {
    JsError::new(&error.to_string())
}

/// A result as plain JS objects and arrays (JSON-compatible: maps become objects).
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&e.to_string()))
}
