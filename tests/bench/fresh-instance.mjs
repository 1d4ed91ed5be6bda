// What a reader view's first extract costs beyond a warm one, outside any browser: each reader
// view is a new frame with a new instance of the core (its compiled code shared within the
// process, as V8 shares it between the extension's frames). Node's V8 runs the module the
// extension ships over the Mozilla test pages, as the reader reads a page (a `Reading`, the page
// written as UTF-8, `extract()`), in three ways per page:
//
//   fresh       a new instance's first extract (what each reader view pays);
//   set up      a new instance after one extract of a tiny page (the first-use set-up done: the
//               built-in rules parsed, the token patterns built, the JS glue's first calls), so
//               what is left beyond `warm` is the instance's memory, grown and touched first;
//   warm        the same instance's second extract of the page.
//
//   node tests/bench/fresh-instance.mjs [CORE_DIR]     (default: extension/core)
//
// KLARTEXT_BENCH_REPS rounds over all pages (default 3; a page counts its median). Prints
// median and p95 ms per page of each way.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, mozillaPages } from './pages.mjs';

const REPS = Math.max(1, Number.parseInt(process.env.KLARTEXT_BENCH_REPS ?? '3', 10) || 3);
const dir = resolve(process.argv[2] ?? join(ROOT, 'extension', 'core'));
const module = new WebAssembly.Module(readFileSync(join(dir, 'klartext_bg.wasm')));
const encoder = new TextEncoder();

const pages = mozillaPages().map(({ html, url }) => ({ utf8: encoder.encode(html), url }));
const tiny = {
  utf8: encoder.encode('<title>A</title><article><h1>A</h1><p>A sentence, long enough to score.</p></article>'),
  url: 'http://fakehost/tiny/',
};

let instances = 0;
/** A new instance of the compiled module with glue of its own (a new import of klartext.js). */
async function instance() {
  const core = await import(`${pathToFileURL(join(dir, 'klartext.js')).href}?instance=${instances++}`);
  core.initSync({ module });
  return core;
}

/** ms of one extract as the reader does it; the page's bytes copied, as each message brings its own. */
function read(core, page) {
  const start = performance.now();
  const reading = new core.Reading(page.url, undefined, undefined, 0);
  try {
    reading.write(page.utf8.slice());
    reading.extract();
  } catch {
    // A page the core refuses still counts its time.
  }
  return performance.now() - start;
}

const ways = { fresh: [], 'set up': [], warm: [] };
for (let rep = 0; rep < REPS; rep++) {
  for (const [i, page] of pages.entries()) {
    let core = await instance();
    (ways.fresh[i] ??= []).push(read(core, page));
    (ways.warm[i] ??= []).push(read(core, page));
    core = await instance();
    read(core, tiny);
    (ways['set up'][i] ??= []).push(read(core, page));
  }
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
process.stdout.write(`${pages.length} Mozilla pages, ${REPS} rounds, ms per page   median     p95\n`);
for (const [name, runs] of Object.entries(ways)) {
  const perPage = runs.map((r) => quantile(r, 0.5));
  process.stdout.write(`  ${name.padEnd(44)}${quantile(perPage, 0.5).toFixed(2).padStart(7)}`
    + `${quantile(perPage, 0.95).toFixed(2).padStart(8)}\n`);
}
