// What a site's switches are, and the checks that every stored or imported site record passes.
// Pure functions: the store (storage/store.js), the popup and the options page share them.

/** The clutter categories a user can switch per site, in the order the UI lists them. */
export const CATEGORIES = Object.freeze([
  'comments', 'video-chrome', 'promotions', 'social', 'newsletter', 'cookie-consent', 'ads',
]);

/**
 * What Klartext does on a site by itself: nothing until asked ('manual', the default), open the
 * reader view ('reader') or clean the page in place ('clean') at every load, or never touch the
 * site ('off': no automatic mode, the user's rules and clean in place leave it alone).
 */
export const MODES = Object.freeze(['manual', 'reader', 'clean', 'off']);
/** The modes that run at page load and need the site's host permission. */
export const AUTO_MODES = Object.freeze(['reader', 'clean']);

/** A hostname as URL parsing gives it: lowercase letters, digits, dots, hyphens, IPv6 brackets. */
const HOST = /^(?:[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])$/;
export const MAX_HOST_LENGTH = 253;

export function isHost(value) {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_HOST_LENGTH
    && HOST.test(value);
}

/** The default switches of a site nobody changed. */
export function defaultSite() {
  return { mode: 'manual', off: [] };
}

/**
 * A site record from whatever was stored or imported, or null when it is not one:
 * { mode, off: [categories switched off] }. Unknown categories are dropped.
 */
export function normalizeSite(raw) {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  if (!MODES.includes(raw.mode)) return null;
  if (!Array.isArray(raw.off)) return null;
  const off = CATEGORIES.filter((c) => raw.off.includes(c));
  return { mode: raw.mode, off };
}

/** Whether a record says nothing a default site would not: such sites are not stored. */
export function isDefaultSite(site) {
  return site.mode === 'manual' && site.off.length === 0;
}

/**
 * A change to one site, as the popup and the options page send it: { mode } or
 * { category, on }. Checked by protocol.js; applied here.
 */
export function isSitePatch(patch) {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return false;
  const keys = Object.keys(patch);
  if (keys.length === 1 && keys[0] === 'mode') return MODES.includes(patch.mode);
  if (keys.length === 2 && Object.hasOwn(patch, 'category') && Object.hasOwn(patch, 'on')) {
    return CATEGORIES.includes(patch.category) && typeof patch.on === 'boolean';
  }
  return false;
}

export function applyPatch(site, patch) {
  if (Object.hasOwn(patch, 'mode')) return { ...site, mode: patch.mode };
  const off = patch.on
    ? site.off.filter((c) => c !== patch.category)
    : CATEGORIES.filter((c) => c === patch.category || site.off.includes(c));
  return { ...site, off };
}

/** The hostname of a page's URL ('' for URLs without one, or that are not web pages). */
export function siteOf(url) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return '';
    return parsed.hostname;
  } catch {
    return '';
  }
}

/** The match pattern that a site's host permission and its registered scripts use. */
export function originPattern(host) {
  return `*://${host}/*`;
}
