// Klartext's content script: injected on demand into a tab's top frame by the background.
// It reads the page (without touching it), lays the reader page over the page in an
// extension-origin <iframe>, and posts the page's source straight into that frame. It never
// modifies, moves or recreates the page's own nodes: closing removes the frame and restores
// scroll and focus.
// A classic script (content scripts cannot be modules), so it keeps its own copy of the message
// types from protocol.js. serialise.js is injected before it and defines klartextSerialise and
// klartextYieldToPage.

(() => {
  'use strict';

  const api = globalThis.browser ?? globalThis.chrome;
  // Injected again on every toggle: the first injection's listener stays in charge.
  const GUARD = Symbol.for('klartext.content');
  if (globalThis[GUARD]) return;
  globalThis[GUARD] = true;

  const TOGGLE = 'klartext:toggle';
  const CLOSE = 'klartext:close';
  const OFFER = 'klartext:offer';
  const PAGE = 'klartext:page';
  const SELECTION = 'klartext:selection';
  const MAX_HTML_LENGTH = 32 * 1024 * 1024;
  const MAX_SELECTION_LENGTH = 4 * 1024 * 1024;
  /**
   * The toolbar button and the shortcut read only the selection when it has at least this many
   * characters: a word left selected by find-in-page or a double click does not count. The
   * context menu item on a selection reads any selection.
   */
  const MIN_SELECTION_CHARS = 60;
  /**
   * UTF-16 code units per part of the hand-over. The source crosses into the reader frame as
   * UTF-8 bytes: measured in Chromium, that is several times faster than posting the string
   * (which the frame would then encode into wasm memory all the same). A large page goes in
   * parts, each encoded in a task of its own and posted as soon as it is: the frame's core reads
   * one part while the page encodes the next and the one after is on its way
   * (tests/bench/handover.mjs, pages of 1 MB and more: 12.1 -> 9.7 ms median with parts of
   * 256 Ki units, against one message at the end; smaller parts cost more than they overlap).
   */
  const PART_LENGTH = 1 << 18;
  /** The reader frame's origin: postMessage delivers the source to no other document. */
  const READER_ORIGIN = api.runtime.getURL('').replace(/\/$/, '');

  /**
   * The open view: { frame, page (the source: its parts, posted from the frame's load on, and
   * marked closed with the view), scrollX, scrollY, focused, observer }, or null.
   */
  let view = null;
  let opening = false;

  function isOpen() {
    // A view that the page removed counts as closed, and is closed as such.
    if (view && !view.frame.isConnected) close();
    return view !== null;
  }

  /**
   * The selected text as a document of its own: the page's <title>, <meta>, <base> and JSON-LD
   * (for title, byline, date and URLs) and a copy of the selected nodes (Range.cloneContents).
   * Built in an inert document, so nothing in the copy loads or runs. '' without a selection of
   * at least `minChars` characters, or when the selection is inside a form field.
   */
  function selectionDocument(minChars) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return '';
    if (document.activeElement?.matches?.('input, textarea, select, [contenteditable]')) return '';
    const inert = document.implementation.createHTMLDocument('');
    const box = inert.createElement('article');
    for (let i = 0; i < selection.rangeCount; i++) {
      box.append(inert.importNode(selection.getRangeAt(i).cloneContents(), true));
    }
    const text = box.textContent.replace(/\s+/g, ' ').trim();
    if (text.length === 0 || text.length < minChars) return '';
    const head = [...document.querySelectorAll('head title, head meta, head base, script[type="application/ld+json"]')]
      .map((node) => node.outerHTML).join('');
    const root = inert.createElement('html');
    for (const name of ['lang', 'dir', 'xml:lang']) {
      const value = document.documentElement.getAttribute(name);
      if (value !== null) root.setAttribute(name, value);
    }
    const shell = root.outerHTML;
    return `<!doctype html>${shell.slice(0, -'</html>'.length)}<head>${head}</head>`
      + `<body>${box.outerHTML}</body></html>`;
  }

  /** A fresh token or hand-over key: 128 bits from the platform's CSPRNG, as hex (as protocol.js makes them). */
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /**
   * Encodes `html` into `page.parts` as UTF-8 a part at a time, yielding to the page between
   * parts, and has each posted as soon as the frame can take it (`page.flush`); never splits a
   * surrogate pair.
   */
  async function encodeParts(html, page) {
    const encoder = new TextEncoder();
    for (let start = 0; start < html.length;) {
      // The view was closed: no more work on the page's thread for it.
      if (page.closed) return;
      let end = Math.min(start + PART_LENGTH, html.length);
      if (end < html.length && (html.charCodeAt(end - 1) & 0xfc00) === 0xd800) end -= 1;
      page.parts.push(encoder.encode(html.slice(start, end)));
      start = end;
      if (start < html.length) {
        page.flush?.();
        await globalThis.klartextYieldToPage();
      }
    }
    page.encoded = true;
    page.flush?.();
  }

  /**
   * The hand-over: the background gets the page's URL, a fresh key and a fresh token for the
   * frame (not waiting for its answer: the frame, made at once, asks for them while it loads);
   * the source is encoded while the frame loads, and once it has loaded it goes to
   * the frame by postMessage (the bytes are transferred: no JSON, nothing in between), a part
   * per message, each with the key, which the frame meanwhile takes from the background with
   * its token.
   * The page sees the token in the frame's address, never the key: it lives in this script's
   * world, the background and the reader frame.
   */
  async function open(minSelectionChars = MIN_SELECTION_CHARS) {
    if (opening || isOpen()) return;
    opening = true;
    try {
      let selection = selectionDocument(minSelectionChars);
      if (selection.length > MAX_SELECTION_LENGTH) selection = '';
      // outerHTML, a subtree at a time on a large page (serialise.js); null over the cap.
      const html = await globalThis.klartextSerialise(document.documentElement, MAX_HTML_LENGTH);
      let token = '';
      let page = null;
      if (html !== null) {
        const key = newKey();
        token = newKey();
        page = {
          key, selection, parts: [], encoded: false, posting: false, flush: null, closed: false,
        };
        // Should the offer fail, the frame finds its token unknown and says so.
        api.runtime.sendMessage({ type: OFFER, url: location.href, key, token }).catch(() => {});
      }
      // Without a token the reader page explains that the page could not be handed over.
      show(token, page);
      if (page) {
        encodeParts(html, page).catch((err) => console.warn('Klartext:', err?.message ?? err));
      }
    } finally {
      opening = false;
    }
  }

  /** Lays the reader frame over the page; `page` is posted into it once it has loaded. */
  function show(token, page) {
    const frame = document.createElement('iframe');
    const style = {
      position: 'fixed',
      inset: '0',
      top: '0',
      left: '0',
      // The viewport's full size, so the page's own scrollbars are covered too.
      width: '100vw',
      height: '100vh',
      'max-width': 'none',
      'max-height': 'none',
      'min-width': '0',
      'min-height': '0',
      margin: '0',
      padding: '0',
      border: '0',
      'z-index': '2147483647',
      display: 'block',
      visibility: 'visible',
      opacity: '1',
      transform: 'none',
      filter: 'none',
      'clip-path': 'none',
      'pointer-events': 'auto',
      'color-scheme': 'normal',
      background: 'transparent',
    };
    for (const [name, value] of Object.entries(style)) {
      frame.style.setProperty(name, value, 'important');
    }
    const label = api.i18n.getMessage('frameTitle') || 'Reader view';
    frame.title = label;
    frame.setAttribute('aria-label', label);
    frame.src = api.runtime.getURL('reader/reader.html') + '#' + token;

    const focused = document.activeElement;
    view = {
      frame,
      page,
      scrollX: window.scrollX,
      scrollY: window.scrollY,
      focused,
      observer: new MutationObserver(() => {
        if (view && !view.frame.isConnected) close();
      }),
    };
    let loaded = false;
    frame.addEventListener('load', () => {
      if (view?.frame !== frame) return;
      // The reader page loads once. Another load is the page navigating the frame (to a page
      // of its own, or again in a sandbox): that is no longer the reader view.
      if (loaded) {
        close();
        return;
      }
      loaded = true;
      postPage();
      frame.focus();
    });
    document.documentElement.appendChild(frame);
    view.observer.observe(document.documentElement, { childList: true });
    window.addEventListener('keydown', onKeydown, true);
    frame.focus();
  }

  /**
   * Posts the page's source to the view's frame, once: the parts encoded so far, then each as
   * it is encoded; the last says so. The first carries the selection. The target origin keeps
   * them from any document but the extension's: a frame the page navigated elsewhere gets
   * nothing.
   */
  function postPage() {
    if (!isOpen() || !view.page || view.page.posting) return;
    const { frame, page } = view;
    page.posting = true;
    let first = true;
    page.flush = () => {
      if (page.closed) return;
      while (page.parts.length > 0 || (page.encoded && first)) {
        const utf8 = page.parts.splice(0, 1);
        const last = page.encoded && page.parts.length === 0;
        const message = {
          type: PAGE, key: page.key, utf8, selection: first ? page.selection : '', last,
        };
        frame.contentWindow?.postMessage(message, READER_ORIGIN, utf8.map((chunk) => chunk.buffer));
        first = false;
        if (last) page.flush = null;
      }
    };
    page.flush();
  }

  /** Closes the view: removes the frame and gives back scroll position and focus. */
  function close() {
    if (!view) return;
    const { frame, scrollX, scrollY, focused } = view;
    forget();
    // Focus goes back before the frame goes: removing a frame that holds the focus makes the
    // browser pick a new focus of its own, and Firefox may scroll to it.
    if (focused && focused.isConnected && typeof focused.focus === 'function') {
      focused.focus({ preventScroll: true });
    }
    frame.remove();
    window.scrollTo(scrollX, scrollY);
    // Firefox may still scroll the focused element into view once the frame's focus is gone
    // (measured: 1 close in 5); put the page back where it was once more on the next frame.
    requestAnimationFrame(() => {
      if (window.scrollX !== scrollX || window.scrollY !== scrollY) window.scrollTo(scrollX, scrollY);
    });
  }

  /** Drops the view's state and listeners (the frame is gone or about to go). */
  function forget() {
    if (!view) return;
    if (view.page) {
      view.page.closed = true;
      view.page.parts = [];
    }
    view.observer.disconnect();
    window.removeEventListener('keydown', onKeydown, true);
    view = null;
  }

  function onKeydown(event) {
    // Only a key the user pressed: the page can dispatch a fake Escape whenever it likes.
    if (event.key === 'Escape' && event.isTrusted && isOpen()) close();
  }

  api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    // Only the background talks to this script: messages from this extension, not from a tab.
    if (sender.id !== api.runtime.id || sender.tab) return false;
    if (typeof msg !== 'object' || msg === null || Object.keys(msg).length !== 1) return false;
    if (msg.type === TOGGLE) {
      if (isOpen()) close();
      else open().catch((err) => console.warn('Klartext:', err?.message ?? err));
    } else if (msg.type === SELECTION) {
      if (!isOpen()) open(1).catch((err) => console.warn('Klartext:', err?.message ?? err));
    } else if (msg.type === CLOSE) {
      close();
    } else {
      return false;
    }
    sendResponse({ ok: true });
    return false;
  });
})();
