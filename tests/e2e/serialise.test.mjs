// The content script's serialiser (extension/serialise.js) in Chromium: on a large page it walks
// the document a subtree at a time and yields to the page in between, and what it gives must
// still be exactly document.documentElement.outerHTML with the text of long scripts (not
// JSON-LD) and style sheets left out, whatever the markup (raw text in <script> and <style>,
// escapes, comments, templates, SVG's mixed-case names, <pre> and <textarea> newlines); over the
// size cap it gives null.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import puppeteer from 'puppeteer-core';
import { ROOT } from './support.mjs';

const SERIALISE_JS = join(ROOT, 'extension', 'serialise.js');

/** One block of tricky markup; `n` of them make a page, most of them deep inside one element. */
function block(i) {
  return `<section data-i="${i}" title='quote " and &amp; and &lt;'>`
    + `<h2>Part ${i} &amp; more &lt;b&gt; &nbsp;</h2><!-- comment ${i} -->`
    + `<p>Text <a href="/a?x=1&amp;y=2">link</a> <b>bold</b> <img src="i.png" alt="a &quot;b&quot;"></p>`
    + `<script>if (a < b && c > d) { x = "</p>"; }</script><style>p > a { color: red }</style>`
    // Every tenth block, a script and a style sheet long enough to be left out.
    + (i % 10 ? '' : `<div><script>/* ${'long '.repeat(2000)} */ x = "</p>";</script></div>`
      + `<style>${'p > a { color: red } '.repeat(400)}</style>`)
    + `<p>nbsp\u00a0&nbsp;and &lt;tags&gt; in text</p>`
    + `<pre>\nfirst line kept</pre><textarea>\n two &amp; three</textarea>`
    + '<template><p>inside a template</p></template>'
    + '<svg viewBox="0 0 10 10"><foreignObject><div>svg html</div></foreignObject><linearGradient/></svg>'
    + '<ul><li>one<li>two</ul><table><tr><td>cell</table>'
    + '</section>\n';
}

function page(blocks) {
  return '<!doctype html><html lang="en" data-x="&quot;"><head><meta charset="utf-8"><title>Serialise</title>'
    + '<script type="application/ld+json">{"headline": "a < b & c"}</script></head>'
    + `<body class="b">top text &amp; <main><div id="deep"><div>${Array.from({ length: blocks }, (_, i) => block(i)).join('')}`
    + '</div></div></main> tail</body></html>';
}

let browser;
before(async () => {
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    pipe: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
});
after(async () => {
  await browser?.close();
});

async function serialiseIn(blocks, limit, html = page(blocks)) {
  const tab = await browser.newPage();
  try {
    await tab.setContent(html, { waitUntil: 'load' });
    await tab.addScriptTag({ path: SERIALISE_JS });
    return await tab.evaluate(async (limit) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      // outerHTML with the long scripts and style sheets emptied, JSON-LD kept (on a copy),
      // where together they are long enough.
      const { SKIPPED_TEXT, SKIPPED_TOTAL } = globalThis.klartextSerialise.limits;
      const copy = document.documentElement.cloneNode(true);
      const long = [...copy.querySelectorAll('script, style')].filter((element) => {
        const json = (element.getAttribute('type') ?? '').trim().toLowerCase() === 'application/ld+json';
        return !json && element.textContent.length >= SKIPPED_TEXT;
      });
      if (long.reduce((sum, element) => sum + element.textContent.length, 0) >= SKIPPED_TOTAL) {
        for (const element of long) element.textContent = '';
      }
      const expected = copy.outerHTML;
      const whole = document.documentElement.outerHTML.length;
      const elements = document.getElementsByTagName('*').length;
      const got = await globalThis.klartextSerialise(document.documentElement, limit ?? expected.length);
      clearInterval(timer);
      return {
        same: got === expected, isNull: got === null, length: expected.length, gotLength: got?.length, elements, ticks, whole, got,
      };
    }, limit);
  } finally {
    await tab.close();
  }
}

test('a small page is outerHTML itself, its long scripts and style sheets left out', async () => {
  const r = await serialiseIn(40);
  assert.ok(r.elements < 4000);
  assert.ok(r.same, `lengths ${r.gotLength} and ${r.length}`);
  assert.ok(r.whole > r.length, 'something was left out');
});

test('a page whose long scripts are short together is outerHTML itself', async () => {
  const r = await serialiseIn(10);
  assert.ok(r.same, `lengths ${r.gotLength} and ${r.length}`);
  assert.equal(r.whole, r.length, 'nothing was left out');
});

test('what is left out: long scripts and style sheets anywhere; JSON-LD, short scripts and the elements themselves stay', async () => {
  const long = 'var data = ' + JSON.stringify('y'.repeat(40_000)) + ';';
  const html = '<!doctype html><html><head><title>T</title>'
    + `<script>${long}</script><style>${'b { color: red } '.repeat(400)}</style>`
    + `<script type=" Application/LD+JSON ">{"headline": "Kept", "pad": "${'z'.repeat(2000)}"}</script>`
    + '<script>var short = 1;</script></head><body><p>Text</p>'
    + `<div><section><script id="deep">${long}</script></section></div>`
    + `<svg><style>${'circle { fill: red } '.repeat(400)}</style></svg>`
    + `<template><script>${long.replace('data', 'templated')}</script></template></body></html>`;
  const r = await serialiseIn(0, undefined, html);
  assert.ok(r.same, `lengths ${r.gotLength} and ${r.length}`);
  assert.ok(!r.got.includes('var data'), 'long scripts are left out');
  assert.ok(!r.got.includes('b { color'), 'long style sheets are left out');
  assert.ok(!r.got.includes('circle {'), 'in SVG too');
  assert.ok(r.got.includes('<script id="deep"></script>'), 'the element itself stays, empty');
  assert.ok(r.got.includes('"headline": "Kept"'), 'JSON-LD stays');
  assert.ok(r.got.includes('var short = 1;'), 'short scripts stay');
  assert.ok(r.got.includes('<template><script>var templated'), 'a template is copied as it is');
  assert.ok(r.gotLength < r.whole / 2, `${r.gotLength} of ${r.whole} characters`);
});

test('a large page, walked a subtree at a time with the page running in between, is still exactly outerHTML', async () => {
  const r = await serialiseIn(3000);
  assert.ok(r.elements > 40_000, `${r.elements} elements`);
  assert.ok(r.same, `lengths ${r.gotLength} and ${r.length}`);
  assert.ok(r.ticks > 0, 'the page\'s timer ran while the page was serialised');
});

test('a page nested beyond the parser\'s depth limit is walked down and back, exactly, the page running in between', async () => {
  const deep = `<!doctype html><html><body>${'<div>'.repeat(20_000)}deep${'</div>'.repeat(20_000)}</body></html>`;
  const r = await serialiseIn(0, undefined, deep);
  assert.ok(r.elements > 20_000, `${r.elements} elements`);
  assert.ok(r.same, `lengths ${r.gotLength} and ${r.length}`);
  assert.ok(r.ticks > 0, 'the page\'s timer ran while the page was serialised');
});

test('over the cap it stops and gives null, small or large', async () => {
  assert.ok((await serialiseIn(10, 100)).isNull);
  assert.ok((await serialiseIn(3000, 100_000)).isNull);
  const r = await serialiseIn(3000);
  const exact = await serialiseIn(3000, r.length);
  assert.ok(exact.same, 'at exactly the cap it is the whole source');
});
