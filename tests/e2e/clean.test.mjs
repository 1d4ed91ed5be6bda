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
//   { type: 'klartext:clean' }. Everything after that (the page's source to the background, the
//   wasm core in the service worker, hiding, the panel) is the real path.
//
// Visibility is read from the page's innerText, which leaves out display:none content.
// The clutter fixtures' `clutter` lines are written for the reader view, which drops the whole
// page around the article. Clean in place keeps the site's layout, so a line inside a landmark
// (nav, header, footer, aside, banner, contentinfo, complementary), a sidebar, a footer or
// breadcrumbs by class, or a skip link, is not required to go; every other clutter line the
// page shows must be hidden. Pages where the core's clean() keeps more than that (teaser rails
// after the article, "most read" lists outside landmarks, some paywall, newsletter-modal and
// sponsored blocks) are not in CLUTTER_PAGES.
// The panel sits in a closed shadow root: the page cannot reach it, so the tests operate it with
// the real keyboard (the mode puts the focus on it), and Chromium reads its text through the
// DevTools protocol's DOM tree, which includes closed shadow roots.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import {
  EXTENSION_DIR, FIXTURE, FIXTURES_DIR, GECKO_ID, MANIFEST, ROOT, freshProfileDir, loadExpectations,
  normalizeSpace, removeDir, requireBuild, screenshotPath, sleep, startServer, waitForReaderFrame,
  launchFirefox,
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

/** Clutter fixtures the core cleans fully (not in tests/fixtures/clutter/KNOWN-GAPS.txt). */
const CLUTTER_PAGES = [
  'jwplayer-tv-station', 'comments-chinese-news', 'coral-arc-newspaper', 'drupal-kommentare',
  'onetrust-sticky-share-wordpress',
];

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
 * The clutter lines of a fixture that clean in place must hide: those the page shows before
 * cleaning, less the site's own navigation, header and footer (landmarks, skip links), which
 * the mode keeps.
 */
function clutterToHide(page, clutter) {
  return page.evaluate((lines) => {
    const norm = (s) => String(s).replace(/\s+/g, ' ').trim();
    const LAYOUT_WORD = /(^|[-_])(side|sidebar|secondary|footer|crumbs?|breadcrumbs?)([-_]|$)/i;
    const chrome = [...document.querySelectorAll('body *')].filter((node) => node.matches(
      'nav, header, footer, aside, [role=navigation], [role=banner], [role=contentinfo], [role=complementary], a[href^="#"]',
    ) || [...node.classList, node.id].some((word) => LAYOUT_WORD.test(word)))
      .map((node) => norm(node.innerText)).join('\n');
    const text = document.body.innerText;
    const shown = new Set(text.split('\n').map(norm));
    return lines.filter((line) => {
      const needle = norm(line);
      const visible = shown.has(needle) || (needle.length >= 20 && norm(text).includes(needle));
      return visible && !chrome.includes(needle);
    });
  }, clutter);
}

function loadClutterExpectations(name) {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'clutter', `${name}.expect.json`), 'utf8'));
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

describe('Clean in place (Chromium)', { timeout: 60_000 }, () => {
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
    for (const deadline = Date.now() + 10_000; !worker && Date.now() < deadline;) {
      [worker] = await extension.workers();
      if (!worker) await sleep(100);
    }
    assert.ok(worker, 'the background service worker runs');
    await worker.evaluate(async () => {
      while (typeof globalThis.chrome?.commands?.getAll !== 'function') {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
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
      await chrome.tabs.sendMessage(tab.id, { type: 'klartext:clean' }, { frameId: 0 });
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
    const item = await worker.evaluate(() => chrome.contextMenus.update('klartext-clean-page', {})
      .then(() => 'there', (err) => err.message));
    assert.equal(item, 'there', 'the "Clean this page" menu item exists');
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

  for (const name of CLUTTER_PAGES) {
    test(`clutter page ${name}: its clutter hidden, its article visible`, async () => {
      const expected = loadClutterExpectations(name);
      const page = await openPage(`/clutter/${name}.html`);
      const original = await page.evaluate(() => document.documentElement.outerHTML);
      const toHide = await clutterToHide(page, expected.clutter);
      assert.ok(toHide.length >= 3, `${name}: only ${toHide.length} clutter lines to check`);
      await toggleClean();
      const state = await waitForClean(page);
      assertVisible(state.text, expected.article, `${name}: article text`);
      assertHidden(state.text, toHide, `${name}: clutter`);
      await toggleClean();
      await waitForCleanGone(page);
      assert.equal(await page.evaluate(() => document.documentElement.outerHTML), original, `${name}: DOM restored`);
      await page.close();
    });
  }

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

  test('the reader view lists what it removed; a block shown and kept there is kept in place too', async () => {
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
    const games = 'Kostenlose Spiele';
    let frame = await openReader();
    assert.ok(!normalizeSpace(await frame.evaluate(() => document.body.innerText)).includes(games), 'the games box is not in the article');
    await frame.click('#removed-button');
    const panel = await frame.evaluate(() => ({
      expanded: document.getElementById('removed-button').getAttribute('aria-expanded'),
      text: document.getElementById('removed').innerText,
      focused: document.activeElement?.textContent,
    }));
    await page.screenshot({ path: screenshotPath('clean-reader-removed-chromium.png') });
    assert.equal(panel.expanded, 'true');
    for (const line of [EN.removedHeading.message, EN.categoryPromotions.message, EN.categoryVideoChrome.message, games]) {
      assert.ok(panel.text.includes(line), `the panel shows ${JSON.stringify(line)}: ${panel.text.slice(0, 300)}`);
    }
    assert.equal(panel.focused, EN.blockShow.message, 'the focus is on the first "Show" button');
    // Show the games box: its preview appears at the end of the article.
    const itemOf = (text) => frame.evaluateHandle((needle) => [...document.querySelectorAll('.removed-item')]
      .find((li) => li.querySelector('.removed-preview').textContent.includes(needle)), text);
    let item = await itemOf(games);
    await (await item.$('button')).click();
    const restored = await frame.evaluate(() => document.querySelector('.restored')?.innerText ?? '');
    assert.ok(restored.includes(EN.removedShownHeading.message) && restored.includes(games), `shown at the end: ${restored}`);
    // Keep it on the site.
    await (await item.$$('button'))[1].click();
    await frame.waitForFunction(() => [...document.querySelectorAll('.removed-note')].some((n) => !n.hidden));
    const keys = await exceptions();
    assert.equal(keys.length, keysBefore.length + 1, `one more exception: ${JSON.stringify(keys)}`);
    await closeReader();

    // Next time, the kept block's preview is there at once.
    frame = await openReader();
    const again = await frame.evaluate(() => document.querySelector('.restored')?.innerText ?? '');
    assert.ok(again.includes(games), 'the kept block is shown at the end of the article on the next visit');
    await closeReader();

    // And cleaning in place leaves the same block on the page.
    await toggleClean();
    const state = await waitForClean(page);
    assert.ok(normalizeSpace(state.text).includes(games), 'the games box kept in the reader is not hidden in place');
    assertHidden(state.text, ['Liebe Leserin, lieber Leser,', 'play_arrow'], 'other clutter');
    await toggleClean();
    await waitForCleanGone(page);
    await page.close();
  });
});

describe('Clean in place (Firefox)', { timeout: 60_000 }, () => {
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

  async function inBrowserWindow(expression) {
    const connection = browser.connection;
    const { result: tree } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const window = tree.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
    assert.ok(window, 'the browser window is reachable in the chrome scope');
    const { result } = await connection.send('script.evaluate', {
      expression, target: { context: window.context }, awaitPromise: true,
    });
    if (result.type !== 'success') throw new Error(`privileged script failed: ${JSON.stringify(result)}`);
    return result.result.value;
  }

  /** Types the shortcut (e.g. "Alt+Shift+L") as trusted key events in the browser window. */
  function typeShortcut(shortcut) {
    return inBrowserWindow(`(() => {
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

  const pressClean = () => typeShortcut(CLEAN_SHORTCUT);

  test('the clean-page command has its shortcut', async () => {
    const commands = JSON.parse(await inBrowserWindow(`(async () => JSON.stringify(
      await WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension.shortcuts.allCommands()
    ))()`));
    const clean = commands.find((c) => c.name === CLEAN_COMMAND);
    assert.ok(clean, `no ${CLEAN_COMMAND} command: ${JSON.stringify(commands)}`);
    assert.equal(clean.shortcut, CLEAN_SHORTCUT);
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

  test('the reader view lists what it removed, and shows a removed block\'s preview on request', async () => {
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
    // The first entry's "Show" has the focus: Enter shows its preview at the end of the article.
    await page.keyboard.press('Enter');
    const restored = await frame.evaluate(() => document.querySelector('.restored')?.innerText ?? '');
    assert.ok(restored.includes(EN.removedShownHeading.message), `a preview is shown at the end: ${restored}`);
    await page.close();
  });
});
