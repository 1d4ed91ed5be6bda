// Shared parts of the end-to-end tests: the fixture server, the fixture's expectations, and the
// checks that both browsers' tests make on what the reader view shows.

import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EXTENSION_DIR = join(ROOT, 'dist', 'unpacked');
export const OUT_DIR = join(ROOT, 'tests', 'out');
export const FIXTURES_DIR = process.env.KLARTEXT_FIXTURES_DIR ?? join(ROOT, 'tests', 'fixtures');
export const FIXTURE = 'krone-putin-nordkorea';
export const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8'));
export const GECKO_ID = MANIFEST.browser_specific_settings.gecko.id;
export const COMMAND = 'toggle-reader';

/** A page CSP that forbids wasm (and any eval): what breaks wasm in content scripts. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'";

/** An input appended to served pages, so a test can type into the page before opening. */
const PROBE = '<p><label>Probe <input id="klartext-probe" type="text"></label></p>';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** Pages made up by the tests, served at /made/<name>. */
export const MADE_PAGES = {
  'no-article': '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Nothing here</title></head>'
    + '<body><nav><a href="/">Home</a></nav></body></html>',
};

export function requireBuild() {
  for (const file of ['manifest.json', 'core/klartext.js', 'core/klartext_bg.wasm', 'vendor/purify.es.mjs']) {
    if (!existsSync(join(EXTENSION_DIR, file))) {
      throw new Error(`dist/unpacked/${file} is missing: run ./build.sh (or npm run package) first`);
    }
  }
}

export function loadExpectations() {
  const path = join(FIXTURES_DIR, `${FIXTURE}.expect.json`);
  const expect = JSON.parse(readFileSync(path, 'utf8'));
  for (const key of ['title', 'article', 'clutter']) {
    assert.ok(key in expect, `${path} has no "${key}"`);
  }
  assert.ok(expect.article.length > 0, 'the fixture lists article text to look for');
  return expect;
}

/**
 * Serves the fixtures on 127.0.0.1 at a random port. Under /csp/ every page is served with
 * STRICT_CSP. HTML pages get a probe input appended before </body>.
 */
export async function startServer() {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { 'Cache-Control': 'no-store' };
    if (path.startsWith('/csp/')) {
      headers['Content-Security-Policy'] = STRICT_CSP;
      path = path.slice(4);
    }
    let body;
    if (path.startsWith('/made/') && Object.hasOwn(MADE_PAGES, path.slice(6))) {
      body = Buffer.from(MADE_PAGES[path.slice(6)]);
      path = '/made.html';
    } else {
      const file = normalize(join(FIXTURES_DIR, path));
      if (!file.startsWith(FIXTURES_DIR + sep) || !existsSync(file)) {
        res.writeHead(404, headers).end('not found');
        return;
      }
      body = readFileSync(file);
    }
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      const html = body.toString('utf8');
      const at = html.lastIndexOf('</body>');
      body = Buffer.from(at < 0 ? html + PROBE : html.slice(0, at) + PROBE + html.slice(at));
    }
    res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => new Promise((resolve) => server.close(resolve)) };
}

export function freshProfileDir(name) {
  return mkdtempSync(join(tmpdir(), `klartext-${name}-`));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

export function screenshotPath(name) {
  mkdirSync(OUT_DIR, { recursive: true });
  return join(OUT_DIR, name);
}

/** Types into the page's probe input, scrolls the page, and returns what must come back. */
export async function preparePage(page) {
  await page.type('#klartext-probe', 'typed before opening');
  // Typing scrolls the input into view, in Firefox sometimes a little later; the page is then
  // scrolled to a third of its height and left until its position holds for a few frames.
  await page.evaluate(async () => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const settle = async () => {
      let last = NaN;
      for (let same = 0; same < 5;) {
        await frame();
        same = window.scrollY === last ? same + 1 : 0;
        last = window.scrollY;
      }
    };
    await settle();
    window.scrollTo(0, Math.floor(document.documentElement.scrollHeight / 3));
    await settle();
  });
  return page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    scrollX: window.scrollX,
    scrollY: window.scrollY,
    value: document.getElementById('klartext-probe').value,
    active: document.activeElement?.id ?? null,
    title: document.title,
  }));
}

/** The page's state as preparePage records it. */
export function pageState(page) {
  return page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    scrollX: window.scrollX,
    scrollY: window.scrollY,
    value: document.getElementById('klartext-probe').value,
    active: document.activeElement?.id ?? null,
    title: document.title,
  }));
}

/**
 * Waits until the page has an overlay frame showing the reader page, and returns that frame.
 * Firefox's BiDi frames may report about:blank for an extension frame, so each child frame is
 * also asked for its own location.
 */
export async function waitForReaderFrame(page, prefix, timeout = 20_000) {
  const reader = `${prefix}reader/reader.html`;
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (frame.url().startsWith(reader)) return frame;
      const href = await frame.evaluate(() => location.href).catch(() => '');
      if (href.startsWith(reader)) return frame;
    }
    if (Date.now() > deadline) {
      throw new Error(`no reader frame appeared; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
    }
    await sleep(100);
  }
}

/**
 * Scrolls the reader view with the mouse wheel, past its end, and checks that the reader
 * scrolled and the page underneath did not (overscroll-behavior: contain).
 */
export async function wheelThroughReader(page, frame, beforeState) {
  await page.mouse.move(600, 450);
  for (let i = 0; i < 4; i++) {
    await page.mouse.wheel({ deltaY: 4000 });
    await sleep(150);
  }
  await sleep(300);
  const readerY = await frame.evaluate(() => window.scrollY);
  const pageNow = await page.evaluate(() => [window.scrollX, window.scrollY]);
  assert.ok(readerY > 0, 'the wheel scrolls the reader view');
  assert.deepEqual(pageNow, [beforeState.scrollX, beforeState.scrollY],
    'scrolling the reader view does not scroll the page underneath');
  await frame.evaluate(() => window.scrollTo(0, 0));
}

/** Whether the page's focus is in the overlay frame (keys then go to the reader page). */
export function focusIsInFrame(page) {
  return page.evaluate(() => document.activeElement?.tagName === 'IFRAME');
}

/** Resolves when the page has no overlay frame left. */
export function waitForFrameGone(page, timeout = 5000) {
  return page.waitForFunction(() => !document.querySelector('iframe'), { timeout });
}

/** Waits until the reader page has finished (an article, or a message), and returns what it shows. */
export async function readerContent(frame, timeout = 20_000) {
  await frame.waitForFunction(
    () => document.getElementById('view')?.getAttribute('aria-busy') === 'false',
    { timeout },
  );
  return frame.evaluate(() => ({
    text: document.body.innerText,
    h1: document.querySelector('article h1')?.textContent ?? null,
    site: document.querySelector('.site')?.textContent ?? null,
    lang: document.querySelector('article')?.getAttribute('lang') ?? null,
    time: document.querySelector('article time')?.getAttribute('datetime') ?? null,
    timeText: document.querySelector('article time')?.textContent ?? null,
    message: document.querySelector('.status[role=alert]')?.textContent ?? null,
    closeLabel: document.getElementById('close')?.getAttribute('aria-label') ?? null,
    focused: document.activeElement?.id ?? null,
    unsafeLinks: [...document.querySelectorAll('article a[href]')]
      .filter((a) => a.target !== '_blank' || !/noopener/.test(a.rel)).length,
    scripts: document.querySelectorAll('article script, article iframe, article style, article form').length,
  }));
}

/** What the reader view must show for the reference fixture, and must not. */
export function assertShowsArticle(shown, expect) {
  assert.equal(shown.message, null, `the reader shows a message instead of the article: ${shown.message}`);
  assert.equal(shown.h1?.trim(), expect.title, 'the title is the heading');
  if (expect.site_name) assert.equal(shown.site?.trim(), expect.site_name, 'the site name is shown');
  if (expect.lang) assert.equal(shown.lang, expect.lang, 'the article has the page language');
  if (expect.published_time) {
    assert.equal(shown.time, expect.published_time, 'the publication time is given');
    assert.ok(shown.timeText && /\d/.test(shown.timeText), 'the publication date is shown');
  }
  const text = normalizeSpace(shown.text);
  for (const block of expect.article) {
    assert.ok(text.includes(normalizeSpace(block)), `article text missing from the view: ${JSON.stringify(block)}`);
  }
  // A clutter line counts as shown when it is a whole line of the view, or, when it is long
  // enough not to occur by chance inside other text ("close", "Beta"), anywhere in it.
  const lines = new Set(shown.text.split('\n').map(normalizeSpace));
  for (const line of expect.clutter) {
    const needle = normalizeSpace(line);
    const found = lines.has(needle) || (needle.length >= 20 && text.includes(needle));
    assert.ok(!found, `clutter shown in the view: ${JSON.stringify(line)}`);
  }
  assert.equal(shown.unsafeLinks, 0, 'every article link opens in a new tab with rel=noopener');
  assert.equal(shown.scripts, 0, 'no script, iframe, style or form in the article');
  assert.ok(shown.closeLabel, 'the close button has an accessible name');
  assert.equal(shown.focused, 'view', 'the reader page put its focus on the article');
}

/** The page after closing is the page before opening, to the byte, scroll and input value. */
export function assertPageRestored(before, after) {
  assert.equal(after.html, before.html, 'the page DOM is exactly as before');
  assert.equal(after.scrollX, before.scrollX, 'horizontal scroll restored');
  assert.equal(after.scrollY, before.scrollY, 'vertical scroll restored');
  assert.equal(after.value, before.value, 'the typed value is still in the input');
  assert.equal(after.active, before.active, 'focus is back on the element that had it');
  assert.equal(after.title, before.title, 'the page title is unchanged');
}

export function normalizeSpace(s) {
  return String(s).replace(/\s+/g, ' ').trim();
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/**
 * Firefox ESR through WebDriver BiDi with the built extension installed as a temporary add-on.
 * Its uuid is pinned so that a test knows the moz-extension:// origin; system access lets a test
 * press the toolbar action with privileged script.
 */
export async function launchFirefox(profile, uuid, extraPrefs = {}, extensionDir = EXTENSION_DIR) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1200, height: 900 },
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
      ...extraPrefs,
    },
  });
  try {
    assert.equal(await browser.installExtension(extensionDir), GECKO_ID);
  } catch (err) {
    // No browser is left behind for the caller, which has none to close.
    await browser.close();
    throw err;
  }
  return browser;
}

/**
 * Evaluates privileged script in Firefox's browser window (the parent process's chrome scope;
 * Firefox started with --remote-allow-system-access, as launchFirefox starts it) and returns its
 * value.
 */
export async function inFirefoxWindow(browser, expression) {
  const { connection } = browser;
  const { result: tree } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const window = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
  assert.ok(window, 'the browser window is reachable in the chrome scope');
  const { result } = await connection.send('script.evaluate', {
    expression, target: { context: window.context }, awaitPromise: true,
  });
  if (result.type !== 'success') {
    throw new Error(`privileged script failed: ${JSON.stringify(result.exceptionDetails ?? result)}`);
  }
  return result.result.value;
}

/** Types a shortcut like "Alt+Shift+K" in Firefox as trusted key events (nsITextInputProcessor). */
export function typeFirefoxShortcut(browser, shortcut) {
  return inFirefoxWindow(browser, `(() => {
    const parts = ${JSON.stringify(shortcut.split('+'))};
    const letter = parts.pop();
    const MODIFIERS = {
      Alt: ['Alt', 'AltLeft', KeyEvent.DOM_VK_ALT],
      Shift: ['Shift', 'ShiftLeft', KeyEvent.DOM_VK_SHIFT],
      Ctrl: ['Control', 'ControlLeft', KeyEvent.DOM_VK_CONTROL],
    };
    const key = ([key, code, keyCode]) => new KeyboardEvent('', { key, code, keyCode });
    const tip = Cc['@mozilla.org/text-input-processor;1'].createInstance(Ci.nsITextInputProcessor);
    if (!tip.beginInputTransactionForTests(window)) throw new Error('no input transaction');
    const mods = parts.map((p) => MODIFIERS[p]);
    const main = [letter, 'Key' + letter, KeyEvent['DOM_VK_' + letter]];
    for (const m of mods) tip.keydown(key(m));
    tip.keydown(key(main));
    tip.keyup(key(main));
    for (const m of mods.reverse()) tip.keyup(key(m));
    return 'typed';
  })()`);
}

/**
 * Selects the first five characters of the fixture's text node that holds "Nordkorea wird" (a
 * word or so, as find-in-page leaves a selection), scrolled into view when `scroll`; returns
 * the selected text.
 */
export function selectShortText(page, { scroll = false } = {}) {
  return page.evaluate((scroll) => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let node = walker.nextNode();
    while (node && !node.data.includes('Nordkorea wird')) node = walker.nextNode();
    const range = document.createRange();
    range.setStart(node, 0);
    range.setEnd(node, 5);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    if (scroll) node.parentElement.scrollIntoView({ block: 'center' });
    return range.toString();
  }, scroll);
}

/**
 * The middle of a few characters of text in view under `selector` (outside links), or of the
 * selection for `selector` null: a point where a right-click gets the page's (or the
 * selection's) context menu, not a link's or an image's.
 */
export async function textPoint(page, selector) {
  const point = await page.evaluate((selector) => {
    const inView = (rect) => rect.width > 0 && rect.top >= 0 && rect.bottom <= innerHeight
      && rect.left >= 0 && rect.right <= innerWidth;
    const rects = [];
    if (selector === null) {
      rects.push(...getSelection().getRangeAt(0).getClientRects());
    } else {
      const walker = document.createTreeWalker(document.querySelector(selector) ?? document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.search(/\S\S\S/);
        if (at < 0 || node.parentElement.closest('a')) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 3);
        rects.push(...range.getClientRects());
      }
    }
    const rect = rects.find(inView);
    return rect && { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
  }, selector);
  assert.ok(point, `no text in view under ${selector ?? 'the selection'}`);
  return point;
}

/**
 * Right-clicks the page at `point` (Firefox) and chooses the extension's context-menu item
 * `menuId` in the real menu that opens: in the extension's submenu where it has several items
 * there, or at the top level. Fails, listing what the menu offered, when the item is not in it.
 * `whileOpen()` runs while the menu is open, before the choice: the click has moved the focus
 * as a user's does, and the page is as the extension will find it.
 */
export async function chooseFromFirefoxPageMenu(browser, page, menuId, point, whileOpen = async () => {}) {
  await page.mouse.click(point.x, point.y, { button: 'right' });
  const menu = "document.getElementById('contentAreaContextMenu')";
  const opened = await inFirefoxWindow(browser, `(async () => {
    const menu = ${menu};
    for (let i = 0; i < 100 && menu.state !== 'open'; i++) await new Promise((r) => setTimeout(r, 50));
    return menu.state;
  })()`);
  assert.equal(opened, 'open', 'the right-click opens the page\'s context menu');
  await whileOpen();
  const outcome = await inFirefoxWindow(browser, `(async () => {
    const menu = ${menu};
    const offered = [...menu.querySelectorAll('menu, menuitem')].filter((m) => !m.hidden);
    const item = offered.find((m) => m.localName === 'menuitem' && m.id.endsWith(${JSON.stringify(`_${menuId}`)}));
    if (!item) {
      menu.hidePopup();
      return 'not offered: ' + offered.map((m) => m.getAttribute('label')).filter(Boolean).join(' | ');
    }
    const popup = item.parentNode;
    if (popup !== menu) {
      const shown = new Promise((resolve) => popup.addEventListener('popupshown', resolve, { once: true }));
      item.closest('menu').open = true;
      await shown;
    }
    popup.activateItem(item);
    return 'chosen';
  })()`);
  assert.equal(outcome, 'chosen', `the context menu item ${menuId}`);
}

/**
 * Waits until `ready` (a function run in the extension's service worker, returning a boolean)
 * holds there. Polled from the driver: right after start the worker's realm may lack even
 * `setTimeout`, so a loop inside the worker can throw.
 */
export async function waitInWorker(worker, ready, timeout = 10_000) {
  for (const deadline = Date.now() + timeout; Date.now() < deadline;) {
    if (await worker.evaluate(ready).catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`the extension's worker was not ready within ${timeout} ms`);
}

/**
 * Whether Chromium's page context menu has the extension's item `id`: 'there', or why not. The
 * background creates its items when it is installed, after clearing the old ones (both
 * asynchronous), so a check right after the browser started may come before they exist (seen
 * once: 14 ms after the start): it asks again until `timeout`.
 */
export async function menuItem(worker, id, timeout = 5_000) {
  let answer;
  for (const deadline = Date.now() + timeout; Date.now() < deadline;) {
    answer = await worker.evaluate((item) => chrome.contextMenus.update(item, {})
      .then(() => 'there', (err) => err.message), id);
    if (answer === 'there') break;
    await sleep(50);
  }
  return answer;
}

/**
 * The extension's background service worker, once it has run its script: its toolbar-action
 * listener is registered. A press right after the browser started may otherwise come before the
 * worker has run (seen once: a fresh profile's first press opened no view within 20 s).
 */
export async function readyWorker(extension, timeout = 10_000) {
  let worker;
  for (const deadline = Date.now() + timeout; !worker && Date.now() < deadline;) {
    [worker] = await extension.workers();
    if (!worker) await sleep(100);
  }
  assert.ok(worker, 'the background service worker runs');
  await waitInWorker(worker, () => globalThis.chrome?.action?.onClicked?.hasListeners?.() === true, timeout);
  return worker;
}
