// Klartext's reader page: framed over the page by the content script, as reader.html#<token>.
// It takes the page's source from the background (once, by token), runs the wasm core on it,
// and shows the article. The article's HTML comes from the page: it is sanitized by DOMPurify
// on its way into the document, whatever the core already did.

import init, { extract } from '../core/klartext.js';
import DOMPurify from '../vendor/purify.es.mjs';
import { CLOSE, TAKE, TOKEN_PATTERN } from '../protocol.js';

const api = globalThis.browser ?? globalThis.chrome;

const PURIFY_CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'option', 'textarea',
    'iframe', 'frame', 'frameset', 'object', 'embed', 'template', 'dialog',
  ],
  // Ids, names and classes belong to the reader's own document, not to the article's.
  FORBID_ATTR: ['style', 'id', 'name', 'class', 'tabindex', 'accesskey'],
  RETURN_DOM_FRAGMENT: true,
};

function t(name, substitutions) {
  return api.i18n.getMessage(name, substitutions) || name;
}

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

function nonEmpty(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

const view = document.getElementById('view');
const closeButton = document.getElementById('close');

function close() {
  api.runtime.sendMessage({ type: CLOSE }).catch(() => {});
}

/** Replaces the view with one line of explanation (the close button stays). */
function showMessage(text) {
  view.replaceChildren(el('p', { class: 'status', role: 'alert', text }));
  view.setAttribute('aria-busy', 'false');
  document.title = t('readerTitle');
  view.focus({ preventScroll: true });
}

/** The date in the article's language, or null if it does not parse. */
function formatDate(value, lang) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  // A bare date is a calendar day, not midnight UTC: keep it from moving to the day before.
  const options = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? { dateStyle: 'long', timeZone: 'UTC' }
    : { dateStyle: 'long' };
  for (const locale of [lang, undefined]) {
    try {
      return new Intl.DateTimeFormat(locale ?? undefined, options).format(date);
    } catch {
      // Not a valid language tag: try the browser's own.
    }
  }
  return null;
}

/**
 * Whether the result is worth showing. The user asked for the view, so a page that the core
 * finds not "readerable" is still shown when there is a real amount of text (Readability's
 * 500-character threshold); what is left of a page with no article (a menu, a form label) is not.
 */
const MIN_UNREADERABLE_TEXT = 500;
function hasArticle(article) {
  const text = nonEmpty(article.text);
  if (!text) return false;
  return article.readerable === true || text.length >= MIN_UNREADERABLE_TEXT;
}

function sanitize(html) {
  const fragment = DOMPurify.sanitize(html, PURIFY_CONFIG);
  for (const a of fragment.querySelectorAll('a[href]')) {
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
  }
  for (const img of fragment.querySelectorAll('img')) {
    img.loading = 'lazy';
    img.decoding = 'async';
    img.referrerPolicy = 'no-referrer';
  }
  return fragment;
}

function render(article, url) {
  const lang = nonEmpty(article.lang);
  const dir = ['ltr', 'rtl', 'auto'].includes(article.dir) ? article.dir : null;
  const title = nonEmpty(article.title) ?? new URL(url).hostname;
  const site = nonEmpty(article.site_name);
  const byline = nonEmpty(article.byline);
  const kicker = nonEmpty(article.kicker);
  const published = nonEmpty(article.published_time);

  const header = el('header', { class: 'head' });
  if (site) header.append(el('p', { class: 'site', text: site }));
  if (kicker) header.append(el('p', { class: 'kicker', text: kicker }));
  header.append(el('h1', { class: 'title', text: title }));

  const meta = [];
  if (byline) meta.push(el('span', { class: 'byline', text: byline }));
  if (published) {
    const shown = formatDate(published, lang);
    if (shown) meta.push(el('time', { datetime: published, text: shown }));
  }
  if (meta.length) {
    const line = el('p', { class: 'meta' });
    meta.forEach((part, i) => {
      if (i) line.append(el('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }));
      line.append(part);
    });
    header.append(line);
  }
  const original = el('a', {
    href: url,
    target: '_blank',
    rel: 'noopener noreferrer',
    lang: api.i18n.getUILanguage(),
    text: t('viewOriginal'),
  });
  header.append(el('p', { class: 'source' }, original));

  const body = el('div', { class: 'body' });
  body.append(sanitize(article.html));
  // The title is shown above: drop the body's own copy of it.
  const first = body.firstElementChild;
  if (first && /^H[12]$/.test(first.tagName) && first.textContent.trim() === title) first.remove();

  const container = el('article', { class: 'article', lang, dir }, header, body);
  view.replaceChildren(container);
  view.setAttribute('aria-busy', 'false');
  document.title = title;
  view.focus({ preventScroll: true });
}

/**
 * Keeps wheel scrolling inside the view. `overscroll-behavior: contain` does that in Chromium;
 * Firefox (measured: ESR 153) still hands a wheel scroll past the view's end to the page
 * underneath, so a wheel turn that the view cannot take any further is cancelled.
 */
function containWheel(event) {
  if (event.ctrlKey || event.defaultPrevented) return;
  const root = document.scrollingElement ?? document.documentElement;
  let node = event.target instanceof Element ? event.target : null;
  // An inner box that can still scroll (a wide table, a code block) takes the wheel itself.
  for (; node && node !== root; node = node.parentElement) {
    const style = getComputedStyle(node);
    const scrollsX = /(auto|scroll)/.test(style.overflowX) && node.scrollWidth > node.clientWidth;
    const scrollsY = /(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight;
    if ((scrollsX && event.deltaX) || (scrollsY && event.deltaY)) return;
  }
  const maxY = root.scrollHeight - root.clientHeight;
  const maxX = root.scrollWidth - root.clientWidth;
  const stuckY = event.deltaY === 0 || (event.deltaY < 0 ? root.scrollTop <= 0 : root.scrollTop >= maxY - 1);
  const stuckX = event.deltaX === 0 || (event.deltaX < 0 ? root.scrollLeft <= 0 : root.scrollLeft >= maxX - 1);
  if (stuckY && stuckX) event.preventDefault();
}

async function main() {
  window.addEventListener('wheel', containWheel, { passive: false });
  document.documentElement.lang = api.i18n.getUILanguage();
  closeButton.setAttribute('aria-label', t('closeLabel'));
  closeButton.title = t('closeLabel');
  closeButton.addEventListener('click', close);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  });
  document.getElementById('status').textContent = t('loading');

  const token = location.hash.slice(1);
  if (!TOKEN_PATTERN.test(token)) {
    showMessage(t('errorNoSource'));
    return;
  }
  const ready = init();
  ready.catch(() => {}); // Awaited below, once there is a source to read.
  const source = await api.runtime.sendMessage({ type: TAKE, token });
  if (!source || source.ok !== true || typeof source.html !== 'string'
      || typeof source.url !== 'string') {
    showMessage(t('errorNoSource'));
    return;
  }
  let article;
  try {
    await ready;
    article = extract(source.html, source.url);
  } catch (err) {
    showMessage(t('errorExtract', [String(err?.message ?? err).split('\n')[0]]));
    return;
  }
  if (!article || typeof article.html !== 'string' || !hasArticle(article)) {
    showMessage(t('errorNoArticle'));
    return;
  }
  render(article, source.url);
}

main().catch((err) => showMessage(t('errorExtract', [String(err?.message ?? err)])));
