//! Article metadata: title, byline, dates, site name, language and excerpt.
//!
//! The scan collects raw material ([`RawMeta`]) while it streams the page; [`resolve`] turns it
//! into [`Metadata`], preferring structured sources (JSON-LD, OpenGraph, Dublin Core, Twitter,
//! plain meta tags) over the document itself.

/// What the scan collected from the page, entities already decoded, whitespace collapsed.
#[derive(Debug, Clone, Default)]
pub struct RawMeta {
    /// Text of the first `<title>`.
    pub title: Option<String>,
    /// `lang` and `dir` of the `<html>` element.
    pub lang: Option<String>,
    pub dir: Option<String>,
    /// `<meta>` tags as (key, content): the key is the lowercased `property`, `name` or
    /// `itemprop` attribute (all that are present, one pair each), e.g. `og:title`,
    /// `article:published_time`, `dc.title`, `twitter:title`, `description`, `author`.
    pub metas: Vec<(String, String)>,
    /// Raw text of each `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
    /// Text of the page's `<h1>` and `<h2>` headings, in document order (at most a few dozen).
    pub headings: Vec<(u8, String)>,
    /// Text of elements that look like bylines: `rel="author"`, `itemprop~="author"`, or a
    /// class/id matching `byline|author|dateline|writtenby|p-author` (first few, document order).
    pub byline_candidates: Vec<String>,
    /// `datetime` attributes of `<time>` elements (first few, document order).
    pub times: Vec<String>,
}

/// The resolved metadata of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published_time: Option<String>,
    pub site_name: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub excerpt: Option<String>,
    pub lead_image: Option<String>,
}

/// Resolves the raw material into metadata. `first_paragraph` is the first paragraph of the
/// extracted article: the excerpt falls back to it when the page gives no description.
pub fn resolve(raw: &RawMeta, first_paragraph: Option<&str>) -> Metadata {
    let _ = (raw, first_paragraph);
    Metadata::default()
}
