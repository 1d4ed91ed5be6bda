// The settings store without a browser, on in-memory storage areas that behave like the
// browsers' (asynchronous, JSON copies, sync's per-item quota): migrations from version 0,
// concurrent writers, corrupt and foreign data, the local fallback, export and import. The same
// store runs in the browsers in sites.test.mjs; these cover the corner cases.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  AREA_KEY, PROBLEMS_KEY, SCHEMA_KEY, SCHEMA_VERSION, Store, SYNC_ITEM_BYTES, checkExport,
} from '../../extension/storage/store.js';
import { applyPatch, isHost, isSitePatch, normalizeSite } from '../../extension/storage/sites.js';
import { DEFAULTS, changes, isPatch, patchSaver } from '../../extension/reader/settings.js';
import { CATEGORY_MESSAGES } from '../../extension/categories.js';
import {
  AUTO, CLEAN, CLEAN_SOURCE, IMPORT, KEEP, MAX_RULES_LENGTH, PICK, READER_SET, RULES_SET, SITE_REMOVE,
  SITE_SET, TAB_ACTION, checkMessage,
} from '../../extension/protocol.js';
import { ROOT } from './support.mjs';

const tick = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));

/** A storage area: every call takes a little while, values are stored as JSON copies. */
function area({ itemQuota = Infinity, name } = {}) {
  const data = new Map();
  const listeners = [];
  return {
    data,
    listeners,
    async get(keys) {
      await tick();
      const wanted = keys === null ? [...data.keys()] : typeof keys === 'string' ? [keys] : keys;
      return Object.fromEntries(wanted.filter((k) => data.has(k)).map((k) => [k, JSON.parse(data.get(k))]));
    },
    async set(items) {
      await tick();
      for (const [k, v] of Object.entries(items)) {
        if (k.length + JSON.stringify(v).length > itemQuota) throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
      }
      for (const [k, v] of Object.entries(items)) data.set(k, JSON.stringify(v));
      for (const l of listeners) l(Object.fromEntries(Object.entries(items).map(([k, v]) => [k, { newValue: v }])), name);
    },
    async remove(keys) {
      await tick();
      for (const k of [].concat(keys)) data.delete(k);
    },
  };
}

function storage() {
  return { sync: area({ itemQuota: SYNC_ITEM_BYTES, name: 'sync' }), local: area({ name: 'local' }) };
}

test('site records and patches are checked', () => {
  assert.deepEqual(normalizeSite({ mode: 'clean', off: ['ads', 'bogus', 'comments'] }), { mode: 'clean', off: ['comments', 'ads'] });
  for (const bad of [null, [], 'clean', { mode: 'always', off: [] }, { mode: 'clean' }, { mode: 'clean', off: 'ads' }]) {
    assert.equal(normalizeSite(bad), null, JSON.stringify(bad));
  }
  assert.ok(isSitePatch({ mode: 'reader' }) && isSitePatch({ category: 'ads', on: false }));
  for (const bad of [{ mode: 'x' }, { category: 'navigation', on: true }, { category: 'ads' }, { mode: 'off', category: 'ads', on: true }]) {
    assert.ok(!isSitePatch(bad), JSON.stringify(bad));
  }
  assert.deepEqual(applyPatch({ mode: 'manual', off: [] }, { category: 'social', on: false }).off, ['social']);
  assert.ok(isHost('news.example.com') && isHost('127.0.0.1') && isHost('[::1]'));
  assert.ok(!isHost('Example.com') && !isHost('a/b') && !isHost('') && !isHost('*.example.com'));
  assert.equal(checkMessage({ type: SITE_SET, host: 'example.com', patch: { mode: 'clean' } }), SITE_SET);
  assert.equal(checkMessage({ type: SITE_SET, host: 'example.com/x', patch: { mode: 'clean' } }), null);
  assert.equal(checkMessage({ type: PICK, selector: '#main > div.box:nth-of-type(2)' }), PICK);
  assert.equal(checkMessage({ type: PICK, selector: 'div\nexample.com##p' }), null);
  assert.equal(checkMessage({ type: PICK, selector: 'a##b' }), null);
  assert.equal(checkMessage({ type: IMPORT, data: [] }), null);
});

test('version 0 data is migrated: reader settings, exceptions and positions repaired and reported', async () => {
  const s = storage();
  await s.sync.set({ settings: { size: 99, theme: 'dark', junk: true } });
  await s.local.set({
    exceptions: { 'example.com': ['###comments', 7], 'x.org': 'nope' },
    positions: { 'https://a.example/1': { block: 3, time: 5 }, 'https://a.example/2': 'bad' },
  });
  const store = new Store(s);
  await store.load();
  assert.equal((await s.local.get(SCHEMA_KEY))[SCHEMA_KEY], SCHEMA_VERSION);
  const settings = (await s.sync.get('settings')).settings;
  assert.equal(settings.size, 36, 'clamped to its range');
  assert.equal(settings.theme, 'dark', 'what was good stays');
  assert.ok(!('junk' in settings));
  assert.deepEqual((await s.local.get('exceptions')).exceptions, { 'example.com': ['###comments'] });
  assert.deepEqual(Object.keys((await s.local.get('positions')).positions), ['https://a.example/1']);
  assert.deepEqual(store.snapshot().problems.map((p) => p.key).sort(), ['exceptions', 'positions', 'settings']);
  // A second load migrates nothing again.
  const again = new Store(s);
  await again.load();
  assert.deepEqual(again.snapshot().problems.map((p) => p.key).sort(), ['exceptions', 'positions', 'settings']);
  assert.equal((await s.local.get(PROBLEMS_KEY))[PROBLEMS_KEY].length, 3);
});

test('clean version 0 data migrates without a report', async () => {
  const s = storage();
  await s.sync.set({ settings: { ...DEFAULTS } });
  await s.local.set({ exceptions: { 'example.com': ['###comments'] } });
  const store = new Store(s);
  await store.load();
  assert.deepEqual(store.snapshot().problems, []);
});

test('two writers at once lose nothing', async () => {
  const s = storage();
  const a = new Store(s);
  const categories = ['comments', 'video-chrome', 'promotions', 'social', 'newsletter', 'cookie-consent', 'ads'];
  // Every change is sent at once, as two tabs would: each reads the state the one before left.
  await Promise.all([
    ...categories.map((category) => a.setSite('news.example.com', { category, on: false })),
    a.setSite('news.example.com', { mode: 'clean' }),
    ...Array.from({ length: 20 }, (_, i) => a.setSite(`site${i}.example.org`, { mode: 'reader' })),
    a.addRule('news.example.com##.one'),
    a.addRule('news.example.com##.two'),
  ]);
  const fresh = new Store(s);
  await fresh.load();
  const { sites, rules } = fresh.snapshot();
  assert.deepEqual(sites['news.example.com'], { mode: 'clean', off: categories });
  assert.equal(Object.keys(sites).length, 21);
  assert.deepEqual(rules.trim().split('\n').sort(), ['news.example.com##.one', 'news.example.com##.two']);
});

test('reader settings: patches from two pages at once both land, on top of what is stored', async () => {
  const s = storage();
  await s.sync.set({ settings: { ...DEFAULTS, size: 24, voices: { de: 'anna' } } });
  const a = new Store(s);
  await Promise.all([
    a.setReader({ theme: 'sepia' }),
    a.setReader({ font: 'mono' }),
    a.setReader({ width: 80 }),
  ]);
  const stored = (await s.sync.get('settings')).settings;
  assert.deepEqual(
    [stored.theme, stored.font, stored.width, stored.size, stored.voices],
    ['sepia', 'mono', 80, 24, { de: 'anna' }],
  );
  // Out-of-range values are clamped as on load; the message's patch is checked before that.
  assert.equal((await a.setReader({ size: 999 })).size, 36);
  assert.equal(checkMessage({ type: READER_SET, patch: { theme: 'dark' } }), READER_SET);
  for (const bad of [{}, { colour: 'red' }, [], null, { theme: 'dark', __proto__: { x: 1 } }, { voices: { x: 'y'.repeat(20_000) } }]) {
    assert.equal(checkMessage({ type: READER_SET, patch: bad }), null, JSON.stringify(bad)?.slice(0, 60));
  }
  assert.ok(isPatch({ images: false }));
});

test('reader settings: a page sends what changed, a burst as one patch, and falls back to a whole write', async () => {
  assert.deepEqual(changes(DEFAULTS, { ...DEFAULTS, theme: 'dark', voices: { en: 'x' } }), { theme: 'dark', voices: { en: 'x' } });
  assert.deepEqual(changes(DEFAULTS, { ...DEFAULTS, voices: {} }), {});
  const sent = [];
  let fellBack = 0;
  const save = patchSaver(async (patch) => { sent.push(patch); return { ok: sent.length === 1 }; }, () => { fellBack++; }, 10);
  save({ size: 22 });
  save({ size: 23 });
  save({ font: 'sans' });
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.deepEqual(sent, [{ size: 23, font: 'sans' }]);
  assert.equal(fellBack, 0);
  save({ theme: 'dark' });
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(fellBack, 1, 'a refused patch saves the whole settings instead');
});

test('corrupt and foreign data is reported, read as the default, and can be reset', async () => {
  const s = storage();
  await s.local.set({ [SCHEMA_KEY]: 'banana', [PROBLEMS_KEY]: 'nope', [AREA_KEY]: 5 });
  await s.sync.set({
    'site:good.example': { mode: 'clean', off: [] },
    'site:bad.example': 'garbage',
    'site:Not A Host': { mode: 'clean', off: [] },
    rules: 42,
    unrelated: { x: 1 },
  });
  const store = new Store(s);
  await store.load();
  const snap = store.snapshot();
  assert.deepEqual(Object.keys(snap.sites), ['good.example']);
  assert.equal(snap.rules, '');
  const keys = snap.problems.map((p) => p.key).sort();
  for (const key of ['site:bad.example', 'site:Not A Host', 'rules', SCHEMA_KEY, PROBLEMS_KEY, AREA_KEY]) {
    assert.ok(keys.includes(key), `${key} reported: ${keys}`);
  }
  assert.ok(!keys.includes('unrelated'), 'keys that are not ours are left alone');
  // Still works: changes save.
  await store.setSite('bad.example', { mode: 'reader' });
  assert.equal(store.site('bad.example').mode, 'reader');
  await store.clearProblems();
  assert.deepEqual(store.snapshot().problems, []);
  assert.ok(!s.sync.data.has('rules'), 'the unreadable rules value is gone');
  assert.ok(s.sync.data.has('unrelated'));
});

test('a newer schema is reported and read as far as it is understood', async () => {
  const s = storage();
  await s.local.set({ [SCHEMA_KEY]: SCHEMA_VERSION + 1 });
  await s.sync.set({ 'site:a.example': { mode: 'off', off: [] } });
  const store = new Store(s);
  await store.load();
  assert.equal(store.snapshot().problems[0].problem, 'newer-schema');
  assert.equal(store.site('a.example').mode, 'off');
  assert.equal((await s.local.get(SCHEMA_KEY))[SCHEMA_KEY], SCHEMA_VERSION + 1, 'not written down');
});

test('rules over sync\'s item quota move everything to this device, and the user is told', async () => {
  const s = storage();
  const store = new Store(s);
  await store.setSite('a.example', { mode: 'clean' });
  assert.equal(store.snapshot().area, 'sync');
  const big = Array.from({ length: 400 }, (_, i) => `example.com##.rule-number-${i}`).join('\n');
  await store.setRules(big);
  const snap = store.snapshot();
  assert.equal(snap.area, 'local');
  assert.equal(snap.areaReason, 'quota');
  assert.equal((await s.local.get('rules')).rules, big);
  assert.deepEqual((await s.local.get('site:a.example'))['site:a.example'], { mode: 'clean', off: [] });
  const fresh = new Store(s);
  await fresh.load();
  assert.equal(fresh.snapshot().area, 'local');
  assert.equal(fresh.snapshot().rules, big);
});

test('without storage.sync the settings live in storage.local', async () => {
  const s = { local: area({ name: 'local' }) };
  const store = new Store(s);
  await store.setSite('a.example', { mode: 'reader' });
  assert.equal(store.snapshot().area, 'local');
  assert.equal(store.snapshot().areaReason, 'unavailable');
  assert.ok(s.local.data.has('site:a.example'));
});

test('changes from another device are merged key by key', async () => {
  const s = storage();
  const store = new Store(s);
  await store.setSite('mine.example', { mode: 'clean' });
  let heard = 0;
  store.listeners.add(() => heard++);
  // Another device wrote a site and the rules; this one's other site stays.
  store.merge({ 'site:theirs.example': { newValue: { mode: 'reader', off: ['ads'] } }, rules: { newValue: '##.x\n' } }, 'sync');
  store.merge({ 'site:ignored.example': { newValue: { mode: 'reader', off: [] } } }, 'local');
  store.merge({ 'site:broken.example': { newValue: 17 } }, 'sync');
  const snap = store.snapshot();
  assert.deepEqual(Object.keys(snap.sites), ['mine.example', 'theirs.example']);
  assert.equal(snap.rules, '##.x\n');
  assert.ok(snap.problems.some((p) => p.key === 'site:broken.example'));
  assert.equal(heard, 2);
  store.merge({ 'site:theirs.example': { oldValue: {} } }, 'sync');
  assert.deepEqual(Object.keys(store.snapshot().sites), ['mine.example']);
});

test('export and import round-trip; a bad file changes nothing', async () => {
  const s = storage();
  const store = new Store(s);
  await store.setSite('a.example', { mode: 'clean' });
  await store.setSite('b.example', { category: 'comments', on: false });
  await store.addRule('a.example##.box');
  await s.sync.set({ settings: { ...DEFAULTS, theme: 'sepia' } });
  await s.local.set({ exceptions: { 'a.example': ['###comments'] } });
  const exported = JSON.parse(JSON.stringify(await store.exportAll()));
  assert.equal(exported.reader.theme, 'sepia');

  const other = storage();
  const target = new Store(other);
  await target.setSite('old.example', { mode: 'reader' });
  assert.equal(await target.importAll(exported), null);
  assert.deepEqual(JSON.parse(JSON.stringify(await target.exportAll())), exported);
  assert.ok(!other.sync.data.has('site:old.example'), 'the file replaces the sites');

  for (const [bad, why] of [
    [{ ...exported, format: 'other' }, 'not-klartext'],
    [{ ...exported, schema: 99 }, 'newer-schema'],
    [{ ...exported, sites: { 'a.example': { mode: 'sometimes', off: [] } } }, 'bad-sites'],
    [{ ...exported, sites: { 'not a host': { mode: 'clean', off: [] } } }, 'bad-sites'],
    [{ ...exported, rules: 5 }, 'bad-rules'],
  ]) {
    assert.equal(checkExport(bad), why);
    assert.equal(await target.importAll(bad), why);
  }
  assert.deepEqual(JSON.parse(JSON.stringify(await target.exportAll())), exported);
});

test('the classic content scripts (auto mode, picker, clean in place) use the protocol\'s message types and the category names', () => {
  // Classic content scripts cannot import protocol.js: each keeps its own copy.
  for (const [file, name, value] of [
    ['extension/auto/auto-start.js', 'AUTO', AUTO],
    ['extension/picker/picker.js', 'PICK', PICK],
    ['extension/clean/content-clean.js', 'CLEAN', CLEAN],
    ['extension/clean/content-clean.js', 'CLEAN_SOURCE', CLEAN_SOURCE],
    ['extension/clean/content-clean.js', 'KEEP', KEEP],
  ]) {
    const script = readFileSync(join(ROOT, file), 'utf8');
    assert.ok(script.includes(`const ${name} = '${value}';`), `${file} has ${name} = '${value}'`);
  }
  // Clean in place names the categories in its panel as the popup and the reader do.
  const clean = readFileSync(join(ROOT, 'extension/clean/content-clean.js'), 'utf8');
  for (const [category, message] of Object.entries(CATEGORY_MESSAGES)) {
    const key = /^[a-z]+$/.test(category) ? category : `'${category}'`;
    assert.ok(clean.includes(`${key}: '${message}',`), `content-clean.js names ${category} ${message}`);
  }
  // The popup's and the options page's messages: exactly their fields.
  assert.equal(checkMessage({ type: TAB_ACTION, tabId: 3, action: 'pick' }), TAB_ACTION);
  for (const bad of [
    { type: TAB_ACTION, tabId: -1, action: 'pick' },
    { type: TAB_ACTION, tabId: 3, action: 'delete' },
    { type: RULES_SET, text: 'x'.repeat(MAX_RULES_LENGTH + 1) },
    { type: RULES_SET, text: 5 },
    { type: AUTO, mode: 'clean' },
    { type: SITE_REMOVE, host: 'a b' },
    { type: SITE_REMOVE, host: 'x'.repeat(254) },
  ]) {
    assert.equal(checkMessage(bad), null, `accepted: ${JSON.stringify(bad).slice(0, 80)}`);
  }
});
