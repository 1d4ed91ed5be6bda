// The speed benchmark's browser half and its one table: measures Klartext beside Readability.js
// in Chromium, and end to end in Firefox too (tests/bench/browser.mjs), reads the native half that `cargo bench --bench core`
// and `cargo run -p klartext-bench --bin speed` wrote (tests/out/bench/native.json), and prints
// the table to stdout and tests/out/bench.txt, and draws docs/bench.svg. `./build.sh bench` runs
// all of it.
//
//   node tests/bench/run.mjs
//
// KLARTEXT_BENCH_REPS    runs of each measurement on each page (default 3; a page counts its median)
// KLARTEXT_BENCH_LIMIT   only the first N pages of each set (a quick look; the table says so)
// KLARTEXT_BENCH_REPORT=1  no browser: print the table again from tests/out/bench/browser.json

/* global document */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clickToPaint, launch, launchFirefox, measureSet, pathological, requireBuild, wasmMemory,
} from './browser.mjs';
import { OUT_DIR, ROOT, loadSets, startServer } from './pages.mjs';
import { chart, table } from './report.mjs';

const REPS = Math.max(1, Number.parseInt(process.env.KLARTEXT_BENCH_REPS ?? '3', 10) || 3);
const LIMIT = Number.parseInt(process.env.KLARTEXT_BENCH_LIMIT ?? '', 10) || Infinity;
const CLICK_RUNS = 6;
/**
 * Fresh browsers for the first click after a start: every run above reuses the extension's
 * process, where the core is compiled and its hot code optimised by the earlier pages; a user's
 * first view after the browser (or the extension's idle process) starts has none of that.
 */
const COLD_RUNS = 5;
const BROWSER_JSON = join(OUT_DIR, 'browser.json');
const NATIVE_JSON = join(OUT_DIR, 'native.json');

const log = (line) => process.stderr.write(`${line}\n`);

async function measure() {
  requireBuild();
  const sets = loadSets();
  const server = await startServer(sets);
  try {
    const results = await measureWarm(sets, server);
    log(`bench: the first click in a freshly started browser, ${COLD_RUNS} times`);
    results.coldClick = [];
    for (let run = 0; run < COLD_RUNS; run++) {
      const fresh = await launch();
      try {
        results.coldClick.push(...(await clickToPaint(fresh, server, 1, log)));
      } finally {
        await fresh.close();
      }
    }
    results.firefox = await measureFirefox(sets, server);
    return results;
  } finally {
    await server.close();
  }
}

/** The end-to-end rows in Firefox: the same pages and runs, without dom_smoothie. */
async function measureFirefox(sets, server) {
  const session = await launchFirefox();
  try {
    const results = { browser: session.version, sets: {} };
    for (const [name, pages] of Object.entries(sets)) {
      const chosen = pages.slice(0, LIMIT);
      log(`bench: ${name}: ${chosen.length} pages in ${session.version}`);
      results.sets[name] = await measureSet(session, server, chosen, { reps: REPS, log, peer: false });
    }
    return results;
  } finally {
    await session.close();
  }
}

/** Everything but the cold clicks, in one browser. */
async function measureWarm(sets, server) {
  const session = await launch();
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  try {
    const results = { browser: session.version, reps: REPS, limited: Number.isFinite(LIMIT), loadBefore, sets: {} };
    for (const [name, pages] of Object.entries(sets)) {
      const chosen = pages.slice(0, LIMIT);
      log(`bench: ${name}: ${chosen.length} pages in ${session.version}`);
      results.sets[name] = await measureSet(session, server, chosen, { reps: REPS, log });
    }
    log('bench: peak wasm memory on the largest page of each set');
    results.memory = {};
    for (const [name, pages] of Object.entries(sets)) {
      const largest = pages.slice(0, LIMIT).reduce((a, b) => (b.bytes > a.bytes ? b : a));
      const tab = await session.browser.newPage();
      await tab.goto(`${server.base}${largest.path}`, { waitUntil: 'load' }).catch(() => {});
      const html = await tab.evaluate(() => document.documentElement.outerHTML);
      await tab.close();
      results.memory[name] = { id: largest.id, chars: html.length, ...(await wasmMemory(session, html, `${server.base}${largest.path}`)) };
    }
    log('bench: click to painted article on the reference page');
    results.click = await clickToPaint(session, server, CLICK_RUNS, log);
    log('bench: pathological pages through the extension');
    results.pathological = await pathological(session, server, log);
    results.loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    return results;
  } finally {
    await session.close();
  }
}

async function main() {
  mkdirSync(OUT_DIR, { recursive: true });
  let browser;
  if (process.env.KLARTEXT_BENCH_REPORT === '1') {
    browser = JSON.parse(readFileSync(BROWSER_JSON, 'utf8'));
  } else {
    browser = await measure();
    writeFileSync(BROWSER_JSON, JSON.stringify(browser, null, 1));
  }
  let native = null;
  try {
    native = JSON.parse(readFileSync(NATIVE_JSON, 'utf8'));
  } catch {
    log(`bench: no ${NATIVE_JSON}: the native rows are left out (run ./build.sh bench)`);
  }
  const wasm = readFileSync(join(ROOT, 'extension', 'core', 'klartext_bg.wasm'));
  const { text, summary } = table({ browser, native, wasm });
  process.stdout.write(text);
  writeFileSync(join(ROOT, 'tests', 'out', 'bench.txt'), text);
  writeFileSync(join(ROOT, 'docs', 'bench.svg'), chart(summary));
  log('bench: wrote tests/out/bench.txt and docs/bench.svg');
}

main().catch((err) => {
  log(`bench: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
