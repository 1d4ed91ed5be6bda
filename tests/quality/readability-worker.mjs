// Runs Readability.js on one page at a time for readability.mjs, in a worker thread so that a
// page that hangs can be stopped by terminating the worker.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { Readability, isProbablyReaderable } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';

// A console that listens to nothing: jsdom reports every stylesheet it cannot parse.
const silentConsole = new VirtualConsole();

parentPort.on('message', ({ file, url }) => {
  const bytes = readFileSync(file);
  // The datasets store every page as UTF-8, whatever its <meta charset> says, so the page is
  // handed over as a string (as Readability's own tests do) rather than left to jsdom's sniffing.
  const html = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const start = performance.now();
  let window;
  try {
    window = new JSDOM(html, { url, virtualConsole: silentConsole }).window;
    // Before parse(): parse() takes the document apart.
    const readerable = isProbablyReaderable(window.document);
    const article = new Readability(window.document).parse();
    const ms = performance.now() - start;
    if (!article) {
      parentPort.postMessage({ ok: false, error: 'no article found', ms });
      return;
    }
    parentPort.postMessage({
      ok: true,
      ms,
      readerable,
      title: article.title ?? null,
      byline: article.byline ?? null,
      excerpt: article.excerpt ?? null,
      siteName: article.siteName ?? null,
      publishedTime: article.publishedTime ?? null,
      lang: article.lang ?? null,
      dir: article.dir ?? null,
      // The harness turns this into text with the converter it uses for every tool.
      html: article.content ?? '',
    });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error?.message ?? error), ms: performance.now() - start });
  } finally {
    window?.close();
  }
});
