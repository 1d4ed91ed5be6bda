// The messages between the background, the content script and the reader page, and the one
// check that every receiver applies to them. The content script is a classic script and cannot
// import this module: it keeps its own copy of the type strings (kept in step by a test).

import { isHost, isSitePatch } from './storage/sites.js';
import { isPatch as isReaderPatch } from './reader/settings.js';

/** Background -> content script: open the reader view, or close it if it is open. */
export const TOGGLE = 'klartext:toggle';
/** Background -> content script: close the reader view. Reader page -> background: close my view. */
export const CLOSE = 'klartext:close';
/**
 * Content script -> background: a reader view is about to open on the page at `url`; its frame
 * will ask with the one-time `token`, and the page's source will come to it with `key`. Both
 * are fresh random values the content script makes; the frame is made without waiting for the
 * answer, so the round trip is not on the way to the article.
 */
export const OFFER = 'klartext:offer';
/** Reader page -> background: take the page's URL and the hand-over key stored under a token (once). */
export const TAKE = 'klartext:take';
/**
 * Content script -> reader frame, by window.postMessage (no JSON, no background in between):
 * `{ type: PAGE, key, utf8, selection }`, `utf8` the page's source as UTF-8 in chunks
 * (Uint8Arrays, transferred). The frame takes the first such message whose key is the one its
 * token was good for; the page never sees the key.
 */
export const PAGE = 'klartext:page';
/** Background -> content script: open the reader view on the selected text (context menu). */
export const SELECTION = 'klartext:selection';
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
/**
 * Reader page, options page -> background: change some of the reader view's settings
 * ({ patch }: the changed settings by name), applied in the store's queue to what is stored.
 */
export const READER_SET = 'klartext:reader-set';
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
 * Upper bound for the page source, in UTF-16 code units. The core needs about four bytes of
 * wasm memory per character of the page (measured: tests/out/bench.txt), so a page over this
 * gets one clear line instead of a frame that grows past half a gigabyte.
 */
export const MAX_HTML_LENGTH = 32 * 1024 * 1024;
/** The same bound in UTF-8 bytes: one UTF-16 code unit encodes to at most three. */
export const MAX_HTML_BYTES = 3 * MAX_HTML_LENGTH;
/** Upper bound for the number of chunks the source comes in. */
export const MAX_CHUNKS = 4096;
export const MAX_URL_LENGTH = 64 * 1024;
/** Upper bound for the selected text's document, which travels next to the page's source. */
export const MAX_SELECTION_LENGTH = 4 * 1024 * 1024;
/** A token, and a hand-over key, is 32 lowercase hex digits (128 random bits). */
export const TOKEN_PATTERN = /^[0-9a-f]{32}$/;

const SHAPES = {
  [TOGGLE]: {},
  [CLOSE]: {},
  [OFFER]: {
    url: (v) => typeof v === 'string' && v.length <= MAX_URL_LENGTH && isWebUrl(v),
    key: (v) => typeof v === 'string' && TOKEN_PATTERN.test(v),
    token: (v) => typeof v === 'string' && TOKEN_PATTERN.test(v),
  },
  [TAKE]: {
    token: (v) => typeof v === 'string' && TOKEN_PATTERN.test(v),
  },
  [SELECTION]: {},
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
  [READER_SET]: {
    patch: isReaderPatch,
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

function isUtf8Chunks(v) {
  if (!Array.isArray(v) || v.length > MAX_CHUNKS) return false;
  let bytes = 0;
  for (const chunk of v) {
    if (!(chunk instanceof Uint8Array)) return false;
    bytes += chunk.byteLength;
  }
  return bytes <= MAX_HTML_BYTES;
}

const PAGE_SHAPE = {
  utf8: isUtf8Chunks,
  selection: (v) => typeof v === 'string' && v.length <= MAX_SELECTION_LENGTH,
  last: (v) => typeof v === 'boolean',
};

/**
 * Checks a part of a page hand-over posted to the reader frame: `{ type: PAGE, key, utf8,
 * selection, last }` with exactly these fields and `key` equal to the key the frame's token
 * was good for. A page comes in parts, in order, the first with the selection, the last with
 * `last` true; the frame also holds the parts together to the size limit. Anything the page
 * itself posts fails here: it cannot know the key.
 * @param {unknown} data
 * @param {string} key
 * @returns {{ utf8: Uint8Array[], selection: string, last: boolean } | null}
 */
export function checkPage(data, key) {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  if (Object.getPrototypeOf(data) !== Object.prototype) return null;
  const keys = Object.keys(data);
  if (keys.length !== 5 || data.type !== PAGE || typeof data.key !== 'string') return null;
  if (!TOKEN_PATTERN.test(key) || !sameKey(data.key, key)) return null;
  for (const name of Object.keys(PAGE_SHAPE)) {
    if (!Object.hasOwn(data, name) || !PAGE_SHAPE[name](data[name])) return null;
  }
  return { utf8: data.utf8, selection: data.selection, last: data.last };
}

/** Compares two keys in time that does not depend on where they differ. */
function sameKey(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A fresh one-time token: 128 bits from the platform's CSPRNG, as hex. */
export function newToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
