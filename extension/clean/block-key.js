// How a removed block is named in a site's exceptions ("always keep this on this site").
// A block removed by an ad-block rule is named by the rule line (`###kommentare`): keeping it
// keeps what that rule matches on the site. A block found by a signal (`class-word`,
// `player-text`, …) is named by the signal and a selector for its element: the element's tag
// with its id, or with its classes, or, without either, its parent's selector and the tag.
// Numbers of four or more digits in ids and classes are generated per page, so such ids and
// classes are left out.
//
// A classic script that defines one global, so that the content script (injected as a file
// before clean/content-clean.js) and the reader page (which imports it for the side effect)
// share it.

(() => {
  'use strict';

  /** The rule lines of the ad-block cosmetic syntax: `##`, `#@#`, `#?#` after an optional domain. */
  const RULE_LINE = /#[@?$%]?#/;
  const GENERATED = /\d{4}/;
  const MAX_DEPTH = 4;

  function part(element) {
    const tag = CSS.escape(element.localName);
    const id = element.getAttribute('id');
    if (id && !GENERATED.test(id)) return { text: `${tag}#${CSS.escape(id)}`, final: true };
    const classes = [...element.classList].filter((c) => !GENERATED.test(c));
    if (classes.length) return { text: tag + classes.map((c) => `.${CSS.escape(c)}`).join(''), final: true };
    return { text: tag, final: false };
  }

  /** A CSS selector for `element` that the same widget gets on the site's other pages. */
  function selectorOf(element) {
    const parts = [];
    let node = element;
    for (let depth = 0; node && depth < MAX_DEPTH; depth++, node = node.parentElement) {
      if (node.localName === 'body' || node.localName === 'html') break;
      const { text, final } = part(node);
      parts.unshift(text);
      if (final) break;
    }
    return parts.join(' > ');
  }

  /**
   * The key of a removed block ({ rule }) whose element is `element`; null when the block has
   * neither a rule line nor an element to name it by.
   */
  function blockKey(entry, element) {
    const rule = typeof entry?.rule === 'string' ? entry.rule : '';
    if (RULE_LINE.test(rule)) return rule;
    if (!element || typeof element.localName !== 'string') return null;
    return `${rule}|${selectorOf(element)}`;
  }

  globalThis.klartextBlockKey = blockKey;
})();
