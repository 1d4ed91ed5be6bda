// Assembles the extension: dist/unpacked/ (load it as an unpacked extension, or point the e2e
// tests at it) and the two store packages dist/klartext-chrome.zip and dist/klartext-firefox.zip
// (same content). The package has manifest.json at its root next to the contents of extension/,
// so the manifest's paths (background.js, reader/reader.html, icons/, _locales/) are relative
// to extension/. The wasm core (extension/core/, from ./build.sh) must have been built first.
// Usage: node tests/tools/package.mjs

import { cpSync, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = join(ROOT, 'extension');
const DIST = join(ROOT, 'dist');
const UNPACKED = join(DIST, 'unpacked');
const CORE_FILES = ['klartext.js', 'klartext_bg.wasm'];
const PURIFY = join(ROOT, 'node_modules', 'dompurify', 'dist', 'purify.es.mjs');
const PURIFY_LICENSE = join(ROOT, 'node_modules', 'dompurify', 'LICENSE');
// Fixed timestamps make the zips reproducible.
const MTIME = new Date('2025-01-01T00:00:00Z');

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

for (const file of CORE_FILES) {
  if (!existsSync(join(SRC, 'core', file))) {
    fail(`extension/core/${file} is missing: build the wasm core first (./build.sh wasm).`);
  }
}
if (!existsSync(PURIFY)) fail('node_modules/dompurify is missing: run `npm ci` first.');

// The vendored library also goes into extension/vendor/ (gitignored), next to the sources.
mkdirSync(join(SRC, 'vendor'), { recursive: true });
cpSync(PURIFY, join(SRC, 'vendor', 'purify.es.mjs'));
if (existsSync(PURIFY_LICENSE)) cpSync(PURIFY_LICENSE, join(SRC, 'vendor', 'purify.LICENSE.txt'));

/** What goes into the package from extension/: no dotfiles, no TypeScript declarations. */
function wanted(path) {
  const name = path.split(sep).pop();
  return !name.startsWith('.') && !name.endsWith('.d.ts') && !name.endsWith('.map');
}

rmSync(UNPACKED, { recursive: true, force: true });
mkdirSync(UNPACKED, { recursive: true });
cpSync(join(ROOT, 'manifest.json'), join(UNPACKED, 'manifest.json'));
cpSync(SRC, UNPACKED, { recursive: true, filter: (src) => wanted(src) });

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

const files = listFiles(UNPACKED)
  .map((path) => relative(UNPACKED, path).split(sep).join('/'))
  .sort();

function writeZip(target) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const name of files) {
      zip.addFile(join(UNPACKED, ...name.split('/')), name, { mtime: MTIME, mode: 0o100644 });
    }
    zip.end();
    mkdirSync(dirname(target), { recursive: true });
    zip.outputStream.pipe(createWriteStream(target)).on('close', resolve).on('error', reject);
  });
}

for (const name of ['klartext-chrome.zip', 'klartext-firefox.zip']) {
  const target = join(DIST, name);
  await writeZip(target);
  console.log(`package: wrote dist/${name} (${files.length} files, ${statSync(target).size} bytes)`);
}
console.log('package: dist/unpacked/ is ready');
