// The message checks, without a browser: what the background accepts, and that the content
// script (a classic script, which cannot import protocol.js) uses the same message types.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  CLOSE, MAX_CHUNKS, MAX_HTML_BYTES, MAX_HTML_LENGTH, MAX_SELECTION_LENGTH, OFFER, PAGE, TAKE, TOGGLE,
  checkMessage, checkPage, newToken,
} from '../../extension/protocol.js';

const token = newToken();

test('well-formed messages pass', () => {
  assert.equal(checkMessage({ type: TOGGLE }), TOGGLE);
  assert.equal(checkMessage({ type: CLOSE }), CLOSE);
  assert.equal(checkMessage({ type: OFFER, url: 'https://example.org/a', key: newToken(), token }), OFFER);
  assert.equal(checkMessage({ type: TAKE, token }), TAKE);
});

test('malformed messages are refused', () => {
  const bad = [
    null, undefined, 'klartext:toggle', 42, [], [TOGGLE],
    {}, { type: 'klartext:unknown' }, { type: 'toString' }, { type: '__proto__' },
    { type: TOGGLE, extra: 1 },
    { type: OFFER, url: 'https://example.org/', key: token },
    { type: OFFER, key: token, token },
    { type: OFFER, url: 'javascript:alert(1)', key: token, token },
    { type: OFFER, url: 'not a url', key: token, token },
    { type: OFFER, url: 'https://example.org/', key: token.toUpperCase(), token },
    { type: OFFER, url: 'https://example.org/', key: token, token: token.slice(1) },
    { type: OFFER, url: 'https://example.org/', key: token, token, html: '<p>x</p>' },
    { type: OFFER, url: 'https://example.org/', key: { toString: () => token }, token },
    // The source no longer travels through the background at all.
    { type: 'klartext:source', html: '<p>x</p>', url: 'https://example.org/' },
    { type: TAKE },
    { type: TAKE, token: token.toUpperCase() },
    { type: TAKE, token: token.slice(1) },
    { type: TAKE, token: { toString: () => token } },
  ];
  for (const msg of bad) {
    assert.equal(checkMessage(msg), null, `accepted: ${JSON.stringify(msg)?.slice(0, 80)}`);
  }
});

test('a part of a page hand-over counts only with the key, in its exact shape and size', () => {
  const key = newToken();
  const utf8 = [new TextEncoder().encode('<p>x'), new TextEncoder().encode('</p>')];
  const page = {
    type: PAGE, key, utf8, selection: '', last: true,
  };
  assert.deepEqual(checkPage(page, key), { utf8, selection: '', last: true });
  assert.deepEqual(checkPage({ ...page, selection: '<p>s</p>' }, key), { utf8, selection: '<p>s</p>', last: true });
  assert.deepEqual(checkPage({ ...page, utf8: [], last: false }, key), { utf8: [], selection: '', last: false });
  const bad = [
    [page, newToken()],
    [{ ...page, key: newToken() }, key],
    [{ ...page, key: key.toUpperCase() }, key],
    [{ ...page, key: key.slice(1) }, key.slice(1)],
    [page, ''],
    [{ ...page, type: 'klartext:source' }, key],
    [{ ...page, extra: 1 }, key],
    [{ type: PAGE, key, utf8 }, key],
    [{
      type: PAGE, key, utf8, selection: '',
    }, key],
    [{ ...page, last: 'true' }, key],
    [{ ...page, last: 1 }, key],
    [{ type: PAGE, key, html: '<p>x</p>', selection: '' }, key],
    [{ ...page, utf8: '<p>x</p>' }, key],
    [{ ...page, utf8: utf8[0] }, key],
    [{ ...page, utf8: [utf8[0].buffer] }, key],
    [{ ...page, utf8: [new Uint16Array(4)] }, key],
    [{ ...page, utf8: [[60, 112]] }, key],
    [{ ...page, utf8: Array.from({ length: MAX_CHUNKS + 1 }, () => new Uint8Array(0)) }, key],
    [{ ...page, utf8: [new Uint8Array(MAX_HTML_BYTES), new Uint8Array(1)] }, key],
    [{ ...page, selection: 'x'.repeat(MAX_SELECTION_LENGTH + 1) }, key],
    [{ ...page, selection: null }, key],
    [Object.assign(Object.create({ utf8 }), {
      type: PAGE, key, selection: '', last: true, other: 1,
    }), key],
    [Object.assign(new (class Page {})(), page), key],
    [[page], key],
    [null, key],
    ['klartext:page', key],
  ];
  for (const [i, [data, expected]] of bad.entries()) {
    assert.equal(checkPage(data, expected), null, `accepted look-alike ${i}`);
  }
});

test('tokens are 128 random bits in hex, never repeated', () => {
  const seen = new Set(Array.from({ length: 1000 }, newToken));
  assert.equal(seen.size, 1000);
  for (const t of seen) assert.match(t, /^[0-9a-f]{32}$/);
});

test('the content script uses the protocol\'s message types and size cap', () => {
  const content = readFileSync(new URL('../../extension/content.js', import.meta.url), 'utf8');
  for (const [name, value] of Object.entries({ TOGGLE, CLOSE, OFFER, PAGE })) {
    assert.ok(content.includes(`const ${name} = '${value}';`), `content.js has ${name} = '${value}'`);
  }
  const cap = /const MAX_HTML_LENGTH = ([\d\s*]+);/.exec(content);
  assert.ok(cap, 'content.js has MAX_HTML_LENGTH');
  assert.equal(cap[1].split('*').reduce((a, b) => a * Number(b), 1), MAX_HTML_LENGTH);
});
