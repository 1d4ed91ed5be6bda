// The wasm core alone where it runs for the reader view: in the extension's frame over a page,
// in Chromium and in Firefox, and, for comparison, in an http page of the same browser. Per
// place, every third Mozilla page goes through a `Reading` (fresh bytes each run, as the reader
// gets them) RUNS times; a page counts its fastest run; the median over the pages is printed,
// with the first run's median. One frame is timed once loaded and again after WAIT ms, when the
// browser's optimising compiler has had time (Firefox compiles its optimised tier in the
// background); then each page in a frame of its own, timed at once, as each reader view (and
// the bench's end-to-end rows) runs the core in a new frame. Needs `./build.sh build`.
//
//   node tests/bench/frame-core.mjs
//
// KLARTEXT_FRAME_RUNS  runs per page (default 5)
// KLARTEXT_FRAME_WAIT  ms to wait before the second timing of the frame (default 8000)

/* global window */
import {
  benchFrame, launch, launchFirefox, requireBuild,
} from './browser.mjs';
import { loadSets, mozillaPages, startServer } from './pages.mjs';
import { quantile } from './report.mjs';

const RUNS = Math.max(1, Number.parseInt(process.env.KLARTEXT_FRAME_RUNS ?? '5', 10) || 5);
const WAIT = Math.max(0, Number.parseInt(process.env.KLARTEXT_FRAME_WAIT ?? '8000', 10) || 0);
const median = (values) => quantile([...values].sort((a, b) => a - b), 0.5);

function pages() {
  return mozillaPages().filter((_, i) => i % 3 === 0).map((page) => page.html);
}

/** One page through the core loaded in `context` (window.klartextCore): its first and fastest run. */
async function runs(context, html) {
  const times = await context.evaluate((source, runCount) => {
    const bytes = new TextEncoder().encode(source);
    const out = [];
    for (let run = 0; run < runCount; run += 1) {
      const copy = bytes.slice();
      const start = performance.now();
      const reading = new window.klartextCore.Reading('http://fakehost/page/', undefined, undefined, 0);
      reading.write(copy);
      reading.extract();
      out.push(performance.now() - start);
    }
    return out;
  }, html, RUNS);
  return [times[0], Math.min(...times)];
}

const summary = (first, best) => `first run ${median(first).toFixed(2)} ms, fastest of ${RUNS} ${median(best).toFixed(2)} ms`;

/** Each page through the core loaded in `context`: the medians of the first and fastest runs. */
async function time(context, htmls) {
  const first = [];
  const best = [];
  for (const html of htmls) {
    const [one, fastest] = await runs(context, html);
    first.push(one);
    best.push(fastest);
  }
  return summary(first, best);
}

requireBuild();
const htmls = pages();
const server = await startServer(loadSets());
try {
  for (const [name, start] of [['Chromium', launch], ['Firefox', launchFirefox]]) {
    const session = await start();
    try {
      const page = await session.browser.newPage();
      await page.goto(`${server.base}/fixtures/krone-putin-nordkorea.html`);
      const frame = await benchFrame(page, session.origin, 20_000);
      await frame.evaluate(() => { window.klartextCore = window.klartextBench.core; });
      console.log(`${name}, extension frame, at once:`.padEnd(42), await time(frame, htmls));
      await new Promise((done) => { setTimeout(done, WAIT); });
      console.log(`${name}, extension frame, after ${WAIT} ms:`.padEnd(42), await time(frame, htmls));
      const fresh = { first: [], best: [] };
      for (const html of htmls) {
        const tab = await session.browser.newPage();
        await tab.goto(`${server.base}/fixtures/krone-putin-nordkorea.html`);
        const own = await benchFrame(tab, session.origin, 20_000);
        await own.evaluate(() => { window.klartextCore = window.klartextBench.core; });
        const [first, best] = await runs(own, html);
        fresh.first.push(first);
        fresh.best.push(best);
        await tab.close();
      }
      console.log(`${name}, a new frame for each page:`.padEnd(42), summary(fresh.first, fresh.best));
      const plain = await session.browser.newPage();
      await plain.goto(`${server.base}/fixtures/krone-putin-nordkorea.html`);
      await plain.evaluate(async (url) => {
        const core = await import(url);
        await core.default();
        window.klartextCore = core;
      }, `${server.base}/klartext-core/klartext.js`);
      console.log(`${name}, http page:`.padEnd(42), await time(plain, htmls));
    } finally {
      await session.close();
    }
  }
  console.log(`(${htmls.length} Mozilla pages, every third)`);
} finally {
  await server.close();
}
