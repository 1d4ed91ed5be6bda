// Times the wasm core itself, outside any browser: node's V8 runs the same module the
// extension ships, on the Mozilla test pages (their source.html), and prints its size and the
// time of extract(html, url) per page. Used to choose the build's opt-levels by measurement
// (tests/bench/opt-levels.sh builds the candidates and runs this on each).
//
//   node tests/bench/wasm-core.mjs [CORE_DIR ...]     (default: extension/core)
//
// One line per core dir: raw and gzipped bytes, median and p95 ms per page, total ms per run.
// KLARTEXT_BENCH_REPS runs over all pages (default 3; a page counts its fastest run, the
// least disturbed by the other processes on the machine); the cores take turns page by page.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { ROOT, mozillaPages } from './pages.mjs';

const REPS = Math.max(1, Number.parseInt(process.env.KLARTEXT_BENCH_REPS ?? '3', 10) || 3);

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function load(dir) {
  const bytes = readFileSync(join(dir, 'klartext_bg.wasm'));
  const core = await import(pathToFileURL(join(dir, 'klartext.js')).href);
  core.initSync({ module: bytes });
  return { dir, bytes, core };
}

/**
 * Every page through every core, REPS times, the cores' order turning from page to page, so
 * that the other processes on the machine slow them all alike; a page counts its fastest run.
 */
function time(cores, all) {
  const best = cores.map(() => new Array(all.length).fill(Infinity));
  for (let rep = 0; rep < REPS; rep++) {
    for (const [i, page] of all.entries()) {
      for (let k = 0; k < cores.length; k++) {
        const c = (i + rep + k) % cores.length;
        const t0 = performance.now();
        try {
          cores[c].core.extract(page.html, page.url);
        } catch {
          // A page the core refuses still counts its time.
        }
        best[c][i] = Math.min(best[c][i], performance.now() - t0);
      }
    }
  }
  return cores.map(({ dir, bytes }, c) => {
    const sorted = [...best[c]].sort((a, b) => a - b);
    return {
      dir,
      raw: bytes.length,
      gz: gzipSync(bytes, { level: 9 }).length,
      median: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      total: best[c].reduce((a, b) => a + b, 0),
    };
  });
}

const dirs = process.argv.slice(2);
const all = mozillaPages();
const cores = [];
for (const dir of dirs.length ? dirs : [join(ROOT, 'extension', 'core')]) cores.push(await load(resolve(dir)));
process.stdout.write(`${'core'.padEnd(34)} ${'raw B'.padStart(9)} ${'gzip B'.padStart(8)}  ms/page median   p95   all ${all.length} pages\n`);
for (const r of time(cores, all)) {
  process.stdout.write(`${r.dir.padEnd(34)} ${String(r.raw).padStart(9)} ${String(r.gz).padStart(8)}  `
    + `${r.median.toFixed(2).padStart(14)} ${r.p95.toFixed(2).padStart(6)} ${r.total.toFixed(0).padStart(6)}\n`);
}
