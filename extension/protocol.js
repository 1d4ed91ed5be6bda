// The messages between the background, the content script and the reader page, and the one
// check that every receiver applies to them. The content script is a classic script and cannot
// import this module: it keeps its own copy of the type strings (kept in step by a test).

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
};

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
