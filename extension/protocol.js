// The messages between the background, the content script and the reader page, and the one
// check that every receiver applies to them. The content script is a classic script and cannot
// import this module: it keeps its own copy of the type strings (kept in step by a test).

import { isHost, isSitePatch } from './storage/sites.js';

/** Background -> content script: open the reader view, or close it if it is open. */
export const TOGGLE = 'klartext:toggle';
/** Background -> content script: close the reader view. Reader page -> background: close my view. */
export const CLOSE = 'klartext:close';
/** Content script -> background: the page's source, answered with a one-time token. */
export const SOURCE = 'klartext:source';
/** Reader page -> background: take the source stored under a token (once). */
export const TAKE = 'klartext:take';
/** Background -> content script: open the reader view on the selected text (context menu). */
export const SELECTION = 'klartext:selection';
/**
 * Content script -> background: the page's source and a document made of the selected text,
 * answered with a one-time token like SOURCE.
 */
export const SELECTION_SOURCE = 'klartext:selection-source';
/** Reader page -> background: whether the core found the page readerable (for the icon). */
export const READERABLE = 'klartext:readerable';
/** Background -> content script (clean/content-clean.js): clean the page in place, or give it back. */
export const CLEAN = 'klartext:clean';
/**
 * Content script -> background: the page's source for cleaning in place, answered with the
 * blocks to hide ({ element, category, rule, preview }) and this site's exceptions.
 */
export const CLEAN_SOURCE = 'klartext:clean-source';
/** Content script -> background: keep (or stop keeping) a block on the sender's site. */
export const KEEP = 'klartext:keep';
/** Popup, options page -> background: the settings ({ area, rules, problems, sites, … }). */
export const SETTINGS_GET = 'klartext:settings-get';
/** Popup, options page -> background: change one site's switches ({ mode } or { category, on }). */
export const SITE_SET = 'klartext:site-set';
/** Options page -> background: forget a site's switches. */
export const SITE_REMOVE = 'klartext:site-remove';
/** Options page -> background: check the user's rules text; answered with the lines in error. */
export const RULES_CHECK = 'klartext:rules-check';
/** Options page -> background: save the user's rules text (lines in error are kept, not used). */
export const RULES_SET = 'klartext:rules-set';
/** Options page -> background: forget the storage problems and reset the unreadable keys. */
export const PROBLEMS_CLEAR = 'klartext:problems-clear';
/** Options page -> background: everything as one JSON object. */
export const EXPORT = 'klartext:export';
/** Options page -> background: replace everything with an exported object. */
export const IMPORT = 'klartext:import';
/** Popup -> background: read, clean or pick an element in a tab the popup was opened on. */
export const TAB_ACTION = 'klartext:tab-action';
/** Element picker (content script) -> background: hide this selector on the sender's site. */
export const PICK = 'klartext:pick';
/** Auto-mode script at page load -> background: run this site's automatic mode, if any. */
export const AUTO = 'klartext:auto';
/** What a popup can ask the background to do in a tab. */
export const TAB_ACTIONS = Object.freeze(['read', 'clean', 'pick']);
/** Upper bound for a rules text (the store's cap too) and an exported file, in UTF-16 units. */
export const MAX_RULES_LENGTH = 512 * 1024;
export const MAX_EXPORT_LENGTH = 4 * 1024 * 1024;
/** Upper bound for a picked selector. */
export const MAX_SELECTOR_LENGTH = 1024;
/** Upper bound for an exception's key (a rule line, or a signal name and a selector). */
export const MAX_KEY_LENGTH = 1024;

/**
 * Upper bound for the page source, in UTF-16 code units. Chromium refuses extension messages
 * over 64 MiB of JSON; the source travels twice as JSON (escaped quotes and non-ASCII text grow
 * it), so the cap stays well below that.
 */
export const MAX_HTML_LENGTH = 32 * 1024 * 1024;
export const MAX_URL_LENGTH = 64 * 1024;
/** Upper bound for the selected text's document, which travels next to the page's source. */
export const MAX_SELECTION_LENGTH = 4 * 1024 * 1024;
/** A token is 32 lowercase hex digits (128 random bits). */
export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

const SHAPES = {
  [TOGGLE]: {},
  [CLOSE]: {},
  [SOURCE]: {
    html: (v) => typeof v === 'string' && v.length <= MAX_HTML_LENGTH,
    url: (v) => typeof v === 'string' && v.length <= MAX_URL_LENGTH && isWebUrl(v),
  },
  [TAKE]: {
    token: (v) => typeof v === 'string' && TOKEN_PATTERN.test(v),
  },
  [SELECTION]: {},
  [SELECTION_SOURCE]: {
    html: (v) => typeof v === 'string' && v.length <= MAX_HTML_LENGTH,
    url: (v) => typeof v === 'string' && v.length <= MAX_URL_LENGTH && isWebUrl(v),
    selection: (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_SELECTION_LENGTH,
  },
  [READERABLE]: {
    readerable: (v) => typeof v === 'boolean',
  },
  [CLEAN]: {},
  [CLEAN_SOURCE]: {
    html: (v) => typeof v === 'string' && v.length <= MAX_HTML_LENGTH,
    url: (v) => typeof v === 'string' && v.length <= MAX_URL_LENGTH && isWebUrl(v),
  },
  [KEEP]: {
    key: (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH,
    keep: (v) => typeof v === 'boolean',
  },
  [SETTINGS_GET]: {},
  [SITE_SET]: {
    host: isHost,
    patch: isSitePatch,
  },
  [SITE_REMOVE]: {
    host: isHost,
  },
  [RULES_CHECK]: {
    text: (v) => typeof v === 'string' && v.length <= MAX_RULES_LENGTH,
  },
  [RULES_SET]: {
    text: (v) => typeof v === 'string' && v.length <= MAX_RULES_LENGTH,
  },
  [PROBLEMS_CLEAR]: {},
  [EXPORT]: {},
  [IMPORT]: {
    data: isJsonObject,
  },
  [TAB_ACTION]: {
    tabId: (v) => Number.isSafeInteger(v) && v >= 0,
    action: (v) => TAB_ACTIONS.includes(v),
  },
  [PICK]: {
    selector: (v) => typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_SELECTOR_LENGTH
      && !/[\n\r]|##|#@#/.test(v),
  },
  [AUTO]: {},
};

/** Whether an imported object is plain JSON data within MAX_EXPORT_LENGTH. */
function isJsonObject(v) {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  try {
    const json = JSON.stringify(v);
    return typeof json === 'string' && json.length <= MAX_EXPORT_LENGTH;
  } catch {
    return false;
  }
}

/** Whether `url` parses as an http(s) or file URL: the only pages a reader view is made of. */
export function isWebUrl(url) {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' || protocol === 'file:';
  } catch {
    return false;
  }
}

/**
 * Checks a message's shape: a plain object with a known `type`, exactly the fields that type
 * has, each of the expected type and size. Returns the message's type, or null if it is not a
 * valid message.
 * @param {unknown} msg
 * @returns {string | null}
 */
export function checkMessage(msg) {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return null;
  const type = msg.type;
  if (typeof type !== 'string' || !Object.hasOwn(SHAPES, type)) return null;
  const shape = SHAPES[type];
  const keys = Object.keys(msg);
  if (keys.length !== Object.keys(shape).length + 1) return null;
  for (const key of keys) {
    if (key === 'type') continue;
    if (!Object.hasOwn(shape, key) || !shape[key](msg[key])) return null;
  }
  return type;
}

/** A fresh one-time token: 128 bits from the platform's CSPRNG, as hex. */
export function newToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
