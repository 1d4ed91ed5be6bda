// Klartext's "clean in place": injected on demand into a tab's top frame by the background
// (after clean/block-key.js), like content.js. The page keeps its layout; its clutter is hidden.
//
// Turning it on: the page's elements are listed (getElementsByTagName('*')) and its DOM is
// serialised in the same task, so that the core's element numbers (document order, 1 = <html>)
// point into that list whatever the page does meanwhile. The background runs the core and
// answers with the blocks to hide and the site's exceptions. Each block to hide gets one
// attribute, data-klartext-hidden="<category>", and one adopted stylesheet hides those: no node
// is moved, removed or restyled. A closed shadow root on a host element added to <html> holds
// the panel that lists what was hidden, where each block can be shown again and kept on the
// site. While it is on, an attribute the page takes off is put back.
//
// Turning it off removes the attributes, the stylesheet and the panel's host: the page's DOM is
// then exactly what it was. A classic script (content scripts cannot be modules), so it keeps
// its own copy of its message types from protocol.js and of the category names from
// categories.js; store-units.test.mjs keeps both in step.

(() => {
  'use strict';

  const api = globalThis.browser ?? globalThis.chrome;
  const GUARD = Symbol.for('klartext.clean');
  if (globalThis[GUARD]) return;
  globalThis[GUARD] = true;

  const CLEAN = 'klartext:clean';
  const CLEAN_SOURCE = 'klartext:clean-source';
  const KEEP = 'klartext:keep';
  const MAX_HTML_LENGTH = 32 * 1024 * 1024;
  const ATTR = 'data-klartext-hidden';
  const HIDE_CSS = `[${ATTR}]{display:none!important}`;
  /** Categories in the panel's order; blocks without one come last. */
  const CATEGORIES = [
    'user', 'cookie-consent', 'ads', 'video-chrome', 'social', 'promotions', 'newsletter', 'comments', 'navigation',
  ];
  const CATEGORY_MESSAGES = {
    comments: 'categoryComments',
    'video-chrome': 'categoryVideoChrome',
    promotions: 'categoryPromotions',
    social: 'categorySocial',
    newsletter: 'categoryNewsletter',
    'cookie-consent': 'categoryCookieConsent',
    ads: 'categoryAds',
    navigation: 'categoryNavigation',
    user: 'categoryUser',
    other: 'categoryOther',
  };

  const t = (name, substitutions) => api.i18n.getMessage(name, substitutions) || name;

  /**
   * While on: { blocks, sheet, observers, host, shadow, focused, ... }; `blocks` are
   * { element, category, rule, preview, key, state } with state 'hidden', 'shown' or 'kept'.
   */
  let mode = null;
  let starting = false;

  /** How much of an element's text is compared with the core's preview. */
  const PREVIEW_CHECK = 24;

  /**
   * The start of the element's text as the core reads it: without the content of scripts,
   * styles, templates and noscript (a comment section's inline loader script and its
   * "enable JavaScript" note sit between its heading and its text).
   */
  function textStart(element) {
    let text = '';
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && text.length < PREVIEW_CHECK * 4; node = walker.nextNode()) {
      if (!node.parentElement?.closest('script, style, template, noscript')) text += node.nodeValue.replace(/\s+/g, '');
    }
    return text;
  }

  /** Whether the element's text starts like the core's preview (whitespace aside). */
  function matchesPreview(element, preview) {
    const wanted = String(preview ?? '').replace(/…$/, '').replace(/\s+/g, '').slice(0, PREVIEW_CHECK);
    if (!wanted) return true;
    return textStart(element).includes(wanted);
  }

  /** The removed blocks that point at a real element of the snapshot, with their keys. */
  function blocksFrom(removed, elements, exceptions) {
    const blocks = [];
    const seen = new Set();
    for (const entry of Array.isArray(removed) ? removed : []) {
      const element = elements[Number(entry?.element) - 1];
      if (!(element instanceof Element) || seen.has(element)) continue;
      // Never the document's own frame, whatever a report says.
      if (['html', 'head', 'body'].includes(element.localName)) continue;
      if (!matchesPreview(element, entry.preview)) continue;
      seen.add(element);
      const category = CATEGORY_MESSAGES[entry.category] ? entry.category : 'other';
      const key = globalThis.klartextBlockKey?.(entry, element) ?? null;
      const kept = key !== null && exceptions.includes(key);
      blocks.push({
        element, category, key,
        rule: String(entry.rule ?? ''),
        preview: String(entry.preview ?? ''),
        state: kept ? 'kept' : 'hidden',
      });
    }
    return blocks;
  }

  /** Adds the hiding rule as an adopted stylesheet (a <style> in <html> where that fails). */
  function addSheet() {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(HIDE_CSS);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      return () => {
        document.adoptedStyleSheets = [...document.adoptedStyleSheets].filter((s) => s !== sheet);
      };
    } catch {
      const style = document.createElement('style');
      style.textContent = HIDE_CSS;
      document.documentElement.append(style);
      return () => style.remove();
    }
  }

  function applyState(block) {
    if (block.state === 'hidden') block.element.setAttribute(ATTR, block.category);
    else block.element.removeAttribute(ATTR);
  }

  /** `focus`: whether the panel takes the keyboard focus (not when cleaning as the page loads). */
  async function start(focus) {
    if (starting || mode) return;
    starting = true;
    try {
      // One task: the list and the serialisation describe the same DOM.
      const elements = Array.from(document.getElementsByTagName('*'));
      const html = document.documentElement.outerHTML;
      let reply = null;
      if (html.length <= MAX_HTML_LENGTH) {
        reply = await api.runtime.sendMessage({ type: CLEAN_SOURCE, html, url: location.href })
          .catch((err) => ({ ok: false, error: String(err?.message ?? err) }));
      } else {
        reply = { ok: false, error: 'too large' };
      }
      const exceptions = Array.isArray(reply?.exceptions) ? reply.exceptions : [];
      const blocks = reply?.ok === true ? blocksFrom(reply.removed, elements, exceptions) : [];
      mode = {
        blocks,
        byElement: new Map(blocks.map((b) => [b.element, b])),
        removeSheet: addSheet(),
        focused: document.activeElement,
        error: reply?.ok === true ? null : String(reply?.error ?? 'no answer'),
      };
      for (const block of blocks) applyState(block);
      showPanel(focus);
      watch();
    } finally {
      starting = false;
    }
  }

  function stop() {
    if (!mode) return;
    const { blocks, removeSheet, observers, host, focused } = mode;
    for (const observer of observers) observer.disconnect();
    for (const block of blocks) block.element.removeAttribute(ATTR);
    removeSheet();
    const hadFocus = document.activeElement === host;
    host.remove();
    mode = null;
    if (hadFocus && focused?.isConnected && typeof focused.focus === 'function') {
      focused.focus({ preventScroll: true });
    }
  }

  /** Puts back what the page takes away while the mode is on: an attribute, or the panel. */
  function watch() {
    const attributes = new MutationObserver((records) => {
      for (const record of records) {
        const block = mode?.byElement.get(record.target);
        if (block && block.state === 'hidden' && !block.element.hasAttribute(ATTR)) applyState(block);
      }
    });
    attributes.observe(document.documentElement, { attributes: true, attributeFilter: [ATTR], subtree: true });
    const children = new MutationObserver(() => {
      if (mode && !mode.host.isConnected) document.documentElement.append(mode.host);
    });
    children.observe(document.documentElement, { childList: true });
    mode.observers = [attributes, children];
  }

  // --- The panel ---

  const PANEL_CSS = `
:host { all: initial; }
.panel { box-sizing: border-box; position: fixed; right: 12px; bottom: 12px; z-index: 2147483647;
  width: min(26rem, calc(100vw - 24px)); max-height: min(70vh, 40rem); overflow: auto;
  padding: 10px 12px; border: 1px solid #8a8780; border-radius: 8px;
  background: #ffffff; color: #1d1d1f; box-shadow: 0 6px 24px rgb(0 0 0 / 25%);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, sans-serif; text-align: start; }
.head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; }
.title { font-weight: 600; margin-inline-end: auto; }
button { font: inherit; color: inherit; min-height: 2rem; padding: 2px 10px; cursor: pointer;
  border: 1px solid #8a8780; border-radius: 6px; background: #f0eee9; }
button:hover { border-color: #1d1d1f; }
button[aria-expanded="true"] { border-color: #1d1d1f; }
:focus-visible { outline: 3px solid #1f56b3; outline-offset: 2px; }
.status:empty { display: none; }
.status { margin: 8px 0 0; }
h2 { font-size: 14px; margin: 12px 0 4px; }
ul { list-style: none; margin: 0; padding: 0; }
li { padding: 6px 0; border-top: 1px solid #d6d3cb; }
.preview { margin: 0 0 4px; overflow-wrap: anywhere; color: #3d3b37; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; }
.note { color: #1a6632; font-weight: 600; align-self: center; }
[hidden] { display: none !important; }
@media (prefers-color-scheme: dark) {
  .panel { background: #242427; color: #e6e3dc; border-color: #77746d; }
  button { background: #2c2c2f; border-color: #77746d; }
  button:hover, button[aria-expanded="true"] { border-color: #e6e3dc; }
  :focus-visible { outline-color: #8ab4f8; }
  li { border-color: #3d3c39; }
  .preview { color: #cfccc4; }
  .note { color: #7ee2a0; }
}`;

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

  function hiddenCount() {
    return mode.blocks.filter((b) => b.state === 'hidden').length;
  }

  function showPanel(focus) {
    const host = document.createElement('klartext-clean');
    const style = {
      all: 'initial', display: 'block', position: 'static', width: '0', height: '0',
      margin: '0', padding: '0', border: '0', visibility: 'visible', opacity: '1',
    };
    for (const [name, value] of Object.entries(style)) host.style.setProperty(name, value, 'important');
    const shadow = host.attachShadow({ mode: 'closed' });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(PANEL_CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      shadow.append(el('style', { text: PANEL_CSS }));
    }
    const uiLang = api.i18n.getUILanguage();
    const panel = el('section', {
      class: 'panel', role: 'region', 'aria-label': t('cleanPanelLabel'), lang: uiLang,
      dir: t('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr',
    });
    const title = el('span', { class: 'title' });
    const toggle = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'klartext-list' });
    toggle.textContent = t('cleanShowList');
    const exit = el('button', { type: 'button', text: t('cleanExit') });
    const status = el('p', { class: 'status', role: 'status' });
    const list = el('div', { id: 'klartext-list', hidden: '' });
    panel.append(el('div', { class: 'head' }, title, toggle, exit), status, list);
    shadow.append(panel);

    const updateTitle = () => {
      title.textContent = `Klartext · ${t('cleanHiddenCount', [String(hiddenCount())])}`;
    };
    mode.updateTitle = updateTitle;
    updateTitle();
    if (mode.error) status.textContent = t('cleanFailed', [mode.error]);
    else if (mode.blocks.length === 0) status.textContent = t('cleanNothing');
    toggle.hidden = mode.blocks.length === 0;

    fillList(list, status);
    toggle.addEventListener('click', () => {
      const open = list.hidden;
      list.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
    });
    exit.addEventListener('click', stop);
    panel.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      if (!list.hidden) {
        list.hidden = true;
        toggle.setAttribute('aria-expanded', 'false');
        toggle.focus();
      }
    });
    document.documentElement.append(host);
    Object.assign(mode, { host, shadow });
    if (focus) (toggle.hidden ? exit : toggle).focus({ preventScroll: true });
  }

  function fillList(list, status) {
    const groups = new Map();
    for (const block of mode.blocks) {
      if (!groups.has(block.category)) groups.set(block.category, []);
      groups.get(block.category).push(block);
    }
    const order = [...CATEGORIES, 'other'].filter((c) => groups.has(c));
    order.forEach((category, g) => {
      const blocks = groups.get(category);
      const headingId = `klartext-group-${g}`;
      const items = blocks.map((block, i) => entry(block, `klartext-block-${g}-${i}`, status));
      list.append(el('section', { 'aria-labelledby': headingId },
        el('h2', { id: headingId, text: `${t(CATEGORY_MESSAGES[category])} (${blocks.length})` }),
        el('ul', {}, ...items)));
    });
  }

  /** One block in the list: its preview, a show/hide button, and "always keep" once shown. */
  function entry(block, id, status) {
    const preview = el('p', { class: 'preview', id, text: block.preview || t('blockNoText') });
    const show = el('button', { type: 'button', 'aria-describedby': id });
    const keep = el('button', { type: 'button', 'aria-describedby': id });
    const note = el('span', { class: 'note', text: t('blockKept') });
    const render = () => {
      show.textContent = t(block.state === 'hidden' ? 'blockShow' : 'blockHide');
      show.hidden = block.state === 'kept';
      keep.textContent = t(block.state === 'kept' ? 'blockForget' : 'blockKeep');
      keep.hidden = block.state === 'hidden' || block.key === null;
      note.hidden = block.state !== 'kept';
      mode.updateTitle();
    };
    show.addEventListener('click', () => {
      block.state = block.state === 'hidden' ? 'shown' : 'hidden';
      applyState(block);
      render();
      if (block.state === 'shown') {
        block.element.scrollIntoView?.({ block: 'nearest' });
      }
    });
    keep.addEventListener('click', async () => {
      const keepIt = block.state !== 'kept';
      const reply = await api.runtime.sendMessage({ type: KEEP, key: block.key, keep: keepIt })
        .catch(() => null);
      if (!mode || reply?.ok !== true) {
        if (mode) status.textContent = t('blockKeepFailed');
        return;
      }
      block.state = keepIt ? 'kept' : 'shown';
      render();
      status.textContent = keepIt ? t('blockKeptStatus') : '';
    });
    render();
    return el('li', {}, preview, el('div', { class: 'actions' }, show, keep, note));
  }

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    // Only the background talks to this script: messages from this extension, not from a tab.
    if (sender.id !== api.runtime.id || sender.tab) return false;
    if (typeof msg !== 'object' || msg === null || Object.keys(msg).length !== 2) return false;
    if (msg.type !== CLEAN || typeof msg.focus !== 'boolean') return false;
    if (mode) stop();
    else start(msg.focus).catch((err) => console.warn('Klartext:', err?.message ?? err));
    sendResponse({ ok: true });
    return false;
  });
})();
