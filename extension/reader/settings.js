// The reader view's settings: what they are, their bounds, how they look on the page, and the
// panel that changes them. Stored in storage.sync (the browser keeps them on this device when
// it does not sync); read by the reader and options pages, and changed through the background,
// which applies each page's patch in its store queue (READER_SET).

/** Each numeric setting: [min, max, step, default]. */
const RANGES = {
  size: [14, 36, 1, 20],
  width: [40, 100, 2, 70],
  lineHeight: [1.2, 2.4, 0.1, 1.6],
  letterSpacing: [0, 0.12, 0.01, 0],
  wordSpacing: [0, 0.5, 0.05, 0],
  rate: [0.5, 2, 0.1, 1],
};

const CHOICES = {
  font: ['serif', 'sans', 'mono', 'system'],
  align: ['start', 'justify'],
  theme: ['auto', 'light', 'sepia', 'dark', 'contrast', 'custom'],
};

export const THEMES = CHOICES.theme;

const COLOR = /^#[0-9a-f]{6}$/;

export const DEFAULTS = Object.freeze({
  font: 'serif',
  size: RANGES.size[3],
  width: RANGES.width[3],
  lineHeight: RANGES.lineHeight[3],
  letterSpacing: RANGES.letterSpacing[3],
  wordSpacing: RANGES.wordSpacing[3],
  align: 'start',
  theme: 'auto',
  bg: '#fdf6e3',
  fg: '#1c1b19',
  link: '#0b57d0',
  images: true,
  rate: RANGES.rate[3],
  /** Chosen voice per language (primary subtag -> voiceURI). */
  voices: {},
});

const KEY = 'settings';
const MAX_VOICE_LANGUAGES = 50;

function round(value, step) {
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((Math.round(value / step) * step).toFixed(digits));
}

/** A complete, valid settings object from whatever was stored (unknown or bad values: defaults). */
export function normalize(raw) {
  const out = { ...DEFAULTS, voices: {} };
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [name, [min, max, step]] of Object.entries(RANGES)) {
    const value = Number(raw[name]);
    if (Number.isFinite(value)) out[name] = round(Math.min(max, Math.max(min, value)), step);
  }
  for (const [name, allowed] of Object.entries(CHOICES)) {
    if (allowed.includes(raw[name])) out[name] = raw[name];
  }
  for (const name of ['bg', 'fg', 'link']) {
    if (typeof raw[name] === 'string' && COLOR.test(raw[name].toLowerCase())) out[name] = raw[name].toLowerCase();
  }
  if (typeof raw.images === 'boolean') out.images = raw.images;
  if (typeof raw.voices === 'object' && raw.voices !== null) {
    for (const [lang, uri] of Object.entries(raw.voices).slice(-MAX_VOICE_LANGUAGES)) {
      if (/^[a-z]{2,3}$/.test(lang) && typeof uri === 'string' && uri.length <= 512) out.voices[lang] = uri;
    }
  }
  return out;
}

/** Relative luminance of a #rrggbb colour (WCAG 2.x). */
export function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Shows the settings on the reader page: data attributes for choices, custom properties for values. */
export function apply(settings, root = document.documentElement) {
  root.dataset.theme = settings.theme;
  root.dataset.font = settings.font;
  root.dataset.align = settings.align;
  root.dataset.images = settings.images ? 'shown' : 'hidden';
  const style = root.style;
  style.setProperty('--size', `${settings.size}px`);
  style.setProperty('--width', `${settings.width}ch`);
  style.setProperty('--line-height', String(settings.lineHeight));
  style.setProperty('--letter-spacing', `${settings.letterSpacing}em`);
  style.setProperty('--word-spacing', `${settings.wordSpacing}em`);
  if (settings.theme === 'custom') {
    style.setProperty('--custom-bg', settings.bg);
    style.setProperty('--custom-fg', settings.fg);
    style.setProperty('--custom-link', settings.link);
    // Form controls and scrollbars in the colours that go with the background.
    style.setProperty('--custom-scheme', luminance(settings.bg) < 0.18 ? 'dark' : 'light');
  }
}

/** Loads the settings (defaults when storage is unavailable). */
export async function load(storage) {
  try {
    const stored = await storage.get(KEY);
    return normalize(stored?.[KEY]);
  } catch {
    return normalize(null);
  }
}

export function save(storage, settings) {
  return storage.set({ [KEY]: normalize(settings) }).catch(() => {});
}

/** The settings that `after` changes from `before`, as a patch (JSON-equal values left out). */
export function changes(before, after) {
  const patch = {};
  for (const name of Object.keys(DEFAULTS)) {
    if (JSON.stringify(before?.[name]) !== JSON.stringify(after[name])) patch[name] = after[name];
  }
  return patch;
}

/** Whether `patch` could be a patch of the settings: a plain object of known names, small. */
export function isPatch(patch) {
  if (typeof patch !== 'object' || patch === null || Object.getPrototypeOf(patch) !== Object.prototype) return false;
  const names = Object.keys(patch);
  if (names.length === 0 || !names.every((name) => Object.hasOwn(DEFAULTS, name))) return false;
  try {
    return JSON.stringify(patch).length <= 16 * 1024;
  } catch {
    return false;
  }
}

/**
 * Saves a burst of changes: the patches made within `delayMs` are merged and sent as one with
 * `send(patch)` (the background applies it, in its queue, to the stored settings, so that two
 * pages changing different settings at once both keep theirs); if that fails, `fallback()`.
 */
export function patchSaver(send, fallback, delayMs = 250) {
  let pending = {};
  let timer = 0;
  return (patch) => {
    pending = { ...pending, ...patch };
    clearTimeout(timer);
    timer = setTimeout(() => {
      const sent = pending;
      pending = {};
      if (Object.keys(sent).length === 0) return;
      send(sent).then((reply) => { if (!reply?.ok) fallback(); }, fallback);
    }, delayMs);
  };
}

/** Calls `listener(settings)` when another reader view changed the stored settings. */
export function watch(storageApi, area, listener) {
  storageApi.onChanged.addListener((changes, changedArea) => {
    if (changedArea === area && changes[KEY]) listener(normalize(changes[KEY].newValue));
  });
}

/** The panel's sliders: setting, element id, message of the label, unit shown after the value. */
const SLIDERS = [
  ['size', 'set-size', 'sizeLabel', 'px'],
  ['width', 'set-width', 'widthLabel', 'ch'],
  ['lineHeight', 'set-line-height', 'lineHeightLabel', ''],
  ['letterSpacing', 'set-letter-spacing', 'letterSpacingLabel', 'em'],
  ['wordSpacing', 'set-word-spacing', 'wordSpacingLabel', 'em'],
];
/** The message of each choice's label, by setting and value. */
const CHOICE_MESSAGES = {
  font: { serif: 'fontSerif', sans: 'fontSans', mono: 'fontMono', system: 'fontSystem' },
  align: { start: 'alignStart', justify: 'alignJustify' },
  theme: {
    auto: 'themeAuto', light: 'themeLight', sepia: 'themeSepia', dark: 'themeDark', contrast: 'themeContrast', custom: 'themeCustom',
  },
};

/**
 * Fills `container` with the settings' controls (font, sliders, alignment, theme, custom colours,
 * images), the same for the reader's panel and the options page's defaults: one list of the
 * settings, so that neither page lacks one. Labels carry data-i18n; the page localizes them.
 */
export function fillFields(container) {
  const doc = container.ownerDocument;
  const h = (tag, attrs = {}, ...children) => {
    const node = doc.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  };
  const text = (message) => h('span', { 'data-i18n': message });
  const choices = (name, className, legend, type = 'radio') => h(
    'fieldset',
    { class: className },
    h('legend', { 'data-i18n': legend }),
    ...CHOICES[name].map((value) => h(
      'label',
      {},
      h('input', { type, name, value, 'data-setting': name }),
      ' ',
      text(CHOICE_MESSAGES[name][value]),
    )),
  );
  container.replaceChildren(
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'set-font', 'data-i18n': 'fontLabel' }),
      h('select', { id: 'set-font', 'data-setting': 'font' }, ...CHOICES.font.map((value) => h(
        'option',
        { value, 'data-i18n': CHOICE_MESSAGES.font[value] },
      ))),
    ),
    ...SLIDERS.map(([name, id, label, unit]) => h(
      'div',
      { class: 'field range' },
      h('label', { for: id, 'data-i18n': label }),
      h('input', { type: 'range', id, 'data-setting': name }),
      h('output', unit ? { for: id, 'data-unit': unit } : { for: id }),
    )),
    choices('align', 'field choices', 'alignLabel'),
    choices('theme', 'field choices themes', 'themeLabel'),
    h(
      'fieldset',
      { class: 'field colors', id: 'custom-colors' },
      h('legend', { 'data-i18n': 'customColorsLabel' }),
      ...[['set-bg', 'bg', 'colorBackground'], ['set-fg', 'fg', 'colorText'], ['set-link', 'link', 'colorLink']]
        .map(([id, name, message]) => h('label', {}, h('input', { type: 'color', id, 'data-setting': name }), ' ', text(message))),
      h('p', { class: 'contrast-note', id: 'contrast-note', 'aria-live': 'polite' }),
    ),
    h(
      'div',
      { class: 'field check' },
      h('label', {}, h('input', { type: 'checkbox', id: 'set-images', 'data-setting': 'images' }), ' ', text('imagesLabel')),
    ),
  );
}

function formatNumber(value, step, locale) {
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/**
 * Wires the panel's controls (elements with data-setting) to a settings object: each change is
 * applied at once and handed to `onChange(settings)` for saving.
 * @returns {{ show(settings): void }} sets the controls from settings (after a load or reset)
 */
export function bindPanel(panel, { locale, getSettings, onChange, contrastText }) {
  const controls = [...panel.ownerDocument.querySelectorAll('[data-setting]')];
  const note = panel.querySelector('#contrast-note');
  const colors = panel.querySelector('#custom-colors');

  function showValue(input) {
    const output = panel.ownerDocument.querySelector(`output[for="${input.id}"]`);
    if (!output) return;
    const [, , step] = RANGES[input.dataset.setting];
    output.value = `${formatNumber(Number(input.value), step, locale)}${output.dataset.unit ? ` ${output.dataset.unit}` : ''}`;
  }

  function showContrast(settings) {
    colors.hidden = settings.theme !== 'custom';
    const text = contrast(settings.fg, settings.bg);
    const link = contrast(settings.link, settings.bg);
    note.textContent = contrastText(text, link);
    note.classList.toggle('warn', Math.min(text, link) < 4.5);
  }

  function show(settings) {
    for (const input of controls) {
      const name = input.dataset.setting;
      if (input.type === 'range') {
        const [min, max, step] = RANGES[name];
        Object.assign(input, { min, max, step });
        input.value = String(settings[name]);
        showValue(input);
      } else if (input.type === 'radio') {
        input.checked = settings[name] === input.value;
      } else if (input.type === 'checkbox') {
        input.checked = settings[name] === true;
      } else {
        input.value = settings[name];
      }
    }
    showContrast(settings);
  }

  for (const input of controls) {
    const event = input.type === 'range' || input.type === 'color' ? 'input' : 'change';
    input.addEventListener(event, () => {
      const name = input.dataset.setting;
      let value;
      if (input.type === 'range') value = Number(input.value);
      else if (input.type === 'checkbox') value = input.checked;
      else if (input.type === 'radio') {
        if (!input.checked) return;
        value = input.value;
      } else value = input.value;
      const settings = normalize({ ...getSettings(), [name]: value });
      if (input.type === 'range') showValue(input);
      showContrast(settings);
      onChange(settings);
    });
  }
  return { show };
}
