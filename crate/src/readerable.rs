//! A fast "is this an article?" signal for the toolbar icon, from the same scan.
//!
//! Readability.js's `isProbablyReaderable` (Apache-2.0, mozilla/readability): visible, likely
//! paragraphs (`p`, `pre`, `article`) of 140 characters or more each add the square root of
//! their excess length; the page is readerable once the sum passes 20.

use crate::aggregate::Agg;
use crate::tag::Tag;
use crate::tree::{flag, Tree, NO_PARENT};

const MIN_LENGTH: u32 = 140;
const MIN_SCORE: f64 = 20.0;

pub fn is_readerable(tree: &Tree, agg: &[Agg]) -> bool {
    let mut in_li = vec![false; tree.nodes.len()];
    let mut score = 0.0;
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.parent != NO_PARENT {
            let p = node.parent as usize;
            in_li[i] = in_li[p] || tree.nodes[p].tag == Tag::Li;
        }
        // Divs of text broken by <br> count as paragraphs too.
        let paragraph = matches!(node.tag, Tag::P | Tag::Pre | Tag::Article)
            || (node.tag == Tag::Div && node.has(flag::HAS_BR_CHILD));
        if !paragraph
            || node.has(flag::HIDDEN)
            || node.has(flag::UNLIKELY_CLASS)
            || (node.tag == Tag::P && in_li[i])
        {
            continue;
        }
        let length = agg[i].text;
        if length < MIN_LENGTH {
            continue;
        }
        score += f64::from(length - MIN_LENGTH).sqrt();
        if score > MIN_SCORE {
            return true;
        }
    }
    false
}
