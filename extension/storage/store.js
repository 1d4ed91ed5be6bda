// The user's settings, owned by the background: each site's switches, the user's rules, and the
// schema the stored data follows. Everything that changes them goes through one Store, whose
// writes run one after the other, so two tabs changing settings at once lose nothing; changes
// from other devices (storage.onChanged on storage.sync) are merged key by key.
//
// Where things live (schema 1):
// - storage.sync, or storage.local when sync is missing or its quotas refuse a write:
//   `site:<host>` -> { mode, off } (one item per site: sync's per-item quota is 8 KB, and two
//   devices changing different sites do not overwrite each other), `rules` -> the user's rules
//   text in the ad-block cosmetic syntax;
// - storage.local: `schema` (the layout's version), `storageArea` ({ area: 'local', reason } after
//   a fallback), `storageProblems` (what a migration had to drop);
// - the keys of version 0, which other modules read and write themselves and which stay where
//   they are: `settings` (the reader view's, storage.sync), `positions` and `exceptions`
//   (storage.local). Migrating them checks and repairs their shapes.
//
// Stored data that is not what this code wrote (a corrupt record, a value of the wrong type, a
// layout from a newer version) is reported in `problems` and read as the default: it never stops
// the extension. The user can see the reports on the options page and reset those keys.

import { normalize as normalizeReaderSettings } from '../reader/settings.js';
import {
  applyPatch, defaultSite, isDefaultSite, isHost, normalizeSite,
} from './sites.js';

export const SCHEMA_VERSION = 1;
export const SCHEMA_KEY = 'schema';
export const AREA_KEY = 'storageArea';
export const PROBLEMS_KEY = 'storageProblems';
export const RULES_KEY = 'rules';
export const SITE_PREFIX = 'site:';
export const READER_KEY = 'settings';
export const EXCEPTIONS_KEY = 'exceptions';
export const POSITIONS_KEY = 'positions';
/** The export file's `format`. */
export const EXPORT_FORMAT = 'klartext-settings';
/** storage.sync's per-item quota in bytes (Chrome and Firefox agree): larger items stay local. */
export const SYNC_ITEM_BYTES = 8192;
export const MAX_RULES_LENGTH = 512 * 1024;
const MAX_PROBLEMS = 50;

const encoder = new TextEncoder();
/** The size sync counts for an item: its key and its JSON value. */
const itemBytes = (key, value) => encoder.encode(key).length + encoder.encode(JSON.stringify(value)).length;

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A data property even for a key named __proto__. */
function put(object, key, value) {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The migrations, in order: MIGRATIONS[n] takes the stored data from version n to n + 1. Each
 * gets { sync, local, report } and may read and write both areas.
 */
const MIGRATIONS = [
  // 0 -> 1: the keys of version 0 stay where their modules read them; their shapes are checked
  // and repaired, and what had to go is reported.
  async ({ sync, local, report }) => {
    if (sync) {
      const raw = (await sync.get(READER_KEY))?.[READER_KEY];
      if (raw !== undefined) {
        const fixed = normalizeReaderSettings(raw);
        if (JSON.stringify(sortedKeys(raw)) !== JSON.stringify(sortedKeys(fixed))) {
          report(READER_KEY, 'repaired');
          await sync.set({ [READER_KEY]: fixed });
        }
      }
    }
    const stored = await local.get([EXCEPTIONS_KEY, POSITIONS_KEY]);
    if (stored[EXCEPTIONS_KEY] !== undefined) {
      const { value, changed } = repairExceptions(stored[EXCEPTIONS_KEY]);
      if (changed) {
        report(EXCEPTIONS_KEY, 'repaired');
        await local.set({ [EXCEPTIONS_KEY]: value });
      }
    }
    if (stored[POSITIONS_KEY] !== undefined) {
      const raw = stored[POSITIONS_KEY];
      const value = {};
      let changed = !isPlainObject(raw);
      for (const [url, entry] of Object.entries(isPlainObject(raw) ? raw : {})) {
        if (isPlainObject(entry) && Number.isFinite(entry.time)) put(value, url, entry);
        else changed = true;
      }
      if (changed) {
        report(POSITIONS_KEY, 'repaired');
        await local.set({ [POSITIONS_KEY]: value });
      }
    }
  },
];

function sortedKeys(value) {
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys(value[k])]));
}

/** { host: [keys] } with only string keys under valid hosts; `changed` when anything went. */
function repairExceptions(raw) {
  const value = {};
  let changed = !isPlainObject(raw);
  for (const [host, keys] of Object.entries(isPlainObject(raw) ? raw : {})) {
    if (!Array.isArray(keys)) {
      changed = true;
      continue;
    }
    const good = keys.filter((k) => typeof k === 'string' && k.length > 0);
    if (good.length !== keys.length) changed = true;
    if (good.length) put(value, host, good);
  }
  return { value, changed };
}

export class Store {
  /**
   * @param {object} storage the browser's storage API (`sync` may be missing)
   * @param {{ now?: () => number }} [options]
   */
  constructor(storage, { now = Date.now } = {}) {
    this.storage = storage;
    this.now = now;
    /** Writes and loads run in this order, one at a time. */
    this.queue = Promise.resolve();
    this.loaded = null;
    this.state = null;
    /** Called after every change, with the store (the background re-registers its scripts). */
    this.listeners = new Set();
  }

  /** Runs `task` after every task queued before it; a failed task does not stop the queue. */
  serial(task) {
    const run = this.queue.then(task);
    this.queue = run.catch(() => {});
    return run;
  }

  load() {
    this.loaded ??= this.serial(() => this.read()).catch((err) => {
      this.loaded = null;
      throw err;
    });
    return this.loaded;
  }

  area() {
    return this.state.area === 'sync' ? this.storage.sync : this.storage.local;
  }

  report(key, problem) {
    const problems = this.state.problems.filter((p) => p.key !== key);
    problems.push({ key, problem, time: this.now() });
    this.state.problems = problems.slice(-MAX_PROBLEMS);
  }

  async read() {
    const { local, sync } = this.storage;
    const meta = await local.get([SCHEMA_KEY, AREA_KEY, PROBLEMS_KEY]);
    const state = {
      area: sync ? 'sync' : 'local',
      areaReason: sync ? null : 'unavailable',
      sites: new Map(),
      rules: '',
      problems: Array.isArray(meta[PROBLEMS_KEY])
        ? meta[PROBLEMS_KEY].filter((p) => isPlainObject(p) && typeof p.key === 'string'
          && typeof p.problem === 'string').slice(-MAX_PROBLEMS)
        : [],
      schema: SCHEMA_VERSION,
    };
    this.state = state;
    if (meta[PROBLEMS_KEY] !== undefined && !Array.isArray(meta[PROBLEMS_KEY])) this.report(PROBLEMS_KEY, 'corrupt');
    if (isPlainObject(meta[AREA_KEY]) && meta[AREA_KEY].area === 'local') {
      state.area = 'local';
      state.areaReason = typeof meta[AREA_KEY].reason === 'string' ? meta[AREA_KEY].reason : 'quota';
    } else if (meta[AREA_KEY] !== undefined && meta[AREA_KEY] !== null && !isPlainObject(meta[AREA_KEY])) {
      this.report(AREA_KEY, 'corrupt');
    }

    // The schema: missing is version 0; a newer one is read as far as it is understood.
    let version = meta[SCHEMA_KEY];
    if (version === undefined) version = 0;
    else if (!Number.isInteger(version) || version < 0) {
      this.report(SCHEMA_KEY, 'corrupt');
      version = 0;
    } else if (version > SCHEMA_VERSION) {
      this.report(SCHEMA_KEY, 'newer-schema');
      state.schema = version;
    }
    if (version < SCHEMA_VERSION) {
      const report = (key, problem) => this.report(key, problem);
      for (let v = version; v < SCHEMA_VERSION; v++) {
        try {
          await MIGRATIONS[v]({ sync, local, report });
        } catch {
          this.report(SCHEMA_KEY, `migration-${v}-failed`);
        }
      }
      await local.set({ [SCHEMA_KEY]: SCHEMA_VERSION, [PROBLEMS_KEY]: state.problems });
    }

    let items = {};
    try {
      items = (await this.area().get(null)) ?? {};
    } catch {
      // Sync may be switched off by policy: this device's storage holds the settings.
      if (state.area === 'sync') {
        state.area = 'local';
        state.areaReason = 'unavailable';
        items = (await local.get(null)) ?? {};
      }
    }
    for (const [key, value] of Object.entries(items)) this.take(key, value);
    return state;
  }

  /** Takes one stored item into the state (at load, or when another device changed it). */
  take(key, value) {
    const state = this.state;
    if (key === RULES_KEY) {
      if (value === undefined) state.rules = '';
      else if (typeof value === 'string' && value.length <= MAX_RULES_LENGTH) state.rules = value;
      else this.report(key, 'corrupt');
    } else if (key.startsWith(SITE_PREFIX)) {
      const host = key.slice(SITE_PREFIX.length);
      if (value === undefined) {
        state.sites.delete(host);
        return;
      }
      const site = isHost(host) ? normalizeSite(value) : null;
      if (site) state.sites.set(host, site);
      else this.report(key, 'corrupt');
    }
  }

  /** Merges changes from storage.onChanged (another device, or another writer). */
  merge(changes, areaName) {
    if (!this.state || areaName !== this.state.area) return false;
    let touched = false;
    for (const [key, change] of Object.entries(changes)) {
      if (key === RULES_KEY || key.startsWith(SITE_PREFIX)) {
        this.take(key, change.newValue);
        touched = true;
      }
    }
    if (touched) this.notify();
    return touched;
  }

  notify() {
    for (const listener of this.listeners) {
      try {
        listener(this);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /**
   * Writes items (undefined values: removes the key) to the settings' area. When sync refuses
   * them (an item over its quota, the total quota, the write rate), every setting moves to
   * storage.local and stays there; the user is told on the popup and the options page.
   */
  async write(items) {
    const set = {};
    const remove = [];
    for (const [key, value] of Object.entries(items)) {
      if (value === undefined) remove.push(key);
      else set[key] = value;
    }
    if (this.state.area === 'sync') {
      const tooLarge = Object.entries(set).some(([key, value]) => itemBytes(key, value) > SYNC_ITEM_BYTES);
      try {
        if (tooLarge) throw new Error('QUOTA_BYTES_PER_ITEM quota exceeded');
        if (Object.keys(set).length) await this.storage.sync.set(set);
        if (remove.length) await this.storage.sync.remove(remove);
        return;
      } catch (err) {
        await this.fallBackToLocal(/quota|MAX_/i.test(String(err?.message)) ? 'quota' : 'unavailable');
      }
    }
    if (Object.keys(set).length) await this.storage.local.set(set);
    if (remove.length) await this.storage.local.remove(remove);
  }

  async fallBackToLocal(reason) {
    const all = { [RULES_KEY]: this.state.rules };
    for (const [host, site] of this.state.sites) all[SITE_PREFIX + host] = site;
    this.state.area = 'local';
    this.state.areaReason = reason;
    await this.storage.local.set({ ...all, [AREA_KEY]: { area: 'local', reason } });
  }

  // What the popup, the options page and the background ask.

  site(host) {
    return this.state.sites.get(host) ?? defaultSite();
  }

  /** The state for the UI: plain data. */
  snapshot() {
    const { area, areaReason, rules, problems, schema } = this.state;
    const sites = {};
    for (const [host, site] of [...this.state.sites].sort(([a], [b]) => a.localeCompare(b))) put(sites, host, site);
    return { area, areaReason, rules, problems, schema, sites };
  }

  // Changes: each one is queued, reads the state as the previous change left it, and writes
  // only the keys it changes.

  change(task) {
    return this.load().then(() => this.serial(async () => {
      const result = await task();
      this.notify();
      return result;
    }));
  }

  setSite(host, patch) {
    return this.change(async () => {
      const site = applyPatch(this.site(host), patch);
      if (isDefaultSite(site)) this.state.sites.delete(host);
      else this.state.sites.set(host, site);
      await this.write({ [SITE_PREFIX + host]: isDefaultSite(site) ? undefined : site });
      return site;
    });
  }

  removeSite(host) {
    return this.change(async () => {
      this.state.sites.delete(host);
      await this.write({ [SITE_PREFIX + host]: undefined });
    });
  }

  setRules(text) {
    return this.change(async () => {
      this.state.rules = text;
      await this.write({ [RULES_KEY]: text });
    });
  }

  /** Appends one rule line (the element picker's), unless the rules have it already. */
  addRule(line) {
    return this.change(async () => {
      const lines = this.state.rules.split('\n');
      if (lines.includes(line)) return false;
      const text = this.state.rules.replace(/\n*$/, '');
      this.state.rules = text ? `${text}\n${line}\n` : `${line}\n`;
      await this.write({ [RULES_KEY]: this.state.rules });
      return true;
    });
  }

  /**
   * Applies a patch to the reader view's stored settings (storage.sync where there is one: the
   * whole object is far below its item quota). Queued like every change, and read afresh
   * first, so that patches from two pages at once both land. Returns the settings as stored.
   */
  setReader(patch) {
    return this.change(async () => {
      const area = this.storage.sync ?? this.storage.local;
      const stored = (await area.get(READER_KEY).catch(() => ({})))?.[READER_KEY];
      const next = normalizeReaderSettings({ ...normalizeReaderSettings(stored), ...patch });
      await area.set({ [READER_KEY]: next });
      return next;
    });
  }

  /** Forgets the problems, and removes the keys whose stored values could not be read. */
  clearProblems() {
    return this.change(async () => {
      const broken = this.state.problems.filter((p) => p.problem === 'corrupt')
        .map((p) => p.key).filter((k) => k === RULES_KEY || k.startsWith(SITE_PREFIX));
      if (broken.length) await this.area().remove(broken);
      this.state.problems = [];
      await this.storage.local.set({ [PROBLEMS_KEY]: [] });
    });
  }

  /** Everything as one JSON-able object: sites, rules, the reader's settings, kept blocks. */
  exportAll() {
    return this.change(async () => {
      const { sync, local } = this.storage;
      const reader = sync ? (await sync.get(READER_KEY).catch(() => ({})))?.[READER_KEY] : undefined;
      const exceptions = (await local.get(EXCEPTIONS_KEY))?.[EXCEPTIONS_KEY];
      const { sites, rules } = this.snapshot();
      return {
        format: EXPORT_FORMAT,
        schema: SCHEMA_VERSION,
        sites,
        rules,
        reader: normalizeReaderSettings(reader),
        exceptions: repairExceptions(exceptions ?? {}).value,
      };
    });
  }

  /**
   * Replaces the settings with an exported file's. The whole file is checked first: a file
   * with anything wrong in it changes nothing. Returns null, or what is wrong.
   */
  importAll(data) {
    const problem = checkExport(data);
    if (problem) return Promise.resolve(problem);
    return this.change(async () => {
      const items = {};
      for (const host of this.state.sites.keys()) {
        if (!Object.hasOwn(data.sites, host)) items[SITE_PREFIX + host] = undefined;
      }
      this.state.sites.clear();
      for (const [host, raw] of Object.entries(data.sites)) {
        const site = normalizeSite(raw);
        if (isDefaultSite(site)) {
          items[SITE_PREFIX + host] = undefined;
        } else {
          this.state.sites.set(host, site);
          items[SITE_PREFIX + host] = site;
        }
      }
      this.state.rules = data.rules;
      items[RULES_KEY] = data.rules;
      await this.write(items);
      const readerArea = this.storage.sync ?? this.storage.local;
      await readerArea.set({ [READER_KEY]: normalizeReaderSettings(data.reader) });
      await this.storage.local.set({ [EXCEPTIONS_KEY]: repairExceptions(data.exceptions).value });
      return null;
    });
  }
}

/** What is wrong with an export file (null: nothing). */
export function checkExport(data) {
  if (!isPlainObject(data) || data.format !== EXPORT_FORMAT) return 'not-klartext';
  if (!Number.isInteger(data.schema) || data.schema < 1) return 'bad-schema';
  if (data.schema > SCHEMA_VERSION) return 'newer-schema';
  if (!isPlainObject(data.sites)) return 'bad-sites';
  for (const [host, site] of Object.entries(data.sites)) {
    if (!isHost(host) || !normalizeSite(site)) return 'bad-sites';
  }
  if (typeof data.rules !== 'string' || data.rules.length > MAX_RULES_LENGTH) return 'bad-rules';
  if (data.reader !== undefined && !isPlainObject(data.reader)) return 'bad-reader';
  if (data.exceptions !== undefined && !isPlainObject(data.exceptions)) return 'bad-exceptions';
  return null;
}
