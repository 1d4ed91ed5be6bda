// "What was removed" in the reader view: the blocks the core took out of the article
// (article.removed: { element, category, rule, preview }), grouped by category, each with its
// text preview. "Show" adds that preview at the end of the article, in a section that says
// what it is: the reader shows text previews, not the removed markup. Once shown, a block can
// be kept on the site ("always keep"): the exception is stored as in clean-in-place mode
// (clean/exceptions.js), and next time the block's preview is shown at the end at once.

import '../clean/block-key.js';
import { hostOf, loadExceptions, setException } from '../clean/exceptions.js';

const CATEGORY_MESSAGES = {
  comments: 'categoryComments',
  'video-chrome': 'categoryVideoChrome',
  promotions: 'categoryPromotions',
  social: 'categorySocial',
  newsletter: 'categoryNewsletter',
  'cookie-consent': 'categoryCookieConsent',
  ads: 'categoryAds',
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

/** Whether the element's text holds the start of the core's preview (whitespace aside). */
function matchesPreview(element, preview) {
  const wanted = String(preview ?? '').replace(/…$/, '').replace(/\s+/g, '').slice(0, 24);
  return !wanted || (element.textContent ?? '').replace(/\s+/g, '').includes(wanted);
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
function parsedElements(sourceHtml) {
  const html = String(sourceHtml ?? '')
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
function keyer(sourceHtml) {
  let elements = null;
  return (block, parse) => {
    if (block.key !== undefined) return block.key;
    const byRule = globalThis.klartextBlockKey(block, null);
    if (byRule) return (block.key = byRule);
    if (!parse) return null;
    elements ??= parsedElements(sourceHtml);
    const element = elements[Number(block.element) - 1];
    block.key = element && matchesPreview(element, block.preview) ? globalThis.klartextBlockKey(block, element) : null;
    return block.key;
  };
}

/**
 * Fills the panel (`list`) and the toolbar button's count for an article shown in `container`.
 * `t` looks up messages; `storage` is storage.local (or null).
 */
export async function showRemoved({ list, count, removed, sourceHtml, url, container, t, storage }) {
  const blocks = (Array.isArray(removed) ? removed : [])
    .filter((b) => b && typeof b === 'object' && !NOT_REMOVED.has(b.rule))
    .map((b) => ({
      element: b.element,
      rule: String(b.rule ?? ''),
      preview: String(b.preview ?? ''),
      category: Object.hasOwn(CATEGORY_MESSAGES, b.category) ? b.category : 'other',
      state: 'hidden',
    }));
  count.textContent = blocks.length ? String(blocks.length) : '';
  list.replaceChildren();
  if (!blocks.length) {
    list.append(el('p', { text: t('removedNone') }));
    return;
  }
  const host = hostOf(url);
  const keyOf = keyer(sourceHtml);
  const kept = storage ? await loadExceptions(storage, host).catch(() => []) : [];
  // The source is parsed now only if the site has kept blocks found by a signal.
  const parse = kept.some((key) => key.includes('|'));
  for (const block of blocks) {
    const key = keyOf(block, parse);
    if (key !== null && kept.includes(key)) block.state = 'kept';
  }

  // The previews shown at the end of the article, in the panel's order.
  let restored = null;
  const shownList = () => {
    if (!restored) {
      const heading = el('h2', { id: 'restored-heading', lang: document.documentElement.lang, text: t('removedShownHeading') });
      restored = el('section', { class: 'restored', 'aria-labelledby': 'restored-heading' }, heading, el('ul'));
      container.append(restored);
    }
    return restored.querySelector('ul');
  };
  const sync = () => {
    const items = blocks.filter((b) => b.state !== 'hidden');
    if (!items.length) {
      restored?.remove();
      restored = null;
      return;
    }
    shownList().replaceChildren(...items.map((b) => el('li', {},
      el('strong', { text: `${t(CATEGORY_MESSAGES[b.category])}: ` }),
      b.preview || t('blockNoText'))));
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
  sync();

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
    show.addEventListener('click', () => {
      block.state = block.state === 'hidden' ? 'shown' : 'hidden';
      // Whether it can be kept is known once it is shown (the user asked: parse now).
      if (block.state === 'shown' && storage) keyOf(block, true);
      render();
      sync();
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
