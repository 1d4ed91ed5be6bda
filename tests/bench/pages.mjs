// The pages of the speed benchmark and the local server that serves them on 127.0.0.1.
//
// - mozilla: the 130 test pages of Mozilla Readability (shared/datasets/readability).
// - large: every WCXB dev page of at least 1,000,000 bytes (shared/datasets/wcxb-dev), the
//   largest real pages in the datasets (18 pages, 1.0 to 2.0 MB).
// - pathological: the pages `cargo run -p klartext-bench --bin speed` makes in
//   tests/out/bench/pages (10 MB and 50 MB of real markup, 100,000 nested divs).
// - the reference page tests/fixtures/krone-putin-nordkorea.html, with its images.

import { createServer } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATASETS = resolve(process.env.KLARTEXT_DATASETS ?? join(ROOT, '../shared/datasets'));
export const OUT_DIR = join(ROOT, 'tests', 'out', 'bench');
export const PATHOLOGICAL_DIR = join(OUT_DIR, 'pages');
export const FIXTURES_DIR = join(ROOT, 'tests', 'fixtures');
/** dom_smoothie built for the browser (`./build.sh bench` builds it from bench/peer-wasm). */
export const PEER_DIR = join(OUT_DIR, 'dom-smoothie');
/** The extension's own core (wasm-bindgen --target web), served for tests/bench/handover.mjs's core-in-page way. */
export const CORE_DIR = join(ROOT, 'extension', 'core');
export const REFERENCE = 'krone-putin-nordkorea.html';
export const LARGE_MIN_BYTES = 1_000_000;

export const PATHOLOGICAL = [
  { id: '10 MB', file: 'big-10mb.html' },
  { id: '50 MB', file: 'big-50mb.html' },
  // Chromium's parser nests no deeper than 512 elements: the core also gets the file itself.
  { id: '100k deep', file: 'deep-100k.html', rawToo: true },
];

const MOZILLA_DIR = join(DATASETS, 'readability');

/** The names of the Mozilla test pages (those with a source.html), in name order. */
function mozillaIds() {
  return readdirSync(MOZILLA_DIR).sort().filter((id) => existsSync(join(MOZILLA_DIR, id, 'source.html')));
}

/** The Mozilla test pages for the core outside a browser: { id, html, url (as the tests give it) }. */
export function mozillaPages() {
  return mozillaIds().map((id) => ({
    id, html: readFileSync(join(MOZILLA_DIR, id, 'source.html'), 'utf8'), url: `http://fakehost/${id}/`,
  }));
}

/** { set, id, path, bytes, body } for every page of the two sets, in name order. */
export function loadSets() {
  const mozilla = mozillaIds().map((id) => {
    const body = readFileSync(join(MOZILLA_DIR, id, 'source.html'));
    return { set: 'mozilla', id, path: `/mozilla/${id}.html`, bytes: body.length, body };
  });
  const wcxbBase = join(DATASETS, 'wcxb-dev', 'html');
  const large = readdirSync(wcxbBase)
    .filter((name) => name.endsWith('.html.gz'))
    .sort()
    .map((name) => {
      const id = name.slice(0, -'.html.gz'.length);
      const body = gunzipSync(readFileSync(join(wcxbBase, name)));
      return { set: 'large', id, path: `/large/${id}.html`, bytes: body.length, body };
    })
    .filter((page) => page.bytes >= LARGE_MIN_BYTES);
  return { mozilla, large };
}

/** The page the pathological pages are built in (see browser.mjs). */
const SHELL = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Klartext bench</title></head><body></body></html>';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/**
 * Serves the benchmark's pages at a random port on 127.0.0.1. Dataset pages are served as
 * UTF-8, which is how the datasets store them whatever their <meta charset> says. The shell page
 * that pathological pages are built in is served with a CSP that forbids scripts (the extension
 * works under such a CSP).
 */
export async function startServer(sets) {
  const byPath = new Map([...sets.mozilla, ...sets.large].map((page) => [page.path, page.body]));
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { 'Cache-Control': 'no-store' };
    let body = byPath.get(path);
    let file;
    if (path === '/pathological/shell.html') {
      body = Buffer.from(SHELL);
      headers['Content-Security-Policy'] = "script-src 'none'";
    } else if (!body && path.startsWith('/pathological/')) {
      file = normalize(join(PATHOLOGICAL_DIR, path.slice('/pathological/'.length)));
      headers['Content-Security-Policy'] = "script-src 'none'";
      if (!file.startsWith(PATHOLOGICAL_DIR + sep)) file = undefined;
    } else if (!body && path.startsWith('/peer/')) {
      file = normalize(join(PEER_DIR, path.slice('/peer/'.length)));
      if (!file.startsWith(PEER_DIR + sep)) file = undefined;
    } else if (!body && path.startsWith('/klartext-core/')) {
      file = normalize(join(CORE_DIR, path.slice('/klartext-core/'.length)));
      if (!file.startsWith(CORE_DIR + sep)) file = undefined;
    } else if (!body && path.startsWith('/fixtures/')) {
      file = normalize(join(FIXTURES_DIR, path.slice('/fixtures/'.length)));
      if (!file.startsWith(FIXTURES_DIR + sep)) file = undefined;
    }
    if (!body && file && existsSync(file)) body = readFileSync(file);
    if (!body) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    const type = TYPES[extname(path)] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => new Promise((done) => server.close(done)) };
}
