// Per-site switches, the user's rules and the settings store, in real browsers: a site switched
// to "always clean" loads clean (hidden before its first paint) with its switched-off category
// kept, "always reader view" opens the view by itself, the element picker writes a rule that
// clean in place and the reader view then apply, a category switched off stays in the reader
// view, everything exported and imported again comes back the same, two pages changing settings
// at once lose nothing, corrupt stored data is reported while the extension keeps working, rules
// too large for storage.sync move the settings to this device with a notice, and axe-core finds
// nothing serious on the popup and the options page.
//
// Which paths the tests take:
// - The popup is opened as a page at popup/popup.html?tab=<id>: the path the background takes
//   when the browser cannot open the real popup from the context menu or the shortcut (a test
//   cannot click a context menu, and headless browsers have no toolbar to anchor a popup to).
//   Its buttons and switches are clicked with real mouse events.
// - Host permissions: a test cannot answer the browser's permission prompt. The extension under
//   test is a copy of dist/unpacked whose manifest also lists the test server's host
//   (*://127.0.0.1/*) in host_permissions, as if the user had already said yes; the popup's
//   permissions.request() then resolves true without a prompt, and everything after it (the
//   registered document_start script, the background running the mode) is the real path.
// - The picker is started by the popup's button, so the background injects it with the host
//   permission above (in real use the popup's opening grants activeTab on the tab).
// - The options page is opened as a tab; its file import is fed with puppeteer's uploadFile.

import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import {
  EXTENSION_DIR, FIXTURE, MADE_PAGES, ROOT, freshProfileDir, launchFirefox, normalizeSpace, removeDir,
  requireBuild, screenshotPath, sleep, startServer, waitForReaderFrame,
  readyWorker,
} from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EN = JSON.parse(readFileSync(join(ROOT, 'extension/_locales/en/messages.json'), 'utf8'));
const UUID = '0b7c2f5e-3d41-4a8e-9f26-7e1d5c8a4b93';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A page with an article, a site's own banner, and comments. */
MADE_PAGES['sites-banner'] = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>The new bridge</title></head><body>
<header><a href="/">News</a></header>
<main><article><h1>The new bridge</h1>
${Array.from({ length: 6 }, (_, i) => `<p>Paragraph ${i + 1} of the report on the new bridge, which the city council opened on Monday after three years of building, with long sentences, commas, and details about the river.</p>`).join('\n')}
<div class="app-note" id="note-7731"><p>Get our app: now with dark mode.</p><button type="button">Install</button></div>
<p>The last paragraph of the report, after the banner, with more details about the opening ceremony.</p>
<section id="comments" class="comments"><h2>Comments</h2><p>Reader Anna wrote that the bridge looks lovely at night, and that she walks there every day.</p></section>
</article>
</main></body></html>`;

const KRONE_COMMENT = 'Liebe Leserin, lieber Leser,';
const KRONE_PLAYER = 'play_arrow';

/** A copy of the built extension whose manifest grants the test server's host (see above). */
function extensionWithTestHost(profileBase) {
  const dir = join(profileBase, 'extension');
  cpSync(EXTENSION_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.host_permissions = ['*://127.0.0.1/*'];
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/**
 * Opens an extension page in a tab and waits for `ready`. Firefox's BiDi never reports the load
 * of a moz-extension:// page to goto(), so the navigation is not awaited there.
 */
async function openExtensionPage(page, url, ready) {
  // Firefox: a short timeout, so that navigations BiDi never reports do not pile up.
  const timeout = url.startsWith('moz-extension:') ? 3000 : 30_000;
  const navigation = page.goto(url, { timeout }).catch(() => {});
  // The wait can start on the blank page and fail at once when the navigation replaces its
  // document ("Waiting for selector … failed" in Firefox after 0.4 s, CI 30 Nov): only a timeout
  // ends the wait; any other failure is waited out again until the deadline.
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await page.waitForSelector(ready, { timeout: Math.max(1, deadline - Date.now()) });
      break;
    } catch (err) {
      if (Date.now() < deadline - 200 && err.name !== 'TimeoutError') {
        await sleep(100);
        continue;
      }
      const state = await page.evaluate(() => `${location.href} ${document.readyState} `
        + `${document.getElementById('storage-text')?.textContent ?? ''}`).catch((e) => e.message);
      throw new Error(`${url} not ready (${state}): ${err.message} ${err.cause?.message ?? ''}`, { cause: err });
    }
  }
  if (url.startsWith('chrome-extension:')) await navigation;
}

/**
 * Brings a tab to the front. The popup closes itself after a button's click; while Firefox
 * closes it, activating another tab can fail with "BrowsingContext does no longer exist".
 */
async function toFront(page) {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.bringToFront();
      return;
    } catch (err) {
      if (attempt === 5) throw err;
      await sleep(300);
    }
  }
}

function visibleText(page) {
  return page.evaluate(() => document.body.innerText);
}

function shows(text, line) {
  return normalizeSpace(text).includes(normalizeSpace(line));
}

/**
 * Records, from before the page's first script, every frame's body opacity, number of hidden
 * blocks and whether the reader view's frame is there, until the page is clean or under the
 * view: a frame that shows the body before either is a flash of clutter.
 */
function recordFrames(page) {
  return page.evaluateOnNewDocument(() => {
    const frames = [];
    window.__klartextFrames = frames;
    document.addEventListener('DOMContentLoaded', () => {
      window.__klartextLoaded = performance.now();
    });
    const sample = () => {
      const body = document.body;
      frames.push({
        opacity: body ? getComputedStyle(body).opacity : 'no body',
        hidden: document.querySelectorAll('[data-klartext-hidden]').length,
        view: document.querySelector('html > iframe') !== null,
        text: body ? body.textContent.length : 0,
        time: performance.now(),
      });
      const last = frames.at(-1);
      if (frames.length < 600 && !((last.hidden > 0 || last.view) && last.opacity === '1')) {
        requestAnimationFrame(sample);
      }
    };
    requestAnimationFrame(sample);
  });
}

/** The checks both browsers make, given how to open pages and extension pages. */
function siteTests(ctx) {
  /** The popup for the tab showing `page` (the newest tab with its URL), as a page of its own. */
  async function openPopup(page) {
    // The browser may tell the extension about the tab's new URL a moment after the load.
    let tabId;
    for (const deadline = Date.now() + 10_000; tabId === undefined && Date.now() < deadline;) {
      tabId = await ctx.tabIdOf(page.url());
      if (tabId === undefined) await sleep(100);
    }
    assert.ok(Number.isInteger(tabId), `the tab of ${page.url()} is known`);
    const popup = await ctx.browser.newPage();
    await openExtensionPage(popup, `${ctx.origin}/popup/popup.html?tab=${tabId}`, 'input[name=category]')
      .catch(async (err) => {
        const said = await popup.evaluate(() => `${document.getElementById('site-name')?.textContent} / ${document.getElementById('status')?.textContent}`).catch((e) => e.message);
        throw new Error(`the popup for tab ${tabId} did not show its switches (${said}): ${err.message}`);
      });
    return popup;
  }

  async function setMode(popup, mode) {
    await popup.click(`input[name=mode][value=${mode}]`);
    await popup.waitForFunction((m) => document.querySelector(`input[name=mode][value=${m}]`).checked
      && document.getElementById('status').textContent !== '', {}, mode);
  }

  async function setCategory(popup, category, on) {
    const box = `input[name=category][value=${category}]`;
    if (await popup.$eval(box, (el) => el.checked) !== on) await popup.click(box);
    await popup.waitForFunction((b, o) => document.querySelector(b).checked === o, {}, box, on);
  }

  async function openOptions() {
    const options = await ctx.browser.newPage();
    await openExtensionPage(options, `${ctx.origin}/options/options.html`, 'body[data-ready=true]');
    return options;
  }

  /** Sends a message to the background from an extension page (the options page's own path). */
  function sendFrom(page, message) {
    return page.evaluate((msg) => (globalThis.browser ?? globalThis.chrome).runtime.sendMessage(msg), message);
  }

  const settingsOf = (page) => sendFrom(page, { type: 'klartext:settings-get' });

  test('the popup has a way in: a context-menu item on the button and the page, and a shortcut', async () => {
    // The menu items are made when the extension is installed, a moment after it starts.
    let item;
    for (const deadline = Date.now() + 5000; item !== 'there' && Date.now() < deadline;) {
      item = await ctx.inExtension(() => (globalThis.browser ?? globalThis.chrome).contextMenus
        .update('klartext-site-settings', {}).then(() => 'there', (err) => err.message));
      if (item !== 'there') await sleep(100);
    }
    assert.equal(item, 'there');
    const commands = await ctx.inExtension(() => (globalThis.browser ?? globalThis.chrome).commands.getAll());
    assert.ok(commands.some((c) => c.name === 'site-settings' && c.shortcut), JSON.stringify(commands));
    const manifest = await ctx.inExtension(() => (globalThis.browser ?? globalThis.chrome).runtime.getManifest());
    assert.deepEqual(manifest.optional_host_permissions, ['http://*/*', 'https://*/*']);
    assert.ok(!manifest.permissions.includes('<all_urls>') && !manifest.permissions.includes('tabs'));
  });

  test('a site switched to "always clean" loads clean with no flash, keeping the category switched off', async () => {
    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.base}/${FIXTURE}.html`, { waitUntil: 'load' });
    assert.ok(shows(await visibleText(page), KRONE_COMMENT), 'the page has comments to begin with');
    const popup = await openPopup(page);
    assert.equal(normalizeSpace(await popup.$eval('#site-name', (el) => el.textContent)), '127.0.0.1');
    // Every switch has an accessible name: its label.
    const unlabelled = await popup.$$eval('input', (inputs) => inputs.filter((i) => !i.labels?.length).length);
    assert.equal(unlabelled, 0, 'every popup input has a label');
    await setMode(popup, 'clean');
    await setCategory(popup, 'comments', false);
    await popup.close();

    await recordFrames(page);
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('html > klartext-clean') !== null
      && document.querySelectorAll('[data-klartext-hidden]').length > 0, { timeout: 15_000 });
    await page.waitForFunction(() => getComputedStyle(document.body).opacity === '1', { timeout: 10_000 });
    const text = await visibleText(page);
    await page.screenshot({ path: screenshotPath(`sites-auto-clean-${ctx.name}.png`) });
    assert.ok(!shows(text, KRONE_PLAYER), 'the video player chrome is hidden without anyone asking');
    assert.ok(shows(text, KRONE_COMMENT), 'the comments, switched off for this site, stay');
    const hiddenCategories = await page.$$eval('[data-klartext-hidden]', (els) => [...new Set(els.map((e) => e.dataset.klartextHidden))]);
    assert.ok(!hiddenCategories.includes('comments'), `no comments hidden: ${hiddenCategories}`);
    // Cleaning as the page loads leaves the keyboard focus where the page has it (a reader may
    // already be typing into it); only a clean the user asks for focuses the panel.
    assert.notEqual(await page.evaluate(() => document.activeElement?.localName), 'klartext-clean',
      'the automatic clean did not take the focus');
    const frames = await page.evaluate(() => window.__klartextFrames);
    const flashes = frames.filter((f) => f.opacity === '1' && f.hidden === 0 && f.text > 0);
    assert.deepEqual(flashes, [], 'no frame showed the page before its clutter was hidden');
    assert.ok(frames.some((f) => f.opacity === '0' && f.text > 0), `the body was hidden while it loaded: ${JSON.stringify(frames.slice(0, 5))}`);
    const loaded = await page.evaluate(() => window.__klartextLoaded);
    const shown = frames.find((f) => f.opacity === '1' && f.hidden > 0);
    console.log(`# ${ctx.name}: auto clean, ${frames.length} frames sampled; the page was shown clean `
      + `${Math.round(shown.time - loaded)} ms after DOMContentLoaded`);

    // Back to "only when I ask": the next load is left alone.
    const again = await openPopup(page);
    await setMode(again, 'manual');
    await setCategory(again, 'comments', true);
    await again.close();
    await sleep(300);
    await page.reload({ waitUntil: 'load' });
    await sleep(1000);
    assert.equal(await page.$('html > klartext-clean'), null, 'no clean in place after switching it off');
    assert.ok(shows(await visibleText(page), KRONE_PLAYER));
    await page.close();
  });

  test('a site switched to "always reader view" opens the view at load', async () => {
    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.base}/made/sites-banner`, { waitUntil: 'load' });
    const popup = await openPopup(page);
    await setMode(popup, 'reader');
    await popup.close();
    await recordFrames(page);
    await page.reload({ waitUntil: 'load' });
    const frame = await waitForReaderFrame(page, `${ctx.origin}/`, 20_000);
    await frame.waitForFunction(() => document.getElementById('view')?.getAttribute('aria-busy') === 'false', { timeout: 20_000 });
    assert.ok(shows(await frame.evaluate(() => document.body.innerText), 'Paragraph 6 of the report'));
    const frames = await page.evaluate(() => window.__klartextFrames);
    const flashes = frames.filter((f) => f.opacity === '1' && !f.view && f.text > 0);
    assert.deepEqual(flashes, [], 'no frame showed the page before the reader view covered it');
    assert.ok(frames.some((f) => f.opacity === '0' && f.text > 0), 'the body was hidden while it loaded');
    // Closing the view shows the page at once, not after the cloak's timer.
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('html > iframe'), { timeout: 5000 });
    await page.waitForFunction(() => getComputedStyle(document.body).opacity === '1', { timeout: 1000 });
    const back = await openPopup(page);
    await setMode(back, 'manual');
    await back.close();
    await page.close();
  });

  test('the element picker hides what was picked and writes a rule that clean in place applies', async () => {
    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.base}/made/sites-banner`, { waitUntil: 'load' });
    const popup = await openPopup(page);
    await popup.click('#pick-button');
    await toFront(page);
    await page.waitForSelector('html > klartext-picker', { timeout: 10_000 });
    // Point at the banner's text, then one step out by keyboard (its box), then Enter.
    const box = await page.$eval('.app-note p', (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + 5, y: r.top + r.height / 2 };
    });
    await page.mouse.move(box.x, box.y);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.body.innerText.includes('Get our app'), { timeout: 10_000 });
    assert.ok(shows(await visibleText(page), 'Paragraph 6 of the report'), 'the article stays');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('html > klartext-picker'), { timeout: 5000 });

    const options = await openOptions();
    const { rules } = await settingsOf(options);
    // The generated id (digits) is left out; the stable class names the box.
    assert.deepEqual(rules.trim().split('\n'), ['127.0.0.1##div.app-note']);
    assert.equal(await options.$eval('#rules-text', (el) => el.value.trim()), '127.0.0.1##div.app-note');

    // On the next load, clean in place hides it with the user's rule.
    await page.reload({ waitUntil: 'load' });
    assert.ok(shows(await visibleText(page), 'Get our app'), 'a rule hides nothing until the page is cleaned');
    const again = await openPopup(page);
    await again.click('#clean-button');
    await toFront(page);
    await page.waitForSelector('html > klartext-clean', { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-klartext-hidden="user"]') !== null, { timeout: 15_000 });
    assert.ok(!shows(await visibleText(page), 'Get our app'));
    assert.equal(await page.$eval('[data-klartext-hidden="user"]', (el) => el.className), 'app-note');
    await options.close();
    await page.close();
  });

  test('the reader view leaves out what the user\'s rules hide and keeps a category switched off', async () => {
    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.base}/made/sites-banner`, { waitUntil: 'load' });
    const readerText = async () => {
      const popup = await openPopup(page);
      await popup.click('#read-button');
      await toFront(page);
      const frame = await waitForReaderFrame(page, `${ctx.origin}/`, 20_000);
      await frame.waitForFunction(() => document.getElementById('view')?.getAttribute('aria-busy') === 'false', { timeout: 20_000 });
      const text = await frame.evaluate(() => document.body.innerText);
      await popup.close().catch(() => {});
      return text;
    };
    // The picker's rule (the test before) applies; the comments go, as by default.
    let text = await readerText();
    assert.ok(shows(text, 'Paragraph 6 of the report'), 'the article is shown');
    assert.ok(!shows(text, 'Get our app'), 'the user\'s rule hides the banner in the reader view');
    assert.ok(!shows(text, 'Reader Anna wrote'), 'comments are removed by default');
    await page.reload({ waitUntil: 'load' });
    const popup = await openPopup(page);
    await setCategory(popup, 'comments', false);
    await popup.close();
    text = await readerText();
    assert.ok(shows(text, 'Reader Anna wrote'), 'comments switched off for the site stay in the reader view');
    assert.ok(!shows(text, 'Get our app'));
    await page.close();
  });

  test('the rules editor reports lines the core cannot use, with their numbers', async () => {
    const options = await openOptions();
    await options.$eval('#rules-text', (el) => { el.value = ''; });
    await options.type('#rules-text', '! mine\nexample.com##.ok\nexample.com##div:has(> .ad)\nh2 + p');
    await options.click('#rules-check');
    await options.waitForFunction(() => document.querySelectorAll('#rule-errors li').length === 2);
    const errors = await options.$$eval('#rule-errors li', (items) => items.map((i) => i.textContent));
    assert.match(errors[0], /^Line 3: /);
    assert.match(errors[1], /^Line 4: .*not a cosmetic rule/);
    assert.match(await options.$eval('#rules-status', (el) => el.textContent), /Usable rules: 1\. Lines with errors: 2\./);
    await options.close();
  });

  test('the popup and the options page: axe-core finds no serious or critical violations, light and dark', async (t) => {
    if (ctx.name !== 'chromium') {
      t.skip('checked in Chromium (media emulation through the DevTools protocol)');
      return;
    }
    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.base}/made/sites-banner`, { waitUntil: 'load' });
    const popup = await openPopup(page);
    const options = await openOptions();
    for (const ui of [popup, options]) {
      await ui.evaluate(AXE_SOURCE);
      for (const scheme of ['light', 'dark']) {
        await ui.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        const violations = await ui.evaluate(async () => {
          const result = await globalThis.axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        });
        assert.deepEqual(violations, [], `${ui === popup ? 'popup' : 'options'}, ${scheme}`);
      }
    }
    await popup.close();
    await options.close();
    await page.close();
  });

  test('export and import round-trip through the options page', async () => {
    const options = await openOptions();
    const setup = [
      { type: 'klartext:site-set', host: 'news.example.com', patch: { mode: 'off' } },
      { type: 'klartext:site-set', host: 'blog.example.org', patch: { category: 'social', on: false } },
      { type: 'klartext:rules-set', text: 'news.example.com##.sticky\n##.global-ad\n' },
    ];
    for (const msg of setup) assert.equal((await sendFrom(options, msg)).ok, true);
    const exported = (await sendFrom(options, { type: 'klartext:export' })).data;
    assert.equal(exported.format, 'klartext-settings');
    assert.deepEqual(exported.sites['blog.example.org'], { mode: 'manual', off: ['social'] });
    const file = join(ctx.profile, 'settings.json');
    writeFileSync(file, JSON.stringify(exported));

    // Everything changes, then the file comes back in through the page's file input.
    await sendFrom(options, { type: 'klartext:site-remove', host: 'news.example.com' });
    await sendFrom(options, { type: 'klartext:site-set', host: 'other.example', patch: { mode: 'off' } });
    await sendFrom(options, { type: 'klartext:rules-set', text: '' });
    await openExtensionPage(options, `${ctx.origin}/options/options.html`, 'body[data-ready=true]');
    const input = await options.$('#all-import');
    await input.uploadFile(file);
    await options.waitForFunction((done) => document.getElementById('all-status').textContent === done, {}, EN.allImported.message);
    assert.deepEqual((await sendFrom(options, { type: 'klartext:export' })).data, exported);
    const rows = await options.$$eval('#sites tbody th', (cells) => cells.map((c) => c.textContent));
    assert.ok(rows.includes('news.example.com') && !rows.includes('other.example'), `rows: ${rows}`);
    assert.equal(await options.$eval('#rules-text', (el) => el.value), exported.rules);

    // The search narrows the list; a bad file changes nothing and says so.
    await options.type('#site-search', 'blog');
    const shown = await options.$$eval('#sites tbody th', (cells) => cells.map((c) => c.textContent));
    assert.deepEqual(shown, ['blog.example.org']);
    const bad = join(ctx.profile, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...exported, sites: { 'news.example.com': { mode: 'always', off: [] } } }));
    await (await options.$('#all-import')).uploadFile(bad);
    await options.waitForFunction(() => document.getElementById('all-status').textContent.includes('bad-sites'));
    assert.deepEqual((await sendFrom(options, { type: 'klartext:export' })).data, exported);

    // The list's own controls: a category switch and Forget.
    await options.click('tr[data-host="blog.example.org"] input[data-category="ads"]');
    await options.waitForFunction(async () => {
      const reply = await chrome.runtime.sendMessage({ type: 'klartext:settings-get' });
      return reply.sites['blog.example.org']?.off.includes('ads');
    });
    assert.deepEqual(await ctx.storageGet('site:blog.example.org'), { mode: 'manual', off: ['social', 'ads'] });
    await options.$eval('#site-search', (el) => { el.value = ''; });
    await options.type('#site-search', 'news');
    await options.click('tr[data-host="news.example.com"] button');
    await options.waitForFunction(() => !document.querySelector('tr[data-host="news.example.com"]'));
    assert.equal(await ctx.storageGet('site:news.example.com'), undefined);
    await options.close();
  });

  test('two pages changing settings at once lose nothing', async () => {
    const [a, b] = [await openOptions(), await openOptions()];
    const categories = ['comments', 'video-chrome', 'promotions', 'social', 'newsletter', 'cookie-consent', 'ads'];
    const burst = (page, picks, prefix) => page.evaluate(async (cats, p) => {
      const api = globalThis.browser ?? globalThis.chrome;
      const sends = cats.map((category) => api.runtime.sendMessage({
        type: 'klartext:site-set', host: 'busy.example', patch: { category, on: false },
      }));
      for (let i = 0; i < 10; i++) {
        sends.push(api.runtime.sendMessage({ type: 'klartext:site-set', host: `${p}${i}.example`, patch: { mode: 'off' } }));
      }
      return (await Promise.all(sends)).every((r) => r?.ok === true);
    }, picks, prefix);
    const results = await Promise.all([
      burst(a, categories.filter((_, i) => i % 2 === 0), 'a'),
      burst(b, categories.filter((_, i) => i % 2 === 1), 'b'),
    ]);
    assert.deepEqual(results, [true, true]);
    const { sites } = await settingsOf(a);
    assert.deepEqual(sites['busy.example'], { mode: 'manual', off: categories });
    for (const p of ['a', 'b']) {
      for (let i = 0; i < 10; i++) assert.deepEqual(sites[`${p}${i}.example`], { mode: 'off', off: [] });
    }
    // And in storage, where the next start of the background reads it.
    const stored = await ctx.storageGet('site:busy.example');
    assert.deepEqual(stored, { mode: 'manual', off: categories });
    await a.close();
    await b.close();
  });

  test('two pages changing different reader settings at once both keep theirs', async () => {
    const [a, b] = [await openOptions(), await openOptions()];
    const before = (await ctx.storageGet('settings')) ?? {};
    const theme = before.theme === 'sepia' ? 'dark' : 'sepia';
    const font = before.font === 'mono' ? 'sans' : 'mono';
    // Each page holds the settings as they were; each changes another one, at the same time
    // (as a user's click and choice do: the element's own click, the select's change event; a
    // page in a background tab cannot be clicked through the mouse).
    await Promise.all([
      a.$eval(`input[name=theme][value=${theme}]`, (el) => el.click()),
      b.$eval('#set-font', (el, value) => {
        el.value = value;
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, font),
    ]);
    let stored;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(100)) {
      stored = await ctx.storageGet('settings');
      if (stored?.theme === theme && stored?.font === font) break;
    }
    assert.equal(stored?.theme, theme, 'the first page\'s change is stored');
    assert.equal(stored?.font, font, 'the second page\'s change is stored');
    await sleep(500);
    stored = await ctx.storageGet('settings');
    assert.deepEqual([stored?.theme, stored?.font], [theme, font], 'and neither is undone by the other page');
    await a.close();
    await b.close();
  });

  test('a change synced from another device shows up, merged with this one\'s', async () => {
    const options = await openOptions();
    await sendFrom(options, { type: 'klartext:site-set', host: 'here.example', patch: { mode: 'off' } });
    // What the browser's sync does when another device changed a site: it writes storage.sync.
    await ctx.storageSet({ 'site:there.example': { mode: 'manual', off: ['ads'] } });
    await options.waitForFunction(async () => {
      const reply = await (globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: 'klartext:settings-get' });
      return reply.sites['there.example']?.off?.[0] === 'ads';
    }, { timeout: 5000 });
    const { sites } = await settingsOf(options);
    assert.deepEqual(sites['here.example'], { mode: 'off', off: [] }, 'this device\'s change stays');
    await openExtensionPage(options, `${ctx.origin}/options/options.html`, 'body[data-ready=true]');
    assert.equal(await options.$eval('tr[data-host="there.example"] input[data-category="ads"]', (el) => el.checked), false);
    await options.close();
  });

  test('corrupt stored settings are reported, the extension keeps working, and reset clears them', async () => {
    // Another writer (another device's sync, a broken version) puts garbage in the store.
    await ctx.storageSet({ 'site:broken.example': 'garbage', rules: 42 });
    await sleep(300);
    const options = await openOptions();
    const note = await options.$eval('#storage-text', (el) => el.textContent);
    assert.ok(note.includes(`site:broken.example (${EN.problemCorrupt.message})`) && note.includes('rules'), `note: ${note}`);
    assert.equal(await options.$eval('#problems-clear', (el) => el.hidden), false);
    // The extension still works: settings change and the reader view opens.
    assert.equal((await sendFrom(options, { type: 'klartext:site-set', host: 'fine.example', patch: { mode: 'off' } })).ok, true);
    const page = await ctx.browser.newPage();
    await page.goto(`${ctx.server.base}/made/sites-banner`, { waitUntil: 'load' });
    const popup = await openPopup(page);
    assert.ok((await popup.$eval('#storage-note', (el) => el.textContent)).includes('site:broken.example'));
    await popup.click('#read-button');
    await toFront(page);
    // The overlay frame with the reader page is in the page's DOM.
    await page.waitForFunction((reader) => [...document.querySelectorAll('html > iframe')]
      .some((f) => f.src.startsWith(reader)), { timeout: 20_000 }, `${ctx.origin}/reader/reader.html`);
    await page.close();
    // Reset: the unreadable keys go, the note goes.
    await options.bringToFront();
    await options.click('#problems-clear');
    await options.waitForFunction(() => document.getElementById('storage-note').hidden);
    assert.equal(await ctx.storageGet('site:broken.example'), undefined);
    assert.equal(await ctx.storageGet('rules'), undefined);
    await options.close();
  });

  // Last: after it, the settings live in storage.local for the rest of this browser's session.
  test('rules too large for storage.sync move the settings to this device, and the user is told', async () => {
    const options = await openOptions();
    await sendFrom(options, { type: 'klartext:site-set', host: 'kept.example', patch: { mode: 'off' } });
    const big = Array.from({ length: 400 }, (_, i) => `example.com##.rule-number-${i}`).join('\n');
    await options.$eval('#rules-text', (el, text) => { el.value = text; }, big);
    await options.click('#rules-save');
    await options.waitForFunction(() => document.getElementById('rules-status').textContent.startsWith('Saved'));
    const settings = await settingsOf(options);
    assert.equal(settings.area, 'local');
    assert.equal(settings.rules, big);
    assert.deepEqual(settings.sites['kept.example'], { mode: 'off', off: [] }, 'the sites came along');
    await openExtensionPage(options, `${ctx.origin}/options/options.html`, 'body[data-ready=true]');
    assert.equal(await options.$eval('#storage-text', (el) => el.textContent), EN.storageLocalQuota.message);
    assert.equal(await options.$eval('#rules-text', (el) => el.value), big);
    await options.close();
  });
}

describe('Sites, rules and settings in Chromium', () => {
  const ctx = { name: 'chromium' };
  let worker;

  before(async () => {
    requireBuild();
    ctx.server = await startServer();
    ctx.profile = freshProfileDir('sites-chromium');
    const dir = extensionWithTestHost(ctx.profile);
    ctx.browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      pipe: true,
      enableExtensions: [dir],
      userDataDir: join(ctx.profile, 'profile'),
      defaultViewport: { width: 1200, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--lang=en',
      ],
    });
    let extension;
    for (const deadline = Date.now() + 10_000; !extension && Date.now() < deadline;) {
      extension = [...(await ctx.browser.extensions()).values()].find((e) => e.name === 'Klartext');
      if (!extension) await sleep(100);
    }
    assert.ok(extension, 'Klartext is loaded');
    worker = await readyWorker(extension);
    ctx.origin = `chrome-extension://${extension.id}`;
    ctx.tabIdOf = (url) => worker.evaluate(async (u) => (await chrome.tabs.query({})).filter((t) => t.url === u).at(-1)?.id, url);
    ctx.storageGet = (key) => worker.evaluate(async (k) => (await chrome.storage.sync.get(k))[k], key);
    ctx.storageSet = (items) => worker.evaluate((i) => chrome.storage.sync.set(i), items);
    ctx.inExtension = (fn) => worker.evaluate(fn);
  });

  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.profile) removeDir(ctx.profile);
  });

  siteTests(ctx);
});

describe('Sites, rules and settings in Firefox ESR', () => {
  const ctx = { name: 'firefox' };
  let extensionDir;

  before(async () => {
    requireBuild();
    ctx.server = await startServer();
    ctx.profile = freshProfileDir('sites-firefox');
    extensionDir = extensionWithTestHost(ctx.profile);
    ctx.browser = await launchFirefox(join(ctx.profile, 'profile'), UUID, { 'intl.locale.requested': 'en-US' }, extensionDir);
    ctx.origin = `moz-extension://${UUID}`;
    // Firefox gives a test no handle on the background: an options page does the asking.
    const helper = await ctx.browser.newPage();
    await openExtensionPage(helper, `${ctx.origin}/options/options.html`, 'body[data-ready=true]');
    ctx.tabIdOf = (url) => helper.evaluate(async (u) => (await browser.tabs.query({})).filter((t) => t.url === u).at(-1)?.id, url);
    ctx.storageGet = (key) => helper.evaluate(async (k) => (await browser.storage.sync.get(k))[k], key);
    ctx.storageSet = (items) => helper.evaluate((i) => browser.storage.sync.set(i), items);
    ctx.inExtension = (fn) => helper.evaluate(fn);
  });

  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.profile) removeDir(ctx.profile);
  });

  siteTests(ctx);
});
