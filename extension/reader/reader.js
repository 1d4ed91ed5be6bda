// Klartext's reader page: framed over the page by the content script, as reader.html#<token>.
// It takes the page's URL and a hand-over key from the background (once, by token), accepts the
// page's source that the content script posts to it with that key, runs the wasm core on it,
// and shows the article. The article's HTML comes from the page: it is sanitized by DOMPurify
// on its way into the document, whatever the core already did.
//
// Around the article: a toolbar (settings, narration, print, save, close), the settings kept
// in storage.sync, the reading position per URL in storage.local. This page is an extension
// page, so it uses storage itself; the background only hears whether the page was readerable.

import init, { Reading, extract } from '../core/klartext.js';
import DOMPurify from '../vendor/purify.es.mjs';
import {
  CLOSE, MAX_CHUNKS, MAX_HTML_BYTES, PAGE, READERABLE, READER_SET, TAKE, TOKEN_PATTERN, checkPage,
} from '../protocol.js';
import * as prefs from './settings.js';
import { readingMinutes } from './readtime.js';
import { shownTitle } from './headline.js';
import { Narrator, makeHighlighter, narrationBlocks, sortVoices } from './narration.js';
import { download, fileName, htmlDocument, markdownDocument } from './export.js';
import { currentPosition, loadPosition, restorePosition, savePosition } from './position.js';
import { showRemoved } from './removed.js';

const api = globalThis.browser ?? globalThis.chrome;

/**
 * How long the view waits for the page's source once its token is taken. The content script
 * posts it when this frame has loaded (a 32 Mi-character page crosses in well under a second);
 * a frame that the page made with a stolen token waits this long, then says that no page came.
 */
const HANDOVER_TIMEOUT_MS = 10_000;
/**
 * Parts of a hand-over kept while the key is still on its way (see receivePage): the parts of
 * a page at the size limit (32 Mi characters in parts of 256 Ki) and a few look-alikes.
 */
const MAX_EARLY_PARTS = 160;

/**
 * Receives the page's source from the content script: posted to this frame by its parent
 * (postMessage) in parts, in order, from this frame's load event on (see checkPage). The key
 * that proves they come from the content script is in the background's answer to the token,
 * asked for as this module runs, before the load event, and it may come before or after the
 * first parts: until it is there, messages shaped like a part are kept (a few more than a page
 * has: the page may post look-alikes, it cannot know the key), everything else is ignored.
 * Listening starts as this module runs, before that event.
 */
function receivePage() {
  let key = null;
  let early = [];
  let page = null;
  let timer = null;
  let found;
  const first = new Promise((resolve) => {
    found = resolve;
  });
  let ended;
  const complete = new Promise((resolve) => {
    ended = resolve;
  });
  let over = false;
  const end = (whole) => {
    over = true;
    window.removeEventListener('message', onMessage);
    clearTimeout(timer);
    early = [];
    found(page);
    ended(whole);
  };
  /** A part with the right key: its chunks kept and given to the reader of the page, if any. */
  function accept(part) {
    if (page === null) {
      let feed = null;
      page = {
        selection: part.selection,
        chunks: [],
        bytes: 0,
        complete,
        /** Calls `read` with every chunk so far, then with each as it comes (one reader at a time). */
        each(read) {
          feed = read;
          for (const chunk of this.chunks) read(chunk);
        },
        feed: (chunk) => feed?.(chunk),
      };
      found(page);
    }
    for (const chunk of part.utf8) {
      page.bytes += chunk.byteLength;
      page.chunks.push(chunk);
      page.feed(chunk);
    }
    // A content script never sends more; anything beyond the bounds is not a page.
    if (page.bytes > MAX_HTML_BYTES || page.chunks.length > MAX_CHUNKS) end(false);
    else if (part.last) end(true);
  }
  function onMessage(event) {
    if (event.source !== window.parent) return;
    if (key !== null) {
      const part = checkPage(event.data, key);
      if (part) accept(part);
    } else if (event.data?.type === PAGE && early.length < MAX_EARLY_PARTS) {
      early.push(event.data);
    }
  }
  window.addEventListener('message', onMessage);
  return {
    /**
     * The page as its first part comes with `expected`: { selection, chunks, bytes, complete
     * (a promise: true once the last part is there, false if it did not come in time), each },
     * or null if no part came within `timeout` ms, which also bounds the whole hand-over.
     */
    take(expected, timeout) {
      key = expected;
      const kept = early;
      early = [];
      for (const data of kept) {
        const part = checkPage(data, key);
        if (part) accept(part);
      }
      if (!over) timer = setTimeout(() => end(false), timeout);
      return first;
    },
    stop: () => end(false),
  };
}
const pageReceiver = receivePage();

const PURIFY_CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style', 'link', 'meta', 'base', 'form', 'input', 'button', 'select', 'option', 'textarea',
    'iframe', 'frame', 'frameset', 'object', 'embed', 'template', 'dialog',
  ],
  // Ids, names, classes and data-* attributes belong to the reader's own document (its
  // data-i18n and data-setting hooks), not to the article's.
  FORBID_ATTR: ['style', 'id', 'name', 'class', 'tabindex', 'accesskey'],
  ALLOW_DATA_ATTR: false,
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
const $ = (id) => document.getElementById(id);
const UI_LANG = api.i18n.getUILanguage();

/** Settings live in storage.sync (kept on this device when the browser does not sync). */
const settingsArea = api.storage?.sync ? 'sync' : 'local';
const settingsStorage = api.storage?.[settingsArea];
let settings = prefs.normalize(null);

/**
 * What is shown: { url, lang, dir, meta, article (element), body (element), selection }, or
 * null while there is no article.
 */
let shown = null;
let narrator = null;
let positionTimer = 0;
/**
 * The page's source as text (and the selection's document), for the removed-blocks panel. The
 * core reads the UTF-8 bytes; the text is decoded only when the panel needs it (parsing the page
 * for a kept block's selector, or showing a block): decoding it for every view cost about as
 * much as the hand-over itself (tests/bench/handover.mjs).
 */
let pageSource = { html: () => '', selection: '' };

/** The bytes of `chunks` decoded once, the first time they are asked for. */
function decodedOnce(chunks) {
  let text = null;
  return () => (text ??= new TextDecoder().decode(joinChunks(chunks)));
}

/** The chunks of the page's source as one buffer. */
function joinChunks(chunks) {
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * Saves what changed, shortly after (one message per burst), through the background's queue; if
 * the background does not answer, the whole settings straight into storage as before.
 */
const saveChanges = prefs.patchSaver(
  (patch) => api.runtime.sendMessage({ type: READER_SET, patch }),
  () => { if (settingsStorage) prefs.save(settingsStorage, settings); },
);

/** Applies the settings to the page at once and saves what changed shortly after. */
function changeSettings(next) {
  const before = settings;
  settings = next;
  prefs.apply(settings);
  saveChanges(prefs.changes(before, next));
  if (narrator && (before.rate !== next.rate)) narrator.configure({ rate: next.rate });
}

async function rememberPosition() {
  clearTimeout(positionTimer);
  positionTimer = 0;
  if (!shown || shown.selection || !api.storage?.local) return;
  await savePosition(api.storage.local, shown.url, currentPosition(shown.article, barHeight()));
}

function barHeight() {
  return $('bar').getBoundingClientRect().bottom;
}

function close() {
  narrator?.stop();
  // The position is written before the frame goes (a few milliseconds).
  rememberPosition().finally(() => {
    api.runtime.sendMessage({ type: CLOSE }).catch(() => {});
  });
}

/** Replaces the view with one line of explanation (the close button stays). */
function showMessage(text) {
  narrator?.stop();
  narrator = null;
  shown = null;
  for (const id of ['settings-button', 'listen-button', 'print-button', 'export-button', 'removed-button']) {
    document.getElementById(id).disabled = true;
  }
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

/**
 * Shows an article. `selection`: the article is the text the user selected, and `whole` (when
 * given) shows the whole page's article instead.
 */
function render(article, url, { selection = false, whole = null } = {}) {
  narrator?.stop();
  narrator = null;
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
  header.append(el('h1', { class: 'title', text: site ? shownTitle(title, site) : title }));

  const meta = [];
  let date = null;
  if (byline) meta.push(el('span', { class: 'byline', text: byline }));
  if (published) {
    const shownDate = formatDate(published, lang);
    if (shownDate) {
      date = { iso: published, text: shownDate };
      meta.push(el('time', { datetime: published, text: shownDate }));
    }
  }
  const minutes = readingMinutes(article.text, lang);
  meta.push(el('span', {
    class: 'reading-time',
    lang: UI_LANG,
    text: t('readingTime', [new Intl.NumberFormat(UI_LANG).format(minutes)]),
  }));
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

  if (selection) {
    const note = el('p', { class: 'selection-note', lang: UI_LANG }, t('selectionNote'));
    if (whole) {
      const button = el('button', { type: 'button', class: 'text-button', text: t('selectionShowAll') });
      button.addEventListener('click', () => {
        whole();
        view.focus({ preventScroll: true });
      });
      note.append(' ', button);
    }
    header.append(note);
  }

  const body = el('div', { class: 'body' });
  body.append(article.sanitized ?? sanitize(article.html));
  // The title is shown above: drop the body's own copy of it.
  const first = body.firstElementChild;
  if (first && /^H[12]$/.test(first.tagName) && first.textContent.trim() === title) first.remove();

  const container = el('article', { class: 'article', lang, dir }, header, body);
  view.replaceChildren(container);
  view.setAttribute('aria-busy', 'false');
  document.title = title;
  shown = {
    url, lang, dir, selection, article: container, body,
    meta: { title, site, kicker, byline, date, url, lang, dir },
  };
  for (const id of ['settings-button', 'listen-button', 'print-button', 'export-button', 'removed-button']) $(id).disabled = false;
  closePanel($('narration'));
  closePanel($('removed'));
  showRemoved({
    list: $('removed-list'),
    count: $('removed-count'),
    removed: article.removed,
    source: selection ? () => pageSource.selection : pageSource.html,
    url,
    container,
    t,
    storage: api.storage?.local ?? null,
    sanitize,
  }).catch((err) => console.warn('Klartext:', err?.message ?? err));
  window.scrollTo(0, 0);
  view.focus({ preventScroll: true });
}

// --- Panels: settings and saving are pop-overs (one at a time), narration is a bar. ---

const POPOVERS = ['settings', 'export', 'removed'];

function buttonFor(panel) {
  return document.querySelector(`[aria-controls="${panel.id}"]`);
}

function openPanel(panel) {
  if (POPOVERS.includes(panel.id)) {
    for (const id of POPOVERS) if (id !== panel.id) closePanel($(id));
  }
  panel.hidden = false;
  buttonFor(panel).setAttribute('aria-expanded', 'true');
  panel.querySelector('button:not([disabled]), input, select')?.focus();
}

function closePanel(panel, { focusButton = false } = {}) {
  if (panel.hidden) return false;
  panel.hidden = true;
  const button = buttonFor(panel);
  button.setAttribute('aria-expanded', 'false');
  if (panel.id === 'narration') narrator?.stop();
  if (focusButton) button.focus();
  return true;
}

function togglePanel(panel) {
  if (panel.hidden) openPanel(panel);
  else closePanel(panel, { focusButton: true });
}

// --- Narration ---

function languageName(lang) {
  try {
    return new Intl.DisplayNames([UI_LANG], { type: 'language' }).of(lang) ?? lang;
  } catch {
    return lang;
  }
}

function primaryLanguage(lang) {
  return String(lang ?? '').toLowerCase().split(/[-_]/)[0];
}

/** Fills the voice list: the article's language first; the stored choice selected. */
function showVoices(speech) {
  const select = $('narrate-voice');
  const lang = shown?.lang ?? UI_LANG;
  const { matching, others } = sortVoices(speech.getVoices(), lang);
  const option = (voice) => el('option', { value: voice.voiceURI, text: `${voice.name} (${voice.lang})` });
  select.replaceChildren(el('option', { value: '', text: t('voiceAutomatic') }));
  if (matching.length) {
    select.append(el('optgroup', { label: t('voicesForLanguage', [languageName(lang)]) }, ...matching.map(option)));
  }
  if (others.length) select.append(el('optgroup', { label: t('voicesOther') }, ...others.map(option)));
  const wanted = settings.voices[primaryLanguage(lang)] ?? '';
  const all = [...matching, ...others];
  select.value = all.some((v) => v.voiceURI === wanted) ? wanted : '';
  // Without a choice, the first voice for the language (the browser's default for it first).
  const voice = all.find((v) => v.voiceURI === select.value)
    ?? matching.find((v) => v.default) ?? matching[0] ?? null;
  narrator?.configure({ voice });
  $('narration-status').textContent = all.length ? '' : t('voicesNone');
}

function showNarrationState({ state, index, total, error }) {
  const play = $('narrate-play');
  const playing = state === 'playing';
  play.classList.toggle('playing', playing);
  const label = t(playing ? 'narratePause' : 'narratePlay');
  play.setAttribute('aria-label', label);
  play.title = label;
  $('narrate-prev').disabled = index <= 0;
  $('narrate-next').disabled = index >= total - 1;
  const status = $('narration-status');
  if (error) status.textContent = t('narrationError', [error]);
  else if (state === 'stopped') status.textContent = '';
  else status.textContent = t('narrationProgress', [String(index + 1), String(total)]);
}

/** Sets narration up on first use: the engine is looked up then (a test may have replaced it). */
function startNarration() {
  if (narrator) return narrator;
  const speech = globalThis.speechSynthesis;
  const Utterance = globalThis.SpeechSynthesisUtterance;
  if (!speech || typeof Utterance !== 'function' || !shown) {
    $('narration-status').textContent = t('narrationUnavailable');
    for (const id of ['narrate-prev', 'narrate-play', 'narrate-next']) $(id).disabled = true;
    return null;
  }
  narrator = new Narrator({
    speech,
    Utterance,
    // The kicker and the title, then the text: not the meta line or the link to the page.
    blocks: [...shown.article.querySelectorAll('.head .kicker, .head .title'), ...narrationBlocks(shown.body)],
    lang: shown.lang ?? '',
    highlighter: makeHighlighter(document),
    onState: showNarrationState,
  });
  narrator.configure({ rate: settings.rate });
  showVoices(speech);
  speech.addEventListener?.('voiceschanged', () => showVoices(speech));
  showNarrationState({ state: 'stopped', index: 0, total: narrator.blocks.length });
  return narrator;
}

function setupToolbar() {
  $('settings-button').addEventListener('click', () => togglePanel($('settings')));
  $('export-button').addEventListener('click', () => togglePanel($('export')));
  $('removed-button').addEventListener('click', () => togglePanel($('removed')));
  $('listen-button').addEventListener('click', () => {
    const panel = $('narration');
    if (panel.hidden) {
      openPanel(panel);
      startNarration();
      $('narrate-play').focus();
    } else {
      closePanel(panel, { focusButton: true });
    }
  });
  $('narrate-play').addEventListener('click', () => startNarration()?.toggle());
  $('narrate-prev').addEventListener('click', () => startNarration()?.previous());
  $('narrate-next').addEventListener('click', () => startNarration()?.next());
  $('narrate-voice').addEventListener('change', (event) => {
    const uri = event.target.value;
    const lang = primaryLanguage(shown?.lang ?? UI_LANG);
    const voices = { ...settings.voices };
    if (uri) voices[lang] = uri;
    else delete voices[lang];
    changeSettings(prefs.normalize({ ...settings, voices }));
    const speech = globalThis.speechSynthesis;
    if (speech) showVoices(speech);
  });
  $('print-button').addEventListener('click', () => {
    for (const id of POPOVERS) closePanel($(id));
    window.print();
  });
  const save = (kind) => {
    if (!shown) return;
    const { meta, body } = shown;
    if (kind === 'html') {
      download(htmlDocument(meta, body), fileName(meta.title, 'html'), 'text/html');
    } else {
      download(markdownDocument(meta, body), fileName(meta.title, 'md'), 'text/markdown');
    }
    closePanel($('export'), { focusButton: true });
  };
  $('export-html').addEventListener('click', () => save('html'));
  $('export-markdown').addEventListener('click', () => save('markdown'));

  const panel = prefs.bindPanel($('settings'), {
    locale: UI_LANG,
    getSettings: () => settings,
    onChange: changeSettings,
    contrastText: (text, link) => t('contrastNote', [text.toFixed(1), link.toFixed(1)]),
  });
  $('settings-reset').addEventListener('click', () => {
    const next = prefs.normalize({ voices: settings.voices });
    changeSettings(next);
    panel.show(next);
  });
  return panel;
}

function localize() {
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-label]')) {
    const label = t(node.dataset.i18nLabel);
    node.setAttribute('aria-label', label);
    node.title = label;
  }
  for (const node of document.querySelectorAll('[data-i18n-aria-label]')) {
    node.setAttribute('aria-label', t(node.dataset.i18nAriaLabel));
  }
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
  // Started first, so that the core's compilation and the token's round trip to the background
  // overlap the view's set-up (about 5 to 15 ms after a click, measured on the reference page).
  const token = location.hash.slice(1);
  const hasToken = TOKEN_PATTERN.test(token);
  // Marks of the view's steps on the frame's own timeline (an extension page's: the page
  // below cannot read them), for the speed bench's breakdown of click to paint.
  const mark = (step) => performance.mark(`klartext:${step}`);
  mark('main');
  const ready = hasToken ? init().then((core) => (mark('core'), core)) : null;
  ready?.catch(() => {}); // Awaited below, once there is a source to read.
  const taking = hasToken ? api.runtime.sendMessage({ type: TAKE, token }) : null;
  taking?.catch(() => {});
  window.addEventListener('wheel', containWheel, { passive: false });
  document.documentElement.lang = UI_LANG;
  document.documentElement.dir = t('@@bidi_dir') === 'rtl' ? 'rtl' : 'ltr';
  prefs.fillFields($('settings-fields'));
  localize();
  closeButton.addEventListener('click', close);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    // Esc closes an open pop-over first (focus back on its button), then the view.
    const open = POPOVERS.map((id) => $(id)).find((panel) => !panel.hidden);
    if (open) closePanel(open, { focusButton: true });
    else close();
  });
  // A click in the article closes the pop-overs.
  view.addEventListener('pointerdown', () => {
    for (const id of POPOVERS) closePanel($(id));
  });
  window.addEventListener('scroll', () => {
    clearTimeout(positionTimer);
    positionTimer = setTimeout(rememberPosition, 400);
  }, { passive: true });
  document.getElementById('status').textContent = t('loading');
  const panel = setupToolbar();
  const loaded = settingsStorage ? prefs.load(settingsStorage) : Promise.resolve(settings);
  loaded.then((stored) => {
    settings = stored;
    prefs.apply(settings);
    panel.show(settings);
  });
  if (api.storage?.onChanged) {
    prefs.watch(api.storage, settingsArea, (next) => {
      if (JSON.stringify(next) === JSON.stringify(settings)) return;
      settings = next;
      prefs.apply(settings);
      panel.show(settings);
    });
  }
  prefs.apply(settings);
  panel.show(settings);

  if (!hasToken) {
    pageReceiver.stop();
    showMessage(t('errorNoSource'));
    return;
  }
  const taken = await taking.catch(() => null);
  mark('taken');
  const page = taken && taken.ok === true && typeof taken.url === 'string' && typeof taken.key === 'string'
    ? await pageReceiver.take(taken.key, HANDOVER_TIMEOUT_MS)
    : (pageReceiver.stop(), null);
  mark('page');
  if (!page) {
    showMessage(t('errorNoSource'));
    return;
  }
  const source = { page, url: taken.url, options: taken.options };
  pageSource = { html: decodedOnce(page.chunks), selection: page.selection };
  await loaded;
  mark('settings');
  let article;
  try {
    await ready;
    if (typeof page.selection === 'string' && page.selection !== '') {
      const part = selectionArticle(page.selection, source.url);
      if (part) {
        const whole = async () => {
          try {
            showPage(await readPage(source), source.url);
          } catch (err) {
            showReadError(err);
          }
        };
        render(part, source.url, { selection: true, whole });
        return;
      }
    }
    article = await readPage(source);
    mark('extracted');
  } catch (err) {
    showReadError(err);
    return;
  }
  await showPage(article, source.url);
  mark('shown');
}

/** The hand-over did not bring the whole page. */
class NoSource extends Error {}

/** Says why the page could not be read: it did not come whole, or the core's one line. */
function showReadError(err) {
  if (err instanceof NoSource) showMessage(t('errorNoSource'));
  else showMessage(t('errorExtract', [String(err?.message ?? err).split('\n')[0]]));
}

/**
 * The article of the whole page, read as its parts arrive (the core tokenizes each as it comes),
 * with the user's settings for the site (`options` from the background: the categories to
 * leave in the article and the user's own rules). Throws NoSource when the page's last part
 * did not come, and the core's error when it cannot read the page.
 */
async function readPage({ page, url, options }) {
  const valid = options && Array.isArray(options.keep)
    && options.keep.every((c) => typeof c === 'string') && typeof options.rules === 'string';
  const reading = new Reading(url, valid ? options.rules : undefined, valid ? options.keep : undefined, 0);
  let error = null;
  page.each((chunk) => {
    if (error) return;
    try {
      reading.write(chunk);
    } catch (err) {
      error = err;
    }
  });
  const whole = await page.complete;
  page.each(() => {});
  if (error || !whole) {
    reading.free();
    throw error ?? new NoSource(t('errorNoSource'));
  }
  return reading.extract();
}

/** Shows the article of a whole page, tells the background whether there was one, and goes back to where the reader left it. */
async function showPage(article, url) {
  const readerable = Boolean(article && typeof article.html === 'string' && hasArticle(article));
  api.runtime.sendMessage({ type: READERABLE, readerable: article?.readerable === true }).catch(() => {});
  if (!readerable) {
    showMessage(t('errorNoArticle'));
    return;
  }
  render(article, url);
  const position = api.storage?.local ? await loadPosition(api.storage.local, url) : null;
  if (position && shown?.url === url) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    restorePosition(shown.article, position, barHeight());
  }
}

/**
 * The article made of the selected text. The core reads it like a page (title, byline and date
 * come from the page's head); where it keeps less than half of the selected text (it dropped
 * what looked like clutter, but the user chose it), the selection itself is shown, sanitized.
 */
function selectionArticle(html, url) {
  const article = extract(html, url);
  const doc = new DOMParser().parseFromString(html, 'text/html');
  // The selection is the page's markup, which can clobber the document's and a form's
  // properties (<img name="body">, <input name="getAttribute">): read them from the prototypes.
  const body = Object.getOwnPropertyDescriptor(Document.prototype, 'body').get.call(doc);
  const { getAttribute, setAttribute, removeAttribute } = Element.prototype;
  const selected = body?.textContent.replace(/\s+/g, ' ').trim() ?? '';
  if (!selected) return null;
  const kept = String(article?.text ?? '').replace(/\s+/g, ' ').trim();
  if (kept.length >= selected.length / 2) return article;
  // The parsed document's base is this page: links and images are resolved against the page's.
  let base = url;
  try {
    const element = Document.prototype.querySelector.call(doc, 'base[href]');
    base = new URL(element ? getAttribute.call(element, 'href') : url, url).href;
  } catch {
    // A broken <base>: the page's URL.
  }
  for (const node of body.querySelectorAll('[href], [src], [srcset]')) {
    removeAttribute.call(node, 'srcset');
    for (const name of ['href', 'src']) {
      const value = getAttribute.call(node, name);
      if (value === null) continue;
      try {
        setAttribute.call(node, name, new URL(value, base).href);
      } catch {
        removeAttribute.call(node, name);
      }
    }
  }
  return {
    ...article,
    sanitized: sanitize(body.innerHTML),
    text: selected,
  };
}

main().catch((err) => showMessage(t('errorExtract', [String(err?.message ?? err)])));
