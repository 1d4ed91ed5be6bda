// The page's source for the reader view, serialised without holding up the page and without what
// the core never reads: the same string as `document.documentElement.outerHTML`, except that
// scripts (but JSON-LD, which holds the article's metadata) and style sheets of SKIPPED_TEXT
// characters or more are serialised empty, where together they hold SKIPPED_TOTAL or more
// (short of that, one outerHTML call is quicker than walking to them). On large pages inline
// scripts are most of the
// source (84 % of the bytes of the median WCXB page over 1 MB, a fifth on average of the Mozilla
// test pages), which would otherwise be encoded, handed over and parsed for nothing. A large
// document is serialised a subtree at a time, yielding to the page between steps of a few
// milliseconds, and serialising stops as soon as the source is over the hand-over's size cap.
// A classic script injected before content.js, which uses what it defines (content scripts
// share their world).

// Injected again on every toggle: the first definitions stay.

/**
 * Lets the page's own tasks run, then goes on (content.js yields with it too): a message to a
 * port of our own is a new task. Not setTimeout(0): chained timeouts are clamped to 4 ms each
 * from the fifth on (HTML's timer nesting rule; measured 3.8 ms a yield in Chromium against
 * 0.02 ms for a message), so a large page spent a third of its serialising time waiting.
 */
globalThis.klartextYieldToPage ??= () => new Promise((resolve) => {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => {
    port1.close();
    resolve();
  };
  port2.postMessage(null);
});

globalThis.klartextSerialise ??= (() => {
  'use strict';

  /** An element with at most this many descendants is serialised in one outerHTML call. */
  const CHUNK_ELEMENTS = 4000;
  /** Serialising runs this long before it yields to the page. */
  const SLICE_MS = 8;
  /**
   * A script or style sheet with at least this many characters is serialised empty, if such
   * ones hold SKIPPED_TOTAL characters together. Leaving one out costs a step (an outerHTML
   * call) for each element around it, and each element beside those (measured in Chromium on
   * the Mozilla pages: with a 256-character threshold and no total, the median page took 1.1
   * instead of 0.7 ms); handing over and reading 100,000 characters costs about 0.8 ms.
   */
  const SKIPPED_TEXT = 4096;
  const SKIPPED_TOTAL = 65536;

  const yieldToPage = globalThis.klartextYieldToPage;

  /** Whether `element` has at most CHUNK_ELEMENTS descendants (counting stops past that). */
  function small(element) {
    const walker = element.ownerDocument.createTreeWalker(element, 1 /* NodeFilter.SHOW_ELEMENT */);
    for (let count = 0; walker.nextNode();) {
      if (++count > CHUNK_ELEMENTS) return false;
    }
    return true;
  }

  /** The scripts and style sheets under `root` that are serialised empty (see above). */
  function skippedIn(root) {
    const skipped = new Set();
    let total = 0;
    for (const element of root.querySelectorAll('script, style')) {
      // As the core reads it: the type attribute trimmed, in any case.
      const json = element.localName === 'script'
        && (element.getAttribute('type') ?? '').trim().toLowerCase() === 'application/ld+json';
      const length = json ? 0 : element.textContent.length;
      if (length >= SKIPPED_TEXT) {
        skipped.add(element);
        total += length;
      }
    }
    return total >= SKIPPED_TOTAL ? skipped : new Set();
  }

  /** `text` as the HTML serialisation escapes text outside raw text elements. */
  const ESCAPES = { '&': '&amp;', '\u00a0': '&nbsp;', '<': '&lt;', '>': '&gt;' };
  const escapeText = (text) => text.replace(/[&\u00a0<>]/g, (c) => ESCAPES[c]);

  /**
   * `root.outerHTML` with the skipped elements' content left out, or null once it is known to
   * be longer than `limit` UTF-16 code units. Elements holding a skipped one are serialised
   * child by child; so is everything on a large page, in steps between which the page runs.
   */
  async function serialise(root, limit) {
    const skipped = skippedIn(root);
    const holders = new Set();
    for (const element of skipped) {
      for (let up = element.parentElement; up && !holders.has(up); up = up.parentElement) {
        holders.add(up);
      }
    }
    const chunked = !small(root);
    if (!chunked && !holders.has(root)) {
      const html = root.outerHTML;
      return html.length <= limit ? html : null;
    }
    const parts = [];
    let length = 0;
    let sliceStart = performance.now();
    const push = (text) => {
      parts.push(text);
      length += text.length;
      return length <= limit;
    };
    async function pause() {
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToPage();
        sliceStart = performance.now();
      }
    }
    async function walk(element) {
      // Also on the way down: a page nested hundreds deep is that many steps before a leaf.
      await pause();
      if (skipped.has(element)) return push(element.cloneNode(false).outerHTML);
      if (!holders.has(element)
        && (!chunked || element.localName === 'template' || small(element))) {
        return push(element.outerHTML);
      }
      const shell = element.cloneNode(false).outerHTML;
      const endAt = shell.lastIndexOf('</');
      if (!push(shell.slice(0, endAt))) return false;
      // The children as they are now: the page may change them while this yields.
      for (const child of Array.from(element.childNodes)) {
        if (child.nodeType === 1) {
          if (!(await walk(child))) return false;
          continue;
        }
        // Text and comments as the serialisation writes them (no holder or large element
        // is a raw text element: those hold text only); anything else inside an empty copy
        // of its parent, so that it is escaped as it is there.
        let html;
        if (child.nodeType === 3) {
          html = escapeText(child.data);
        } else if (child.nodeType === 8) {
          html = `<!--${child.data}-->`;
        } else {
          const wrapper = element.cloneNode(false);
          wrapper.appendChild(child.cloneNode(false));
          html = wrapper.innerHTML;
        }
        if (!push(html)) return false;
        await pause();
      }
      return push(shell.slice(endAt));
    }
    return (await walk(root)) ? parts.join('') : null;
  }
  // For the tests, which hold the serialisation to these.
  serialise.limits = { SKIPPED_TEXT, SKIPPED_TOTAL };
  return serialise;
})();
