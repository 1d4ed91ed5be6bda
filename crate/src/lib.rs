//! Klartext's core: finds the article in a page's HTML and drops the clutter around it.
//!
//! The page is streamed through `lol_html` twice. The first pass ([`scan`]) builds a compact
//! element tree with the statistics the scorer needs and collects metadata; [`score`] picks the
//! article root and its siblings and decides, per element, whether it is kept, unwrapped or
//! dropped; the second pass ([`emit`]) writes the article as clean HTML and plain text.
#![forbid(unsafe_code)]

mod error;
pub use error::Error;

#[cfg(not(target_arch = "wasm32"))]
pub mod decode;
pub mod metadata;

#[cfg(target_arch = "wasm32")]
mod wasm;

use serde::Serialize;

/// Options for one extraction.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The page's URL: relative links and images are resolved against it (and `<base href>`).
    pub url: Option<String>,
}

/// The article found in a page, with its metadata.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Article {
    pub title: Option<String>,
    pub byline: Option<String>,
    /// ISO 8601, as the page gives it.
    pub published_time: Option<String>,
    pub site_name: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub excerpt: Option<String>,
    /// Whether the page looks like an article worth a reader view.
    pub readerable: bool,
    /// The article as clean, allowlisted HTML with absolute URLs.
    pub html: String,
    /// The article as plain text: blocks separated by a blank line.
    pub text: String,
}
