// "What was removed" in the reader view: the blocks the core took out of the article
// (article.removed: { element, category, rule, preview }), grouped by category, each with its
// text preview. "Show" puts the block itself back into the article, where it was: the core
// writes it through the article's own tag and attribute allowlist (block_html), DOMPurify
// sanitizes it as it does the article, and it goes after the article block that preceded it
// in the page (or before the one that followed it). Once shown, a block can be kept on the
// site ("always keep"): the exception is stored as in clean-in-place mode
// (clean/exceptions.js), and next time the block is shown in place at once.

import '../clean/block-key.js';
import init, { block_html as blockHtml } from '../core/klartext.js';
import { hostOf, loadExceptions, setException } from '../clean/exceptions.js';
import { CATEGORY_MESSAGES as SWITCHABLE_CATEGORIES } from '../categories.js';

// The switchable categories, then what the reader also names: navigation, and the rest.
const CATEGORY_MESSAGES = {
  ...SWITCHABLE_CATEGORIES,
  navigation: 'categoryNavigation',
  other: 'categoryOther',
};
const ORDER = Object.keys(CATEGORY_MESSAGES);
/** Not removed from what the reader sees: the title is shown in the header. */
const NOT_REMOVED = new Set(['title-duplicate']);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

/** How much of an element's text is compared with the core's preview. */
const PREVIEW_CHECK = 24;

/** The start of the element's text as the core reads it: no script, style, template, noscript. */
function textStart(element) {
  let text = '';
  const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && text.length < PREVIEW_CHECK * 4; node = walker.nextNode()) {
    if (!node.parentElement?.closest('script, style, template, noscript')) text += node.nodeValue.replace(/\s+/g, '');
  }
  return text;
}

/** Whether the element's text starts like the core's preview (whitespace aside). */
function matchesPreview(element, preview) {
  const wanted = String(preview ?? '').replace(/…$/, '').replace(/\s+/g, '').slice(0, PREVIEW_CHECK);
  return !wanted || textStart(element).includes(wanted);
}

/** Inline event handlers and style attributes, within a start tag. */
const START_TAG = /<[a-zA-Z][^>]*>/g;
const INLINE_ATTRIBUTE = /\s(?:on[\w-]+|style)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)/gi;

/**
 * The page's elements in document order, from its source parsed here. DOMParser's document is
 * inert (nothing in it runs or loads), but this page's CSP still reports every inline handler
 * and style attribute it parses, so those are taken out first. DOMParser also parses as if
 * scripting were off, where the markup inside <noscript> becomes elements that the live page
 * (and the core's count) do not have: <noscript> is emptied too.
 */
function parsedElements(source) {
  const html = String(source() ?? '')
    .replace(/<noscript\b[^>]*>[\s\S]*?<\/noscript\s*>/gi, '<noscript></noscript>')
    .replace(START_TAG, (tag) => tag.replace(INLINE_ATTRIBUTE, ''));
  return new DOMParser().parseFromString(html, 'text/html').getElementsByTagName('*');
}

/**
 * Gives a block its exception key. A block removed by a rule line is named by the rule; one
 * found by a signal by its element's selector, which needs the page's source parsed: that is
 * done only when needed (`parse`), once. Where the parsed element's text does not match the
 * preview, the block gets no key and cannot be kept.
 */
function keyer(source) {
  let elements = null;
  return (block, parse) => {
    if (block.key !== undefined) return block.key;
    const byRule = globalThis.klartextBlockKey(block, null);
    if (byRule) return (block.key = byRule);
    if (!parse) return null;
    elements ??= parsedElements(source);
    const element = elements[Number(block.element) - 1];
    block.key = element && matchesPreview(element, block.preview) ? globalThis.klartextBlockKey(block, element) : null;
    return block.key;
  };
}

/** Article blocks whose text can place a restored block: the ones the reader keeps whole. */
const ANCHOR_BLOCKS = 'p, h2, h3, h4, h5, h6, li, blockquote, pre, figcaption, dt, dd, td, th';
/** Containers a restored block goes around, never into. */
const WHOLE = 'ul, ol, dl, table, figure, blockquote, pre';
/** How many of the page's elements are looked at on either side of a removed block. */
const ANCHOR_REACH = 3000;
/** Shorter texts ("Share", a date) are too common to say where a block was. */
const ANCHOR_MIN_TEXT = 12;

const flat = (text) => String(text ?? '').replace(/\s+/g, ' ').trim();

/**
 * Where a removed block goes back in the article: after the article block whose text is that
 * of the nearest element before it in the page, or else before the one after it. `elements`
 * are the page's elements in document order, `index` the removed block's. Null: at the end.
 */
function placeOf(elements, index, body) {
  const target = elements[index];
  if (!target) return null;
  const byText = new Map();
  for (const block of body.querySelectorAll(ANCHOR_BLOCKS)) {
    const text = flat(block.textContent);
    if (text.length >= ANCHOR_MIN_TEXT && !byText.has(text)) byText.set(text, block);
  }
  const around = (hit) => {
    let node = hit;
    for (let outer = node.parentElement?.closest(WHOLE); outer && body.contains(outer);
      outer = outer.parentElement?.closest(WHOLE)) node = outer;
    return node;
  };
  for (let i = index - 1; i >= 0 && i >= index - ANCHOR_REACH; i--) {
    if (elements[i].contains(target)) continue;
    const hit = byText.get(flat(elements[i].textContent));
    if (hit) return { node: around(hit), after: true };
  }
  for (let i = index + 1; i < elements.length && i <= index + ANCHOR_REACH; i++) {
    if (target.contains(elements[i])) continue;
    const hit = byText.get(flat(elements[i].textContent));
    if (hit) return { node: around(hit), after: false };
  }
  return null;
}

/**
 * Fills the panel (`list`) and the toolbar button's count for an article shown in `container`
 * (its text in `container`'s `.body`). `source` gives the page's source text (decoded only when
 * first asked for: most views never need it); `t` looks up messages; `storage` is storage.local
 * (or null); `sanitize` is the reader's DOMPurify pass, returning a fragment.
 */
export async function showRemoved({ list, count, removed, source, url, container, t, storage, sanitize }) {
  const blocks = (Array.isArray(removed) ? removed : [])
    .filter((b) => b && typeof b === 'object' && !NOT_REMOVED.has(b.rule))
    .map((b) => ({
      element: b.element,
      rule: String(b.rule ?? ''),
      preview: String(b.preview ?? ''),
      category: Object.hasOwn(CATEGORY_MESSAGES, b.category) ? b.category : 'other',
      state: 'hidden',
      shown: null,
    }));
  count.textContent = blocks.length ? String(blocks.length) : '';
  list.replaceChildren();
  if (!blocks.length) {
    list.append(el('p', { text: t('removedNone') }));
    return;
  }
  const host = hostOf(url);
  const keyOf = keyer(source);
  const kept = storage ? await loadExceptions(storage, host).catch(() => []) : [];
  // The source is parsed now only if the site has kept blocks found by a signal.
  const parse = kept.some((key) => key.includes('|'));
  for (const block of blocks) {
    const key = keyOf(block, parse);
    if (key !== null && kept.includes(key)) block.state = 'kept';
  }

  const body = container.querySelector(':scope > .body') ?? container;
  let elements = null;
  let core = null;

  /** The block as the reader shows it: its markup through the core's allowlist and DOMPurify. */
  const restoredBlock = async (block) => {
    if (block.shown) return block.shown;
    core ??= init();
    let html = '';
    try {
      await core;
      html = blockHtml(String(source() ?? ''), url, Number(block.element));
    } catch (err) {
      console.warn('Klartext: the block could not be restored:', err?.message ?? err);
    }
    const content = sanitize(html);
    const label = el('p', { class: 'restored-label', lang: document.documentElement.lang },
      `${t('removedShownHeading')}: ${t(CATEGORY_MESSAGES[block.category])}`);
    const section = el('section', { class: 'restored' }, label);
    if (flat(content.textContent) || content.querySelector('img')) section.append(content);
    else section.append(el('p', { text: block.preview || t('blockNoText') }));
    block.shown = section;
    return section;
  };

  /** Puts the shown and kept blocks into the article, where they were, and takes the others out. */
  const sync = async () => {
    for (const block of blocks) {
      if (block.state === 'hidden') {
        block.shown?.remove();
        continue;
      }
      const section = await restoredBlock(block);
      if (section.isConnected || block.state === 'hidden') continue;
      elements ??= parsedElements(source);
      const place = placeOf(elements, Number(block.element) - 1, body);
      if (!place) body.append(section);
      else if (place.after) place.node.after(section);
      else place.node.before(section);
    }
  };

  const groups = ORDER.map((category) => [category, blocks.filter((b) => b.category === category)])
    .filter(([, members]) => members.length);
  groups.forEach(([category, members], g) => {
    const headingId = `removed-group-${g}`;
    const items = members.map((block, i) => item(block, `removed-${g}-${i}`));
    list.append(el('section', { class: 'removed-group', 'aria-labelledby': headingId },
      el('h3', { id: headingId, text: `${t(CATEGORY_MESSAGES[category])} (${members.length})` }),
      el('ul', {}, ...items)));
  });
  await sync();

  function item(block, id) {
    const preview = el('p', { class: 'removed-preview', id, text: block.preview || t('blockNoText') });
    const show = el('button', { type: 'button', class: 'text-button', 'aria-describedby': id });
    const keep = el('button', { type: 'button', class: 'text-button', 'aria-describedby': id });
    const note = el('span', { class: 'removed-note', text: t('blockKept') });
    const render = () => {
      show.textContent = t(block.state === 'hidden' ? 'blockShow' : 'blockHide');
      show.hidden = block.state === 'kept';
      keep.textContent = t(block.state === 'kept' ? 'blockForget' : 'blockKeep');
      keep.hidden = block.state === 'hidden' || !block.key || !storage;
      note.hidden = block.state !== 'kept';
    };
    show.addEventListener('click', async () => {
      block.state = block.state === 'hidden' ? 'shown' : 'hidden';
      // Whether it can be kept is known once it is shown (the user asked: parse now).
      if (block.state === 'shown' && storage) keyOf(block, true);
      render();
      await sync();
    });
    keep.addEventListener('click', async () => {
      const keepIt = block.state !== 'kept';
      try {
        await setException(storage, host, block.key, keepIt);
      } catch {
        note.hidden = false;
        note.textContent = t('blockKeepFailed');
        return;
      }
      block.state = keepIt ? 'kept' : 'shown';
      note.textContent = t('blockKept');
      render();
    });
    render();
    return el('li', { class: 'removed-item' }, preview, el('div', { class: 'removed-actions' }, show, keep, note));
  }
}
