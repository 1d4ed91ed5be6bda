// Redraws the README's screenshot of the options page (docs/options.png) from the built
// extension (dist/unpacked), in Debian's Chromium, with two example sites and a few rules (one
// the core cannot use) set through the background's own messages. Run by hand after the
// options page changes:
//
//   node tests/tools/screenshots.mjs
//
// (The reader view's screenshots come from tests/e2e/reader-view.test.mjs, in tests/out.)

import { join } from 'node:path';
import { launch } from '../bench/browser.mjs';
import { ROOT, readyWorker, requireBuild } from '../e2e/support.mjs';

/* global chrome */

const RULES = '! picked\nnews.example.com##div.app-note\n##.newsletter-box\nnews.example.com##aside:has(.ad)\n';

requireBuild();
// The bench's Chromium with the extension loaded (a fresh profile, removed by close()).
const session = await launch();
const { browser, extension, origin } = session;
try {
  await readyWorker(extension);
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900 });
  await page.goto(`${origin}/options/options.html`, { waitUntil: 'load' });
  const send = (message) => page.evaluate((m) => chrome.runtime.sendMessage(m), message);
  await send({ type: 'klartext:site-set', host: 'news.example.com', patch: { mode: 'clean' } });
  await send({ type: 'klartext:site-set', host: 'news.example.com', patch: { category: 'social', on: false } });
  await send({ type: 'klartext:site-set', host: 'blog.example.org', patch: { mode: 'reader' } });
  await send({ type: 'klartext:site-set', host: 'blog.example.org', patch: { category: 'comments', on: false } });
  await send({ type: 'klartext:rules-set', text: RULES });
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('body[data-ready=true]');
  await page.click('#rules-check').catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 300));
  await page.screenshot({ path: join(ROOT, 'docs', 'options.png'), fullPage: true });
  console.log('docs/options.png');
} finally {
  await session.close();
}
