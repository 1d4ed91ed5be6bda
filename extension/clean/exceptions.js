// The blocks a user chose to keep on a site ("always keep this on this site"), in storage.local
// under one key: { exceptions: { "<hostname>": ["<key>", …] } }. A key is what blockKey()
// (clean/block-key.js) makes of a removed block: its ad-block rule line, or its signal name and
// a selector for the element. Cleaning in place leaves blocks with these keys alone.

const STORAGE_KEY = 'exceptions';
/** At most this many keys per site, and this many sites: the oldest go first. */
const MAX_PER_HOST = 200;
const MAX_HOSTS = 500;

/** The hostname of a page's URL ('' when it has none, such as a file: URL's). */
export function hostOf(url) {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

async function readAll(storage) {
  const stored = (await storage.get(STORAGE_KEY))?.[STORAGE_KEY];
  return stored && typeof stored === 'object' && !Array.isArray(stored) ? stored : {};
}

/** The keys kept on a site. */
export async function loadExceptions(storage, host) {
  const all = await readAll(storage);
  const keys = Object.hasOwn(all, host) ? all[host] : null;
  return Array.isArray(keys) ? keys.filter((k) => typeof k === 'string') : [];
}

/** Adds (`keep`) or removes a key for a site; returns the site's keys. */
export async function setException(storage, host, key, keep) {
  const all = await readAll(storage);
  const before = Object.hasOwn(all, host) && Array.isArray(all[host]) ? all[host] : [];
  let keys = before.filter((k) => typeof k === 'string' && k !== key);
  if (keep) keys = [...keys, key].slice(-MAX_PER_HOST);
  const next = { ...all };
  delete next[host];
  // A data property even for a host named __proto__.
  if (keys.length) Object.defineProperty(next, host, { value: keys, enumerable: true, writable: true, configurable: true });
  const hosts = Object.keys(next);
  for (const old of hosts.slice(0, Math.max(0, hosts.length - MAX_HOSTS))) delete next[old];
  await storage.set({ [STORAGE_KEY]: next });
  return keys;
}
