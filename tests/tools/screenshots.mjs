// Redraws the README's screenshot of the options page (docs/options.png) from the built
// extension (dist/unpacked), in Debian's Chromium, with two example sites and a few rules (one
// the core cannot use) set through the background's own messages. Run by hand after the
// options page changes:
//
//   node tests/tools/screenshots.mjs
//
// (The reader view's screenshots come from tests/e2e/reader-view.test.mjs, in tests/out.)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { EXTENSION_DIR, ROOT, readyWorker, requireBuild } from '../e2e/support.mjs';

/* global chrome */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RULES = '! picked\nnews.example.com##div.app-note\n##.newsletter-box\nnews.example.com##aside:has(.ad)\n';

requireBuild();
const profile = mkdtempSync(join(tmpdir(), 'klartext-shots-'));
const browser = await puppeteer.launch({
  executablePath: CHROMIUM,
  headless: true,
  pipe: true,
  enableExtensions: [EXTENSION_DIR],
  userDataDir: profile,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  let extension;
  for (const deadline = Date.now() + 10_000; !extension && Date.now() < deadline;) {
    extension = [...(await browser.extensions()).values()].find((e) => e.name === 'Klartext');
    if (!extension) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!extension) throw new Error('Klartext is not among the loaded extensions');
  await readyWorker(extension);
  const origin = `chrome-extension://${extension.id}`;
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
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
