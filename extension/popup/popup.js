// The popup: this site's switches (automatic mode, categories) and buttons for the reader view,
// clean in place and the element picker. It opens from the context menu of the toolbar button
// and of the page, and from a keyboard shortcut (the toolbar button itself opens the reader view
// with one click); where the browser cannot open a popup, the same page opens in a small window
// with the tab's id in its URL. Every change goes to the background, which owns the settings.

import {
  PROBLEMS_CLEAR, SETTINGS_GET, SITE_SET, TAB_ACTION,
} from '../protocol.js';
import { AUTO_MODES, CATEGORIES, originPattern, siteOf } from '../storage/sites.js';
import {
  categoryLabel, localize, sendToBackground, storageNote,
} from '../options/ui.js';

const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
const t = (name, substitutions) => api.i18n.getMessage(name, substitutions) || name;

localize(document);

async function targetTab() {
  const id = Number(new URLSearchParams(location.search).get('tab'));
  if (Number.isSafeInteger(id) && id >= 0) return api.tabs.get(id).catch(() => null);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ?? null;
}

function setStatus(text) {
  $('status').textContent = text;
}

async function main() {
  const tab = await targetTab();
  const host = tab?.url ? siteOf(tab.url) : '';
  const settings = await sendToBackground({ type: SETTINGS_GET });
  if (!settings?.ok) {
    setStatus(t('storageUnreadable'));
    return;
  }
  const note = storageNote(settings, t);
  $('storage-note').hidden = !note;
  $('storage-note').textContent = note;

  for (const [id, action] of [['read-button', 'read'], ['clean-button', 'clean'], ['pick-button', 'pick']]) {
    $(id).disabled = !tab;
    $(id).addEventListener('click', async () => {
      await sendToBackground({ type: TAB_ACTION, tabId: tab.id, action });
      window.close();
    });
  }
  if (!host) {
    $('site-name').textContent = t('popupNoSite');
    $('site-form').hidden = true;
    $('clean-button').disabled = true;
    $('pick-button').disabled = true;
    return;
  }
  $('site-name').textContent = host;
  let site = (Object.hasOwn(settings.sites, host) ? settings.sites[host] : null) ?? { mode: 'manual', off: [] };

  const box = $('categories');
  for (const category of CATEGORIES) {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = 'category';
    input.value = category;
    label.append(input, ` ${categoryLabel(category, t)}`);
    box.append(label);
  }

  function show() {
    for (const input of document.querySelectorAll('input[name=mode]')) input.checked = input.value === site.mode;
    for (const input of document.querySelectorAll('input[name=category]')) input.checked = !site.off.includes(input.value);
  }
  show();

  async function send(patch) {
    const reply = await sendToBackground({ type: SITE_SET, host, patch });
    if (reply?.ok) {
      site = reply.site;
      setStatus(t('popupSaved'));
    } else {
      setStatus(t('storageUnreadable'));
    }
    show();
  }

  const origins = [originPattern(host)];

  /** Says so when the site's automatic mode lacks its access, with a button that asks again. */
  async function showAccess() {
    const needed = AUTO_MODES.includes(site.mode)
      && !(await api.permissions.contains({ origins }).catch(() => false));
    $('access').hidden = !needed;
  }
  $('access-text').textContent = t('popupNeedsAccess', [host]);
  $('access-button').addEventListener('click', async () => {
    await api.permissions.request({ origins }).catch(() => false);
    await showAccess();
  });

  for (const input of document.querySelectorAll('input[name=mode]')) {
    input.addEventListener('change', async () => {
      if (!input.checked) return;
      const mode = input.value;
      const before = site.mode;
      if (!AUTO_MODES.includes(mode)) {
        await send({ mode });
        await showAccess();
        return;
      }
      // Asked at once, in the click's handler (browsers grant permissions only during a user's
      // gesture), for this site only. The mode is sent at the same moment: Firefox may close
      // the popup while its permission prompt is open, and the choice must not be lost then.
      const granted = api.permissions.request({ origins }).catch(() => false);
      const saved = send({ mode });
      if (!(await granted)) {
        await saved;
        await send({ mode: before });
        setStatus(t('popupPermissionDenied', [host]));
      } else {
        await saved;
      }
      await showAccess();
    });
  }
  showAccess();
  for (const input of document.querySelectorAll('input[name=category]')) {
    input.addEventListener('change', () => send({ category: input.value, on: input.checked }));
  }
  if (settings.problems.length) {
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.textContent = t('problemsClear');
    clear.addEventListener('click', async () => {
      await sendToBackground({ type: PROBLEMS_CLEAR });
      clear.remove();
      $('storage-note').hidden = true;
    });
    $('storage-note').after(clear);
  }
}

main().catch((err) => setStatus(String(err?.message ?? err)));
