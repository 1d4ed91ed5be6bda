//! Cleaning a page in place: the page keeps its markup and layout, and only the clutter
//! elements are taken out. The CLI's `klartext clean` writes the page without them; the
//! extension hides the same elements in the live page, found by their position in document
//! order (node `n` of the tree is the `n`-th element of `document.getElementsByTagName("*")`).

use lol_html::html_content::Element;
use serde::Serialize;

use crate::clean::{Action, Plan, Removal};
use crate::clutter::Category;
use crate::scan::{replay, rewrite, Context, Sink};
use crate::tag::Tag;
use crate::text;
use crate::tree::{flag, Tree};

/// How much text a removal's preview shows.
const PREVIEW_CHARS: usize = 100;

/// One block taken out, as users see it in "show what was removed".
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Removed {
    /// The element's position in document order, counting from 1 (`<html>`).
    pub element: u32,
    pub category: Option<Category>,
    /// The rule line, or the name of the signal that fired (`class-word`, `player-text`…).
    pub rule: String,
    /// The start of its text.
    pub preview: String,
}

/// Collects the previews of removed elements while a pass streams by: the text inside each
/// target element, cut short.
pub struct Previews<'a> {
    targets: &'a [Removal],
    next: usize,
    /// Depth of the open target and the index of its removal.
    open: Option<(usize, usize)>,
    depth: usize,
    texts: Vec<String>,
}

impl<'a> Previews<'a> {
    pub fn new(targets: &'a [Removal]) -> Previews<'a> {
        Previews {
            targets,
            next: 0,
            open: None,
            depth: 0,
            texts: vec![String::new(); targets.len()],
        }
    }

    /// An element opened; `index` is its node index. Returns whether it is a target.
    pub fn open(&mut self, index: u32) -> bool {
        self.depth += 1;
        while self.targets.get(self.next).is_some_and(|t| t.node < index) {
            self.next += 1;
        }
        let hit =
            self.open.is_none() && self.targets.get(self.next).is_some_and(|t| t.node == index);
        if hit {
            self.open = Some((self.depth, self.next));
            self.next += 1;
        }
        hit
    }

    pub fn close(&mut self) {
        if self.open.is_some_and(|(depth, _)| depth == self.depth) {
            self.open = None;
        }
        self.depth = self.depth.saturating_sub(1);
    }

    pub fn text(&mut self, chunk: &str) {
        if let Some((_, i)) = self.open {
            let text = &mut self.texts[i];
            if text.chars().count() < PREVIEW_CHARS * 2 {
                text.push_str(&text::decode(chunk));
            }
        }
    }

    /// The report, one entry per target.
    pub fn finish(self) -> Vec<Removed> {
        self.targets
            .iter()
            .zip(self.texts)
            .map(|(removal, text)| {
                let collapsed = text::collapse(&text);
                let preview = match collapsed.char_indices().nth(PREVIEW_CHARS) {
                    Some((cut, _)) => format!("{}…", &collapsed[..cut]),
                    None => collapsed,
                };
                Removed {
                    element: removal.node,
                    category: removal.category,
                    rule: removal.rule.to_string(),
                    preview,
                }
            })
            .collect()
    }
}

/// Removes the target elements from the page as it streams through (in a replay, which writes
/// nothing, it only takes their previews).
struct Remover<'a> {
    previews: Previews<'a>,
    next: u32,
}

impl Sink for Remover<'_> {
    // A rewriting pass (`remove`) gives the element; a replay (`find`) has none and only takes
    // the previews.
    fn open(&mut self, _tag: Tag, _key: u32, el: Option<&mut Element<'_, '_>>) {
        let index = self.next;
        self.next += 1;
        if self.previews.open(index) {
            if let Some(el) = el {
                el.remove();
            }
        }
    }

    fn close(&mut self, _end: u32) {
        self.previews.close();
    }

    fn text(&mut self, chunk: &str, raw: bool) {
        if !raw {
            self.previews.text(chunk);
        }
    }
}

/// Writes `html` without the `targets` and reports what went.
pub fn remove(html: &str, targets: &[Removal]) -> Result<(String, Vec<Removed>), crate::Error> {
    let remover = Remover {
        previews: Previews::new(targets),
        next: 1,
    };
    let (remover, output) = rewrite(html, remover)?;
    Ok((output, remover.previews.finish()))
}

/// What `remove` reports of the `targets`, without writing the page: pass 1's tokens replayed
/// (no second lol_html pass, no output), for the extension, which hides the blocks in the live
/// page and needs only their list.
pub fn find(html: &str, tree: &Tree, targets: &[Removal]) -> Vec<Removed> {
    let finder = Remover {
        previews: Previews::new(targets),
        next: 1,
    };
    replay(html, &tree.reported, 0..html.len(), &Context::START, finder)
        .previews
        .finish()
}

/// A plan that writes one element (node `element`) and everything in it, as the article's
/// blocks are written, for showing a removed block again. What never shows (scripts, styles,
/// forms' controls, embeds) and what the page hides stay out.
pub fn block_plan(tree: &Tree, element: u32) -> Result<Plan, crate::Error> {
    let n = tree.nodes.len();
    if element == 0 || element as usize >= n {
        return Err(crate::Error::NoElement(element));
    }
    let mut actions = vec![Action::Outside; n];
    // Preorder: the subtree is the run of nodes after `element` whose parent is in it.
    let mut i = element as usize;
    while i < n
        && (i == element as usize || actions[tree.nodes[i].parent as usize] != Action::Outside)
    {
        let node = &tree.nodes[i];
        actions[i] = if node.tag.is_non_content() || node.has(flag::HIDDEN) {
            Action::Drop
        } else {
            Action::Keep
        };
        i += 1;
    }
    Ok(Plan {
        actions,
        removed: Vec::new(),
        text_chars: 0,
        root: element,
    })
}
