//! Klartext's core: finds the article in a page's HTML and drops the clutter around it.
//!
//! The page is streamed through `lol_html` once, a chunk at a time as it arrives if need be
//! ([`Reading`]), which notes where its tokens are ([`scan`]). Pass 1 replays them over the page
//! and builds a compact element tree with the statistics the scorer needs and the metadata;
//! [`score`] picks the article root and its siblings and decides, per element, whether it is
//! kept, unwrapped or dropped; pass 2 ([`emit`]) replays the tokens over the article's bytes
//! only and writes it as clean HTML and plain text.
#![forbid(unsafe_code)]

mod error;
pub use error::Error;

#[cfg(not(target_arch = "wasm32"))]
pub mod decode;
pub mod metadata;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use declutter::Removed;
use serde::Serialize;

/// Options for one extraction.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The page's URL: relative links and images are resolved against it (and `<base href>`).
    pub url: Option<String>,
    /// The user's own rules ([`rules::UserRules::parse`]), matched with the built-in ones.
    pub user_rules: rules::UserRules,
    /// The clutter categories to act on (all by default). A category switched off is kept by
    /// `clean` and left in the article by `extract`, but for what a reader view never shows
    /// (scripts, styles, forms).
    pub categories: rules::Categories,
}

/// The article found in a page, with its metadata.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Article {
    pub title: Option<String>,
    pub byline: Option<String>,
    /// ISO 8601, as the page gives it.
    pub published_time: Option<String>,
    pub site_name: Option<String>,
    /// The short topic line over the headline ("Treffen der Machthaber").
    pub kicker: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub excerpt: Option<String>,
    /// The article's lead image (OpenGraph, Twitter, JSON-LD or microdata), an absolute
    /// http(s) URL.
    pub lead_image: Option<String>,
    /// Whether the page looks like an article worth a reader view.
    pub readerable: bool,
    /// The article as clean, allowlisted HTML with absolute URLs.
    pub html: String,
    /// The article as plain text: blocks separated by a blank line.
    pub text: String,
    /// The blocks taken out of the article, with why: "show what was removed".
    pub removed: Vec<Removed>,
}

/// A page cleaned in place.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Cleaned {
    /// The page without its clutter.
    pub html: String,
    /// What was taken out, in document order.
    pub removed: Vec<Removed>,
}

mod aggregate;
mod clean;
pub mod clutter;
mod declutter;
mod emit;
mod markup;
mod namespace;
mod page_clutter;
mod patterns;
mod readerable;
mod resolve;
pub mod rules;
mod scan;
mod score;
mod tag;
#[cfg(test)]
mod testing;
mod text;
mod token;
mod tree;

/// Readability's `charThreshold`: an extraction with less text than this is retried with the
/// next, more lenient mode.
const MIN_ARTICLE_CHARS: u32 = 500;

/// Hidden elements are read only when that yields this many times the visible text: a page
/// whose content is hidden until a script runs, not a page with a hidden teaser.
const HIDDEN_GAIN: u32 = 3;

/// A page read as it arrives, a chunk of UTF-8 at a time: lol_html tokenizes each chunk as it
/// comes, the rest of the work is done once the page is all there ([`Reading::extract`]).
///
/// The extension hands a page over to its reader view in several messages; the core reads the
/// first while the others are on their way. The result is [`extract`]'s on the whole page.
pub struct Reading {
    with: ReadWith,
    recorder: scan::Recorder,
    bytes: Vec<u8>,
}

impl Reading {
    /// Starts reading a page with `options`; `size`: its length in bytes, if known (0 if not),
    /// for the buffers' capacity. Fails on an invalid URL.
    pub fn new(options: &Options, size: usize) -> Result<Reading, Error> {
        let with = ReadWith::new(options)?;
        Ok(Reading {
            recorder: with.recorder(size),
            with,
            bytes: Vec::with_capacity(size),
        })
    }

    /// The next chunk of the page. A chunk may end anywhere, inside a tag or a character.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(chunk);
        // lol_html reads the copy kept for the rest of the work, still in the cache.
        self.recorder.write(&self.bytes[start..])
    }

    /// [`Reading::write`] for a chunk the caller gives away: the page's first chunk is kept as
    /// it is, not copied (the wasm binding gets each chunk in a buffer of its own; a page
    /// handed over in one part is then in memory once).
    pub fn write_owned(&mut self, chunk: Vec<u8>) -> Result<(), Error> {
        if !self.bytes.is_empty() {
            return self.write(&chunk);
        }
        self.bytes = chunk;
        self.recorder.write(&self.bytes)
    }

    /// The article in the page written so far, as [`extract`] finds it. Fails as `extract`
    /// does, and when the page is not UTF-8.
    pub fn extract(self) -> Result<Article, Error> {
        let Reading {
            with,
            recorder,
            bytes,
        } = self;
        let html = std::str::from_utf8(&bytes).map_err(|e| Error::NotUtf8(e.to_string()))?;
        if html.trim().is_empty() {
            return Err(Error::Empty);
        }
        article(Page::read(html, with, recorder.end()?))
    }
}

/// What a page is read with: its URL, the rules, the categories to act on.
struct ReadWith {
    page_url: Option<resolve::Url>,
    host: Option<String>,
    rules: rules::RuleBook,
    categories: rules::Categories,
}

impl ReadWith {
    /// Fails on an invalid URL.
    fn new(options: &Options) -> Result<ReadWith, Error> {
        let page_url = match options.url.as_deref() {
            Some(u) => {
                Some(resolve::Url::parse(u).map_err(|e| Error::Url(u.to_string(), e.to_string()))?)
            }
            None => None,
        };
        Ok(ReadWith {
            host: page_url.as_ref().and_then(resolve::Url::host),
            page_url,
            rules: rules::RuleBook::new(options.user_rules.clone()),
            categories: options.categories,
        })
    }

    /// lol_html for a page of `size` bytes (if known), matching the rules the core does not.
    fn recorder(&self, size: usize) -> scan::Recorder {
        scan::Recorder::new(
            tree::lol_html_rules(self.host.as_deref(), &self.rules),
            size,
        )
    }
}

/// A page scanned once (pass 1): its tree and metadata, for every entry point.
struct Page<'h> {
    html: &'h str,
    page_url: Option<resolve::Url>,
    tree: tree::Tree,
    meta: metadata::Metadata,
    /// The byline element, taken out of the text.
    byline: Option<u32>,
    categories: rules::Categories,
}

impl<'h> Page<'h> {
    fn scan(html: &'h str, options: &Options) -> Result<Page<'h>, Error> {
        if html.trim().is_empty() {
            return Err(Error::Empty);
        }
        let with = ReadWith::new(options)?;
        let mut recorder = with.recorder(html.len());
        recorder.write(html.as_bytes())?;
        Ok(Page::read(html, with, recorder.end()?))
    }

    /// Pass 1 over `html`, read `with` that, where lol_html reported `recorded`.
    fn read(html: &'h str, with: ReadWith, recorded: scan::Recorded) -> Page<'h> {
        let tree = tree::build_recorded(html, with.host.as_deref(), &with.rules, recorded);
        let (meta, byline) = resolve_metadata(&tree);
        Page {
            html,
            page_url: with.page_url,
            tree,
            meta,
            byline,
            categories: with.categories,
        }
    }

    fn facts(&self) -> clean::PageFacts<'_> {
        clean::PageFacts {
            title: self.meta.title.as_deref(),
            byline: self.byline,
            site_name: self.meta.site_name.as_deref(),
            html: self.html,
            categories: self.categories,
        }
    }
}

/// Finds the article in `html` and returns it with its metadata.
pub fn extract(html: &str, options: &Options) -> Result<Article, Error> {
    article(Page::scan(html, options)?)
}

/// The article of a page scanned ([`Page`]).
fn article(page: Page<'_>) -> Result<Article, Error> {
    let html = page.html;
    let tree = &page.tree;
    let base = base_url(page.page_url.as_ref(), tree.base_href.as_deref());
    let facts = page.facts();

    let mut best: Option<clean::Plan> = None;
    // Modes that exclude the same elements share one aggregation.
    let mut cached: Option<(score::Mode, Vec<bool>, Vec<aggregate::Agg>)> = None;
    for mode in score::Mode::ALL {
        let same = |m: &score::Mode| {
            m.strip_unlikely == mode.strip_unlikely && m.drop_hidden == mode.drop_hidden
        };
        if !cached.as_ref().is_some_and(|(m, _, _)| same(m)) {
            let excluded = aggregate::excluded(tree, mode);
            let agg = aggregate::aggregate(tree, &excluded);
            cached = Some((mode, excluded, agg));
        }
        let (_, excluded, agg) = cached.as_ref().expect("computed above");
        let selection = score::select(tree, agg, excluded, mode);
        let plan = clean::plan(tree, agg, excluded, &selection, mode, &facts);
        let enough = plan.text_chars >= MIN_ARTICLE_CHARS;
        let better = match &best {
            None => true,
            Some(b) if mode.drop_hidden => plan.text_chars > b.text_chars,
            // Hidden content counts only where it is most of the page's text.
            Some(b) => enough && plan.text_chars >= HIDDEN_GAIN * b.text_chars,
        };
        if better {
            best = Some(plan);
        }
        if enough {
            break;
        }
    }
    let readerable = {
        let excluded = aggregate::excluded(tree, score::Mode::ALL[1]);
        readerable::is_readerable(tree, &aggregate::aggregate(tree, &excluded))
    };
    let plan = best.expect("at least one mode ran");
    let (output, removed) = emit::emit(html, tree, &plan, base.as_ref())?;

    let excerpt = page.meta.excerpt.clone().or_else(|| {
        output
            .first_paragraph
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
    });

    Ok(Article {
        title: page.meta.title,
        byline: page.meta.byline,
        published_time: page.meta.published_time,
        site_name: page.meta.site_name,
        kicker: output
            .kicker
            .as_deref()
            .map(text::collapse)
            .filter(|k| !k.is_empty()),

        lang: page.meta.lang,
        dir: article_dir(tree, plan.root),
        excerpt,
        lead_image: page
            .meta
            .lead_image
            .as_deref()
            .and_then(|image| metadata::absolute_http_url(image, base.as_ref())),
        readerable,
        html: output.html,
        text: output.text,
        removed,
    })
}

/// Cleans `html` in place: the page with the clutter around and inside its article taken
/// out (comments, video chrome, promotions, social, newsletter, cookie consent, ads), its
/// layout and navigation kept.
pub fn clean(html: &str, options: &Options) -> Result<Cleaned, Error> {
    let page = Page::scan(html, options)?;
    let targets = clutter_targets(&page);
    let (html, removed) = declutter::remove(html, &targets)?;
    Ok(Cleaned { html, removed })
}

/// What [`clean`] takes out of the page, without writing the page: for the extension, which
/// hides those elements in the live page (one lol_html pass instead of two, and no page-sized
/// string back to JS).
pub fn find_clutter(html: &str, options: &Options) -> Result<Vec<Removed>, Error> {
    let page = Page::scan(html, options)?;
    let targets = clutter_targets(&page);
    Ok(declutter::find(html, &page.tree, &targets))
}

/// The outermost clutter elements of the page, in document order.
fn clutter_targets(page: &Page<'_>) -> Vec<clean::Removal> {
    let html = page.html;
    let tree = &page.tree;
    let mode = score::Mode::ALL[0];
    let excluded = aggregate::excluded(tree, mode);
    let agg = aggregate::aggregate(tree, &excluded);
    let selection = score::select(tree, &agg, &excluded, mode);
    // The clutter anywhere on the page, and the clutter the reader view finds inside the
    // article (a teaser list between paragraphs), outermost first.
    let facts = page.facts();
    let plan = clean::plan(tree, &agg, &excluded, &selection, mode, &facts);
    let mut targets = page_clutter::find(tree, &agg, &selection, html, page.categories);
    targets.extend(plan.removed.into_iter().filter(|r| {
        r.category
            .is_some_and(|c| c != clutter::Category::Navigation)
    }));
    targets.sort_by_key(|r| r.node);
    let mut outermost: Vec<clean::Removal> = Vec::with_capacity(targets.len());
    for target in targets {
        let inside = outermost
            .last()
            .is_some_and(|o| target.node <= agg[o.node as usize].last);
        if !inside {
            outermost.push(target);
        }
    }
    outermost
}

/// One block of the page (`element`: its position in document order, counting from 1 for
/// `<html>`, as in [`Removed::element`]) written as the article is: through the same tag and
/// attribute allowlist, with absolute URLs. "Show what was removed" in the reader view puts a
/// removed block back with it.
pub fn block_html(html: &str, options: &Options, element: u32) -> Result<String, Error> {
    let page = Page::scan(html, options)?;
    let base = base_url(page.page_url.as_ref(), page.tree.base_href.as_deref());
    let plan = declutter::block_plan(&page.tree, element)?;
    let (output, _) = emit::emit(html, &page.tree, &plan, base.as_ref())?;
    Ok(output.html)
}

/// The URL relative links resolve against: the page's, joined with `<base href>`.
fn base_url(page_url: Option<&resolve::Url>, base_href: Option<&str>) -> Option<resolve::Url> {
    match (page_url, base_href) {
        (Some(url), Some(href)) => url.join(href.trim()).or(Some(url.clone())),
        (None, Some(href)) => resolve::Url::parse(href.trim()).ok(),
        (url, None) => url.cloned(),
    }
}

/// The text direction of the article: the `dir` of its root's parent, the root, or the
/// nearest ancestor that has one (as Readability).
fn article_dir(tree: &tree::Tree, root: u32) -> Option<String> {
    // `dirs` is in document order, so by node index.
    let dir_of = |node: u32| {
        let found = tree.dirs.binary_search_by_key(&node, |(n, _)| *n).ok();
        found.map(|i| tree.dirs[i].1.clone())
    };
    let parent = tree.nodes[root as usize].parent;
    if parent == tree::NO_PARENT {
        return dir_of(root);
    }
    std::iter::once(parent)
        .chain(std::iter::once(root))
        .chain(std::iter::successors(
            Some(tree.nodes[parent as usize].parent).filter(|&p| p != tree::NO_PARENT),
            |&n| Some(tree.nodes[n as usize].parent).filter(|&p| p != tree::NO_PARENT),
        ))
        .find_map(dir_of)
        .filter(|d| !d.is_empty())
}

/// Resolves the page's metadata. The byline element is the first one in document order that
/// survives the removal of unlikely containers and has a plausible length (Readability's
/// `_checkByline`); its index is returned so the cleaner can take it out of the text.
fn resolve_metadata(tree: &tree::Tree) -> (metadata::Metadata, Option<u32>) {
    let excluded = aggregate::excluded(tree, score::Mode::ALL[0]);
    let byline = tree.bylines.iter().find(|b| {
        let length = b.text.encode_utf16().count();
        !excluded[b.node as usize] && length > 0 && length < 100
    });
    let mut raw = tree.meta.clone();
    raw.byline_candidates = byline.iter().map(|b| b.text.clone()).collect();
    (metadata::resolve(&raw, None), byline.map(|b| b.node))
}

/// A developer's view of the decisions on a page: the chosen root and members, and every
/// removal inside them, each with the byte offset of its start tag in `html`.
#[doc(hidden)]
pub fn explain(html: &str) -> Result<String, Error> {
    use std::fmt::Write;
    let page = Page::scan(html, &Options::default())?;
    let (tree, facts) = (&page.tree, page.facts());
    let mut out = String::new();
    for mode in score::Mode::ALL {
        let excluded = aggregate::excluded(tree, mode);
        let agg = aggregate::aggregate(tree, &excluded);
        let selection = score::select(tree, &agg, &excluded, mode);
        let plan = clean::plan(tree, &agg, &excluded, &selection, mode, &facts);
        let describe = |i: u32| {
            let n = &tree.nodes[i as usize];
            let start = n.key as usize;
            let tag_end = html[start..]
                .find('>')
                .map_or(html.len(), |e| start + e + 1)
                .min(start + 160);
            format!(
                "#{i} (in #{}) @{} score {:.1} text {} {}",
                n.parent,
                n.key,
                selection.scores[i as usize],
                agg[i as usize].text,
                &html[start..tag_end]
            )
        };
        let _ = writeln!(out, "{mode:?}: {} chars", plan.text_chars);
        if let Some(dump) = std::env::var("KLARTEXT_DUMP")
            .ok()
            .and_then(|d| d.parse::<u32>().ok())
        {
            for i in dump..=agg[dump as usize].last {
                let n = &tree.nodes[i as usize];
                let _ = writeln!(
                    out,
                    "    {:?} inline {} commas {} flags {:b} {}",
                    n.tag,
                    n.inline_text,
                    n.inline_commas,
                    n.flags,
                    describe(i)
                );
            }
        }
        let mut ranked: Vec<u32> = (0..tree.nodes.len() as u32)
            .filter(|&i| selection.scores[i as usize] != 0.0)
            .collect();
        ranked.sort_by(|a, b| {
            selection.scores[*b as usize].total_cmp(&selection.scores[*a as usize])
        });
        for &c in ranked.iter().take(6) {
            let _ = writeln!(out, "  candidate {}", describe(c));
        }
        let _ = writeln!(out, "  root {}", describe(selection.root));
        for &m in &selection.members {
            let _ = writeln!(out, "  member {}", describe(m));
        }
        for r in &plan.removed {
            let _ = writeln!(
                out,
                "  removed {:?} {} {}",
                r.category,
                r.rule,
                describe(r.node)
            );
        }
        if plan.text_chars >= MIN_ARTICLE_CHARS {
            break;
        }
    }
    Ok(out)
}
