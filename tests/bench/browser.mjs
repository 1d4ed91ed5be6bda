// The browser half of the speed benchmark, in Debian's Chromium driven by puppeteer-core, with
// the built extension (dist/unpacked) loaded; the end-to-end rows also in Debian's Firefox ESR
// (launchFirefox).
//
// Per page of a set, in one tab that has the page loaded from 127.0.0.1 and reader/reader.html
// framed over it as the content script frames it, with the core loaded in that frame:
// - Readability.js: `new Readability(document.cloneNode(true)).parse()` on the loaded page
//   (the library injected from node_modules, its <script> element taken out again).
// - Klartext end to end as the user waits, on one clock (performance.timeOrigin + now() in the
//   page and in the frame; each page checks that the frame's answers fall between send and
//   receipt): from just before serialising to the moment the result object exists in the frame.
//   Its parts: serialise (extension/serialise.js, what the content script calls), hand-over one
//   way (the string encoded to UTF-8 in content.js's parts of 256 Ki UTF-16 units, each in a
//   task of its own and posted with its bytes transferred as soon as it is, until the frame's
//   message event of the last part; the frame's core reads the parts before it meanwhile),
//   extract (in the frame, as the reader does it, from the last part's arrival: that part
//   written into the Reading, the article extracted, the result as a JS object). Beside it, the same
//   hop with nothing to carry: a message of a few bytes from the page until the frame's message
//   event (the floor of any hand-over into the frame). The small messages (the
//   content script's offer of URL, key and token to the background, not awaited; the reader's
//   taking of its token as its module runs) overlap the frame's own load, which is not in these
//   rows (it is in click-to-paint).
// - dom_smoothie (Readability's algorithm in Rust), built for wasm (bench/peer-wasm) and
//   instantiated in the page before the runs: `parse(document.documentElement.outerHTML, url)`,
//   what a content script could run where wasm is allowed, with no hand-over.
// The three take turns, REPS times on each page; a page's time is its median.
// tests/bench/handover.mjs compares the ways of handing the source over, on the same clock.
//
// Also: peak wasm memory (a fresh extension page per page, Memory.buffer.byteLength after one
// extract), click-to-paint on the reference page, and the main thread's longest task while the
// extension reads the pathological pages.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { launchFirefox as launchFirefoxWithExtension } from '../e2e/support.mjs';
import {
  PATHOLOGICAL, PATHOLOGICAL_DIR, PEER_DIR, REFERENCE, ROOT,
} from './pages.mjs';

/* global document, window, chrome, requestAnimationFrame, Readability, location */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXTENSION_DIR = join(ROOT, 'dist', 'unpacked');
const READABILITY_JS = join(ROOT, 'node_modules', '@mozilla', 'readability', 'Readability.js');
export const SERIALISE_JS = join(EXTENSION_DIR, 'serialise.js');
/** The content script's cap on the source it hands over (UTF-16 code units; extension/content.js). */
const MAX_HTML_LENGTH = 32 * 1024 * 1024;
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
    origin: `chrome-extension://${extension.id}`,
    version,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Pinned, so that the bench knows the extension's moz-extension:// origin. */
const FIREFOX_UUID = '6a1f4c2e-8d3b-4e7a-9c10-5b2e7f4d8a61';

/**
 * Debian's Firefox ESR over WebDriver BiDi, with the built extension installed as a temporary
 * add-on (the end-to-end tests' launcher): for the end-to-end rows only (section 1's Firefox
 * part).
 */
export async function launchFirefox() {
  const profile = mkdtempSync(join(tmpdir(), 'klartext-bench-firefox-'));
  let browser;
  try {
    browser = await launchFirefoxWithExtension(profile, FIREFOX_UUID, {
      // Firefox rounds performance.now() to 1 ms for pages that are not cross-origin isolated;
      // the parts measured here are a few ms.
      'privacy.reduceTimerPrecision': false,
      // Only 127.0.0.1 answers (Firefox never sends it to a proxy): every other request goes
      // to a closed local port and fails at once, as Chromium's host-resolver rule has it.
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 65534,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 65534,
    }, EXTENSION_DIR);
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  return {
    browser,
    extension: null,
    origin: `moz-extension://${FIREFOX_UUID}`,
    version: await browser.version(),
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

/**
 * Frames reader/reader.html in the loaded page, as the content script frames it (without a token
 * the page only shows its no-source line), loads the core in the frame, as the reader has it
 * loaded while the page serialises, and makes the frame do with the posted parts of a source
 * what the reader does with the hand-over (extension/reader/reader.js, readPage: a `Reading`,
 * each part written as it arrives, the article extracted at the last): it answers with the
 * times on its clock at which the last part arrived and the result object existed.
 */
async function readerReceiver(page, session) {
  const frame = await benchFrame(page, session.origin, 10_000);
  await frame.evaluate(() => {
    const { core, now } = window.klartextBench;
    let reading = null;
    let error = null;
    window.addEventListener('message', (event) => {
      const data = event.data;
      if (data?.klartextBench === 'empty') {
        event.source.postMessage({ klartextBench: 'empty', received: now() }, '*');
        return;
      }
      if (data?.klartextBench !== 'page') return;
      const received = now();
      let textLength = 0;
      try {
        if (data.first) {
          reading?.free();
          reading = new core.Reading(data.url, undefined, undefined, 0);
          error = null;
        }
        if (!error) for (const chunk of data.utf8) reading.write(chunk);
      } catch (err) {
        error = String(err?.message ?? err).split('\n')[0];
      }
      if (!data.last) return;
      try {
        if (!error) textLength = reading.extract()?.text?.length ?? 0;
        else reading.free();
      } catch (err) {
        error = String(err?.message ?? err).split('\n')[0];
      }
      reading = null;
      const done = now();
      event.source.postMessage({ klartextBench: 'done', received, done, textLength, error }, '*');
    });
  });
  return session.origin;
}

async function load(page, url, timeout = PAGE_TIMEOUT_MS, waitUntil = 'load') {
  try {
    await page.goto(url, { waitUntil, timeout });
  } catch (err) {
    // A page whose load event never comes is still measured as it stands; so is one whose
    // navigation Firefox's BiDi reports failed ("Address rejected") when a resource the page
    // writes in (document.write of a script from another host) cannot be fetched here.
    if (/timeout/i.test(String(err?.message))) return;
    const there = await page.evaluate(() => location.href).catch(() => null);
    if (there !== url) throw err;
  }
}

/**
 * Runs a classic script in the page's main world, also under a CSP that refuses inline scripts.
 * Its <script> element is taken out again once it has run: the library's source must not be part
 * of the page that Klartext serialises.
 */
async function addScript(page, path, expose = '') {
  try {
    const element = await page.addScriptTag({ path });
    await element.evaluate((script) => script.remove());
    await element.dispose();
  } catch {
    // A page CSP that refuses inline scripts: evaluate the same source through CDP instead.
    await page.evaluate(`${readFileSync(path, 'utf8')};\n${expose}`);
  }
}

/**
 * Readability.js and Klartext end to end, `reps` times each, interleaved, in the loaded page with
 * the reader frame (readerReceiver) in it. Klartext's run, timed on one clock
 * (performance.timeOrigin + performance.now() in the page and in the frame): from just before
 * serialising, as the content script does it (extension/serialise.js), through the hand-over as
 * content.js does it (UTF-8 in steps, yielding between; the chunks posted, transferred), to the
 * moment the result object exists in the frame. The parts: serialise (until the string is
 * there), hand-over one way (until the frame's message event), extract (in the frame).
 */
async function measureInPage(page, origin, reps, peerBase) {
  await addScript(page, READABILITY_JS, 'window.Readability = Readability;');
  await addScript(page, SERIALISE_JS);
  await pageMessaging(page, origin);
  return page.evaluate(async (origin, reps, maxLength, peerBase) => {
    const {
      now, target, reply, clockSkew: measureSkew, postParts,
    } = window.klartextBench;
    const PART_LENGTH = 1 << 18;
    // The two clocks must agree.
    const clockSkew = await measureSkew(3);
    const out = {
      readability: [], klartext: [], serialise: [], handover: [], extract: [], blocked: [], smoothie: [], empty: [],
      length: 0, textLength: 0, klartextText: 0, smoothieHtml: 0, clockSkew, error: null, klartextError: null,
      smoothieError: null,
    };
    // dom_smoothie's wasm build, instantiated in the page before the runs (as a content script
    // would have it ready); its run: the page's outerHTML into wasm, the parse, the article back.
    let smoothie = null;
    if (peerBase) {
      try {
        smoothie = await import(`${peerBase}dom_smoothie.js`);
        await smoothie.default({ module_or_path: `${peerBase}dom_smoothie_bg.wasm` });
      } catch (err) {
        smoothie = null;
        out.smoothieError = String(err?.message ?? err).split('\n')[0];
      }
    }
    for (let i = 0; i < reps; i++) {
      let t0 = performance.now();
      try {
        const article = new Readability(document.cloneNode(true)).parse();
        out.textLength = article?.textContent?.length ?? 0;
      } catch (err) {
        out.error = String(err?.message ?? err);
      }
      out.readability.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 0));

      if (smoothie) {
        t0 = performance.now();
        try {
          out.smoothieHtml = smoothie.parse(document.documentElement.outerHTML, location.href).length;
          out.smoothie.push(performance.now() - t0);
        } catch (err) {
          // A panic in wasm leaves the module unusable: no more runs of it on this page.
          out.smoothieError = String(err?.message ?? err).split('\n')[0];
          smoothie = null;
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      }

      const answer = reply('done');
      const start = now();
      // The frame is not part of the page the content script serialises: it adds its frame after.
      const html = await window.klartextSerialise(document.documentElement, maxLength);
      const serialised = now();
      if (html === null) {
        out.klartextError = 'over the hand-over cap';
        break;
      }
      out.length = html.length;
      // As content.js hands the page over: parts of PART_LENGTH UTF-16 units.
      out.blocked.push(await postParts('page', html, PART_LENGTH, window.klartextYieldToPage));
      const { received, done, textLength, error } = await answer;
      out.klartext.push(done - start);
      out.serialise.push(serialised - start);
      out.handover.push(received - serialised);
      out.extract.push(done - received);
      out.klartextText = textLength;
      out.klartextError ??= error;
      await new Promise((resolve) => setTimeout(resolve, 0));

      // The fixed cost of any hand-over: a message of a few bytes, page to frame, one way.
      const emptyAnswer = reply('empty');
      const emptyStart = now();
      target.postMessage({ klartextBench: 'empty' }, origin);
      out.empty.push((await emptyAnswer).received - emptyStart);
    }
    return out;
  }, origin, reps, MAX_HTML_LENGTH, peerBase);
}

/**
 * Frames reader/reader.html in the loaded page (the frame shows its no-source line: it has no
 * token) with the core loaded in it, for the bench's receivers, which find in the frame's
 * `window.klartextBench`: `core`, `now()` (the shared clock), `join(chunks)` (the chunks as
 * one buffer) and `readBytes(chunks, url)` (the article of UTF-8 chunks, read as the reader
 * reads a page: a `Reading` written a chunk at a time); the frame answers the page's clock checks
 * (`pageMessaging`). Returns the frame.
 */
export async function benchFrame(page, origin, timeoutMs) {
  const src = `${origin}/reader/reader.html`;
  await page.evaluate((src, timeoutMs) => new Promise((resolve, reject) => {
    const frame = document.createElement('iframe');
    frame.id = 'klartext-bench-frame';
    frame.src = src;
    frame.addEventListener('load', resolve, { once: true });
    document.documentElement.appendChild(frame);
    setTimeout(() => reject(new Error('the extension frame did not load')), timeoutMs);
  }), src, timeoutMs);
  // Firefox's BiDi may report an extension frame as about:blank: such a frame is asked for its
  // own location (briefly: a page's own frames that never load would not answer).
  const located = (child) => Promise.race([
    child.evaluate(() => location.href).catch(() => ''),
    sleep(200).then(() => ''),
  ]);
  let frame;
  for (const deadline = Date.now() + timeoutMs; !frame && Date.now() < deadline;) {
    const children = page.frames().filter((child) => child !== page.mainFrame());
    frame = children.find((child) => child.url().startsWith(src));
    for (const child of children.filter((c) => !frame && c.url() === 'about:blank')) {
      if ((await located(child)).startsWith(src)) frame = child;
    }
    if (!frame) await sleep(20);
  }
  if (!frame) throw new Error('no extension frame in the page');
  await frame.evaluate(async () => {
    const core = await import(chrome.runtime.getURL('core/klartext.js'));
    await core.default();
    const now = () => performance.timeOrigin + performance.now();
    const join = (chunks) => {
      if (chunks.length === 1) return chunks[0];
      const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.byteLength;
      }
      return bytes;
    };
    /** The article of a page given as UTF-8 chunks, as the reader reads one: a Reading written a chunk at a time. */
    const readBytes = (chunks, url) => {
      const reading = new core.Reading(url, undefined, undefined, 0);
      try {
        for (const chunk of chunks) reading.write(chunk);
      } catch (err) {
        reading.free();
        throw err;
      }
      return reading.extract();
    };
    window.klartextBench = { core, now, join, readBytes };
    window.addEventListener('message', (event) => {
      if (event.data?.klartextBench === 'clock') event.source.postMessage({ klartextBench: 'clock', at: now() }, '*');
    });
  });
  return frame;
}

/**
 * Gives the page, as `window.klartextBench`, what its measurements share: `now()` on the shared
 * clock, `reply(kind)` (the bench frame's next answer of that kind) and `clockSkew(rounds)` (how
 * far the frame's clock is from the page's: its time of an answer must fall between send and
 * receipt).
 */
export function pageMessaging(page, origin) {
  return page.evaluate((origin) => {
    const now = () => performance.timeOrigin + performance.now();
    const target = document.getElementById('klartext-bench-frame').contentWindow;
    const reply = (kind) => new Promise((resolve) => {
      const onMessage = (event) => {
        if (event.source !== target || event.data?.klartextBench !== kind) return;
        window.removeEventListener('message', onMessage);
        resolve(event.data);
      };
      window.addEventListener('message', onMessage);
    });
    const clockSkew = async (rounds) => {
      let skew = 0;
      for (let i = 0; i < rounds; i++) {
        const answer = reply('clock');
        const before = now();
        target.postMessage({ klartextBench: 'clock' }, origin);
        const { at } = await answer;
        skew = Math.max(skew, before - at, at - now());
      }
      return skew;
    };
    /**
     * `source` posted into the frame as content.js hands a page over (encodeParts, postPage):
     * UTF-8 parts of `units` UTF-16 code units, each encoded in a task of its own (yielding by
     * `yieldToPage` between) and posted, its bytes transferred, as soon as it is:
     * `{ klartextBench: kind, utf8, url, first, last }`. Returns its longest step.
     */
    const postParts = async (kind, source, units, yieldToPage) => {
      const encoder = new TextEncoder();
      let longest = 0;
      let step = now();
      for (let at = 0; at < source.length;) {
        let end = Math.min(at + units, source.length);
        if (end < source.length && (source.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
        const utf8 = [encoder.encode(source.slice(at, end))];
        const message = {
          klartextBench: kind, utf8, url: location.href, first: at === 0, last: end >= source.length,
        };
        at = end;
        target.postMessage(message, origin, utf8.map((chunk) => chunk.buffer));
        if (at < source.length) {
          longest = Math.max(longest, now() - step);
          await yieldToPage();
          step = now();
        }
      }
      return Math.max(longest, now() - step);
    };
    window.klartextBench = {
      now, target, reply, clockSkew, postParts,
    };
  }, origin);
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
export async function measureSet(session, server, pages, { reps, log, peer = true }) {
  // dom_smoothie for the browser, when `./build.sh bench` has built it (bench/peer-wasm).
  const peerBase = peer && existsSync(join(PEER_DIR, 'dom_smoothie.js')) ? `${server.base}/peer/` : null;
  if (peer && !peerBase) log('  no tests/out/bench/dom-smoothie: dom_smoothie\'s rows are left out (./build.sh bench builds it)');
  let page = await contentPage(session);
  const results = [];
  for (const [i, entry] of pages.entries()) {
    const url = `${server.base}${entry.path}`;
    let m;
    try {
      await within(2 * PAGE_TIMEOUT_MS, load(page, url), entry.id);
      await page.bringToFront();
      const origin = await within(PAGE_TIMEOUT_MS, readerReceiver(page, session), `${entry.id}, framing the extension`);
      m = await within(PAGE_TIMEOUT_MS, measureInPage(page, origin, reps, peerBase), `${entry.id}, in the page`);
    } catch (err) {
      // Left out of the statistics, and listed under the set.
      log(`  ${entry.id}: ${err?.message ?? err}`);
      results.push({ id: entry.id, bytes: entry.bytes, failed: String(err?.message ?? err).split('\n')[0], errors: [] });
      await page.close().catch(() => {});
      page = await contentPage(session);
      continue;
    }
    results.push({
      id: entry.id,
      bytes: entry.bytes,
      domChars: m.length,
      readability: median(m.readability),
      readabilityFirst: m.readability[0],
      smoothie: median(m.smoothie),
      smoothieHtml: m.smoothieHtml,
      serialise: median(m.serialise),
      handover: median(m.handover),
      handoverBlocked: median(m.blocked),
      emptyHop: median(m.empty),
      extract: median(m.extract),
      klartext: median(m.klartext),
      klartextFirst: m.klartext[0],
      clockSkew: m.clockSkew,
      readabilityText: m.textLength,
      klartextText: m.klartextText,
      errors: [m.error && `Readability.js: ${m.error}`, m.klartextError && `Klartext: ${m.klartextError}`,
        m.smoothieError && `dom_smoothie: ${m.smoothieError}`,
        m.clockSkew > 1 && `the page's and the frame's clocks disagree by ${m.clockSkew.toFixed(1)} ms`].filter(Boolean),
    });
    if ((i + 1) % 25 === 0 || i + 1 === pages.length) log(`  ${i + 1}/${pages.length} pages`);
  }
  await page.close();
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
        const reading = new core.Reading(url, undefined, undefined, 0);
        reading.write(bytes);
        reading.extract();
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
          // The view's steps on the frame's clock (reader.js marks them; the navigation entry
          // says when the frame's document arrived and was parsed).
          const navigation = performance.getEntriesByType('navigation')[0];
          const steps = {
            frame: 0,
            document: navigation?.responseEnd ?? null,
            parsed: navigation?.domInteractive ?? null,
          };
          for (const mark of performance.getEntriesByType('mark')) {
            if (mark.name.startsWith('klartext:')) steps[mark.name.slice('klartext:'.length)] = mark.startTime;
          }
          resolve({
            origin: performance.timeOrigin,
            steps,
            lcp: first ? performance.timeOrigin + first.startTime : null,
            tag: first?.element?.tagName ?? null,
            entries: entries.length,
            text: document.querySelector('article')?.textContent.length ?? 0,
          });
        }, 50)));
      }));
      const clock = await clockOffset(frame);
      const painted = paint.lcp === null ? null : paint.lcp - clock.offset - clicked;
      const steps = Object.fromEntries(Object.entries(paint.steps)
        .map(([name, at]) => [name, at === null ? null : paint.origin + at - clock.offset - clicked]));
      results.push({
        run, painted, steps, done: done - clicked, clockSpread: clock.spread, element: paint.tag, text: paint.text,
      });
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
          await globalThis.klartextYieldToPage();
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
