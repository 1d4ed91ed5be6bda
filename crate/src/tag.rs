//! Interned HTML tag names and the few facts about them that the scanner and scorer need.

macro_rules! tags {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A known HTML tag, or `Other` for everything else (custom elements, SVG internals…).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Tag { $($variant,)* Other }

        impl Tag {
            /// Bytes of the longest known tag name: longer names are `Other`.
            pub const LONGEST_NAME: usize = {
                let mut longest = 0;
                $(if $name.len() > longest { longest = $name.len(); })*
                longest
            };

            /// Interns a lowercase tag name.
            pub fn from_name(name: &str) -> Tag {
                match name { $($name => Tag::$variant,)* _ => Tag::Other }
            }

            pub fn name(self) -> &'static str {
                match self { $(Tag::$variant => $name,)* Tag::Other => "div" }
            }
        }
    };
}

tags! {
    A => "a", Abbr => "abbr", Address => "address", Applet => "applet", Article => "article",
    Aside => "aside", Audio => "audio", B => "b", Base => "base", Bdi => "bdi", Bdo => "bdo",
    Blockquote => "blockquote", Body => "body", Br => "br", Button => "button", Canvas => "canvas",
    Caption => "caption", Center => "center", Cite => "cite", Code => "code", Col => "col",
    Colgroup => "colgroup", Data => "data", Dd => "dd", Del => "del", Details => "details",
    Dfn => "dfn", Document => "#document", Dialog => "dialog", Dir => "dir", Div => "div", Dl => "dl", Dt => "dt",
    Em => "em", Embed => "embed", Fieldset => "fieldset", Figcaption => "figcaption",
    Figure => "figure", Font => "font", Footer => "footer", Form => "form", H1 => "h1",
    H2 => "h2", H3 => "h3", H4 => "h4", H5 => "h5", H6 => "h6", Head => "head",
    Header => "header", Hgroup => "hgroup", Hr => "hr", Html => "html", I => "i",
    Iframe => "iframe", Img => "img", Input => "input", Ins => "ins", Kbd => "kbd",
    Label => "label", Legend => "legend", Li => "li", Link => "link", Main => "main",
    Map => "map", Mark => "mark", Marquee => "marquee", Math => "math", Menu => "menu",
    Meta => "meta", Nav => "nav", Noscript => "noscript", Object => "object", Ol => "ol",
    Optgroup => "optgroup", Option => "option", Output => "output", P => "p", Param => "param",
    Picture => "picture", Pre => "pre", Q => "q", Rp => "rp", Rt => "rt", Ruby => "ruby",
    S => "s", Samp => "samp", Script => "script", Section => "section", Select => "select",
    Small => "small", Source => "source", Span => "span", Strike => "strike",
    Strong => "strong", Style => "style", Sub => "sub", Summary => "summary", Sup => "sup",
    Svg => "svg", Table => "table", Tbody => "tbody", Td => "td", Template => "template",
    Textarea => "textarea", Tfoot => "tfoot", Th => "th", Thead => "thead", Time => "time",
    Title => "title", Tr => "tr", Track => "track", Tt => "tt", U => "u", Ul => "ul",
    Var => "var", Video => "video", Wbr => "wbr", Xmp => "xmp",
}

impl Tag {
    /// Elements that start a new block of text: text inside them is not part of the
    /// surrounding paragraph. Unknown elements (custom elements) count as blocks, since sites
    /// use them as containers far more often than inline.
    pub fn is_block(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Document
                | Address
                | Article
                | Aside
                | Blockquote
                | Body
                | Caption
                | Center
                | Dd
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Dt
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Html
                | Li
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Tbody
                | Td
                | Tfoot
                | Th
                | Thead
                | Tr
                | Ul
                | Legend
                | Option
                | Select
                | Textarea
                | Other
        )
    }

    /// Elements whose start tag closes an open `<p>` (the HTML parser's "close a p element").
    pub fn closes_p(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Address
                | Article
                | Aside
                | Blockquote
                | Center
                | Details
                | Dialog
                | Dir
                | Div
                | Dl
                | Fieldset
                | Figcaption
                | Figure
                | Footer
                | Form
                | H1
                | H2
                | H3
                | H4
                | H5
                | H6
                | Header
                | Hgroup
                | Hr
                | Main
                | Menu
                | Nav
                | Ol
                | P
                | Pre
                | Section
                | Summary
                | Table
                | Ul
                | Li
                | Dd
                | Dt
                | Xmp
        )
    }

    pub fn is_heading(self) -> bool {
        matches!(
            self,
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6
        )
    }

    /// Elements whose content is never article text.
    pub fn is_non_content(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Script
                | Style
                | Template
                | Noscript
                | Head
                | Title
                | Textarea
                | Select
                | Option
                | Optgroup
                | Button
                | Input
                | Svg
                | Canvas
                | Object
                | Embed
                | Applet
                | Map
                | Iframe
                | Audio
                | Video
                | Link
                | Meta
                | Base
        )
    }

    /// The scope boundaries of the HTML parser's "has an element in scope" checks.
    pub fn is_scope_boundary(self) -> bool {
        use Tag::*;
        matches!(
            self,
            Applet | Caption | Html | Table | Td | Th | Marquee | Object | Template | Svg | Math
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Tag;

    #[test]
    fn interns_known_and_unknown_names() {
        assert_eq!(Tag::from_name("blockquote"), Tag::Blockquote);
        assert_eq!(Tag::from_name("jw-player"), Tag::Other);
        assert_eq!(Tag::Blockquote.name(), "blockquote");
    }
}
