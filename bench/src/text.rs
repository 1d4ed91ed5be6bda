//! Turning article HTML into the text a reader sees, and the measures on that text.
//!
//! Every tool's article HTML and Mozilla's `expected.html` go through the same [`html_to_text`],
//! so that differences in the scores come from what a tool kept, not from how it writes text:
//! bag-of-words over `\w+` tokens is sensitive to whether two blocks' words run together.

use std::collections::HashMap;

use dom_query::{Document, NodeRef};

/// Elements that start a new line where they open and close (HTML's block-level and table
/// elements, plus `br`): their text never runs into a neighbour's.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "option",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content a reader never sees as text.
const HIDDEN_ELEMENTS: &[&str] = &["head", "noscript", "script", "style", "template"];

enum Step<'a> {
    Enter(NodeRef<'a>),
    /// Closing an element: a block ends its line; leaving `pre` restores whitespace collapsing.
    Leave {
        block: bool,
        pre: bool,
    },
}

/// The text of `html` as a reader sees it: whitespace collapsed (except inside `pre`), each block
/// on its own line, without script, style or other hidden content. Image `alt` text is left out,
/// as a reader sees the image.
pub fn html_to_text(html: &str) -> String {
    let document = Document::from(html);
    let mut raw = String::with_capacity(html.len() / 2);
    let mut pre_depth = 0usize;
    // An explicit stack: article HTML can nest deeper than the thread's stack would allow.
    let mut stack = vec![Step::Enter(document.root())];
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave { block, pre } => {
                if block {
                    raw.push('\n');
                }
                if pre {
                    pre_depth -= 1;
                }
            }
            Step::Enter(node) if node.is_text() => {
                let text = node.text();
                if pre_depth > 0 {
                    raw.push_str(&text);
                } else {
                    push_collapsed(&mut raw, &text);
                }
            }
            Step::Enter(node) if node.is_element() => {
                let name = node.node_name().unwrap_or_default().to_ascii_lowercase();
                if HIDDEN_ELEMENTS.contains(&name.as_str()) {
                    continue;
                }
                let block = BLOCK_ELEMENTS.contains(&name.as_str());
                let pre = name == "pre";
                if block {
                    raw.push('\n');
                }
                if pre {
                    pre_depth += 1;
                }
                stack.push(Step::Leave { block, pre });
                push_children(&mut stack, &node);
            }
            Step::Enter(node) if node.is_document() || node.is_fragment() => {
                push_children(&mut stack, &node);
            }
            Step::Enter(_) => {} // comments, doctypes, processing instructions
        }
    }
    raw.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn push_children<'a>(stack: &mut Vec<Step<'a>>, node: &NodeRef<'a>) {
    // Reversed, so that the first child is popped first.
    stack.extend(node.children_it(true).map(Step::Enter));
}

/// Appends `text` with every run of whitespace turned into one space, as HTML renders it.
fn push_collapsed(out: &mut String, text: &str) {
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            in_space = true;
        } else {
            if in_space {
                out.push(' ');
                in_space = false;
            }
            out.push(c);
        }
    }
    if in_space {
        out.push(' ');
    }
}

/// WCXB's tokens: the text lowercased, then every run of `\w` characters (letters, digits,
/// underscore), as Python's `re.findall(r'\w+', text.lower())` finds them.
pub fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|token| !token.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Precision, recall and F1 of one page.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// WCXB's bag-of-words measure: the overlap counts each token as often as it occurs in both
/// texts. `reference` must have at least one token; an empty prediction scores 0.
pub fn bag_of_words(predicted: &str, reference: &str) -> Prf {
    let predicted = tokens(predicted);
    let reference = tokens(reference);
    if predicted.is_empty() || reference.is_empty() {
        return Prf::default();
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for token in &reference {
        *counts.entry(token).or_default() += 1;
    }
    let mut overlap = 0usize;
    for token in &predicted {
        if let Some(count) = counts.get_mut(token.as_str()) {
            if *count > 0 {
                *count -= 1;
                overlap += 1;
            }
        }
    }
    let precision = overlap as f64 / predicted.len() as f64;
    let recall = overlap as f64 / reference.len() as f64;
    let f1 = if overlap == 0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Prf {
        precision,
        recall,
        f1,
    }
}

/// Text in the form snippets are looked for in: lowercase, whitespace runs as one space.
pub fn normalize_for_snippets(text: &str) -> String {
    text.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_separated_and_inline_elements_are_not() {
        let html =
            "<div><h1>Title</h1><p>One <b>bold</b>ly</p><p>two</p><ul><li>a</li><li>b</li></ul>\
                    <table><tr><td>c1</td><td>c2</td></tr></table>x<br>y</div>";
        assert_eq!(
            html_to_text(html),
            "Title\nOne boldly\ntwo\na\nb\nc1\nc2\nx\ny"
        );
    }

    #[test]
    fn hidden_content_is_dropped_and_pre_keeps_its_lines() {
        let html = "<p>a<script>var x;</script><style>p{}</style></p><pre>line 1\n  line 2</pre>";
        assert_eq!(html_to_text(html), "a\nline 1\nline 2");
    }

    #[test]
    fn tokens_are_lowercase_word_runs() {
        assert_eq!(
            tokens("Hello, WORLD! snake_case 3.14 Größe"),
            ["hello", "world", "snake_case", "3", "14", "größe"]
        );
    }

    #[test]
    fn bag_of_words_counts_repeated_tokens_once_per_occurrence() {
        let score = bag_of_words("a a a b", "a b c d");
        assert_eq!(score.precision, 0.5);
        assert_eq!(score.recall, 0.5);
        assert_eq!(score.f1, 0.5);
        assert_eq!(bag_of_words("", "a").f1, 0.0);
    }
}
