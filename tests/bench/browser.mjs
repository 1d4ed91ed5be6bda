// The browser half of the speed benchmark, in Debian's Chromium driven by puppeteer-core, with
// the built extension (dist/unpacked) loaded.
//
// Per page of a set, in one tab that has the page loaded from 127.0.0.1:
// - Readability.js: `new Readability(document.cloneNode(true)).parse()` on the loaded page
//   (the library injected with addScriptTag from node_modules).
// - Klartext end to end, as the sum of what the extension does, each part timed where it runs:
//   serialise: `document.documentElement.outerHTML` in the page (the content script's call);
//   hand-over: what the extension does with that string on the way to the core: the string
//     encoded to UTF-8 in the page (TextEncoder, in the
//     content script's steps of 1 Mi UTF-16 units) and posted, bytes transferred, into an
//     extension-origin frame (reader/reader.html framed in the page, as the content script
//     frames it), until the frame has joined the chunks and its small acknowledgement is back.
//     The small messages (the content script's offer of URL, key and token to the background,
//     not awaited; the reader's taking of its token as its module runs) overlap the frame's own
//     load, which is not in these rows (it is in click-to-paint); one small `runtime.sendMessage`
//     round trip between extension pages is measured beside them for comparison;
//   extract: the core's `extractUtf8(bytes, url)` in an extension page (reader/reader.html opened
//     in a tab, the core imported from ../core/klartext.js): the copy into wasm, the core, and
//     the result back as a JS object.
// Each is measured REPS times on each page, interleaved; a page's time is its median.
//
// Also: peak wasm memory (a fresh extension page per page, Memory.buffer.byteLength after one
// extract), click-to-paint on the reference page, and the main thread's longest task while the
// extension reads the pathological pages.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { PATHOLOGICAL, PATHOLOGICAL_DIR, REFERENCE, ROOT } from './pages.mjs';

/* global document, window, chrome, requestAnimationFrame, Readability */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXTENSION_DIR = join(ROOT, 'dist', 'unpacked');
const READABILITY_JS = join(ROOT, 'node_modules', '@mozilla', 'readability', 'Readability.js');
const PAGE_TIMEOUT_MS = 30_000;
const PATHOLOGICAL_TIMEOUT_MS = 180_000;

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function requireBuild() {
  for (const file of ['manifest.json', 'reader/reader.html', 'core/klartext.js', 'core/klartext_bg.wasm']) {
    if (!existsSync(join(EXTENSION_DIR, file))) {
      throw new Error(`dist/unpacked/${file} is missing: run ./build.sh first`);
    }
  }
}

export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'klartext-bench-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    enableExtensions: [EXTENSION_DIR],
    userDataDir: profile,
    defaultViewport: { width: 1200, height: 900 },
    protocolTimeout: PATHOLOGICAL_TIMEOUT_MS,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
      // Tabs in the background keep full speed: the benchmark switches between three.
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      // Only 127.0.0.1 resolves: a page's external scripts and images fail at once.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  let extension;
  for (const deadline = Date.now() + 10_000; !extension && Date.now() < deadline;) {
    extension = [...(await browser.extensions()).values()].find((e) => e.name === 'Klartext');
    if (!extension) await sleep(100);
  }
  if (!extension) throw new Error('Klartext is not among the loaded extensions');
  const version = await browser.version();
  return {
    browser,
    extension,
    version,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens reader/reader.html in a tab (without a token it only shows a message) and loads the core there. */
async function extensionPage(session) {
  const page = await session.browser.newPage();
  await page.goto(`chrome-extension://${session.extension.id}/reader/reader.html`, { waitUntil: 'load' });
  const init = await page.evaluate(async () => {
    const t0 = performance.now();
    const core = await import(chrome.runtime.getURL('core/klartext.js'));
    const wasm = await core.default();
    window.klartextBench = { core, wasm };
    return { initMs: performance.now() - t0, memory: wasm.memory.buffer.byteLength };
  });
  return { page, ...init };
}

/** An extension page that answers a small bench message, as the background answers the offer and the token. */
async function echoPage(session) {
  const page = await session.browser.newPage();
  await page.goto(`chrome-extension://${session.extension.id}/reader/reader.html`, { waitUntil: 'load' });
  await page.evaluate(() => {
    chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
      if (msg && msg.klartextBench === 'ping') sendResponse({ ok: true, token: '0'.repeat(32) });
      return false;
    });
  });
  return page;
}

/**
 * Frames reader/reader.html in the loaded page (the frame shows its no-source line: it has no
 * token) and makes it acknowledge a posted string with its length. The page's serialised DOM is
 * kept in the page from before the frame was added, as the content script serialises first.
 */
async function framePostTarget(page, session) {
  const src = `chrome-extension://${session.extension.id}/reader/reader.html`;
  await page.evaluate((src) => new Promise((resolve, reject) => {
    window.klartextBenchHtml = document.documentElement.outerHTML;
    const frame = document.createElement('iframe');
    frame.id = 'klartext-bench-frame';
    frame.src = src;
    frame.addEventListener('load', resolve, { once: true });
    document.documentElement.appendChild(frame);
    setTimeout(() => reject(new Error('the extension frame did not load')), 10_000);
  }), src);
  const frame = page.frames().find((f) => f.url().startsWith(src));
  if (!frame) throw new Error('no extension frame in the page');
  await frame.evaluate(() => {
    window.addEventListener('message', (event) => {
      if (event.data?.klartextBench !== 'page') return;
      // As the reader page does: the chunks joined into one buffer.
      const chunks = event.data.utf8;
      const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.byteLength;
      }
      event.source.postMessage({ klartextBench: 'ack', bytes: bytes.byteLength }, '*');
    });
  });
  return `chrome-extension://${session.extension.id}`;
}

/**
 * The page's serialised DOM encoded and posted into the extension frame as the content script
 * does it (extension/content.js: encodeUtf8, postPage), `reps` times: the time until the
 * frame's acknowledgement is back, and the longest synchronous step on the page's main thread.
 */
async function measurePost(page, origin, reps) {
  return page.evaluate(async (origin, reps) => {
    const ENCODE_CHUNK = 1 << 20;
    const html = window.klartextBenchHtml;
    const target = document.getElementById('klartext-bench-frame').contentWindow;
    const post = [];
    const blocked = [];
    let error = null;
    for (let i = 0; i < reps; i++) {
      const acked = new Promise((resolve) => {
        const onMessage = (event) => {
          if (event.source !== target || event.data?.klartextBench !== 'ack') return;
          window.removeEventListener('message', onMessage);
          resolve(event.data.bytes);
        };
        window.addEventListener('message', onMessage);
      });
      const t0 = performance.now();
      let step = t0;
      let longest = 0;
      const encoder = new TextEncoder();
      const utf8 = [];
      for (let start = 0; start < html.length;) {
        let end = Math.min(start + ENCODE_CHUNK, html.length);
        if (end < html.length && (html.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
        utf8.push(encoder.encode(html.slice(start, end)));
        start = end;
        if (start < html.length) {
          longest = Math.max(longest, performance.now() - step);
          await new Promise((resolve) => setTimeout(resolve, 0));
          step = performance.now();
        }
      }
      const bytes = utf8.reduce((sum, chunk) => sum + chunk.byteLength, 0);
      target.postMessage({ klartextBench: 'page', utf8 }, origin, utf8.map((chunk) => chunk.buffer));
      blocked.push(Math.max(longest, performance.now() - step));
      if ((await acked) !== bytes) error = 'the frame got other bytes';
      post.push(performance.now() - t0);
    }
    return { post, blocked, error };
  }, origin, reps);
}

async function load(page, url, timeout = PAGE_TIMEOUT_MS, waitUntil = 'load') {
  try {
    await page.goto(url, { waitUntil, timeout });
  } catch (err) {
    // A page whose load event never comes is still measured as it stands.
    if (!/timeout/i.test(String(err?.message))) throw err;
  }
}

/** Serialise and Readability.js, `reps` times each, interleaved, in the loaded page. */
async function measureInPage(page, reps) {
  try {
    await page.addScriptTag({ path: READABILITY_JS });
  } catch {
    // A page CSP that refuses inline scripts: evaluate the same source through CDP instead.
    await page.evaluate(`${readFileSync(READABILITY_JS, 'utf8')};\nwindow.Readability = Readability;`);
  }
  return page.evaluate((reps) => {
    const serialise = [];
    const readability = [];
    let length = 0;
    let error = null;
    let textLength = 0;
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now();
      const html = document.documentElement.outerHTML;
      serialise.push(performance.now() - t0);
      length = html.length;
      t0 = performance.now();
      try {
        const article = new Readability(document.cloneNode(true)).parse();
        textLength = article?.textContent?.length ?? 0;
      } catch (err) {
        error = String(err?.message ?? err);
      }
      readability.push(performance.now() - t0);
    }
    return { serialise, readability, length, textLength, error };
  }, reps);
}

/** A small message round trip (for comparison) and extract, `reps` times each, interleaved, in the extension page. */
async function measureInExtension(extPage, html, url, reps) {
  return extPage.evaluate(async (html, url, reps) => {
    const { core } = window.klartextBench;
    const bytes = new TextEncoder().encode(html);
    const messages = [];
    const extract = [];
    let error = null;
    let textLength = 0;
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now();
      const reply = await chrome.runtime.sendMessage({ klartextBench: 'ping', url, key: '0'.repeat(32) });
      if (reply?.ok !== true) error = 'the small message got no answer';
      messages.push(performance.now() - t0);
      t0 = performance.now();
      try {
        const article = core.extractUtf8(bytes, url);
        textLength = article?.text?.length ?? 0;
      } catch (err) {
        error = String(err?.message ?? err);
      }
      extract.push(performance.now() - t0);
    }
    return { messages, extract, textLength, error };
  }, html, url, reps);
}

/** A tab for the pages: their alert() and confirm() are answered at once, as a page never waits on them here. */
async function contentPage(session) {
  const page = await session.browser.newPage();
  page.on('dialog', (dialog) => dialog.dismiss().catch(() => {}));
  return page;
}

/** Rejects after `ms`: one page that hangs must not stop the benchmark. */
function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every page of one set: per-page medians and the first (cold) run. */
export async function measureSet(session, server, pages, { reps, log }) {
  let page = await contentPage(session);
  const ext = await extensionPage(session);
  const echo = await echoPage(session);
  const results = [];
  for (const [i, entry] of pages.entries()) {
    const url = `${server.base}${entry.path}`;
    let inPage;
    let inExt;
    let posted;
    try {
      await within(2 * PAGE_TIMEOUT_MS, load(page, url), entry.id);
      await page.bringToFront();
      inPage = await within(PAGE_TIMEOUT_MS, measureInPage(page, reps), `${entry.id}, in the page`);
      const html = await within(PAGE_TIMEOUT_MS, page.evaluate(() => document.documentElement.outerHTML), entry.id);
      const origin = await within(PAGE_TIMEOUT_MS, framePostTarget(page, session), `${entry.id}, framing the extension`);
      posted = await within(PAGE_TIMEOUT_MS, measurePost(page, origin, reps), `${entry.id}, posting to the frame`);
      await ext.page.bringToFront();
      inExt = await within(PAGE_TIMEOUT_MS, measureInExtension(ext.page, html, page.url(), reps),
        `${entry.id}, in the extension page`);
    } catch (err) {
      // Left out of the statistics, and listed under the set.
      log(`  ${entry.id}: ${err?.message ?? err}`);
      results.push({ id: entry.id, bytes: entry.bytes, failed: String(err?.message ?? err).split('\n')[0], errors: [] });
      await page.close().catch(() => {});
      page = await contentPage(session);
      continue;
    }
    const handover = posted.post;
    const klartext = inPage.serialise.map((s, r) => s + handover[r] + inExt.extract[r]);
    results.push({
      id: entry.id,
      bytes: entry.bytes,
      domChars: inPage.length,
      readability: median(inPage.readability),
      readabilityFirst: inPage.readability[0],
      serialise: median(inPage.serialise),
      handover: median(handover),
      handoverMessages: median(inExt.messages),
      handoverBlocked: median(posted.blocked),
      extract: median(inExt.extract),
      klartext: median(klartext),
      klartextFirst: klartext[0],
      readabilityText: inPage.textLength,
      klartextText: inExt.textLength,
      errors: [inPage.error && `Readability.js: ${inPage.error}`, inExt.error && `Klartext: ${inExt.error}`,
        posted.error && `hand-over: ${posted.error}`].filter(Boolean),
    });
    if ((i + 1) % 25 === 0 || i + 1 === pages.length) log(`  ${i + 1}/${pages.length} pages`);
  }
  await Promise.all([page.close(), ext.page.close(), echo.close()]);
  return results;
}

/** Wasm memory after one extract of `html` (as UTF-8, as the reader gets it) in a fresh extension page (wasm memory never shrinks). */
export async function wasmMemory(session, html, url) {
  const ext = await extensionPage(session);
  try {
    return await ext.page.evaluate((html, url) => {
      const { core, wasm } = window.klartextBench;
      const bytes = new TextEncoder().encode(html);
      const before = wasm.memory.buffer.byteLength;
      const t0 = performance.now();
      let error = null;
      try {
        core.extractUtf8(bytes, url);
      } catch (err) {
        error = String(err?.message ?? err).split('\n')[0];
      }
      const ms = performance.now() - t0;
      return { before, after: wasm.memory.buffer.byteLength, ms, error };
    }, html, url);
  } finally {
    await ext.page.close();
  }
}

/** Waits for the reader frame of `page` and for the view to finish; returns the frame. */
async function readerFrame(page, extension, timeout) {
  const prefix = `chrome-extension://${extension.id}/reader/reader.html`;
  const deadline = Date.now() + timeout;
  let frame;
  while (!frame) {
    frame = page.frames().find((f) => f.url().startsWith(prefix));
    if (!frame) {
      if (Date.now() > deadline) throw new Error('no reader frame appeared');
      await sleep(5);
    }
  }
  await frame.waitForFunction(
    () => document.getElementById('view')?.getAttribute('aria-busy') === 'false',
    { timeout: Math.max(1000, deadline - Date.now()), polling: 'raf' },
  );
  return frame;
}

/** The offset of a frame's clock (timeOrigin + now, in ms) from this process's. */
async function clockOffset(frame) {
  let best = { offset: 0, spread: Infinity };
  for (let i = 0; i < 5; i++) {
    const before = performance.timeOrigin + performance.now();
    const there = await frame.evaluate(() => performance.timeOrigin + performance.now());
    const after = performance.timeOrigin + performance.now();
    if (after - before < best.spread) best = { offset: there - (before + after) / 2, spread: after - before };
  }
  return best;
}

/**
 * Click to painted article on the reference page, `runs` times (a fresh load each time): from
 * just before the toolbar action is pressed (puppeteer's triggerExtensionAction, as the e2e
 * tests do) to the paint of the first article block, as the reader frame's own
 * largest-contentful-paint entry for an element inside <article> reports it. The frame's clock
 * is mapped onto this process's by the best of five CDP round trips.
 */
export async function clickToPaint(session, server, runs, log) {
  const page = await session.browser.newPage();
  const results = [];
  try {
    for (let run = 0; run < runs; run++) {
      await load(page, `${server.base}/fixtures/${REFERENCE}`);
      await page.bringToFront();
      await sleep(300);
      const clicked = performance.timeOrigin + performance.now();
      await page.triggerExtensionAction(session.extension);
      const frame = await readerFrame(page, session.extension, 20_000);
      const done = performance.timeOrigin + performance.now();
      const paint = await frame.evaluate(() => new Promise((resolve) => {
        const entries = [];
        const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
        observer.observe({ type: 'largest-contentful-paint', buffered: true });
        // Buffered entries arrive in the observer's first callback, after a frame or two.
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
          observer.disconnect();
          entries.push(...observer.takeRecords());
          const inArticle = entries.filter((e) => e.element?.closest?.('article'));
          const first = inArticle.sort((a, b) => a.startTime - b.startTime)[0];
          resolve({
            lcp: first ? performance.timeOrigin + first.startTime : null,
            tag: first?.element?.tagName ?? null,
            entries: entries.length,
            text: document.querySelector('article')?.textContent.length ?? 0,
          });
        }, 50)));
      }));
      const clock = await clockOffset(frame);
      const painted = paint.lcp === null ? null : paint.lcp - clock.offset - clicked;
      results.push({ run, painted, done: done - clicked, clockSpread: clock.spread, element: paint.tag, text: paint.text });
      log(`  run ${run + 1}: painted ${painted?.toFixed(1)} ms (${paint.tag}), view done seen by the driver at ${(done - clicked).toFixed(1)} ms`);
    }
  } finally {
    await page.close();
  }
  return results;
}

/**
 * A pathological page through the real extension: the toolbar action on the page, and the
 * page's main thread from the click until the reader view has finished, observed through a
 * 10 ms timer chain (its longest wait is the longest time the thread could not run it) and
 * the Long Tasks API. Then the parts separately: serialise in the page, the content script's
 * longest synchronous step of the hand-over in its world (a step of encoding, or the post of the
 * bytes into the reader frame), and extract (time, memory) in a fresh extension page, also on the
 * raw file where the browser's DOM differs from it (Chromium nests no deeper than 512).
 *
 * The page's DOM is built by setting the shell page's documentElement.innerHTML to the file's
 * text (no script runs, as under the shell's CSP): the same DOM as loading the file, without
 * the network parser's yielding, which takes minutes for 50 MB on two cores.
 */
export async function pathological(session, server, log) {
  const results = [];
  for (const entry of PATHOLOGICAL) {
    const page = await session.browser.newPage();
    try {
      const url = `${server.base}/pathological/shell.html`;
      const t0 = Date.now();
      await load(page, url);
      const built = await page.evaluate(async (file) => {
        const html = await (await fetch(`/pathological/${file}`)).text();
        const start = performance.now();
        document.documentElement.innerHTML = html;
        const parse = performance.now() - start;
        await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        return { parse, layout: performance.now() - start - parse };
      }, entry.file);
      const loadMs = Date.now() - t0;
      await page.bringToFront();
      // Observe the page's main thread two ways: long tasks as Chromium reports them, and a
      // 10 ms timer chain whose longest gap is the longest time the thread could not run it.
      await page.evaluate(() => {
        const probe = { tasks: [], gaps: [], running: true };
        window.klartextProbe = probe;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) probe.tasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
        let last = performance.now();
        const tick = () => {
          const now = performance.now();
          probe.gaps.push({ start: last, duration: now - last });
          last = now;
          if (probe.running) setTimeout(tick, 10);
        };
        setTimeout(tick, 10);
      });
      // The page's own first layout and paint of a huge DOM come first: wait until its main
      // thread has had no long task for a second (at most a minute).
      const settled = Date.now();
      while (Date.now() - settled < 60_000) {
        const quiet = await page.evaluate(() => {
          const { gaps } = window.klartextProbe;
          const now = performance.now();
          const end = (g) => g.start + g.duration;
          const lastBusy = gaps.filter((g) => g.duration > 50).map(end).at(-1) ?? 0;
          const lastTick = gaps.length ? end(gaps.at(-1)) : 0;
          return now - lastTick < 100 ? now - lastBusy : 0;
        });
        if (quiet >= 1000) break;
        await sleep(100);
      }
      const settleMs = Date.now() - settled;
      const start = await page.evaluate(() => performance.now());
      const clicked = Date.now();
      await page.triggerExtensionAction(session.extension);
      const frame = await readerFrame(page, session.extension, PATHOLOGICAL_TIMEOUT_MS);
      const viewMs = Date.now() - clicked;
      const shown = await frame.evaluate(() => ({
        article: document.querySelector('article') !== null,
        message: document.querySelector('[role=alert]')?.textContent ?? null,
      }));
      await sleep(300);
      const observed = await page.evaluate((start) => {
        const probe = window.klartextProbe;
        probe.running = false;
        const after = (list) => list.filter((t) => t.start + t.duration >= start);
        const longest = (list) => after(list).reduce((max, t) => Math.max(max, t.duration), 0);
        return { tasks: after(probe.tasks).length, longestTask: longest(probe.tasks), longestGap: longest(probe.gaps) };
      }, start);
      const longest = Math.max(observed.longestTask, observed.longestGap);
      const serialise = await page.evaluate(() => {
        const t0 = performance.now();
        const html = document.documentElement.outerHTML;
        return { ms: performance.now() - t0, length: html.length };
      });
      const realms = await page.extensionRealms();
      const send = realms.length === 0 ? null : await realms[0].evaluate(async (origin) => {
        const html = document.documentElement.outerHTML;
        // The content script does not hand over a source over its 32 Mi-character cap.
        if (html.length > 32 * 1024 * 1024) return { skipped: true, chars: html.length };
        const frame = document.querySelector('iframe[src*="/reader/reader.html"]');
        if (!frame) return { error: 'no reader frame' };
        // Its steps, as extension/content.js takes them: the longest one is what the page waits.
        const encoder = new TextEncoder();
        const utf8 = [];
        let longest = 0;
        for (let start = 0; start < html.length;) {
          const t0 = performance.now();
          let end = Math.min(start + (1 << 20), html.length);
          if (end < html.length && (html.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
          utf8.push(encoder.encode(html.slice(start, end)));
          start = end;
          longest = Math.max(longest, performance.now() - t0);
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        const t0 = performance.now();
        // Not a hand-over (no key): the reader frame ignores it.
        frame.contentWindow.postMessage({ klartextBench: 'size', utf8 }, origin, utf8.map((c) => c.buffer));
        const post = performance.now() - t0;
        return { ms: Math.max(longest, post), encodeStep: longest, post, chars: html.length };
      }, `chrome-extension://${session.extension.id}`).catch((err) => ({ error: String(err?.message ?? err) }));
      const html = await page.evaluate(() => document.documentElement.outerHTML);
      const memory = await wasmMemory(session, html, url);
      const raw = readFileSync(join(PATHOLOGICAL_DIR, entry.file), 'utf8');
      const rawMemory = entry.rawToo ? await wasmMemory(session, raw, url) : null;
      results.push({
        id: entry.id, bytes: Buffer.byteLength(raw), loadMs, built, settleMs, viewMs, shown, ...observed,
        longest, serialise, send, domChars: html.length, memory, rawMemory,
      });
      log(`  ${entry.id}: loaded in ${loadMs} ms, settled in ${settleMs} ms; main thread blocked for at most`
        + ` ${longest.toFixed(0)} ms (long tasks ${observed.longestTask.toFixed(0)} ms, timer gap ${observed.longestGap.toFixed(0)} ms);`
        + ` view after ${viewMs} ms; extract ${memory.ms.toFixed(0)} ms${memory.error ? ` (${memory.error})` : ''}`);
    } finally {
      await page.close();
    }
  }
  return results;
}
