// Chooses the hand-over by measurement: the ways the page's serialised source can reach the wasm
// core in the reader frame, timed end to end in Chromium on one clock
// (performance.timeOrigin + performance.now() in the page and in the frame), interleaved.
//
//   node tests/bench/handover.mjs
//
// Ways (the frame has the core instantiated, as the reader has while the page serialises):
// - bytes: the string encoded to UTF-8 in the page in 1 Mi-unit steps (yielding between), the
//   chunks posted (transferred); the frame joins them, decodes them once more for the
//   removed-blocks panel's source text and calls extractUtf8 (the reader as it was);
// - bytes-lazy: the same without the decoding (the panel's source decoded when it opens);
// - bytes-port: bytes-lazy yielding between steps by a message to its own port instead of
//   setTimeout(0) (chained timeouts are clamped to 4 ms);
// - string: the string itself posted (structured clone); the frame calls extract(&str), which
//   wasm-bindgen encodes straight into wasm memory (its ASCII loop, then encodeInto);
// - string+encode: the string posted; the frame encodes it (TextEncoder.encode) and calls
//   extractUtf8 (one more copy, but no per-character JS loop);
// - blob: the string put in a Blob (UTF-8, kept by the browser process) and the Blob posted;
//   the frame reads its bytes (arrayBuffer) and calls extractUtf8.
// Per page and way: total (start of the page's part to the result object in the frame),
// one-way hand-over (start to the frame's message event), the page's longest synchronous step.
//
// KLARTEXT_BENCH_REPS   runs per way per page (default 3; a page counts its median)
// KLARTEXT_BENCH_LIMIT  only the first N pages of each set
// KLARTEXT_HANDOVER_WAYS  the ways to compare, comma-separated (default: all but blob)
// KLARTEXT_HANDOVER_SETS  mozilla, large, pathological (default: all three; the pathological
//                         pages are those `cargo run --release -p klartext-bench --bin speed` writes)

/* global document, window, location */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchFrame, launch, pageMessaging, requireBuild,
} from './browser.mjs';
import { PATHOLOGICAL_DIR, loadSets, startServer } from './pages.mjs';
import { quantile } from './report.mjs';

const REPS = Math.max(1, Number.parseInt(process.env.KLARTEXT_BENCH_REPS ?? '3', 10) || 3);
const LIMIT = Number.parseInt(process.env.KLARTEXT_BENCH_LIMIT ?? '', 10) || Infinity;
const WAYS = (process.env.KLARTEXT_HANDOVER_WAYS ?? 'bytes,bytes-lazy,bytes-port,string,string+encode').split(',');
const log = (line) => process.stderr.write(`${line}\n`);
const median = (values) => quantile(values, 0.5);

/** Frames reader/reader.html in the page, with the core loaded and a bench receiver in it. */
async function frameReceiver(page, extensionId) {
  const frame = await benchFrame(page, extensionId, 20_000);
  await frame.evaluate(() => {
    const { core, join, now } = window.klartextBench;
    window.addEventListener('message', async (event) => {
      const data = event.data;
      if (!data?.klartextBench || data.klartextBench === 'clock') return;
      const received = now();
      let article;
      let error = null;
      try {
        if (data.klartextBench.startsWith('bytes')) {
          const bytes = join(data.utf8);
          // bytes-lazy, bytes-port: the source text is decoded only when the panel needs it.
          if (data.klartextBench === 'bytes') window.klartextSource = new TextDecoder().decode(bytes);
          article = core.extractUtf8(bytes, data.url);
        } else if (data.klartextBench === 'blob') {
          article = core.extractUtf8(new Uint8Array(await data.blob.arrayBuffer()), data.url);
        } else if (data.klartextBench === 'string') {
          window.klartextSource = data.html;
          article = core.extract(data.html, data.url);
        } else {
          window.klartextSource = data.html;
          article = core.extractUtf8(new TextEncoder().encode(data.html), data.url);
        }
      } catch (err) {
        error = String(err?.message ?? err).split('\n')[0];
      }
      const done = now();
      event.source.postMessage({ klartextBench: 'done', received, done, text: article?.text?.length ?? 0, error }, '*');
    });
  });
}

/** Every way `reps` times on the page's source (kept in window.klartextBenchHtml), interleaved. */
async function measureWays(page, origin, reps, ways) {
  await pageMessaging(page, origin);
  return page.evaluate(async (origin, reps, ways) => {
    const {
      now, target, reply, clockSkew: measureSkew,
    } = window.klartextBench;
    const html = window.klartextBenchHtml;
    const url = location.href;
    // The clocks: the frame's time must fall between the page's send and receive.
    const clockSkew = await measureSkew(5);
    const out = Object.fromEntries(ways.map((w) => [w, { total: [], oneWay: [], blocked: [], extract: [], text: 0, error: null }]));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
    // A yield that chained timeouts' 4 ms clamp does not slow (as extension/serialise.js yields).
    const portTick = () => new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => resolve();
      port2.postMessage(null);
    });
    for (let r = 0; r < reps; r++) {
      for (const way of (r % 2 ? [...ways].reverse() : ways)) {
        await tick();
        const answer = reply('done');
        const start = now();
        let longest = 0;
        if (way.startsWith('bytes')) {
          const encoder = new TextEncoder();
          const utf8 = [];
          let step = now();
          for (let at = 0; at < html.length;) {
            let end = Math.min(at + (1 << 20), html.length);
            if (end < html.length && (html.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
            utf8.push(encoder.encode(html.slice(at, end)));
            at = end;
            if (at < html.length) {
              longest = Math.max(longest, now() - step);
              await (way === 'bytes-port' ? portTick() : tick());
              step = now();
            }
          }
          target.postMessage({ klartextBench: way, utf8, url }, origin, utf8.map((c) => c.buffer));
          longest = Math.max(longest, now() - step);
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
        o.extract.push(done - received);
        o.blocked.push(longest);
        o.text = text;
        o.error ??= error;
      }
    }
    return { chars: html.length, clockSkew, ways: out };
  }, origin, reps, ways);
}

function summarise(name, results) {
  log(`\n${name}: ${results.length} pages, ms (median over pages of per-page medians / p95)`);
  log(`${'way'.padEnd(16)}${'total'.padStart(16)}${'one way'.padStart(16)}${'in frame'.padStart(16)}${'page blocked'.padStart(16)}`);
  const fmt = (values) => `${median(values).toFixed(2)} / ${quantile(values, 0.95).toFixed(2)}`;
  for (const way of WAYS) {
    const col = (key) => results.map((r) => median(r.ways[way][key]));
    log(`${way.padEnd(16)}${fmt(col('total')).padStart(16)}${fmt(col('oneWay')).padStart(16)}`
      + `${fmt(col('extract')).padStart(16)}${fmt(col('blocked')).padStart(16)}`);
  }
  const skew = Math.max(...results.map((r) => r.clockSkew));
  log(`largest clock inconsistency seen: ${skew.toFixed(3)} ms`);
  const mismatched = results.filter((r) => new Set(WAYS.map((w) => r.ways[w].text)).size > 1 || WAYS.some((w) => r.ways[w].error));
  for (const r of mismatched) log(`  ${r.id}: ways differ or failed: ${JSON.stringify(WAYS.map((w) => [r.ways[w].text, r.ways[w].error]))}`);
}

async function main() {
  requireBuild();
  const sets = loadSets();
  const server = await startServer(sets);
  const session = await launch();
  const origin = `chrome-extension://${session.extension.id}`;
  try {
    const only = process.env.KLARTEXT_HANDOVER_SETS?.split(',') ?? ['mozilla', 'large', 'pathological'];
    for (const [name, pages] of Object.entries(sets)) {
      if (!only.includes(name)) continue;
      const results = [];
      for (const entry of pages.slice(0, LIMIT)) {
        const page = await session.browser.newPage();
        try {
          await page.goto(`${server.base}${entry.path}`, { waitUntil: 'load', timeout: 30_000 }).catch(() => {});
          await page.bringToFront();
          await page.evaluate(() => { window.klartextBenchHtml = document.documentElement.outerHTML; });
          await frameReceiver(page, session.extension.id);
          results.push({ id: entry.id, ...(await measureWays(page, origin, REPS, WAYS)) });
        } catch (err) {
          log(`  ${entry.id}: ${err?.message ?? err}`);
        } finally {
          await page.close();
        }
      }
      summarise(name, results);
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
          await frameReceiver(page, session.extension.id);
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
