// The page's source for the reader view, serialised without holding up the page: the same string
// as `document.documentElement.outerHTML`, but a large document is serialised a subtree at a
// time, yielding to the page between steps of a few milliseconds, and serialising stops as soon
// as the source is over the hand-over's size cap. A classic script injected before content.js,
// which uses what it defines (content scripts share their world).

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

  const yieldToPage = globalThis.klartextYieldToPage;

  /** Whether `element` has at most CHUNK_ELEMENTS descendants (counting stops past that). */
  function small(element) {
    const walker = element.ownerDocument.createTreeWalker(element, 1 /* NodeFilter.SHOW_ELEMENT */);
    for (let count = 0; walker.nextNode();) {
      if (++count > CHUNK_ELEMENTS) return false;
    }
    return true;
  }

  /**
   * `root.outerHTML`, or null once it is known to be longer than `limit` UTF-16 code units.
   * Nodes that are not elements are serialised inside an empty copy of their parent, so that
   * their text is escaped as it is in that parent (raw in <script> and <style>).
   */
  return async function serialise(root, limit) {
    if (small(root)) {
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
      if (element.localName === 'template' || small(element)) return push(element.outerHTML);
      const shell = element.cloneNode(false).outerHTML;
      const endAt = shell.lastIndexOf('</');
      if (!push(shell.slice(0, endAt))) return false;
      // The children as they are now: the page may change them while this yields.
      for (const child of Array.from(element.childNodes)) {
        if (child.nodeType === 1) {
          if (!(await walk(child))) return false;
        } else {
          const wrapper = element.cloneNode(false);
          wrapper.appendChild(child.cloneNode(false));
          if (!push(wrapper.innerHTML)) return false;
          await pause();
        }
      }
      return push(shell.slice(endAt));
    }
    return (await walk(root)) ? parts.join('') : null;
  };
})();
