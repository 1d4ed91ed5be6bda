// XSS through the real extension, in Chromium and Firefox: every payload of DOMPurify's test
// fixtures (223) and Klartext's own (tests/fixtures/hostile/xss-extra.json: encoded
// javascript:/data: URLs, SVG and MathML namespace confusion, mXSS through re-parsing,
// <base>, meta refresh, srcdoc, form actions, CSS url()), each in a paragraph of a real
// article, 40 to a page (those that a payload before them hid go round again on pages of their
// own). The real toolbar action opens the reader view on each page.
//
// Execution is looked for three ways:
// - beacons: alert()/confirm()/prompt()/print() in the payloads, and BEACON in Klartext's own,
//   become fetch() and an image load of http://127.0.0.1:PORT/hit?id=N, and HIT becomes that
//   URL where a load (CSS url(), a frame, a stylesheet, a refresh) would be the failure. The
//   pages are served with `default-src 'none'`, so the page itself runs and loads nothing:
//   every /hit request comes from the reader view. A control image in each article (/ok)
//   shows that the reader view does reach the server.
// - CSP violations in the reader frame: its CSP forbids inline script, so a payload that tries
//   to run there is stopped and reported (a control inline script shows the counter works).
// - a scan of the reader view's DOM for anything that could run script, load a frame,
//   navigate, submit or clobber the reader's own names (harness.mjs: scanReader).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sleep } from './support.mjs';
import {
  HOSTILE_DIR, INERT_CSP, launch, openReader, scanReader, startHostileServer,
} from '../fixtures/hostile/harness.mjs';

const PER_PAGE = 40;
const THOROUGH = process.env.KLARTEXT_XSS_THOROUGH === '1';
/** CSP directives whose violation means script, a fetch, a frame, an embed or a form was tried. */
const EXECUTION = /\b(script-src-elem|script-src(?!-)|connect-src|frame-src|child-src|object-src|worker-src|form-action|base-uri)\b/;

/** Every payload, in order: DOMPurify's, then Klartext's own. */
function loadVectors() {
  const read = (name) => JSON.parse(readFileSync(join(HOSTILE_DIR, name), 'utf8'));
  return [...read('dompurify-vectors.json'), ...read('xss-extra.json')]
    .map((v, id) => ({ id, title: v.title ?? '(untitled)', payload: v.payload, last: v.last === true }));
}

/**
 * A script expression without quotes or spaces (so that it fits in any attribute or URL the
 * payload puts it in) that reports payload `id` to the server by fetch() and by an image.
 */
function beacon(base, id) {
  const url = `${base}/hit?id=${id}`;
  const string = `String.fromCharCode(${[...url].map((c) => c.charCodeAt(0)).join(',')})`;
  return `[fetch(${string}),Object.assign(Reflect.construct(Image,[]),{src:${string}})]`;
}

function arm(vector, base) {
  return vector.payload
    .replace(/\b(?:alert|confirm|prompt|print)\s*\((?:[^()]|\([^()]*\))*\)/g, () => beacon(base, vector.id))
    .replaceAll('BEACON', beacon(base, vector.id))
    .replaceAll('HIT', `${base}/hit?id=${vector.id}`);
}

/** Closes whatever a payload left open, so that the next one is read as markup again. */
const RESET = '<!-- -->"\'`-->]]></textarea></title></style></xmp></noembed></noframes></noscript>'
  + '</iframe></select></template></svg></math></table></form></object></a></option></listing>'
  + '</button></details></marquee></q></blockquote>';

const INTRO = [
  'The city council decided on Tuesday, after a debate that lasted well into the evening, to renovate the old stone bridge over the river instead of tearing it down.',
  'Engineers had warned for years that the arches were crumbling, and a report published in the spring found that two of the five piers needed urgent repairs before the winter.',
  'Residents on both banks had collected more than four thousand signatures for keeping the bridge, which has connected the market square with the old mill since 1847.',
];

/**
 * A page whose article holds the payloads, each in a paragraph that starts with its marker.
 * `comments`: the payload paragraphs are a comment section after the article instead (what
 * the core drops, so that a selection of it is shown as the user selected it).
 */
function articlePage(base, number, vectors, { comments = false } = {}) {
  const paragraphs = vectors.map((v) => `<p>Paragraph marker-${v.id}: the works will take two summers, `
    + 'and the bridge stays open for people on foot and on bicycles the whole time. '
    + `${arm(v, base)} The cost is put at 3.2 million euros.</p>\n${RESET}\n`);
  const article = `<p>${INTRO[0]} <img src="${base}/ok?id=${number}" alt="control image" width="40" height="40"></p>`
    + INTRO.slice(1).map((p) => `<p>${p}</p>\n`).join('');
  return '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    + `<title>Old bridge will be renovated (${number})</title></head><body>`
    + '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
    + `<article><h1>Old bridge will be renovated (${number})</h1>${article}`
    + (comments
      ? `</article><section id="comments" class="comments"><h2>Comments</h2>${paragraphs.join('')}</section>`
      : `${paragraphs.join('')}<p>The first scaffolding is expected in March, the council said.</p></article>`)
    + '<footer>© Example News</footer></body></html>';
}

/** Batches of PER_PAGE; a payload that swallows the rest of its page comes last in its batch. */
function batches(vectors) {
  const ordinary = vectors.filter((v) => !v.last);
  const swallowing = vectors.filter((v) => v.last);
  const out = [];
  for (let i = 0; i < ordinary.length; i += PER_PAGE) out.push(ordinary.slice(i, i + PER_PAGE));
  swallowing.forEach((v, i) => out[i % out.length].push(v));
  return out;
}

for (const name of ['chromium', 'firefox']) {
  describe(`XSS vectors through the reader view in ${name}`, { timeout: 90_000 }, () => {
    let driver;
    let server;
    let vectors;

    before(async () => {
      server = await startHostileServer();
      driver = await launch(name);
      vectors = loadVectors();
    });

    after(async () => {
      await driver?.close();
      await server?.close();
    });

    /**
     * Serves `html`, opens the reader view on it (on the selection of `#comments` when
     * `select`), and returns what the view shows and every problem found in it.
     */
    async function check(page, number, html, select = false) {
      const path = `/xss/${number}.html`;
      server.add(path, html, { 'Content-Security-Policy': INERT_CSP });
      await driver.watch(page);
      await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
      if (select) {
        // Through the prototypes: payloads clobber document.getElementById and friends. An
        // autofocus field in a payload has the focus, and a selection made while a field has
        // the focus does not count: the focus goes first.
        await page.evaluate(() => {
          const active = Object.getOwnPropertyDescriptor(Document.prototype, 'activeElement').get.call(document);
          if (active && active !== document.body) HTMLElement.prototype.blur.call(active);
          window.getSelection().selectAllChildren(Document.prototype.getElementById.call(document, 'comments'));
        });
      }
      const { frame, shown } = await openReader(driver, page);
      assert.equal(shown.message, null, `page ${number}: the reader shows an article`);
      if (select) {
        assert.ok(await frame.evaluate(() => Boolean(document.querySelector('.selection-note'))),
          `page ${number}: the reader shows the selection`);
      }
      // Scroll through the view so that lazy images load (and fail, for `src=x`).
      await frame.evaluate(async () => {
        for (let y = 0; y < document.documentElement.scrollHeight; y += 600) {
          window.scrollTo(0, y);
          await new Promise((resolve) => requestAnimationFrame(resolve));
        }
      });
      await sleep(200);
      const problems = [];
      for (const finding of await scanReader(frame)) problems.push(`page ${number}: ${finding}`);
      for (const v of await driver.violations(frame)) {
        // A selection is shown from its own markup, which the reader parses first (DOMParser:
        // inert, nothing in it runs or loads), and the reader's CSP reports each inline handler,
        // style and <style> that parsing meets; blocked passive loads (data: media) are reported
        // too. There, only what would run script, fetch, frame, embed or submit counts; the
        // handlers that survive into the view are what the DOM scan looks for.
        if (select && !EXECUTION.test(v)) continue;
        problems.push(`page ${number}: CSP violation ${v}`);
      }
      if (number === 0) {
        // The control: an inline script in the reader frame is stopped, and counted.
        await frame.evaluate(() => {
          const script = document.createElement('script');
          script.textContent = 'void 0';
          document.body.append(script);
          script.remove();
        });
        await sleep(100);
        assert.ok((await driver.violations(frame)).length > 0, 'the control script is seen as a CSP violation');
      }
      return { shown, problems };
    }

    /** Beacons that reached the server, as problems. */
    function executions() {
      return server.hits.filter((h) => h.kind === 'hit')
        .map((h) => `payload ${h.id} (${vectors[Number(h.id)]?.title}) reached the server: ${JSON.stringify(h)}`);
    }

    test('no payload runs, and the view holds nothing that could run one', async () => {
      const page = await driver.browser.newPage();
      const problems = [];
      const seen = new Set();
      let pages = 0;
      // A payload can hide what follows it in the page (an <svg><foreignObject> or a
      // <math><annotation-xml> that never ends: the browser's own parse puts the rest of the page
      // inside it, and so out of the article). The payloads not seen in a view go round once more;
      // with KLARTEXT_XSS_THOROUGH=1 they then go round one to a page until every one was seen.
      let todo = vectors;
      for (let round = 0; todo.length && (round < 2 || THOROUGH); round++) {
        for (const group of round < 2 ? batches(todo) : todo.map((v) => [v])) {
          const number = pages++;
          const { shown, problems: found } = await check(page, number, articlePage(server.base, number, group));
          problems.push(...found);
          for (const v of group) if (shown.text.includes(`marker-${v.id}:`)) seen.add(v.id);
        }
        const left = todo.filter((v) => !seen.has(v.id));
        if (left.length === todo.length && round >= 2) break;
        todo = left;
      }
      await sleep(300);
      const hits = executions();
      problems.push(...hits);
      assert.deepEqual(problems, [], `${problems.length} problems`);
      const controls = new Set(server.hits.filter((h) => h.kind === 'ok').map((h) => h.id));
      assert.ok(controls.size > 0, 'the reader view loads the control images from the server');
      // The test means something only if the payloads' paragraphs are in the article.
      const unseen = vectors.filter((v) => !seen.has(v.id)).map((v) => v.id);
      assert.ok(seen.size >= vectors.length * (THOROUGH ? 0.99 : 0.9),
        `${seen.size} of ${vectors.length} payload paragraphs were in a reader view; not: ${unseen}`);
      console.log(`# ${name}: ${vectors.length} payloads on ${pages} pages, ${seen.size} seen in a view `
        + `(not: ${unseen.join(' ') || 'none'}), ${hits.length} executions, ${controls.size} control images loaded`);
      await page.close();
    });

    test('a selection of the payloads, shown as selected (DOMPurify alone), runs nothing', async () => {
      // The toolbar action on a selection of 60 characters or more shows the selection; where
      // the core drops most of it (a comment section), the reader shows the selected markup
      // itself, sanitized by DOMPurify only.
      const page = await driver.browser.newPage();
      const problems = [];
      const seen = new Set();
      const groups = [];
      for (let i = 0; i < vectors.length; i += 80) groups.push(vectors.slice(i, i + 80));
      for (const [i, group] of groups.entries()) {
        const number = 1000 + i;
        const { shown, problems: found } = await check(
          page, number, articlePage(server.base, number, group, { comments: true }), true,
        );
        problems.push(...found);
        for (const v of group) if (shown.text.includes(`marker-${v.id}:`)) seen.add(v.id);
      }
      await sleep(300);
      problems.push(...executions());
      assert.deepEqual(problems, [], `${problems.length} problems`);
      assert.ok(seen.size >= vectors.length * 0.5, `${seen.size} of ${vectors.length} payload paragraphs were shown`);
      console.log(`# ${name}: selections of ${vectors.length} payloads on ${groups.length} pages, `
        + `${seen.size} seen in a view, ${executions().length} executions`);
      await page.close();
    });
  });
}
