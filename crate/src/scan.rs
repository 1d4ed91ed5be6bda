//! Drives `lol_html` over a page and turns its events into a properly nested element stream.
//!
//! `lol_html` is a tokenizer with selector matching, not a tree builder: end-tag handlers fire
//! late or never for elements the HTML parser closes implicitly (`<p>a<p>b</div>`). So the
//! scanner keeps its own stack, applies the parser's implied-end rules that matter for
//! structure (paragraphs, list items, table cells, options, headings), and treats an explicit
//! end tag as closing everything opened after its element. Elements are keyed by the byte
//! offset of their start tag, which is the same in every pass over the same bytes.

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{Element, TextType};
use std::borrow::Cow;

use lol_html::{
    doc_text, element, ElementContentHandlers, HtmlRewriter, MemorySettings, Selector, Settings,
};

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
    fn open(&mut self, tag: Tag, key: u32, el: &mut Element<'_, '_>);
    /// The innermost open element closed.
    fn close(&mut self);
    /// The element opened last matched clutter rule `rule` (called right after its `open`).
    fn matched(&mut self, _rule: u16) {}
    /// A chunk of text inside the innermost open element. `raw` is false for script and style
    /// content; character references are still encoded in data text.
    fn text(&mut self, text: &str, raw: bool);
    /// Whether lol_html's open elements are the scanner's, from the next [`Sink::open`] on
    /// (called when that changes; they are at the start). They differ while an element the
    /// scanner closed by an implied end tag is still open for lol_html: its end tag may then
    /// close elements that the scanner keeps open. A pass may start at an element only where
    /// they are the same ([`scan_range`]).
    fn in_step(&mut self, _in_step: bool) {}
}

/// Where a pass over a byte range of the page starts: lol_html is first given the start tags
/// of the open elements there, so that it and the scanner see the page from there on as in a
/// pass from the start.
struct RangeStart {
    /// Bytes of the made-up start tags written before the range.
    prefix_len: usize,
    /// Keys of the elements open at the range's start, outermost first, and how many of them
    /// lol_html has reported so far.
    ancestors: Vec<u32>,
    opened: usize,
    /// Where the range starts in the page.
    start: usize,
}

#[derive(Clone, Copy)]
struct Frame {
    tag: Tag,
    key: u32,
}

struct Driver<'h, S> {
    html: &'h str,
    sink: S,
    stack: Vec<Frame>,
    /// Keys of the elements whose end tags lol_html reported, being closed.
    pending: Vec<u32>,
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
    range: Option<RangeStart>,
}

impl<S: Sink> Driver<'_, S> {
    fn pop(&mut self, count: usize) {
        for _ in 0..count {
            self.stack.pop();
            self.sink.close();
        }
    }

    /// Pops `count` elements that their end tags did not close: lol_html keeps them open.
    fn pop_implied(&mut self, count: usize) {
        for _ in 0..count {
            if let Some(frame) = self.stack.pop() {
                self.mark_dangling(frame.key);
            }
            self.sink.close();
        }
    }

    /// Closes the element with `key` and everything opened inside it, if it is still open.
    fn close_key(&mut self, key: u32) {
        if let Some(pos) = self.stack.iter().rposition(|f| f.key == key) {
            self.pop(self.stack.len() - pos);
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

    /// The implied end tags that an opening `tag` causes, as the HTML parser applies them.
    fn close_implied(&mut self, tag: Tag) {
        use Tag::*;
        if tag.closes_p() {
            if let Some(n) = self.find_open(|t| t == P, |t| t.is_scope_boundary() || t == Button) {
                self.pop_implied(n);
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
            self.pop_implied(n);
        }
    }

    fn open(&mut self, el: &mut Element<'_, '_>, closes: &Rc<RefCell<Vec<u32>>>) {
        let mut key = el.source_location().bytes().start;
        if let Some(range) = &mut self.range {
            if key < range.prefix_len {
                // A made-up start tag of an element open at the range's start: it is opened
                // as it stood then, without the implied end tags its tag caused.
                let key = range.ancestors[range.opened];
                range.opened += 1;
                let tag = tag_at(self.html, key as usize);
                self.stack.push(Frame { tag, key });
                self.sink.open(tag, key, el);
                self.close_on_end_tag(el, key, closes);
                return;
            }
            key = key - range.prefix_len + range.start;
        }
        let tag = tag_at(self.html, key);
        let key = key as u32;
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
                return;
            }
        }
        if tag == Tag::Body {
            // Content before <body> may have left <head> open.
            if let Some(n) = self.find_open(|t| t == Tag::Head, |_| false) {
                self.pop_implied(n);
            }
        }
        self.close_implied(tag);
        if self.stack.len() >= MAX_DEPTH {
            self.pop_implied(1);
        }
        self.stack.push(Frame { tag, key });
        if self.dangling.is_empty() != self.in_step {
            self.in_step = self.dangling.is_empty();
            self.sink.in_step(self.in_step);
        }
        self.sink.open(tag, key, el);
        if !el.can_have_content() {
            self.pop(1);
            return;
        }
        self.close_on_end_tag(el, key, closes);
    }

    /// Has lol_html report the end tag of the element `key` (which can have content).
    fn close_on_end_tag(
        &mut self,
        el: &mut Element<'_, '_>,
        key: u32,
        closes: &Rc<RefCell<Vec<u32>>>,
    ) {
        let closes = Rc::clone(closes);
        // Only fails for elements that can't have content.
        let _ = el.on_end_tag(Box::new(move |_| {
            closes.borrow_mut().push(key);
            Ok(())
        }));
    }

    fn flush(&mut self, closes: &Rc<RefCell<Vec<u32>>>) {
        // Swapped with a buffer kept for the next flush: taking the vector would leave an
        // empty one that allocates again at the next end tag.
        let mut pending = std::mem::take(&mut self.pending);
        std::mem::swap(&mut pending, &mut *closes.borrow_mut());
        for &key in &pending {
            self.close_key(key);
        }
        pending.clear();
        self.pending = pending;
    }
}

/// The tag of the start tag at byte `start` of `html`, read from the page (lol_html's
/// `Element::tag_name` allocates a lowercase copy).
fn tag_at(html: &str, start: usize) -> Tag {
    // The tag name ends where the tokenizer's tag-name state ends it.
    let name = html.as_bytes().get(start + 1..).unwrap_or_default();
    let len = name
        .iter()
        .position(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'))
        .unwrap_or(name.len());
    let mut lower = [0u8; Tag::LONGEST_NAME];
    let Some(buffer) = lower.get_mut(..len) else {
        return Tag::Other;
    };
    buffer.copy_from_slice(&name[..len]);
    buffer.make_ascii_lowercase();
    std::str::from_utf8(buffer).map_or(Tag::Other, Tag::from_name)
}

/// The attributes of an element's start tag as slices of the page it was scanned from: names
/// as written (compare them with `eq_ignore_ascii_case`), values with character references
/// still encoded, as `Element::get_attribute` gives them but without copying either.
pub fn source_attributes<'a, 'h: 'a>(
    html: &'h str,
    el: &'a Element<'_, '_>,
) -> impl Iterator<Item = (&'h str, &'h str)> + 'a {
    el.attributes().iter().filter_map(move |attribute| {
        let name = html.get(attribute.name_source_location()?.bytes())?;
        let value = attribute
            .value_source_location()
            .and_then(|value| html.get(value.bytes()))
            .unwrap_or_default();
        Some((name, value))
    })
}

/// The value of an element's attribute `name` (any case) as a slice of the page, character
/// references still encoded, as `Element::get_attribute` gives it (a leading byte order mark
/// dropped) but without copying it.
/// `key` is the element's key as [`Sink::open`] got it: in a pass over a range, lol_html's
/// locations are in the bytes it was given (made-up start tags, then the range), and the key
/// says where the start tag is in the page.
pub fn attribute<'h>(html: &'h str, key: u32, el: &Element<'_, '_>, name: &str) -> Option<&'h str> {
    let shift = key as isize - el.source_location().bytes().start as isize;
    let in_page = |bytes: std::ops::Range<usize>| {
        html.get(bytes.start.checked_add_signed(shift)?..bytes.end.checked_add_signed(shift)?)
    };
    el.attributes().iter().find_map(|attribute| {
        let written = in_page(attribute.name_source_location()?.bytes())?;
        if !written.eq_ignore_ascii_case(name) {
            return None;
        }
        let value = attribute
            .value_source_location()
            .and_then(|value| in_page(value.bytes()))
            .unwrap_or_default();
        // `get_attribute` decodes the value with `Encoding::decode`, which takes a leading
        // byte order mark for one and drops it.
        Some(value.strip_prefix('\u{feff}').unwrap_or(value))
    })
}

/// Elements that end the search for an open `<li>`, `<dd>` or `<dt>`: the parser's special
/// elements other than address, div and p.
fn list_stop(tag: Tag) -> bool {
    tag.is_block() && !matches!(tag, Tag::Address | Tag::Div | Tag::P | Tag::Other)
}

/// Runs one pass over `html`, feeding `sink`, and returns the sink.
pub fn scan<S: Sink>(html: &str, sink: S) -> Result<S, Error> {
    scan_with_rules(html, sink, &[])
}

/// Runs one pass over `html`, also telling `sink` which of `rules` (selector and rule number)
/// each element matches.
pub fn scan_with_rules<S: Sink>(
    html: &str,
    sink: S,
    rules: &[(&Selector, u16)],
) -> Result<S, Error> {
    run(html, sink, rules, None, None)
}

/// The elements open where a pass over a byte range of a page starts, as a pass from the
/// start saw them.
pub struct Context<'a> {
    /// Keys of the open elements, outermost first (the document itself not counted).
    pub ancestors: &'a [u32],
    /// Whether an `<html>`, `<head>` and `<body>` were opened before the range.
    pub seen: [bool; 3],
}

/// Runs one pass over `html[range]`, which starts at a start tag where lol_html and the
/// scanner agree on the open elements ([`Sink::in_step`]) outside foreign content, as a pass
/// from the start of the page would: the sink first sees `context`'s open elements opened
/// (with made-up start tags: no attributes), then the range's events with their keys in
/// `html`.
pub fn scan_range<S: Sink>(
    html: &str,
    range: std::ops::Range<usize>,
    context: &Context<'_>,
    sink: S,
) -> Result<S, Error> {
    run(html, sink, &[], None, Some((range, context)))
}

/// Runs one pass over `html` and returns the page as the sink rewrote it (elements it
/// removed with `Element::remove` are gone).
pub fn rewrite<S: Sink>(html: &str, sink: S) -> Result<(S, String), Error> {
    let mut output = Vec::with_capacity(html.len());
    let sink = run(html, sink, &[], Some(&mut output), None)?;
    Ok((sink, String::from_utf8_lossy(&output).into_owned()))
}

fn run<S: Sink>(
    html: &str,
    sink: S,
    rules: &[(&Selector, u16)],
    mut output: Option<&mut Vec<u8>>,
    range: Option<(std::ops::Range<usize>, &Context<'_>)>,
) -> Result<S, Error> {
    let closes: Rc<RefCell<Vec<u32>>> = Rc::default();
    // The made-up start tags of the elements open at the range's start.
    let mut prefix = Vec::new();
    if let Some((_, context)) = &range {
        for &key in context.ancestors {
            let name = &html.as_bytes()[key as usize + 1..];
            let len = name
                .iter()
                .position(|b| matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ' | b'/' | b'>'))
                .unwrap_or(name.len());
            prefix.push(b'<');
            prefix.extend_from_slice(&name[..len]);
            prefix.push(b'>');
        }
    }
    let (seen, bytes) = match &range {
        Some((range, context)) => (context.seen, &html.as_bytes()[range.clone()]),
        None => ([false; 3], html.as_bytes()),
    };
    let driver = RefCell::new(Driver {
        html,
        sink,
        stack: Vec::with_capacity(64),
        pending: Vec::new(),
        seen_html: seen[0],
        seen_head: seen[1],
        seen_body: seen[2],
        dangling: Vec::new(),
        in_step: true,
        range: range.as_ref().map(|(range, context)| RangeStart {
            prefix_len: prefix.len(),
            ancestors: context.ancestors.to_vec(),
            opened: 0,
            start: range.start,
        }),
    });
    {
        let mut settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(MemorySettings::new().with_max_allowed_memory_usage(MEMORY_LIMIT))
            .append_element_content_handler(element!("*", |el| {
                let mut driver = driver.borrow_mut();
                driver.flush(&closes);
                driver.open(el, &closes);
                Ok(())
            }));
        // Registered after "*", so they run after the element was opened.
        for &(selector, rule) in rules {
            let driver = &driver;
            settings = settings.append_element_content_handler((
                Cow::Borrowed(selector),
                ElementContentHandlers::default().element(move |_: &mut Element<'_, '_>| {
                    driver.borrow_mut().sink.matched(rule);
                    Ok(())
                }),
            ));
        }
        let settings = settings.append_document_content_handler(doc_text!(|chunk| {
            let mut driver = driver.borrow_mut();
            driver.flush(&closes);
            let text = chunk.as_str();
            if !text.is_empty() {
                let raw = !matches!(chunk.text_type(), TextType::Data | TextType::RCData);
                driver.sink.text(text, raw);
            }
            Ok(())
        }));
        let mut rewriter = HtmlRewriter::new(settings, |chunk: &[u8]| {
            if let Some(output) = output.as_deref_mut() {
                output.extend_from_slice(chunk);
            }
        });
        if !prefix.is_empty() {
            rewriter.write(&prefix).map_err(rewriting_error)?;
        }
        rewriter.write(bytes).map_err(rewriting_error)?;
        rewriter.end().map_err(rewriting_error)?;
    }
    let mut driver = driver.into_inner();
    driver.flush(&closes);
    let open = driver.stack.len();
    driver.pop(open);
    Ok(driver.sink)
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

    /// Records the stream as an S-expression-like string: `(p text)`.
    #[derive(Default)]
    struct Outline(String);

    impl Sink for Outline {
        fn open(&mut self, tag: Tag, _key: u32, el: &mut Element<'_, '_>) {
            let name = if tag == Tag::Other {
                el.tag_name()
            } else {
                tag.name().to_string()
            };
            self.0.push('(');
            self.0.push_str(&name);
        }
        fn close(&mut self) {
            self.0.push(')');
        }
        fn text(&mut self, text: &str, _raw: bool) {
            self.0.push(' ');
            self.0.push_str(text.trim());
        }
    }

    fn outline(html: &str) -> String {
        scan(html, Outline::default()).unwrap().0
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

    /// A pass over a range sees from its start what a pass over the whole page sees, the
    /// elements open there first: an ancestor's end tag inside the range closes it and what
    /// it holds, as it does in the whole page.
    #[test]
    fn a_range_is_scanned_as_in_the_whole_page() {
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
            let outline = scan_range(html, range, &context, Outline::default()).unwrap();
            assert_eq!(outline.0, expected, "{html}");
        }
    }

    /// Lists, per element, `attribute` beside `Element::get_attribute` for a few names.
    struct AttributePairs<'h> {
        html: &'h str,
        pairs: Vec<(Option<String>, Option<String>)>,
    }

    impl Sink for AttributePairs<'_> {
        fn open(&mut self, _tag: Tag, key: u32, el: &mut Element<'_, '_>) {
            for name in ["src", "alt", "title", "reversed", "data-x"] {
                self.pairs.push((
                    attribute(self.html, key, el, name).map(str::to_owned),
                    el.get_attribute(name),
                ));
            }
        }
        fn close(&mut self) {}
        fn text(&mut self, _text: &str, _raw: bool) {}
    }

    /// Read from the page, an attribute is what `get_attribute` gives, in a pass over the whole
    /// page and over a range of it (where lol_html's locations are not the page's).
    #[test]
    fn attributes_read_from_the_page_are_get_attributes() {
        let html = "<div title=\"a &amp; b\"><ol REVERSED><li>x</li></ol>\
            <img SRC='\u{feff}data:image/png;base64,AA' alt=\u{feff}\u{feff}y Title=\"\" title=2>\
            <p data-x=\"\u{e9}t\u{e9}\" alt>z</p></div>";
        let whole = scan(
            html,
            AttributePairs {
                html,
                pairs: Vec::new(),
            },
        )
        .unwrap();
        assert!(whole.pairs.iter().any(|(read, _)| read.is_some()));
        for (read, got) in &whole.pairs {
            assert_eq!(read, got);
        }
        let key = html.find("<div").unwrap() as u32;
        let context = Context {
            ancestors: &[key],
            seen: [false; 3],
        };
        let range = html.find("<ol").unwrap()..html.len();
        let sink = AttributePairs {
            html,
            pairs: Vec::new(),
        };
        let ranged = scan_range(html, range, &context, sink).unwrap();
        // The made-up start tag of the <div> has no attributes; the rest is as in the page.
        assert_eq!(
            ranged.pairs[..5],
            [
                (None, None),
                (None, None),
                (None, None),
                (None, None),
                (None, None)
            ]
        );
        assert_eq!(ranged.pairs[5..], whole.pairs[5..]);
    }

    #[test]
    fn merges_a_second_body() {
        assert_eq!(outline("<body><p>a<body><p>b"), "(body(p a)(p b))");
    }
}
