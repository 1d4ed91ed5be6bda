// The message check against hostile shapes, without a browser: what a compromised or confused
// sender could put in a message (prototype tricks, look-alike objects, sizes one past the
// limits, URLs of other schemes). tests/e2e/hostile.test.mjs sends such messages through the
// real browsers; tests/e2e/protocol.test.mjs has the well-formed cases.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CLEAN_SOURCE, KEEP, MAX_HTML_BYTES, MAX_HTML_LENGTH, MAX_KEY_LENGTH, MAX_SELECTION_LENGTH, MAX_URL_LENGTH,
  OFFER, PAGE, READERABLE, TAKE, TOGGLE, checkMessage, checkPage, newToken,
} from '../../extension/protocol.js';

const token = newToken();
const url = 'https://example.org/a';

test('prototype tricks and look-alike objects are refused', () => {
  const inherited = Object.create({ type: TOGGLE });
  const viaProto = JSON.parse(`{"type":"${TAKE}","token":"${token}","__proto__":{"x":1}}`);
  const withGetter = { type: TAKE };
  Object.defineProperty(withGetter, 'token', { get: () => token, enumerable: true });
  const stringObject = { type: new String(TOGGLE) };
  const nullProto = Object.assign(Object.create(null), { type: TOGGLE });
  const bad = [
    inherited,
    viaProto,
    stringObject,
    { type: TAKE, token: new String(token) },
    { type: TAKE, token: `${token}\n` },
    { type: TAKE, token: ` ${token}` },
    { type: TAKE, token: token.replace(/./, 'g') },
    { type: 'hasOwnProperty' },
    { type: 'valueOf' },
    Object.assign([], { type: TOGGLE }),
    new Map([['type', TOGGLE]]),
    new Date(),
    /klartext:toggle/,
    { type: TOGGLE, 0: 'x' },
    { type: OFFER, url, key: [token], token },
    { type: OFFER, url: new URL(url), key: token, token },
    { type: OFFER, url, key: new String(token), token },
    { type: OFFER, url, key: token, token: new String(token) },
    { type: READERABLE, readerable: 'true' },
    { type: READERABLE, readerable: 1 },
    { type: KEEP, key: '', keep: true },
    { type: KEEP, key: 'k', keep: 'yes' },
  ];
  for (const msg of bad) {
    assert.equal(checkMessage(msg), null, `accepted: ${String(JSON.stringify(msg)).slice(0, 80)}`);
  }
  // An object without a prototype, or with an accessor, is still a plain message once cloned
  // across the message channel; the check itself reads the values as they are.
  assert.equal(checkMessage(nullProto), TOGGLE);
  assert.equal(checkMessage(withGetter), TAKE);
});

test('sizes: at the limit passes, one past it is refused', () => {
  const html = 'x'.repeat(MAX_HTML_LENGTH);
  const page = {
    type: PAGE, key: token, utf8: [new Uint8Array(MAX_HTML_BYTES)], selection: '', last: true,
  };
  assert.ok(checkPage(page, token));
  assert.equal(checkPage({ ...page, utf8: [new Uint8Array(MAX_HTML_BYTES + 1)] }, token), null);
  assert.equal(checkMessage({ type: CLEAN_SOURCE, html: `${html}x`, url }), null);
  const longUrl = `https://example.org/${'a'.repeat(MAX_URL_LENGTH - 20)}`;
  assert.equal(checkMessage({ type: OFFER, url: longUrl, key: token, token }), OFFER);
  assert.equal(checkMessage({ type: OFFER, url: `${longUrl}a`, key: token, token }), null);
  const selection = 's'.repeat(MAX_SELECTION_LENGTH);
  assert.ok(checkPage({ ...page, utf8: [], selection }, token));
  assert.equal(checkPage({ ...page, utf8: [], selection: `${selection}s` }, token), null);
  assert.equal(checkMessage({ type: KEEP, key: 'k'.repeat(MAX_KEY_LENGTH), keep: true }), KEEP);
  assert.equal(checkMessage({ type: KEEP, key: 'k'.repeat(MAX_KEY_LENGTH + 1), keep: true }), null);
});

test('only web pages are sources: other schemes are refused', () => {
  for (const bad of [
    'javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'blob:https://example.org/uuid', 'about:blank',
    'chrome://settings', 'chrome-extension://abc/reader/reader.html', 'moz-extension://abc/',
    'view-source:https://example.org/', 'filesystem:https://example.org/temporary/x', 'ftp://example.org/',
    '//example.org/', '/relative', '',
  ]) {
    assert.equal(checkMessage({ type: OFFER, url: bad, key: token, token }), null, `accepted url ${JSON.stringify(bad)}`);
  }
  for (const good of ['https://example.org/', 'http://127.0.0.1:8080/a?b#c', 'file:///home/user/page.html']) {
    assert.equal(checkMessage({ type: OFFER, url: good, key: token, token }), OFFER, good);
  }
});
