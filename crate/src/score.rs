//! Picks the article: scores paragraphs into their ancestors, chooses the best candidate, and
//! gathers the siblings that belong with it.
//!
//! The signals are Readability.js's (Apache-2.0, mozilla/readability), computed from the
//! streamed tree rather than a DOM: a paragraph of 25 characters or more scores
//! 1 + commas + 1 + min(length / 100, 3) and gives it to its parent in full, its grandparent
//! at half and further ancestors at a third of their distance; candidates start from a tag
//! prior and the class/id weight and are discounted by their link density.

use crate::aggregate::Agg;
use crate::tag::Tag;
use crate::tree::{flag, Tree, NO_PARENT};

/// Which heuristics are on. Retries turn them off one by one when a page yields too little
/// text: Readability's three, then a last one that also reads hidden elements, for pages
/// whose content is still hidden until a script shows it (streamed server rendering).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mode {
    pub strip_unlikely: bool,
    pub weight_classes: bool,
    pub clean_conditionally: bool,
    pub drop_hidden: bool,
}

impl Mode {
    const fn new(
        strip_unlikely: bool,
        weight_classes: bool,
        clean_conditionally: bool,
        drop_hidden: bool,
    ) -> Mode {
        Mode {
            strip_unlikely,
            weight_classes,
            clean_conditionally,
            drop_hidden,
        }
    }

    pub const ALL: [Mode; 5] = [
        Mode::new(true, true, true, true),
        Mode::new(false, true, true, true),
        Mode::new(false, false, true, true),
        Mode::new(false, false, false, true),
        Mode::new(false, true, true, false),
    ];
}

const MIN_PARAGRAPH: u32 = 25;
const TOP_CANDIDATES: usize = 5;
const WIDE_CANDIDATES: usize = 15;
const ANCESTOR_LEVELS: usize = 5;

/// The chosen article: its root and the sibling subtrees that join it, in document order.
#[derive(Debug, Clone)]
pub struct Selection {
    pub root: u32,
    pub members: Vec<u32>,
    /// Final candidate scores (0 for non-candidates), for the cleaner's checks.
    pub scores: Vec<f32>,
    /// The best-scoring candidate, which the root contains: the cleaner never drops it.
    pub best: u32,
}

fn tag_prior(tag: Tag) -> f32 {
    use Tag::*;
    match tag {
        Div => 5.0,
        Pre | Td | Blockquote => 3.0,
        Address | Ol | Ul | Dl | Dd | Dt | Li | Form => -3.0,
        H1 | H2 | H3 | H4 | H5 | H6 | Th => -5.0,
        _ => 0.0,
    }
}

/// Elements whose own paragraph text is scored (divs holding only inline content are
/// paragraphs to Readability).
fn is_scored(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        P | Pre | Td | Section | H2 | H3 | H4 | H5 | H6 | Div | Other
    )
}

/// Scored elements that count their whole text, as Readability's `textContent` does.
fn scores_whole_text(tag: Tag) -> bool {
    use Tag::*;
    matches!(tag, Section)
}

/// A div or section whose only content is one paragraph, with few links.
fn is_paragraph_wrapper(tree: &Tree, agg: &[Agg], i: u32) -> bool {
    let node = &tree.nodes[i as usize];
    matches!(node.tag, Tag::Div | Tag::Section)
        && node.children == 1
        && node.inline_text == 0
        && tree
            .nodes
            .get(i as usize + 1)
            .is_some_and(|child| child.tag == Tag::P)
        && agg[i as usize].link_density() < 0.25
}

pub fn weight(tree: &Tree, i: u32, mode: Mode) -> f32 {
    if mode.weight_classes {
        tree.nodes[i as usize].weight as f32
    } else {
        0.0
    }
}

/// Children of `parent` in document order.
pub fn children<'a>(tree: &'a Tree, agg: &'a [Agg], parent: u32) -> impl Iterator<Item = u32> + 'a {
    let end = agg[parent as usize].last;
    let mut next = parent + 1;
    std::iter::from_fn(move || {
        if next > end || next as usize >= tree.nodes.len() {
            return None;
        }
        let child = next;
        next = agg[child as usize].last + 1;
        Some(child)
    })
}

pub fn select(tree: &Tree, agg: &[Agg], excluded: &[bool], mode: Mode) -> Selection {
    let n = tree.nodes.len();
    let body = tree.body_or_root();
    let mut scores = vec![0.0f32; n];
    let mut candidate = vec![false; n];
    // Whether a node has a section above it (parents come before children in the tree).
    let mut in_section = vec![false; n];
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.parent != NO_PARENT {
            let parent = node.parent as usize;
            in_section[i] = in_section[parent] || tree.nodes[parent].tag == Tag::Section;
        }
    }

    for (i, node) in tree.nodes.iter().enumerate() {
        if excluded[i] || !is_scored(node.tag) {
            continue;
        }
        // Readability scores a div by the text it holds outside child blocks (it turns that
        // text into paragraphs) but a section by all of its text, so that a page built of
        // sections scores their parent. Its commas are left out here: a section holding a
        // whole page would otherwise outweigh the article inside it.
        // Sections nested in sections are parts of one block: only the outermost one scores.
        if node.tag == Tag::Section && in_section[i] {
            continue;
        }
        let (text, commas) = if scores_whole_text(node.tag) {
            (agg[i].text, 0)
        } else {
            (node.inline_text, node.inline_commas)
        };
        if text < MIN_PARAGRAPH {
            continue;
        }
        let score = 2.0 + commas as f32 + (text / 100).min(3) as f32;
        // Loose text beside child blocks is wrapped into paragraphs inside this element.
        let mut ancestor = if node.has(flag::HAS_BLOCK_CHILD)
            && node.tag != Tag::P
            && !scores_whole_text(node.tag)
        {
            i as u32
        } else {
            node.parent
        };
        let mut level = 0;
        while level < ANCESTOR_LEVELS {
            if ancestor != NO_PARENT && is_paragraph_wrapper(tree, agg, ancestor) {
                // Readability replaces a wrapper of a single paragraph by the paragraph.
                ancestor = tree.nodes[ancestor as usize].parent;
                continue;
            }
            // The document and <html> are never candidates.
            if ancestor == NO_PARENT
                || matches!(tree.nodes[ancestor as usize].tag, Tag::Html | Tag::Document)
            {
                break;
            }
            let a = ancestor as usize;
            if !candidate[a] {
                candidate[a] = true;
                scores[a] = tag_prior(tree.nodes[a].tag) + weight(tree, ancestor, mode);
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                _ => level as f32 * 3.0,
            };
            scores[a] += score / divider;
            ancestor = tree.nodes[a].parent;
            level += 1;
        }
    }

    // The best candidates, best first: Readability looks at five, the repeated-sections rule
    // at more.
    let mut wide: Vec<u32> = Vec::with_capacity(WIDE_CANDIDATES + 1);
    for i in 0..n {
        if !candidate[i] {
            continue;
        }
        scores[i] *= 1.0 - agg[i].link_density();
        let pos = wide
            .iter()
            .position(|&t| scores[t as usize] < scores[i])
            .unwrap_or(wide.len());
        if pos < WIDE_CANDIDATES {
            wide.insert(pos, i as u32);
            wide.truncate(WIDE_CANDIDATES);
        }
    }
    let top = &wide[..wide.len().min(TOP_CANDIDATES)];

    let Some(&best) = top.first() else {
        return Selection {
            root: body,
            members: vec![body],
            scores,
            best: body,
        };
    };
    let mut root = best;
    if root == body || matches!(tree.nodes[root as usize].tag, Tag::Html | Tag::Document) {
        return Selection {
            root: body,
            members: vec![body],
            scores,
            best: body,
        };
    }
    let is_ancestor = |a: u32, d: u32| a < d && agg[a as usize].last >= d;

    // Several close runners-up under one ancestor: the article is that ancestor.
    let close: Vec<u32> = top[1..]
        .iter()
        .copied()
        .filter(|&t| scores[t as usize] / scores[root as usize] >= 0.75)
        .collect();
    if close.len() >= 3 {
        let mut parent = tree.nodes[root as usize].parent;
        while parent != NO_PARENT && parent != body {
            if close.iter().filter(|&&c| is_ancestor(parent, c)).count() >= 3 {
                root = parent;
                break;
            }
            parent = tree.nodes[parent as usize].parent;
        }
    }
    if let Some(ancestor) = repeated_sections(tree, agg, &scores, &wide, body) {
        if is_ancestor(ancestor, root) {
            root = ancestor;
        }
    }
    if !candidate[root as usize] {
        candidate[root as usize] = true;
        scores[root as usize] = tag_prior(tree.nodes[root as usize].tag) + weight(tree, root, mode);
    }

    // A parent that scores higher (it got half of its children's paragraphs) is better.
    let mut parent = tree.nodes[root as usize].parent;
    let mut last_score = scores[root as usize];
    let threshold = last_score / 3.0;
    while parent != NO_PARENT && parent != body {
        if !candidate[parent as usize] {
            parent = tree.nodes[parent as usize].parent;
            continue;
        }
        let parent_score = scores[parent as usize];
        if parent_score < threshold {
            break;
        }
        if parent_score > last_score {
            root = parent;
            break;
        }
        last_score = parent_score;
        parent = tree.nodes[parent as usize].parent;
    }

    // An only child stands for its parent.
    loop {
        let parent = tree.nodes[root as usize].parent;
        if parent == NO_PARENT || parent == body || live_children(tree, agg, excluded, parent) != 1
        {
            break;
        }
        root = parent;
    }
    if !candidate[root as usize] {
        scores[root as usize] = tag_prior(tree.nodes[root as usize].tag) + weight(tree, root, mode);
    }

    let members = siblings(tree, agg, excluded, &scores, root);
    Selection {
        root,
        members,
        scores,
        best,
    }
}

/// An article split into sections styled alike (several well-scored blocks with one class,
/// each holding part of the text) is their common ancestor, when together they outweigh the
/// best single block by half again.
fn repeated_sections(
    tree: &Tree,
    agg: &[Agg],
    scores: &[f32],
    wide: &[u32],
    body: u32,
) -> Option<u32> {
    let best_score = scores[*wide.first()? as usize];
    let is_ancestor = |a: u32, d: u32| a < d && agg[a as usize].last >= d;
    let mut best_group: Option<(f32, u32)> = None;
    for (k, &first) in wide.iter().enumerate() {
        let class = tree.nodes[first as usize].class_hash;
        if class == 0
            || wide[..k]
                .iter()
                .any(|&c| tree.nodes[c as usize].class_hash == class)
        {
            continue;
        }
        let group: Vec<u32> = wide
            .iter()
            .copied()
            .filter(|&c| tree.nodes[c as usize].class_hash == class)
            .collect();
        let nested = group
            .iter()
            .any(|&a| group.iter().any(|&d| is_ancestor(a, d)));
        // Each section carries prose of its own: teaser cards are short and link-heavy.
        let prose = group
            .iter()
            .all(|&c| agg[c as usize].text >= 400 && agg[c as usize].link_density() < 0.3);
        if group.len() < 3 || nested || !prose {
            continue;
        }
        let total: f32 = group.iter().map(|&c| scores[c as usize]).sum();
        if total <= best_score * 1.5 || best_group.is_some_and(|(t, _)| t >= total) {
            continue;
        }
        let mut ancestor = tree.nodes[group[0] as usize].parent;
        while ancestor != NO_PARENT && !group.iter().all(|&c| is_ancestor(ancestor, c)) {
            ancestor = tree.nodes[ancestor as usize].parent;
        }
        if ancestor == NO_PARENT
            || ancestor == body
            || matches!(tree.nodes[ancestor as usize].tag, Tag::Html | Tag::Document)
        {
            continue;
        }
        best_group = Some((total, ancestor));
    }
    best_group.map(|(_, ancestor)| ancestor)
}

/// Whether the subtree at `i` has a `<figure>` or `<figcaption>` (within a few levels).
fn has_figure(tree: &Tree, agg: &[Agg], i: u32) -> bool {
    (i..=agg[i as usize].last)
        .take(64)
        .any(|n| matches!(tree.nodes[n as usize].tag, Tag::Figure | Tag::Figcaption))
}

fn live_children(tree: &Tree, agg: &[Agg], excluded: &[bool], parent: u32) -> usize {
    children(tree, agg, parent)
        .filter(|&c| !excluded[c as usize])
        .count()
}

/// The root's siblings that belong to the article: well-scored ones, and paragraphs of prose.
fn siblings(tree: &Tree, agg: &[Agg], excluded: &[bool], scores: &[f32], root: u32) -> Vec<u32> {
    let parent = tree.nodes[root as usize].parent;
    if parent == NO_PARENT {
        return vec![root];
    }
    let root_score = scores[root as usize];
    let threshold = (root_score * 0.2).max(10.0);
    let root_class = tree.nodes[root as usize].class_hash;
    children(tree, agg, parent)
        .filter(|&s| {
            if s == root {
                return true;
            }
            if excluded[s as usize] {
                return false;
            }
            let node = &tree.nodes[s as usize];
            let same_class = root_class != 0 && node.class_hash == root_class;
            let bonus = if same_class { root_score * 0.2 } else { 0.0 };
            if scores[s as usize] != 0.0 && scores[s as usize] + bonus >= threshold {
                return true;
            }
            // A section styled like the root, with prose in it, continues the article even when
            // its paragraphs sit too deep to have scored it.
            let a = &agg[s as usize];
            if same_class && a.text >= 140 && a.link_density() < 0.25 {
                return true;
            }
            // The lead image: a figure (or a wrapper of one) before the body, its caption with
            // it.
            if s < root
                && a.img > 0
                && a.link_density() < 0.5
                && a.text < 400
                && has_figure(tree, agg, s)
            {
                return true;
            }
            if node.tag == Tag::P {
                let density = a.link_density();
                return (a.text > 80 && density < 0.25)
                    || (a.text < 80 && a.text > 0 && density == 0.0 && node.has(flag::SENTENCE));
            }
            false
        })
        .collect()
}
