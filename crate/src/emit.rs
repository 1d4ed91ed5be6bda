//! Pass 2: writes the article as clean HTML and plain text.
//!
//! The scanner replays the same element stream as pass 1, so the n-th element opened here is
//! node n of the tree and its [`Action`] is looked up by position. Output is built from the
//! decoded tokens rather than copied from the source: tags come from an allowlist, attributes
//! from a per-tag allowlist with URLs resolved and their schemes checked after decoding, text
//! is decoded and re-escaped, and every element is closed, so the result is well-formed.

use crate::resolve::{ParseError, Url};
use lol_html::html_content::Element;

use crate::clean::{Action, Plan};
use crate::declutter::{Previews, Removed};
use crate::scan::{named, replay, source_attributes, tag_name_at, Context, Sink};
use crate::tag::Tag;
use crate::text;
use crate::tree::{flag, Tree};

/// The article written out.
#[derive(Debug, Default)]
pub struct Output {
    pub html: String,
    pub text: String,
    /// Text of the first paragraph as in the page (Readability's excerpt fallback).
    pub first_paragraph: Option<String>,
    /// The kicker's text, as in the page.
    pub kicker: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Frame {
    Outside,
    Dropped,
    /// Written with this tag name.
    Written(&'static str),
    /// Its content is written, its tags are not.
    Unwrapped,
    /// Not written; its text is the kicker.
    Kicker,
    /// A `<noscript>` inside the article: its raw markup is read for a fallback image.
    Noscript,
}

/// A `<noscript>`'s markup read at most this far for its image: a fallback is one tag.
const NOSCRIPT_MAX: usize = 16 * 1024;

/// The tag an element is written as, or `None` to unwrap it.
fn output_tag(tag: Tag) -> Option<&'static str> {
    use Tag::*;
    Some(match tag {
        H1 => "h2",
        Strike => "s",
        Tt => "code",
        P | H2 | H3 | H4 | H5 | H6 | Ul | Ol | Li | Dl | Dt | Dd | Blockquote | Pre | Code
        | Figure | Figcaption | Img | Table | Thead | Tbody | Tfoot | Tr | Td | Th | Caption
        | A | Em | Strong | B | I | U | S | Del | Ins | Sub | Sup | Br | Hr | Small | Mark | Q
        | Cite | Abbr | Time | Kbd | Samp | Var | Details | Summary | Math => tag.name(),
        Div | Section | Article | Main | Header | Center | Address | Hgroup | Other | Form
        | Fieldset | Legend | Menu | Dir => "div",
        _ => return None,
    })
}

/// MathML elements kept as they are inside `<math>`: browsers render them natively.
const MATHML: &[&str] = &[
    "mi",
    "mo",
    "mn",
    "ms",
    "mtext",
    "mrow",
    "msup",
    "msub",
    "msubsup",
    "mfrac",
    "msqrt",
    "mroot",
    "mover",
    "munder",
    "munderover",
    "mtable",
    "mtr",
    "mtd",
    "mspace",
    "mpadded",
    "mphantom",
    "menclose",
    "semantics",
    "annotation",
    "mstyle",
    "merror",
    "mmultiscripts",
    "mprescripts",
    "none",
];

fn is_void(name: &str) -> bool {
    matches!(name, "img" | "br" | "hr")
}

struct Emitter<'a> {
    /// The page, which attribute values are read from.
    html: &'a str,
    tree: &'a Tree,
    actions: &'a [Action],
    /// Text previews of the blocks the plan removed.
    previews: Previews<'a>,
    base: Option<&'a Url>,
    /// Index of the next node to open: node 0 is the document itself.
    next: usize,
    /// In a pass over the article's byte range: the nodes open at its start, outermost first,
    /// which the scanner opens first, and how many of them it has opened.
    ancestors: Vec<u32>,
    ancestors_opened: usize,
    /// Whether an element opened with another key or parent than in pass 1: a pass over a
    /// range did not see what pass 1 saw, and its output is not used.
    diverged: bool,
    /// What was done with each open element, its tag and its node.
    frames: Vec<(Frame, Tag, u32)>,
    pre_depth: u32,
    math_depth: u32,
    out: Output,
    /// The text block being collected.
    block: String,
    /// The first paragraph's text as it is in the page, while it is open: its depth in
    /// `frames` and the text so far.
    first_paragraph: Option<(usize, String)>,
    last_was_space: bool,
    /// The last `<img>` written: where its tag starts and ends in the HTML, and whether it had a
    /// source. A `<noscript>` right after a placeholder image replaces it.
    last_image: Option<(usize, usize, bool)>,
    /// The markup of the open `<noscript>`, and the images in it where the parser gave them
    /// as elements.
    noscript: String,
    noscript_images: Vec<String>,
    /// The first `<source>` srcset of the open `<picture>`, resolved: the image of a picture
    /// whose `<img>` is only a placeholder.
    picture_srcset: Option<String>,
    /// The attributes of the element being opened (kept for its allocation).
    attributes: Vec<(&'a str, &'a str)>,
}

impl Emitter<'_> {
    /// A `<noscript>`'s image, where the page shows it to readers without scripts: in place
    /// of the placeholder image just before it (lazy loaders put one there), or on its own
    /// when there is none. After an image with a source it would be a duplicate.
    fn noscript_image(&mut self) {
        let markup = std::mem::take(&mut self.noscript);
        let mut images = std::mem::take(&mut self.noscript_images);
        noscript_images(&markup, self.base, &mut images);
        // One image is a fallback; several are a gallery the script builds, or markup to skip.
        let [image] = images.as_slice() else {
            return;
        };
        let image = image.clone();
        match self.last_image {
            Some((start, end, has_source)) if self.out.html[end..].trim().is_empty() => {
                if !has_source {
                    self.out.html.replace_range(start..end, &image);
                    self.last_image = Some((start, start + image.len(), true));
                }
            }
            _ => {
                let start = self.out.html.len();
                self.out.html.push_str(&image);
                self.last_image = Some((start, self.out.html.len(), true));
            }
        }
    }

    fn flush_block(&mut self) {
        let block = if self.pre_depth > 0 {
            self.block.trim_matches('\n').to_string()
        } else {
            self.block.trim().to_string()
        };
        self.block.clear();
        self.last_was_space = true;
        if block.is_empty() {
            return;
        }
        if !self.out.text.is_empty() {
            self.out.text.push_str("\n\n");
        }
        self.out.text.push_str(&block);
    }

    /// Writes the allowed attributes of an element, read by `get` (values as in the page).
    fn write_attributes<'h>(&mut self, tag: Tag, get: impl Fn(&str) -> Option<&'h str>) {
        let html = &mut self.out.html;
        let mut put = |name: &str, value: &str| {
            html.push(' ');
            html.push_str(name);
            html.push_str("=\"");
            html.push_str(&htmlize::escape_attribute(value));
            html.push('"');
        };
        for name in ["lang", "dir"] {
            if let Some(v) = get(name) {
                let v = text::decode_attribute(v);
                if name == "lang"
                    || matches!(
                        v.trim().to_ascii_lowercase().as_str(),
                        "ltr" | "rtl" | "auto"
                    )
                {
                    put(name, v.trim());
                }
            }
        }
        let plain: &[&str] = match tag {
            Tag::A => &["title"],
            Tag::Img => &["alt", "title", "width", "height"],
            Tag::Td | Tag::Th => &["colspan", "rowspan", "headers", "scope"],
            Tag::Ol => &["start", "reversed", "type"],
            Tag::Li => &["value"],
            Tag::Time | Tag::Del | Tag::Ins => &["datetime"],
            Tag::Abbr => &["title"],
            _ => &[],
        };
        for name in plain {
            if let Some(v) = get(name) {
                put(name, &text::decode_attribute(v));
            }
        }
        match tag {
            Tag::A => {
                if let Some(href) = get("href").and_then(|h| resolve(self.base, h, false)) {
                    put("href", &href);
                }
            }
            Tag::Img => {
                let src = image_source(&get).and_then(|s| resolve(self.base, s, true));
                let srcset = get("srcset")
                    .or_else(|| get("data-srcset"))
                    .and_then(|s| resolve_srcset(self.base, s));
                let sources = self.picture_srcset.take();
                match (src, srcset, sources) {
                    // A lazy picture: its sources carry the image, its <img> a placeholder.
                    (None, None, Some(sources)) => {
                        let first = sources
                            .split(',')
                            .next()
                            .and_then(|c| c.split_whitespace().next());
                        if let Some(first) = first {
                            put("src", first);
                        }
                        put("srcset", &sources);
                    }
                    (src, srcset, _) => {
                        if let Some(src) = src {
                            put("src", &src);
                        }
                        if let Some(srcset) = srcset {
                            put("srcset", &srcset);
                        }
                    }
                }
            }
            Tag::Blockquote | Tag::Q => {
                if let Some(cite) = get("cite").and_then(|c| resolve(self.base, c, false)) {
                    put("cite", &cite);
                }
            }
            _ => {}
        }
    }
}

/// An image as the reader writes it (alt, title, size, an http(s) or data: source, srcset),
/// or `None` when it has no source.
fn image_tag<'h>(get: impl Fn(&str) -> Option<&'h str>, base: Option<&Url>) -> Option<String> {
    let mut tag = String::from("<img");
    let mut put = |name: &str, value: &str| {
        tag.push(' ');
        tag.push_str(name);
        tag.push_str("=\"");
        tag.push_str(&htmlize::escape_attribute(value));
        tag.push('"');
    };
    for name in ["alt", "title", "width", "height"] {
        if let Some(v) = get(name) {
            put(name, &text::decode_attribute(v));
        }
    }
    let src = image_source(&get).and_then(|s| resolve(base, s, true));
    let srcset = get("srcset").and_then(|s| resolve_srcset(base, s));
    if src.is_none() && srcset.is_none() {
        return None;
    }
    if let Some(src) = src {
        put("src", &src);
    }
    if let Some(srcset) = srcset {
        put("srcset", &srcset);
    }
    tag.push('>');
    Some(tag)
}

/// The images in a `<noscript>`'s markup, where the parser hands it over as text.
fn noscript_images(markup: &str, base: Option<&Url>, images: &mut Vec<String>) {
    let settings = lol_html::Settings::new()
        .with_strict(false)
        .append_element_content_handler(lol_html::element!("img", |el| {
            let key = el.source_location().bytes().start as u32;
            images.extend(image_tag(
                |name| named(source_attributes(markup, key), name),
                base,
            ));
            Ok(())
        }));
    let mut rewriter = lol_html::HtmlRewriter::new(settings, crate::scan::Output(None));
    if rewriter.write(markup.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
}

/// The real source of a lazily loaded image: `src` unless it is missing or a placeholder.
fn image_source<'h>(get: &impl Fn(&str) -> Option<&'h str>) -> Option<&'h str> {
    let src = get("src").filter(|s| {
        let s = s.trim();
        // Tiny data: URLs are the placeholders lazy loaders put in `src`.
        !(s.is_empty() || s.starts_with("data:") && s.len() < 200)
    });
    src.or_else(|| {
        [
            "data-src",
            "data-lazy-src",
            "data-original",
            "data-url",
            "data-lazyload",
            "data-hi-res-src",
        ]
        .iter()
        .find_map(|name| get(name).filter(|v| !v.trim().is_empty()))
    })
}

/// Resolves a URL attribute (raw, as in the source) against the base and keeps it only if its
/// scheme is safe to follow: http(s) and mailto, and for images data: images.
fn resolve(base: Option<&Url>, raw: &str, image: bool) -> Option<String> {
    let value = text::decode_attribute(raw);
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.starts_with('#') {
        return Some(value.to_string());
    }
    if let Some(path) = crate::resolve::plain_data_url(value) {
        return is_safe_data_image(path, image).then(|| format!("data:{path}"));
    }
    let url = match Url::parse(value) {
        Ok(url) => url,
        Err(ParseError::RelativeWithoutBase) => match base {
            Some(base) => base.join(value)?,
            // Without a base a relative URL stays relative: it has no scheme to abuse.
            None => return Some(value.to_string()),
        },
        Err(_) => return None,
    };
    let safe = match url.scheme() {
        "http" | "https" => true,
        "mailto" => !image,
        "data" => is_safe_data_image(url.path(), image),
        _ => false,
    };
    safe.then(|| url.as_str().to_owned())
}

/// A `data:` URL (its path given) is kept only as an image, and not as SVG, which can hold
/// script.
fn is_safe_data_image(path: &str, image: bool) -> bool {
    image && path.starts_with("image/") && !path.starts_with("image/svg")
}

fn resolve_srcset(base: Option<&Url>, raw: &str) -> Option<String> {
    let decoded = text::decode_attribute(raw);
    let parts: Vec<String> = decoded
        .split(',')
        .filter_map(|candidate| {
            let mut words = candidate.split_whitespace();
            let url = resolve(base, words.next()?, true)?;
            let descriptor: Vec<&str> = words.collect();
            // A browser drops a candidate with a descriptor it cannot read: so does the core,
            // rather than copy the page's text into the attribute.
            if !descriptor.iter().all(|d| is_srcset_descriptor(d)) {
                return None;
            }
            Some(if descriptor.is_empty() {
                url
            } else {
                format!("{url} {}", descriptor.join(" "))
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// `300w`, `1.5x` or `200h`: a width, density or height descriptor of a `srcset` candidate.
fn is_srcset_descriptor(d: &str) -> bool {
    d.strip_suffix(['w', 'x', 'h']).is_some_and(|n| {
        n.bytes().any(|b| b.is_ascii_digit()) && n.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    })
}

impl Emitter<'_> {
    /// Opens element `tag` (its start tag at byte `key`, with `attributes`).
    fn open_element(&mut self, tag: Tag, key: u32, attributes: &[(&str, &str)]) {
        let get = |name: &str| named(attributes.iter().copied(), name);
        let index = match self.ancestors.get(self.ancestors_opened) {
            Some(&ancestor) => {
                self.ancestors_opened += 1;
                ancestor as usize
            }
            None => {
                self.next += 1;
                self.next - 1
            }
        };
        self.previews.open(index as u32);
        let parent_node = self.frames.last().map_or(0, |f| f.2);
        if self
            .tree
            .nodes
            .get(index)
            .is_none_or(|n| n.key != key || n.parent != parent_node)
        {
            self.diverged = true;
        }
        let parent = self.frames.last().map_or(Frame::Outside, |f| f.0);
        if tag == Tag::Picture {
            self.picture_srcset = None;
        } else if tag == Tag::Source
            && self.picture_srcset.is_none()
            && matches!(self.frames.last(), Some((_, Tag::Picture, _)))
        {
            self.picture_srcset = get("srcset")
                .or_else(|| get("data-srcset"))
                .and_then(|s| resolve_srcset(self.base, s));
        }
        let frame = if matches!(parent, Frame::Dropped | Frame::Kicker | Frame::Noscript) {
            if parent == Frame::Noscript && tag == Tag::Img && self.noscript_images.len() < 2 {
                self.noscript_images.extend(image_tag(get, self.base));
            }
            parent
        } else if tag == Tag::Noscript && matches!(parent, Frame::Written(_) | Frame::Unwrapped) {
            self.noscript.clear();
            self.noscript_images.clear();
            Frame::Noscript
        } else {
            match self.actions.get(index).copied().unwrap_or(Action::Outside) {
                Action::Outside => Frame::Outside,
                Action::Drop => Frame::Dropped,
                Action::Kicker => Frame::Kicker,
                // A layout cell of inline content is a paragraph, as a div of it is.
                Action::Unwrap
                    if matches!(tag, Tag::Td | Tag::Th)
                        && !self.tree.nodes[index].has(flag::HAS_BLOCK_CHILD) =>
                {
                    Frame::Written("p")
                }
                Action::Unwrap => Frame::Unwrapped,
                Action::Keep if self.math_depth > 0 => {
                    let name = tag_name_at(self.html, key as usize);
                    match MATHML
                        .iter()
                        .find(|m| m.as_bytes().eq_ignore_ascii_case(name))
                    {
                        Some(m) => Frame::Written(m),
                        None => Frame::Unwrapped,
                    }
                }
                // A div of inline content is a paragraph (Readability turns it into one).
                Action::Keep
                    if tag == Tag::Div && !self.tree.nodes[index].has(flag::HAS_BLOCK_CHILD) =>
                {
                    Frame::Written("p")
                }
                Action::Keep => match output_tag(tag) {
                    Some(name) => Frame::Written(name),
                    None => Frame::Unwrapped,
                },
            }
        };
        self.frames.push((frame, tag, index as u32));
        if !matches!(frame, Frame::Written(_) | Frame::Unwrapped) {
            return;
        }
        if tag == Tag::Math {
            self.math_depth += 1;
        }
        if tag == Tag::Br {
            self.block.push('\n');
            self.last_was_space = true;
        } else if tag.is_block() && self.math_depth == 0 {
            self.flush_block();
        }
        if frame == Frame::Written("p")
            && self.first_paragraph.is_none()
            && self.out.first_paragraph.is_none()
        {
            self.first_paragraph = Some((self.frames.len(), String::new()));
        }
        if tag == Tag::Pre {
            self.pre_depth += 1;
        }
        if let Frame::Written(name) = frame {
            let start = self.out.html.len();
            self.out.html.push('<');
            self.out.html.push_str(name);
            self.write_attributes(tag, get);
            self.out.html.push('>');
            if tag == Tag::Img {
                let has_source = self.out.html[start..].contains(" src=\"")
                    || self.out.html[start..].contains(" srcset=\"");
                self.last_image = Some((start, self.out.html.len(), has_source));
            }
        }
    }
}

impl Sink for Emitter<'_> {
    fn open(&mut self, tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
        // The start tag's attributes, read once (into a list kept from element to element).
        let mut attributes = std::mem::take(&mut self.attributes);
        attributes.clear();
        attributes.extend(source_attributes(self.html, key));
        self.open_element(tag, key, &attributes);
        self.attributes = attributes;
    }

    fn close(&mut self, _end: u32) {
        self.previews.close();
        if self
            .first_paragraph
            .as_ref()
            .is_some_and(|(depth, _)| *depth == self.frames.len())
        {
            self.out.first_paragraph = self.first_paragraph.take().map(|(_, text)| text);
        }
        let Some((frame, tag, _)) = self.frames.pop() else {
            return;
        };
        if tag == Tag::Picture {
            // Its sources are for its own image only.
            self.picture_srcset = None;
        }
        if frame == Frame::Noscript && tag == Tag::Noscript {
            self.noscript_image();
            return;
        }
        if !matches!(frame, Frame::Written(_) | Frame::Unwrapped) {
            return;
        }
        if let Frame::Written(name) = frame {
            if !is_void(name) {
                self.out.html.push_str("</");
                self.out.html.push_str(name);
                self.out.html.push('>');
            }
        }
        if tag == Tag::Math {
            self.math_depth = self.math_depth.saturating_sub(1);
        }
        if tag == Tag::Pre {
            self.flush_block();
            self.pre_depth = self.pre_depth.saturating_sub(1);
        } else if tag.is_block() && self.math_depth == 0 {
            self.flush_block();
        }
    }

    fn text(&mut self, chunk: &str, raw: bool) {
        if matches!(self.frames.last(), Some((Frame::Noscript, ..))) {
            if self.noscript.len() + chunk.len() <= NOSCRIPT_MAX {
                self.noscript.push_str(chunk);
            }
            return;
        }
        if !raw {
            self.previews.text(chunk);
        }
        if !raw && matches!(self.frames.last(), Some((Frame::Kicker, ..))) {
            self.out
                .kicker
                .get_or_insert_with(String::new)
                .push_str(&text::decode(chunk));
            return;
        }
        if raw
            || !matches!(
                self.frames.last(),
                Some((Frame::Written(_) | Frame::Unwrapped, ..))
            )
        {
            return;
        }
        let decoded = text::decode(chunk);
        if let Some((_, text)) = &mut self.first_paragraph {
            text.push_str(&decoded);
        }
        if self.pre_depth > 0 {
            self.out
                .html
                .push_str(&htmlize::escape_text(decoded.as_ref()));
            self.block.push_str(&decoded);
            return;
        }
        // Collapsed straight onto the block, and that part escaped into the HTML.
        let from = self.block.len();
        text::collapse_onto(&decoded, &mut self.last_was_space, &mut self.block);
        self.out
            .html
            .push_str(&htmlize::escape_text(&self.block[from..]));
    }
}

/// Runs pass 2 over `html` with the plan's actions.
pub fn emit<'a>(
    html: &'a str,
    tree: &'a Tree,
    plan: &'a Plan,
    base: Option<&'a Url>,
) -> Result<(Output, Vec<Removed>), crate::Error> {
    let emitter = |ancestors: Vec<u32>, next: usize| Emitter {
        html,
        tree,
        actions: &plan.actions,
        previews: Previews::new(&plan.removed),
        base,
        next,
        ancestors,
        ancestors_opened: 0,
        diverged: false,
        frames: Vec::new(),
        pre_depth: 0,
        math_depth: 0,
        out: Output::default(),
        block: String::new(),
        first_paragraph: None,
        last_was_space: true,
        last_image: None,
        noscript: String::new(),
        noscript_images: Vec::new(),
        picture_srcset: None,
        attributes: Vec::new(),
    };
    // Pass 2 reads from the first element it writes, drops or previews to just after the
    // last (see `Tree::end_of_subtrees`): the rest of the page is read for nothing.
    let mut previewed: Vec<u32> = plan.removed.iter().map(|r| r.node).collect();
    previewed.sort_unstable();
    let wanted = |i: usize| {
        plan.actions.get(i).is_some_and(|a| *a != Action::Outside)
            || previewed.binary_search(&(i as u32)).is_ok()
    };
    let end = tree.end_of_subtrees(html, wanted);
    let first = (1..tree.nodes.len()).find(|&i| wanted(i));
    if let Some(first) = first.filter(|&first| {
        let node = &tree.nodes[first];
        tree.in_step(first as u32) && !node.has(flag::FOREIGN) && (node.key as usize) < end
    }) {
        let ancestors = tree.ancestors(first as u32);
        let keys: Vec<u32> = ancestors
            .iter()
            .map(|&a| tree.nodes[a as usize].key)
            .collect();
        let seen_before = |tag: Tag| tree.nodes[1..first].iter().any(|n| n.tag == tag);
        let context = Context {
            ancestors: &keys,
            seen: [
                seen_before(Tag::Html),
                seen_before(Tag::Head),
                tree.body.is_some_and(|b| (b as usize) < first),
            ],
        };
        let range = tree.nodes[first].key as usize..end;
        let mut emitter = replay(
            html,
            &tree.reported,
            range,
            &context,
            emitter(ancestors, first),
        );
        if !emitter.diverged {
            emitter.flush_block();
            return Ok((emitter.out, emitter.previews.finish()));
        }
    }
    let mut emitter = replay(
        html,
        &tree.reported,
        0..end,
        &Context::START,
        emitter(Vec::new(), 1),
    );
    debug_assert!(!emitter.diverged, "passes diverged");
    emitter.flush_block();
    Ok((emitter.out, emitter.previews.finish()))
}
