// What a message from the page into the extension's reader frame costs by its size and kind, in
// Chromium, one way: from just before postMessage in the page to the frame's message event with
// its data read, on one clock (performance.timeOrigin + performance.now() in both). Answers which
// part of a hand-over is fixed and which grows with the bytes, and whether what the message
// carries (a string, a copied or a transferred ArrayBuffer) matters.
//
//   node tests/bench/message-size.mjs
//
// Kinds: a one-byte string ('a' repeated), a two-byte string ('ä€' repeated; its size counts
// two bytes a unit), an ArrayBuffer copied (structured clone), an ArrayBuffer transferred.
// Every size and kind in turn, KLARTEXT_BENCH_REPS rounds (default 15), in one tab with the frame
// (benchFrame) over a small page; medians and p90 per kind and size.

/* global window */
import {
  benchFrame, launch, pageMessaging, requireBuild,
} from './browser.mjs';
import { loadSets, startServer } from './pages.mjs';
import { quantile } from './report.mjs';

const REPS = Math.max(1, Number.parseInt(process.env.KLARTEXT_BENCH_REPS ?? '15', 10) || 15);
const SIZES = [0, 1000, 8000, 15000, 16000, 17000, 18000, 20000, 32000, 64000, 128000, 256000, 1000000];
const KINDS = ['string one-byte', 'string two-byte', 'buffer copied', 'buffer transferred'];
const log = (line) => process.stderr.write(`${line}\n`);

async function main() {
  requireBuild();
  const sets = loadSets();
  const server = await startServer(sets);
  const session = await launch();
  const { origin } = session;
  try {
    const page = await session.browser.newPage();
    await page.goto(`${server.base}${sets.mozilla[0].path}`, { waitUntil: 'load' });
    await page.bringToFront();
    const frame = await benchFrame(page, origin, 20_000);
    await frame.evaluate(() => {
      const { now } = window.klartextBench;
      window.addEventListener('message', (event) => {
        // Reading the data deserialises it: part of the way in.
        if (event.data?.klartextBench !== 'sized') return;
        event.source.postMessage({ klartextBench: 'done', received: now() }, '*');
      });
    });
    await pageMessaging(page, origin);
    const times = await page.evaluate(async (origin, reps, sizes, kinds) => {
      const { now, target, reply } = window.klartextBench;
      const payload = (kind, bytes) => {
        if (kind === 'string one-byte') return { data: 'a'.repeat(bytes), transfer: [] };
        if (kind === 'string two-byte') return { data: 'ä€'.repeat(bytes / 4), transfer: [] };
        const data = new Uint8Array(bytes).fill(0x61);
        return { data, transfer: kind === 'buffer transferred' ? [data.buffer] : [] };
      };
      const out = {};
      for (let r = 0; r < reps; r++) {
        for (const bytes of sizes) {
          for (const kind of kinds) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            const { data, transfer } = payload(kind, bytes);
            const answer = reply('done');
            const start = now();
            target.postMessage({ klartextBench: 'sized', data }, origin, transfer);
            const { received } = await answer;
            (out[`${kind}|${bytes}`] ??= []).push(received - start);
          }
        }
      }
      return out;
    }, origin, REPS, SIZES, KINDS);
    log(`one way page -> extension frame, ms, median / p90 of ${REPS} (${session.version})`);
    log(`${'payload bytes'.padStart(14)}${KINDS.map((k) => k.padStart(20)).join('')}`);
    for (const bytes of SIZES) {
      const cells = KINDS.map((kind) => {
        const t = times[`${kind}|${bytes}`];
        return `${quantile(t, 0.5).toFixed(2)} / ${quantile(t, 0.9).toFixed(2)}`.padStart(20);
      });
      log(`${String(bytes).padStart(14)}${cells.join('')}`);
    }
  } finally {
    await session.close();
    await server.close();
  }
}

main().catch((err) => {
  log(`message-size: ${err?.stack ?? err}`);
  process.exitCode = 1;
});
