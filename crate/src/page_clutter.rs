//! What clean in place hides on a whole page: every element a rule, a class name or player
//! text marks, the clutter the reader view finds inside the article, and what sits around the
//! article only to send the reader elsewhere (rails of links, small widgets). The site keeps
//! its layout: its navigation, header and footer, and what comes before the article.

use crate::aggregate::Agg;
use crate::clean::{
    is_ad_label, is_clutter, is_player_chrome, Removal, CLUTTER_MAX_SHARE, SHARE_MAX_TEXT,
};
use crate::clutter::Category;
use crate::rules;
use crate::score::{Mode, Selection};
use crate::tag::Tag;
use crate::tree::{flag, Tree};

/// The clutter on the whole page, for cleaning it in place: every element a rule, a class
/// name or player text marks, outside the article's root path and best candidate, and the
/// rails of links around the article ([`outside_article`]). Navigation is kept, since the
/// site keeps its layout. In document order; a removal may lie inside another.
///
/// Only the `categories` given are hidden; the user's own rules always apply, whatever the
/// element's size or place.
pub fn find(
    tree: &Tree,
    agg: &[Agg],
    sel: &Selection,
    html: &str,
    categories: rules::Categories,
) -> Vec<Removal> {
    let root_text = agg[sel.root as usize].text.max(1) as f32;
    // Statistics over every element, also those the scorer leaves out (a sidebar's widgets).
    let whole = crate::aggregate::aggregate(
        tree,
        &crate::aggregate::excluded(tree, Mode::ALL[Mode::ALL.len() - 1]),
    );
    let mut removed = Vec::new();
    let mut i = 1;
    while (i as usize) < tree.nodes.len() {
        let node = &tree.nodes[i as usize];
        let a = &agg[i as usize];
        let protected =
            (i <= sel.root && a.last >= sel.root) || (i <= sel.best && a.last >= sel.best);
        let user_rule = node
            .rule
            .map(|r| tree.rules.get(r))
            .filter(|r| r.category == Category::User);
        let verdict = if matches!(node.tag, Tag::Html | Tag::Head | Tag::Body) {
            None
        } else if let Some(rule) = user_rule {
            // The user picked this element: it goes whatever its size or place on the page.
            Some((rule.category, rule.text.as_str()))
        } else if protected {
            None
        } else if let Some(rule) = node
            .rule
            .filter(|_| (a.text as f32) < root_text * CLUTTER_MAX_SHARE)
        {
            let rule = tree.rules.get(rule);
            Some((rule.category, rule.text.as_str()))
        } else if let Some(category) = node.clutter.filter(|&c| is_clutter(c, a, root_text)) {
            Some((category, "class-word"))
        } else if is_player_chrome(node, a) {
            Some((Category::VideoChrome, "player-text"))
        } else if node.has(flag::SHARE) && a.text < SHARE_MAX_TEXT {
            Some((Category::Social, "share"))
        } else if is_ad_label(tree, agg, i, html) {
            Some((Category::Ads, "ad-label"))
        } else if is_account_button(tree, &whole, i) {
            Some((Category::Promotions, "account-link"))
        } else {
            None
        };
        match verdict {
            Some((category, rule))
                if category != Category::Navigation && categories.contains(category) =>
            {
                removed.push(Removal {
                    node: i,
                    category: Some(category),
                    rule: rule.to_string(),
                });
                i = a.last + 1;
            }
            _ => i += 1,
        }
    }
    // Around an article only: on a page without one (a front page, a list of teasers), the
    // "rails" are the page's content.
    if crate::readerable::is_readerable(tree, &whole) {
        removed.extend(outside_article(tree, &whole, sel));
    }
    widen_share_bars(tree, &whole, sel, &mut removed);
    // What the other signals found inside a block of a category the user switched off stays
    // with its block (a comment section's heading, taken as page furniture), and the rails and
    // bars found around the article are of categories too.
    removed.retain(|r| {
        r.category.is_none_or(|c| categories.contains(c))
            && (r.category == Some(Category::User)
                || !in_switched_off_block(tree, r.node, categories))
    });
    removed.sort_by_key(|r| r.node);
    removed
}

/// Whether `node` or one of its ancestors is a block of a category switched off.
fn in_switched_off_block(tree: &Tree, node: u32, categories: rules::Categories) -> bool {
    let mut n = node;
    while n != crate::tree::NO_PARENT {
        let at = &tree.nodes[n as usize];
        if at.clutter.is_some_and(|c| !categories.contains(c)) {
            return true;
        }
        n = at.parent;
    }
    false
}

/// A link to sign in or up or to the site's app, standing alone as a button ("Open in app",
/// "Sign up", a members' "Follow"), outside the site's navigation, header and footer, which
/// keep their account links. One in running text ("register to vote") is a link, not chrome.
fn is_account_button(tree: &Tree, agg: &[Agg], i: u32) -> bool {
    let node = &tree.nodes[i as usize];
    if !node.has(flag::ACCOUNT_LINK) {
        return false;
    }
    let own = agg[i as usize].text;
    if own > ACCOUNT_BUTTON_MAX_TEXT || node.has(flag::HAS_BLOCK_CHILD) {
        // A card or a teaser that links to a registration page is content.
        return false;
    }
    let mut up = node.parent;
    // The nearest block around the link holds little more than the link itself.
    while up != crate::tree::NO_PARENT && !tree.nodes[up as usize].tag.is_block() {
        up = tree.nodes[up as usize].parent;
    }
    if up != crate::tree::NO_PARENT && agg[up as usize].text > own * 2 + ACCOUNT_BUTTON_SLACK {
        return false;
    }
    let mut up = node.parent;
    while up != crate::tree::NO_PARENT {
        let n = &tree.nodes[up as usize];
        if matches!(n.tag, Tag::Nav | Tag::Header | Tag::Footer)
            || n.clutter == Some(Category::Navigation)
        {
            return false;
        }
        up = n.parent;
    }
    true
}

/// A button's label is a few words ("Open in app", "Sign up", "Follow").
const ACCOUNT_BUTTON_MAX_TEXT: u32 = 25;
/// Characters of other text a button's block may hold besides the link (a separator, a
/// count).
const ACCOUNT_BUTTON_SLACK: u32 = 20;

/// Share links found one by one (by their endpoint) take their bar with them: a small block
/// whose text is mostly hidden share controls is the share bar, and its other buttons ("Copy
/// link") go too. Widened level by level, up to a bar's size.
fn widen_share_bars(tree: &Tree, whole: &[Agg], sel: &Selection, removed: &mut Vec<Removal>) {
    let mut level: Vec<u32> = removed
        .iter()
        .filter(|r| r.category == Some(Category::Social))
        .map(|r| r.node)
        .collect();
    for _ in 0..4 {
        let mut by_parent: Vec<(u32, u32)> = level
            .iter()
            .map(|&n| (tree.nodes[n as usize].parent, whole[n as usize].text))
            .filter(|&(p, _)| p != crate::tree::NO_PARENT)
            .collect();
        by_parent.sort_unstable();
        let mut next = Vec::new();
        for group in by_parent.chunk_by(|a, b| a.0 == b.0) {
            let parent = group[0].0;
            let a = &whole[parent as usize];
            let social: u32 = group.iter().map(|&(_, t)| t).sum();
            let protected = (parent <= sel.root && a.last >= sel.root)
                || (parent <= sel.best && a.last >= sel.best)
                || matches!(tree.nodes[parent as usize].tag, Tag::Body | Tag::Html);
            if !protected && a.text < SHARE_MAX_TEXT && social * 2 >= a.text {
                removed.push(Removal {
                    node: parent,
                    category: Some(Category::Social),
                    rule: "share-bar".into(),
                });
                next.push(parent);
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
}

/// A block whose text is at least this share links is a rail of links (most read, latest
/// news, more from the section, recent posts, tag clouds), not content.
const RAIL_LINK_DENSITY: f32 = 0.4;
/// Shorter blocks are a link or two, not a rail.
const RAIL_MIN_TEXT: u32 = 40;

/// Blocks around an article that are not rails are hidden only when small: an author's bio,
/// tags, a "support us" box. Larger ones may be more of the page's content (sections of a
/// landing page after the one the scorer chose).
const FURNITURE_MAX_TEXT: u32 = 300;
/// All of them together hold less than this share of the article's text.
const FURNITURE_MAX_SHARE: f32 = 0.5;

fn is_furniture(a: &Agg) -> bool {
    a.text > 0 && a.text <= FURNITURE_MAX_TEXT
}

fn is_rail(a: &Agg) -> bool {
    a.text >= RAIL_MIN_TEXT && a.link_density() >= RAIL_LINK_DENSITY && !a.is_prose()
}

/// What clean in place hides around the article, beyond what rules and class names mark:
///
/// - beside the article (a complementary `<aside>` off the path from `<body>` to the
///   article root) and after it: rails of links, and small blocks (the author's bio, tags,
///   "support us" asks, widgets);
/// - inside the article root: the rails of links in blocks whose class the scorer finds
///   unlikely (`sidebar`, `related`), which the reader view leaves out silently.
///
/// The site's layout stays: its header, navigation and footer landmarks, and everything
/// before the article (headline, lead image, byline), unless a rule or class name marks it.
fn outside_article(tree: &Tree, whole: &[Agg], sel: &Selection) -> Vec<Removal> {
    let article_end = whole[sel.root as usize].last;
    let headline = holds_headline(tree, whole);
    let mut removed = Vec::new();
    let mut on_path = sel.root;
    let mut parent = tree.nodes[sel.root as usize].parent;
    while parent != crate::tree::NO_PARENT {
        for sibling in crate::score::children(tree, whole, parent) {
            if sibling != on_path && !sel.members.contains(&sibling) {
                let beside = tree.nodes[sibling as usize].tag == Tag::Aside;
                let after = sibling > article_end;
                judge_outside(
                    tree,
                    whole,
                    &headline,
                    sibling,
                    beside || after,
                    &mut removed,
                );
            }
        }
        if matches!(tree.nodes[parent as usize].tag, Tag::Body | Tag::Html) {
            break;
        }
        on_path = parent;
        parent = tree.nodes[parent as usize].parent;
    }
    // Widgets are few and short. Where the small blocks around the article add up to a good
    // share of its text, they are more likely the page's other sections (a landing page's,
    // of which the scorer chose one) than its furniture: only the rails go then.
    let furniture: u32 = removed
        .iter()
        .filter(|r| r.rule == "outside-article")
        .map(|r| whole[r.node as usize].text)
        .sum();
    if furniture as f32 > whole[sel.root as usize].text as f32 * FURNITURE_MAX_SHARE {
        removed.retain(|r| r.rule != "outside-article");
    }
    // Inside the root, off the path to the best candidate: blocks whose class the scorer
    // finds unlikely, when they are rails, or lie after the best candidate (a sidebar in the
    // same wrapper as the article).
    let best_end = whole[sel.best as usize].last;
    let mut i = sel.root + 1;
    while i <= article_end {
        let node = &tree.nodes[i as usize];
        let a = &whole[i as usize];
        let holds_best = i <= sel.best && a.last >= sel.best;
        let unlikely = node.has(flag::UNLIKELY) || node.tag == Tag::Aside;
        if !holds_best && is_layout(tree, whole, i) {
            // The site's header, navigation or footer, with everything in it.
            i = a.last + 1;
            continue;
        }
        let verdict = if holds_best || !unlikely || a.is_prose() {
            None
        } else if is_rail(a) {
            Some((Some(Category::Promotions), "link-rail"))
        } else if i > best_end && is_furniture(a) && !headline[i as usize] {
            Some((None, "outside-article"))
        } else {
            None
        };
        match verdict {
            Some((category, rule)) => {
                removed.push(Removal {
                    node: i,
                    category,
                    rule: rule.to_string(),
                });
                i = a.last + 1;
            }
            None => i += 1,
        }
    }
    removed
}

/// Per node, whether it holds the site's layout or the page's headline: one walk from the
/// leaves up (children come after their parent in the tree).
fn holds_headline(tree: &Tree, whole: &[Agg]) -> Vec<bool> {
    let mut holds: Vec<bool> = (0..tree.nodes.len() as u32)
        .map(|i| is_layout(tree, whole, i) || tree.nodes[i as usize].tag == Tag::H1)
        .collect();
    for i in (1..tree.nodes.len()).rev() {
        let parent = tree.nodes[i].parent;
        if holds[i] && parent != crate::tree::NO_PARENT {
            holds[parent as usize] = true;
        }
    }
    holds
}

/// Decides one block outside the article (see [`outside_article`]): `beside_or_after` says
/// whether it lies beside or after the article rather than before it. A block holding part
/// of the site's layout or the page's headline is looked into instead.
fn judge_outside(
    tree: &Tree,
    whole: &[Agg],
    headline: &[bool],
    i: u32,
    beside_or_after: bool,
    out: &mut Vec<Removal>,
) {
    let node = &tree.nodes[i as usize];
    let a = &whole[i as usize];
    if is_layout(tree, whole, i) || node.tag.is_non_content() || a.text == 0 || a.is_prose() {
        return;
    }
    if headline[i as usize] {
        // Recursion as deep as the tree, which the scanner keeps to a browser's depth.
        let beside_or_after = beside_or_after || node.tag == Tag::Aside;
        for child in crate::score::children(tree, whole, i) {
            judge_outside(tree, whole, headline, child, beside_or_after, out);
        }
        return;
    }
    if !beside_or_after {
        return;
    }
    let (category, rule) = if is_rail(a) {
        (Some(Category::Promotions), "link-rail")
    } else if is_furniture(a) {
        (None, "outside-article")
    } else {
        return;
    };
    out.push(Removal {
        node: i,
        category,
        rule: rule.to_string(),
    });
}

/// The site's own furniture, which clean in place keeps: navigation, and headers and footers
/// with links (a widget's `<header>` holding only its title is part of the widget).
fn is_layout(tree: &Tree, whole: &[Agg], i: u32) -> bool {
    let node = &tree.nodes[i as usize];
    node.tag == Tag::Nav
        || node.clutter == Some(Category::Navigation)
        || (matches!(node.tag, Tag::Header | Tag::Footer) && whole[i as usize].link > 0.0)
}
