//! Drives `lol_html` over a page and turns its events into a properly nested element stream.
//!
//! `lol_html` is a tokenizer with selector matching, not a tree builder: end-tag handlers fire
//! late or never for elements the HTML parser closes implicitly (`<p>a<p>b</div>`). So the
//! scanner keeps its own stack, applies the parser's implied-end rules that matter for
//! structure (paragraphs, list items, table cells, options, headings), and treats an explicit
//! end tag as closing everything opened after its element. Elements are keyed by the byte
//! offset of their start tag, which is the same in every pass over the same bytes.
//!
//! lol_html reports only start tags, comments and doctypes here: text and end tags are read
//! from the page between them (see [`Driver::text_to`]), because having lol_html produce
//! them costs more than the rest of a pass. Where that reading must agree with lol_html's
//! tokenizer (raw text, namespaces, which element an end tag closes), it follows lol_html's
//! own rules (`markup`, `namespace`), and tests hold it to lol_html's answers.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use lol_html::html_content::Element;
use std::borrow::Cow;

use lol_html::{
    doc_comments, doctype, element, ElementContentHandlers, HtmlRewriter, MemorySettings, Selector,
    Settings,
};

use crate::markup::{self, TextKind};
use crate::namespace::Namespaces;
use crate::tag::Tag;
use crate::Error;

/// lol_html's own buffers (a start tag with a 10 MB attribute needs 10 MB) are capped here.
const MEMORY_LIMIT: usize = 64 * 1024 * 1024;

/// The deepest an element is nested. Chromium's parser stops nesting at 512 and attaches
/// deeper elements as siblings; so does the scanner, which keeps every walk down its stack
/// (and every sink's stack) bounded on a page nested 100,000 deep.
const MAX_DEPTH: usize = 512;

/// Receives the nested element stream of one pass.
pub trait Sink {
    /// An element opened. Text and child elements follow until the matching [`Sink::close`].
    /// `el` is the element as lol_html reports it, for a sink that rewrites the page
    /// ([`rewrite`]); a replayed pass ([`replay`]) runs no lol_html and gives `None`.
    /// Attributes are read from the page ([`source_attributes`]) in either.
    fn open(&mut self, tag: Tag, key: u32, el: Option<&mut Element<'_, '_>>);
    /// The innermost open element closed at byte `end` of the page: where its end tag starts,
    /// or the start tag or the end of the page that closed it without one.
    fn close(&mut self, end: u32);
    /// The element opened last matched clutter rule `rule` (called right after its `open`).
    fn matched(&mut self, _rule: u16) {}
    /// A chunk of text inside the innermost open element. `raw` is false for script and style
    /// content; character references are still encoded in data text.
    fn text(&mut self, text: &str, raw: bool);
    /// Whether lol_html's open elements are the scanner's, from the next [`Sink::open`] on
    /// (called when that changes; they are at the start). They differ while an element the
    /// scanner closed by an implied end tag is still open for lol_html: its end tag may then
    /// close elements that the scanner keeps open. A pass may start at an element only where
    /// they are the same ([`replay`]).
    fn in_step(&mut self, _in_step: bool) {}
}

/// A token lol_html reported in a pass over the whole page: a start tag, comment or doctype,
/// where it is in the page, and for a start tag what lol_html said of it. Pass 1 keeps them
/// ([`scan`]) so that pass 2 replays them over the article ([`replay`]) instead of
/// running lol_html a second time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reported {
    start: u32,
    end: u32,
    /// [`reported`] bits.
    kind: u8,
}

/// What a [`Reported`] token is.
mod reported {
    pub const START_TAG: u8 = 1;
    pub const SELF_CLOSING: u8 = 1 << 1;
    pub const CAN_HAVE_CONTENT: u8 = 1 << 2;
}

/// The [`reported`] bits of a start tag, as lol_html reports its element.
fn start_tag_kind(el: &Element<'_, '_>) -> u8 {
    let mut kind = reported::START_TAG;
    if el.is_self_closing() {
        kind |= reported::SELF_CLOSING;
    }
    if el.can_have_content() {
        kind |= reported::CAN_HAVE_CONTENT;
    }
    kind
}

#[derive(Clone, Copy)]
struct Frame {
    tag: Tag,
    key: u32,
    /// How the tokenizer reads the text directly inside the element.
    text: TextKind,
}

/// An element open in lol_html's selector VM, which decides which elements an end tag closes
/// (the nearest open one of its name, and all opened after it).
#[derive(Clone, Copy)]
struct Open {
    key: u32,
    /// Where its start tag's name is in the page.
    name: u32,
    name_len: u32,
    /// [`name_hash`] of its name.
    hash: u64,
    /// Whether its end tag closes the scanner's element `key` (not for a second `<body>`,
    /// which the scanner merges into the first).
    closes: bool,
}

struct Driver<'h, S> {
    html: &'h str,
    sink: S,
    stack: Vec<Frame>,
    /// The elements lol_html's selector VM has open, as it keeps them: every start tag that
    /// can have content, closed only by an end tag of its own name or one of an element
    /// opened before it (no implied end tags).
    open: Vec<Open>,
    /// How many of `open` have each name (FNV of the lowercase name): an end tag whose name
    /// is not open is passed over without a walk down `open` (which a page nested 100,000
    /// deep makes long).
    open_names: HashMap<u64, u32, foldhash::fast::FixedState>,
    /// Where the text not yet given to the sink starts, in the page.
    text_from: usize,
    /// The namespace the tokenizer is in: only in HTML content do elements make their text
    /// raw, only outside it does `<![CDATA[` start a section.
    namespaces: Namespaces,
    seen_html: bool,
    seen_head: bool,
    seen_body: bool,
    /// Keys of the elements closed here by an implied end tag (or left out, as a second
    /// `<body>`) that lol_html still has open, as far as the scanner can tell; sorted, so that
    /// an end tag drops the ones it closes by a binary search (a page nested 100,000 deep
    /// leaves all but 512 of its elements here: a scan of the list per end tag was quadratic).
    dangling: Vec<u32>,
    /// Whether the sink was last told that lol_html's open elements are the scanner's.
    in_step: bool,
}

impl<'h, S: Sink> Driver<'h, S> {
    /// A driver for a pass that starts at byte `from` of `html`, where the `<html>`, `<head>`
    /// and `<body>` of `seen` were opened before.
    fn new(html: &'h str, sink: S, from: usize, seen: [bool; 3]) -> Self {
        Driver {
            html,
            sink,
            stack: Vec::with_capacity(64),
            open: Vec::with_capacity(64),
            open_names: HashMap::default(),
            text_from: from,
            namespaces: Namespaces::default(),
            seen_html: seen[0],
            seen_head: seen[1],
            seen_body: seen[2],
            dangling: Vec::new(),
            in_step: true,
        }
    }

    /// The page after the last token, up to `end`, then the end of every open element there.
    fn finish(mut self, end: usize) -> S {
        self.text_to(end);
        let open = self.stack.len();
        self.pop(open, end as u32);
        self.sink
    }

    /// Pushes an element named `name`; `in_html`: whether its start tag came in HTML content
    /// (only there does a start tag switch the tokenizer to raw text).
    fn push(&mut self, tag: Tag, name: &[u8], key: u32, in_html: bool) {
        let text = if in_html {
            TextKind::after_start_tag(tag, name)
        } else {
            TextKind::Data
        };
        self.stack.push(Frame { tag, key, text });
    }

    /// An element lol_html's VM opens (one that can have content), named `name`; `closes`:
    /// whether its end tag closes the scanner's element `key`.
    fn vm_open(&mut self, key: u32, name: &[u8], closes: bool) {
        let hash = name_hash(name);
        *self.open_names.entry(hash).or_insert(0) += 1;
        self.open.push(Open {
            key,
            name: key + 1,
            name_len: name.len() as u32,
            hash,
            closes,
        });
    }

    /// Pops `count` elements, which end at byte `end` of the page.
    fn pop(&mut self, count: usize, end: u32) {
        for _ in 0..count {
            self.stack.pop();
            self.sink.close(end);
        }
    }

    /// Pops `count` elements that their end tags did not close: lol_html keeps them open.
    /// They end at byte `end` of the page, the start tag that implied their end tags.
    fn pop_implied(&mut self, count: usize, end: u32) {
        for _ in 0..count {
            if let Some(frame) = self.stack.pop() {
                self.mark_dangling(frame.key);
            }
            self.sink.close(end);
        }
    }

    /// A token lol_html reported at `bytes` of the page (a start tag, comment or doctype):
    /// the page before it, its text and its end tags, goes to the sink first.
    fn token(&mut self, bytes: std::ops::Range<usize>) {
        self.text_to(bytes.start);
        self.text_from = self.text_from.max(bytes.end);
    }

    /// Reads the page from `text_from` up to `end`, where lol_html reports the next token:
    /// text for the sink, and end tags.
    ///
    /// lol_html reports text and end tags as tokens of its own, but producing them costs more
    /// than the rest of a pass: text chunks are decoded into a buffer and handed out one call
    /// each, and an end tag is reported only to a handler registered on its element (several
    /// allocations per element). Both are read instead from the page between the tokens the
    /// pass reports anyway (start tags, comments, doctypes): raw text up to its element's end
    /// tag by lol_html's own rules (`markup::raw_text_end`), then data, where every tag not
    /// reported is an end tag or cut off by the end of the page (see [`Driver::data_text`]).
    fn text_to(&mut self, end: usize) {
        let mut start = self.text_from;
        if end <= start {
            return;
        }
        self.text_from = end;
        let html = self.html;
        let bytes = &html.as_bytes()[..end];
        let Some(&Frame {
            key, text: kind, ..
        }) = self.stack.last()
        else {
            return self.data_text(start, end);
        };
        if kind != TextKind::Data {
            let name = tag_name_at(html, key as usize);
            let close = markup::raw_text_end(bytes, start, name, kind);
            let text_end = close.map_or(end, |(lt, _)| lt);
            if let Some(text) = html.get(start..text_end).filter(|t| !t.is_empty()) {
                self.sink.text(text, kind.is_raw());
            }
            let Some((lt, name_end)) = close else {
                return;
            };
            // An end tag cut off by the end of the page is no token, and not text either.
            let Some(after) = markup::tag_end(bytes, name_end) else {
                return;
            };
            self.end_tag(lt);
            start = after;
        }
        self.data_text(start, end);
    }

    /// The end tag at byte `lt` of the page: the namespace follows it, and it closes the
    /// elements lol_html's VM closes for it.
    fn end_tag(&mut self, lt: usize) {
        let html = self.html;
        let name = tag_name_at(html, lt + 1);
        self.namespaces.end_tag(name);
        let hash = name_hash(name);
        if self.open_names.get(&hash).is_none_or(|&n| n == 0) {
            return;
        }
        let Some(at) = self.open.iter().rposition(|open| {
            let start = open.name as usize;
            open.hash == hash
                && html.as_bytes()[start..start + open.name_len as usize].eq_ignore_ascii_case(name)
        }) else {
            return;
        };
        // Innermost first, as lol_html calls the end-tag handlers.
        for index in (at..self.open.len()).rev() {
            let open = self.open[index];
            if let Some(count) = self.open_names.get_mut(&open.hash) {
                *count -= 1;
            }
            if open.closes {
                #[cfg(test)]
                tests::CLOSED.with(|closed| closed.borrow_mut().push((open.key, lt)));
                self.close_key(open.key, lt as u32);
            }
        }
        self.open.truncate(at);
    }

    /// Reads `html[start..end]` in data: the tokens in it are those no handler reports, end
    /// tags (each closes what lol_html's VM closes for it), `</>` (nothing), a tag cut off by
    /// the end of the page, and in foreign content the markers of a CDATA section; the rest is
    /// text for the sink. A CDATA section's text goes as raw (lol_html's text type for it is
    /// neither data nor RCDATA).
    // Out of line: one copy of it, not one in each pass's handler closures (10 KB of wasm).
    #[inline(never)]
    fn data_text(&mut self, start: usize, end: usize) {
        let html = self.html;
        let bytes = &html.as_bytes()[..end];
        let mut at = start;
        let mut in_cdata = false;
        while at < end {
            let from = at;
            let raw = in_cdata;
            // An end tag found after the text: it closes elements once the text is given.
            let mut pending_end = None;
            // Where the text ends (the next markup that is not text) and starts again.
            let (to, next) = if in_cdata {
                in_cdata = false;
                match markup::find(bytes, from, b"]]>") {
                    Some(to) => (to, to + 3),
                    None => (end, end),
                }
            } else {
                let mut scan = from;
                loop {
                    let Some(lt) = markup::memchr(bytes, scan, b'<') else {
                        break (end, end);
                    };
                    match &bytes[lt + 1..] {
                        [b'/', b'>', ..] => break (lt, lt + 3),
                        [b'/', c, ..] if c.is_ascii_alphabetic() => {
                            let after = markup::tag_end(bytes, lt + 2);
                            if after.is_some() {
                                pending_end = Some(lt);
                            }
                            break (lt, after.unwrap_or(end));
                        }
                        // Only a start tag cut off by the end of the page is not reported.
                        [c, ..] if c.is_ascii_alphabetic() => {
                            break (lt, markup::tag_end(bytes, lt + 1).unwrap_or(end));
                        }
                        rest if !self.namespaces.in_html() && rest.starts_with(b"![CDATA[") => {
                            in_cdata = true;
                            break (lt, lt + 9);
                        }
                        _ => scan = lt + 1,
                    }
                }
            };
            if to > from {
                // Pieces start and end at ASCII bytes.
                if let Some(piece) = html.get(from..to) {
                    self.sink.text(piece, raw);
                }
            }
            if let Some(lt) = pending_end {
                self.end_tag(lt);
            }
            at = next;
        }
    }

    /// Closes the element with `key` and everything opened inside it, if it is still open, at
    /// the end tag at byte `end`.
    fn close_key(&mut self, key: u32, end: u32) {
        if let Some(pos) = self.stack.iter().rposition(|f| f.key == key) {
            self.pop(self.stack.len() - pos, end);
        }
        // lol_html closed it and everything it opened after it.
        let closed = self.dangling.partition_point(|&d| d < key);
        self.dangling.truncate(closed);
    }

    /// Notes an element that lol_html still has open although the scanner closed it.
    fn mark_dangling(&mut self, key: u32) {
        // Keys mostly come in increasing order: the insertion is at or near the end.
        let at = self.dangling.partition_point(|&d| d < key);
        if self.dangling.get(at) != Some(&key) {
            self.dangling.insert(at, key);
        }
    }

    /// Depth from the top of the stack of the nearest `target`, searching down until a frame
    /// for which `stop` holds.
    fn find_open(&self, target: impl Fn(Tag) -> bool, stop: impl Fn(Tag) -> bool) -> Option<usize> {
        for (depth, frame) in self.stack.iter().rev().enumerate() {
            if target(frame.tag) {
                return Some(depth + 1);
            }
            if stop(frame.tag) {
                return None;
            }
        }
        None
    }

    /// The implied end tags that an opening `tag` (its start tag at byte `key`) causes, as the
    /// HTML parser applies them.
    fn close_implied(&mut self, tag: Tag, key: u32) {
        use Tag::*;
        if tag.closes_p() {
            if let Some(n) = self.find_open(|t| t == P, |t| t.is_scope_boundary() || t == Button) {
                self.pop_implied(n, key);
            }
        }
        let implied = match tag {
            Li => self.find_open(|t| t == Li, |t| matches!(t, Ul | Ol | Menu) || list_stop(t)),
            Dd | Dt => self.find_open(|t| matches!(t, Dd | Dt), |t| t == Dl || list_stop(t)),
            Tr => self.find_open(|t| t == Tr, |t| matches!(t, Table | Template)),
            Td | Th => self.find_open(|t| matches!(t, Td | Th), |t| matches!(t, Tr | Table)),
            Thead | Tbody | Tfoot => {
                self.find_open(|t| matches!(t, Thead | Tbody | Tfoot), |t| t == Table)
            }
            Option => self.find_open(|t| t == Option, |t| t != Option),
            Optgroup => self.find_open(|t| matches!(t, Option | Optgroup), |t| t == Select),
            A => self.find_open(|t| t == A, |t| t.is_scope_boundary()),
            _ if tag.is_heading() => self.find_open(|t| t.is_heading(), |_| true),
            _ => None,
        };
        if let Some(n) = implied {
            self.pop_implied(n, key);
        }
    }

    /// An element open where a replayed pass starts (its start tag at byte `key`), opened as
    /// it stood then: without the implied end tags its start tag caused.
    fn open_ancestor(&mut self, key: u32) {
        let name = tag_name_at(self.html, key as usize);
        let tag = tag_named(name);
        let in_html = self.namespaces.in_html();
        self.namespaces.start_tag(name, false, |_| None);
        self.push(tag, name, key, in_html);
        self.vm_open(key, name, true);
        self.sink.open(tag, key, None);
    }

    /// The start tag at byte `key` of the page, as lol_html reported it (`el`, in a pass that
    /// runs it) or as a pass that did recorded it (`kind`).
    fn start_tag(&mut self, key: u32, kind: u8, el: Option<&mut Element<'_, '_>>) {
        let html = self.html;
        let name = tag_name_at(html, key as usize);
        let tag = tag_named(name);
        let self_closing = kind & reported::SELF_CLOSING != 0;
        let in_html = self.namespaces.in_html();
        self.namespaces.start_tag(name, self_closing, |name| {
            named(source_attributes(html, key), name)
        });
        // A second <html>, <head> or <body> only merges attributes in a browser.
        let seen = match tag {
            Tag::Html => Some(&mut self.seen_html),
            Tag::Head => Some(&mut self.seen_head),
            Tag::Body => Some(&mut self.seen_body),
            _ => None,
        };
        if let Some(seen) = seen {
            if std::mem::replace(seen, true) {
                self.mark_dangling(key);
                // Open in lol_html, but its end tag closes nothing of the scanner's.
                self.vm_open(key, name, false);
                return;
            }
        }
        if tag == Tag::Body {
            // Content before <body> may have left <head> open.
            if let Some(n) = self.find_open(|t| t == Tag::Head, |_| false) {
                self.pop_implied(n, key);
            }
        }
        self.close_implied(tag, key);
        if self.stack.len() >= MAX_DEPTH {
            self.pop_implied(1, key);
        }
        self.push(tag, name, key, in_html);
        if self.dangling.is_empty() != self.in_step {
            self.in_step = self.dangling.is_empty();
            self.sink.in_step(self.in_step);
        }
        self.sink.open(tag, key, el);
        if kind & reported::CAN_HAVE_CONTENT == 0 {
            // No content, no end tag: it ends where it starts.
            self.pop(1, key);
            return;
        }
        self.vm_open(key, name, true);
    }
}

/// The token interner's FNV-1a of a tag name in lowercase: names compare in any case.
fn name_hash(name: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = crate::token::Fnv::default();
    for &b in name {
        hasher.write_u8(b.to_ascii_lowercase());
    }
    hasher.finish()
}

/// The name of the start tag at byte `start` of `html`, as written, where the tokenizer's
/// tag-name state ends it.
pub fn tag_name_at(html: &str, start: usize) -> &[u8] {
    let name = html.as_bytes().get(start + 1..).unwrap_or_default();
    let len = name
        .iter()
        .position(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'))
        .unwrap_or(name.len());
    &name[..len]
}

/// The tag named `name` (as written in the page: lol_html's `Element::tag_name` allocates a
/// lowercase copy).
fn tag_named(name: &[u8]) -> Tag {
    let mut lower = [0u8; Tag::LONGEST_NAME];
    let Some(buffer) = lower.get_mut(..name.len()) else {
        return Tag::Other;
    };
    buffer.copy_from_slice(name);
    buffer.make_ascii_lowercase();
    std::str::from_utf8(buffer).map_or(Tag::Other, Tag::from_name)
}

/// The attributes of the start tag at byte `start` of `html` (its `<`) as slices of the page,
/// read as lol_html's lexer reads them: names as written (compare them with
/// `eq_ignore_ascii_case`), values with character references still encoded (`""` where there
/// is none), in order, repeated names included. The same as `Element::attributes()` gives
/// (tested on every element of the test pages and of random tags), without the list lol_html
/// allocates for each element that asks.
pub fn source_attributes(html: &str, start: u32) -> SourceAttributes<'_> {
    let at = start as usize + 1 + tag_name_at(html, start as usize).len();
    SourceAttributes { html, at }
}

/// The iterator of [`source_attributes`].
pub struct SourceAttributes<'h> {
    html: &'h str,
    /// Where the lexer's "before attribute name" state goes on; past the end once the tag has.
    at: usize,
}

/// Whitespace in lol_html's tag states.
fn is_tag_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\n' | b'\r' | b'\t' | b'\x0C')
}

impl<'h> Iterator for SourceAttributes<'h> {
    type Item = (&'h str, &'h str);

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.html.as_bytes();
        // Before the attribute's name: whitespace and `/`s that end no tag are passed over.
        loop {
            match bytes.get(self.at) {
                Some(&b) if is_tag_space(b) => self.at += 1,
                Some(b'/') => {
                    // "Self-closing start tag": `/>` ends the tag; anything else is read again
                    // as before a name.
                    self.at += 1;
                    if bytes.get(self.at) == Some(&b'>') {
                        self.at = usize::MAX;
                        return None;
                    }
                }
                Some(b'>') | None => {
                    self.at = usize::MAX;
                    return None;
                }
                Some(_) => break,
            }
        }
        // The name: its first byte whatever it is (an `=` too), then up to whitespace, `=`,
        // `/` or `>`.
        let name_start = self.at;
        self.at += 1;
        while bytes
            .get(self.at)
            .is_some_and(|&b| !is_tag_space(b) && !matches!(b, b'=' | b'/' | b'>'))
        {
            self.at += 1;
        }
        let name = self.html.get(name_start..self.at)?;
        // After the name: whitespace, then `=` for a value; anything else ends the attribute
        // without one and is read again as before the next name.
        while bytes.get(self.at).is_some_and(|&b| is_tag_space(b)) {
            self.at += 1;
        }
        if bytes.get(self.at) != Some(&b'=') {
            return Some((name, ""));
        }
        self.at += 1;
        while bytes.get(self.at).is_some_and(|&b| is_tag_space(b)) {
            self.at += 1;
        }
        match bytes.get(self.at) {
            Some(&quote @ (b'"' | b'\'')) => {
                let value_start = self.at + 1;
                let Some(length) = memchr::memchr(quote, &bytes[value_start..]) else {
                    self.at = usize::MAX;
                    return None;
                };
                self.at = value_start + length + 1;
                Some((name, self.html.get(value_start..value_start + length)?))
            }
            // `a=>`: no value; the `>` ends the tag.
            Some(b'>') | None => Some((name, "")),
            Some(_) => {
                let value_start = self.at;
                while bytes
                    .get(self.at)
                    .is_some_and(|&b| !is_tag_space(b) && b != b'>')
                {
                    self.at += 1;
                }
                Some((name, self.html.get(value_start..self.at)?))
            }
        }
    }
}

/// The value of the attribute `name` (any case) among `attributes` (name, value) as read from
/// the page: as `Element::get_attribute` gives it, the first of that name, with a leading byte
/// order mark dropped (`get_attribute` decodes the value with `Encoding::decode`, which takes
/// one for a byte order mark), but without copying it.
pub fn named<'h>(
    attributes: impl IntoIterator<Item = (&'h str, &'h str)>,
    name: &str,
) -> Option<&'h str> {
    attributes
        .into_iter()
        .find(|(written, _)| written.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.strip_prefix('\u{feff}').unwrap_or(value))
}

/// Elements that end the search for an open `<li>`, `<dd>` or `<dt>`: the parser's special
/// elements other than address, div and p.
fn list_stop(tag: Tag) -> bool {
    tag.is_block() && !matches!(tag, Tag::Address | Tag::Div | Tag::P | Tag::Other)
}

/// Runs one pass over `html`, feeding `sink` and telling it which of `rules` (selector and rule
/// number) each element matches; returns the sink and what lol_html reported, which [`replay`]
/// replays. lol_html runs first ([`Recorder`]), then the scanner over what it reported. (The
/// core does the two steps apart: a page may arrive in pieces.)
#[cfg(test)]
pub fn scan<S: Sink>(
    html: &str,
    sink: S,
    rules: &[(&Selector, u16)],
) -> Result<(S, Recorded), Error> {
    let mut recorder = Recorder::new(rules.iter().map(|&(s, r)| (s.clone(), r)), html.len());
    recorder.write(html.as_bytes())?;
    let recorded = recorder.end()?;
    let sink = scan_recorded(html, &recorded, sink);
    Ok((sink, recorded))
}

/// [`scan`] for a page lol_html has been over already (`recorded`: what it reported on `html`).
pub fn scan_recorded<S: Sink>(html: &str, recorded: &Recorded, sink: S) -> S {
    let driver = Driver::new(html, sink, 0, [false; 3]);
    drive(driver, &recorded.tokens, &recorded.matches, 0..html.len())
}

/// What lol_html reported in a pass over a whole page: its tokens, and the rules lol_html
/// matched on its elements.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recorded {
    /// The start tags, comments and doctypes, in the page's order.
    pub tokens: Vec<Reported>,
    /// The start tag (byte offset) and rule number of each match, in the page's order.
    matches: Vec<(u32, u16)>,
}

impl Recorded {
    /// The token lol_html reported at `bytes` of the page, with its [`reported`] bits.
    fn note(&mut self, bytes: std::ops::Range<usize>, kind: u8) {
        self.tokens.push(Reported {
            start: bytes.start as u32,
            end: bytes.end as u32,
            kind,
        });
    }
}

/// lol_html over a page given a chunk at a time, keeping what it reports ([`Recorded`]).
///
/// The page may still be arriving: lol_html tokenizes each chunk as it comes, and the scanner
/// ([`scan_recorded`]), which reads the page between the tokens, runs once it is all there. The
/// extension hands a page over in several messages, and the tokenizing of the first ones takes
/// place while the others are on their way.
pub struct Recorder {
    rewriter: HtmlRewriter<'static, Output<'static>>,
    recorded: Rc<RefCell<Recorded>>,
}

impl Recorder {
    /// A recorder that also notes which elements match `rules` (selector and rule number);
    /// `size`: the page's length in bytes, if known (for the token list's capacity).
    pub fn new(rules: impl IntoIterator<Item = (Selector, u16)>, size: usize) -> Recorder {
        let recorded = Rc::new(RefCell::new(Recorded {
            // About one token per 100 bytes of a page.
            tokens: Vec::with_capacity(size / 100),
            matches: Vec::new(),
        }));
        let mut settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(MEMORY_LIMIT))
            .append_element_content_handler(element!("*", {
                let recorded = recorded.clone();
                move |el| {
                    let kind = start_tag_kind(el);
                    recorded
                        .borrow_mut()
                        .note(el.source_location().bytes(), kind);
                    Ok(())
                }
            }));
        for (selector, rule) in rules {
            let recorded = recorded.clone();
            settings = settings.append_element_content_handler((
                Cow::Owned(selector),
                ElementContentHandlers::default().element(move |el: &mut Element<'_, '_>| {
                    let key = el.source_location().bytes().start as u32;
                    recorded.borrow_mut().matches.push((key, rule));
                    Ok(())
                }),
            ));
        }
        // Text is read from the page between tokens (Driver::text_to): comments and doctypes
        // are reported only so that their bytes are not taken for text.
        let settings = settings
            .append_document_content_handler(doc_comments!({
                let recorded = recorded.clone();
                move |comment| {
                    recorded
                        .borrow_mut()
                        .note(comment.source_location().bytes(), 0);
                    Ok(())
                }
            }))
            .append_document_content_handler(doctype!({
                let recorded = recorded.clone();
                move |doctype| {
                    recorded
                        .borrow_mut()
                        .note(doctype.source_location().bytes(), 0);
                    Ok(())
                }
            }));
        Recorder {
            rewriter: HtmlRewriter::new(settings, Output(None)),
            recorded,
        }
    }

    /// The next chunk of the page (any bytes: a chunk may end inside a tag or a character).
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.rewriter.write(chunk).map_err(rewriting_error)
    }

    /// The end of the page: what lol_html reported on it.
    pub fn end(self) -> Result<Recorded, Error> {
        let Recorder { rewriter, recorded } = self;
        rewriter.end().map_err(rewriting_error)?;
        // Taken out of the cell the handlers shared (they went with the rewriter): no copy.
        let recorded = std::mem::take(&mut *recorded.borrow_mut());
        Ok(recorded)
    }
}

/// The elements open where a replayed pass starts, as a pass from the start saw them.
pub struct Context<'a> {
    /// Keys of the open elements, outermost first (the document itself not counted).
    pub ancestors: &'a [u32],
    /// Whether an `<html>`, `<head>` and `<body>` were opened before the range.
    pub seen: [bool; 3],
}

impl Context<'_> {
    /// The page's start: nothing open, nothing seen.
    pub const START: Context<'static> = Context {
        ancestors: &[],
        seen: [false; 3],
    };
}

/// Runs one pass over `html[range]` from `reported`, the tokens a pass over the whole page
/// reported ([`scan`]), without running lol_html again: the sink sees what that
/// pass's sink saw from the range's start, with `context`'s open elements opened first. The
/// range starts at a start tag where lol_html and the scanner agreed on the open elements
/// ([`Sink::in_step`]) outside foreign content, or at the page's start with no context; it
/// ends at a token's start or the page's end.
pub fn replay<S: Sink>(
    html: &str,
    reported: &[Reported],
    range: std::ops::Range<usize>,
    context: &Context<'_>,
    sink: S,
) -> S {
    let mut driver = Driver::new(html, sink, range.start, context.seen);
    for &key in context.ancestors {
        driver.open_ancestor(key);
    }
    drive(driver, reported, &[], range)
}

/// Feeds `driver` the tokens of `reported` in `range` and the rule `matches` of their start
/// tags, then the page to the range's end.
fn drive<S: Sink>(
    mut driver: Driver<'_, S>,
    reported: &[Reported],
    matches: &[(u32, u16)],
    range: std::ops::Range<usize>,
) -> S {
    let first = reported.partition_point(|token| (token.start as usize) < range.start);
    let mut matches = matches.iter().peekable();
    for token in &reported[first..] {
        if token.start as usize >= range.end {
            break;
        }
        driver.token(token.start as usize..token.end as usize);
        if token.kind & reported::START_TAG != 0 {
            driver.start_tag(token.start, token.kind, None);
            // After the element is opened, as lol_html calls the rules' handlers after "*".
            while let Some(&(_, rule)) = matches.next_if(|&&(key, _)| key == token.start) {
                driver.sink.matched(rule);
            }
        }
    }
    driver.finish(range.end)
}

/// Where a pass's output goes: into a buffer when the page is rewritten, else nowhere.
///
/// One type for every pass, where a closure would be a type of its own in each: lol_html's
/// whole pipeline is generic over its output, and each type took another copy of it into the
/// wasm build.
pub struct Output<'a>(pub Option<&'a mut Vec<u8>>);

impl lol_html::OutputSink for Output<'_> {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        if let Some(output) = self.0.as_deref_mut() {
            output.extend_from_slice(chunk);
        }
    }
}

/// Runs one pass over `html` and returns the page as the sink rewrote it (elements it
/// removed with `Element::remove` are gone).
pub fn rewrite<S: Sink>(html: &str, sink: S) -> Result<(S, String), Error> {
    let mut output = Vec::with_capacity(html.len());
    let sink = run(html, sink, &mut output)?;
    Ok((sink, String::from_utf8_lossy(&output).into_owned()))
}

/// One pass of lol_html and the scanner together, the scanner given lol_html's elements: for
/// a sink that rewrites the page.
fn run<S: Sink>(html: &str, sink: S, output: &mut Vec<u8>) -> Result<S, Error> {
    let driver = RefCell::new(Driver::new(html, sink, 0, [false; 3]));
    {
        let settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(MEMORY_LIMIT))
            .append_element_content_handler(element!("*", |el| {
                let kind = start_tag_kind(el);
                let bytes = el.source_location().bytes();
                let key = bytes.start as u32;
                let mut driver = driver.borrow_mut();
                driver.token(bytes);
                driver.start_tag(key, kind, Some(el));
                Ok(())
            }))
            .append_document_content_handler(doc_comments!(|comment| {
                driver.borrow_mut().token(comment.source_location().bytes());
                Ok(())
            }))
            .append_document_content_handler(doctype!(|doctype| {
                driver.borrow_mut().token(doctype.source_location().bytes());
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, Output(Some(output)));
        rewriter.write(html.as_bytes()).map_err(rewriting_error)?;
        rewriter.end().map_err(rewriting_error)?;
    }
    Ok(driver.into_inner().finish(html.len()))
}

fn rewriting_error(err: lol_html::errors::RewritingError) -> Error {
    use lol_html::errors::RewritingError;
    match err {
        RewritingError::MemoryLimitExceeded(e) => Error::TooLarge(e.to_string()),
        other => Error::Parse(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{random_below, random_chunks};

    /// Records the stream of a page as an S-expression-like string: `(p text)`.
    struct Outline<'h>(String, &'h str);

    impl<'h> Outline<'h> {
        fn new(html: &'h str) -> Self {
            Outline(String::new(), html)
        }
    }

    impl Sink for Outline<'_> {
        fn open(&mut self, tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
            let name = if tag == Tag::Other {
                String::from_utf8_lossy(tag_name_at(self.1, key as usize)).to_lowercase()
            } else {
                tag.name().to_string()
            };
            self.0.push('(');
            self.0.push_str(&name);
        }
        fn close(&mut self, _end: u32) {
            self.0.push(')');
        }
        fn text(&mut self, text: &str, _raw: bool) {
            self.0.push(' ');
            self.0.push_str(text.trim());
        }
    }

    fn outline(html: &str) -> String {
        scan(html, Outline::new(html), &[]).unwrap().0 .0
    }

    #[test]
    fn nests_implicitly_closed_elements_like_a_browser() {
        let cases = [
            ("<div><p>a<p>b</div>c", "(div(p a)(p b)) c"),
            ("<ul><li>a<li>b</ul>", "(ul(li a)(li b))"),
            ("<dl><dt>a<dd>b<dt>c</dl>", "(dl(dt a)(dd b)(dt c))"),
            (
                "<table><tr><td>a<td>b<tr><td>c</table>",
                "(table(tr(td a)(td b))(tr(td c)))",
            ),
            ("<p>a<div>b</div>", "(p a)(div b)"),
            ("<ul><li><div>a<li>b</ul>", "(ul(li(div a))(li b))"),
            (
                "<ul><li>a<ul><li>b</ul><li>c</ul>",
                "(ul(li a(ul(li b)))(li c))",
            ),
            ("<h2>a<h3>b</h3>", "(h2 a)(h3 b)"),
            ("<p>a<img>b<br/>c", "(p a(img) b(br) c)"),
            ("<b><p>x</b>y</p>", "(b(p x)) y"),
            (
                "<span><jw-player>t</jw-player></span>",
                "(span(jw-player t))",
            ),
        ];
        for (html, expected) in cases {
            assert_eq!(outline(html), expected, "{html}");
        }
    }

    #[test]
    fn closes_everything_at_the_end_and_ignores_stray_end_tags() {
        assert_eq!(
            outline("<div><section><p>a</span></div></div>"),
            "(div(section(p a)))"
        );
    }

    /// A replayed pass over a range sees from its start what a pass over the whole page sees,
    /// the elements open there first: an ancestor's end tag inside the range closes it and
    /// what it holds, as it does in the whole page.
    #[test]
    fn a_range_is_replayed_as_in_the_whole_page() {
        let cases = [
            (
                "<div><section><p>a</p><p>b<span>c</span></section>tail</div>",
                "<p>b",
                &["<div", "<section"][..],
                "(div(section(p b(span c))) tail)",
            ),
            (
                "<body><div><p>x</div>y<p>z",
                "<p>x",
                &["<body", "<div"],
                "(body(div(p x)) y(p z))",
            ),
            (
                "<ul><li>a<li>b<ul><li>c</ul>d</ul>",
                "<li>b",
                &["<ul"],
                "(ul(li b(ul(li c)) d))",
            ),
        ];
        for (html, start, ancestors, expected) in cases {
            let keys: Vec<u32> = ancestors
                .iter()
                .map(|a| html.find(a).unwrap() as u32)
                .collect();
            let context = Context {
                ancestors: &keys,
                seen: [false; 3],
            };
            let range = html.find(start).unwrap()..html.len();
            let (_, recorded) = scan(html, Outline::new(html), &[]).unwrap();
            let outline = replay(html, &recorded.tokens, range, &context, Outline::new(html));
            assert_eq!(outline.0, expected, "{html}");
        }
    }

    /// Lists, per element, the attribute read from the page beside `Element::get_attribute`
    /// for a few names.
    struct AttributePairs<'h> {
        html: &'h str,
        pairs: Vec<(Option<String>, Option<String>)>,
    }

    impl Sink for AttributePairs<'_> {
        fn open(&mut self, _tag: Tag, key: u32, el: Option<&mut Element<'_, '_>>) {
            let el = el.expect("a pass that runs lol_html");
            for name in ["src", "alt", "title", "reversed", "data-x"] {
                self.pairs.push((
                    named(source_attributes(self.html, key), name).map(str::to_owned),
                    el.get_attribute(name),
                ));
            }
        }
        fn close(&mut self, _end: u32) {}
        fn text(&mut self, _text: &str, _raw: bool) {}
    }

    /// Read from the page, an attribute is what `get_attribute` gives: the first of its name in
    /// any case, references still encoded, without a leading byte order mark.
    #[test]
    fn attributes_read_from_the_page_are_get_attributes() {
        let html = "<div title=\"a &amp; b\"><ol REVERSED><li>x</li></ol>\
            <img SRC='\u{feff}data:image/png;base64,AA' alt=\u{feff}\u{feff}y Title=\"\" title=2>\
            <p data-x=\"\u{e9}t\u{e9}\" alt>z</p></div>";
        let sink = AttributePairs {
            html,
            pairs: Vec::new(),
        };
        let (whole, _) = rewrite(html, sink).unwrap();
        assert!(whole.pairs.iter().any(|(read, _)| read.is_some()));
        for (read, got) in &whole.pairs {
            assert_eq!(read, got);
        }
    }

    /// Records where in the page each text it is given lies, and whether it is raw.
    struct TextSpans<'h> {
        html: &'h str,
        spans: Vec<(std::ops::Range<usize>, bool)>,
    }

    impl Sink for TextSpans<'_> {
        fn open(&mut self, _tag: Tag, _key: u32, _el: Option<&mut Element<'_, '_>>) {}
        fn close(&mut self, _end: u32) {}
        fn text(&mut self, text: &str, raw: bool) {
            let start = text.as_ptr() as usize - self.html.as_ptr() as usize;
            self.spans.push((start..start + text.len(), raw));
        }
    }

    /// Spans in order, empty ones dropped, touching ones of the same kind joined: what the
    /// text is, whatever the chunks.
    fn joined(spans: Vec<(std::ops::Range<usize>, bool)>) -> Vec<(std::ops::Range<usize>, bool)> {
        let mut out: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
        for (span, raw) in spans.into_iter().filter(|(span, _)| !span.is_empty()) {
            match out.last_mut() {
                Some((last, last_raw)) if last.end == span.start && *last_raw == raw => {
                    last.end = span.end;
                }
                _ => out.push((span, raw)),
            }
        }
        out
    }

    /// The text lol_html itself reports, with its text types, as spans of the page.
    fn lol_html_text(html: &str) -> Vec<(std::ops::Range<usize>, bool)> {
        use lol_html::doc_text;
        use lol_html::html_content::TextType;
        let spans = RefCell::new(Vec::new());
        let settings = Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("*", |_el| Ok(())))
            .append_document_content_handler(doc_text!(|chunk| {
                let raw = !matches!(chunk.text_type(), TextType::Data | TextType::RCData);
                spans
                    .borrow_mut()
                    .push((chunk.source_location().bytes(), raw));
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(html.as_bytes()).unwrap();
        rewriter.end().unwrap();
        joined(spans.into_inner())
    }

    fn scanned_text(html: &str) -> Vec<(std::ops::Range<usize>, bool)> {
        let sink = TextSpans {
            html,
            spans: Vec::new(),
        };
        joined(scan(html, sink, &[]).unwrap().0.spans)
    }

    /// The markup snippets above and every page of the repository's fixtures and, where the
    /// datasets are present, of the Mozilla set.
    fn test_pages() -> Vec<String> {
        let mut pages: Vec<String> = [
            "a<b>b</b>c",
            "<p>a</span>b</p>c</div>d",
            "<p>x</>y</ >z",
            "<p>a < b <3 <- c</p>",
            "<!doctype html><!-- c -->t<?xml x?>u<!x>v</ x>w",
            "<title>a<b>c</b>&amp;</title><textarea>x</p>y</textarea>z",
            "<script>if (a<b) { x = '</div>'; }</script>t<style>p>a{}</style>u",
            "<noscript><img src=x></noscript><xmp><b></xmp><iframe><p>q</iframe>",
            "<noembed><i>a</i></noembed><noframes><i>b</i></noframes>c",
            "<svg><style>a<b></b></style><title>t</title><![CDATA[x<y]]>z</svg>w",
            "<math><mi>x</mi><![CDATA[ c ]]></math><![CDATA[not]]>",
            "<p>a</p x=\">\" y='>'>b",
            "<div>tail <span class=\"a>b",
            "<p>cut </di",
            "text <",
            "<plaintext><b>all text</b></plaintext>",
            "<table><tr><td>a</td>b</tr></table>c",
            "<ul><li>a<li>b</ul></li>c",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs = vec![
            repo.join("crate/tests/fixtures"),
            repo.join("tests/fixtures"),
        ];
        let mozilla = repo.join("../shared/datasets/readability");
        if let Ok(entries) = std::fs::read_dir(&mozilla) {
            dirs.extend(entries.filter_map(Result::ok).map(|e| e.path()));
        }
        for dir in dirs {
            let mut stack = vec![dir];
            while let Some(dir) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&dir) else {
                    continue;
                };
                for path in entries.filter_map(Result::ok).map(|e| e.path()) {
                    if path.is_dir() {
                        stack.push(path);
                    } else if path.extension().is_some_and(|e| e == "html") {
                        let bytes = std::fs::read(&path).unwrap();
                        pages.push(String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
        }
        assert!(pages.len() > 40, "the fixture pages were not found");
        pages
    }

    /// The text read from the page between tokens is, byte for byte and kind for kind, the
    /// text lol_html reports: on markup that leaves tokens unreported or changes how text
    /// is read, on the repository's fixture pages and on the Mozilla pages where the datasets
    /// are present.
    #[test]
    fn text_between_tokens_is_the_text_lol_html_reports() {
        let pages = test_pages();
        for html in &pages {
            let expected = lol_html_text(html);
            let got = scanned_text(html);
            if got != expected {
                let at = got
                    .iter()
                    .zip(&expected)
                    .position(|(a, b)| a != b)
                    .unwrap_or(got.len().min(expected.len()));
                let show = |spans: &[(std::ops::Range<usize>, bool)]| {
                    spans
                        .get(at)
                        .map(|(span, raw)| format!("{raw} {:?}", &html[span.clone()]))
                };
                panic!(
                    "text differs at span {at}: read {:?}, lol_html {:?}\nin {}",
                    show(&got),
                    show(&expected),
                    &html[..html.len().min(200)]
                );
            }
        }
    }

    thread_local! {
        /// (element key, end tag) for every element an end tag read from the page closed.
        pub static CLOSED: RefCell<Vec<(u32, usize)>> = const { RefCell::new(Vec::new()) };
    }

    /// The same (element key, end tag) pairs as lol_html's own end-tag handlers report them,
    /// registered as the scanner did before it read end tags itself: on every element that
    /// can have content but a second `<html>`, `<head>` or `<body>`.
    fn lol_html_closes(html: &str) -> Vec<(u32, usize)> {
        use lol_html::html_content::EndTag;
        let closed = std::rc::Rc::new(RefCell::new(Vec::new()));
        let seen = RefCell::new(Vec::<String>::new());
        let settings = Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("*", |el| {
                let name = el.tag_name();
                if matches!(name.as_str(), "html" | "head" | "body") {
                    if seen.borrow().contains(&name) {
                        return Ok(());
                    }
                    seen.borrow_mut().push(name);
                }
                let key = el.source_location().bytes().start as u32;
                let closed = std::rc::Rc::clone(&closed);
                // Fails for elements that cannot have content.
                let _ = el.on_end_tag(lol_html::end_tag!(move |end: &mut EndTag<'_>| {
                    closed
                        .borrow_mut()
                        .push((key, end.source_location().bytes().start));
                    Ok(())
                }));
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(html.as_bytes()).unwrap();
        rewriter.end().unwrap();
        let closed = closed.borrow().clone();
        closed
    }

    fn scanned_closes(html: &str) -> Vec<(u32, usize)> {
        CLOSED.with(|closed| closed.borrow_mut().clear());
        scan(html, Outline::new(html), &[]).unwrap();
        CLOSED.with(|closed| closed.borrow().clone())
    }

    /// The end tags read from the page close what lol_html's end-tag handlers said they
    /// close, on the fixture and Mozilla pages and on random markup.
    #[test]
    fn end_tags_close_what_lol_html_reports_them_closing() {
        for html in test_pages() {
            assert_eq!(
                scanned_closes(&html),
                lol_html_closes(&html),
                "{}",
                &html[..html.len().min(200)]
            );
        }
        for html in random_markup(20_000) {
            assert_eq!(scanned_closes(&html), lol_html_closes(&html), "{html:?}");
        }
    }

    /// Where each element starts and ends, as the scanner reports them to its sink.
    struct Extents {
        open: Vec<(u32, u32)>,
        closed: Vec<(u32, u32)>,
    }

    impl Sink for Extents {
        fn open(&mut self, _tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
            self.open.push((key, key));
        }
        fn close(&mut self, end: u32) {
            let (key, inner_end) = self.open.pop().expect("a close for each open");
            assert!(
                end >= key && end >= inner_end,
                "{key}..{end} holds an element ending at {inner_end}"
            );
            if let Some(parent) = self.open.last_mut() {
                parent.1 = end;
            }
            self.closed.push((key, end));
        }
        fn text(&mut self, _text: &str, _raw: bool) {}
    }

    /// Every element ends where a tag starts (its end tag, or the tag that closed it) or at the
    /// end of the page, after its content and nested in its parent.
    #[test]
    fn elements_end_at_the_tag_that_closes_them() {
        for html in test_pages().into_iter().chain(random_markup(5_000)) {
            let sink = Extents {
                open: Vec::new(),
                closed: Vec::new(),
            };
            let closed = scan(&html, sink, &[]).unwrap().0.closed;
            for (key, end) in closed {
                let (key, end) = (key as usize, end as usize);
                assert!(
                    end == html.len() || html.as_bytes()[end] == b'<',
                    "{key}..{end} of {html:?}"
                );
            }
        }
    }

    /// An attribute: where its name is in the page, and its value (`""` for none).
    type AttributeRange = (std::ops::Range<usize>, String);

    /// Per element, its attributes: by lol_html's `Element::attributes()` and by
    /// [`source_attributes`].
    fn attribute_ranges(html: &str) -> Vec<(Vec<AttributeRange>, Vec<AttributeRange>)> {
        let found = std::cell::RefCell::new(Vec::new());
        let settings = Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("*", |el| {
                let start = el.source_location().bytes().start;
                let by_lol_html: Vec<AttributeRange> = el
                    .attributes()
                    .iter()
                    .map(|a| {
                        let value = a.value_source_location().map_or("", |v| &html[v.bytes()]);
                        (a.name_source_location().unwrap().bytes(), value.to_owned())
                    })
                    .collect();
                let ours: Vec<AttributeRange> = source_attributes(html, start as u32)
                    .map(|(name, value)| {
                        let at = name.as_ptr() as usize - html.as_ptr() as usize;
                        (at..at + name.len(), value.to_owned())
                    })
                    .collect();
                found.borrow_mut().push((by_lol_html, ours));
                Ok(())
            }));
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(html.as_bytes()).unwrap();
        rewriter.end().unwrap();
        found.into_inner()
    }

    /// Tags strung together at random from pieces of attributes: names, `=`, quotes, slashes,
    /// whitespace of every kind, `>` inside quoted values.
    fn random_tags(count: usize) -> impl Iterator<Item = String> {
        const PIECES: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\r",
            "\x0C",
            "/",
            "=",
            "\"",
            "'",
            "a",
            "B",
            "x-y",
            "a=1",
            "b=\"2\"",
            "c='3'",
            "d=\"x>y\"",
            "e='<'",
            "f=g/h",
            "=i",
            "\u{feff}",
            "é=ü",
            "&amp;",
            "`",
        ];
        let mut next = random_below(0x2545_f491_4f6c_dd1d_u64);
        (0..count).map(move |_| {
            let mut html = String::from("<p");
            if next(2) == 0 {
                html.push(' ');
            }
            for _ in 0..next(12) {
                html.push_str(PIECES[next(PIECES.len())]);
            }
            // Closed for certain: a `>` after a quote that may be open, then another.
            html.push_str(">\"'>text<br>");
            html
        })
    }

    /// Attributes read from the page are lol_html's, on every element of the test pages, of
    /// random markup and of random tags.
    #[test]
    fn source_attributes_are_lol_html_attributes() {
        let pages = test_pages()
            .into_iter()
            .chain(random_markup(5_000))
            .chain(random_tags(20_000));
        let mut elements = 0;
        for html in pages {
            for (by_lol_html, ours) in attribute_ranges(&html) {
                assert_eq!(ours, by_lol_html, "{:?}", &html[..html.len().min(300)]);
                elements += 1;
            }
        }
        assert!(elements > 100_000, "{elements}");
    }

    /// Markup strung together at random from pieces of tags, comments, raw text elements,
    /// script escapes, foreign content and quotes (a fixed seed: the same cases every run).
    fn random_markup(count: usize) -> impl Iterator<Item = String> {
        const PIECES: &[&str] = &[
            "<",
            "</",
            ">",
            "/>",
            "</>",
            "<!--",
            "-->",
            "<!",
            "<?",
            "<![CDATA[",
            "]]>",
            "p",
            "div",
            "span",
            "b",
            "li",
            "td",
            "table",
            "script",
            "style",
            "title",
            "textarea",
            "noscript",
            "xmp",
            "iframe",
            "plaintext",
            "svg",
            "math",
            "mi",
            "foreignObject",
            " ",
            "\n",
            "=",
            "\"",
            "'",
            "a",
            "x=",
            "text",
            "&amp;",
            "é",
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<svg>",
            "</svg>",
            "<script>",
            "</script>",
            "<title>",
            "</title>",
            "<font color=red>",
            "<annotation-xml encoding=text/html>",
            "</annotation-xml>",
            "<math>",
            "<mi>",
            "</mi>",
            "<desc>",
            "</br>",
            "<foreignObject/>",
            "--",
            "-",
            "<!--<script>",
            "</script ",
            "</SCRIPT>",
            "<body>",
            "</body>",
            "<html>",
            "<style>",
            "</style>",
            "<textarea>",
            "</textarea >",
            "<my-el>",
            "</MY-EL>",
            "<img>",
            "<br>",
        ];
        random_chunks(PIECES, 0x9e37_79b9_7f4a_7c15, 25, count)
    }

    /// The same on random markup.
    #[test]
    fn text_between_tokens_is_the_text_lol_html_reports_on_random_markup() {
        for html in random_markup(20_000) {
            assert_eq!(scanned_text(&html), lol_html_text(&html), "{html:?}");
        }
    }

    /// A pass's events, and for each element opened where a pass may start (lol_html and the
    /// scanner in step, outside SVG and MathML) what a replay from there needs to know.
    struct Events<'h> {
        html: &'h str,
        log: Vec<String>,
        stack: Vec<(u32, Tag)>,
        out_of_step: bool,
        seen: [bool; 3],
        /// Where in `log` the element's opening is, its key, its ancestors' keys, and which of
        /// `<html>`, `<head>`, `<body>` were opened before it.
        starts: Vec<(usize, u32, Vec<u32>, [bool; 3])>,
    }

    impl<'h> Events<'h> {
        fn new(html: &'h str) -> Self {
            Events {
                html,
                log: Vec::new(),
                stack: Vec::new(),
                out_of_step: false,
                seen: [false; 3],
                starts: Vec::new(),
            }
        }
    }

    impl Sink for Events<'_> {
        fn open(&mut self, tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
            let foreign = |t: Tag| matches!(t, Tag::Svg | Tag::Math);
            if !self.out_of_step && !foreign(tag) && !self.stack.iter().any(|&(_, t)| foreign(t)) {
                let ancestors = self.stack.iter().map(|&(key, _)| key).collect();
                self.starts
                    .push((self.log.len(), key, ancestors, self.seen));
            }
            match tag {
                Tag::Html => self.seen[0] = true,
                Tag::Head => self.seen[1] = true,
                Tag::Body => self.seen[2] = true,
                _ => {}
            }
            self.log.push(format!("open {key}"));
            self.stack.push((key, tag));
        }
        fn close(&mut self, end: u32) {
            self.stack.pop();
            self.log.push(format!("close {end}"));
        }
        fn text(&mut self, text: &str, raw: bool) {
            let start = text.as_ptr() as usize - self.html.as_ptr() as usize;
            self.log.push(format!("text {start}+{} {raw}", text.len()));
        }
        fn in_step(&mut self, in_step: bool) {
            self.out_of_step = !in_step;
        }
    }

    /// Replaying the tokens lol_html reported gives the sink what a pass that runs lol_html and
    /// the scanner together gives it ([`rewrite`]'s pass): over the whole page (pass 1,
    /// [`scan`]), and from elements where a pass may start (pass 2: 20 per page), after their
    /// ancestors opened.
    #[test]
    fn a_replay_is_the_pass_it_replays() {
        let pages = test_pages();
        let mut starts_checked = 0;
        for html in pages.iter().map(String::as_str).chain(
            random_markup(5_000)
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        ) {
            let (whole, _) = rewrite(html, Events::new(html)).unwrap();
            let (scanned, recorded) = scan(html, Events::new(html), &[]).unwrap();
            assert_eq!(scanned.log, whole.log, "{html:.200}");
            let step = whole.starts.len().div_ceil(20).max(1);
            for (at, key, ancestors, seen) in whole.starts.iter().step_by(step) {
                let context = Context {
                    ancestors,
                    seen: *seen,
                };
                let range = *key as usize..html.len();
                let replayed = replay(html, &recorded.tokens, range, &context, Events::new(html));
                let opened: Vec<String> = ancestors.iter().map(|k| format!("open {k}")).collect();
                assert_eq!(replayed.log[..ancestors.len()], opened[..], "{html:.200}");
                assert_eq!(
                    replayed.log[ancestors.len()..],
                    whole.log[*at..],
                    "{html:.200}"
                );
                starts_checked += 1;
            }
        }
        assert!(starts_checked > 1_000, "{starts_checked} starts");
    }

    /// A page handed over in pieces is recorded as the whole page is: lol_html's token
    /// positions count from the page's start, wherever a chunk ends (inside a tag, a comment,
    /// a UTF-8 character).
    #[test]
    fn a_page_recorded_in_chunks_is_the_page_recorded_whole() {
        let rules: Vec<(Selector, u16)> = ["div > p", "ul li:nth-child(2)", "[data-x] span"]
            .iter()
            .zip(0..)
            .map(|(s, r)| (s.parse().unwrap(), r))
            .collect();
        let pages = test_pages();
        let random: Vec<String> = random_markup(500).collect();
        let mut matched = 0;
        let mut next = random_below(7);
        for html in pages.iter().chain(&random) {
            let mut whole = Recorder::new(rules.iter().cloned(), html.len());
            whole.write(html.as_bytes()).unwrap();
            let whole = whole.end().unwrap();
            matched += whole.matches.len();
            let mut pieces = Recorder::new(rules.iter().cloned(), 0);
            let bytes = html.as_bytes();
            let longest = 1 + next(4096);
            let mut at = 0;
            while at < bytes.len() {
                let end = (at + 1 + next(longest)).min(bytes.len());
                pieces.write(&bytes[at..end]).unwrap();
                at = end;
            }
            assert_eq!(pieces.end().unwrap(), whole, "{html:.200}");
        }
        assert!(matched > 100, "{matched} matches");
    }

    /// Logs which rule the element opened last matched.
    struct Matches(Vec<(u32, u16)>, u32);

    impl Sink for Matches {
        fn open(&mut self, _tag: Tag, key: u32, _el: Option<&mut Element<'_, '_>>) {
            self.1 = key;
        }
        fn close(&mut self, _end: u32) {}
        fn text(&mut self, _text: &str, _raw: bool) {}
        fn matched(&mut self, rule: u16) {
            self.0.push((self.1, rule));
        }
    }

    /// A rule lol_html matches reaches the sink right after the element it matched opened,
    /// every rule the element matches, in the order they were given.
    #[test]
    fn rules_are_matched_on_the_element_just_opened() {
        let html = "<div><p>a</p><ul><li>1</li><li class=x>2</ul><section data-x><b><span>s</span></b></section></div>";
        let selectors: Vec<Selector> = ["div > p", "li:nth-child(2)", "[data-x] span", ".x"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let rules: Vec<(&Selector, u16)> = selectors.iter().zip(0..).collect();
        let (sink, _) = scan(html, Matches(Vec::new(), 0), &rules).unwrap();
        let at = |s: &str| html.find(s).unwrap() as u32;
        assert_eq!(
            sink.0,
            [
                (at("<p>"), 0),
                (at("<li class"), 1),
                (at("<li class"), 3),
                (at("<span"), 2)
            ]
        );
    }

    #[test]
    fn merges_a_second_body() {
        assert_eq!(outline("<body><p>a<body><p>b"), "(body(p a)(p b))");
    }
}
