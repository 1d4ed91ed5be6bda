// The element picker's selectors: a CSS selector for one element that the core's rule engine
// can match while it streams the page (lol_html: type, class, id, attribute selectors, child and
// descendant combinators, :nth-of-type; no :has(), no sibling combinators, no :last-child), that
// prefers what stays stable across page loads (ids, classes) and that matches exactly the picked
// element on the page as it is now. Ids and classes with runs of three or more digits, or in the
// shape CSS modules and CSS-in-JS generate, change between builds and are left out.
//
// A classic script that defines one global (injected before picker/picker.js).

(() => {
  'use strict';

  /** Names written as they are, without escapes: what every selector parser reads alike. */
  const PLAIN_NAME = /^-?[A-Za-z_][A-Za-z0-9_-]*$/;
  const GENERATED = /\d{3}|^(?:css|sc|jsx|emotion|svelte)-|[-_](?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{5,}$/;
  const PLAIN_TAG = /^[a-z][a-z0-9-]*$/;
  const MAX_CLASSES = 3;

  const stable = (name) => PLAIN_NAME.test(name) && !GENERATED.test(name) && !name.startsWith('klartext');

  /** The element's own part of a selector: its id, or its tag and stable classes. */
  function ownPart(element) {
    const id = element.getAttribute('id');
    if (id && stable(id)) return { text: `#${id}`, byId: true };
    const tag = PLAIN_TAG.test(element.localName) ? element.localName : '*';
    const classes = [...element.classList].filter(stable).slice(0, MAX_CLASSES);
    return { text: tag + classes.map((c) => `.${c}`).join(''), byId: false };
  }

  /** `:nth-of-type(n)` for the element, where its parent has other children its part matches. */
  function position(element, text) {
    const parent = element.parentElement;
    if (!parent) return '';
    const alike = [...parent.children].filter((c) => c.matches(text));
    if (alike.length <= 1) return '';
    const sameTag = [...parent.children].filter((c) => c.localName === element.localName);
    return `:nth-of-type(${sameTag.indexOf(element) + 1})`;
  }

  const matchesOnly = (selector, element) => {
    try {
      const found = element.ownerDocument.querySelectorAll(selector);
      return found.length === 1 && found[0] === element;
    } catch {
      return false;
    }
  };

  /** A selector that matches `element` alone, from the element up towards <body>. */
  function pickSelector(element) {
    const parts = [];
    for (let node = element; node && node.localName !== 'html'; node = node.parentElement) {
      const part = ownPart(node);
      parts.unshift(part.text);
      if (matchesOnly(parts.join(' > '), element)) return parts.join(' > ');
      const tag = PLAIN_TAG.test(node.localName) ? node.localName : null;
      const at = tag ? position(node, part.text) : '';
      if (at) {
        parts[0] = part.byId ? `${tag}${at}` : `${part.text}${at}`;
        if (matchesOnly(parts.join(' > '), element)) return parts.join(' > ');
      }
      if (node.localName === 'body') break;
    }
    return parts.join(' > ');
  }

  globalThis.klartextPickSelector = pickSelector;
})();
