//! The parts of HTML tokenizing that the scanner redoes on the page's bytes between the tokens
//! lol_html reports (see `scan::Driver::text_to`): where a tag ends, and where the text of a
//! raw text element (script, style, title…) ends. Each follows lol_html's own state machines
//! (`parser/state_machine/syntax`), deviations from the HTML standard included, so that the
//! scanner reads exactly what lol_html would report.

use crate::tag::Tag;

/// How the tokenizer reads the content of an element.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TextKind {
    /// Markup: tags and comments are not text.
    Data,
    /// `<title>`, `<textarea>`: text up to the element's end tag (character references are
    /// decoded later, as in data).
    RcData,
    /// `<style>`, `<iframe>`, `<xmp>`, `<noembed>`, `<noframes>`, `<noscript>`: raw text up to
    /// the end tag.
    RawText,
    /// `<script>`: raw text up to the end tag, which inside `<!--` … `-->` with a `<script>`
    /// in it does not count.
    ScriptData,
    /// `<plaintext>`: raw text to the end of the page.
    PlainText,
}

impl TextKind {
    /// The content's kind after a start tag `tag` named `name` (as written) in HTML content
    /// (lol_html's text type adjustment; in foreign content there is none).
    pub fn after_start_tag(tag: Tag, name: &[u8]) -> TextKind {
        match tag {
            Tag::Title | Tag::Textarea => TextKind::RcData,
            Tag::Script => TextKind::ScriptData,
            Tag::Style | Tag::Iframe | Tag::Xmp | Tag::Noscript => TextKind::RawText,
            // Names the scanner has no tag of its own for.
            Tag::Other if name.eq_ignore_ascii_case(b"plaintext") => TextKind::PlainText,
            Tag::Other
                if name.eq_ignore_ascii_case(b"noembed")
                    || name.eq_ignore_ascii_case(b"noframes") =>
            {
                TextKind::RawText
            }
            _ => TextKind::Data,
        }
    }

    /// Whether its text is not the document's (a sink's `raw`): lol_html's text types other
    /// than data and RCDATA.
    pub fn is_raw(self) -> bool {
        matches!(
            self,
            TextKind::RawText | TextKind::ScriptData | TextKind::PlainText
        )
    }
}

/// The first `byte` in `bytes` from `from` on.
pub fn memchr(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    memchr::memchr(byte, &bytes[from..]).map(|i| from + i)
}

/// The first `needle` in `bytes` from `from` on.
pub fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], needle).map(|i| from + i)
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Where a tag whose name starts at `at` ends (after its `>`), by lol_html's tag states: a `>`
/// inside a quoted attribute value does not end it, a quote inside a name does not start a
/// value. `None` for a tag cut off by the end of the text (which is not text either).
pub fn tag_end(text: &[u8], at: usize) -> Option<usize> {
    #[derive(Clone, Copy)]
    enum State {
        TagName,
        SelfClosing,
        BeforeName,
        Name,
        AfterName,
        BeforeValue,
        Quoted(u8),
        Unquoted,
    }
    let mut state = State::TagName;
    let mut i = at;
    while let Some(&b) = text.get(i) {
        state = match state {
            State::Quoted(quote) if b == quote => State::BeforeName,
            State::Quoted(_) => state,
            _ if b == b'>' => return Some(i + 1),
            State::TagName | State::Name | State::Unquoted if is_space(b) => match state {
                State::Name => State::AfterName,
                _ => State::BeforeName,
            },
            State::TagName | State::Name | State::BeforeName | State::AfterName if b == b'/' => {
                State::SelfClosing
            }
            State::TagName | State::Unquoted => state,
            State::SelfClosing => {
                // Reconsumed in the before-name state.
                if is_space(b) {
                    State::BeforeName
                } else if b == b'/' {
                    State::SelfClosing
                } else {
                    State::Name
                }
            }
            State::BeforeName | State::AfterName if is_space(b) => state,
            State::BeforeName => State::Name,
            State::Name | State::AfterName if b == b'=' => State::BeforeValue,
            State::Name => state,
            State::AfterName => State::Name,
            State::BeforeValue if is_space(b) => state,
            State::BeforeValue if b == b'"' || b == b'\'' => State::Quoted(b),
            State::BeforeValue => State::Unquoted,
        };
        i += 1;
    }
    None
}

/// Whether an end tag for the raw text element `name` starts at `lt` (`</name` followed by
/// whitespace, `/` or `>`; the name's letters in any case). Returns where its name ends.
fn appropriate_end_tag(bytes: &[u8], lt: usize, name: &[u8]) -> Option<usize> {
    let start = lt + 2;
    if bytes.get(lt + 1) != Some(&b'/') {
        return None;
    }
    // The tokenizer's end tag name takes letters only; the name must be all of them.
    let letters = bytes[start.min(bytes.len())..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    let name_end = start + letters;
    let delimiter = *bytes.get(name_end)?;
    (bytes[start..name_end].eq_ignore_ascii_case(name)
        && (is_space(delimiter) || delimiter == b'/' || delimiter == b'>'))
        .then_some(name_end)
}

/// Where the raw text of an element named `name` that starts at `from` ends in `bytes`: the
/// `<` of its end tag and where that tag's name ends; `None` if it runs to the end of `bytes`.
pub fn raw_text_end(
    bytes: &[u8],
    from: usize,
    name: &[u8],
    kind: TextKind,
) -> Option<(usize, usize)> {
    match kind {
        TextKind::RcData | TextKind::RawText => {
            let mut at = from;
            while let Some(lt) = memchr(bytes, at, b'<') {
                if let Some(name_end) = appropriate_end_tag(bytes, lt, name) {
                    return Some((lt, name_end));
                }
                at = lt + 1;
            }
            None
        }
        TextKind::ScriptData => script_data_end(bytes, from, name),
        TextKind::Data | TextKind::PlainText => None,
    }
}

/// [`raw_text_end`] in script data, through lol_html's script data escape states.
fn script_data_end(bytes: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    #[derive(Clone, Copy)]
    enum State {
        Data,
        Escaped,
        EscapedDashDash,
        DoubleEscaped,
        DoubleEscapedDashDash,
    }
    let starts_ci = |at: usize, word: &[u8]| {
        bytes
            .get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    let delimiter = |at: usize| {
        bytes
            .get(at)
            .is_some_and(|&b| is_space(b) || b == b'/' || b == b'>')
    };
    let mut state = State::Data;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match state {
            State::Data => {
                let lt = memchr(bytes, i, b'<')?;
                if let Some(name_end) = appropriate_end_tag(bytes, lt, name) {
                    return Some((lt, name_end));
                }
                if bytes.get(lt + 1) == Some(&b'!') && bytes.get(lt + 2..lt + 4) == Some(b"--") {
                    state = State::EscapedDashDash;
                    i = lt + 4;
                } else {
                    i = lt + 1;
                }
            }
            State::EscapedDashDash | State::Escaped if b == b'<' => {
                if let Some(name_end) = appropriate_end_tag(bytes, i, name) {
                    return Some((i, name_end));
                }
                if starts_ci(i + 1, b"script") {
                    // `<script` then a delimiter: double escaped; else still escaped, the
                    // letters read again.
                    if delimiter(i + 7) {
                        state = State::DoubleEscaped;
                        i += 8;
                    } else {
                        state = State::Escaped;
                        i += 7;
                    }
                } else {
                    state = State::Escaped;
                    i += 1;
                }
            }
            State::EscapedDashDash => {
                state = match b {
                    b'-' => State::EscapedDashDash,
                    b'>' => State::Data,
                    _ => State::Escaped,
                };
                i += 1;
            }
            State::Escaped => {
                if bytes.get(i..i + 2) == Some(b"--") {
                    state = State::EscapedDashDash;
                    i += 2;
                } else {
                    i += 1;
                }
            }
            State::DoubleEscaped | State::DoubleEscapedDashDash if b == b'<' => {
                // `</script` then a delimiter: back to escaped.
                if bytes.get(i + 1) == Some(&b'/') && starts_ci(i + 2, b"script") {
                    if delimiter(i + 8) {
                        state = State::Escaped;
                        i += 9;
                    } else {
                        state = State::DoubleEscaped;
                        i += 8;
                    }
                } else {
                    state = State::DoubleEscaped;
                    i += 1;
                }
            }
            State::DoubleEscapedDashDash => {
                state = match b {
                    b'-' => State::DoubleEscapedDashDash,
                    // lol_html goes back to script data here (the standard: to escaped).
                    b'>' => State::Data,
                    _ => State::DoubleEscaped,
                };
                i += 1;
            }
            State::DoubleEscaped => {
                if bytes.get(i..i + 2) == Some(b"--") {
                    state = State::DoubleEscapedDashDash;
                    i += 2;
                } else {
                    i += 1;
                }
            }
        }
    }
    None
}
