// The reading view's pure parts, without a browser: the Markdown writer (on jsdom), reading
// speeds, settings validation, the new messages of the protocol, and the two UI catalogues.
// The same code runs in the browsers in reader-view.test.mjs; these cover the corner cases.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize as normalizePath, relative } from 'node:path';
import { test } from 'node:test';
import { JSDOM } from 'jsdom';
import { ROOT } from './support.mjs';
import { toMarkdown } from '../../extension/reader/markdown.js';
import { readingMinutes, readingSpeed } from '../../extension/reader/readtime.js';
import { shownTitle } from '../../extension/reader/headline.js';
import { contrast, fillFields, normalize, DEFAULTS } from '../../extension/reader/settings.js';
import {
  MAX_SELECTION_LENGTH, PAGE, READERABLE, SELECTION, TAKE, checkMessage, checkPage, newToken,
} from '../../extension/protocol.js';

function md(html) {
  const { document } = new JSDOM(`<!doctype html><body><div id="root">${html}</div>`).window;
  return toMarkdown(document.getElementById('root'));
}

test('Markdown: text that looks like Markdown is escaped', () => {
  assert.equal(md('<p>*not emphasis* and _this_ and [x](y) and `tick` and a|b</p>'),
    '\\*not emphasis\\* and \\_this\\_ and \\[x\\](y) and \\`tick\\` and a\\|b');
  assert.equal(md('<p># not a heading</p><p>- not a list</p><p>1. not a list</p><p>&gt; no quote</p>'),
    '\\# not a heading\n\n\\- not a list\n\n1\\. not a list\n\n\\> no quote');
  assert.equal(md('<p>AT&amp;T &amp;copy; stays</p>'), 'AT&T &amp;copy; stays');
  assert.equal(md('<p>Wow!<a href="https://x.org/">link</a></p>'), 'Wow\\![link](https://x.org/)');
  assert.equal(md('<p>&lt;script&gt;</p>'), '\\<script\\>');
});

test('Markdown: inline markup, spaces kept outside the delimiters', () => {
  assert.equal(md('<p>a<em> b </em>c <strong>d</strong> <del>e</del> H<sub>2</sub>O</p>'),
    'a *b* c **d** ~~e~~ H<sub>2</sub>O');
  assert.equal(md('<p>x<em></em>y</p>'), 'xy');
  assert.equal(md('<p><code>a`b</code> <code>`x</code></p>'), '``a`b`` `` `x ``');
  assert.equal(md('<p>one<br>two<br></p>'), 'one\\\ntwo');
});

test('Markdown: links and images', () => {
  assert.equal(md('<p><a href="https://e.org/a b(c)">t</a></p>'), '[t](<https://e.org/a%20b(c)>)');
  assert.equal(md('<p><a href="https://e.org/" title="say &quot;hi&quot;">t</a></p>'), '[t](https://e.org/ "say \\"hi\\"")');
  assert.equal(md('<p><a href="https://e.org/"><img src="https://e.org/i.png" alt="[x]"></a></p>'),
    '[![\\[x\\]](https://e.org/i.png)](https://e.org/)');
  assert.equal(md('<p><a href="javascript:alert(1)">t</a></p>'), 't');
});

test('Markdown: lists, nested and loose, and ordered lists keep their start', () => {
  assert.equal(md('<ul><li>a<ul><li>b<ol><li>c</li></ol></li></ul></li><li>d</li></ul>'),
    '- a\n  - b\n    1. c\n- d');
  assert.equal(md('<ol start="9"><li>nine</li><li>ten<p>more</p></li></ol>'), '9. nine\n10. ten\n    more');
  assert.equal(md('<ul><li><p>one</p><p>two</p></li><li><p>three</p></li></ul>'), '- one\n\n  two\n\n- three');
});

test('Markdown: blockquotes, code blocks, rules, headings', () => {
  assert.equal(md('<blockquote><p>a</p><blockquote><p>b</p></blockquote></blockquote>'), '> a\n>\n> > b');
  assert.equal(md('<pre><code>```\ncode\n```</code></pre>'), '````\n```\ncode\n```\n````');
  assert.equal(md('<ul><li>x<pre>  indented\nline</pre></li></ul>'), '- x\n  ```\n    indented\n  line\n  ```');
  assert.equal(md('<h3>Title #</h3><hr><h6>six</h6>'), '### Title \\#\n\n---\n\n###### six');
});

test('Markdown: tables as GFM tables, cells escaped and padded', () => {
  assert.equal(md('<table><caption>Cap</caption><tr><th>a</th><th>b</th></tr><tr><td colspan="2">x|y</td></tr><tr><td>1</td></tr></table>'),
    'Cap\n\n| a | b |\n| --- | --- |\n| x\\|y |  |\n| 1 |  |');
  assert.equal(md('<table><tr><td><p>p1</p><p>p2</p></td></tr></table>'), '| p1 p2 |\n| --- |');
});

test('Markdown: figures, definition lists, details', () => {
  assert.equal(md('<figure><img src="https://e.org/i.png" alt="A"><figcaption>Cap <em>it</em></figcaption></figure>'),
    '![A](https://e.org/i.png)\n\nCap *it*');
  assert.equal(md('<dl><dt>Term</dt><dd>Meaning</dd></dl>'), '**Term**\n\nMeaning');
  assert.equal(md('<details><summary>More</summary><p>Hidden</p></details>'), '**More**\n\nHidden');
});

test('reading speeds: words per minute for alphabetic scripts, characters per minute for Chinese and Japanese', () => {
  assert.equal(Math.round(readingSpeed('en').perMinute), 238, 'Brysbaert 2019');
  assert.equal(Math.round(readingSpeed('de-AT').perMinute), 187);
  assert.equal(readingSpeed('ja').unit, 'char');
  assert.equal(readingSpeed('zh-Hant').unit, 'char');
  assert.equal(readingSpeed('xx').unit, 'word');
  assert.equal(readingMinutes('word '.repeat(238 * 5), 'en'), 5);
  assert.equal(readingMinutes('字'.repeat(266 * 3), 'zh'), 3);
  assert.equal(readingMinutes('', 'en'), 1, 'at least a minute');
});

test('settings: stored values are checked, clamped and rounded; unknown ones fall back to defaults', () => {
  assert.deepEqual(normalize(null), { ...DEFAULTS, voices: {} });
  const s = normalize({
    font: 'comic', size: 99, width: '61', lineHeight: 1.63, theme: 'sepia', bg: '#ABCDEF', fg: 'red',
    images: 'no', voices: { de: 'v1', 'de-AT': 'bad', en: 42 }, rate: -1, extra: 1,
  });
  assert.equal(s.font, 'serif');
  assert.equal(s.size, 36);
  assert.equal(s.width, 62);
  assert.equal(s.lineHeight, 1.6);
  assert.equal(s.theme, 'sepia');
  assert.equal(s.bg, '#abcdef');
  assert.equal(s.fg, DEFAULTS.fg);
  assert.equal(s.images, true);
  assert.equal(s.rate, 0.5);
  assert.deepEqual(s.voices, { de: 'v1' });
  assert.ok(!('extra' in s));
  assert.equal(contrast('#000000', '#ffffff').toFixed(0), '21');
  assert.ok(contrast(DEFAULTS.fg, DEFAULTS.bg) >= 4.5 && contrast(DEFAULTS.link, DEFAULTS.bg) >= 4.5,
    'the default custom colours read well');
});

test('settings: the reader panel and the options page get the same controls, one for every setting', () => {
  const { document } = new JSDOM('<!doctype html><body><div id="fields"></div>').window;
  const container = document.getElementById('fields');
  fillFields(container);
  const named = new Set([...container.querySelectorAll('[data-setting]')].map((el) => el.dataset.setting));
  // The voice and the speech rate are set in the narration panel, next to the play button.
  const expected = Object.keys(DEFAULTS).filter((name) => name !== 'voices' && name !== 'rate');
  assert.deepEqual([...named].sort(), expected.sort());
  const ids = [...container.querySelectorAll('[id]')].map((el) => el.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  for (const label of container.querySelectorAll('label[for]')) {
    assert.ok(ids.includes(label.htmlFor), `label for ${label.htmlFor} has its control`);
  }
  for (const input of container.querySelectorAll('input:not([type=range]), select')) {
    assert.ok(input.closest('label') || container.querySelector(`label[for="${input.id}"]`), `${input.outerHTML} is labelled`);
  }
  assert.ok([...container.querySelectorAll('[data-i18n]')].every((el) => el.dataset.i18n.length > 0));
  // Filled again (a second call), nothing doubles.
  fillFields(container);
  assert.equal(container.querySelectorAll('#set-font').length, 1);
});

test('the reader page preloads exactly the modules its script imports, at any depth', () => {
  const readerDir = join(ROOT, 'extension/reader');
  const html = readFileSync(join(readerDir, 'reader.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)]
    .map((m) => normalizePath(join(readerDir, m[1]))));
  const imported = new Set();
  const visit = (file) => {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?'([^']+)';/gms)) {
      const target = normalizePath(join(dirname(file), m[1]));
      if (imported.has(target)) continue;
      imported.add(target);
      visit(target);
    }
  };
  visit(join(readerDir, 'reader.js'));
  const name = (file) => relative(readerDir, file);
  assert.deepEqual([...preloaded].map(name).sort(), [...imported].map(name).sort());
});

test('protocol: the selection and readerable messages', () => {
  assert.equal(checkMessage({ type: SELECTION }), SELECTION);
  assert.equal(checkMessage({ type: READERABLE, readerable: false }), READERABLE);
  // The selected text's document travels with the page's source, straight into the reader frame.
  const key = newToken();
  const page = {
    type: PAGE, key, utf8: [new TextEncoder().encode('<p>x</p>')], selection: '<p>x</p>', last: true,
  };
  assert.equal(checkPage(page, key)?.selection, '<p>x</p>');
  assert.equal(checkPage({ ...page, selection: 'x'.repeat(MAX_SELECTION_LENGTH + 1) }, key), null);
  assert.equal(checkPage({ ...page, selection: ['<p>x</p>'] }, key), null);
  for (const bad of [
    { type: SELECTION, x: 1 },
    { type: 'klartext:selection-source', html: '<p>x</p>', url: 'https://example.org/a', selection: '<p>x</p>' },
    { type: READERABLE, readerable: 'yes' },
    { type: READERABLE },
    { type: TAKE, token: newToken(), selection: '' },
  ]) {
    assert.equal(checkMessage(bad), null, JSON.stringify(bad).slice(0, 80));
  }
  const content = readFileSync(join(ROOT, 'extension/content.js'), 'utf8');
  for (const [name, value] of Object.entries({ SELECTION, PAGE })) {
    assert.ok(content.includes(`const ${name} = '${value}';`), `content.js has ${name}`);
  }
  assert.ok(content.includes(`const MAX_SELECTION_LENGTH = ${MAX_SELECTION_LENGTH / 1024 / 1024} * 1024 * 1024;`));
});

test('UI catalogues: English and German have the same messages, none empty, placeholders alike; every string the view uses exists', () => {
  const load = (lang) => JSON.parse(readFileSync(join(ROOT, `extension/_locales/${lang}/messages.json`), 'utf8'));
  const en = load('en');
  const de = load('de');
  assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  for (const [key, entry] of Object.entries(en)) {
    assert.ok(entry.message.trim() && de[key].message.trim(), key);
    assert.deepEqual(Object.keys(de[key].placeholders ?? {}).sort(), Object.keys(entry.placeholders ?? {}).sort(), key);
    for (const name of Object.keys(entry.placeholders ?? {})) {
      assert.ok(de[key].message.includes(`$${name.toUpperCase()}$`), `${key} (de) uses $${name.toUpperCase()}$`);
    }
  }
  const html = readFileSync(join(ROOT, 'extension/reader/reader.html'), 'utf8');
  const used = new Set([...html.matchAll(/data-i18n(?:-label|-aria-label)?="(\w+)"/g)].map((m) => m[1]));
  // The settings' controls are made by settings.js (fillFields) for the reader and options pages.
  const { document } = new JSDOM('<!doctype html><body><div></div>').window;
  fillFields(document.querySelector('div'));
  for (const el of document.querySelectorAll('[data-i18n]')) used.add(el.dataset.i18n);
  for (const file of ['reader.js', 'settings.js', 'narration.js', 'export.js']) {
    const js = readFileSync(join(ROOT, 'extension/reader', file), 'utf8');
    for (const m of js.matchAll(/\bt\('(\w+)'/g)) used.add(m[1]);
    for (const m of js.matchAll(/\bt\(\w+ \? '(\w+)' : '(\w+)'\)/g)) used.add(m[1]).add(m[2]);
  }
  const background = readFileSync(join(ROOT, 'extension/background.js'), 'utf8');
  for (const m of background.matchAll(/getMessage\(\s*(?:\w+ \? )?'(\w+)'(?: : '(\w+)')?/g)) {
    used.add(m[1]);
    if (m[2]) used.add(m[2]);
  }
  const missing = [...used].filter((key) => !(key in en));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 60, `${used.size} strings`);
});

test('the header drops the site name repeated after a separator, and nothing else', () => {
  const cases = [
    ['How to Build a Terrarium | eHow', 'eHow', 'How to Build a Terrarium'],
    ["'Neutral' Snopes Fact-Checker - Breitbart", 'Breitbart', "'Neutral' Snopes Fact-Checker"],
    ['These Weeks in Firefox: Issue 85 – Firefox Nightly News', 'Firefox Nightly News', 'These Weeks in Firefox: Issue 85'],
    ['アプリ（CNET Japan） - Yahoo!ニュース', 'Yahoo!ニュース', 'アプリ（CNET Japan）'],
    // No separator, a name inside a word, the name alone, no site: unchanged.
    ['Why I love eHow', 'eHow', 'Why I love eHow'],
    ['Getting LEAN with Digital Ad UX | AIAB', 'IAB', 'Getting LEAN with Digital Ad UX | AIAB'],
    ['| eHow', 'eHow', '| eHow'],
    ['eHow', 'eHow', 'eHow'],
    ['A title | eHow', null, 'A title | eHow'],
  ];
  for (const [title, site, shown] of cases) assert.equal(shownTitle(title, site), shown, title);
});
