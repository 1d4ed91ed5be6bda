// What the popup and the options page share: filling in their UI strings, naming categories and
// modes, and telling the user where their settings are kept and what was wrong with them.

import { CATEGORY_MESSAGES } from '../categories.js';

/** What the store reports about a stored key (storage/store.js), in words. */
const PROBLEM_MESSAGES = {
  corrupt: 'problemCorrupt',
  repaired: 'problemRepaired',
  'newer-schema': 'problemNewerSchema',
};

const MODE_MESSAGES = {
  manual: 'modeManual', reader: 'modeReader', clean: 'modeClean', off: 'modeOff',
};

/**
 * Sends a message to the background. Right after the extension starts (installed, updated,
 * the browser just opened) its background may not listen yet: the message is sent again a few
 * times before the failure counts.
 */
export async function sendToBackground(message) {
  const api = globalThis.browser ?? globalThis.chrome;
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.runtime.sendMessage(message);
    } catch (err) {
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

/** Sets the text of every [data-i18n] element, and the document's language. */
export function localize(root) {
  const api = globalThis.browser ?? globalThis.chrome;
  root.documentElement.lang = api.i18n.getUILanguage?.() || 'en';
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = api.i18n.getMessage(el.dataset.i18n) || el.dataset.i18n;
  }
}

export function categoryLabel(category, t) {
  return t(CATEGORY_MESSAGES[category] ?? 'categoryOther');
}

export function modeLabel(mode, t) {
  return t(MODE_MESSAGES[mode] ?? 'modeManual');
}

/** The sentence about where settings live and what was wrong with the stored data ('' if all is well). */
export function storageNote(settings, t) {
  const notes = [];
  if (settings.area === 'local') {
    notes.push(t(settings.areaReason === 'quota' ? 'storageLocalQuota' : 'storageLocalUnavailable'));
  }
  if (settings.problems?.length) {
    const what = (problem) => t(PROBLEM_MESSAGES[problem] ?? 'problemOther');
    notes.push(t('storageProblems', [settings.problems.map((p) => `${p.key} (${what(p.problem)})`).join(', ')]));
  }
  return notes.join(' ');
}

/** Offers `text` as a file download. */
export function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
