// Saving the article: a self-contained HTML file (its own styles inline, no scripts, a CSP that
// forbids any) or a Markdown file, offered as a download from a blob: URL.

import { toMarkdown, escapeText } from './markdown.js';

/** Styles of the saved HTML file: readable on its own, light or dark with the system. */
const EXPORT_CSS = `
:root { color-scheme: light dark; }
body { margin: 0 auto; max-width: 40em; padding: 2rem 1.25rem 4rem; font: 19px/1.6 Charter, "Bitstream Charter", Cambria, "Noto Serif", Georgia, serif; color: #1d1d1f; background: #fbfaf7; }
@media (prefers-color-scheme: dark) { body { color: #e6e3dc; background: #1b1b1d; } a { color: #8ab4f8; } }
header { border-bottom: 1px solid #8886; margin-bottom: 2rem; padding-bottom: 1rem; }
.site, .meta, .source, figcaption { font-family: system-ui, sans-serif; font-size: 0.8rem; opacity: 0.85; }
.kicker { font-family: system-ui, sans-serif; font-weight: 600; margin: 0.5rem 0 0; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.4rem 0 0.8rem; }
img, video { max-width: 100%; height: auto; }
figure { margin: 0 0 1.1em; }
blockquote { margin-left: 0; padding-left: 1em; border-left: 3px solid #8886; }
pre { overflow-x: auto; padding: 0.8em; background: #8881; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
td, th { border: 1px solid #8886; padding: 0.3em 0.5em; }
`;

/** A file name from the title: no path separators or characters that file systems refuse. */
export function fileName(title, extension) {
  const base = String(title ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 100)
    .trim();
  return `${base || 'article'}.${extension}`;
}

/**
 * The saved HTML document.
 * @param {object} article { title, site, kicker, byline, date: {iso, text} | null, url, lang, dir }
 * @param {Element} body the article body as shown (sanitized)
 */
export function htmlDocument(article, body) {
  const doc = document.implementation.createHTMLDocument(article.title);
  const root = doc.documentElement;
  if (article.lang) root.lang = article.lang;
  if (article.dir) root.dir = article.dir;
  const charset = doc.createElement('meta');
  charset.setAttribute('charset', 'utf-8');
  doc.head.prepend(charset);
  const csp = doc.createElement('meta');
  csp.httpEquiv = 'Content-Security-Policy';
  csp.content = "default-src 'none'; img-src https: http: data:; media-src https: http:; style-src 'unsafe-inline'";
  const referrer = doc.createElement('meta');
  referrer.name = 'referrer';
  referrer.content = 'no-referrer';
  const viewport = doc.createElement('meta');
  viewport.name = 'viewport';
  viewport.content = 'width=device-width, initial-scale=1';
  const source = doc.createElement('link');
  source.rel = 'canonical';
  source.href = article.url;
  const style = doc.createElement('style');
  style.textContent = EXPORT_CSS;
  doc.head.append(csp, referrer, viewport, source, style);

  const header = doc.createElement('header');
  const add = (tag, className, text) => {
    const el = doc.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    header.append(el);
    return el;
  };
  if (article.site) add('p', 'site', article.site);
  if (article.kicker) add('p', 'kicker', article.kicker);
  add('h1', '', article.title);
  if (article.byline || article.date) {
    const meta = add('p', 'meta');
    if (article.byline) meta.append(doc.createTextNode(article.byline));
    if (article.byline && article.date) meta.append(doc.createTextNode(' · '));
    if (article.date) {
      const time = doc.createElement('time');
      time.dateTime = article.date.iso;
      time.textContent = article.date.text;
      meta.append(time);
    }
  }
  const sourceLine = add('p', 'source');
  const link = doc.createElement('a');
  link.href = article.url;
  link.textContent = article.url;
  sourceLine.append(link);

  const main = doc.createElement('article');
  const content = doc.importNode(body, true);
  for (const el of content.querySelectorAll('.speaking')) el.classList.remove('speaking');
  for (const el of content.querySelectorAll('[class=""]')) el.removeAttribute('class');
  main.append(header, ...content.childNodes);
  doc.body.append(main);
  return `<!doctype html>\n${root.outerHTML}\n`;
}

/** The saved Markdown document: title, who and when, the source, then the article. */
export function markdownDocument(article, body) {
  const lines = [`# ${escapeText(article.title)}`, ''];
  const meta = [article.site, article.byline, article.date?.text].filter(Boolean).map(escapeText);
  if (meta.length) lines.push(meta.join(' · '), '');
  lines.push(`<${article.url.replace(/[<>\s]/g, encodeURIComponent)}>`, '');
  lines.push(toMarkdown(body), '');
  return lines.join('\n');
}

/** Offers `text` as a download named `name`. */
export function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its data once it started; the URL is not needed after that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
