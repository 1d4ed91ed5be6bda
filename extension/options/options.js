// The options page: every site's switches (search, change, remove), the user's rules (an editor
// checked by the core's own parser, a rules file in and out), the reader view's defaults (the
// reader's own settings module and storage key), and everything as one JSON file. Sites, rules
// and the file go through the background, which owns them; the reader's settings are the reader
// page's, kept in storage.sync under its key, and written here with its module.

import {
  EXPORT, IMPORT, PROBLEMS_CLEAR, READER_SET, RULES_CHECK, RULES_SET, SETTINGS_GET, SITE_REMOVE,
  SITE_SET,
} from '../protocol.js';
import * as prefs from '../reader/settings.js';
import {
  AUTO_MODES, CATEGORIES, MODES, originPattern,
} from '../storage/sites.js';
import {
  categoryLabel, download, localize, modeLabel, sendToBackground, storageNote,
} from './ui.js';

const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);
const t = (name, substitutions) => api.i18n.getMessage(name, substitutions) || name;
const send = (msg) => sendToBackground(msg);

prefs.fillFields($('settings-fields'));
localize(document);

let settings = null;

async function refresh() {
  const reply = await send({ type: SETTINGS_GET }).catch(() => null);
  if (!reply?.ok) {
    $('storage-note').hidden = false;
    $('storage-text').textContent = t('storageUnreadable');
    return;
  }
  // A Map: a site may be called anything a hostname can be, __proto__ included.
  settings = { ...reply, sites: new Map(Object.entries(reply.sites)) };
  const note = storageNote(settings, t);
  $('storage-note').hidden = !note;
  $('storage-text').textContent = note;
  $('problems-clear').hidden = !settings.problems.length;
  showSites();
}

// Sites.

function siteRow(host, site) {
  const row = document.createElement('tr');
  row.dataset.host = host;
  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = host;

  const modeCell = document.createElement('td');
  const select = document.createElement('select');
  select.setAttribute('aria-label', t('siteModeFor', [host]));
  for (const mode of MODES) {
    const option = new Option(modeLabel(mode, t), mode, false, site.mode === mode);
    select.append(option);
  }
  select.addEventListener('change', async () => {
    const mode = select.value;
    if (!AUTO_MODES.includes(mode)) {
      await change(host, { mode });
      return;
    }
    // Automatic modes need the site's host permission, asked at once in this gesture's handler.
    const granted = await api.permissions.request({ origins: [originPattern(host)] }).catch(() => false);
    if (granted) await change(host, { mode });
    else select.value = settings.sites.get(host)?.mode ?? site.mode;
  });
  modeCell.append(select);

  const categories = document.createElement('td');
  categories.className = 'categories';
  for (const category of CATEGORIES) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = !site.off.includes(category);
    box.dataset.category = category;
    box.setAttribute('aria-label', t('siteCategoryFor', [categoryLabel(category, t), host]));
    box.addEventListener('change', () => change(host, { category, on: box.checked }));
    label.append(box, ` ${categoryLabel(category, t)}`);
    categories.append(label);
  }

  const removeCell = document.createElement('td');
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.textContent = t('siteRemove');
  remove.setAttribute('aria-label', t('siteRemoveFor', [host]));
  remove.addEventListener('click', async () => {
    await send({ type: SITE_REMOVE, host });
    await refresh();
    $('site-search').focus();
  });
  removeCell.append(remove);
  row.append(name, modeCell, categories, removeCell);
  return row;
}

async function change(host, patch) {
  const reply = await send({ type: SITE_SET, host, patch });
  if (reply?.ok) settings.sites.set(host, reply.site);
}

function showSites() {
  const query = $('site-search').value.trim().toLowerCase();
  const body = $('sites').tBodies[0];
  const rows = [...settings.sites]
    .filter(([host]) => host.includes(query))
    .map(([host, site]) => siteRow(host, site));
  body.replaceChildren(...rows);
  $('sites-empty').hidden = rows.length > 0;
}

$('site-search').addEventListener('input', () => settings && showSites());

// Rules.

function showRuleErrors(errors) {
  const list = $('rule-errors');
  list.replaceChildren(...errors.map((e) => {
    const item = document.createElement('li');
    item.textContent = t('rulesErrorLine', [String(e.line), e.message]);
    return item;
  }));
}

async function checkRules(save) {
  const text = $('rules-text').value;
  const reply = await send({ type: save ? RULES_SET : RULES_CHECK, text });
  if (!reply?.ok) {
    $('rules-status').textContent = t('storageUnreadable');
    return;
  }
  showRuleErrors(reply.errors);
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('!')).length;
  const good = lines - reply.errors.length;
  $('rules-status').textContent = reply.errors.length
    ? t(save ? 'rulesSavedWithErrors' : 'rulesCheckedWithErrors', [String(good), String(reply.errors.length)])
    : t(save ? 'rulesSaved' : 'rulesChecked', [String(good)]);
}

$('rules-save').addEventListener('click', () => checkRules(true));
$('rules-check').addEventListener('click', () => checkRules(false));
$('rules-export').addEventListener('click', () => {
  download($('rules-text').value, 'klartext-rules.txt', 'text/plain');
});
$('rules-import').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  if (!file) return;
  $('rules-text').value = await file.text();
  event.target.value = '';
  await checkRules(false);
  $('rules-status').textContent += ` ${t('rulesImportedUnsaved')}`;
});

// The reader's defaults.

const readerStorage = api.storage.sync ?? api.storage.local;
let readerSettings = await prefs.load(readerStorage);
// What changed goes to the background, which applies it in its queue to what is stored.
const saveReaderChanges = prefs.patchSaver(
  (patch) => send({ type: READER_SET, patch }),
  () => prefs.save(readerStorage, readerSettings),
);
const panel = prefs.bindPanel($('settings'), {
  locale: api.i18n.getUILanguage?.() || 'en',
  getSettings: () => readerSettings,
  onChange: (next) => {
    const before = readerSettings;
    readerSettings = next;
    saveReaderChanges(prefs.changes(before, next));
  },
  contrastText: (text, link) => t('contrastNote', [text.toFixed(1), link.toFixed(1)]),
});
panel.show(readerSettings);

// Everything.

$('all-export').addEventListener('click', async () => {
  const reply = await send({ type: EXPORT });
  if (!reply?.ok) {
    $('all-status').textContent = t('storageUnreadable');
    return;
  }
  download(`${JSON.stringify(reply.data, null, 2)}\n`, 'klartext-settings.json', 'application/json');
  $('all-status').textContent = t('allExported');
});
$('all-import').addEventListener('change', async (event) => {
  const [file] = event.target.files;
  if (!file) return;
  event.target.value = '';
  let data;
  try {
    data = JSON.parse(await file.text());
  } catch {
    $('all-status').textContent = t('allImportFailed', ['not-json']);
    return;
  }
  const reply = await send({ type: IMPORT, data }).catch(() => ({ ok: false, error: 'too-large' }));
  if (!reply?.ok) {
    $('all-status').textContent = t('allImportFailed', [String(reply?.error ?? '')]);
    return;
  }
  $('all-status').textContent = t('allImported');
  readerSettings = await prefs.load(readerStorage);
  panel.show(readerSettings);
  await refresh();
  $('rules-text').value = settings.rules;
});

$('problems-clear').addEventListener('click', async () => {
  await send({ type: PROBLEMS_CLEAR });
  await refresh();
});

await refresh();
$('rules-text').value = settings?.rules ?? '';
// Tests wait for this: the page shows the stored settings (or says it cannot).
document.body.dataset.ready = 'true';
