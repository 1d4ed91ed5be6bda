// The speed benchmark's table (plain text) and chart (SVG, drawn here from the numbers).

import { gzipSync } from 'node:zlib';

const TARGETS = {
  medianRatio: 3,
  p95Ratio: 5,
  coreVsNoop: 1.5,
  wasmBytes: 450 * 1024,
  // A main-thread task longer than this is a frozen tab: the web's "poor" responsiveness bound (INP).
  freezeMs: 500,
};

const SET_NAMES = {
  mozilla: 'Mozilla Readability test pages',
  large: 'Large pages (WCXB dev pages >= 1,000,000 bytes)',
};

/** The p-quantile with linear interpolation between closest ranks (numpy's default). */
export function quantile(values, p) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = p * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}
const median = (values) => quantile(values, 0.5);

const ms = (value) => (Number.isFinite(value) ? (value >= 100 ? value.toFixed(0) : value.toFixed(1)) : '-');
const times = (value) => (Number.isFinite(value) ? `${value.toFixed(value >= 10 ? 1 : 2)}x` : '-');
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const mbps = (bytes, millis) => (bytes / 1e6) / (millis / 1000);
const pad = (text, width) => String(text).padEnd(width);
const lpad = (text, width) => String(text).padStart(width);
const verdict = (met) => (met ? 'met' : 'NOT met');

function setStats(all) {
  const pages = all.filter((p) => !p.failed);
  const column = (key) => pages.map((p) => p[key]);
  const stat = (key) => ({ median: median(column(key)), p95: quantile(column(key), 0.95) });
  const stats = {
    pages: pages.length,
    bytes: median(column('bytes')),
    readability: stat('readability'),
    klartext: stat('klartext'),
    serialise: stat('serialise'),
    handover: stat('handover'),
    handoverBlocked: stat('handoverBlocked'),
    emptyHop: stat('emptyHop'),
    // What this design cannot go below: serialising, and one message into the frame.
    floor: {
      median: median(pages.map((p) => p.serialise + p.emptyHop)),
      p95: quantile(pages.map((p) => p.serialise + p.emptyHop), 0.95),
    },
    extract: stat('extract'),
    // What a core that cost nothing would leave: serialising and handing the page over.
    transfer: {
      median: median(pages.map((p) => p.serialise + p.handover)),
      p95: quantile(pages.map((p) => p.serialise + p.handover), 0.95),
    },
    readabilityFirst: stat('readabilityFirst'),
    smoothie: stat('smoothie'),
    klartextFirst: stat('klartextFirst'),
    perPageRatio: median(pages.map((p) => p.readability / p.klartext)),
    faster: pages.filter((p) => p.klartext < p.readability).length,
    errors: [
      ...all.filter((p) => p.failed).map((p) => `${p.id}: not measured: ${p.failed}`),
      ...pages.flatMap((p) => p.errors.map((e) => `${p.id}: ${e}`)),
    ],
  };
  stats.ratio = {
    median: stats.readability.median / stats.klartext.median,
    p95: stats.readability.p95 / stats.klartext.p95,
  };
  stats.ratioFirst = {
    median: stats.readabilityFirst.median / stats.klartextFirst.median,
    p95: stats.readabilityFirst.p95 / stats.klartextFirst.p95,
  };
  stats.ceiling = stats.readability.median / stats.serialise.median;
  return stats;
}

/** One set's rows of section 1 (a browser's end-to-end table); returns its statistics. */
function setSection(out, name, pages) {
  const s = setStats(pages);
  out();
  out(`   ${SET_NAMES[name] ?? name}: ${s.pages} pages measured of ${pages.length}, median ${kib(s.bytes)}`);
  out(`   ${pad('', 44)}${lpad('median', 9)}${lpad('p95', 9)}`);
  const row = (label, stat) => out(`   ${pad(label, 44)}${lpad(ms(stat.median), 9)}${lpad(ms(stat.p95), 9)}`);
  row('Readability.js', s.readability);
  row('Klartext end to end', s.klartext);
  row('  serialise (serialise.js, in the page)', s.serialise);
  row('  hand-over, one way (encode + postMessage)', s.handover);
  row('    its longest step on the page\'s thread', s.handoverBlocked);
  if (Number.isFinite(s.emptyHop.median)) row('    one message page -> frame, empty', s.emptyHop);
  row('  extract after the last part (wasm, frame)', s.extract);
  if (Number.isFinite(s.smoothie.median)) row('dom_smoothie (wasm, in the page)', s.smoothie);
  out(`   ${pad('ratio Readability.js / Klartext', 44)}${lpad(times(s.ratio.median), 9)}${lpad(times(s.ratio.p95), 9)}`);
  out(`   ${pad('  first run on each page (cold JIT / caches)', 44)}${lpad(times(s.ratioFirst.median), 9)}${lpad(times(s.ratioFirst.p95), 9)}`);
  if (Number.isFinite(s.smoothie.median)) {
    out(`   ${pad('ratio dom_smoothie / Klartext', 44)}${lpad(times(s.smoothie.median / s.klartext.median), 9)}`
      + `${lpad(times(s.smoothie.p95 / s.klartext.p95), 9)}`);
  }
  out(`   median of the per-page ratios ${times(s.perPageRatio)}; Klartext faster on ${s.faster} of ${s.pages} pages;`
    + ` ceiling if hand-over and core cost nothing (Readability.js / serialise) ${times(s.ceiling)}`);
  if (Number.isFinite(s.floor.median)) {
    out(`   floor of this design: serialise + one empty hop = ${ms(s.floor.median)} ms median, ${ms(s.floor.p95)} ms p95 (per page)`
      + ` -> ceiling ratio Readability.js / floor = ${times(s.readability.median / s.floor.median)} median,`
      + ` ${times(s.readability.p95 / s.floor.p95)} p95`);
  }
  if (Number.isFinite(s.transfer.median)) {
    out(`   with a core that cost nothing: serialise + hand-over = ${ms(s.transfer.median)} ms median, ${ms(s.transfer.p95)} ms p95`
      + ` -> ceiling ratio ${times(s.readability.median / s.transfer.median)} median, ${times(s.readability.p95 / s.transfer.p95)} p95`
      + ' (low on pages of several parts, whose hand-over includes the core reading the parts before the last)');
  }
  for (const error of s.errors.slice(0, 5)) out(`   error: ${error}`);
  if (s.errors.length > 5) out(`   ... and ${s.errors.length - 5} more errors`);
  return s;
}

/** The table as text, and the numbers the chart draws. */
export function table({ browser, native, wasm }) {
  const lines = [];
  const out = (line = '') => lines.push(line);
  const summary = { sets: [], firefox: [], native: null };
  const checks = [];

  out(`Klartext speed, ${new Date().toISOString().slice(0, 10)}: ${browser.browser} headless, ${browser.reps} runs`
    + ' of each measurement per page (a page counts its median), load average'
    + ` ${browser.loadBefore} before / ${browser.loadAfter ?? '?'} after the browser runs.`);
  if (browser.limited) out('ONLY THE FIRST PAGES OF EACH SET (KLARTEXT_BENCH_LIMIT): not the benchmark.');
  out();
  out('1. End to end in Chromium, ms per page: Readability.js = new Readability(document.cloneNode(true)).parse()');
  out('   on the loaded page; Klartext = as the user waits, on one clock (performance.timeOrigin + now() in the page');
  out('   and in the reader frame): from just before serialising in the page to the moment the article object exists in');
  out('   the extension-origin reader frame over the page, whose core is loaded already (as it is while the page');
  out('   serialises). Its parts: serialise (extension/serialise.js, as the content script calls it), hand-over one way');
  out('   (the string encoded to UTF-8 in parts of 256 Ki units, each posted with its bytes transferred as soon as it');
  out('   is, until the frame\'s message event of the last; the core reads the parts before it meanwhile), extract (in');
  out('   the frame from the last part on: it written into the core\'s Reading, the article, the result as a JS object). One message');
  out('   page -> frame, empty = a message of a few bytes from the page until the frame\'s message event. The small');
  out('   extension messages (offer, token) overlap the frame\'s load, which is in click-to-paint (section 3), not here.');
  out('   dom_smoothie = its wasm build instantiated in the page: parse(outerHTML, url), no hand-over (what a content');
  out('   script could run where the page allows wasm). Ratios are X / Klartext: above 1 Klartext is faster.');
  for (const [name, pages] of Object.entries(browser.sets)) {
    const s = setSection(out, name, pages);
    summary.sets.push({
      name,
      label: name === 'mozilla' ? 'Mozilla set' : 'Large set',
      ratio: s.ratio,
      smoothie: Number.isFinite(s.smoothie.median)
        ? { median: s.readability.median / s.smoothie.median, p95: s.readability.p95 / s.smoothie.p95 }
        : null,
    });
    checks.push([`${summary.sets.at(-1).label}: end to end >= ${TARGETS.medianRatio}x faster at the median`,
      s.ratio.median >= TARGETS.medianRatio, times(s.ratio.median)]);
    checks.push([`${summary.sets.at(-1).label}: end to end >= ${TARGETS.p95Ratio}x faster at p95`,
      s.ratio.p95 >= TARGETS.p95Ratio, times(s.ratio.p95)]);
  }
  if (browser.firefox) {
    out();
    out(`1b. The same end to end in Firefox (${browser.firefox.browser}, headless, WebDriver BiDi; the extension installed as`);
    out('   a temporary add-on; timer precision not reduced): the same pages, runs and clock; no dom_smoothie.');
    for (const [name, pages] of Object.entries(browser.firefox.sets)) {
      const s = setSection(out, name, pages);
      summary.firefox.push({ label: name === 'mozilla' ? 'Mozilla set' : 'Large set', ratio: s.ratio });
    }
  }

  out();
  if (native) {
    const fn = Object.fromEntries(native.functions.map((f) => [f.name, f]));
    const bytes = native.mozilla_bytes;
    out(`2. Natively (criterion, median of ${fn.klartext.samples} runs over all ${native.mozilla_pages} Mozilla pages,`
      + ` ${(bytes / 1e6).toFixed(1)} MB per run; load average ${native.load_average ?? '?'} after it)`);
    out(`   ${pad('', 50)}${lpad('ms/run', 9)}${lpad('MB/s', 8)}${lpad('x no-op', 9)}`);
    const noop = fn.lol_html_noop.median_ms;
    const labels = {
      lol_html_bare: 'lol_html pass, no handlers',
      lol_html_noop: 'lol_html pass, no-op element!("*") + doc_text!',
      klartext: 'Klartext core (klartext::extract)',
      dom_smoothie: 'dom_smoothie (Readability::parse)',
    };
    for (const f of native.functions) {
      out(`   ${pad(labels[f.name] ?? f.name, 50)}${lpad(ms(f.median_ms), 9)}${lpad(mbps(bytes, f.median_ms).toFixed(1), 8)}`
        + `${lpad(times(f.median_ms / noop), 9)}`);
    }
    const coreVsNoop = fn.klartext.median_ms / noop;
    const coreVsSmoothie = fn.dom_smoothie.median_ms / fn.klartext.median_ms;
    out(`   core / no-op pass ${times(coreVsNoop)} (target <= ${TARGETS.coreVsNoop}x; the core runs one lol_html pass and replays its tokens over the article);`
      + ` dom_smoothie / core ${times(coreVsSmoothie)} (above 1 the core is faster)`);
    summary.native = { coreVsNoop, smoothieVsNoop: fn.dom_smoothie.median_ms / noop };
    checks.push([`core within ${TARGETS.coreVsNoop}x of one no-op lol_html pass`, coreVsNoop <= TARGETS.coreVsNoop, times(coreVsNoop)]);
  } else {
    out('2. Natively: no tests/out/bench/native.json (run ./build.sh bench)');
  }

  out();
  const gz = gzipSync(wasm, { level: 9 }).length;
  out('3. Size and latency');
  out(`   wasm (extension/core/klartext_bg.wasm): ${wasm.length} bytes (${kib(wasm.length)}) raw, ${gz} bytes`
    + ` (${kib(gz)}) gzipped; ${times(wasm.length / TARGETS.wasmBytes)} the ${kib(TARGETS.wasmBytes)} target`);
  checks.push([`wasm <= ${kib(TARGETS.wasmBytes)} raw`, wasm.length <= TARGETS.wasmBytes, kib(wasm.length)]);
  for (const [name, m] of Object.entries(browser.memory ?? {})) {
    out(`   wasm memory, largest page of the ${name} set (${m.id}, ${mib(m.chars)} of outerHTML):`
      + ` ${mib(m.before)} after init, ${mib(m.after)} after extract (${times(m.after / m.chars)} the page's chars)`);
  }
  const STEPS = [
    ['frame', 'reader frame starts loading'],
    ['document', 'its document has arrived'],
    ['parsed', 'and is parsed'],
    ['main', 'the view\'s script starts (its modules loaded)'],
    ['taken', 'the page\'s address and key taken from the background'],
    ['page', 'the page\'s source received'],
    ['settings', 'the reader settings read from storage'],
    ['core', 'the core compiled and instantiated'],
    ['extracted', 'the article extracted'],
    ['shown', 'the article rendered (and its reading position restored)'],
  ];
  /** Where the time goes: the frame's steps, medians over the runs, ms after the click. */
  const steps = (runs, painted) => {
    const timed = runs.filter((c) => c.steps);
    if (!timed.length) return;
    out('     where the time goes (medians, ms after the click):');
    for (const [step, what] of STEPS) {
      const at = timed.map((c) => c.steps[step]).filter((v) => typeof v === 'number');
      if (at.length) out(`       ${lpad(ms(median(at)), 7)}  ${what}`);
    }
    out(`       ${lpad(ms(median(painted)), 7)}  the article painted`);
  };
  const clicks = (browser.click ?? []).map((c) => c.painted);
  if (clicks.length) {
    out(`   click to painted article, reference page: median ${ms(median(clicks))} ms of ${clicks.length} runs`
      + ` (first ${ms(clicks[0])} ms, range ${ms(Math.min(...clicks))}-${ms(Math.max(...clicks))})`);
    out('     from just before triggerExtensionAction to the reader frame\'s largest-contentful-paint entry of the first');
    out('     element inside <article> (the frame\'s clock mapped onto the driver\'s by CDP round trips); the');
    out('     extension\'s process is warm: the core compiled and its hot code optimised by the pages before');
    steps(browser.click, clicks);
  }
  const cold = (browser.coldClick ?? []).map((c) => c.painted).filter((v) => typeof v === 'number');
  if (cold.length) {
    out(`   the same, the first click in a freshly started browser: median ${ms(median(cold))} ms of ${cold.length} browsers`
      + ` (range ${ms(Math.min(...cold))}-${ms(Math.max(...cold))})`);
    out('     nothing compiled yet: the core is compiled lazily, function by function on first call, during the extract');
    steps(browser.coldClick, cold);
  }

  out();
  out('4. Pathological pages');
  const nativeRuns = Object.fromEntries((native?.pathological ?? []).map((r) => [r.name, r]));
  const corpusMbps = native ? mbps(native.mozilla_bytes, native.functions.find((f) => f.name === 'klartext').median_ms) : NaN;
  out(`   ${pad('', 11)}${lpad('bytes', 10)} | native CLI: ${pad('ms', 7)}${pad('MB/s', 7)}${pad('vs set', 8)}${pad('peak RSS', 11)}${pad('RSS/in', 7)}`
    + `| Chromium: longest task, view, extract ms, wasm memory`);
  let worstTask = 0;
  for (const p of browser.pathological ?? []) {
    const n = nativeRuns[p.id];
    const nativePart = n
      ? `${pad(n.ok ? ms(n.wall_ms) : 'FAIL', 7)}${pad(mbps(n.bytes, n.wall_ms).toFixed(1), 7)}`
        + `${pad(times(mbps(n.bytes, n.wall_ms) / corpusMbps), 8)}${pad(mib(n.max_rss_kib * 1024), 11)}`
        + `${pad(times(n.max_rss_kib * 1024 / n.bytes), 7)}`
      : pad('-', 40);
    worstTask = Math.max(worstTask, p.longest);
    const view = p.shown.article ? 'article' : `message "${(p.shown.message ?? '').slice(0, 40)}"`;
    const extract = p.memory.error ? `error ${p.memory.error.slice(0, 40)}` : `${ms(p.memory.ms)} ms`;
    out(`   ${pad(p.id, 11)}${lpad(p.bytes, 10)} | ${pad('', 12)}${nativePart}| ${ms(p.longest)} ms, ${view} after`
      + ` ${ms(p.viewMs)} ms, ${extract}, ${mib(p.memory.after)}`);
    if (n && !n.ok) out(`     native: ${n.exit}`);
    const send = !p.send ? 'not measured'
      : p.send.skipped ? 'not sent (over the 32 Mi-character cap)'
        : p.send.error ? `error: ${p.send.error.slice(0, 60)}`
          : `${ms(p.send.ms)} ms (longest encoding step ${ms(p.send.encodeStep)} ms, post ${ms(p.send.post)} ms)`;
    out(`     on the page's main thread: outerHTML in one call ${ms(p.serialise.ms)} ms (${mib(p.serialise.length)}; serialise.js takes it in steps),`
      + ` the hand-over's longest step in the content script ${send};`);
    out(`     from the click until the view was done a 10 ms timer waited at most ${ms(p.longestGap)} ms`
      + ` (Long Tasks API: ${p.tasks} entries${p.tasks ? `, longest ${ms(p.longestTask)} ms` : ''})`);
    if (p.rawMemory) {
      const raw = p.rawMemory.error ? `error: ${p.rawMemory.error}` : `${ms(p.rawMemory.ms)} ms, ${mib(p.rawMemory.after)}`;
      out(`     Chromium's DOM nests at most 512 deep; the core in wasm on the file itself (${DEPTH_NOTE}): ${raw}`);
    }
  }
  if (browser.pathological?.length) {
    checks.push([`no page freezes the tab (no main-thread task >= ${TARGETS.freezeMs} ms)`, worstTask < TARGETS.freezeMs,
      `longest ${ms(worstTask)} ms`]);
  }

  out();
  out('5. Targets');
  for (const [label, met, value] of checks) out(`   ${pad(verdict(met), 8)}${pad(label, 64)}${value}`);
  out();
  return { text: `${lines.join('\n')}\n`, summary };
}

const DEPTH_NOTE = '100,000 nested divs';

function escape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Two panels of horizontal bars: how many times faster than Readability.js end to end (per set,
 * median and p95, with the 3x and 5x targets), and the native core's time over one no-op
 * lol_html pass (with the 1.5x target).
 */
export function chart(summary) {
  const width = 760;
  const left = 250;
  const barArea = width - left - 70;
  const rowHeight = 26;
  const parts = [];
  let y = 0;

  function panel(title, rows, targets, unit) {
    const max = Math.max(...rows.map((r) => r.value).filter(Number.isFinite), ...targets.map((t) => t.value)) * 1.1;
    const x = (value) => left + (barArea * value) / max;
    y += 30;
    parts.push(`<text x="12" y="${y}" class="title">${escape(title)}</text>`);
    y += 12;
    const top = y;
    for (const row of rows) {
      const value = Number.isFinite(row.value) ? row.value : 0;
      parts.push(`<text x="${left - 8}" y="${y + 17}" class="label" text-anchor="end">${escape(row.label)}</text>`);
      parts.push(`<rect x="${left}" y="${y + 4}" width="${(x(value) - left).toFixed(1)}" height="${rowHeight - 8}" class="${row.kind}"/>`);
      parts.push(`<text x="${(x(value) + 6).toFixed(1)}" y="${y + 17}" class="value">${escape(`${value.toFixed(value >= 10 ? 1 : 2)}${unit}`)}</text>`);
      y += rowHeight;
    }
    for (const [i, target] of targets.entries()) {
      const tx = x(target.value).toFixed(1);
      parts.push(`<line x1="${tx}" y1="${top}" x2="${tx}" y2="${y + 3 + i * 12}" class="target"/>`);
      parts.push(`<text x="${tx}" y="${y + 13 + i * 12}" class="note" text-anchor="middle">${escape(target.label)}</text>`);
    }
    y += 8 + targets.length * 12;
  }

  const speedRows = [];
  const both = summary.firefox?.length > 0;
  for (const set of summary.sets) {
    const label = both ? `${set.label} in Chromium` : set.label;
    speedRows.push({ label: `${label}, median page`, value: set.ratio.median, kind: 'ours' });
    speedRows.push({ label: `${label}, p95 page`, value: set.ratio.p95, kind: 'ours' });
    if (set.smoothie) {
      speedRows.push({ label: `${set.label}, median: dom_smoothie`, value: set.smoothie.median, kind: 'other' });
      speedRows.push({ label: `${set.label}, p95: dom_smoothie`, value: set.smoothie.p95, kind: 'other' });
    }
  }
  for (const set of summary.firefox ?? []) {
    speedRows.push({ label: `${set.label} in Firefox, median page`, value: set.ratio.median, kind: 'ours' });
    speedRows.push({ label: `${set.label} in Firefox, p95 page`, value: set.ratio.p95, kind: 'ours' });
  }
  panel(`End to end${both ? '' : ' in Chromium'}: times faster than Readability.js (higher is better)`, speedRows,
    [{ value: 1, label: 'as fast' },
      { value: TARGETS.medianRatio, label: `${TARGETS.medianRatio}x target (median)` },
      { value: TARGETS.p95Ratio, label: `${TARGETS.p95Ratio}x target (p95)` }], 'x');
  if (summary.native) {
    panel('Native, Mozilla pages: time / one no-op lol_html pass (lower is better)', [
      { label: 'Klartext core', value: summary.native.coreVsNoop, kind: 'ours' },
      { label: 'dom_smoothie', value: summary.native.smoothieVsNoop, kind: 'other' },
    ], [{ value: TARGETS.coreVsNoop, label: `${TARGETS.coreVsNoop}x target` }], 'x');
  }
  const height = y + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">
<title>Klartext speed: end to end against Readability.js in Chromium${both ? ' and Firefox' : ''}, and the core against a no-op lol_html pass</title>
<style>
  text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #222; }
  .title { font-size: 14px; font-weight: 600; }
  .label, .value { font-size: 12px; }
  .note { font-size: 10px; fill: #b00; }
  .ours { fill: #2f6fb3; }
  .other { fill: #9a9a9a; }
  .target { stroke: #b00; stroke-width: 1.5; stroke-dasharray: 4 3; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}
