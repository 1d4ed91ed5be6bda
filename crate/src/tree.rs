//! Pass 1: a compact element tree with the per-element statistics the scorer needs, and the
//! raw metadata of the page, built from one scan.
//!
//! Nodes are stored in document order (preorder), so every child comes after its parent and a
//! reverse walk sees children first: that is how the scorer sums subtrees without recursion.

use lol_html::html_content::Element;

use crate::clutter::{self, Category};
use crate::metadata::RawMeta;
use crate::patterns;
use crate::rules::Matcher;
use crate::scan::{named, source_attributes, Sink};
use crate::tag::Tag;
use crate::text;
use crate::token::{fact, Interner};

pub const NO_PARENT: u32 = u32::MAX;

/// Per-node facts, as bits.
pub mod flag {
    /// `hidden`, `aria-hidden="true"`, inline `display:none`/`visibility:hidden`, or a modal
    /// dialog: never shown, whatever the scorer's mode.
    pub const HIDDEN: u32 = 1;
    /// Class, id or role of a container that is almost never the article.
    pub const UNLIKELY: u32 = 1 << 1;
    /// A link to a fragment of the same page (counts less towards link density).
    pub const HASH_LINK: u32 = 1 << 2;
    /// Its own text ends a sentence (a period followed by a space or the end).
    pub const SENTENCE: u32 = 1 << 3;
    /// Looks like a byline (rel/itemprop author, or a byline class).
    pub const BYLINE: u32 = 1 << 4;
    /// A share control (class or id).
    pub const SHARE: u32 = 1 << 5;
    /// Inside a table or code, where unlikely-looking classes are not trusted.
    pub const IN_TABLE_OR_CODE: u32 = 1 << 6;
    /// An embed (iframe, object, embed, video) from a known video host.
    pub const VIDEO: u32 = 1 << 7;
    /// A table marked as layout (`role=presentation`, `datatable=0`).
    pub const LAYOUT_TABLE: u32 = 1 << 8;
    /// A table with a `summary`: a data table.
    pub const DATA_TABLE: u32 = 1 << 9;
    /// Has a direct child that is a block element.
    pub const HAS_BLOCK_CHILD: u32 = 1 << 10;
    /// Inside an `<svg>` or `<math>`.
    pub const FOREIGN: u32 = 1 << 11;
    /// Holds a text node that is video-player chrome (`play_arrow`, `00:00 / 00:00`).
    pub const PLAYER_TEXT: u32 = 1 << 12;
    /// Its own text has at least as many digits as letters (a date, a time, a score).
    pub const DIGITS: u32 = 1 << 13;
    /// Its class or id alone looks unlikely (what the readerable check looks at).
    pub const UNLIKELY_CLASS: u32 = 1 << 14;
    /// A link to sign in or up, or to open or install the site's app: the site's account
    /// chrome ("Sign in", "Open in app", "Follow" for members).
    pub const ACCOUNT_LINK: u32 = 1 << 15;
    /// A `<br>` is among its children.
    pub const HAS_BR_CHILD: u32 = 1 << 16;

    /// Every flag, for the test that no two share a bit.
    #[cfg(test)]
    pub const ALL: [u32; 17] = [
        HIDDEN,
        UNLIKELY,
        HASH_LINK,
        SENTENCE,
        BYLINE,
        SHARE,
        IN_TABLE_OR_CODE,
        VIDEO,
        LAYOUT_TABLE,
        DATA_TABLE,
        HAS_BLOCK_CHILD,
        FOREIGN,
        PLAYER_TEXT,
        DIGITS,
        UNLIKELY_CLASS,
        ACCOUNT_LINK,
        HAS_BR_CHILD,
    ];

    #[cfg(test)]
    mod tests {
        #[test]
        fn every_flag_has_a_bit_of_its_own() {
            let mut seen = 0u32;
            for flag in super::ALL {
                assert_eq!(flag.count_ones(), 1, "{flag:#x} is one bit");
                assert_eq!(seen & flag, 0, "{flag:#x} is used twice");
                seen |= flag;
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub tag: Tag,
    pub flags: u32,
    /// Readability's class/id weight.
    pub weight: i16,
    /// A clutter category from the generic rules, if one matched.
    pub clutter: Option<Category>,
    /// The clutter rule (index into [`Tree::rules`]) that matched it.
    pub rule: Option<u16>,
    pub parent: u32,
    /// Byte offset of the start tag: the key shared by both passes.
    pub key: u32,
    /// Byte offset where the element ends: its end tag's `<`, or the start tag or the end of
    /// the page that closed it without one. Its content lies between `key` and `end`.
    pub end: u32,
    /// Hash of the class attribute, to find siblings styled like the article root.
    pub class_hash: u32,
    /// Characters of text directly inside this element (whitespace runs count once).
    pub text: u32,
    pub commas: u32,
    /// Characters of text whose nearest block ancestor is this element: the paragraph text
    /// it holds outside child blocks.
    pub inline_text: u32,
    pub inline_commas: u32,
    /// Number of child elements.
    pub children: u32,
}

impl Node {
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
}

#[derive(Debug, Default)]
pub struct Tree {
    pub nodes: Vec<Node>,
    pub meta: RawMeta,
    /// `href` of the first `<base>`.
    pub base_href: Option<String>,
    /// Node index of each heading in `meta.headings`.
    pub heading_nodes: Vec<u32>,
    pub body: Option<u32>,
    /// Elements that look like bylines, in document order.
    pub bylines: Vec<Byline>,
    /// `dir` attributes by node, in document order.
    pub dirs: Vec<(u32, String)>,
    /// The rules the page was matched against: [`Node::rule`] indexes them.
    pub rules: crate::rules::RuleBook,
    /// Runs of nodes (first, end) opened while lol_html and the scanner disagreed on the open
    /// elements ([`crate::scan::Sink::in_step`]): a pass cannot start at one of them.
    pub out_of_step: Vec<(u32, u32)>,
    /// The tokens lol_html reported in pass 1, which pass 2 replays
    /// ([`crate::scan::replay`]).
    pub reported: Vec<crate::scan::Reported>,
}

/// A byline-looking element and its text: the text of its `itemprop="name"` descendant when
/// it has one (the name without "By" and the date), else its whole text, trimmed.
#[derive(Debug, Clone)]
pub struct Byline {
    pub node: u32,
    pub text: String,
}

impl Tree {
    /// Whether a pass over the page can start at node `index`'s start tag
    /// ([`crate::scan::replay`]).
    pub fn in_step(&self, index: u32) -> bool {
        !self
            .out_of_step
            .iter()
            .any(|&(first, end)| (first..end).contains(&index))
    }

    /// The elements that node `index` is inside, outermost first (the document not counted).
    pub fn ancestors(&self, index: u32) -> Vec<u32> {
        let mut ancestors: Vec<u32> = std::iter::successors(Some(index), |&n| {
            Some(self.nodes[n as usize].parent).filter(|&p| p != NO_PARENT)
        })
        .skip(1)
        .filter(|&n| n != 0)
        .collect();
        ancestors.reverse();
        ancestors
    }

    /// The element the article is searched in: `<body>`, or the document for fragments.
    pub fn body_or_root(&self) -> u32 {
        self.body.unwrap_or(0)
    }

    /// Where a pass that only acts on the subtrees of the nodes `wanted` selects can stop
    /// reading `html`: at the start tag of the first node after all of them, or at the end.
    ///
    /// A pass over that prefix sees exactly the events a pass over the whole page sees up to
    /// there (same bytes from the start, same parser state), and everything after it lies
    /// outside those subtrees: the elements still open at that point, none of them wanted,
    /// are then closed by the end of the input instead of later.
    pub fn end_of_subtrees(&self, html: &str, wanted: impl Fn(usize) -> bool) -> usize {
        let mut inside = vec![false; self.nodes.len()];
        let mut last = None;
        for (i, node) in self.nodes.iter().enumerate() {
            let in_parent = node.parent != NO_PARENT && inside[node.parent as usize];
            if in_parent || (i > 0 && wanted(i)) {
                inside[i] = true;
                last = Some(i);
            }
        }
        match last {
            Some(last) => self
                .nodes
                .get(last + 1)
                .map_or(html.len(), |next| next.key as usize),
            None => html.len(),
        }
    }
}

/// What a capture collects the text of.
#[derive(Clone, Copy, PartialEq)]
enum Capture {
    Title,
    JsonLd,
    Heading(u8),
    Byline,
    BylineName,
}

const MAX_HEADINGS: usize = 40;
/// Bytes a title, heading or byline capture keeps.
const MAX_CAPTURE: usize = 4 * 1024;
/// Bytes of one JSON-LD script kept for the metadata.
const MAX_JSON_LD: usize = 1024 * 1024;
const MAX_BYLINES: usize = 8;
const MAX_TIMES: usize = 8;

/// The attributes pass 1 reads, as slices of the page (the first of each name, as
/// `Element::get_attribute`), gathered in one walk over the start tag.
struct Attrs<'a> {
    class: &'a str,
    id: &'a str,
    role: &'a str,
    hidden: bool,
    summary: bool,
    aria_hidden: Option<&'a str>,
    aria_modal: Option<&'a str>,
    aria_label: Option<&'a str>,
    style: Option<&'a str>,
    itemprop: Option<&'a str>,
    rel: Option<&'a str>,
    href: Option<&'a str>,
    datatable: Option<&'a str>,
    dir: Option<&'a str>,
    script_type: Option<&'a str>,
}

impl<'a> Attrs<'a> {
    fn read(attributes: &[(&'a str, &'a str)]) -> Attrs<'a> {
        let mut attrs = Attrs {
            class: "",
            id: "",
            role: "",
            hidden: false,
            summary: false,
            aria_hidden: None,
            aria_modal: None,
            aria_label: None,
            style: None,
            itemprop: None,
            rel: None,
            href: None,
            datatable: None,
            dir: None,
            script_type: None,
        };
        let (mut class, mut id, mut role) = (None, None, None);
        for &(name, value) in attributes {
            // Longer names are none of these.
            let mut lower = [0u8; 11];
            let Some(buffer) = lower.get_mut(..name.len()) else {
                continue;
            };
            buffer.copy_from_slice(name.as_bytes());
            buffer.make_ascii_lowercase();
            let slot = match &*buffer {
                b"class" => &mut class,
                b"id" => &mut id,
                b"role" => &mut role,
                b"aria-hidden" => &mut attrs.aria_hidden,
                b"aria-modal" => &mut attrs.aria_modal,
                b"aria-label" => &mut attrs.aria_label,
                b"style" => &mut attrs.style,
                b"itemprop" => &mut attrs.itemprop,
                b"rel" => &mut attrs.rel,
                b"href" => &mut attrs.href,
                b"datatable" => &mut attrs.datatable,
                b"dir" => &mut attrs.dir,
                b"type" => &mut attrs.script_type,
                b"hidden" => {
                    attrs.hidden = true;
                    continue;
                }
                b"summary" => {
                    attrs.summary = true;
                    continue;
                }
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        attrs.class = class.unwrap_or_default();
        attrs.id = id.unwrap_or_default();
        attrs.role = role.unwrap_or_default();
        attrs
    }
}

/// Builds the [`Tree`] as a [`Sink`] of the scanner.
pub struct Builder<'h> {
    /// The page being scanned: attributes are read from it.
    html: &'h str,
    /// The clutter rules that apply, matched here unless lol_html has to.
    rules: &'h Matcher<'h>,
    tokens: Interner<'h>,
    tree: Tree,
    /// Open nodes, innermost last.
    stack: Vec<u32>,
    /// Index in `stack` of the nearest block, per open node.
    block_of: Vec<u32>,
    /// Open elements whose text is not content (script, style, …).
    skip_depth: u32,
    last_was_space: bool,
    captures: Vec<(usize, Capture, String)>,
    in_foreign: u32,
    in_table_or_code: u32,
    bylines_opened: usize,
    /// The attributes of the element being opened, as slices of the page.
    attributes: Vec<(&'h str, &'h str)>,
}

impl<'h> Builder<'h> {
    /// Starts a tree of `html` whose node 0 is the document: pages without `<html>` or
    /// `<body>` (fragments) still get one root.
    pub fn new(html: &'h str, rules: &'h Matcher<'h>) -> Builder<'h> {
        let mut tree = Tree::default();
        tree.nodes.push(Node {
            tag: Tag::Document,
            flags: 0,
            weight: 0,
            clutter: None,
            rule: None,
            parent: NO_PARENT,
            key: 0,
            end: html.len() as u32,
            class_hash: 0,
            text: 0,
            commas: 0,
            inline_text: 0,
            inline_commas: 0,
            children: 0,
        });
        Builder {
            html,
            rules,
            tokens: Interner::default(),
            tree,
            stack: vec![0],
            block_of: vec![0],
            skip_depth: 0,
            last_was_space: true,
            captures: Vec::new(),
            in_foreign: 0,
            in_table_or_code: 0,
            bylines_opened: 0,
            attributes: Vec::new(),
        }
    }

    pub fn finish(mut self) -> Tree {
        self.tree.bylines.sort_by_key(|b| b.node);
        self.tree
    }

    fn attribute_flags(
        &mut self,
        tag: Tag,
        attrs: &Attrs<'h>,
    ) -> (u32, i16, Option<Category>, u32, Option<u16>) {
        let mut flags = 0;
        let class = self.tokens.class_value(attrs.class, self.rules);
        let id = self.tokens.id_value(attrs.id, self.rules);
        let weight = (class.weight() + id.weight()) as i16;
        let role = attrs.role;
        let either = class.bits | id.bits;

        if attrs.hidden
            || attrs
                .aria_hidden
                .is_some_and(|v| v.trim() == "true" && !class.has(fact::FALLBACK_IMAGE))
            || attrs.style.is_some_and(text::style_hides)
            || (role == "dialog" && attrs.aria_modal == Some("true"))
        {
            flags |= flag::HIDDEN;
        }
        if self.in_table_or_code > 0 {
            flags |= flag::IN_TABLE_OR_CODE;
        }
        let unlikely_class = either & fact::UNLIKELY != 0 && either & fact::MAYBE == 0;
        if unlikely_class {
            flags |= flag::UNLIKELY_CLASS;
        }
        // The elements that say they hold the main content are never unlikely by class name
        // (`<article class="template-with-sidebar">`).
        let says_main = matches!(tag, Tag::Body | Tag::A | Tag::Article | Tag::Main)
            || role == "main"
            || attrs.itemprop.is_some_and(|p| p.contains("articleBody"));
        if (unlikely_class && !says_main && self.in_table_or_code == 0)
            || patterns::UNLIKELY_ROLES.contains(&role)
            || matches!(tag, Tag::Aside | Tag::Nav | Tag::Footer)
        {
            flags |= flag::UNLIKELY;
        }
        if attrs.rel == Some("author")
            || attrs.itemprop.is_some_and(|p| p.contains("author"))
            || either & fact::BYLINE != 0
        {
            flags |= flag::BYLINE;
        }
        if either & fact::SHARE != 0 {
            flags |= flag::SHARE;
        }
        match tag {
            Tag::A if attrs.href.is_some_and(|h| h.trim_start().starts_with('#')) => {
                flags |= flag::HASH_LINK;
            }
            Tag::A if attrs.href.is_some_and(clutter::is_account_url) => {
                flags |= flag::ACCOUNT_LINK;
            }
            Tag::Table => {
                if role == "presentation" || attrs.datatable == Some("0") {
                    flags |= flag::LAYOUT_TABLE;
                } else if attrs.summary {
                    flags |= flag::DATA_TABLE;
                }
            }
            Tag::Iframe | Tag::Embed | Tag::Object | Tag::Video => {
                let is_video = self.attributes.iter().any(|(_, value)| {
                    let value = value.to_ascii_lowercase();
                    patterns::contains_any(&value, patterns::VIDEO_HOSTS)
                });
                if is_video {
                    flags |= flag::VIDEO;
                }
            }
            _ => {}
        }
        if self.in_foreign > 0 {
            flags |= flag::FOREIGN;
        }
        let clutter = clutter::classify(
            tag,
            role,
            attrs.href,
            attrs.aria_label,
            class.category.or(id.category),
        );
        let rule = crate::rules::earlier(class.class_rule, id.id_rule);
        (flags, weight, clutter, class.hash, rule)
    }

    fn collect_meta(&mut self, tag: Tag) {
        let attributes = &self.attributes;
        let get = |name: &str| named(attributes.iter().copied(), name);
        let meta = &mut self.tree.meta;
        match tag {
            Tag::Html => {
                meta.lang = get("lang").map(text::decode_attribute);
                meta.dir = get("dir").map(text::decode_attribute);
            }
            Tag::Meta => {
                let Some(content) = get("content") else {
                    return;
                };
                let content = text::decode_attribute(content);
                for attr in ["property", "name", "itemprop"] {
                    if let Some(key) = get(attr) {
                        // `property` may hold several space-separated names.
                        for key in key.split_ascii_whitespace() {
                            meta.metas.push((key.to_ascii_lowercase(), content.clone()));
                        }
                    }
                }
            }
            Tag::Base if self.tree.base_href.is_none() => {
                self.tree.base_href = get("href").map(text::decode_attribute);
            }
            Tag::Time if meta.times.len() < MAX_TIMES => {
                if let Some(dt) = get("datetime") {
                    meta.times.push(text::decode_attribute(dt));
                }
            }
            _ => {}
        }
    }
}

impl Sink for Builder<'_> {
    fn in_step(&mut self, in_step: bool) {
        let next = self.tree.nodes.len() as u32;
        if in_step {
            if let Some(run) = self.tree.out_of_step.last_mut() {
                run.1 = next;
            }
        } else {
            self.tree.out_of_step.push((next, u32::MAX));
        }
    }

    fn matched(&mut self, rule: u16) {
        // The last node pushed is the element just opened (void elements are closed already).
        if let Some(node) = self.tree.nodes.last_mut() {
            // Of several rules, the first one counts.
            if node.rule.is_none_or(|r| rule < r) {
                node.rule = Some(rule);
                node.clutter = Some(self.tree.rules.get(rule).category);
            }
        }
    }

    fn open(&mut self, tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
        let index = self.tree.nodes.len() as u32;
        let parent = *self.stack.last().unwrap();
        // The start tag's attributes, read once (into a list kept from element to element).
        self.attributes.clear();
        self.attributes.extend(source_attributes(self.html, key));
        let attrs = Attrs::read(&self.attributes);
        let (mut flags, weight, clutter, class_hash, by_name) = self.attribute_flags(tag, &attrs);
        let parent_node = &mut self.tree.nodes[parent as usize];
        parent_node.children += 1;
        if tag.is_block() && self.in_foreign == 0 {
            parent_node.flags |= flag::HAS_BLOCK_CHILD;
        }
        if tag == Tag::Br {
            parent_node.flags |= flag::HAS_BR_CHILD;
        }
        flags |= parent_node.flags & flag::FOREIGN;
        self.tree.nodes.push(Node {
            tag,
            flags,
            weight,
            clutter,
            rule: None,
            parent,
            key,
            // Until it closes: the end of the page.
            end: self.html.len() as u32,
            class_hash,
            text: 0,
            commas: 0,
            inline_text: 0,
            inline_commas: 0,
            children: 0,
        });
        let by_attribute = if self.rules.has_attribute_rules() {
            self.rules.attribute_rule(self.attributes.iter().copied())
        } else {
            None
        };
        if let Some(rule) = crate::rules::earlier(by_name, by_attribute) {
            self.matched(rule);
        }
        if tag == Tag::Body && self.tree.body.is_none() {
            self.tree.body = Some(index);
        }
        self.collect_meta(tag);
        if let Some(dir) = attrs.dir {
            self.tree
                .dirs
                .push((index, text::decode_attribute(dir).trim().to_string()));
        }

        // Inside SVG and MathML nothing is an HTML block: a formula is part of its sentence.
        let block = if tag.is_block() && self.in_foreign == 0 {
            self.stack.len() as u32
        } else {
            *self.block_of.last().unwrap_or(&0)
        };
        self.stack.push(index);
        self.block_of.push(block);
        if tag.is_non_content() {
            self.skip_depth += 1;
        }
        if matches!(tag, Tag::Svg | Tag::Math) {
            self.in_foreign += 1;
        }
        if matches!(tag, Tag::Table | Tag::Code) {
            self.in_table_or_code += 1;
        }

        let capture = match tag {
            Tag::Title if self.tree.meta.title.is_none() && self.in_foreign == 0 => {
                Some(Capture::Title)
            }
            Tag::Script
                if attrs
                    .script_type
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                Some(Capture::JsonLd)
            }
            Tag::H1 | Tag::H2 if self.tree.meta.headings.len() < MAX_HEADINGS => {
                Some(Capture::Heading(if tag == Tag::H1 { 1 } else { 2 }))
            }
            _ if flags & flag::BYLINE != 0 && self.bylines_opened < MAX_BYLINES => {
                self.bylines_opened += 1;
                Some(Capture::Byline)
            }
            _ if self.captures.iter().any(|c| c.1 == Capture::Byline)
                && attrs.itemprop.is_some_and(|p| p.contains("name")) =>
            {
                Some(Capture::BylineName)
            }

            _ => None,
        };
        if let Some(kind) = capture {
            self.captures.push((self.stack.len(), kind, String::new()));
        }
    }

    fn close(&mut self, end: u32) {
        let depth = self.stack.len();
        if let [_, .., index] = self.stack[..] {
            // The document itself (alone on the stack) never closes.
            self.tree.nodes[index as usize].end = end;
        }
        while self.captures.last().is_some_and(|c| c.0 == depth) {
            let (_, kind, raw) = self.captures.pop().unwrap();
            let index = self.stack[depth - 1];
            match kind {
                Capture::JsonLd => self.tree.meta.json_ld.push(raw),
                // As document.title: only ASCII whitespace is collapsed.
                Capture::Title => {
                    let decoded = text::decode(&raw);
                    let words: Vec<&str> = decoded.split_ascii_whitespace().collect();
                    self.tree.meta.title = Some(words.join(" "));
                }
                Capture::Heading(level) => {
                    self.tree
                        .meta
                        .headings
                        .push((level, text::decode_collapse(&raw)));
                    self.tree.heading_nodes.push(index);
                }
                Capture::Byline => {
                    let text = text::decode(&raw).trim().to_string();
                    match self.tree.bylines.iter_mut().find(|b| b.node == index) {
                        // Its itemprop=name descendant came first.
                        Some(byline) => {
                            if byline.text.is_empty() {
                                byline.text = text;
                            }
                        }
                        None => self.tree.bylines.push(Byline { node: index, text }),
                    }
                }
                Capture::BylineName => {
                    let text = text::decode(&raw).trim().to_string();
                    if let Some(owner) = self.captures.iter().rev().find(|c| c.1 == Capture::Byline)
                    {
                        let node = self.stack[owner.0 - 1];
                        if !self.tree.bylines.iter().any(|b| b.node == node) {
                            self.tree.bylines.push(Byline { node, text });
                        }
                    }
                }
            }
        }
        // The document root is never closed by the scanner.
        if self.stack.len() <= 1 {
            return;
        }
        let index = self.stack.pop().unwrap();
        self.block_of.pop();
        let tag = self.tree.nodes[index as usize].tag;
        if tag.is_non_content() {
            self.skip_depth -= 1;
        }
        if matches!(tag, Tag::Svg | Tag::Math) {
            self.in_foreign -= 1;
        }
        if matches!(tag, Tag::Table | Tag::Code) {
            self.in_table_or_code -= 1;
        }
        if tag.is_block() {
            self.last_was_space = true;
        }
    }

    fn text(&mut self, chunk: &str, raw: bool) {
        for (_, kind, buf) in &mut self.captures {
            // JSON-LD is script text; the others are document text.
            if (*kind == Capture::JsonLd) == raw {
                // Titles, headings and bylines are short; a capture only needs their start, and
                // hundreds of nested ones must not each copy the page.
                let limit = if *kind == Capture::JsonLd {
                    MAX_JSON_LD
                } else {
                    MAX_CAPTURE
                };
                let room = limit.saturating_sub(buf.len());
                if room > 0 {
                    let mut end = room.min(chunk.len());
                    while !chunk.is_char_boundary(end) {
                        end -= 1;
                    }
                    buf.push_str(&chunk[..end]);
                }
            }
        }
        if self.skip_depth > 0 || raw {
            return;
        }
        let stats = text::measure(chunk, &mut self.last_was_space);
        if stats.chars == 0 {
            return;
        }
        let top = *self.stack.last().unwrap() as usize;
        let node = &mut self.tree.nodes[top];
        if clutter::is_player_text(chunk) {
            node.flags |= flag::PLAYER_TEXT;
        }
        if stats.digits >= stats.letters {
            node.flags |= flag::DIGITS;
        }

        node.text += stats.chars;
        node.commas += stats.commas;
        if stats.sentence_end {
            node.flags |= flag::SENTENCE;
        }
        let block = self.stack[*self.block_of.last().unwrap() as usize] as usize;
        let block = &mut self.tree.nodes[block];
        block.inline_text += stats.chars;
        block.inline_commas += stats.commas;
        if stats.sentence_end {
            block.flags |= flag::SENTENCE;
        }
    }
}

/// Runs pass 1 over `html`, matching the clutter rules of `rules` that apply on `host` (in one
/// call, for tests; the core records and builds apart, see `Reading`).
#[cfg(test)]
pub fn build(
    html: &str,
    host: Option<&str>,
    rules: &crate::rules::RuleBook,
) -> Result<Tree, crate::Error> {
    let mut recorder = crate::scan::Recorder::new(lol_html_rules(host, rules), html.len());
    recorder.write(html.as_bytes())?;
    Ok(build_recorded(html, host, rules, recorder.end()?))
}

/// The rules of `rules` that apply on `host` and that lol_html has to match (the core matches
/// the simple ones itself), for the [`crate::scan::Recorder`] of a page.
pub fn lol_html_rules(
    host: Option<&str>,
    rules: &crate::rules::RuleBook,
) -> Vec<(lol_html::Selector, u16)> {
    let all = rules.all();
    let matcher = Matcher::new(&all, &rules.active(host));
    matcher
        .complex()
        .iter()
        .map(|&(selector, rule)| (selector.clone(), rule))
        .collect()
}

/// Pass 1 over `html` for a page lol_html has been over ([`crate::scan::Recorder`], with
/// [`lol_html_rules`] of the same `host` and `rules`).
pub fn build_recorded(
    html: &str,
    host: Option<&str>,
    rules: &crate::rules::RuleBook,
    recorded: crate::scan::Recorded,
) -> Tree {
    let all = rules.all();
    let matcher = Matcher::new(&all, &rules.active(host));
    let mut builder = Builder::new(html, &matcher);
    builder.tree.rules = rules.clone();
    let builder = crate::scan::scan_recorded(html, &recorded, builder);
    let mut tree = builder.finish();
    tree.reported = recorded.tokens;
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `<p>` closed by the `<div>` opened in it stays open for lol_html until its end tag:
    /// no pass can start in between, where its end tag would close what the scanner keeps.
    #[test]
    fn a_pass_cannot_start_while_an_implied_end_tag_is_pending() {
        let html = "<div><p>a<div>b<i>c</i></div>d</p><span>e</span><p>f<p>g</div>";
        let tree = build(html, None, &crate::rules::RuleBook::default()).unwrap();
        let at = |start: &str| {
            let key = html.find(start).unwrap() as u32;
            let index = tree.nodes.iter().position(|n| n.key == key).unwrap() as u32;
            tree.in_step(index)
        };
        assert!(at("<div>") && at("<p>a"));
        assert!(!at("<div>b") && !at("<i>"));
        assert!(at("<span>") && at("<p>f"));
        assert!(!at("<p>g"));
    }

    #[test]
    fn subtrees_end_at_the_next_element_outside_them() {
        let html = "<div><p>a</p><p>b<span>c</span>d</p></div>tail<footer>x</footer>";
        let tree = build(html, None, &crate::rules::RuleBook::default()).unwrap();
        let index = |tag: Tag, nth: usize| {
            tree.nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| n.tag == tag)
                .nth(nth)
                .unwrap()
                .0
        };
        let footer = html.find("<footer").unwrap();
        let second_p = index(Tag::P, 1);
        // The span is inside the wanted paragraph, and "d" after it: both are read.
        assert_eq!(tree.end_of_subtrees(html, |i| i == second_p), footer);
        assert_eq!(
            tree.end_of_subtrees(html, |i| i == index(Tag::P, 0)),
            html.find("<p>b").unwrap()
        );
        assert_eq!(
            tree.end_of_subtrees(html, |i| i == index(Tag::Footer, 0)),
            html.len()
        );
        assert_eq!(tree.end_of_subtrees(html, |_| false), html.len());
    }
}
