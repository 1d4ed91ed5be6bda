// The reading view's features in Chromium, driven through the real toolbar action and the
// view's own controls: header, settings (by keyboard) and their persistence, themes and their
// contrast, axe-core, print stylesheet, saving as HTML and Markdown, narration, reading
// position, reading a selection, the toolbar icon, right-to-left pages and the German UI.
//
// Narration runs against a fake speechSynthesis injected into the reader frame: headless
// Chromium has no voices here, and a real voice could not be asserted on anyway. The fake
// records what the view asks the engine to say and plays back boundary and end events.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import puppeteer from 'puppeteer-core';
import { fillFields } from '../../extension/reader/settings.js';
import {
  EXTENSION_DIR, FIXTURE, MADE_PAGES, ROOT, assertShowsArticle, freshProfileDir, loadExpectations,
  normalizeSpace, readerContent, removeDir, requireBuild, screenshotPath, sleep, startServer,
  waitForFrameGone, waitForReaderFrame,
  readyWorker, waitInWorker, selectShortText, menuItem,
} from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const EN = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/messages.json'), 'utf8'));
const DE = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/de/messages.json'), 'utf8'));

/** A page with every kind of block the Markdown export must write, in English. */
const RICH = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Field notes on reading – Example Journal</title>
<meta property="og:site_name" content="Example Journal">
<meta name="author" content="Ada Reader">
<meta property="article:published_time" content="2024-03-05">
</head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Field notes on reading</h1>
<p>Reading on screens is slower when the page around the text keeps moving; a quiet column
of text with generous line spacing is what most readers prefer, as several studies found.</p>
<p>The second paragraph has <em>emphasis</em>, <strong>strong words</strong>, <code>inline_code()</code>,
and <a href="/notes/one">a relative link</a> that must come out absolute, plus 3 * 4 = 12.</p>
<h2>What we measured</h2>
<ul><li>Reading speed in words per minute, for every participant in the study group</li>
<li>Comprehension after each text<ul><li>multiple choice</li><li>free recall</li></ul></li></ul>
<ol start="3"><li>third step</li><li>fourth step</li></ol>
<blockquote><p>Typography is what language looks like, said a designer once, and the quote stuck.</p></blockquote>
<pre><code>fn main() {
    println!("hello");
}</code></pre>
<table><thead><tr><th>Language</th><th>Words per minute</th></tr></thead>
<tbody><tr><td>English</td><td>228</td></tr><tr><td>German | Austria</td><td>179</td></tr></tbody></table>
<figure><img src="/img/putin-kim.png" alt="A chart" width="600" height="400"><figcaption>The chart of reading speeds by language.</figcaption></figure>
<p>The last paragraph closes the notes with a longer sentence about what comes next in the
study, which languages will be added, and how the texts will be matched for difficulty.</p>
</article><footer>© Example Journal</footer></body></html>`;

/** A right-to-left page (Hebrew). */
const RTL = `<!doctype html><html lang="he" dir="rtl"><head><meta charset="utf-8"><title>מאמר לדוגמה</title></head>
<body><article><h1>מאמר לדוגמה</h1>
${'<p>זהו פסקה ארוכה בעברית שנכתבה כדי לבדוק שתצוגת הקריאה מציגה את הטקסט מימין לשמאל, עם כיוון ושפה נכונים לכל המאמר.</p>'.repeat(6)}
</article></body></html>`;

Object.assign(MADE_PAGES, { 'reader-rich': RICH, 'reader-rtl': RTL });

/** WCAG AA for text; for the focus ring (a non-text indicator) 3:1. */
const AA_TEXT = 4.5;

describe('Reader view features (Chromium)', { timeout: 150_000 }, () => {
  let browser;
  let server;
  let profile;
  let extension;
  let expect;
  let prefix;

  async function launch(lang, extensionDir = EXTENSION_DIR) {
    const dir = freshProfileDir(`reader-${lang}`);
    const instance = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      pipe: true,
      enableExtensions: [extensionDir],
      userDataDir: dir,
      defaultViewport: { width: 1200, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', `--lang=${lang}`,
      ],
      env: { ...process.env, LANGUAGE: lang, LANG: lang === 'de' ? 'de_DE.UTF-8' : 'en_US.UTF-8' },
    });
    let found;
    for (const deadline = Date.now() + 10_000; !found && Date.now() < deadline;) {
      found = [...(await instance.extensions()).values()].find((e) => e.name === 'Klartext');
      if (!found) await sleep(100);
    }
    assert.ok(found, 'Klartext is loaded');
    await readyWorker(found);
    return { instance, dir, extension: found };
  }

  before(async () => {
    requireBuild();
    expect = loadExpectations();
    server = await startServer();
    ({ instance: browser, dir: profile, extension } = await launch('en'));
    prefix = `chrome-extension://${extension.id}/`;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (profile) removeDir(profile);
  });

  async function openReader(path, { prepare, on = browser, ext = extension } = {}) {
    const page = await on.newPage();
    await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
    if (prepare) await prepare(page);
    await page.triggerExtensionAction(ext);
    const frame = await waitForReaderFrame(page, `chrome-extension://${ext.id}/`);
    const shown = await readerContent(frame);
    return { page, frame, shown };
  }

  /** Closes the view with its close button (pressed in the frame, not awaited: the frame goes). */
  async function closeReader(page, frame) {
    await frame.evaluate(() => {
      setTimeout(() => document.getElementById('close').click(), 0);
    }).catch(() => {});
    await waitForFrameGone(page);
  }

  async function backgroundWorker() {
    const worker = await readyWorker(extension);
    await waitInWorker(worker, () => typeof globalThis.chrome?.storage?.local?.get === 'function');
    return worker;
  }

  /** Presses keys in the focused element of the frame (the page's keyboard goes to the focus). */
  async function press(page, key, times = 1, shift = false) {
    if (shift) await page.keyboard.down('Shift');
    for (let i = 0; i < times; i++) await page.keyboard.press(key);
    if (shift) await page.keyboard.up('Shift');
  }

  const focusedId = (frame) => frame.evaluate(() => document.activeElement?.id ?? null);

  /**
   * Emulates CSS media in the reader frame. The frame is an out-of-process frame, which the
   * page's own emulation does not reach; puppeteer keeps one CDP session per such frame.
   */
  function emulateMedia(frame, params) {
    return frame.client.send('Emulation.setEmulatedMedia', params);
  }

  /** Sets a theme through the panel's radio button. */
  async function chooseTheme(frame, theme) {
    await frame.evaluate((value) => {
      document.querySelector(`input[name="theme"][value="${value}"]`).click();
    }, theme);
    await frame.waitForFunction((value) => document.documentElement.dataset.theme === value, {}, theme);
  }

  /** Every piece of visible text against its background, and the theme's other colour pairs. */
  function contrastReport(frame) {
    return frame.evaluate(() => {
      const parse = (value) => {
        const m = /rgba?\(([^)]+)\)/.exec(value);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
        return { r, g, b, a };
      };
      const hex = (value) => {
        const v = value.trim();
        return { r: parseInt(v.slice(1, 3), 16), g: parseInt(v.slice(3, 5), 16), b: parseInt(v.slice(5, 7), 16), a: 1 };
      };
      const lum = ({ r, g, b }) => {
        const f = (c) => {
          const s = c / 255;
          return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const ratio = (x, y) => {
        const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p);
        return (hi + 0.05) / (lo + 0.05);
      };
      const background = (el) => {
        for (let node = el; node; node = node.parentElement) {
          const c = parse(getComputedStyle(node).backgroundColor);
          if (c && c.a > 0) return c;
        }
        return { r: 255, g: 255, b: 255, a: 1 };
      };
      const failures = [];
      let checked = 0;
      for (const el of document.querySelectorAll('body *')) {
        if (el.matches('option, optgroup, script, style') || el.closest(':disabled, [hidden]')) continue;
        if (![...el.childNodes].some((n) => n.nodeType === 3 && n.data.trim())) continue;
        if (el.getClientRects().length === 0) continue;
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden') continue;
        const r = ratio(parse(style.color), background(el));
        checked++;
        if (r < 4.5) failures.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${r.toFixed(2)}`);
      }
      const vars = getComputedStyle(document.documentElement);
      const v = (name) => hex(vars.getPropertyValue(name));
      const pairs = {
        'visited link on background': ratio(v('--link-visited'), v('--bg')),
        'link on panel': ratio(v('--link'), v('--panel-bg')),
        'muted on button background': ratio(v('--muted'), v('--button-bg')),
        'text on button background (code blocks)': ratio(v('--fg'), v('--button-bg')),
        'spoken sentence': ratio(v('--mark-fg'), v('--mark-bg')),
        'text of the paragraph being read': ratio(v('--fg'), v('--speaking-bg')),
        'link in the paragraph being read': ratio(v('--link'), v('--speaking-bg')),
        'focus ring (3:1)': ratio(v('--focus'), v('--bg')) * 1.5,
      };
      return { failures, checked, pairs, bg: getComputedStyle(document.body).backgroundColor };
    });
  }

  test('the header shows site, kicker, title, byline, date in the page language, reading time and the original link', async () => {
    const { page, frame, shown } = await openReader(`/${FIXTURE}.html`);
    assertShowsArticle(shown, expect);
    const head = await frame.evaluate(() => ({
      site: document.querySelector('.head .site')?.textContent,
      kicker: document.querySelector('.head .kicker')?.textContent,
      title: document.querySelector('.head h1')?.textContent,
      byline: document.querySelector('.head .byline')?.textContent,
      date: document.querySelector('.head time')?.textContent,
      readingTime: document.querySelector('.head .reading-time')?.textContent,
      readingTimeLang: document.querySelector('.head .reading-time')?.lang,
      original: document.querySelector('.head .source a')?.href,
      words: [...new Intl.Segmenter('de', { granularity: 'word' }).segment(document.querySelector('.body').textContent)]
        .filter((s) => s.isWordLike).length,
    }));
    assert.equal(head.site, 'krone.at');
    assert.equal(head.kicker, 'Treffen der Machthaber');
    assert.equal(head.title, expect.title);
    assert.equal(head.byline, 'krone.at');
    assert.equal(head.date, '18. Juni 2024', 'the date is written in the article\'s language (de)');
    // German: 179 wpm aloud in IReST, scaled to silent reading by 238/228.
    const minutes = Math.max(1, Math.round(head.words / (179 * 238 / 228)));
    const shownMinutes = Number(/^(\d+) min read$/.exec(head.readingTime)?.[1]);
    assert.ok(Math.abs(shownMinutes - minutes) <= 1, `reading time ${head.readingTime} for ${head.words} words`);
    assert.match(head.readingTimeLang, /^en/, 'the reading time is in the UI language');
    assert.equal(head.original, `${server.base}/${FIXTURE}.html`);
    await closeReader(page, frame);
    await page.close();
  });

  test('landmarks, headings and keyboard: every toolbar button is reached with Tab and works with Enter; Esc closes a panel first', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    const landmarks = await frame.evaluate(() => ({
      banner: document.querySelectorAll('body > header').length,
      nav: document.querySelector('header nav')?.getAttribute('aria-label'),
      main: document.querySelectorAll('main').length,
      h1: document.querySelectorAll('h1').length,
      lang: document.documentElement.lang,
    }));
    assert.deepEqual({ ...landmarks, lang: landmarks.lang.slice(0, 2) }, { banner: 1, nav: EN.toolbarLabel.message, main: 1, h1: 1, lang: 'en' });
    assert.equal(await focusedId(frame), 'view', 'the focus is in the view after opening');
    // The toolbar comes before the article: Shift+Tab from the article walks it backwards.
    const order = [];
    for (let i = 0; i < 6; i++) {
      await press(page, 'Tab', 1, true);
      order.push(await focusedId(frame));
    }
    assert.deepEqual(order.reverse(), ['settings-button', 'listen-button', 'print-button', 'export-button', 'removed-button', 'close']);
    // Enter on "Save" opens its panel with the focus in it; Esc closes it and focuses the button.
    await frame.focus('#export-button');
    await press(page, 'Enter');
    assert.equal(await frame.$eval('#export', (p) => p.hidden), false, 'the save panel opened');
    assert.equal(await focusedId(frame), 'export-html');
    await press(page, 'Escape');
    assert.equal(await frame.$eval('#export', (p) => p.hidden), true, 'Esc closed the panel');
    assert.equal(await focusedId(frame), 'export-button', 'the focus went back to the button');
    assert.ok(page.frames().includes(frame), 'Esc on an open panel does not close the view');
    await closeReader(page, frame);
    await page.close();
  });

  test('settings: changed by keyboard in the panel, applied at once, kept for the next article', async () => {
    const { page, frame } = await openReader('/made/reader-rich');
    await frame.focus('#settings-button');
    await press(page, 'Enter');
    assert.equal(await focusedId(frame), 'set-font', 'the panel opened with the focus on its first control');
    await press(page, 'ArrowDown'); // serif -> sans
    await frame.focus('#set-size');
    await press(page, 'ArrowRight', 4); // 20 -> 24 px
    await frame.focus('#set-width');
    await press(page, 'ArrowLeft', 5); // 70 -> 60 ch
    await frame.focus('#set-line-height');
    await press(page, 'ArrowRight', 2); // 1.6 -> 1.8
    await frame.focus('#set-letter-spacing');
    await press(page, 'ArrowRight', 2); // 0 -> 0.02 em
    await frame.focus('#set-word-spacing');
    await press(page, 'ArrowRight', 2); // 0 -> 0.1 em
    await frame.focus('input[name="align"][value="start"]');
    await press(page, 'ArrowDown'); // -> justify
    await frame.focus('input[name="theme"][value="auto"]');
    await press(page, 'ArrowDown', 3); // auto -> light -> sepia -> dark
    await frame.focus('#set-images');
    await press(page, 'Space'); // images off
    const look = (on) => on.evaluate(() => {
      const p = document.querySelector('.body p');
      const style = getComputedStyle(p);
      return {
        font: style.fontFamily,
        size: style.fontSize,
        lineHeight: Number.parseFloat(style.lineHeight) / Number.parseFloat(style.fontSize),
        letter: Number.parseFloat(style.letterSpacing) / Number.parseFloat(style.fontSize),
        word: Number.parseFloat(style.wordSpacing) / Number.parseFloat(style.fontSize),
        align: style.textAlign,
        bg: getComputedStyle(document.body).backgroundColor,
        width: document.querySelector('main').getBoundingClientRect().width,
        zero: (() => {
          const probe = document.createElement('span');
          probe.textContent = '0';
          document.querySelector('main').append(probe);
          const w = probe.getBoundingClientRect().width;
          probe.remove();
          return w;
        })(),
        image: document.querySelector('.body img') ? getComputedStyle(document.querySelector('.body img')).display : null,
        figure: document.querySelector('.body figure') ? getComputedStyle(document.querySelector('.body figure')).display : null,
      };
    });
    const check = (shown, when) => {
      assert.match(shown.font, /Noto Sans|Helvetica|Arial|sans-serif/, `${when}: sans-serif font`);
      assert.doesNotMatch(shown.font, /Charter/, `${when}: not the serif font`);
      assert.equal(shown.size, '24px', `${when}: text size`);
      assert.ok(Math.abs(shown.lineHeight - 1.8) < 0.01, `${when}: line height ${shown.lineHeight}`);
      assert.ok(Math.abs(shown.letter - 0.02) < 0.002, `${when}: letter spacing ${shown.letter}`);
      assert.ok(Math.abs(shown.word - 0.1) < 0.005, `${when}: word spacing ${shown.word}`);
      assert.equal(shown.align, 'justify', `${when}: justified`);
      assert.equal(shown.bg, 'rgb(27, 27, 29)', `${when}: dark theme`);
      assert.ok(Math.abs(shown.width - 60 * shown.zero) < 2, `${when}: content width 60ch (${shown.width}px, 0 is ${shown.zero}px)`);
      assert.equal(shown.image, 'none', `${when}: images hidden`);
      assert.equal(shown.figure, 'none', `${when}: figures with images hidden`);
    };
    check(await look(frame), 'at once');
    await press(page, 'Escape');
    assert.equal(await focusedId(frame), 'settings-button');
    await sleep(400); // written 250 ms after the last change
    const stored = (await (await backgroundWorker()).evaluate(() => chrome.storage.sync.get('settings'))).settings;
    assert.equal(stored.theme, 'dark');
    assert.equal(stored.size, 24);
    await closeReader(page, frame);
    await page.close();
    // The next article opens with the same settings.
    const again = await openReader('/made/reader-rich');
    check(await look(again.frame), 'reopened');
    await again.frame.evaluate(() => document.getElementById('settings-reset').click());
    await sleep(400);
    await closeReader(again.page, again.frame);
    await again.page.close();
  });

  test('themes: every text meets WCAG AA contrast in light, sepia, dark, auto and high contrast; screenshots', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    // The settings panel is open, so its text is checked too.
    await frame.click('#settings-button');
    const backgrounds = {};
    for (const theme of ['light', 'sepia', 'dark', 'contrast', 'auto']) {
      await chooseTheme(frame, theme);
      const report = await contrastReport(frame);
      backgrounds[theme] = report.bg;
      assert.ok(report.checked > 20, `${theme}: ${report.checked} text elements checked`);
      assert.deepEqual(report.failures, [], `${theme}: text below ${AA_TEXT}:1`);
      for (const [pair, ratio] of Object.entries(report.pairs)) {
        assert.ok(ratio >= AA_TEXT, `${theme}: ${pair} has contrast ${ratio.toFixed(2)}`);
      }
    }
    assert.equal(new Set(Object.values(backgrounds)).size, 4, 'auto is one of the others; the rest differ');
    assert.equal(backgrounds.auto, backgrounds.light, 'auto follows a light system');
    // Custom colours: what the user picks is shown, with its contrast and a warning when it is low.
    await chooseTheme(frame, 'custom');
    const custom = await frame.evaluate(() => {
      const set = (id, value) => {
        const input = document.getElementById(id);
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      };
      set('set-bg', '#202020');
      set('set-fg', '#404040');
      return {
        bg: getComputedStyle(document.body).backgroundColor,
        fg: getComputedStyle(document.querySelector('.body p')).color,
        note: document.getElementById('contrast-note').textContent,
        warn: document.getElementById('contrast-note').classList.contains('warn'),
      };
    });
    assert.equal(custom.bg, 'rgb(32, 32, 32)');
    assert.equal(custom.fg, 'rgb(64, 64, 64)');
    assert.match(custom.note, /1\.\d:1/, 'the low ratio is shown');
    assert.ok(custom.warn, 'a low contrast is flagged');

    // Screenshots: the settings panel in light, then the view alone in light, dark and sepia.
    await chooseTheme(frame, 'light');
    await page.mouse.move(5, 880);
    await page.screenshot({ path: screenshotPath('reader-settings.png') });
    await frame.click('#settings-button');
    await page.mouse.move(5, 880);
    for (const theme of ['light', 'dark', 'sepia']) {
      await chooseTheme(frame, theme);
      await frame.evaluate(() => document.activeElement.blur());
      await page.screenshot({ path: screenshotPath(`reader-${theme}.png`) });
    }
    // Auto in a dark system.
    await chooseTheme(frame, 'auto');
    // The frame runs in its own process: the emulation goes to its own CDP session.
    await emulateMedia(frame, { features: [{ name: 'prefers-color-scheme', value: 'dark' }] });
    const darkAuto = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await emulateMedia(frame, { features: [{ name: 'prefers-color-scheme', value: 'light' }] });
    assert.equal(darkAuto, backgrounds.dark, 'auto follows a dark system');
    await closeReader(page, frame);
    await page.close();
  });

  test('axe-core finds no serious or critical violations, with the panels open, in light and dark', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    await frame.evaluate(AXE_SOURCE);
    const run = (context) => frame.evaluate(async (ctx) => {
      const result = await globalThis.axe.run(ctx === 'all' ? document : document.querySelector(ctx), {
        resultTypes: ['violations'],
      });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }, context);
    for (const theme of ['light', 'dark']) {
      await frame.evaluate(() => {
        if (document.getElementById('settings').hidden) document.getElementById('settings-button').click();
      });
      await chooseTheme(frame, theme);
      assert.deepEqual(await run('all'), [], `${theme}, settings open`);
      await frame.click('#listen-button');
      assert.deepEqual(await run('all'), [], `${theme}, narration open`);
      await frame.click('#listen-button');
      await frame.click('#export-button');
      assert.deepEqual(await run('all'), [], `${theme}, save panel open`);
      await frame.click('#export-button');
    }
    await frame.click('#settings-button');
    await chooseTheme(frame, 'auto');
    await closeReader(page, frame);
    await page.close();
  });

  test('print: the print button prints the frame; the print stylesheet shows the article alone, black on white', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    await frame.click('#settings-button');
    await chooseTheme(frame, 'dark');
    await frame.click('#settings-button');
    await frame.evaluate(() => {
      globalThis.printed = 0;
      window.print = () => { globalThis.printed++; };
    });
    await frame.click('#print-button');
    assert.equal(await frame.evaluate(() => globalThis.printed), 1, 'the print button prints the reader frame');
    const look = () => frame.evaluate(() => ({
      bar: getComputedStyle(document.getElementById('bar')).display,
      bg: getComputedStyle(document.body).backgroundColor,
      fg: getComputedStyle(document.querySelector('.body p')).color,
      link: getComputedStyle(document.querySelector('.body a')).color,
      mainWidth: getComputedStyle(document.querySelector('main')).maxWidth,
      text: document.querySelector('main').innerText.length,
    }));
    const screen = await look();
    await emulateMedia(frame, { media: 'print' });
    const printed = await look();
    await emulateMedia(frame, { media: '' });
    assert.notEqual(screen.bar, 'none', 'on screen the toolbar shows');
    assert.equal(printed.bar, 'none', 'printed without the toolbar');
    assert.equal(printed.bg, 'rgb(255, 255, 255)', 'printed on white, even in the dark theme');
    assert.equal(printed.fg, 'rgb(0, 0, 0)', 'printed in black');
    assert.equal(printed.link, 'rgb(0, 0, 0)', 'links printed in black');
    assert.equal(printed.mainWidth, 'none', 'the article takes the page width');
    assert.ok(printed.text > 2000, 'the article is printed');
    await frame.click('#settings-button');
    await chooseTheme(frame, 'auto');
    await closeReader(page, frame);
    await page.close();
  });

  test('save as HTML and as Markdown: downloaded files with title, byline, source and the article', async () => {
    const downloads = mkdtempSync(join(tmpdir(), 'klartext-downloads-'));
    const session = await browser.target().createCDPSession();
    await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    const waitForFile = async (ext) => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(100)) {
        const name = readdirSync(downloads).find((f) => f.endsWith(ext));
        if (name) return { name, text: readFileSync(join(downloads, name), 'utf8') };
      }
      throw new Error(`no ${ext} file was downloaded: ${readdirSync(downloads)}`);
    };
    try {
      const { page, frame } = await openReader('/made/reader-rich');
      await frame.click('#export-button');
      await frame.click('#export-html');
      const html = await waitForFile('.html');
      assert.equal(html.name, 'Field notes on reading.html');
      assert.match(html.text, /^<!doctype html>/);
      assert.match(html.text, /<html lang="en">/);
      assert.match(html.text, /<h1>Field notes on reading<\/h1>/);
      assert.match(html.text, /Ada Reader/);
      assert.match(html.text, /<time datetime="2024-03-05">March 5, 2024<\/time>/);
      assert.ok(html.text.includes(`href="${server.base}/made/reader-rich"`), 'the source URL is linked');
      assert.match(html.text, /Content-Security-Policy" content="default-src 'none'/);
      assert.match(html.text, /<style>/, 'its styles are inside it');
      assert.doesNotMatch(html.text, /<script|<link rel="stylesheet"|class="speaking"/i);
      assert.ok(html.text.includes(`href="${server.base}/notes/one"`), 'relative links are absolute');
      assert.match(html.text, /<table>/);
      // The file shows the same article when opened on its own.
      const saved = await browser.newPage();
      await saved.setContent(html.text);
      const savedText = normalizeSpace(await saved.evaluate(() => document.body.innerText));
      assert.ok(savedText.includes('The second paragraph has emphasis, strong words'), 'the saved page shows the text');
      await saved.close();

      await frame.click('#export-button');
      await frame.click('#export-markdown');
      const md = await waitForFile('.md');
      assert.equal(md.name, 'Field notes on reading.md');
      const expected = [
        '# Field notes on reading',
        '',
        'Example Journal · Ada Reader · March 5, 2024',
        '',
        `<${server.base}/made/reader-rich>`,
        '',
        'Reading on screens is slower when the page around the text keeps moving; a quiet column of text with generous line spacing is what most readers prefer, as several studies found.',
        '',
        `The second paragraph has *emphasis*, **strong words**, \`inline_code()\`, and [a relative link](${server.base}/notes/one) that must come out absolute, plus 3 \\* 4 = 12.`,
        '',
        '## What we measured',
        '',
        '- Reading speed in words per minute, for every participant in the study group',
        '- Comprehension after each text',
        '  - multiple choice',
        '  - free recall',
        '',
        '3. third step',
        '4. fourth step',
        '',
        '> Typography is what language looks like, said a designer once, and the quote stuck.',
        '',
        '```',
        'fn main() {',
        '    println!("hello");',
        '}',
        '```',
        '',
        '| Language | Words per minute |',
        '| --- | --- |',
        '| English | 228 |',
        '| German \\| Austria | 179 |',
        '',
        `![A chart](${server.base}/img/putin-kim.png)`,
        '',
        'The chart of reading speeds by language.',
        '',
        'The last paragraph closes the notes with a longer sentence about what comes next in the study, which languages will be added, and how the texts will be matched for difficulty.',
        '',
      ].join('\n');
      assert.equal(md.text, expected);
      await closeReader(page, frame);
      await page.close();
    } finally {
      await session.detach();
      removeDir(downloads);
    }
  });

  /** Replaces speechSynthesis in the reader frame by a fake that records what it is asked. */
  function injectFakeSpeech(frame) {
    return frame.evaluate(() => {
      class FakeUtterance extends EventTarget {
        constructor(text) {
          super();
          Object.assign(this, { text, lang: '', rate: 1, voice: null });
        }
      }
      const voices = [
        { name: 'Zoe', lang: 'en-US', voiceURI: 'fake-zoe', default: true, localService: true },
        { name: 'Hans', lang: 'de-AT', voiceURI: 'fake-hans', default: false, localService: true },
        { name: 'Anna', lang: 'de-DE', voiceURI: 'fake-anna', default: true, localService: true },
      ];
      const fake = Object.assign(new EventTarget(), {
        log: [],
        current: null,
        getVoices: () => voices,
        speak(u) {
          this.log.push({ op: 'speak', text: u.text, lang: u.lang, rate: u.rate, voice: u.voice?.voiceURI ?? null });
          this.current = u;
        },
        cancel() {
          this.log.push({ op: 'cancel' });
          const u = this.current;
          this.current = null;
          u?.dispatchEvent(Object.assign(new Event('error'), { error: 'interrupted' }));
        },
        pause() { this.log.push({ op: 'pause' }); },
        resume() { this.log.push({ op: 'resume' }); },
        boundary(charIndex) {
          this.current.dispatchEvent(Object.assign(new Event('boundary'), { charIndex, name: 'word' }));
        },
        finish() {
          const u = this.current;
          this.current = null;
          u.dispatchEvent(new Event('end'));
        },
      });
      Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
      window.SpeechSynthesisUtterance = FakeUtterance;
    });
  }

  test('narration (fake speech engine): voices of the article language first, play, sentence highlight, next, previous, pause, speed, voice', async () => {
    const { page, frame } = await openReader(`/${FIXTURE}.html`);
    await injectFakeSpeech(frame);
    await frame.focus('#listen-button');
    await press(page, 'Enter');
    assert.equal(await focusedId(frame), 'narrate-play', 'the focus is on the play button');
    const voices = await frame.evaluate(() => [...document.querySelectorAll('#narrate-voice optgroup')]
      .map((g) => [g.label, [...g.children].map((o) => o.value)]));
    assert.deepEqual(voices, [['German', ['fake-anna', 'fake-hans']], ['Other languages', ['fake-zoe']]],
      'voices for the article\'s language (de) come first');
    const state = () => frame.evaluate(() => ({
      log: window.speechSynthesis.log.splice(0),
      speaking: [...document.querySelectorAll('.speaking')].map((e) => e.textContent.slice(0, 40)),
      highlight: CSS.highlights.get('klartext-spoken')
        ? [...CSS.highlights.get('klartext-spoken')][0].toString() : null,
      label: document.getElementById('narrate-play').getAttribute('aria-label'),
      status: document.getElementById('narration-status').textContent,
    }));
    await state();

    await press(page, 'Enter'); // play
    let now = await state();
    assert.deepEqual(now.log, [{ op: 'cancel' }, { op: 'speak', text: 'Treffen der Machthaber', lang: 'de', rate: 1, voice: 'fake-anna' }],
      'the kicker is read first, in German, with the default German voice');
    assert.deepEqual(now.speaking, ['Treffen der Machthaber'], 'the paragraph being read is marked');
    assert.equal(now.label, EN.narratePause.message);
    await frame.evaluate(() => window.speechSynthesis.finish());
    now = await state();
    assert.equal(now.log.at(-1).text, expect.title, 'then the title');
    await frame.evaluate(() => window.speechSynthesis.finish());
    now = await state();
    const first = normalizeSpace(expect.article[0]);
    assert.equal(normalizeSpace(now.log.at(-1).text), first, 'then the first paragraph');
    assert.equal(now.highlight, null, 'no sentence is highlighted before the voice says where it is');
    // A word boundary in the second sentence highlights the second sentence.
    const second = first.indexOf('Nordkorea wird vom Westen');
    await frame.evaluate((at) => window.speechSynthesis.boundary(at), second + 10);
    now = await state();
    assert.equal(normalizeSpace(now.highlight), first.slice(second), 'the sentence being read is highlighted');
    // Next, previous.
    await frame.click('#narrate-next');
    now = await state();
    assert.equal(normalizeSpace(now.log.at(-1).text), normalizeSpace(expect.article[1]), 'next paragraph');
    await frame.click('#narrate-prev');
    now = await state();
    assert.equal(normalizeSpace(now.log.at(-1).text), first, 'previous paragraph');
    // Pause in the second sentence; play goes on at the start of that sentence.
    await frame.evaluate((at) => window.speechSynthesis.boundary(at), second + 3);
    await frame.click('#narrate-play');
    now = await state();
    assert.deepEqual(now.log, [{ op: 'cancel' }], 'pause stops the voice');
    assert.equal(now.label, EN.narratePlay.message);
    await frame.click('#narrate-play');
    now = await state();
    assert.equal(normalizeSpace(now.log.at(-1).text), first.slice(second), 'play resumes at the sentence');
    // Speed by keyboard: the sentence is read again at the new rate.
    await frame.focus('#narrate-rate');
    await press(page, 'ArrowRight', 2);
    now = await state();
    assert.equal(now.log.at(-1).rate, 1.2);
    // Another voice, remembered for German.
    await frame.select('#narrate-voice', 'fake-hans');
    now = await state();
    assert.equal(now.log.at(-1).voice, 'fake-hans');
    await sleep(400);
    const stored = (await (await backgroundWorker()).evaluate(() => chrome.storage.sync.get('settings'))).settings;
    assert.deepEqual(stored.voices, { de: 'fake-hans' });
    assert.equal(stored.rate, 1.2);
    // Closing the narration bar stops the voice and the highlight.
    await frame.click('#listen-button');
    now = await state();
    assert.deepEqual(now.log, [{ op: 'cancel' }]);
    assert.deepEqual(now.speaking, []);
    await frame.evaluate(() => document.getElementById('settings-reset').click());
    await sleep(400);
    await closeReader(page, frame);
    await page.close();
  });

  test('reading position: reopening the article goes back to where the reader was; at most 200 articles are kept', async () => {
    const worker = await backgroundWorker();
    // 250 older positions: the oldest go when this one is written.
    await worker.evaluate(async () => {
      const positions = {};
      for (let i = 0; i < 250; i++) positions[`https://example.org/${i}`] = { block: 1, offset: 0, time: 1000 + i };
      await chrome.storage.local.set({ positions });
    });
    let { page, frame } = await openReader(`/${FIXTURE}.html`);
    const target = normalizeSpace(expect.article[7]).slice(0, 40);
    const topBlock = (on) => on.evaluate(() => {
      const bar = document.getElementById('bar').getBoundingClientRect().bottom;
      const blocks = [...document.querySelectorAll('.body p, .body h2')];
      const top = blocks.find((b) => b.getBoundingClientRect().bottom > bar + 1);
      return { text: top?.textContent.replace(/\s+/g, ' ').trim().slice(0, 40), y: Math.round(top.getBoundingClientRect().top - bar) };
    });
    await frame.evaluate((text) => {
      const block = [...document.querySelectorAll('.body p')].find((p) => p.textContent.replace(/\s+/g, ' ').includes(text));
      const bar = document.getElementById('bar').getBoundingClientRect().bottom;
      window.scrollBy(0, block.getBoundingClientRect().top - bar);
    }, target);
    const before = await topBlock(frame);
    assert.equal(before.text, target);
    await sleep(600); // the position is written 400 ms after scrolling stops
    await closeReader(page, frame);
    await page.close();
    const stored = await worker.evaluate(() => chrome.storage.local.get('positions'));
    const keys = Object.keys(stored.positions);
    assert.equal(keys.length, 200, 'at most 200 positions');
    assert.ok(keys.includes(`${server.base}/${FIXTURE}.html`), 'this article is kept');
    assert.ok(!keys.includes('https://example.org/0'), 'the oldest went');
    ({ page, frame } = await openReader(`/${FIXTURE}.html`));
    await frame.waitForFunction(() => window.scrollY > 0, { timeout: 5000 });
    const after = await topBlock(frame);
    assert.equal(after.text, before.text, 'the same paragraph is at the top again');
    assert.ok(Math.abs(after.y - before.y) <= 2, `at the same place (${before.y} -> ${after.y})`);
    // Back at the top, the position is forgotten.
    await frame.evaluate(() => window.scrollTo(0, 0));
    await sleep(600);
    await closeReader(page, frame);
    await page.close();
    const left = await worker.evaluate(() => chrome.storage.local.get('positions'));
    assert.ok(!(`${server.base}/${FIXTURE}.html` in left.positions), 'an article read from the top is not kept');
  });

  test('selection: with text selected, the toolbar button shows just the selection; the whole article is one click away', async () => {
    const select = (page) => page.evaluate((first, last) => {
      const find = (text) => [...document.querySelectorAll('p')].find((p) => p.textContent.replace(/\s+/g, ' ').includes(text));
      const range = document.createRange();
      range.setStart(find(first), 0);
      range.setEndAfter(find(last));
      document.activeElement?.blur();
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }, expect.article[1].slice(0, 30), expect.article[2].slice(0, 30));
    const { page, frame, shown } = await openReader(`/${FIXTURE}.html`, { prepare: select });
    const text = normalizeSpace(shown.text);
    assert.ok(text.includes(normalizeSpace(expect.article[1])), 'the selected paragraphs are shown');
    assert.ok(text.includes(normalizeSpace(expect.article[2])));
    assert.ok(!text.includes(normalizeSpace(expect.article[0]).slice(0, 60)), 'the paragraph before the selection is not');
    assert.ok(!text.includes(normalizeSpace(expect.article[5]).slice(0, 60)), 'the paragraphs after it are not');
    assert.equal(shown.h1, expect.title, 'the title comes from the page');
    assert.ok(text.includes(EN.selectionNote.message), 'the view says it shows the selection');
    const paragraphs = await frame.evaluate(() => document.querySelectorAll('.body p').length);
    assert.equal(paragraphs, 2);
    await frame.evaluate(() => document.querySelector('.selection-note button').click());
    const whole = normalizeSpace(await frame.evaluate(() => document.body.innerText));
    assert.ok(whole.includes(normalizeSpace(expect.article[0])), 'the whole article after the click');
    assert.ok(!whole.includes(EN.selectionNote.message));
    await closeReader(page, frame);
    // A single word selected (as find-in-page leaves it) does not count: the whole article.
    const word = (p) => selectShortText(p);
    await page.close();
    const again = await openReader(`/${FIXTURE}.html`, { prepare: word });
    assertShowsArticle(again.shown, expect);
    await closeReader(again.page, again.frame);
    // The context menu item reads any selection, a word too. A test cannot click a context
    // menu: it checks that the item is there and sends the message that its click sends.
    const worker = await backgroundWorker();
    assert.equal(await menuItem(worker, 'klartext-read-selection'), 'there', 'the "Read selection" menu item exists');
    await word(again.page);
    const selected = await again.page.evaluate(() => getSelection().toString().trim());
    await again.page.bringToFront();
    await worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      await chrome.tabs.sendMessage(tab.id, { type: 'klartext:selection' }, { frameId: 0 });
    });
    const frame2 = await waitForReaderFrame(again.page, prefix);
    const one = await readerContent(frame2);
    assert.equal(await frame2.evaluate(() => document.querySelector('.body').textContent.trim()), selected);
    assert.ok(normalizeSpace(one.text).includes(EN.selectionNote.message));
    await closeReader(again.page, frame2);
    await again.page.close();
  });

  test('the toolbar button tells whether the reader found an article on this page, until the page changes', async () => {
    const worker = await backgroundWorker();
    const icon = (url) => worker.evaluate(async (href) => {
      const [tab] = await chrome.tabs.query({});
      const tabs = await chrome.tabs.query({});
      const match = tabs.find((t) => t.url === href) ?? tab;
      return {
        badge: await chrome.action.getBadgeText({ tabId: match.id }),
        title: await chrome.action.getTitle({ tabId: match.id }),
      };
    }, url);
    const page = await browser.newPage();
    const url = `${server.base}/${FIXTURE}.html`;
    await page.goto(url, { waitUntil: 'load' });
    await page.bringToFront();
    // tabs.query gives URLs only with host access: the test finds the tab by its title too.
    const tabOf = () => worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return tab.id;
    });
    const state = async () => {
      const tabId = await tabOf();
      return worker.evaluate(async (id) => ({
        badge: await chrome.action.getBadgeText({ tabId: id }),
        title: await chrome.action.getTitle({ tabId: id }),
      }), tabId);
    };
    void icon;
    assert.deepEqual(await state(), { badge: '', title: EN.actionTitle.message }, 'nothing known before the reader ran');
    await page.triggerExtensionAction(extension);
    let frame = await waitForReaderFrame(page, prefix);
    await readerContent(frame);
    await sleep(200);
    assert.deepEqual(await state(), { badge: '✓', title: EN.actionTitleReaderable.message }, 'an article');
    await closeReader(page, frame);
    await page.goto(`${server.base}/made/no-article`, { waitUntil: 'load' });
    assert.deepEqual(await state(), { badge: '', title: EN.actionTitle.message }, 'forgotten on the next page');
    await page.triggerExtensionAction(extension);
    frame = await waitForReaderFrame(page, prefix);
    await readerContent(frame);
    await sleep(200);
    assert.deepEqual(await state(), { badge: '', title: EN.actionTitleNotReaderable.message }, 'no article');
    await closeReader(page, frame);
    await page.close();
  });

  test('a right-to-left page reads right to left, in its language', async () => {
    const { page, frame } = await openReader('/made/reader-rtl');
    const rtl = await frame.evaluate(() => {
      const article = document.querySelector('article');
      const p = document.querySelector('.body p');
      const box = p.getBoundingClientRect();
      const main = document.querySelector('main').getBoundingClientRect();
      return {
        lang: article.lang,
        dir: article.dir,
        direction: getComputedStyle(p).direction,
        ui: document.documentElement.dir,
        // The last line of a paragraph ends on the left: its text starts at the right edge.
        rightAligned: Math.abs(box.right - (main.right - Number.parseFloat(getComputedStyle(document.querySelector('main')).paddingRight))) < 2,
      };
    });
    assert.deepEqual(rtl, { lang: 'he', dir: 'rtl', direction: 'rtl', ui: 'ltr', rightAligned: true });
    await closeReader(page, frame);
    await page.close();
  });

  // With Debian's chromium-l10n (de.pak) the browser itself runs in German. Without it the
  // browser can only be English: then the test loads a copy of the extension whose English
  // catalogue is the German one, which still shows every UI string coming through i18n from the
  // German catalogue, but not the browser's choice of it.
  const GERMAN_BROWSER = existsSync('/usr/lib/chromium/locales/de.pak');
  test(`the UI is German ${GERMAN_BROWSER ? 'in a German browser' : '(German catalogue in an English browser: no de.pak)'}`, async () => {
    let copy = null;
    if (!GERMAN_BROWSER) {
      copy = mkdtempSync(join(tmpdir(), 'klartext-de-'));
      cpSync(EXTENSION_DIR, copy, { recursive: true });
      writeFileSync(join(copy, '_locales/en/messages.json'), JSON.stringify(DE));
    }
    const de = await launch('de', copy ?? EXTENSION_DIR);
    try {
      const { page, frame } = await openReader(`/${FIXTURE}.html`, { on: de.instance, ext: de.extension });
      const ui = await frame.evaluate(() => ({
        lang: document.documentElement.lang,
        texts: Object.fromEntries([...document.querySelectorAll('[data-i18n]')].map((e) => [e.dataset.i18n, e.textContent])),
        labels: Object.fromEntries([...document.querySelectorAll('[data-i18n-label]')].map((e) => [e.dataset.i18nLabel, e.getAttribute('aria-label')])),
        nav: document.querySelector('nav').getAttribute('aria-label'),
        readingTime: document.querySelector('.reading-time').textContent,
        original: document.querySelector('.source a').textContent,
      }));
      if (GERMAN_BROWSER) assert.match(ui.lang, /^de/);
      const html = readFileSync(join(EXTENSION_DIR, 'reader/reader.html'), 'utf8');
      const keys = new Set([...html.matchAll(/data-i18n="(\w+)"/g)].map((m) => m[1]));
      // And the settings' controls, which settings.js makes in the page.
      const { document } = new JSDOM('<!doctype html><body><div></div>').window;
      fillFields(document.querySelector('div'));
      for (const el of document.querySelectorAll('[data-i18n]')) keys.add(el.dataset.i18n);
      assert.deepEqual(Object.keys(ui.texts).sort(), [...keys].sort(), 'every text of the view is filled in');
      for (const [key, text] of Object.entries(ui.texts)) assert.equal(text, DE[key].message, key);
      for (const [key, text] of Object.entries(ui.labels)) assert.equal(text, DE[key].message, key);
      assert.equal(ui.nav, DE.toolbarLabel.message);
      assert.match(ui.readingTime, /^\d+ Min\. Lesezeit$/);
      assert.equal(ui.original, DE.viewOriginal.message);
      await page.close();
    } finally {
      await de.instance.close();
      removeDir(de.dir);
      if (copy) removeDir(copy);
    }
  });
});
