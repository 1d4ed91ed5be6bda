// Clean in place, in Chromium and Firefox ESR: the page keeps its layout, its clutter is
// hidden (one attribute per block and one adopted stylesheet), the panel lists what was hidden
// and restores a block, "always keep on this site" holds across a reload, and turning the
// mode off gives back the page's DOM to the byte.
//
// How the mode is turned on:
// - Firefox: the real keyboard shortcut (Alt+Shift+L), typed as trusted key events in the
//   browser window (the same privileged path as firefox.test.mjs).
// - Chromium: keyboard commands cannot be pressed headless and a test cannot click a context
//   menu. The test presses the real toolbar action (which grants activeTab, as the menu item and
//   the shortcut do), closes the reader view it opens, and then does from the background what
//   the menu item's handler does: inject clean/block-key.js and clean/content-clean.js and send
//   { type: 'klartext:clean', focus }. Everything after that (the page's source to the background, the
//   wasm core in the service worker, hiding, the panel) is the real path.
//
// Visibility is read from the page's innerText, which leaves out display:none content.
// Every clutter fixture (tests/fixtures/clutter/*.expect.json) is cleaned in place, one after
// the other, in each browser: its article lines stay visible, and its clutter lines go except
// the site's own layout, which clean in place keeps by design — the same rule as the CLI test
// (crate/tests/clutter_in_place.rs): a line inside a navigation landmark, inside a header or
// footer landmark outside the article, or an in-page link outside the article ("Skip to
// content"), and navigation without a landmark (a breadcrumb, a table of contents, a header by
// class, the site's home link). The navigation's links outside the article stay visible. Pages listed in
// tests/fixtures/clutter/IN-PLACE-GAPS.txt keep some clutter for a stated reason: on those
// the article and navigation are checked, the clutter lines are not. Then the mode is turned
// off and the DOM must be back to the byte.
// The panel sits in a closed shadow root: the page cannot reach it, so the tests operate it with
// the real keyboard (the mode puts the focus on it), and Chromium reads its text through the
// DevTools protocol's DOM tree, which includes closed shadow roots.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import {
  EXTENSION_DIR, FIXTURE, FIXTURES_DIR, GECKO_ID, MANIFEST, ROOT, freshProfileDir, loadExpectations,
  normalizeSpace, removeDir, requireBuild, screenshotPath, sleep, startServer, waitForReaderFrame,
  launchFirefox, inFirefoxWindow, typeFirefoxShortcut, chooseFromFirefoxPageMenu, textPoint,
  readyWorker, menuItem,
} from './support.mjs';
import {
  CLEAN, CLEAN_SOURCE, KEEP, MAX_KEY_LENGTH, checkMessage,
} from '../../extension/protocol.js';
import { hostOf, loadExceptions, setException } from '../../extension/clean/exceptions.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLEAN_COMMAND = 'clean-page';
const CLEAN_SHORTCUT = MANIFEST.commands[CLEAN_COMMAND].suggested_key.default;
const EN = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/messages.json'), 'utf8'));
const UUID = '5e0c8b1d-7a42-4f93-b6d1-2c9e8f4a3b70';

/** Every clutter fixture, and those clean in place does not clean fully yet. */
const CLUTTER_PAGES = readdirSync(join(FIXTURES_DIR, 'clutter'))
  .filter((file) => file.endsWith('.expect.json'))
  .map((file) => file.slice(0, -'.expect.json'.length))
  .sort();
const IN_PLACE_GAPS = new Set(readFileSync(join(FIXTURES_DIR, 'clutter', 'IN-PLACE-GAPS.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.split('\t')[0].trim()));

/** On the reference page: what clean in place must hide, and the site's navigation it keeps. */
const KRONE_HIDDEN = [
  // The video player's chrome.
  'play_arrow', '00:00 / 00:00', 'replay_10', 'forward_10', '1.0x Geschwindigkeit',
  // The "stories" carousel.
  'Neue "Stories" entdecken',
  // The comments.
  'Kommentare', 'Liebe Leserin, lieber Leser,', 'die Kommentarfunktion steht Ihnen ab 6 Uhr wieder wie gewohnt zur Verfügung.',
  // The games box.
  'Kostenlose Spiele', 'Täglich neue Rätsel – gratis und ohne Anmeldung.',
];
const KRONE_NAVIGATION = ['Stars & Society', 'Reisen & Urlaub', 'Tierecke', 'Startseite', 'Impressum', 'Offenlegung'];

/** What the page shows: its rendered text and the hidden-block attributes. */
function shownState(page) {
  return page.evaluate(() => ({
    text: document.body.innerText,
    hidden: document.querySelectorAll('[data-klartext-hidden]').length,
    host: document.querySelector('html > klartext-clean') !== null,
  }));
}

/** Whether a line shows: a whole line of the text, or (20 characters or more) anywhere in it. */
function shows(text, line) {
  const needle = normalizeSpace(line);
  const lines = new Set(text.split('\n').map(normalizeSpace));
  return lines.has(needle) || (needle.length >= 20 && normalizeSpace(text).includes(needle));
}

function assertVisible(text, lines, what) {
  const missing = lines.filter((line) => !normalizeSpace(text).includes(normalizeSpace(line)));
  assert.deepEqual(missing, [], `${what} not visible`);
}

function assertHidden(text, lines, what) {
  const leaked = lines.filter((line) => shows(text, line));
  assert.deepEqual(leaked, [], `${what} still visible`);
}

/**
 * The site's layout in the page as it is now (before cleaning): the text of its navigation
 * landmarks, of its header and footer landmarks outside the article, and of in-page links
 * outside the article; and the navigation's links, which must stay visible.
 */
function siteLayout(page) {
  return page.evaluate(() => {
    const norm = (s) => String(s).replace(/\s+/g, ' ').trim();
    const ARTICLE = 'main, article, [role=main]';
    const outside = (node) => !node.closest(ARTICLE);
    const lines = new Set();
    const add = (node) => {
      for (const line of node.innerText.split('\n')) lines.add(norm(line));
      for (const link of node.querySelectorAll('a')) lines.add(norm(link.innerText));
    };
    for (const node of document.querySelectorAll('nav, [role=navigation]')) add(node);
    for (const node of document.querySelectorAll('header, footer, [role=banner], [role=contentinfo], a[href^="#"]')) {
      if (outside(node)) add(node);
    }
    // Navigation without a landmark that says what it is: a breadcrumb trail, a table of
    // contents' box (around a list of in-page links, with its title and toggle), the site's
    // header or top bar by class outside the article, the site's home link (name or logo)
    // outside it, a post's category and tag links.
    const words = (node) => `${node.getAttribute('class') ?? ''} ${node.id}`.toLowerCase().split(/[\s_-]+/);
    for (const node of document.querySelectorAll('[aria-label], [itemtype], [class], [id]')) {
      const breadcrumb = /breadcrumb/i.test(node.getAttribute('aria-label') ?? '')
        || /BreadcrumbList/.test(node.getAttribute('itemtype') ?? '')
        || words(node).some((w) => ['breadcrumb', 'breadcrumbs', 'crumbs'].includes(w));
      const header = outside(node) && words(node).some((w) => ['header', 'masthead', 'navbar', 'topbar'].includes(w));
      if (breadcrumb || header) add(node);
    }
    for (const list of document.querySelectorAll('ul, ol')) {
      const anchors = [...list.querySelectorAll('a')];
      if (anchors.length < 2 || !anchors.every((a) => (a.getAttribute('href') ?? '').startsWith('#'))) continue;
      const own = norm(list.innerText).length;
      let toc = list;
      for (let up = list.parentElement; up && norm(up.innerText).length <= own + 40; up = up.parentElement) toc = up;
      add(toc);
    }
    // A post's taxonomy ("Posted in Dinner"): category and tag links with the line holding them.
    for (const link of document.querySelectorAll('a[rel]')) {
      if (/(^|\s)(tag|category)(\s|$)/i.test(link.getAttribute('rel'))) add(link.parentElement ?? link);
    }
    for (const link of document.querySelectorAll('a[href]')) {
      if (outside(link) && new URL(link.href, location.href).pathname === '/' && link.href !== location.href) add(link);
    }
    const links = [...document.querySelectorAll('nav, [role=navigation]')].filter(outside)
      .flatMap((nav) => [...nav.querySelectorAll('a')])
      .filter((link) => link.checkVisibility())
      .map((link) => norm(link.innerText))
      .filter(Boolean);
    return { lines: [...lines].filter(Boolean), links };
  });
}

function loadClutterExpectations(name) {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'clutter', `${name}.expect.json`), 'utf8'));
}

/**
 * Cleans every clutter fixture in place, one after the other: `open(path)` opens a page ready
 * for the mode, `toggle()` turns the mode on or off in the active tab.
 */
async function checkClutterPages(open, toggle) {
  const failures = [];
  let checked = 0;
  for (const name of CLUTTER_PAGES) {
    const expected = loadClutterExpectations(name);
    const page = await open(`/clutter/${name}.html`);
    const original = await page.evaluate(() => document.documentElement.outerHTML);
    const layout = await siteLayout(page);
    const clutter = expected.clutter.filter((line) => !layout.lines.includes(normalizeSpace(line)));
    await toggle();
    const state = await waitForClean(page);
    const problems = [];
    const text = normalizeSpace(state.text);
    for (const line of expected.article) {
      if (!text.includes(normalizeSpace(line))) problems.push(`article hidden: ${line}`);
    }
    for (const link of layout.links) {
      if (!text.includes(link)) problems.push(`navigation hidden: ${link}`);
    }
    if (!IN_PLACE_GAPS.has(name)) {
      checked += 1;
      for (const line of clutter.filter((l) => shows(state.text, l))) problems.push(`clutter visible: ${line}`);
    }
    await toggle();
    await waitForCleanGone(page);
    if (await page.evaluate(() => document.documentElement.outerHTML) !== original) problems.push('DOM not restored');
    if (problems.length) failures.push(`${name}:\n  ${problems.join('\n  ')}`);
    await page.close();
  }
  assert.deepEqual(failures, [], 'pages cleaned in place');
  assert.ok(checked * 3 > CLUTTER_PAGES.length * 2, `clutter checked on only ${checked} pages`);
}

/** Waits until the mode is on (its panel host is there) and the page has settled. */
async function waitForClean(page) {
  await page.waitForFunction(() => document.querySelector('html > klartext-clean') !== null, { timeout: 15_000 });
  return shownState(page);
}

function waitForCleanGone(page) {
  return page.waitForFunction(() => document.querySelector('html > klartext-clean') === null
    && document.querySelectorAll('[data-klartext-hidden]').length === 0, { timeout: 5000 });
}

/** The page's DOM without the mode's marks: the hiding attributes and the panel's host. */
function unmarkedHtml(page) {
  return page.evaluate(() => {
    const copy = document.documentElement.cloneNode(true);
    copy.querySelector(':scope > klartext-clean')?.remove();
    for (const node of copy.querySelectorAll('[data-klartext-hidden]')) node.removeAttribute('data-klartext-hidden');
    return copy.outerHTML;
  });
}

/** Which elements are hidden, by their position in document order (stable across a reload). */
function hiddenPositions(page) {
  return page.evaluate(() => {
    const all = [...document.getElementsByTagName('*')];
    return all.flatMap((node, i) => (node.hasAttribute('data-klartext-hidden') ? [i] : []));
  });
}

/** The checks on the reference page once it is clean. */
function assertKroneClean(state, expect) {
  assert.ok(state.hidden >= 8, `only ${state.hidden} blocks hidden`);
  assertVisible(state.text, expect.article, 'article text');
  assertVisible(state.text, KRONE_NAVIGATION, 'site navigation');
  assertHidden(state.text, KRONE_HIDDEN, 'clutter');
}

describe('Clean in place: messages and exceptions (no browser)', () => {
  test('the background accepts the clean messages and nothing else in their place', () => {
    assert.equal(checkMessage({ type: CLEAN }), CLEAN);
    assert.equal(checkMessage({ type: CLEAN_SOURCE, html: '<p>x</p>', url: 'https://example.org/' }), CLEAN_SOURCE);
    assert.equal(checkMessage({ type: KEEP, key: '###comments', keep: true }), KEEP);
    for (const bad of [
      { type: CLEAN, extra: 1 },
      { type: CLEAN_SOURCE, html: '<p>x</p>', url: 'javascript:void 0' },
      { type: CLEAN_SOURCE, html: '<p>x</p>' },
      { type: KEEP, key: '', keep: true },
      { type: KEEP, key: 'x'.repeat(MAX_KEY_LENGTH + 1), keep: true },
      { type: KEEP, key: '###comments', keep: 'yes' },
      { type: KEEP, key: '###comments', keep: true, host: 'example.org' },
    ]) {
      assert.equal(checkMessage(bad), null, `accepted: ${JSON.stringify(bad).slice(0, 80)}`);
    }
    const script = readFileSync(join(ROOT, 'extension/clean/content-clean.js'), 'utf8');
    for (const [name, value] of Object.entries({ CLEAN, CLEAN_SOURCE, KEEP })) {
      assert.ok(script.includes(`const ${name} = '${value}';`), `content-clean.js has ${name} = '${value}'`);
    }
  });

  test('exceptions are kept per site, without duplicates, and can be dropped', async () => {
    const data = {};
    const storage = {
      get: async (key) => (key in data ? { [key]: structuredClone(data[key]) } : {}),
      set: async (items) => Object.assign(data, structuredClone(items)),
    };
    assert.deepEqual(await loadExceptions(storage, 'example.org'), []);
    await setException(storage, 'example.org', '###comments', true);
    await setException(storage, 'example.org', 'class-word|section.games', true);
    await setException(storage, 'example.org', '###comments', true);
    await setException(storage, 'other.example', '###comments', true);
    assert.deepEqual(await loadExceptions(storage, 'example.org'), ['class-word|section.games', '###comments']);
    await setException(storage, 'example.org', '###comments', false);
    assert.deepEqual(await loadExceptions(storage, 'example.org'), ['class-word|section.games']);
    assert.deepEqual(await loadExceptions(storage, 'other.example'), ['###comments']);
    assert.deepEqual(await loadExceptions(storage, '__proto__'), []);
    await setException(storage, '__proto__', '###ads', true);
    assert.deepEqual(await loadExceptions(storage, '__proto__'), ['###ads']);
    assert.equal(Object.getPrototypeOf(data.exceptions), Object.prototype);
    assert.equal(hostOf('https://www.krone.at/3412455'), 'www.krone.at');
  });
});

describe('Clean in place (Chromium)', { timeout: 360_000 }, () => {
  let browser;
  let server;
  let profile;
  let extension;
  let worker;
  let expect;

  before(async () => {
    requireBuild();
    expect = loadExpectations();
    server = await startServer();
    profile = freshProfileDir('clean-chromium');
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      pipe: true,
      enableExtensions: [EXTENSION_DIR],
      userDataDir: profile,
      defaultViewport: { width: 1200, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=en',
      ],
    });
    for (const deadline = Date.now() + 10_000; !extension && Date.now() < deadline;) {
      extension = [...(await browser.extensions()).values()].find((e) => e.name === 'Klartext');
      if (!extension) await sleep(100);
    }
    assert.ok(extension, 'Klartext is loaded');
    worker = await readyWorker(extension);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile) removeDir(profile);
  });

  /**
   * Grants activeTab with the toolbar action (and closes the reader view it opens), then does
   * what the "Clean this page" menu item does.
   */
  async function grantActiveTab(page) {
    await page.bringToFront();
    await page.triggerExtensionAction(extension);
    await waitForReaderFrame(page, `chrome-extension://${extension.id}/`);
    // The reader page's own close path: the background tells the content script to close.
    await worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      await chrome.tabs.sendMessage(tab.id, { type: 'klartext:close' }, { frameId: 0 });
    });
    // The page's own frames (comment and video embeds) stay.
    await page.waitForFunction((prefix) => ![...document.querySelectorAll('iframe')]
      .some((frame) => frame.src.startsWith(prefix)), { timeout: 5000 }, `chrome-extension://${extension.id}/`);
  }

  function toggleClean() {
    return worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      await chrome.scripting.executeScript({
        target: { tabId: tab.id }, files: ['clean/block-key.js', 'clean/content-clean.js'],
      });
      await chrome.tabs.sendMessage(tab.id, { type: 'klartext:clean', focus: true }, { frameId: 0 });
    });
  }

  async function openPage(path) {
    const page = await browser.newPage();
    await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
    await grantActiveTab(page);
    return page;
  }

  /** The text inside the panel's closed shadow root, through the DevTools protocol. */
  async function panelText(page) {
    const session = await page.createCDPSession();
    try {
      const { root } = await session.send('DOM.getDocument', { depth: -1, pierce: true });
      const find = (node) => {
        if (node.localName === 'klartext-clean') return node;
        for (const child of node.children ?? []) {
          const hit = find(child);
          if (hit) return hit;
        }
        return null;
      };
      const host = find(root);
      assert.ok(host, 'the panel host is in the page');
      assert.equal(host.shadowRoots?.[0]?.shadowRootType, 'closed', 'the panel is in a closed shadow root');
      const texts = [];
      const walk = (node) => {
        if (node.nodeType === 3) texts.push(node.nodeValue);
        if (node.localName === 'style') return;
        for (const child of node.children ?? []) walk(child);
      };
      walk(host.shadowRoots[0]);
      return normalizeSpace(texts.join(' '));
    } finally {
      await session.detach();
    }
  }

  test('the clean-page command has a shortcut and the page menu has "Clean this page"', async () => {
    const commands = await worker.evaluate(() => chrome.commands.getAll());
    const clean = commands.find((c) => c.name === CLEAN_COMMAND);
    assert.ok(clean, `no ${CLEAN_COMMAND} command: ${JSON.stringify(commands)}`);
    assert.equal(clean.shortcut?.replace(/\s/g, ''), CLEAN_SHORTCUT, `assigned: ${JSON.stringify(commands)}`);
    assert.equal(await menuItem(worker, 'klartext-clean-page'), 'there', 'the "Clean this page" menu item exists');
  });

  test('the reference page: clutter hidden, article and navigation kept, outerHTML back exactly', async () => {
    const page = await openPage(`/${FIXTURE}.html`);
    const original = await page.evaluate(() => document.documentElement.outerHTML);
    const started = Date.now();
    await toggleClean();
    const state = await waitForClean(page);
    const took = Date.now() - started;
    await page.screenshot({ path: screenshotPath('clean-chromium.png') });
    assertKroneClean(state, expect);
    assert.ok(await page.evaluate(() => document.adoptedStyleSheets.length === 1), 'one adopted stylesheet hides the blocks');
    assert.equal(await unmarkedHtml(page), original, 'cleaning added only the attributes and the panel host');
    // The page takes an attribute off: it is put back.
    await page.evaluate(() => document.querySelector('[data-klartext-hidden="comments"]').removeAttribute('data-klartext-hidden'));
    await sleep(50);
    assertHidden((await shownState(page)).text, ['Liebe Leserin, lieber Leser,'], 'comments after the page un-hid them');
    // The panel: labelled, grouped by category, in English.
    const panel = await panelText(page);
    for (const name of ['cleanShowList', 'cleanExit', 'categoryComments', 'categoryVideoChrome', 'categoryPromotions']) {
      assert.ok(panel.includes(EN[name].message), `the panel shows ${JSON.stringify(EN[name].message)}: ${panel.slice(0, 300)}`);
    }
    await toggleClean();
    await waitForCleanGone(page);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), original, 'the DOM is exactly as before');
    assert.equal(await page.evaluate(() => document.adoptedStyleSheets.length), 0, 'the stylesheet is gone');
    console.log(`# Chromium: reference page cleaned in ${took} ms (${state.hidden} blocks)`);
    await page.close();
  });

  test('the same on a page whose CSP forbids wasm: the core runs in the background', async () => {
    const page = await openPage(`/csp/${FIXTURE}.html`);
    const original = await page.evaluate(() => document.documentElement.outerHTML);
    await toggleClean();
    assertKroneClean(await waitForClean(page), expect);
    await toggleClean();
    await waitForCleanGone(page);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), original);
    await page.close();
  });

  test(`every clutter page (${CLUTTER_PAGES.length}): clutter hidden, article and navigation visible, DOM back exactly`, { timeout: 300_000 }, async () => {
    await checkClutterPages((path) => openPage(path), toggleClean);
  });

  test('the panel by keyboard: show a block, keep it on this site, and it stays shown after a reload', async () => {
    const page = await openPage(`/${FIXTURE}.html`);
    await toggleClean();
    await waitForClean(page);
    assert.ok(await page.evaluate(() => document.activeElement?.localName === 'klartext-clean'), 'the focus is on the panel');
    const before = await hiddenPositions(page);
    // The focus is on "Show what was removed": open the list, pass "Restore the page", and show
    // the first block of the first group.
    await page.keyboard.press('Enter');
    await page.screenshot({ path: screenshotPath('clean-panel-chromium.png') });
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const after = await hiddenPositions(page);
    const restored = before.filter((i) => !after.includes(i));
    assert.equal(restored.length, 1, 'one block is shown again');
    const visible = await page.evaluate((i) => document.getElementsByTagName('*')[i].checkVisibility(), restored[0]);
    assert.ok(visible, 'the restored block is visible');
    // Tab to "Always keep on this site".
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const stored = await worker.evaluate(async () => {
      for (let i = 0; i < 50; i++) {
        const { exceptions } = await chrome.storage.local.get('exceptions');
        if (exceptions?.['127.0.0.1']?.length) return exceptions;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return null;
    });
    assert.ok(stored?.['127.0.0.1']?.length === 1, `one exception stored for the site: ${JSON.stringify(stored)}`);
    assert.ok((await panelText(page)).includes(EN.blockKept.message), 'the panel says the block is kept');

    await page.reload({ waitUntil: 'load' });
    await grantActiveTab(page);
    await toggleClean();
    await waitForClean(page);
    const again = await hiddenPositions(page);
    assert.ok(!again.includes(restored[0]), 'the kept block is not hidden after the reload');
    assert.deepEqual(again, after, 'everything else is hidden as before');
    await toggleClean();
    await waitForCleanGone(page);
    await page.close();
  });

  test('the reader view lists what it removed; Show puts the block back where it was; kept there, it is kept in place too', async () => {
    const exceptions = () => worker.evaluate(async () => (await chrome.storage.local.get('exceptions')).exceptions?.['127.0.0.1'] ?? []);
    const keysBefore = await exceptions();
    const page = await browser.newPage();
    await page.goto(`${server.base}/${FIXTURE}.html`, { waitUntil: 'load' });
    await page.bringToFront();
    const openReader = async () => {
      await page.triggerExtensionAction(extension);
      const frame = await waitForReaderFrame(page, `chrome-extension://${extension.id}/`);
      await frame.waitForFunction(() => document.getElementById('view')?.getAttribute('aria-busy') === 'false'
        && document.getElementById('removed-count').textContent !== '');
      return frame;
    };
    const closeReader = async () => {
      await worker.evaluate(async () => {
        const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
        await chrome.tabs.sendMessage(tab.id, { type: 'klartext:close' }, { frameId: 0 });
      });
      await page.waitForFunction(() => !document.querySelector('iframe'));
    };
    // The share bar: the reader takes it out of the top of the article.
    const shareBar = 'Teilen';
    let frame = await openReader();
    assert.ok(!normalizeSpace(await frame.evaluate(() => document.body.innerText)).includes('Teilen auf X'), 'the share bar is not in the article');
    await frame.click('#removed-button');
    const panel = await frame.evaluate(() => ({
      expanded: document.getElementById('removed-button').getAttribute('aria-expanded'),
      text: document.getElementById('removed').innerText,
      focused: document.activeElement?.textContent,
    }));
    await page.screenshot({ path: screenshotPath('clean-reader-removed-chromium.png') });
    assert.equal(panel.expanded, 'true');
    for (const line of [EN.removedHeading.message, EN.categorySocial.message, EN.categoryVideoChrome.message, 'Teilen auf X']) {
      assert.ok(panel.text.includes(line), `the panel shows ${JSON.stringify(line)}: ${panel.text.slice(0, 300)}`);
    }
    assert.equal(panel.focused, EN.blockShow.message, 'the focus is on the first "Show" button');
    // Show the share bar: the block itself comes back, where it was in the article.
    const itemOf = (text) => frame.evaluateHandle((needle) => [...document.querySelectorAll('.removed-item')]
      .find((li) => li.querySelector('.removed-preview').textContent.startsWith(needle)), text);
    let item = await itemOf(shareBar);
    await (await item.$('button')).click();
    const restoredBlock = () => frame.evaluate((needle) => {
      const block = [...document.querySelectorAll('.article .body .restored')].find((b) => b.innerText.includes(needle));
      if (!block) return null;
      const flat = (node) => node?.textContent.replace(/\s+/g, ' ').trim() ?? null;
      return {
        label: block.querySelector('.restored-label')?.textContent,
        text: block.innerText,
        links: [...block.querySelectorAll('a')].map((a) => ({ href: a.href, target: a.target, rel: a.rel })),
        markup: [...block.children].filter((c) => !c.matches('.restored-label')).map((c) => c.outerHTML).join(''),
        before: flat(block.previousElementSibling),
        after: flat(block.nextElementSibling),
      };
    }, shareBar);
    let shown = await frame.waitForFunction((needle) => [...document.querySelectorAll('.article .body .restored')]
      .some((b) => b.innerText.includes(needle)), { timeout: 5000 }, shareBar).then(restoredBlock);
    assert.equal(shown.label, `${EN.removedShownHeading.message}: ${EN.categorySocial.message}`);
    assert.ok(shown.text.includes('Teilen auf X'), `the block's own text: ${shown.text}`);
    const hrefs = shown.links.map((l) => l.href);
    assert.ok(hrefs.length >= 3 && hrefs[0].startsWith('https://www.facebook.com/sharer/sharer.php?u=')
      && hrefs[1].startsWith('https://twitter.com/intent/tweet?'), `its links, as in the page: ${hrefs}`);
    assert.ok(shown.links.every((l) => l.target === '_blank' && l.rel === 'noopener noreferrer'), 'links sanitized like the article\'s');
    assert.ok(!/\b(class|style|id|on\w+)=/.test(shown.markup) && !/<(script|span|button)\b/.test(shown.markup),
      `only allowlisted markup: ${shown.markup}`);
    // It stood between the byline and the lead: it comes back before the lead, not at the end.
    assert.ok(shown.after?.startsWith('Kreml-Chef Wladimir Putin'), `in place, before the lead: ${shown.after}`);
    // Hide it again, show it again, and keep it on the site.
    await (await item.$('button')).click();
    await frame.waitForFunction(() => !document.querySelector('.article .body .restored'), { timeout: 5000 });
    await (await item.$('button')).click();
    await frame.waitForFunction((needle) => [...document.querySelectorAll('.article .body .restored')]
      .some((b) => b.innerText.includes(needle)), { timeout: 5000 }, shareBar);
    await (await item.$$('button'))[1].click();
    await frame.waitForFunction(() => [...document.querySelectorAll('.removed-note')].some((n) => !n.hidden));
    const keys = await exceptions();
    assert.equal(keys.length, keysBefore.length + 1, `one more exception: ${JSON.stringify(keys)}`);
    await closeReader();

    // Next time, the kept block is back in place at once.
    frame = await openReader();
    shown = await frame.waitForFunction((needle) => [...document.querySelectorAll('.article .body .restored')]
      .some((b) => b.innerText.includes(needle)), { timeout: 5000 }, shareBar).then(restoredBlock);
    assert.ok(shown.after?.startsWith('Kreml-Chef Wladimir Putin'), 'the kept block is in place on the next visit');
    await closeReader();

    // And cleaning in place leaves the same block on the page.
    await toggleClean();
    const state = await waitForClean(page);
    assert.ok(normalizeSpace(state.text).includes('Teilen auf X'), 'the share bar kept in the reader is not hidden in place');
    assertHidden(state.text, ['Liebe Leserin, lieber Leser,', 'play_arrow'], 'other clutter');
    await toggleClean();
    await waitForCleanGone(page);
    await page.close();
  });
});

describe('Clean in place (Firefox)', { timeout: 360_000 }, () => {
  let browser;
  let server;
  let profile;
  let expect;

  before(async () => {
    requireBuild();
    expect = loadExpectations();
    server = await startServer();
    profile = freshProfileDir('clean-firefox');
    browser = await launchFirefox(profile, UUID, { 'intl.locale.requested': 'en-US' });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile) removeDir(profile);
  });

  const inBrowserWindow = (expression) => inFirefoxWindow(browser, expression);
  const typeShortcut = (shortcut) => typeFirefoxShortcut(browser, shortcut);
  const pressClean = () => typeShortcut(CLEAN_SHORTCUT);

  test('the clean-page command has its shortcut', async () => {
    const commands = JSON.parse(await inBrowserWindow(`(async () => JSON.stringify(
      await WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension.shortcuts.allCommands()
    ))()`));
    const clean = commands.find((c) => c.name === CLEAN_COMMAND);
    assert.ok(clean, `no ${CLEAN_COMMAND} command: ${JSON.stringify(commands)}`);
    assert.equal(clean.shortcut, CLEAN_SHORTCUT);
  });

  test(`every clutter page (${CLUTTER_PAGES.length}) by the shortcut: clutter hidden, article and navigation visible, DOM back exactly`, { timeout: 300_000 }, async () => {
    await checkClutterPages(async (path) => {
      const page = await browser.newPage();
      await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
      await page.bringToFront();
      return page;
    }, pressClean);
  });

  test('the shortcut cleans the reference page in place, the panel restores and keeps a block, the shortcut gives the page back', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.base}/${FIXTURE}.html`, { waitUntil: 'load' });
    await page.bringToFront();
    const original = await page.evaluate(() => document.documentElement.outerHTML);
    const started = Date.now();
    await pressClean();
    const state = await waitForClean(page);
    const took = Date.now() - started;
    await page.screenshot({ path: screenshotPath('clean-firefox.png') });
    assertKroneClean(state, expect);
    assert.ok(await page.evaluate(() => document.adoptedStyleSheets.length === 1), 'one adopted stylesheet hides the blocks');
    assert.equal(await unmarkedHtml(page), original, 'cleaning added only the attributes and the panel host');
    assert.ok(await page.evaluate(() => document.activeElement?.localName === 'klartext-clean'), 'the focus is on the panel');

    const before = await hiddenPositions(page);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const after = await hiddenPositions(page);
    const restored = before.filter((i) => !after.includes(i));
    assert.equal(restored.length, 1, 'one block is shown again');
    assert.ok(await page.evaluate((i) => document.getElementsByTagName('*')[i].checkVisibility(), restored[0]),
      'the restored block is visible');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await sleep(300);

    await pressClean();
    await waitForCleanGone(page);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), original, 'the DOM is exactly as before');

    await page.reload({ waitUntil: 'load' });
    await page.bringToFront();
    await pressClean();
    await waitForClean(page);
    const again = await hiddenPositions(page);
    assert.ok(!again.includes(restored[0]), 'the kept block is not hidden after the reload');
    assert.deepEqual(again, after, 'everything else is hidden as before');
    await pressClean();
    await waitForCleanGone(page);
    console.log(`# Firefox: reference page cleaned in ${took} ms (${state.hidden} blocks)`);
    await page.close();
  });

  test('the page\'s context menu (a real right-click, "Clean this page") cleans it in place; the shortcut gives it back', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.base}/${FIXTURE}.html`, { waitUntil: 'load' });
    await page.bringToFront();
    const original = await page.evaluate(() => document.documentElement.outerHTML);
    await chooseFromFirefoxPageMenu(browser, page, 'klartext-clean-page', await textPoint(page, 'article'));
    assertKroneClean(await waitForClean(page), expect);
    await pressClean();
    await waitForCleanGone(page);
    assert.equal(await page.evaluate(() => document.documentElement.outerHTML), original, 'the DOM is exactly as before');
    await page.close();
  });

  test('the reader view lists what it removed, and puts a removed block back on request', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.base}/${FIXTURE}.html`, { waitUntil: 'load' });
    await page.bringToFront();
    await inBrowserWindow(`(() => {
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const extension = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension;
      ExtensionParent.apiManager.global.browserActionFor(extension).triggerAction(window);
      return 'pressed';
    })()`);
    const frame = await waitForReaderFrame(page, `moz-extension://${UUID}/`);
    await frame.waitForFunction(() => document.getElementById('removed-count')?.textContent !== '');
    await frame.click('#removed-button');
    const text = await frame.evaluate(() => document.getElementById('removed').innerText);
    for (const line of [EN.categoryPromotions.message, EN.categoryVideoChrome.message, 'Kostenlose Spiele']) {
      assert.ok(text.includes(line), `the panel shows ${JSON.stringify(line)}`);
    }
    // The first entry's "Show" has the focus: Enter puts that block back into the article.
    await page.keyboard.press('Enter');
    await frame.waitForFunction(() => document.querySelector('.article .body .restored'), { timeout: 5000 });
    const restored = await frame.evaluate(() => {
      const block = document.querySelector('.article .body .restored');
      return { label: block.querySelector('.restored-label')?.textContent ?? '', children: block.children.length, text: block.innerText };
    });
    assert.ok(restored.label.startsWith(EN.removedShownHeading.message), `the block is labelled: ${restored.label}`);
    assert.ok(restored.children >= 2 && restored.text.length > restored.label.length, `the block's content is there: ${restored.text}`);
    await page.keyboard.press('Enter');
    await frame.waitForFunction(() => !document.querySelector('.article .body .restored'), { timeout: 5000 });
    await page.close();
  });
});
