//! Decides, for every element of the chosen article, whether it is kept, unwrapped or dropped,
//! and records why each dropped block went (its clutter category and the rule that fired).
//!
//! The conditional cleaning follows Readability.js's `_cleanConditionally` and `_clean`
//! (Apache-2.0, mozilla/readability), computed from subtree statistics instead of a DOM.

use crate::aggregate::Agg;
use crate::clutter::Category;
use crate::rules;
use crate::score::{weight, Mode, Selection};
use crate::tag::Tag;
use crate::tree::{flag, Tree};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Not part of the article.
    Outside,
    Keep,
    /// Dropped with everything inside.
    Drop,
    /// The kicker above the title: shown in the header, not in the text.
    Kicker,
    /// Kept without its tag: the table, rows and cells of a layout table, whose cells hold
    /// the article's blocks, not data.
    Unwrap,
}

/// One block removed from inside the article.
#[derive(Debug, Clone)]
pub struct Removal {
    pub node: u32,
    pub category: Option<Category>,
    /// The rule line, or the name of the signal that fired.
    pub rule: String,
}

#[derive(Debug)]
pub struct Plan {
    pub actions: Vec<Action>,
    pub removed: Vec<Removal>,
    /// Characters of text kept: the retry loop wants enough of it.
    pub text_chars: u32,
    /// The article root.
    pub root: u32,
}

/// A clutter block holding more than this share of the article's text is more likely a
/// wrapper with an unlucky class name than clutter.
pub(crate) const CLUTTER_MAX_SHARE: f32 = 0.5;
pub(crate) const SHARE_MAX_TEXT: u32 = 500;

/// Elements that never carry article content, whatever their statistics.
fn never_content(tag: Tag) -> bool {
    use Tag::*;
    matches!(
        tag,
        Script
            | Style
            | Noscript
            | Template
            | Head
            | Title
            | Meta
            | Link
            | Base
            | Input
            | Textarea
            | Select
            | Option
            | Optgroup
            | Button
            | Iframe
            | Object
            | Embed
            | Applet
            | Canvas
            | Svg
            | Audio
            | Video
            | Footer
            | Aside
            | Dialog
            | Map
    )
}

/// What the page says about itself that the cleaner needs.
pub struct PageFacts<'a> {
    pub title: Option<&'a str>,
    /// The byline element, removed from the text since the header shows it.
    pub byline: Option<u32>,
    pub site_name: Option<&'a str>,
    /// The page's source, for the text of the few tiny elements whose text matters.
    pub html: &'a str,
    /// The clutter categories to take out: a block of another category stays.
    pub categories: rules::Categories,
}

pub fn plan(
    tree: &Tree,
    agg: &[Agg],
    excluded: &[bool],
    sel: &Selection,
    mode: Mode,
    facts: &PageFacts<'_>,
) -> Plan {
    let n = tree.nodes.len();
    let mut actions = vec![Action::Outside; n];
    let mut removed = Vec::new();
    let mut text_chars: u32 = 0;
    let root_text = agg[sel.root as usize].text.max(1) as f32;
    let mut title_heading_removed = false;

    // Ancestry facts, per node, filled top-down as the walk goes.
    let mut in_figure = vec![false; n];
    let mut in_data_table = vec![false; n];
    let mut in_code = vec![false; n];

    for &member in &sel.members {
        let end = agg[member as usize].last;
        let mut i = member;
        while i <= end {
            let node = &tree.nodes[i as usize];
            let a = &agg[i as usize];
            if i != member {
                let p = node.parent as usize;
                let ptag = tree.nodes[p].tag;
                in_figure[i as usize] = in_figure[p] || ptag == Tag::Figure;
                in_code[i as usize] = in_code[p] || matches!(ptag, Tag::Code | Tag::Pre);
                in_data_table[i as usize] = in_data_table[p]
                    || (ptag == Tag::Table && is_data_table(tree, agg, node.parent));
            }
            // The member itself, the root's ancestors and the path down to the best candidate.
            let protected = i == member
                || (i <= sel.root && a.last >= sel.root)
                || (i <= sel.best && a.last >= sel.best);
            if !protected && excluded[i as usize] && switched_off(node, facts.categories) {
                text_chars += keep_block(tree, agg, &mut actions, i);
                i = a.last + 1;
                continue;
            }
            if !protected && is_spared_heading(tree, excluded, i, mode) {
                // Kept with what is inside it: the scorer left its subtree out.
                for n in i..=a.last {
                    actions[n as usize] = Action::Keep;
                    text_chars += tree.nodes[n as usize].text;
                }
                i = a.last + 1;
                continue;
            }
            let verdict = if protected {
                None
            } else if excluded[i as usize] {
                Some((
                    None,
                    if node.has(flag::HIDDEN) {
                        "hidden"
                    } else {
                        "unlikely"
                    },
                ))
            } else if never_content(node.tag) && !(node.tag == Tag::Iframe && node.has(flag::VIDEO))
            {
                Some((None, "non-content"))
            } else if let Some(rule) = node
                .rule
                .filter(|_| (a.text as f32) < root_text * CLUTTER_MAX_SHARE)
            {
                // A rule names its target: it needs no guard but the article's own size.
                let rule = tree.rules.get(rule);
                Some((Some(rule.category), rule.text.as_str()))
            } else if let Some(category) = node.clutter.filter(|&c| is_clutter(c, a, root_text)) {
                Some((Some(category), "class-word"))
            } else if is_player_chrome(node, a) {
                Some((Some(Category::VideoChrome), "player-text"))
            } else if node.has(flag::SHARE) && a.text < SHARE_MAX_TEXT {
                Some((Some(Category::Social), "share"))
            } else if matches!(node.tag, Tag::H1 | Tag::H2) && weight(tree, i, mode) < 0.0 {
                Some((None, "negative-heading"))
            } else if !title_heading_removed
                && matches!(node.tag, Tag::H1 | Tag::H2)
                && duplicates_title(tree, i, facts.title)
            {
                title_heading_removed = true;
                if let Some(k) = kicker_before(tree, agg, i) {
                    if actions[k as usize] == Action::Keep {
                        actions[k as usize] = Action::Kicker;
                        text_chars = text_chars.saturating_sub(agg[k as usize].text);
                    }
                }
                Some((None, "title-duplicate"))
            } else if facts.byline == Some(i) {
                Some((None, "byline"))
            } else if is_ad_label(tree, agg, i, facts.html) {
                Some((Some(Category::Ads), "ad-label"))
            } else if is_paywall_label(tree, agg, i, facts.html) {
                Some((Some(Category::Newsletter), "paywall-label"))
            } else if is_teaser_paragraph(tree, agg, i, facts.html) {
                // "Read also: <link>" between paragraphs.
                Some((Some(Category::Promotions), "link-paragraph"))
            } else if is_site_name_line(tree, agg, i, facts) {
                Some((Some(Category::Promotions), "site-name-line"))
            } else if node.tag == Tag::P && a.text == 0 && a.img + a.embed == 0 {
                Some((None, "empty"))
            } else if mode.clean_conditionally
                && !in_code[i as usize]
                && !in_data_table[i as usize]
                // Statistics may trim the article, not take most of it away.
                && (a.text as f32) < root_text * CLUTTER_MAX_SHARE
                && conditionally_unwanted(tree, agg, i, mode, in_figure[i as usize])
            {
                // Mostly links: a teaser list or "more stories" block.
                if a.link_density() > 0.5 {
                    Some((Some(Category::Promotions), "link-list"))
                } else {
                    Some((None, "conditional"))
                }
            } else {
                None
            };
            // A category the user switched off stays in the article.
            let verdict = verdict
                .filter(|(category, _)| category.is_none_or(|c| facts.categories.contains(c)));
            match verdict {
                Some((category, rule)) => {
                    actions[i as usize] = Action::Drop;
                    if a.text > 0 || category.is_some() {
                        removed.push(Removal {
                            node: i,
                            category,
                            rule: rule.to_string(),
                        });
                    }
                    i = a.last + 1;
                }
                None => {
                    let layout_table_part = matches!(
                        node.tag,
                        Tag::Table
                            | Tag::Tbody
                            | Tag::Thead
                            | Tag::Tfoot
                            | Tag::Tr
                            | Tag::Td
                            | Tag::Th
                    ) && !in_data_table[i as usize]
                        && !(node.tag == Tag::Table && is_data_table(tree, agg, i));
                    actions[i as usize] = if layout_table_part {
                        Action::Unwrap
                    } else {
                        Action::Keep
                    };
                    text_chars += node.text;
                    i += 1;
                }
            }
        }
    }
    text_chars += keep_lead(tree, agg, sel, facts, &mut actions, &mut removed);
    Plan {
        actions,
        removed,
        text_chars,
        root: sel.root,
    }
}

/// A section heading whose class only looks unlikely (Substack's `header-anchor-post`: "header"
/// is an unlikely word for containers, and the unlikely pass drops headings with them). A
/// heading is no container of clutter; it is spared when its class also scores positive and
/// names no clutter, and nothing hides it.
fn is_spared_heading(tree: &Tree, excluded: &[bool], i: u32, mode: Mode) -> bool {
    let node = &tree.nodes[i as usize];
    matches!(node.tag, Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6)
        && excluded[i as usize]
        && node.has(flag::UNLIKELY)
        && !node.has(flag::HIDDEN)
        && node.parent != crate::tree::NO_PARENT
        && !excluded[node.parent as usize]
        && node.clutter.is_none()
        && node.rule.is_none()
        && weight(tree, i, mode) > 0.0
}

/// Text of the lead blocks between the title and the body, at most: more is not a lead.
const LEAD_WINDOW_TEXT: u32 = 2_000;
/// A lead figure's caption, at most.
const LEAD_CAPTION_TEXT: u32 = 400;
/// A standfirst's text: at least (shorter lines there are bylines, dates and kickers), at most.
const STANDFIRST_TEXT: std::ops::RangeInclusive<u32> = 80..=800;

/// Text, link text and images of a subtree, read from the tree itself: the blocks around the
/// title are often in a container the scorer left out (a `header` is an unlikely candidate).
#[derive(Default)]
struct RawStats {
    text: u32,
    link: u32,
    img: u32,
    figure: bool,
    hidden_or_clutter: bool,
    /// A byline or a date: the block is the article's meta line, not its lead.
    meta_line: bool,
    /// The text ends like a sentence.
    sentence: bool,
}

fn raw_stats(tree: &Tree, agg: &[Agg], i: u32) -> RawStats {
    let mut stats = RawStats::default();
    let last = agg[i as usize].last;
    let mut link_until = 0;
    for n in i..=last {
        let node = &tree.nodes[n as usize];
        stats.text += node.text;
        if n <= link_until {
            stats.link += node.text;
        } else if node.tag == Tag::A {
            link_until = agg[n as usize].last;
            stats.link += node.text;
        }
        match node.tag {
            Tag::Img | Tag::Picture => stats.img += 1,
            Tag::Figure | Tag::Figcaption => stats.figure = true,
            _ => {}
        }
        if node.has(flag::HIDDEN) || node.rule.is_some() || node.clutter.is_some() {
            stats.hidden_or_clutter = true;
        }
        if node.has(flag::BYLINE) || node.tag == Tag::Time {
            stats.meta_line = true;
        }
        if node.text > 0 {
            stats.sentence = node.has(flag::SENTENCE);
        }
    }
    stats
}

/// The article's lead: a standfirst and a lead figure that sit between the article's title and
/// its body, outside the body's wrapper (in the article's header, or beside the body), are part
/// of the article even though no paragraph scores them. CMSs put them there (Drupal's teaser
/// and image fields, WordPress's post thumbnail in `.entry-header`, TYPO3's news lead). Marks
/// them kept and returns their text's length.
fn keep_lead(
    tree: &Tree,
    agg: &[Agg],
    sel: &Selection,
    facts: &PageFacts<'_>,
    actions: &mut [Action],
    removed: &mut Vec<Removal>,
) -> u32 {
    let Some(&title) = tree
        .heading_nodes
        .iter()
        .find(|&&h| duplicates_title(tree, h, facts.title))
    else {
        return 0;
    };
    let body = body_wrapper(agg, sel.best);
    let title_end = agg[title as usize].last;
    if title_end >= body {
        return 0;
    }
    let mut leads = Vec::new();
    let mut budget = LEAD_WINDOW_TEXT;
    // The blocks after the title and before the body, outermost first; the body's ancestors
    // are walked into.
    let mut i = title_end + 1;
    while i < body {
        if agg[i as usize].last >= body {
            i += 1;
            continue;
        }
        if !lead_blocks(tree, agg, i, &mut leads, &mut budget) {
            return 0;
        }
        i = agg[i as usize].last + 1;
    }
    let mut kept_text = 0;
    let reported = |removed: &[Removal], n: u32| removed.iter().position(|r| r.node == n);
    'leads: for (lead, _) in leads {
        // The lead and the containers around it: dropped only for their statistics or as
        // unlikely candidates, they give it back; dropped as clutter, hidden or never
        // content, they keep it.
        // Outside the chosen root, only the root's own siblings: further away, a standfirst
        // or lead image belongs to the page's header as often as to the article.
        let root_parent = tree.nodes[sel.root as usize].parent;
        let in_members = sel
            .members
            .iter()
            .any(|&m| m <= lead && lead <= agg[m as usize].last);
        if !in_members && tree.nodes[lead as usize].parent != root_parent {
            continue;
        }
        let mut undrop = Vec::new();
        let mut n = lead;
        while n != crate::tree::NO_PARENT {
            let node = &tree.nodes[n as usize];
            match actions[n as usize] {
                Action::Keep if n == lead => continue 'leads,
                Action::Drop => {
                    if node.has(flag::HIDDEN) || never_content(node.tag) {
                        continue 'leads;
                    }
                    match reported(removed, n) {
                        Some(r)
                            if removed[r].category.is_some()
                                || removed[r].rule != "conditional" =>
                        {
                            continue 'leads;
                        }
                        _ => undrop.push(n),
                    }
                }
                _ => {}
            }
            n = node.parent;
        }
        for n in undrop {
            if let Some(r) = reported(removed, n) {
                removed.remove(r);
            }
            actions[n as usize] = Action::Outside;
        }
        for n in lead..=agg[lead as usize].last {
            let node = &tree.nodes[n as usize];
            actions[n as usize] = if never_content(node.tag) {
                Action::Drop
            } else {
                kept_text += node.text;
                Action::Keep
            };
        }
    }
    kept_text
}

/// The element that holds the body's text: from the best candidate down, the child holding
/// most of its parent's text while there is one (a candidate can hold the title and lead too).
fn body_wrapper(agg: &[Agg], best: u32) -> u32 {
    let mut node = best;
    'down: loop {
        let text = agg[node as usize].text;
        let mut child = node + 1;
        while child <= agg[node as usize].last {
            if agg[child as usize].text as f32 >= text as f32 * 0.6 && text > 0 {
                node = child;
                continue 'down;
            }
            child = agg[child as usize].last + 1;
        }
        return node;
    }
}

/// Collects the lead blocks in the subtree at `i` (a figure with its caption, a standfirst),
/// walking into small wrappers. False when the subtree is more than a lead: the title is not
/// the article's header then.
fn lead_blocks(
    tree: &Tree,
    agg: &[Agg],
    i: u32,
    leads: &mut Vec<(u32, bool)>,
    budget: &mut u32,
) -> bool {
    use Tag::*;
    let node = &tree.nodes[i as usize];
    if never_content(node.tag) || matches!(node.tag, Nav | Form | Ul | Ol | Table) {
        return true;
    }
    let stats = raw_stats(tree, agg, i);
    if stats.text > *budget {
        return false;
    }
    if stats.hidden_or_clutter {
        return true;
    }
    let links = stats.link as f32 / stats.text.max(1) as f32;
    let lead = !stats.meta_line
        && if stats.img > 0 {
            // A figure, or one image with its caption.
            (stats.figure || (stats.img == 1 && stats.text >= 20))
                && stats.img <= 2
                && stats.text <= LEAD_CAPTION_TEXT
                && links < 0.5
        } else {
            STANDFIRST_TEXT.contains(&stats.text)
                && stats.sentence
                && links < 0.1
                && (matches!(node.tag, P | Blockquote) || is_paragraph_like(tree, agg, i))
        };
    if lead {
        // One figure and one standfirst: more is a teaser grid, not an article's header.
        let is_figure = stats.img > 0;
        if leads.iter().any(|&(_, figure)| figure == is_figure) {
            return false;
        }
        *budget -= stats.text;
        leads.push((i, is_figure));
        return true;
    }
    if !matches!(node.tag, Div | Header | Section | Hgroup | Other) {
        return true;
    }
    let mut child = i + 1;
    while child <= agg[i as usize].last {
        if !lead_blocks(tree, agg, child, leads, budget) {
            return false;
        }
        child = agg[child as usize].last + 1;
    }
    true
}

/// A div of inline text, or a wrapper of one paragraph.
fn is_paragraph_like(tree: &Tree, agg: &[Agg], i: u32) -> bool {
    let node = &tree.nodes[i as usize];
    if !node.has(flag::HAS_BLOCK_CHILD) {
        return true;
    }
    let last = agg[i as usize].last;
    let blocks = (i + 1..=last)
        .filter(|&n| tree.nodes[n as usize].parent == i && tree.nodes[n as usize].tag.is_block())
        .count();
    blocks == 1
        && node.inline_text == 0
        && tree
            .nodes
            .get(i as usize + 1)
            .is_some_and(|c| c.tag == Tag::P)
}

/// Whether a block whose class names a clutter category really is clutter. A block holding
/// most of the article, or (outside comment sections, which are prose) several paragraphs of
/// prose, is a content block with an unlucky class name (`cmp-text--article`).
/// Whether an element the scorer left out as unlikely is a block of a category the user
/// switched off (a comment section with comments kept).
fn switched_off(node: &crate::tree::Node, categories: rules::Categories) -> bool {
    !node.has(flag::HIDDEN) && node.clutter.is_some_and(|c| !categories.contains(c))
}

/// Keeps a switched-off category's block whole, but for what a reader view never shows
/// (scripts, styles, forms, hidden elements). Returns the characters of text kept.
fn keep_block(tree: &Tree, agg: &[Agg], actions: &mut [Action], block: u32) -> u32 {
    let mut text_chars = 0;
    let mut j = block;
    while j <= agg[block as usize].last {
        let node = &tree.nodes[j as usize];
        if j != block && (never_content(node.tag) || node.has(flag::HIDDEN)) {
            actions[j as usize] = Action::Drop;
            j = agg[j as usize].last + 1;
        } else {
            actions[j as usize] = Action::Keep;
            text_chars += node.text;
            j += 1;
        }
    }
    text_chars
}

pub(crate) fn is_clutter(category: Category, a: &Agg, root_text: f32) -> bool {
    if a.text as f32 >= root_text * CLUTTER_MAX_SHARE {
        return false;
    }
    category == Category::Comments || !a.is_prose()
}

/// The kicker (the short line over a headline that names its topic): the element right
/// before the title heading, when it is a short label and not a byline, date or image.
fn kicker_before(tree: &Tree, agg: &[Agg], heading: u32) -> Option<u32> {
    let parent = tree.nodes[heading as usize].parent;
    let previous = crate::score::children(tree, agg, parent)
        .take_while(|&c| c != heading)
        .last()?;
    let node = &tree.nodes[previous as usize];
    let a = &agg[previous as usize];
    let label = (3..=80).contains(&a.text)
        && a.img == 0
        && a.link_density() <= 0.5
        && !node.has(flag::SENTENCE)
        && !node.has(flag::BYLINE)
        && !matches!(
            node.tag,
            Tag::Time | Tag::Figure | Tag::Ul | Tag::Ol | Tag::Table
        )
        && !node.has(flag::DIGITS);
    label.then_some(previous)
}

/// The text of a tiny element (at most `max` characters), read from its source: the scan
/// keeps no text, and only a few short blocks need theirs.
fn tiny_text(tree: &Tree, agg: &[Agg], i: u32, html: &str, max: u32) -> Option<String> {
    let node = &tree.nodes[i as usize];
    let a = &agg[i as usize];
    if a.text == 0 || a.text > max {
        return None;
    }
    let source = html.get(node.key as usize..node.end as usize)?;
    let text = text_outside_tags(source);
    Some(crate::text::decode_collapse(&text))
}

/// The text of `source` outside `<…>`, stray `>`s dropped; a run at a time (an element with
/// little text may hold much markup: an icon's SVG, a script).
fn text_outside_tags(source: &str) -> String {
    let mut text = String::new();
    let mut rest = source;
    loop {
        let open = memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len());
        for piece in rest[..open].split('>') {
            text.push_str(piece);
        }
        let Some(close) = memchr::memchr(b'>', &rest.as_bytes()[open..]) else {
            return text;
        };
        rest = &rest[open + close + 1..];
    }
}

/// A short paragraph that is mostly link: a "Read also" teaser or a call to action ("Buy
/// poster"). A link of one word ("link", "PDF") that stays on the page's own tab names no
/// story and asks nothing: it is the article's own reference, kept as Readability keeps it.
/// One that opens a new tab ("Amazon", "Directions", an image's "Source") leads away.
fn is_teaser_paragraph(tree: &Tree, agg: &[Agg], i: u32, html: &str) -> bool {
    let a = &agg[i as usize];
    tree.nodes[i as usize].tag == Tag::P
        && a.text < 200
        && a.link_density() >= 0.6
        && !is_one_word_reference(tree, agg, i, html)
}

fn is_one_word_reference(tree: &Tree, agg: &[Agg], i: u32, html: &str) -> bool {
    let one_word = tiny_text(tree, agg, i, html, ONE_WORD_MAX_TEXT)
        .is_some_and(|t| t.split_whitespace().count() == 1);
    one_word && !opens_new_tab(tree, i, html)
}

/// Whether a link inside the element opens a new tab or window (`target="_blank"`), read from
/// its source as `tiny_text` reads text.
fn opens_new_tab(tree: &Tree, i: u32, html: &str) -> bool {
    let node = &tree.nodes[i as usize];
    html.get(node.key as usize..node.end as usize)
        .is_some_and(|source| {
            let source = source.to_ascii_lowercase();
            ["target=\"_blank\"", "target='_blank'", "target=_blank"]
                .iter()
                .any(|t| source.contains(t))
        })
}

/// Characters of the longest word a one-word link paragraph is read for.
const ONE_WORD_MAX_TEXT: u32 = 32;

/// A block whose whole text is the site's name ("krone.at" under an article): a brand or
/// source line, no part of the article.
fn is_site_name_line(tree: &Tree, agg: &[Agg], i: u32, facts: &PageFacts<'_>) -> bool {
    let Some(site) = facts.site_name else {
        return false;
    };
    if !tree.nodes[i as usize].tag.is_block() {
        return false;
    }
    let length = site.chars().count() as u32;
    tiny_text(tree, agg, i, facts.html, length + 2)
        .is_some_and(|t| t.eq_ignore_ascii_case(site.trim()))
}

/// The labels ad slots carry, in the languages of the pages Klartext meets.
const AD_LABELS: &[&str] = &[
    "ad",
    "ads",
    "advertisement",
    "advertising",
    "sponsored",
    "anzeige",
    "werbung",
    "gesponsert",
    "publicité",
    "publicite",
    "sponsorisé",
    "publicidad",
    "anuncio",
    "patrocinado",
    "pubblicità",
    "reklama",
    "reklame",
    "реклама",
    "广告",
    "広告",
    "スポンサーリンク",
    "إعلان",
    "פרסומת",
    "광고",
];

/// A player's control bar: several text nodes of player chrome (time codes, icon ligatures,
/// playback rates) and little else. A table of durations is data, not chrome.
pub(crate) fn is_player_chrome(node: &crate::tree::Node, a: &Agg) -> bool {
    a.player_texts >= 3
        && a.text < 400
        && a.p == 0
        && a.tables == 0
        && !matches!(node.tag, Tag::Tbody | Tag::Thead | Tag::Tr | Tag::Td)
}

/// Labels that mark an article as for subscribers only: paywall furniture, not text.
const PAYWALL_LABELS: &[&str] = &[
    "subscribers only",
    "for subscribers",
    "subscriber exclusive",
    "article réservé aux abonnés",
    "réservé aux abonnés",
    "nur für abonnenten",
    "exklusiv für abonnenten",
    "exclusivo para suscriptores",
    "solo para suscriptores",
    "riservato agli abbonati",
    "para assinantes",
];

/// A block whose whole text is a paywall label ("Article réservé aux abonnés").
fn is_paywall_label(tree: &Tree, agg: &[Agg], i: u32, html: &str) -> bool {
    tree.nodes[i as usize].tag.is_block()
        && tiny_text(tree, agg, i, html, 40).is_some_and(|t| {
            let t = t
                .trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '.' | '|' | '·'))
                .to_lowercase();
            PAYWALL_LABELS.contains(&t.as_str())
        })
}

/// A block whose whole text is an ad label ("Anzeige", "Publicité", "広告").
pub(crate) fn is_ad_label(tree: &Tree, agg: &[Agg], i: u32, html: &str) -> bool {
    tree.nodes[i as usize].tag.is_block()
        && tiny_text(tree, agg, i, html, 24).is_some_and(|t| {
            let t = t
                .trim_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ':' | '-' | '–' | '|' | '·')
                })
                .to_lowercase();
            AD_LABELS.contains(&t.as_str())
        })
}

/// Readability's `_markDataTables`.
fn is_data_table(tree: &Tree, agg: &[Agg], table: u32) -> bool {
    let node = &tree.nodes[table as usize];
    let a = &agg[table as usize];
    if node.has(flag::LAYOUT_TABLE) {
        return false;
    }
    if node.has(flag::DATA_TABLE) || a.table_markers > 0 {
        return true;
    }
    if a.tables > 1 {
        return false;
    }
    if a.rows == 1 || a.columns == 1 {
        return false;
    }
    a.rows >= 10 || a.columns > 4 || a.rows * a.columns > 10
}

/// Readability's `_cleanConditionally`: containers whose statistics look like navigation,
/// link lists, forms or image galleries rather than prose.
fn conditionally_unwanted(tree: &Tree, agg: &[Agg], i: u32, mode: Mode, in_figure: bool) -> bool {
    use Tag::*;
    let node = &tree.nodes[i as usize];
    if !matches!(
        node.tag,
        Form | Fieldset | Table | Ul | Ol | Div | Section | Other
    ) {
        return false;
    }
    let a = &agg[i as usize];
    // The wrappers of a figure's image go with the figure.
    if in_figure && a.img > 0 {
        return false;
    }
    if node.tag == Table && is_data_table(tree, agg, i) {
        return false;
    }
    if a.tables > 0 && a.table_markers > 0 {
        return false;
    }
    let weight = weight(tree, i, mode);
    // A negative class name ("widget", "media") alone does not outweigh prose. A div of inline
    // text is a paragraph (Readability turns it into one before it cleans, and the writer
    // writes it as one): its class name does not drop it, as it does not drop a <p>.
    let paragraph = node.tag == Div && !node.has(flag::HAS_BLOCK_CHILD);
    if weight < 0.0 && !a.is_prose() && !paragraph {
        return true;
    }
    if a.commas >= 10 {
        return false;
    }
    if a.video > 0 {
        return false;
    }
    // A list without items is old markup for an indented passage (a quoted mail, a poem):
    // prose, not a menu.
    if matches!(node.tag, Ul | Ol) && a.li == 0 && a.text > 0 && a.link_density() < 0.25 {
        return false;
    }
    let is_list =
        matches!(node.tag, Ul | Ol) || (a.text > 0 && a.list_text as f32 / a.text as f32 > 0.9);
    let p = a.p as f32;
    let img = a.img as f32;
    let li = a.li as f32 - 100.0;
    let heading_density = if a.text == 0 {
        0.0
    } else {
        a.heading_text as f32 / a.text as f32
    };
    let text_density = if a.text == 0 {
        0.0
    } else {
        a.textish_text as f32 / a.text as f32
    };
    let link_density = a.link_density();
    let length = a.text;

    let unwanted = (!in_figure && img > 1.0 && p / img < 0.5)
        || (!is_list && li > p)
        || (a.input as f32 > (p / 3.0).floor())
        || (!is_list
            && !in_figure
            && heading_density < 0.9
            && length < 25
            && (a.img == 0 || a.img > 2)
            && link_density > 0.0)
        || (!is_list && weight < 25.0 && link_density > 0.2)
        || (weight >= 25.0 && link_density > 0.5)
        || ((a.embed == 1 && length < 75) || a.embed > 1)
        || (a.img == 0 && text_density == 0.0);
    if unwanted && is_list && a.img > 0 && a.img == a.li {
        // A list of images is a gallery worth keeping.
        return false;
    }
    unwanted
}

/// Readability's `_headerDuplicatesTitle`: a heading whose words are mostly the title's.
fn duplicates_title(tree: &Tree, i: u32, title: Option<&str>) -> bool {
    let Some(title) = title else { return false };
    let Some(pos) = tree.heading_nodes.iter().position(|&h| h == i) else {
        return false;
    };
    similarity(title, &tree.meta.headings[pos].1) > 0.75
}

/// Readability's `_textSimilarity`: the share of `b`'s words (by length) also in `a`.
pub fn similarity(a: &str, b: &str) -> f32 {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let a = words(a);
    let b = words(b);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let b_len = b.iter().map(|w| w.chars().count()).sum::<usize>() + b.len() - 1;
    let unique: Vec<&String> = b.iter().filter(|w| !a.contains(w)).collect();
    let unique_len =
        unique.iter().map(|w| w.chars().count()).sum::<usize>() + unique.len().saturating_sub(1);
    1.0 - unique_len as f32 / b_len as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: a char loop, `<` opening a tag and `>` closing one (and dropped).
    fn text_outside_tags_by_chars(source: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in source.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        text
    }

    /// A short block's text is its own: not the text that follows it in its parent, up to the
    /// next element (`Node::end`).
    #[test]
    fn a_short_block_is_read_without_the_text_after_it() {
        let para = "The council met on Tuesday evening to discuss the renovation of the old \
            stone bridge, which has connected the market square with the mill since 1847.";
        let html = format!(
            "<html><body><article><h1>Bridge</h1><p>{para}</p><p>{para}</p>\
             <div>Anzeige</div> Works start in spring and last two summers, the council said. \
             <p>{para}</p><p>{para}</p></article></body></html>"
        );
        let article = crate::extract(&html, &crate::Options::default()).unwrap();
        assert!(!article.text.contains("Anzeige"), "{}", article.text);
        assert!(
            article.text.contains("last two summers"),
            "{}",
            article.text
        );
    }

    #[test]
    fn text_outside_tags_as_the_char_loop_reads_it() {
        for source in [
            "",
            "plain",
            "<a href=\"x\">Link</a> tail",
            "a > b < c",
            "<b><<i>>x</i>>y",
            "<svg><path d=\"M0 0\"/></svg>PDF",
            "unclosed <span class=\"x",
            "x>y>z",
            "<p>größer &amp; 中文</p>",
        ] {
            assert_eq!(
                text_outside_tags(source),
                text_outside_tags_by_chars(source),
                "{source:?}"
            );
        }
    }
}
