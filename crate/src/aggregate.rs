//! Subtree statistics: each node's text, links, commas and element counts summed over its
//! descendants, in one reverse walk over the preorder tree (children before parents).

use crate::score::Mode;
use crate::tag::Tag;
use crate::tree::{flag, Tree, NO_PARENT};

/// Statistics of one subtree.
#[derive(Debug, Default, Clone, Copy)]
pub struct Agg {
    /// Characters of text.
    pub text: u32,
    /// Characters inside links, fragment links weighted 0.3 as in Readability.
    pub link: f32,
    pub commas: u32,
    pub p: u32,
    pub img: u32,
    pub li: u32,
    pub input: u32,
    pub embed: u32,
    /// Embeds from known video hosts.
    pub video: u32,
    pub tables: u32,
    /// Characters inside headings.
    pub heading_text: u32,
    /// Characters inside text containers (p, span, li, td, div…), summed per container.
    pub textish_text: u32,
    /// Characters inside ul/ol.
    pub list_text: u32,
    pub rows: u32,
    /// The most cells in one row.
    pub columns: u32,
    /// Has caption, thead, tfoot, colgroup, col or th: marks a data table.
    pub table_markers: u32,
    /// Text nodes of video-player chrome, and their characters.
    pub player_texts: u32,
    /// Index of the last node of the subtree, for skipping it in a preorder walk.
    pub last: u32,
}

impl Agg {
    /// Several paragraphs of text with few links: what an article is made of, whatever the
    /// class names around it say.
    pub fn is_prose(&self) -> bool {
        self.p >= 2 && self.text >= 500 && self.link_density() < 0.25
    }

    pub fn link_density(&self) -> f32 {
        if self.text == 0 {
            0.0
        } else {
            (self.link / self.text as f32).min(1.0)
        }
    }
}

/// Which nodes a pass leaves out (with everything inside them).
pub fn excluded(tree: &Tree, mode: Mode) -> Vec<bool> {
    let mut out = vec![false; tree.nodes.len()];
    for (i, node) in tree.nodes.iter().enumerate() {
        let parent_out = node.parent != NO_PARENT && out[node.parent as usize];
        out[i] = parent_out
            || (mode.drop_hidden && node.has(flag::HIDDEN))
            || (mode.strip_unlikely && node.has(flag::UNLIKELY))
            || node.tag.is_non_content()
                && !matches!(
                    node.tag,
                    Tag::Iframe | Tag::Embed | Tag::Object | Tag::Video
                );
    }
    out
}

/// Sums every subtree, leaving out the `excluded` nodes.
pub fn aggregate(tree: &Tree, excluded: &[bool]) -> Vec<Agg> {
    let n = tree.nodes.len();
    let mut agg = vec![Agg::default(); n];
    for i in (0..n).rev() {
        let node = &tree.nodes[i];
        let mut a = agg[i];
        if a.last < i as u32 {
            a.last = i as u32;
        }
        if !excluded[i] {
            a.text += node.text;
            a.commas += node.commas;
            if node.has(flag::PLAYER_TEXT) {
                a.player_texts += 1;
            }
            use Tag::*;
            match node.tag {
                A => a.link = a.text as f32 * if node.has(flag::HASH_LINK) { 0.3 } else { 1.0 },
                P => a.p += 1,
                Img => a.img += 1,
                Li => a.li += 1,
                Input => a.input += 1,
                Iframe | Embed | Object => {
                    a.embed += 1;
                    if node.has(flag::VIDEO) {
                        a.video += 1;
                    }
                }
                Table => a.tables += 1,
                Tr => {
                    a.rows += 1;
                    a.columns = a.columns.max(node.children);
                }
                Caption | Thead | Tfoot | Colgroup | Col | Th => a.table_markers += 1,
                _ => {}
            }
            if node.tag.is_heading() {
                a.heading_text = a.text;
            }
            if matches!(node.tag, Ul | Ol) {
                a.list_text = a.text;
            }
            if matches!(
                node.tag,
                Span | Li | Td | P | Div | Blockquote | Pre | Section | Article | Dd | Dt | Other
            ) || node.tag.is_heading()
            {
                // As Readability's `_getTextDensity`: the whole text of each such element.
                a.textish_text += a.text;
            }
        } else {
            // Keep only the subtree bounds of an excluded node.
            a = Agg {
                last: a.last,
                ..Agg::default()
            };
        }
        agg[i] = a;
        if node.parent != NO_PARENT {
            let p = &mut agg[node.parent as usize];
            p.last = p.last.max(a.last);
            p.text += a.text;
            p.link += a.link;
            p.commas += a.commas;
            p.p += a.p;
            p.img += a.img;
            p.li += a.li;
            p.input += a.input;
            p.embed += a.embed;
            p.video += a.video;
            p.tables += a.tables;
            p.heading_text += a.heading_text;
            p.textish_text += a.textish_text;
            p.list_text += a.list_text;
            p.rows += a.rows;
            p.columns = p.columns.max(a.columns);
            p.table_markers += a.table_markers;
            p.player_texts += a.player_texts;
        }
    }
    agg
}
