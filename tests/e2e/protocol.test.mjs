// The message checks, without a browser: what the background accepts, and that the content
// script (a classic script, which cannot import protocol.js) uses the same message types.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  CLOSE, MAX_HTML_LENGTH, SOURCE, TAKE, TOGGLE, checkMessage, newToken,
} from '../../extension/protocol.js';

const token = newToken();

test('well-formed messages pass', () => {
  assert.equal(checkMessage({ type: TOGGLE }), TOGGLE);
  assert.equal(checkMessage({ type: CLOSE }), CLOSE);
  assert.equal(checkMessage({ type: SOURCE, html: '<p>x</p>', url: 'https://example.org/a' }), SOURCE);
  assert.equal(checkMessage({ type: TAKE, token }), TAKE);
});

test('malformed messages are refused', () => {
  const bad = [
    null, undefined, 'klartext:toggle', 42, [], [TOGGLE],
    {}, { type: 'klartext:unknown' }, { type: 'toString' }, { type: '__proto__' },
    { type: TOGGLE, extra: 1 },
    { type: SOURCE, html: '<p>x</p>' },
    { type: SOURCE, html: 1, url: 'https://example.org/' },
    { type: SOURCE, html: '<p>x</p>', url: 'javascript:alert(1)' },
    { type: SOURCE, html: '<p>x</p>', url: 'not a url' },
    { type: SOURCE, html: '<p>x</p>', url: 'https://example.org/', token },
    { type: SOURCE, html: 'x'.repeat(MAX_HTML_LENGTH + 1), url: 'https://example.org/' },
    { type: TAKE },
    { type: TAKE, token: token.toUpperCase() },
    { type: TAKE, token: token.slice(1) },
    { type: TAKE, token: { toString: () => token } },
  ];
  for (const msg of bad) {
    assert.equal(checkMessage(msg), null, `accepted: ${JSON.stringify(msg)?.slice(0, 80)}`);
  }
});

test('tokens are 128 random bits in hex, never repeated', () => {
  const seen = new Set(Array.from({ length: 1000 }, newToken));
  assert.equal(seen.size, 1000);
  for (const t of seen) assert.match(t, /^[0-9a-f]{32}$/);
});

test('the content script uses the protocol\'s message types and size cap', () => {
  const content = readFileSync(new URL('../../extension/content.js', import.meta.url), 'utf8');
  for (const [name, value] of Object.entries({ TOGGLE, CLOSE, SOURCE })) {
    assert.ok(content.includes(`const ${name} = '${value}';`), `content.js has ${name} = '${value}'`);
  }
  const cap = /const MAX_HTML_LENGTH = ([\d\s*]+);/.exec(content);
  assert.ok(cap, 'content.js has MAX_HTML_LENGTH');
  assert.equal(cap[1].split('*').reduce((a, b) => a * Number(b), 1), MAX_HTML_LENGTH);
});
