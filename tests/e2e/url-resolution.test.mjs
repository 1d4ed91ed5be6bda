// URL resolution in the wasm core, which uses the platform's own URL parser (crate/src/resolve.rs),
// against the same table as the native core's test (crate/tests/urls.rs, the `url` crate):
// tests/fixtures/url-cases.json. Run in node, whose URL is the WHATWG parser the browsers have;
// the browsers' end-to-end tests run the same core on real pages.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { initSync, extract } from '../../extension/core/klartext.js';

const ROOT = new URL('../../', import.meta.url);
const FILLER = 'The council met on Tuesday evening to discuss the renovation of the old '
  + 'stone bridge, which has connected the market square with the mill since 1847, and decided '
  + 'after a long debate that the works will start in the spring and last two summers.';

initSync({ module: readFileSync(new URL('extension/core/klartext_bg.wasm', ROOT)) });
const { cases } = JSON.parse(readFileSync(new URL('tests/fixtures/url-cases.json', ROOT), 'utf8'));

/** The same page as crate/tests/urls.rs builds for one base. */
function page(group) {
  let html = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bridge works</title>'
    + '</head><body><article><h1>Bridge works</h1>';
  group.forEach((c, n) => {
    const raw = c.raw.replaceAll('"', '&quot;');
    html += c.image
      ? `<figure><img src="${raw}" alt="case ${n}"><figcaption>${FILLER}</figcaption></figure>`
      : `<p>${FILLER} <a href="${raw}">case ${n}</a> ${FILLER}</p>`;
  });
  return `${html}</article></body></html>`;
}

const unescape = (v) => v.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<')
  .replaceAll('&gt;', '>').replaceAll('&amp;', '&');

/** The href (or src) the article gives case n: null without one, undefined without the element. */
function resolved(article, n, image) {
  const [marker, tag, attribute] = image ? [`alt="case ${n}"`, '<img', ' src="'] : [`>case ${n}</a>`, '<a', ' href="'];
  const at = article.indexOf(marker);
  if (at < 0) return undefined;
  const element = article.slice(article.lastIndexOf(tag, at), article.indexOf('>', at));
  const i = element.indexOf(attribute);
  if (i < 0) return null;
  const value = element.slice(i + attribute.length);
  return unescape(value.slice(0, value.indexOf('"')));
}

test('the wasm core resolves links and images as the table says (as the native core does)', () => {
  const groups = new Map();
  for (const c of cases) groups.set(c.base, [...(groups.get(c.base) ?? []), c]);
  const failures = [];
  for (const [base, group] of groups) {
    const article = extract(page(group), base ?? undefined).html;
    group.forEach((c, n) => {
      const got = resolved(article, n, c.image);
      if (got === undefined) failures.push(`${base}: case ${n} (${c.why}) is not in the article`);
      else if (got !== c.expected) failures.push(`${base}: ${JSON.stringify(c.raw)} (${c.why}) gave ${JSON.stringify(got)}, expected ${JSON.stringify(c.expected)}`);
    });
  }
  assert.deepEqual(failures, []);
});

test('a page URL that does not parse is refused with one clear line, as natively', () => {
  assert.throws(() => extract(page(cases.slice(0, 1)), 'not a url'), /invalid URL "not a url": relative URL without a base/);
  assert.throws(() => extract(page(cases.slice(0, 1)), 'http://[::1/'), /invalid URL "http:\/\/\[::1\/": not a valid URL/);
});
