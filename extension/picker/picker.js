// The element picker, like uBlock Origin's: injected on demand (the popup's "Hide an element"
// button) after picker/selector.js. Pointing at an element outlines it; a click, or Enter, hides
// it and saves a `site##selector` rule through the background, which checks it with the core's
// own rule parser. By keyboard: the arrow keys move the outline (Up: the enclosing element, Down:
// back in, Left/Right: the neighbours), Enter hides, Escape leaves. The picker's own parts live
// in a closed shadow root on one host element added to <html>, taken away again when it ends.
// A classic script: it keeps its own copy of PICK from protocol.js.

(() => {
  'use strict';

  const api = globalThis.browser ?? globalThis.chrome;
  const GUARD = Symbol.for('klartext.picker');
  if (globalThis[GUARD]?.active) return;
  const state = { active: true };
  globalThis[GUARD] = state;

  const PICK = 'klartext:pick';
  const t = (name, substitutions) => api.i18n.getMessage(name, substitutions) || name;

  const host = document.createElement('klartext-picker');
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = `
    :host { all: initial; }
    .outline { position: fixed; pointer-events: none; z-index: 2147483646; box-sizing: border-box;
      border: 2px solid #d33; background: rgba(221, 51, 51, .18); display: none; }
    .bar { position: fixed; left: 50%; bottom: 16px; transform: translateX(-50%); z-index: 2147483647;
      max-width: min(90vw, 720px); padding: 10px 14px; border-radius: 8px; background: #1c1b19;
      color: #fff; font: 14px/1.4 system-ui, sans-serif; box-shadow: 0 4px 16px rgba(0,0,0,.35); }
    .bar p { margin: 0 0 6px; }
    .bar code { display: block; margin: 0 0 8px; color: #ffd479; word-break: break-all; font-size: 13px; }
    .bar button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #fff;
      background: transparent; color: #fff; cursor: pointer; }
    .bar button:focus-visible { outline: 2px solid #ffd479; outline-offset: 2px; }`;
  const outline = document.createElement('div');
  outline.className = 'outline';
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.setAttribute('role', 'dialog');
  bar.setAttribute('aria-label', t('pickerTitle'));
  const help = document.createElement('p');
  help.textContent = t('pickerHelp');
  const status = document.createElement('code');
  status.setAttribute('aria-live', 'polite');
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = t('pickerCancel');
  bar.append(help, status, cancel);
  shadow.append(style, outline, bar);
  document.documentElement.append(host);

  let current = null;
  /** Where Down goes back to after Up. */
  const trail = [];

  const pickable = (el) => el instanceof Element && el !== host && el !== document.documentElement
    && el !== document.body && el.localName !== 'head';

  function show(el) {
    if (!pickable(el)) return;
    current = el;
    const r = el.getBoundingClientRect();
    Object.assign(outline.style, {
      display: 'block', left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px`,
    });
    status.textContent = globalThis.klartextPickSelector(el);
  }

  function elementAt(x, y) {
    const found = document.elementsFromPoint(x, y).find((el) => el !== host && pickable(el));
    return found ?? null;
  }

  function end() {
    state.active = false;
    for (const [type, listener] of listeners) window.removeEventListener(type, listener, true);
    host.remove();
  }

  /** Hides what the rule matches on this page now (the saved rule does it on later loads). */
  function hideNow(selector) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(`${selector}{display:none!important}`);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    } catch {
      for (const el of document.querySelectorAll(selector)) el.style.setProperty('display', 'none', 'important');
    }
  }

  async function pick() {
    if (!current) return;
    const selector = globalThis.klartextPickSelector(current);
    for (const [type, listener] of listeners) window.removeEventListener(type, listener, true);
    outline.style.display = 'none';
    const reply = await api.runtime.sendMessage({ type: PICK, selector })
      .catch((err) => ({ ok: false, error: String(err?.message ?? err) }));
    if (reply?.ok === true) {
      hideNow(selector);
      help.textContent = t('pickerSaved');
      status.textContent = reply.rule;
    } else {
      help.textContent = t('pickerFailed', [String(reply?.error ?? '')]);
    }
    cancel.textContent = t('pickerClose');
    cancel.focus();
    state.active = false;
  }

  const swallow = (event) => {
    if (event.composedPath().includes(host)) return false;
    event.preventDefault();
    event.stopImmediatePropagation();
    return true;
  };

  const listeners = [
    ['mousemove', (event) => {
      const el = elementAt(event.clientX, event.clientY);
      if (el) {
        trail.length = 0;
        show(el);
      }
    }],
    ['mousedown', swallow],
    ['mouseup', swallow],
    ['pointerdown', swallow],
    ['pointerup', swallow],
    ['click', (event) => {
      if (!swallow(event)) return;
      const el = elementAt(event.clientX, event.clientY);
      if (el) show(el);
      pick();
    }],
    ['keydown', (event) => {
      if (event.composedPath().includes(host) && event.key !== 'Escape') return;
      const moves = {
        ArrowUp: () => {
          if (current && pickable(current.parentElement)) {
            trail.push(current);
            show(current.parentElement);
          }
        },
        ArrowDown: () => show(trail.pop() ?? current?.firstElementChild),
        ArrowLeft: () => show(current?.previousElementSibling),
        ArrowRight: () => show(current?.nextElementSibling),
        Enter: () => pick(),
        Escape: () => end(),
      };
      const move = moves[event.key];
      if (!move || !event.isTrusted) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      move();
    }],
  ];
  for (const [type, listener] of listeners) window.addEventListener(type, listener, true);
  cancel.addEventListener('click', end);
  cancel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') end();
  });

  // Start somewhere a keyboard user sees: the focused element, or the middle of the window.
  const focused = document.activeElement;
  show(pickable(focused) ? focused : elementAt(innerWidth / 2, innerHeight / 2));
})();
