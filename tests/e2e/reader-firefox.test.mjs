// The reading view's features in Firefox ESR, over WebDriver BiDi: reading a selection, the
// settings by keyboard and their persistence, the reading position, the toolbar icon's title,
// narration against a fake speech engine, and axe-core. Like firefox.test.mjs, Firefox runs
// with --remote-allow-system-access so that the test can press the real toolbar button.
// Printing and saving files are tested in Chromium only (reader-view.test.mjs): BiDi here
// cannot emulate print media in the frame or catch a download.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  FIXTURE, GECKO_ID, ROOT, assertShowsArticle, freshProfileDir, loadExpectations,
  normalizeSpace, readerContent, removeDir, requireBuild, sleep, startServer, waitForFrameGone,
  waitForReaderFrame,
  launchFirefox, inFirefoxWindow, chooseFromFirefoxPageMenu, textPoint, selectShortText,
} from './support.mjs';

const UUID = '9d2b7c41-0e6f-4a3b-8c55-1f7e2d9a6b30';
const PREFIX = `moz-extension://${UUID}/`;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const EN = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/messages.json'), 'utf8'));

describe('Reader view features (Firefox)', { timeout: 90_000 }, () => {
  let browser;
  let server;
  let profile;
  let expect;

  before(async () => {
    requireBuild();
    expect = loadExpectations();
    server = await startServer();
    profile = freshProfileDir('reader-firefox');
    browser = await launchFirefox(profile, UUID);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile) removeDir(profile);
  });

  /** Runs privileged script with the extension's toolbar button (`action`) in the browser window. */
  function withToolbarAction(body) {
    return inFirefoxWindow(browser, `(() => {
      const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
      const extension = WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension;
      const action = ExtensionParent.apiManager.global.browserActionFor(extension);
      ${body}
    })()`);
  }

  /** Presses the extension's toolbar button, as a click would. */
  function pressToolbarAction() {
    return withToolbarAction(`action.triggerAction(window); return 'pressed';`);
  }

  /** The toolbar button's title and badge in the selected tab. */
  async function toolbarState() {
    return JSON.parse(await withToolbarAction(`
      const tab = window.gBrowser.selectedTab;
      return JSON.stringify({
        title: action.action.getProperty(tab, 'title'),
        badge: action.action.getProperty(tab, 'badgeText'),
        icon: JSON.stringify(action.action.getProperty(tab, 'icon')).slice(0, 300),
      });`));
  }

  /** Opens the page at `path`, runs `prepare(page)`, and the reader view by `open(page)`. */
  async function openReader(path, prepare, open = pressToolbarAction) {
    const page = await browser.newPage();
    await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
    if (prepare) await prepare(page);
    await page.bringToFront();
    await open(page);
    const frame = await waitForReaderFrame(page, PREFIX);
    const shown = await readerContent(frame);
    return { page, frame, shown };
  }

  async function closeReader(page, frame) {
    await frame.evaluate(() => {
      setTimeout(() => document.getElementById('close').click(), 0);
    }).catch(() => {});
    await waitForFrameGone(page);
  }

  const focusedId = (frame) => frame.evaluate(() => document.activeElement?.id ?? null);

  /** Selects the article's second and third paragraphs and scrolls them into view. */
  const selectTwoParagraphs = (page) => page.evaluate((first, last) => {
    const find = (text) => [...document.querySelectorAll('p')].find((p) => p.textContent.replace(/\s+/g, ' ').includes(text));
    const range = document.createRange();
    range.setStart(find(first), 0);
    range.setEndAfter(find(last));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    find(first).scrollIntoView({ block: 'center' });
  }, expect.article[1].slice(0, 30), expect.article[2].slice(0, 30));

  function assertShowsSelection(shown) {
    const text = normalizeSpace(shown.text);
    assert.ok(text.includes(normalizeSpace(expect.article[1])), 'the selection is shown');
    assert.ok(text.includes(normalizeSpace(expect.article[2])));
    assert.ok(!text.includes(normalizeSpace(expect.article[0]).slice(0, 60)), 'the rest of the article is not');
    assert.ok(text.includes(EN.selectionNote.message));
  }

  test('with text selected, the toolbar button shows just the selection', async () => {
    const { page, frame, shown } = await openReader(`/${FIXTURE}.html`, selectTwoParagraphs);
    assertShowsSelection(shown);
    await closeReader(page, frame);
    await page.close();
  });

  test('the context menu\'s "Read selection" (a real right-click on the selection) reads any selection, one word too', async () => {
    // One word selected (as find-in-page leaves it): the toolbar button reads the whole
    // article then, the menu item just the word.
    let word;
    const prepare = async (page) => { word = (await selectShortText(page, { scroll: true })).trim(); };
    const fromMenu = async (page) => chooseFromFirefoxPageMenu(browser, page, 'klartext-read-selection', await textPoint(page, null));
    const { page, frame, shown } = await openReader(`/${FIXTURE}.html`, prepare, fromMenu);
    assert.ok(word.length >= 3, `a word is selected: ${word}`);
    assert.equal(await frame.evaluate(() => document.querySelector('.body').textContent.trim()), word);
    assert.ok(normalizeSpace(shown.text).includes(EN.selectionNote.message));
    await closeReader(page, frame);
    await page.close();
  });

  test('settings changed by keyboard apply at once and are there when the reader opens again', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    await frame.focus('#settings-button');
    await page.keyboard.press('Enter');
    assert.equal(await focusedId(frame), 'set-font');
    await frame.focus('#set-size');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await frame.focus('input[name="theme"][value="auto"]');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown'); // -> dark
    const look = (on) => on.evaluate(() => ({
      size: getComputedStyle(document.querySelector('.body p')).fontSize,
      bg: getComputedStyle(document.body).backgroundColor,
      theme: document.documentElement.dataset.theme,
    }));
    assert.deepEqual(await look(frame), { size: '23px', bg: 'rgb(27, 27, 29)', theme: 'dark' });
    await page.keyboard.press('Escape');
    assert.equal(await focusedId(frame), 'settings-button', 'Esc closes the panel, the focus goes back');
    await sleep(400);
    await closeReader(page, frame);
    await page.close();
    const again = await openReader(`/${FIXTURE}.html`);
    assert.deepEqual(await look(again.frame), { size: '23px', bg: 'rgb(27, 27, 29)', theme: 'dark' });
    await again.frame.evaluate(() => document.getElementById('settings-reset').click());
    await sleep(400);
    await closeReader(again.page, again.frame);
    await again.page.close();
  });

  test('the reading position comes back when the article is opened again', async () => {
    const target = normalizeSpace(expect.article[7]).slice(0, 40);
    const topBlock = (on) => on.evaluate(() => {
      const bar = document.getElementById('bar').getBoundingClientRect().bottom;
      const top = [...document.querySelectorAll('.body p, .body h2')].find((b) => b.getBoundingClientRect().bottom > bar + 1);
      return top?.textContent.replace(/\s+/g, ' ').trim().slice(0, 40);
    });
    let { page, frame } = await openReader(`/${FIXTURE}.html`);
    await frame.evaluate((text) => {
      const block = [...document.querySelectorAll('.body p')].find((p) => p.textContent.replace(/\s+/g, ' ').includes(text));
      window.scrollBy(0, block.getBoundingClientRect().top - document.getElementById('bar').getBoundingClientRect().bottom);
    }, target);
    assert.equal(await topBlock(frame), target);
    await sleep(600);
    await closeReader(page, frame);
    await page.close();
    ({ page, frame } = await openReader(`/${FIXTURE}.html`));
    await frame.waitForFunction(() => window.scrollY > 0, { timeout: 5000 });
    assert.equal(await topBlock(frame), target, 'the same paragraph is at the top');
    await frame.evaluate(() => window.scrollTo(0, 0));
    await sleep(600);
    await closeReader(page, frame);
    await page.close();
  });

  test('the toolbar button\'s title says whether the page has an article, once the reader has run', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    await sleep(200);
    const article = await toolbarState();
    assert.deepEqual({ ...article, icon: undefined }, { title: EN.actionTitleReaderable.message, badge: '✓', icon: undefined });
    await closeReader(page, frame);
    await page.goto(`${server.base}/made/no-article`, { waitUntil: 'load' });
    const unknown = await toolbarState();
    assert.deepEqual({ ...unknown, icon: undefined }, { title: EN.actionTitle.message, badge: '', icon: undefined }, 'forgotten on the next page');
    assert.equal(unknown.icon, article.icon, 'the usual icon');
    await pressToolbarAction();
    const again = await waitForReaderFrame(page, PREFIX);
    await readerContent(again);
    await sleep(200);
    const none = await toolbarState();
    assert.deepEqual({ ...none, icon: undefined }, { title: EN.actionTitleNotReaderable.message, badge: '', icon: undefined });
    assert.notEqual(none.icon, article.icon, 'a grey icon for a page without an article');
    assert.match(none.icon, /data:image\/png/, 'drawn by the background');
    await closeReader(page, again);
    await page.close();
  });

  test('narration (fake speech engine) reads the article in its language and highlights the sentence', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    await frame.evaluate(() => {
      class FakeUtterance extends EventTarget {
        constructor(text) {
          super();
          Object.assign(this, { text, lang: '', rate: 1, voice: null });
        }
      }
      const fake = Object.assign(new EventTarget(), {
        log: [],
        current: null,
        getVoices: () => [{ name: 'Anna', lang: 'de-DE', voiceURI: 'fake-anna', default: true }],
        speak(u) {
          this.log.push({ text: u.text, lang: u.lang, voice: u.voice?.voiceURI ?? null });
          this.current = u;
        },
        cancel() {
          const u = this.current;
          this.current = null;
          u?.dispatchEvent(Object.assign(new Event('error'), { error: 'interrupted' }));
        },
      });
      Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
      window.SpeechSynthesisUtterance = FakeUtterance;
    });
    await frame.focus('#listen-button');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter'); // the focus is on play
    const spoken = () => frame.evaluate(() => window.speechSynthesis.log.splice(0));
    assert.deepEqual(await spoken(), [{ text: 'Treffen der Machthaber', lang: 'de', voice: 'fake-anna' }]);
    await frame.evaluate(() => window.speechSynthesis.current.dispatchEvent(new Event('end')));
    await frame.click('#narrate-next');
    const first = normalizeSpace(expect.article[0]);
    assert.equal(normalizeSpace((await spoken()).at(-1).text), first);
    const second = first.indexOf('Nordkorea wird vom Westen');
    const highlight = await frame.evaluate((at) => {
      window.speechSynthesis.current.dispatchEvent(Object.assign(new Event('boundary'), { charIndex: at }));
      const h = CSS.highlights.get('klartext-spoken');
      return h ? [...h][0].toString() : null;
    }, second + 5);
    assert.equal(normalizeSpace(highlight), first.slice(second));
    await frame.click('#listen-button');
    assert.equal(await frame.evaluate(() => document.querySelectorAll('.speaking').length), 0, 'closing narration clears the mark');
    await closeReader(page, frame);
    await page.close();
  });

  test('axe-core finds no serious or critical violations', async () => {
    const { page, frame, shown } = await openReader(`/${FIXTURE}.html`);
    assertShowsArticle(shown, expect);
    await frame.evaluate(AXE_SOURCE);
    await frame.click('#settings-button');
    const violations = await frame.evaluate(async () => {
      const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    assert.deepEqual(violations, []);
    await closeReader(page, frame);
    await page.close();
  });
});
