// Chooses the hand-over by measurement: the ways the page's serialised source can reach the wasm
// core in the reader frame, timed end to end in Chromium on one clock
// (performance.timeOrigin + performance.now() in the page and in the frame), interleaved.
//
//   node tests/bench/handover.mjs
//
// Ways (the frame has the core instantiated, as the reader has while the page serialises):
// - bytes: the string encoded to UTF-8 in the page in 1 Mi-unit steps (yielding between), the
//   chunks posted (transferred) in one message; the frame joins them, decodes them once more
//   for the removed-blocks panel's source text and reads them (a Reading written once; until
//   the eighth session the binding's extractUtf8) (the reader as it was);
// - bytes-lazy: the same without the decoding (the panel's source decoded when it opens);
// - bytes-port: bytes-lazy yielding between steps by a message to its own port instead of
//   setTimeout(0) (chained timeouts are clamped to 4 ms);
// - string: the string itself posted (structured clone); the frame calls extract(&str), which
//   wasm-bindgen encodes straight into wasm memory (its ASCII loop, then encodeInto);
// - string+encode: the string posted; the frame encodes it (TextEncoder.encode) and calls
//   reads the bytes (one more copy, but no per-character JS loop);
// - blob: the string put in a Blob (UTF-8, kept by the browser process) and the Blob posted;
//   the frame reads its bytes (arrayBuffer) and the core reads them.
// - parts-N: the string encoded to UTF-8 in parts of N Ki UTF-16 units, each in a task of its
//   own and posted (transferred) as soon as it is encoded; the frame writes each into a Reading
//   as it arrives and extracts at the last;
// The floor of any hand-over into the frame, and the other design (the core in the page):
// - empty: a message of a few bytes, one way: the fixed cost of the hop into the frame;
// - result: the page's real article object (the frame's core's result on the page, taken once
//   before the runs) posted into the frame: the hop the core-in-page design still pays;
// - result-bytes: the same object as JSON in UTF-8, the bytes transferred, parsed in the frame;
// - reader: today's design end to end: serialise.js's string (as the content script takes it),
//   then parts-256 (content.js: each part its own task and message), read as they arrive;
// - core-in-page: the same serialise.js string, the extension's own core (extension/core, served
//   at /klartext-core/ and instantiated in the page before the runs, as a content script would
//   have it after its first use) runs extract(string, url) in the page, and the result object is
//   posted into the frame; core-in-page-bytes: the string encoded (TextEncoder) and read by a
//   Reading in the page, as the reader calls its core, and the result posted as result-bytes does.
//   reader and core-in-page(-bytes) end at the result object in the frame.
// Per page and way: total (start of the page's part to the result object in the frame; for
// empty, result and core-in-page the frame's message event, its data read; for the -bytes ways
// the object parsed), one-way hand-over
// (start to the frame's message event), the page's longest synchronous step (serialise.js's
// steps not counted; for core-in-page the extract and the post). Then, once per fresh browser
// context (a new renderer process: nothing compiled yet), the core's cold start in a page; and
// with a core-in-page way, whether wasm compiles in the page and in the content script, with and
// without a page CSP that does not allow it.
//
// KLARTEXT_BENCH_REPS   runs per way per page (default 3; a page counts its median)
// KLARTEXT_BENCH_LIMIT  only the first N pages of each set
// KLARTEXT_HANDOVER_WAYS  the ways to compare, comma-separated (default: all but blob)
// KLARTEXT_HANDOVER_COLD  cold starts of the core in a page to time (default 8; 0: none)
// KLARTEXT_HANDOVER_SETS  mozilla, large, pathological (default: all three; the pathological
//                         pages are those `cargo run --release -p klartext-bench --bin speed` writes)

/* global document, window, location */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SERIALISE_JS, benchFrame, launch, pageMessaging, requireBuild,
} from './browser.mjs';
import { PATHOLOGICAL_DIR, loadSets, startServer } from './pages.mjs';
import { quantile } from './report.mjs';

const REPS = Math.max(1, Number.parseInt(process.env.KLARTEXT_BENCH_REPS ?? '3', 10) || 3);
const LIMIT = Number.parseInt(process.env.KLARTEXT_BENCH_LIMIT ?? '', 10) || Infinity;
const WAYS = (process.env.KLARTEXT_HANDOVER_WAYS
  ?? 'bytes,bytes-lazy,bytes-port,string,string+encode,empty,result,result-bytes,reader,core-in-page,core-in-page-bytes').split(',');
const COLD = Math.max(0, Number.parseInt(process.env.KLARTEXT_HANDOVER_COLD ?? '8', 10) || 0);
/** The content script's cap on the source it hands over (UTF-16 code units; extension/content.js). */
const MAX_HTML_LENGTH = 32 * 1024 * 1024;
const log = (line) => process.stderr.write(`${line}\n`);
const median = (values) => quantile(values, 0.5);

/** Frames reader/reader.html in the page, with the core loaded and a bench receiver in it. */
async function frameReceiver(page, origin) {
  const frame = await benchFrame(page, origin, 20_000);
  await frame.evaluate(() => {
    const {
      core, join, now, readBytes,
    } = window.klartextBench;
    const onMessage = async (event) => {
      // Reading the data deserialises it (Chromium does so on first access): part of the hop.
      const data = event.data;
      if (!data?.klartextBench || data.klartextBench === 'clock') return;
      if (data.klartextBench === 'port') {
        // The *-channel ways: the page's own MessageChannel, its second port handed over once.
        event.ports[0].onmessage = onMessage;
        return;
      }
      const received = now();
      const way = data.klartextBench;
      let article = null;
      let error = null;
      try {
        if (way.startsWith('parts') || way === 'reader') {
          // One part of the page: each written into a Reading as it comes, the article at the last.
          if (data.first) window.klartextReading = new core.Reading(data.url, undefined, undefined, 0);
          for (const chunk of data.utf8) window.klartextReading.write(chunk);
          if (!data.last) return;
          const reading = window.klartextReading;
          window.klartextReading = null;
          article = reading.extract();
        } else if (way.startsWith('empty')) {
          article = null;
        } else if (way.startsWith('result') || way.startsWith('core-in-page')) {
          // The result object itself exists once the message's data is read; the bytes are parsed.
          article = data.json ? JSON.parse(new TextDecoder().decode(data.json)) : data.article;
        } else if (way.startsWith('bytes') || way === 'extract-once') {
          const bytes = join(data.utf8);
          // bytes-lazy, bytes-port: the source text is decoded only when the panel needs it.
          if (way === 'bytes') window.klartextSource = new TextDecoder().decode(bytes);
          article = readBytes([bytes], data.url);
        } else if (way === 'blob') {
          article = readBytes([new Uint8Array(await data.blob.arrayBuffer())], data.url);
        } else if (way === 'string') {
          window.klartextSource = data.html;
          article = core.extract(data.html, data.url);
        } else {
          window.klartextSource = data.html;
          article = readBytes([new TextEncoder().encode(data.html)], data.url);
        }
      } catch (err) {
        error = String(err?.message ?? err).split('\n')[0];
      }
      const done = now();
      if (way === 'extract-once') {
        // Not timed: the page's real article object, for the result way to post.
        event.source.postMessage({ klartextBench: 'article', article, error }, '*');
        return;
      }
      (event.source ?? window.parent).postMessage({ klartextBench: 'done', received, done, text: article?.text?.length ?? 0, error }, '*');
    };
    window.addEventListener('message', onMessage);
  });
}

/**
 * Every way `reps` times on the page's source (kept in window.klartextBenchHtml; reader and
 * core-in-page serialise the page themselves), interleaved.
 */
async function measureWays(page, origin, reps, ways) {
  await pageMessaging(page, origin);
  // Evaluated through CDP: the pathological pages' CSP refuses a script element.
  if (ways.some((w) => w === 'reader' || w.startsWith('core-in-page'))) await page.evaluate(readFileSync(SERIALISE_JS, 'utf8'));
  return page.evaluate(async (origin, reps, ways, maxLength) => {
    const {
      now, target, reply, clockSkew: measureSkew, postParts,
    } = window.klartextBench;
    const html = window.klartextBenchHtml;
    const url = location.href;
    // The clocks: the frame's time must fall between the page's send and receive.
    const clockSkew = await measureSkew(5);
    const out = Object.fromEntries(ways.map((w) => [w, {
      total: [], oneWay: [], blocked: [], extract: [], serialise: [], pageCore: [], hop: [], text: 0, error: null,
    }]));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    // The *-channel ways post through a MessageChannel whose second port the frame got once.
    const channel = new MessageChannel();
    if (ways.some((w) => w.endsWith('-channel'))) target.postMessage({ klartextBench: 'port' }, origin, [channel.port2]);
    // A yield that chained timeouts' 4 ms clamp does not slow (as extension/serialise.js yields).
    const portTick = () => new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => resolve();
      port2.postMessage(null);
    });
    /** The string as UTF-8 in 1 Mi-unit steps, yielding between, posted with the bytes transferred; its longest step. */
    async function postBytes(way, source, yieldToPage) {
      const encoder = new TextEncoder();
      const utf8 = [];
      let longest = 0;
      let step = now();
      for (let at = 0; at < source.length;) {
        let end = Math.min(at + (1 << 20), source.length);
        if (end < source.length && (source.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
        utf8.push(encoder.encode(source.slice(at, end)));
        at = end;
        if (at < source.length) {
          longest = Math.max(longest, now() - step);
          await yieldToPage();
          step = now();
        }
      }
      if (way.endsWith('-channel')) channel.port1.postMessage({ klartextBench: way, utf8, url }, utf8.map((c) => c.buffer));
      else target.postMessage({ klartextBench: way, utf8, url }, origin, utf8.map((c) => c.buffer));
      return Math.max(longest, now() - step);
    }

    /**
     * The article object into the frame: itself (structured clone), or for the *-bytes ways as
     * JSON in UTF-8, the bytes transferred (a message carrying more than about 16 KB that is not
     * a transferred buffer costs about 1.5 ms more on its way into the frame).
     */
    function postArticle(way, object) {
      if (way.endsWith('-bytes')) {
        const json = new TextEncoder().encode(JSON.stringify(object));
        target.postMessage({ klartextBench: way, json, url }, origin, [json.buffer]);
      } else {
        target.postMessage({ klartextBench: way, article: object, url }, origin);
      }
    }

    // The page's article as the frame's core makes it, taken once, outside the timing (for the
    // result ways; it also runs the frame's core on this page once, as the page's core is run below).
    const answer = reply('article');
    const utf8 = [new TextEncoder().encode(html)];
    target.postMessage({ klartextBench: 'extract-once', utf8, url }, origin, [utf8[0].buffer]);
    const { article, error: articleError } = await answer;
    for (const w of ways.filter((x) => x.startsWith('result'))) out[w].error = articleError;
    const articleJsonChars = article ? JSON.stringify(article).length : NaN;
    // The extension's core in the page (a page CSP without 'wasm-unsafe-eval' refuses it).
    let core = null;
    let coreInit = NaN;
    if (ways.some((w) => w.startsWith('core-in-page'))) {
      try {
        const t0 = now();
        core = await import(`${location.origin}/klartext-core/klartext.js`);
        await core.default({ module_or_path: `${location.origin}/klartext-core/klartext_bg.wasm` });
        coreInit = now() - t0;
        // Once on this page, untimed, as the frame's core: the runs compare the two warm; the
        // cold start is timed on its own (coldStarts).
        core.extract(html, url);
      } catch (err) {
        core = null;
        for (const w of ways.filter((x) => x.startsWith('core-in-page'))) out[w].error = `not instantiated in the page: ${String(err?.message ?? err).split('\n')[0]}`;
      }
    }
    /** The page's core reading UTF-8 bytes, as the reader's core reads them (a Reading). */
    const readInPage = (bytes, url) => {
      const reading = new core.Reading(url, undefined, undefined, 0);
      reading.write(bytes);
      return reading.extract();
    };
    const runnable = ways.filter((w) => (!w.startsWith('result') || article) && (!w.startsWith('core-in-page') || core));

    for (let r = 0; r < reps; r++) {
      for (const way of (r % 2 ? [...runnable].reverse() : runnable)) {
        await tick();
        const answer = reply('done');
        const start = now();
        let longest;
        // When the page's own work is done: serialised, and (core-in-page) extracted.
        let serialised = start;
        let posting = start;
        if (way === 'empty') {
          target.postMessage({ klartextBench: way }, origin);
          longest = now() - start;
        } else if (way === 'empty-channel') {
          channel.port1.postMessage({ klartextBench: way });
          longest = now() - start;
        } else if (way === 'reader' || way.startsWith('core-in-page')) {
          const source = await window.klartextSerialise(document.documentElement, maxLength);
          if (source === null) {
            // Nothing is handed over (the content script shows its message): no time to count.
            out[way].error = 'over the hand-over cap';
            continue;
          }
          serialised = now();
          posting = serialised;
          if (way === 'reader') {
            longest = await postParts(way, source, 1 << 18, portTick);
          } else {
            // core-in-page as the brief's design has it (wasm-bindgen copies the string into wasm
            // memory: its ASCII loop in JS, then encodeInto); -bytes as the reader calls its core.
            const result = way === 'core-in-page' ? core.extract(source, url)
              : readInPage(new TextEncoder().encode(source), url);
            posting = now();
            postArticle(way, result);
            longest = now() - serialised;
          }
        } else if (way.startsWith('result')) {
          postArticle(way, article);
          longest = now() - start;
        } else if (way.startsWith('parts-')) {
          longest = await postParts(way, html, Number(way.slice('parts-'.length)) * 1024, portTick);
        } else if (way.startsWith('bytes')) {
          longest = await postBytes(way, html, way === 'bytes-port' || way === 'bytes-channel' ? portTick : tick);
        } else if (way === 'blob') {
          target.postMessage({ klartextBench: way, blob: new Blob([html]), url }, origin);
          longest = now() - start;
        } else {
          target.postMessage({ klartextBench: way, html, url }, origin);
          longest = now() - start;
        }
        const { received, done, text, error } = await answer;
        const o = out[way];
        o.total.push(done - start);
        o.oneWay.push(received - start);
        o.serialise.push(serialised - start);
        o.pageCore.push(posting - serialised);
        o.hop.push(received - posting);
        o.extract.push(done - received);
        o.blocked.push(longest);
        o.text = text;
        o.error ??= error;
      }
    }
    return {
      chars: html.length, clockSkew, articleJsonChars, coreInit, ways: out,
    };
  }, origin, reps, ways, MAX_HTML_LENGTH);
}

function summarise(name, results) {
  log(`\n${name}: ${results.length} pages, ms (median over pages of per-page medians / p95)`);
  const columns = [['total', 'total'], ['oneWay', 'one way'], ['serialise', 'serialise'], ['pageCore', 'core in page'],
    ['hop', 'post to event'], ['extract', 'in frame'], ['blocked', 'page blocked']];
  log(`${'way'.padEnd(14)}${columns.map(([, label]) => label.padStart(15)).join('')}`);
  const fmt = (values) => `${median(values).toFixed(2)} / ${quantile(values, 0.95).toFixed(2)}`;
  const col = (way, key) => results.map((r) => median(r.ways[way][key]));
  for (const way of WAYS) {
    log(`${way.padEnd(14)}${columns.map(([key]) => fmt(col(way, key)).padStart(15)).join('')}`);
  }
  const skew = Math.max(...results.map((r) => r.clockSkew));
  log(`largest clock inconsistency seen: ${skew.toFixed(3)} ms`);
  // Every way but empty carries the page's article: their texts must be the same length.
  const carrying = WAYS.filter((w) => !w.startsWith('empty'));
  const measured = (r, w) => r.ways[w].total.length > 0;
  const mismatched = results.filter((r) => new Set(carrying.filter((w) => measured(r, w)).map((w) => r.ways[w].text)).size > 1
    || WAYS.some((w) => r.ways[w].error));
  for (const r of mismatched) log(`  ${r.id}: ways differ or failed: ${JSON.stringify(WAYS.map((w) => [w, r.ways[w].text, r.ways[w].error]))}`);
  const pct = (part, whole) => `${((100 * part) / whole).toFixed(0)}%`;
  /** How `after` compares with `before`: "12% less" or "40% more". */
  const change = (before, after) => (after <= before ? `${pct(before - after, before)} less` : `${pct(after - before, before)} more`);
  if (WAYS.includes('empty') && WAYS.includes('bytes-port')) {
    const empty = col('empty', 'oneWay');
    const bytes = col('bytes-port', 'oneWay');
    log(`one empty message page -> frame: ${median(empty).toFixed(2)} ms median, ${quantile(empty, 0.95).toFixed(2)} p95;`
      + ` bytes-port one way ${median(bytes).toFixed(2)} / ${quantile(bytes, 0.95).toFixed(2)}:`
      + ` the empty hop is ${pct(median(empty), median(bytes))} of it at the median`
      + ` (median of per-page shares ${pct(median(results.map((r) => median(r.ways.empty.oneWay) / median(r.ways['bytes-port'].oneWay))), 1)})`);
  }
  if (WAYS.includes('bytes-port')) {
    // One way against the page's size: the intercept is what a hand-over costs whatever its size.
    const x = results.map((r) => r.chars / 1e5);
    const y = col('bytes-port', 'oneWay');
    const mx = median(x);
    const my = median(y);
    // Theil-Sen: the median of the pairwise slopes (a few noisy pages do not tilt it).
    const slopes = x.flatMap((xi, i) => x.slice(i + 1).map((xj, k) => (xj === xi ? NaN : (y[i + 1 + k] - y[i]) / (xj - xi))));
    const slope = median(slopes);
    log(`bytes-port one way against the source's length: ${slope.toFixed(3)} ms per 100,000 UTF-16 units,`
      + ` ${(my - slope * mx).toFixed(2)} ms at none (Theil-Sen line through the per-page medians)`);
  }
  if (WAYS.some((w) => w.startsWith('result'))) {
    const json = results.map((r) => r.articleJsonChars);
    log(`the result object: ${median(json).toFixed(0)} JSON chars median (${quantile(json, 0.95).toFixed(0)} p95)`
      + ` against ${median(results.map((r) => r.chars)).toFixed(0)} UTF-16 units of source`);
  }
  for (const way of ['core-in-page', 'core-in-page-bytes']) {
    if (!WAYS.includes('reader') || !WAYS.includes(way)) continue;
    const both = results.filter((r) => measured(r, 'reader') && measured(r, way));
    const reader = both.map((r) => median(r.ways.reader.total));
    const inPage = both.map((r) => median(r.ways[way].total));
    const perPage = both.map((r) => median(r.ways[way].total) / median(r.ways.reader.total));
    log(`end to end on the ${both.length} pages with both: reader ${median(reader).toFixed(2)} / ${quantile(reader, 0.95).toFixed(2)} ms,`
      + ` ${way} ${median(inPage).toFixed(2)} / ${quantile(inPage, 0.95).toFixed(2)} ms (median / p95):`
      + ` ${change(median(reader), median(inPage))} at the median, ${change(quantile(reader, 0.95), quantile(inPage, 0.95))} at p95;`
      + ` per page ${way} / reader median ${median(perPage).toFixed(2)}`);
  }
  if (['reader', 'result-bytes'].every((w) => WAYS.includes(w))) {
    // The page's core is fresh on every page (its renderer's first wasm run), the frame's warm
    // from earlier pages (one extension process): the design at its best, from measured parts.
    const best = results.map((r) => median(r.ways.reader.serialise) + median(r.ways.reader.extract)
      + median(r.ways['result-bytes'].total));
    const reader = results.map((r) => median(r.ways.reader.total));
    log(`core in the page at its best (serialise + the frame's warm extract + result-bytes, per page): ${median(best).toFixed(2)}`
      + ` / ${quantile(best, 0.95).toFixed(2)} ms against reader ${median(reader).toFixed(2)} / ${quantile(reader, 0.95).toFixed(2)}`
      + ` (${change(median(reader), median(best))} at the median, ${change(quantile(reader, 0.95), quantile(best, 0.95))} at p95)`);
  }
  if (WAYS.some((w) => w.startsWith('core-in-page'))) {
    const init = results.map((r) => r.coreInit);
    log(`the core's import + instantiateStreaming in each page before its runs (its renderer may have compiled it for an`
      + ` earlier page): ${median(init).toFixed(1)} ms median, ${quantile(init, 0.95).toFixed(1)} p95`);
  }
  if (WAYS.includes('empty') && WAYS.includes('reader')) {
    const floor = results.map((r) => median(r.ways.reader.serialise) + median(r.ways.empty.oneWay));
    log(`floor of the hand-over design (serialise + one empty hop, per page): ${median(floor).toFixed(2)} ms median,`
      + ` ${quantile(floor, 0.95).toFixed(2)} p95`);
  }
}

/**
 * The core's cold start in a page, `runs` times alternating instantiateStreaming and initSync
 * (the bytes fetched first, not timed), each in a fresh browser context: a renderer process of
 * its own, which has compiled nothing (the server sends no-store: no code cache). Then three
 * extracts of the page's outerHTML: the first pays what wasm compiles lazily or tiers up.
 */
async function coldStarts(session, server, entries, runs) {
  const results = [];
  for (let i = 0; i < runs; i++) {
    const entry = entries[i % entries.length];
    const context = await session.browser.createBrowserContext();
    try {
      const page = await context.newPage();
      page.on('dialog', (dialog) => dialog.dismiss().catch(() => {}));
      await page.goto(`${server.base}${entry.path}`, { waitUntil: 'load', timeout: 30_000 }).catch(() => {});
      results.push({
        id: entry.id,
        ...(await page.evaluate(async (sync) => {
          const base = `${location.origin}/klartext-core/`;
          const html = document.documentElement.outerHTML;
          const t0 = performance.now();
          const core = await import(`${base}klartext.js`);
          let t1 = performance.now();
          let wasm;
          if (sync) {
            const module = await (await fetch(`${base}klartext_bg.wasm`)).arrayBuffer();
            t1 = performance.now();
            wasm = core.initSync({ module });
          } else {
            wasm = await core.default({ module_or_path: `${base}klartext_bg.wasm` });
          }
          const t2 = performance.now();
          const memoryInit = wasm.memory.buffer.byteLength;
          const extracts = [];
          for (let k = 0; k < 3; k++) {
            const t = performance.now();
            core.extract(html, location.href);
            extracts.push(performance.now() - t);
          }
          return {
            sync, importMs: t1 - t0, initMs: t2 - t1, extracts, memoryInit, memoryAfter: wasm.memory.buffer.byteLength,
          };
        }, i % 2 === 1).catch((err) => ({ sync: i % 2 === 1, error: String(err?.message ?? err).split('\n')[0] }))),
      });
    } finally {
      await context.close();
    }
  }
  const ok = results.filter((r) => !r.error);
  for (const r of results.filter((x) => x.error)) log(`  cold start on ${r.id}: ${r.error}`);
  const fmt = (values) => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})`;
  log(`\nthe core's cold start in a page (fresh renderer process each), ms, median (range) of ${ok.length} runs:`);
  log(`  import klartext.js ${fmt(ok.map((r) => r.importMs))}`);
  for (const [sync, label] of [[false, 'instantiateStreaming (fetch + compile + instantiate)'], [true, 'initSync (compile + instantiate, bytes fetched before)']]) {
    const some = ok.filter((r) => r.sync === sync);
    if (some.length) log(`  ${label}: ${fmt(some.map((r) => r.initMs))}`);
  }
  log(`  extract: first ${fmt(ok.map((r) => r.extracts[0]))}, second ${fmt(ok.map((r) => r.extracts[1]))},`
    + ` third ${fmt(ok.map((r) => r.extracts[2]))}; first - third ${fmt(ok.map((r) => r.extracts[0] - r.extracts[2]))}`);
  const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);
  log(`  wasm memory: ${mib(median(ok.map((r) => r.memoryInit)))} MiB after init, ${mib(median(ok.map((r) => r.memoryAfter)))} MiB`
    + ` after the extracts (median; largest ${mib(Math.max(...ok.map((r) => r.memoryAfter)))} MiB)`);
}

/**
 * Whether wasm compiles in the page's world and in the extension's content script world (the
 * toolbar action injects it; the compile runs in its realm), where the core-in-page design would
 * run it: on a page without a CSP, and under one that does not allow wasm (the pathological
 * shell's script-src 'none'). An empty module (the 8-byte header) is enough: the CSP check comes
 * before compiling.
 */
async function wasmAllowed(session, server, path) {
  const page = await session.browser.newPage();
  try {
    await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
    await page.bringToFront();
    const compile = () => WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
      .then(() => 'compiles', (err) => `refused (${String(err?.message ?? err).replace(/\s+/g, ' ').slice(0, 160)})`);
    const inPage = await page.evaluate(compile);
    await page.triggerExtensionAction(session.extension);
    let realms = [];
    for (const deadline = Date.now() + 5000; realms.length === 0 && Date.now() < deadline;) {
      realms = await page.extensionRealms();
      if (realms.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const inContentScript = realms.length ? await realms[0].evaluate(compile) : 'no content script realm';
    return { inPage, inContentScript };
  } finally {
    await page.close();
  }
}

async function main() {
  requireBuild();
  const sets = loadSets();
  const server = await startServer(sets);
  const session = await launch();
  const { origin } = session;
  try {
    const only = process.env.KLARTEXT_HANDOVER_SETS?.split(',') ?? ['mozilla', 'large', 'pathological'];
    for (const [name, pages] of Object.entries(sets)) {
      if (!only.includes(name)) continue;
      const results = [];
      for (const entry of pages.slice(0, LIMIT)) {
        const page = await session.browser.newPage();
        // A page's alert() would hold up every evaluate (remove-script-tags has four).
        page.on('dialog', (dialog) => dialog.dismiss().catch(() => {}));
        try {
          await page.goto(`${server.base}${entry.path}`, { waitUntil: 'load', timeout: 30_000 }).catch(() => {});
          await page.bringToFront();
          await page.evaluate(() => { window.klartextBenchHtml = document.documentElement.outerHTML; });
          await frameReceiver(page, origin);
          results.push({ id: entry.id, ...(await measureWays(page, origin, REPS, WAYS)) });
          if (process.env.KLARTEXT_HANDOVER_VERBOSE) {
            const r = results.at(-1);
            log(`  ${entry.id} (${r.chars} units): ${WAYS.map((w) => `${w} ${r.ways[w].total.map((t) => t.toFixed(1)).join(' ')}`
              + ` (core ${r.ways[w].pageCore.map((t) => t.toFixed(1)).join(' ')}; frame ${r.ways[w].extract.map((t) => t.toFixed(1)).join(' ')})`).join('; ')}`);
          }
        } catch (err) {
          log(`  ${entry.id}: ${err?.message ?? err}`);
        } finally {
          await page.close();
        }
      }
      summarise(name, results);
    }
    if (COLD > 0) await coldStarts(session, server, sets.mozilla, COLD);
    if (WAYS.some((w) => w.startsWith('core-in-page'))) {
      for (const [label, path] of [['no CSP', sets.mozilla[0].path], ["CSP script-src 'none'", '/pathological/shell.html']]) {
        const { inPage, inContentScript } = await wasmAllowed(session, server, path);
        log(`\nwasm in Chromium, page with ${label}: in the page ${inPage}; in the content script ${inContentScript}`);
      }
    }
    if (only.includes('pathological')) {
      for (const file of ['big-10mb.html', 'big-50mb.html']) {
        if (!existsSync(join(PATHOLOGICAL_DIR, file))) {
          log(`${file}: missing (cargo run --release -p klartext-bench --bin speed writes it)`);
          continue;
        }
        const page = await session.browser.newPage();
        try {
          await page.goto(`${server.base}/pathological/shell.html`, { waitUntil: 'load' });
          await page.bringToFront();
          await page.evaluate(async (file) => {
            const text = await (await fetch(`/pathological/${file}`)).text();
            document.documentElement.innerHTML = text;
            // At most what the content script hands over (its 32 Mi-unit cap).
            window.klartextBenchHtml = document.documentElement.outerHTML.slice(0, 32 * 1024 * 1024);
          }, file);
          await frameReceiver(page, origin);
          const result = { id: file, ...(await measureWays(page, origin, REPS, WAYS)) };
          log(`\n${file} (${result.chars} UTF-16 units): total / one way / in frame / page blocked, medians, ms`);
          for (const way of WAYS) {
            const w = result.ways[way];
            log(`  ${way.padEnd(14)} ${median(w.total).toFixed(0)} / ${median(w.oneWay).toFixed(0)} / ${median(w.extract).toFixed(0)}`
              + ` / ${median(w.blocked).toFixed(1)}${w.error ? ` (${w.error})` : ''}`);
          }
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    await session.close();
    await server.close();
  }
}

main().catch((err) => {
  log(`handover: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
