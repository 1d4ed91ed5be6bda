// HTML -> Markdown (CommonMark with GitHub's tables and strikethrough) for the article HTML that
// the core writes: an allowlist of tags without classes or styles. Works on DOM nodes and uses
// no globals, so it runs in the reader page and, in the tests, on jsdom.
//
// Block elements become blocks separated by a blank line; inline elements become inline
// Markdown; text is escaped so that it reads back as the same text. What Markdown has no syntax
// for (sub, sup) is written as inline HTML, which CommonMark allows; what carries no meaning
// there (u, small, abbr, time, span…) is written as its content.

const ELEMENT = 1;
const TEXT = 3;

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'details', 'dd', 'div', 'dl', 'dt', 'figcaption',
  'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav',
  'ol', 'p', 'pre', 'section', 'summary', 'table', 'ul', 'caption', 'math',
]);
const SKIP = new Set(['script', 'style', 'template', 'noscript', 'head', 'title', 'meta', 'link', 'button', 'input', 'select', 'textarea']);

function tagOf(node) {
  return node.nodeType === ELEMENT ? node.localName.toLowerCase() : '';
}

function isBlock(node) {
  return node.nodeType === ELEMENT && BLOCK.has(tagOf(node));
}

/** Escapes text so that Markdown shows it as written. */
export function escapeText(text) {
  return text
    .replace(/[\\`*_[\]<>~|]/g, '\\$&')
    // An entity reference would be decoded: "&amp;" must stay "&amp;".
    .replace(/&(?=#?[0-9A-Za-z]+;)/g, '&amp;')
    // "!" right before a link would make it an image.
    .replace(/!$/, '\\!');
}

/** Escapes what would start a block (heading, quote, list, rule) at the start of a line. */
function escapeLineStarts(text) {
  return text
    .split('\n')
    .map((line) => line
      .replace(/^(\s*)([#>+=-])/, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/, '$1\\$2'))
    .join('\n');
}

function collapse(text) {
  return text.replace(/[ \t\n\r\f]+/g, ' ');
}

/** A URL as a link destination: <…> when it has spaces or brackets in it. */
function destination(url) {
  const clean = String(url).trim();
  if (/[\s()<>]/.test(clean)) return `<${clean.replace(/[<>\s]/g, encodeURIComponent)}>`;
  return clean;
}

function titlePart(node) {
  const title = node.getAttribute('title');
  return title ? ` "${title.replace(/["\\]/g, '\\$&')}"` : '';
}

/** Wraps inline content in a delimiter, keeping its outer spaces outside it. */
function wrap(content, open, close = open) {
  const match = /^(\s*)([\s\S]*?)(\s*)$/.exec(content);
  if (match[2] === '') return content;
  return `${match[1]}${open}${match[2]}${close}${match[3]}`;
}

function codeSpan(text) {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^`|`$/.test(text) || /^ .* $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function image(node) {
  const src = node.getAttribute('src');
  if (!src) return '';
  const alt = collapse(node.getAttribute('alt') ?? '').trim().replace(/[\\[\]]/g, '\\$&');
  return `![${alt}](${destination(src)}${titlePart(node)})`;
}

/** The inline Markdown of a node's children. `ctx.table`: inside a table cell (no line breaks). */
function inline(node, ctx) {
  let out = '';
  for (const child of node.childNodes) out += inlineNode(child, ctx);
  return out;
}

function inlineNode(node, ctx) {
  if (node.nodeType === TEXT) return escapeText(collapse(node.data));
  if (node.nodeType !== ELEMENT) return '';
  const tag = tagOf(node);
  if (SKIP.has(tag)) return '';
  switch (tag) {
    case 'br':
      return ctx.table ? '<br>' : '\\\n';
    case 'em':
    case 'i':
    case 'cite':
    case 'var':
    case 'dfn':
      return wrap(inline(node, ctx), '*');
    case 'strong':
    case 'b':
      return wrap(inline(node, ctx), '**');
    case 's':
    case 'del':
    case 'strike':
      return wrap(inline(node, ctx), '~~');
    case 'code':
    case 'kbd':
    case 'samp':
    case 'tt':
      return codeSpan(collapse(node.textContent));
    case 'sub':
    case 'sup':
      return wrap(inline(node, ctx), `<${tag}>`, `</${tag}>`);
    case 'q':
      return wrap(inline(node, ctx), '"');
    case 'img':
      return image(node);
    case 'math':
      return math(node);
    case 'a': {
      const href = node.getAttribute('href');
      const text = inline(node, ctx);
      if (!href || /^\s*javascript:/i.test(href)) return text;
      if (text.trim() === '') return '';
      return wrap(text, '[', `](${destination(href)}${titlePart(node)})`);
    }
    case 'hr':
      return ' ';
    default:
      // Block elements met inside inline content (a <p> in a <td>, a <div> in a link).
      if (isBlock(node)) {
        const inner = inline(node, ctx).trim();
        return inner ? ` ${inner} ` : '';
      }
      return inline(node, ctx);
  }
}

/** Inline content as a block: whitespace tidied, line starts escaped. */
function paragraph(markdown) {
  const text = markdown
    .replace(/ *\\\n */g, '\\\n')
    .replace(/ {2,}/g, ' ')
    // No hard line break at the start or the end of a paragraph.
    .replace(/^(\s*\\\n)+/, '')
    .replace(/(\\\n\s*)+$/, '')
    .trim();
  return text === '' ? '' : escapeLineStarts(text);
}

/** The blocks of a container's children: runs of inline nodes become paragraphs. */
function blocks(node, ctx) {
  const out = [];
  let run = '';
  const flush = () => {
    const text = paragraph(run);
    if (text) out.push(text);
    run = '';
  };
  for (const child of node.childNodes) {
    if (isBlock(child)) {
      flush();
      const block = blockNode(child, ctx);
      if (block) out.push(block);
    } else {
      run += inlineNode(child, ctx);
    }
  }
  flush();
  return out;
}

function indent(text, prefix, first = prefix) {
  return text.split('\n').map((line, i) => {
    if (i === 0) return first + line;
    return line === '' ? '' : prefix + line;
  }).join('\n');
}

function list(node, ctx) {
  const ordered = tagOf(node) === 'ol';
  let number = ordered ? parseInt(node.getAttribute('start') ?? '1', 10) : 0;
  if (!Number.isFinite(number)) number = 1;
  const items = [];
  let loose = false;
  for (const child of node.children) {
    if (tagOf(child) !== 'li') {
      // A list nested directly in a list (invalid HTML, but common) belongs to the item before.
      if (tagOf(child) === 'ul' || tagOf(child) === 'ol') {
        const nested = list(child, ctx);
        if (items.length && nested) items[items.length - 1].parts.push(nested);
        else if (nested) items.push({ parts: [nested] });
      }
      continue;
    }
    const parts = blocks(child, ctx);
    const paragraphs = [...child.childNodes].filter((n) => tagOf(n) === 'p').length;
    if (paragraphs > 1) loose = true;
    items.push({ parts });
  }
  const lines = items.map(({ parts }) => {
    const marker = ordered ? `${number++}. ` : '- ';
    const body = parts.join(loose ? '\n\n' : '\n') || '';
    return indent(body, ' '.repeat(marker.length), marker).replace(/\s+$/, '');
  });
  return lines.join(loose ? '\n\n' : '\n');
}

function tableCell(cell) {
  return inline(cell, { table: true })
    .replace(/\\\n/g, '<br>')
    .replace(/\s+/g, ' ')
    .trim();
}

function table(node) {
  const rows = [...node.querySelectorAll('tr')].filter((tr) => tr.closest('table') === node);
  if (rows.length === 0) return '';
  const grid = rows.map((tr) => {
    const cells = [];
    for (const cell of tr.children) {
      if (tagOf(cell) !== 'td' && tagOf(cell) !== 'th') continue;
      cells.push(tableCell(cell));
      const span = Math.min(50, parseInt(cell.getAttribute('colspan') ?? '1', 10) || 1);
      for (let i = 1; i < span; i++) cells.push('');
    }
    return cells;
  });
  const width = Math.max(1, ...grid.map((r) => r.length));
  for (const row of grid) while (row.length < width) row.push('');
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const out = [line(grid[0]), line(Array(width).fill('---')), ...grid.slice(1).map(line)];
  const caption = [...node.children].find((c) => tagOf(c) === 'caption');
  const captionText = caption ? paragraph(inline(caption, { table: true })) : '';
  return (captionText ? `${captionText}\n\n` : '') + out.join('\n');
}

function fence(text) {
  const longest = Math.max(2, ...(text.match(/^`{3,}|`{3,}/gm) ?? []).map((run) => run.length));
  return '`'.repeat(longest + 1);
}

function math(node) {
  const tex = node.querySelector('annotation[encoding="application/x-tex"]');
  if (tex) return `$${tex.textContent.trim()}$`;
  return escapeText(collapse(node.getAttribute('alttext') ?? node.textContent).trim());
}

function blockNode(node, ctx) {
  const tag = tagOf(node);
  switch (tag) {
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6': {
      const text = inline(node, ctx).replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
      return text ? `${'#'.repeat(Number(tag[1]))} ${text.replace(/#+$/, (m) => '\\' + m)}` : '';
    }
    case 'p':
    case 'dt':
    case 'summary':
    case 'figcaption':
    case 'caption': {
      const text = paragraph(inline(node, ctx));
      if (!text) return '';
      return tag === 'dt' || tag === 'summary' ? wrap(text, '**') : text;
    }
    case 'ul':
    case 'ol':
      return list(node, ctx);
    case 'blockquote': {
      const inner = blocks(node, ctx).join('\n\n');
      return inner ? inner.split('\n').map((line) => (line ? `> ${line}` : '>')).join('\n') : '';
    }
    case 'pre': {
      const code = node.textContent.replace(/\n$/, '');
      const marks = fence(code);
      return `${marks}\n${code}\n${marks}`;
    }
    case 'hr':
      return '---';
    case 'table':
      return table(node);
    case 'math':
      return math(node);
    default:
      return blocks(node, ctx).join('\n\n');
  }
}

/** The Markdown of a node's content (an article body, a fragment). */
export function toMarkdown(node) {
  return blocks(node, { table: false }).join('\n\n').replace(/\n{3,}/g, '\n\n').trim();
}
