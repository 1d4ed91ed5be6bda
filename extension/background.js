// Klartext's background: owns the state of the hand-over between a page and its reader view.
// The toolbar action, the keyboard command and the context menu all toggle the reader view of a
// tab: the content script is injected on demand (activeTab + scripting, no host permissions),
// tells this background the page's URL, a fresh hand-over key and a fresh one-time token for
// them, and frames the reader page with that token at once (it does not wait for an answer);
// the reader page takes URL and key by token, exactly once, and accepts the page's source posted to it by the content script only with
// that key. The source itself never passes through here: extension messages copy it as JSON,
// twice, which cost more than the core itself (tests/out/bench.txt).

import {
  AUTO, CLEAN, CLEAN_SOURCE, CLOSE, EXPORT, IMPORT, KEEP, OFFER, PICK, PROBLEMS_CLEAR, READERABLE,
  READER_SET, RULES_CHECK, RULES_SET, SELECTION, SETTINGS_GET, SITE_REMOVE, SITE_SET, TAB_ACTION, TAKE, TOGGLE,
  checkMessage,
} from './protocol.js';
// A namespace import: a core without clean() (an old build) breaks cleaning, not the background.
import initCore, * as klartextCore from './core/klartext.js';
import { hostOf, loadExceptions, setException } from './clean/exceptions.js';
import { Store } from './storage/store.js';
import {
  AUTO_MODES, CATEGORIES, MODES, originPattern, siteOf,
} from './storage/sites.js';

const api = globalThis.browser ?? globalThis.chrome;

const COMMAND = 'toggle-reader';
const CLEAN_COMMAND = 'clean-page';
const MENU_ID = 'klartext-open-reader';
const MENU_SELECTION_ID = 'klartext-read-selection';
const MENU_CLEAN_ID = 'klartext-clean-page';
const MENU_SITE_ID = 'klartext-site-settings';
const SITE_COMMAND = 'site-settings';
/** Injected for the element picker, in this order. */
const PICKER_SCRIPTS = ['picker/selector.js', 'picker/picker.js'];
/** The id of the registered auto-mode script (one registration for all auto sites). */
const AUTO_SCRIPT_ID = 'klartext-auto';
const POPUP_PATH = 'popup/popup.html';
/** How long an automatic clean may wait for the page's clutter before the page is shown. */
const AUTO_CLEAN_WAIT_MS = 4000;
/** Injected for the reader view, in this order (the first defines what the second uses). */
const READER_SCRIPTS = ['serialise.js', 'content.js'];
/** Injected for "clean in place", in this order (the first defines what the second uses). */
const CLEAN_SCRIPTS = ['clean/block-key.js', 'clean/content-clean.js'];
/** A hand-over not taken within this time is dropped. */
const TOKEN_TTL_MS = 60_000;
const READER_URL = api.runtime.getURL('reader/reader.html');

/** token -> { tabId, url, key, expires }. In memory: a hand-over takes well under a second. */
const pending = new Map();
/**
 * How long a reader frame's TAKE waits for its token's OFFER. The content script sends the
 * offer before it even makes the frame, so it is here first unless messages were reordered.
 */
const OFFER_WAIT_MS = 2000;
/** token -> the TAKEs waiting for that token's OFFER (functions that get the entry, or null). */
const waiting = new Map();

/** The pending hand-over under `token`, waiting up to OFFER_WAIT_MS for its offer. */
function offered(token) {
  if (pending.has(token)) return Promise.resolve(pending.get(token));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      const rest = (waiting.get(token) ?? []).filter((w) => w !== wake);
      if (rest.length) waiting.set(token, rest);
      else waiting.delete(token);
      resolve(null);
    }, OFFER_WAIT_MS);
    function wake(entry) {
      clearTimeout(timer);
      resolve(entry);
    }
    waiting.set(token, [...(waiting.get(token) ?? []), wake]);
  });
}

function sweep(now = Date.now()) {
  for (const [token, entry] of pending) {
    if (entry.expires <= now) pending.delete(token);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Injects the content script (a no-op if it is there already). Chromium sometimes dispatches
 * the click before the tab's activeTab grant has reached the page (measured: about 1 click in
 * 15 fails with "Cannot access contents of the page", and the same call succeeds 300 ms later),
 * so a failure is retried a few times before it counts.
 */
async function inject(tabId, files = READER_SCRIPTS) {
  let failure;
  for (const delay of [0, 50, 150, 300, 500]) {
    if (delay) await sleep(delay);
    try {
      return await api.scripting.executeScript({ target: { tabId }, files });
    } catch (err) {
      failure = err;
    }
  }
  throw failure;
}

/**
 * Opens or closes the reader view in a tab, after a user gesture granted activeTab on it
 * (`type` SELECTION: opens it on the selected text).
 */
async function toggle(tab, type = TOGGLE) {
  if (!tab || typeof tab.id !== 'number' || tab.id < 0) return;
  try {
    await inject(tab.id);
    await api.tabs.sendMessage(tab.id, { type }, { frameId: 0 });
  } catch (err) {
    // Pages the extension may not script (the browser's own pages, the web store, PDF viewers).
    console.warn(`Klartext: cannot open the reader view on this page: ${err?.message ?? err}`);
  }
}

/**
 * Cleans a tab's page in place, or gives it back (clean/content-clean.js does the work). `focus`:
 * whether its panel takes the keyboard focus; not when a site's automatic mode cleans the page as
 * it loads, when the user may already be typing into it.
 */
async function toggleClean(tab, focus = true) {
  if (!tab || typeof tab.id !== 'number' || tab.id < 0) return;
  try {
    await inject(tab.id, CLEAN_SCRIPTS);
    await api.tabs.sendMessage(tab.id, { type: CLEAN, focus }, { frameId: 0 });
  } catch (err) {
    console.warn(`Klartext: cannot clean this page: ${err?.message ?? err}`);
  }
}

// Where the core runs for cleaning in place: here, in the background, in both browsers. Chromium
// refuses wasm in content scripts on pages whose CSP forbids it, so the content script sends the
// page's source here. Chromium's extension service worker and Firefox's background page (an
// event page, from `background.scripts`) may both compile wasm (the manifest's extension_pages
// CSP allows 'wasm-unsafe-eval'), and both load the module core statically, so neither needs an
// offscreen document. The wasm is instantiated on first use and lives as long as the background.
let coreReady = null;
function core() {
  coreReady ??= initCore().catch((err) => {
    coreReady = null;
    throw err;
  });
  return coreReady;
}

/**
 * The clutter of a page's source, for cleaning it in place, and the site's exceptions. The
 * site's category switches and the user's rules go to the core; a site switched off is left
 * alone.
 */
async function cleanSource(html, url, host) {
  try {
    await core();
    const site = await siteSettings(host);
    let removed = [];
    if (site.mode !== 'off') {
      ({ removed } = klartextCore.cleanWith(html, url, store.state.rules, site.off));
    }
    const exceptions = await loadExceptions(api.storage.local, host).catch(() => []);
    return { ok: true, removed, exceptions };
  } catch (err) {
    return { ok: false, error: String(err?.message ?? err).split('\n')[0] };
  }
}

// The user's settings: the background owns them, and every change goes through the store, one
// write after the other (storage/store.js). A store that cannot be read at all (no storage)
// leaves every site at its defaults.
const store = new Store(api.storage);
api.storage.onChanged.addListener((changes, area) => {
  store.merge(changes, area);
});

/** A site's switches (the defaults when the store cannot be read). */
async function siteSettings(host) {
  try {
    await store.load();
    return store.site(host);
  } catch {
    return { mode: 'manual', off: [] };
  }
}

// Automatic modes run from one registered content script (auto/auto-start.js, document_start)
// whose matches are the auto sites whose host permission the user granted. It is registered
// again whenever those change: after a settings change, a granted or revoked permission, and at
// start-up.
let autoScripts = Promise.resolve();
function syncAutoScripts() {
  autoScripts = autoScripts.then(async () => {
    const hosts = [...store.state.sites].filter(([, site]) => AUTO_MODES.includes(site.mode)).map(([h]) => h);
    const granted = [];
    for (const host of hosts) {
      const origins = [originPattern(host)];
      if (await api.permissions.contains({ origins }).catch(() => false)) granted.push(...origins);
    }
    const registered = await api.scripting.getRegisteredContentScripts({ ids: [AUTO_SCRIPT_ID] })
      .catch(() => []);
    if (registered.length) await api.scripting.unregisterContentScripts({ ids: [AUTO_SCRIPT_ID] });
    if (granted.length) {
      await api.scripting.registerContentScripts([{
        id: AUTO_SCRIPT_ID,
        matches: granted,
        js: ['auto/auto-start.js'],
        runAt: 'document_start',
        allFrames: false,
      }]);
    }
  }).catch((err) => console.warn(`Klartext: cannot register the automatic modes: ${err?.message ?? err}`));
  return autoScripts;
}

store.listeners.add(() => {
  syncAutoScripts();
});
store.load().then(() => syncAutoScripts(), (err) => {
  console.warn(`Klartext: cannot read the settings: ${err?.message ?? err}`);
});
api.permissions.onAdded?.addListener(() => syncAutoScripts());
api.permissions.onRemoved?.addListener(() => syncAutoScripts());

/** Automatic cleans waiting for their page's source to be answered, by tab. */
const autoCleans = new Map();
function cleanAnswered(tabId) {
  const waiting = autoCleans.get(tabId);
  if (!waiting) return;
  autoCleans.delete(tabId);
  // After the answer has gone out: the content script hides the blocks when it arrives.
  setTimeout(waiting, 50);
}

/** Runs a site's automatic mode in a tab at page load; resolves when the page may be shown. */
async function runAuto(tab, url) {
  const site = await siteSettings(siteOf(url));
  if (site.mode === 'reader') {
    await toggle(tab);
  } else if (site.mode === 'clean') {
    const answered = new Promise((resolve) => {
      autoCleans.set(tab.id, resolve);
      setTimeout(resolve, AUTO_CLEAN_WAIT_MS);
    });
    await toggleClean(tab, false);
    await answered;
  }
  return { ok: true, mode: site.mode };
}

/** Starts the element picker in a tab (picker/picker.js writes the rule through PICK). */
async function startPicker(tab) {
  if (!tab || typeof tab.id !== 'number' || tab.id < 0) return;
  try {
    await inject(tab.id, PICKER_SCRIPTS);
  } catch (err) {
    console.warn(`Klartext: cannot pick an element on this page: ${err?.message ?? err}`);
  }
}

/**
 * The element picker's rule for a site: `host##selector`, if the core's rule parser takes it.
 */
async function addPickedRule(url, selector) {
  const host = siteOf(url);
  if (!host) return { ok: false, error: 'no-site' };
  const rule = `${host}##${selector.trim()}`;
  await core();
  const errors = klartextCore.validateRules(rule);
  if (errors.length) return { ok: false, error: errors[0].message };
  await store.addRule(rule);
  return { ok: true, rule };
}

/**
 * Opens this site's switches (the popup) from the context menu or the shortcut: the toolbar
 * button keeps opening the reader view with one click. The popup is set for the tab just long
 * enough to open it; where the browser cannot open it, it opens in a small window.
 */
async function openSiteSettings(tab) {
  if (!tab || typeof tab.id !== 'number' || tab.id < 0) return;
  // No await between the two calls: Firefox opens a popup only while handling the user's input.
  const set = api.action.setPopup({ tabId: tab.id, popup: POPUP_PATH });
  let opened;
  try {
    opened = api.action.openPopup?.();
  } catch {
    opened = Promise.reject(new Error('no openPopup'));
  }
  try {
    await set;
    if (!opened) throw new Error('no openPopup');
    await opened;
  } catch {
    await api.windows?.create({
      url: api.runtime.getURL(`${POPUP_PATH}?tab=${tab.id}`),
      type: 'popup',
      width: 400,
      height: 600,
    }).catch(() => {});
  } finally {
    api.action.setPopup({ tabId: tab.id, popup: '' }).catch(() => {});
  }
}

/**
 * What the reader view's core takes from the user's settings: the categories switched off for
 * the site (kept in the article), and the user's rules.
 */
async function readerOptions(url) {
  const site = await siteSettings(siteOf(url));
  return { keep: site.off, rules: store.state?.rules ?? '' };
}

/** Answers the popup and the options page from the store. */
async function settingsRequest(type, msg) {
  try {
    await store.load();
  } catch {
    return { ok: false, error: 'storage' };
  }
  switch (type) {
    case SETTINGS_GET:
      return { ok: true, ...store.snapshot(), categories: CATEGORIES, modes: MODES };
    case SITE_SET:
      return { ok: true, site: await store.setSite(msg.host, msg.patch) };
    case SITE_REMOVE:
      await store.removeSite(msg.host);
      return { ok: true };
    case READER_SET:
      return { ok: true, settings: await store.setReader(msg.patch) };
    case RULES_CHECK:
    case RULES_SET: {
      await core();
      const errors = klartextCore.validateRules(msg.text);
      if (type === RULES_SET) await store.setRules(msg.text);
      return { ok: true, errors };
    }
    case PROBLEMS_CLEAR:
      await store.clearProblems();
      return { ok: true };
    case EXPORT:
      return { ok: true, data: await store.exportAll() };
    case IMPORT: {
      const problem = await store.importAll(msg.data);
      return problem ? { ok: false, error: problem } : { ok: true };
    }
    default:
      return null;
  }
}

/** Runs a popup's button in its tab. */
async function tabAction(tabId, action) {
  const tab = await api.tabs.get(tabId).catch(() => null);
  if (!tab) return { ok: false, error: 'no-tab' };
  if (action === 'read') await toggle(tab);
  else if (action === 'clean') await toggleClean(tab);
  else await startPicker(tab);
  return { ok: true };
}

api.action.onClicked.addListener((tab) => {
  toggle(tab);
});

api.commands.onCommand.addListener((command, tab) => {
  const run = command === COMMAND ? toggle
    : command === CLEAN_COMMAND ? toggleClean
      : command === SITE_COMMAND ? openSiteSettings : null;
  if (!run) return;
  if (tab) {
    run(tab);
  } else {
    // Older Firefox versions call back without the tab.
    api.tabs.query({ active: true, currentWindow: true }).then(([active]) => run(active));
  }
});

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID) toggle(tab);
  else if (info.menuItemId === MENU_SELECTION_ID) toggle(tab, SELECTION);
  else if (info.menuItemId === MENU_CLEAN_ID) toggleClean(tab);
  else if (info.menuItemId === MENU_SITE_ID) openSiteSettings(tab);
});

api.runtime.onInstalled.addListener(() => {
  api.contextMenus.removeAll().then(() => {
    api.contextMenus.create({
      id: MENU_ID,
      title: api.i18n.getMessage('contextMenuTitle'),
      contexts: ['page'],
    });
    api.contextMenus.create({
      id: MENU_CLEAN_ID,
      title: api.i18n.getMessage('contextMenuClean'),
      contexts: ['page'],
      documentUrlPatterns: ['http://*/*', 'https://*/*', 'file:///*'],
    });
    api.contextMenus.create({
      id: MENU_SITE_ID,
      title: api.i18n.getMessage('contextMenuSiteSettings'),
      contexts: ['action', 'page'],
      documentUrlPatterns: ['http://*/*', 'https://*/*'],
    });
    api.contextMenus.create({
      id: MENU_SELECTION_ID,
      title: api.i18n.getMessage('contextMenuSelection'),
      contexts: ['selection'],
      // Web pages only: not the reader view itself.
      documentUrlPatterns: ['http://*/*', 'https://*/*', 'file:///*'],
    });
  });
});

/** Whether a message comes from this extension's reader page, framed in a tab. */
function fromReader(sender) {
  return typeof sender.url === 'string' && sender.url.startsWith(READER_URL)
    && typeof sender.tab?.id === 'number';
}

/** Whether a message comes from a reader page, framed in a tab or not. */
function fromReaderPage(sender) {
  return typeof sender.url === 'string' && sender.url.startsWith(READER_URL);
}

/** Whether a message comes from the popup or the options page. */
function fromSettingsPage(sender) {
  return typeof sender.url === 'string'
    && (sender.url.startsWith(api.runtime.getURL('popup/')) || sender.url.startsWith(api.runtime.getURL('options/')));
}

/** Whether a message comes from the content script in a tab's top frame. */
function fromContentScript(sender) {
  return typeof sender.tab?.id === 'number' && sender.frameId === 0
    && !(typeof sender.url === 'string' && sender.url.startsWith(api.runtime.getURL('')));
}

/** Tokens already taken, so that none is offered twice (the last thousand). */
const used = new Set();

/** Hands a reader frame in tab `tabId` the URL and key under `token`, once. */
function take(token, entry, tabId) {
  sweep();
  if (!entry || pending.get(token) !== entry || entry.tabId !== tabId) return { ok: false, error: 'expired' };
  pending.delete(token);
  used.add(token);
  if (used.size > 1000) used.delete(used.values().next().value);
  // Were this a frame the page made with a stolen token, it gets the key but no source: the
  // content script posts the source only into the frame it made itself.
  return { ok: true, url: entry.url, key: entry.key };
}

function handle(msg, sender) {
  if (sender.id !== api.runtime.id) return null;
  const type = checkMessage(msg);
  switch (type) {
    case OFFER: {
      if (!fromContentScript(sender)) return null;
      sweep();
      // One hand-over per tab at a time: a new one replaces an untaken one.
      for (const [token, entry] of pending) {
        if (entry.tabId === sender.tab.id) pending.delete(token);
      }
      // A token is good for one hand-over: one offered again (or a second offer reusing it) is
      // refused, and the reader frame that has it finds it expired.
      if (pending.has(msg.token) || used.has(msg.token)) return { ok: false, error: 'token-used' };
      const entry = {
        tabId: sender.tab.id,
        url: msg.url,
        key: msg.key,
        expires: Date.now() + TOKEN_TTL_MS,
      };
      pending.set(msg.token, entry);
      const woken = waiting.get(msg.token) ?? [];
      waiting.delete(msg.token);
      for (const wake of woken) wake(entry);
      return { ok: true };
    }
    case TAKE: {
      if (!fromReader(sender)) return null;
      // The reader also gets the site's switches and the user's rules for the core.
      return offered(msg.token).then((entry) => {
        const reply = take(msg.token, entry, sender.tab.id);
        return reply.ok ? readerOptions(reply.url).then((options) => ({ ...reply, options })) : reply;
      });
    }
    case CLOSE: {
      if (!fromReader(sender)) return null;
      return api.tabs.sendMessage(sender.tab.id, { type: CLOSE }, { frameId: 0 })
        .then(() => ({ ok: true }), () => ({ ok: false, error: 'no-view' }));
    }
    case READERABLE: {
      if (!fromReader(sender)) return null;
      return showReaderable(sender.tab.id, msg.readerable).then(() => ({ ok: true }));
    }
    case CLEAN_SOURCE: {
      if (!fromContentScript(sender)) return null;
      return cleanSource(msg.html, msg.url, hostOf(sender.url)).finally(() => cleanAnswered(sender.tab.id));
    }
    case KEEP: {
      // The exception is for the site the content script runs in, whatever the message says.
      if (!fromContentScript(sender)) return null;
      // In the store's queue: two tabs keeping blocks at once both keep theirs.
      return store.serial(() => setException(api.storage.local, hostOf(sender.url), msg.key, msg.keep))
        .then(() => ({ ok: true }), () => ({ ok: false, error: 'storage' }));
    }
    case READER_SET: {
      if (!(fromReaderPage(sender) || fromSettingsPage(sender))) return null;
      return settingsRequest(type, msg).catch((err) => ({ ok: false, error: String(err?.message ?? err) }));
    }
    case SETTINGS_GET:
    case SITE_SET:
    case SITE_REMOVE:
    case RULES_CHECK:
    case RULES_SET:
    case PROBLEMS_CLEAR:
    case EXPORT:
    case IMPORT: {
      if (!fromSettingsPage(sender)) return null;
      return settingsRequest(type, msg).catch((err) => ({ ok: false, error: String(err?.message ?? err) }));
    }
    case TAB_ACTION: {
      if (!(typeof sender.url === 'string' && sender.url.startsWith(api.runtime.getURL('popup/')))) return null;
      return tabAction(msg.tabId, msg.action);
    }
    case PICK: {
      // The rule is for the site the picker runs in, whatever the message says.
      if (!fromContentScript(sender)) return null;
      return addPickedRule(sender.url, msg.selector).catch(() => ({ ok: false, error: 'storage' }));
    }
    case AUTO: {
      if (!fromContentScript(sender)) return null;
      return runAuto(sender.tab, sender.url).catch(() => ({ ok: false, error: 'auto' }));
    }
    default:
      return null;
  }
}

// The toolbar button tells whether the page in a tab looks like an article. With activeTab and
// no host permissions the extension cannot look at a page by itself: it knows only once the
// reader view has read the page in that tab, and forgets on the next page load.

/** The toolbar icon in grey, for pages without an article (null where it cannot be drawn). */
let greyIcon;
function makeGreyIcon() {
  greyIcon ??= (async () => {
    const imageData = {};
    for (const size of [16, 32]) {
      const blob = await (await fetch(api.runtime.getURL(`icons/icon-${size}.png`))).blob();
      const canvas = new OffscreenCanvas(size, size);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(await createImageBitmap(blob), 0, 0, size, size);
      const image = ctx.getImageData(0, 0, size, size);
      const px = image.data;
      for (let i = 0; i < px.length; i += 4) {
        const grey = Math.round(0.3 * px[i] + 0.59 * px[i + 1] + 0.11 * px[i + 2]);
        px[i] = px[i + 1] = px[i + 2] = grey;
        px[i + 3] = Math.round(px[i + 3] * 0.6);
      }
      imageData[size] = image;
    }
    return imageData;
  })().catch(() => null);
  return greyIcon;
}

const DEFAULT_ICON = { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png' };

async function showReaderable(tabId, readerable) {
  const title = api.i18n.getMessage(readerable ? 'actionTitleReaderable' : 'actionTitleNotReaderable');
  const imageData = readerable ? null : await makeGreyIcon();
  await Promise.all([
    api.action.setTitle({ tabId, title }),
    api.action.setBadgeText({ tabId, text: readerable ? '✓' : '' }),
    readerable ? api.action.setBadgeBackgroundColor({ tabId, color: '#1a7f37' }) : null,
    imageData ? api.action.setIcon({ tabId, imageData }) : api.action.setIcon({ tabId, path: DEFAULT_ICON }),
  ]).catch(() => {});
}

/** A new page in the tab: what the icon knew was about the page before. */
api.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status !== 'loading') return;
  Promise.all([
    api.action.setTitle({ tabId, title: api.i18n.getMessage('actionTitle') }),
    api.action.setBadgeText({ tabId, text: '' }),
    api.action.setIcon({ tabId, path: DEFAULT_ICON }),
  ]).catch(() => {});
});

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const reply = handle(msg, sender);
  if (reply === null) return false;
  Promise.resolve(reply).then(sendResponse);
  return true;
});
