// Klartext's automatic modes: registered by the background (scripting.registerContentScripts,
// runAt document_start) only for the sites the user switched to "always reader view" or "always
// clean", and only once the user granted that site's host permission. It hides the page's body
// before the first paint, asks the background to run the site's mode when the DOM is there, and
// shows the body again when the clutter is hidden (under the reader view: when the view closes),
// or after REVEAL_AFTER_MS whatever happens: a slow or failed run never leaves the page blank.
// A classic script (content scripts cannot be modules): it keeps its own copy of AUTO.

(() => {
  'use strict';

  const api = globalThis.browser ?? globalThis.chrome;
  const GUARD = Symbol.for('klartext.auto');
  if (globalThis[GUARD]) return;
  globalThis[GUARD] = true;

  const AUTO = 'klartext:auto';
  const REVEAL_AFTER_MS = 5000;
  // Opacity, not visibility: an element of the page cannot make itself visible again.
  const CLOAK_CSS = 'body{opacity:0!important}';

  /** Hides the body with an adopted stylesheet; returns what takes it away again. */
  function cloak() {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CLOAK_CSS);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      return () => {
        document.adoptedStyleSheets = [...document.adoptedStyleSheets].filter((s) => s !== sheet);
      };
    } catch {
      return () => {};
    }
  }

  const uncloak = cloak();
  let revealed = false;
  const reveal = () => {
    if (revealed) return;
    revealed = true;
    clearTimeout(timer);
    uncloak();
  };
  const timer = setTimeout(reveal, REVEAL_AFTER_MS);

  /**
   * The reader view's frame covers the page: the body stays hidden until the timer, or until
   * the view closes before that, so the page never shows between load and view.
   */
  function revealUnderReader() {
    const prefix = api.runtime.getURL('reader/reader.html');
    const isView = (el) => el.localName === 'iframe' && String(el.src).startsWith(prefix);
    if (![...document.documentElement.children].some(isView)) {
      reveal();
      return;
    }
    const observer = new MutationObserver(() => {
      if (![...document.documentElement.children].some(isView)) {
        observer.disconnect();
        reveal();
      }
    });
    observer.observe(document.documentElement, { childList: true });
  }

  const run = () => {
    api.runtime.sendMessage({ type: AUTO })
      .then((reply) => (reply?.mode === 'reader' ? revealUnderReader() : reveal()), reveal);
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run, { once: true });
  else run();
})();
