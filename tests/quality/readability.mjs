// Runs Readability.js (npm @mozilla/readability on a jsdom document) over the quality datasets
// and writes what it extracts to tests/out/quality/readability-js.json, for the Rust harness
// (bench/, `cargo run --release -p klartext-bench --bin quality`) to score beside Klartext.
//
//   node tests/quality/readability.mjs
//
// KLARTEXT_DATASETS   the datasets folder (default: ../shared/datasets beside the repo)
// KLARTEXT_QUALITY_RERUN=1   run again even when the results for these pages, this script and
//                            these package versions are already there
// KLARTEXT_QUALITY_JOBS      worker threads (default 2: the machine has two cores)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const DATASETS = resolve(process.env.KLARTEXT_DATASETS ?? join(ROOT, '../shared/datasets'));
const OUT_DIR = join(ROOT, 'tests/out/quality');
const OUT_FILE = join(OUT_DIR, 'readability-js.json');
const WORKER = join(HERE, 'readability-worker.mjs');
const JOBS = Math.max(1, Number.parseInt(process.env.KLARTEXT_QUALITY_JOBS ?? '2', 10) || 2);
// A page that takes longer counts as a failure; the harness applies the same limit to every tool.
const TIMEOUT_MS = 20_000;
// The URL Readability's own test suite gives its pages.
const MOZILLA_URL = 'http://fakehost/test/page.html';

function packageVersion(name) {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function mozillaPages() {
  const base = join(DATASETS, 'readability');
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(base, entry.name, 'source.html')))
    .map((entry) => ({
      dataset: 'mozilla',
      id: entry.name,
      file: join(base, entry.name, 'source.html'),
      url: MOZILLA_URL,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

function wcxbPages() {
  const base = join(DATASETS, 'wcxb-dev');
  const pages = JSON.parse(readFileSync(join(base, 'pages.json'), 'utf8'));
  return Object.keys(pages)
    .sort()
    .map((id) => {
      const truth = JSON.parse(readFileSync(join(base, 'ground-truth', `${id}.json`), 'utf8'));
      return {
        dataset: 'wcxb',
        id,
        file: join(base, 'html', `${id}.html.gz`),
        url: truth.url || `http://fakehost/wcxb/${id}.html`,
      };
    });
}

// What the results depend on: the pages, this code and the package versions.
function cacheKey(pages, versions) {
  const hash = createHash('sha256');
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  hash.update(readFileSync(WORKER));
  hash.update(JSON.stringify(versions));
  for (const page of pages) {
    hash.update(`${page.dataset}\0${page.id}\0${page.url}\0${statSync(page.file).size}\n`);
  }
  return hash.digest('hex');
}

// Runs one page on a worker. `replaceWorker` says the worker is gone or stuck and must be replaced.
function runPage(worker, page) {
  return new Promise((resolvePage) => {
    const finish = (result, replaceWorker) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolvePage({ result, replaceWorker });
    };
    const onMessage = (result) => finish(result, false);
    const onError = (error) => finish({ ok: false, error: `worker failed: ${error.message}` }, true);
    const onExit = (code) => finish({ ok: false, error: `worker exited with ${code}` }, true);
    const timer = setTimeout(
      () => finish({ ok: false, error: `timed out after ${TIMEOUT_MS / 1000} s` }, true),
      TIMEOUT_MS,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ file: page.file, url: page.url });
  });
}

async function runAll(pages) {
  const results = { mozilla: {}, wcxb: {} };
  let next = 0;
  let done = 0;
  const lane = async () => {
    let worker = new Worker(WORKER);
    while (next < pages.length) {
      const page = pages[next++];
      const { result, replaceWorker } = await runPage(worker, page);
      results[page.dataset][page.id] = result;
      if (replaceWorker) {
        await worker.terminate();
        worker = new Worker(WORKER);
      }
      done += 1;
      if (done % 100 === 0 || done === pages.length) {
        console.error(`readability.js: ${done}/${pages.length} pages`);
      }
    }
    await worker.terminate();
  };
  await Promise.all(Array.from({ length: JOBS }, lane));
  return results;
}

async function main() {
  if (!existsSync(DATASETS)) {
    throw new Error(`no datasets at ${DATASETS} (set KLARTEXT_DATASETS)`);
  }
  const versions = { readability: packageVersion('@mozilla/readability'), jsdom: packageVersion('jsdom') };
  const pages = [...mozillaPages(), ...wcxbPages()];
  const key = cacheKey(pages, versions);
  if (!process.env.KLARTEXT_QUALITY_RERUN && existsSync(OUT_FILE)) {
    const previous = JSON.parse(readFileSync(OUT_FILE, 'utf8'));
    if (previous.key === key) {
      console.error(`readability.js: results for these pages are in ${OUT_FILE} (KLARTEXT_QUALITY_RERUN=1 runs again)`);
      return;
    }
  }
  const start = Date.now();
  const datasets = await runAll(pages);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(OUT_FILE, JSON.stringify({ key, ...versions, timeoutMs: TIMEOUT_MS, datasets }));
  console.error(`readability.js: ${pages.length} pages in ${Math.round((Date.now() - start) / 1000)} s, written to ${OUT_FILE}`);
}

await main();
