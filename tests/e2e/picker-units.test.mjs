// The element picker's selectors without a browser: on jsdom pages, each selector matches the
// picked element alone, leaves out generated ids and class names, and is a rule the core's own
// parser accepts and its clean() applies (the built wasm core, run in Node). The picker itself
// runs in the browsers in sites.test.mjs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { JSDOM } from 'jsdom';
import { ROOT, requireBuild } from './support.mjs';

const SELECTOR_JS = readFileSync(join(ROOT, 'extension/picker/selector.js'), 'utf8');
let core;

before(async () => {
  requireBuild();
  core = await import('../../extension/core/klartext.js');
  core.initSync({ module: readFileSync(join(ROOT, 'extension/core/klartext_bg.wasm')) });
});

/** A page in jsdom with the picker's selector function loaded into it. */
function pageWith(body) {
  const dom = new JSDOM(`<!doctype html><html><head></head><body>${body}</body></html>`, { runScripts: 'outside-only' });
  dom.window.eval(SELECTOR_JS);
  return dom.window;
}

const CASES = [
  // [what, body, the picked element, the selector expected]
  ['a stable id', '<div id="promo"><p>x</p></div><div id="other"></div>', '#promo', '#promo'],
  ['an id with a generated number: the class instead', '<div id="ad-93821" class="sticky-note"></div><div></div>', '.sticky-note', 'div.sticky-note'],
  ['CSS-module and styled-components classes are left out', '<main><aside class="Promo_box__x7Ab9 sc-bdVaJa teaser">t</aside><aside class="teaser other">u</aside></main>', '.Promo_box__x7Ab9', 'aside.teaser:nth-of-type(1)'],
  ['alike siblings get :nth-of-type', '<ul class="list"><li class="item">a</li><li class="item">b</li><li class="item">c</li></ul>', 'li:nth-child(2)', 'li.item:nth-of-type(2)'],
  ['no id or class: the path from a stable ancestor', '<section id="story"><div><p>a</p></div><div><p>b</p><span>c</span></div></section>', '#story > div:nth-child(2) > span', 'span'],
  ['a nested element under an id', '<div id="wrap"><div class="x"><p>a</p></div></div><div class="x"><p>b</p></div>', '#wrap .x p', '#wrap > div.x > p'],
];

test('each picked element gets a selector that matches it alone and avoids generated names', () => {
  for (const [what, body, target, expected] of CASES) {
    const window = pageWith(body);
    const element = window.document.querySelector(target);
    const selector = window.klartextPickSelector(element);
    assert.ok(expected === undefined || selector === expected || selector.endsWith(expected),
      `${what}: ${selector} (wanted ${expected})`);
    const found = window.document.querySelectorAll(selector);
    assert.equal(found.length, 1, `${what}: ${selector} matches ${found.length}`);
    assert.equal(found[0], element, `${what}: ${selector} matches another element`);
    assert.ok(!/\d{3}|__|sc-/.test(selector), `${what}: ${selector} keeps a generated name`);
  }
});

test('every picked selector is a rule the core accepts and applies', () => {
  for (const [what, body, target] of CASES) {
    const window = pageWith(body);
    const element = window.document.querySelector(target);
    const selector = window.klartextPickSelector(element);
    const rule = `example.com##${selector}`;
    assert.deepEqual(core.validateRules(rule), [], `${what}: ${rule}`);
    // clean() with the rule hides exactly that element (its position in document order).
    const html = window.document.documentElement.outerHTML;
    const position = [...window.document.getElementsByTagName('*')].indexOf(element) + 1;
    const { removed } = core.cleanWith(html, 'https://example.com/page', rule, []);
    const mine = removed.filter((r) => r.category === 'user');
    assert.deepEqual(mine.map((r) => r.element), [position], `${what}: ${rule} hid ${JSON.stringify(mine)}`);
    // On another site the rule does nothing.
    const elsewhere = core.cleanWith(html, 'https://example.org/page', rule, []).removed;
    assert.ok(!elsewhere.some((r) => r.category === 'user'), `${what}: ${rule} fired on another site`);
  }
});

test('the core\'s rule check names the lines it cannot use', () => {
  const errors = core.validateRules('example.com##.ok\n##div:has(> .ad)\n\n##h2 + p\n! fine');
  assert.deepEqual(errors.map((e) => e.line), [2, 4]);
  assert.ok(errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
});
