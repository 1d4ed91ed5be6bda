//! The namespace lol_html's tokenizer believes it is in (HTML, SVG or MathML), followed tag by
//! tag as its tree-builder simulator follows it.
//!
//! The scanner reads text from the page between the tokens lol_html reports instead of having
//! lol_html report text (see `scan::Driver::text_to`), so it must know what the tokenizer
//! knows about that text: whether a start tag like `<script>` switched it to raw text (only in
//! HTML content) and whether `<![CDATA[` opens a CDATA section (only in foreign content).
//! Both follow the simulator's namespace, not the element nesting: `<svg><p>` leaves SVG at the
//! `<p>`, and `</p>` or `</br>` leaves it too, whether or not they close anything.

/// A namespace of the simulator.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Namespace {
    Html,
    Svg,
    MathMl,
}

/// The simulator's namespace stack (never empty: HTML at the bottom).
pub struct Namespaces {
    stack: Vec<Namespace>,
}

impl Default for Namespaces {
    fn default() -> Self {
        Namespaces {
            stack: vec![Namespace::Html],
        }
    }
}

/// Start tags that end foreign content (the HTML standard's list, as lol_html has it).
const FOREIGN_CONTENT_EXITS: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

const MATHML_TEXT_INTEGRATION_POINTS: &[&str] = &["mi", "mo", "mn", "ms", "mtext"];
const SVG_HTML_INTEGRATION_POINTS: &[&str] = &["desc", "title", "foreignobject"];

fn is_one_of(name: &[u8], names: &[&str]) -> bool {
    names
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

impl Namespaces {
    pub fn current(&self) -> Namespace {
        *self.stack.last().unwrap_or(&Namespace::Html)
    }

    /// Whether the tokenizer is in HTML content: raw text elements switch it to raw text, and
    /// `<![CDATA[` is a bogus comment.
    pub fn in_html(&self) -> bool {
        self.current() == Namespace::Html
    }

    fn enter(&mut self, namespace: Namespace) {
        self.stack.push(namespace);
    }

    fn leave(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    /// A start tag named `name` (as written), self-closing or not, whose attribute values
    /// `attribute` gives by lowercase name.
    // Out of line: inlined, it was copied into every pass's element handler (10 KB of wasm).
    #[inline(never)]
    pub fn start_tag<'a>(
        &mut self,
        name: &[u8],
        self_closing: bool,
        attribute: impl Fn(&str) -> Option<&'a str>,
    ) {
        if name.eq_ignore_ascii_case(b"svg") {
            return self.enter(Namespace::Svg);
        }
        if name.eq_ignore_ascii_case(b"math") {
            return self.enter(Namespace::MathMl);
        }
        let current = self.current();
        if current == Namespace::Html {
            return;
        }
        if is_one_of(name, FOREIGN_CONTENT_EXITS) {
            return self.leave();
        }
        let integration_point = match current {
            Namespace::Svg => is_one_of(name, SVG_HTML_INTEGRATION_POINTS),
            _ => is_one_of(name, MATHML_TEXT_INTEGRATION_POINTS),
        };
        if integration_point {
            if !self_closing {
                self.enter(Namespace::Html);
            }
            return;
        }
        if name.eq_ignore_ascii_case(b"font") {
            if ["color", "size", "face"]
                .iter()
                .any(|a| attribute(a).is_some())
            {
                self.leave();
            }
            return;
        }
        if current == Namespace::MathMl
            && !self_closing
            && name.eq_ignore_ascii_case(b"annotation-xml")
        {
            let encoding = attribute("encoding").unwrap_or_default();
            if encoding.eq_ignore_ascii_case("text/html")
                || encoding.eq_ignore_ascii_case("application/xhtml+xml")
            {
                self.enter(Namespace::Html);
            }
        }
    }

    /// An end tag named `name` (as written), whether or not it closes an element.
    pub fn end_tag(&mut self, name: &[u8]) {
        match self.current() {
            Namespace::Html => {
                // Leaving HTML content inside an integration point.
                let Some(&outer) = self.stack.len().checked_sub(2).map(|i| &self.stack[i]) else {
                    return;
                };
                let leaves = match outer {
                    Namespace::MathMl => {
                        is_one_of(name, MATHML_TEXT_INTEGRATION_POINTS)
                            || name.eq_ignore_ascii_case(b"annotation-xml")
                    }
                    Namespace::Svg => is_one_of(name, SVG_HTML_INTEGRATION_POINTS),
                    Namespace::Html => false,
                };
                if leaves {
                    self.leave();
                }
            }
            current => {
                let own = match current {
                    Namespace::Svg => b"svg".as_slice(),
                    _ => b"math".as_slice(),
                };
                if name.eq_ignore_ascii_case(own) || is_one_of(name, &["p", "br"]) {
                    self.leave();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(tags: &[&str]) -> Namespace {
        let mut namespaces = Namespaces::default();
        for tag in tags {
            match tag.strip_prefix('/') {
                Some(name) => namespaces.end_tag(name.as_bytes()),
                None => {
                    let (name, self_closing) = match tag.strip_suffix('/') {
                        Some(name) => (name, true),
                        None => (*tag, false),
                    };
                    let (name, attribute) = name.split_once(' ').unwrap_or((name, ""));
                    namespaces.start_tag(name.as_bytes(), self_closing, |a| {
                        attribute
                            .split_once('=')
                            .filter(|(n, _)| *n == a)
                            .map(|(_, v)| v)
                    });
                }
            }
        }
        namespaces.current()
    }

    #[test]
    fn follows_the_tree_builder_simulator() {
        use Namespace::*;
        let cases: &[(&[&str], Namespace)] = &[
            (&["svg"], Svg),
            (&["svg", "/svg"], Html),
            (&["svg", "g", "p"], Html),
            (&["svg", "/p"], Html),
            (&["math", "/br"], Html),
            (&["svg", "foreignObject"], Html),
            (&["svg", "foreignObject", "/foreignObject"], Svg),
            (&["svg", "foreignObject/"], Svg),
            (&["math", "mi"], Html),
            (&["math", "mi", "/mi"], MathMl),
            (&["svg", "font"], Svg),
            (&["svg", "font color=red"], Html),
            (&["math", "annotation-xml encoding=text/html"], Html),
            (&["math", "annotation-xml encoding=image/svg"], MathMl),
            (
                &[
                    "math",
                    "annotation-xml encoding=text/html",
                    "/annotation-xml",
                ],
                MathMl,
            ),
            (&["svg", "math"], MathMl),
            (&["/svg"], Html),
        ];
        for (tags, expected) in cases {
            assert_eq!(after(tags), *expected, "{tags:?}");
        }
    }
}
