// The reading position in an article, remembered per URL in storage.local for the last
// MAX_ENTRIES articles. A position is the block at the top of the view and how far into it the
// view is, so it survives a change of font size or column width.

export const KEY = 'positions';
export const MAX_ENTRIES = 200;

const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, dt, dd, pre, figure, table, blockquote, hr';

/** The URL an article is remembered under: without its fragment. */
export function positionKey(url) {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    return parsed.href;
  } catch {
    return null;
  }
}

export function positionBlocks(article) {
  return [...article.querySelectorAll(BLOCKS)];
}

/** Where the view is: { block, offset }, or null at the very top. `top`: the toolbar's height. */
export function currentPosition(article, top) {
  const win = article.ownerDocument.defaultView;
  if (win.scrollY < 10) return null;
  const blocks = positionBlocks(article);
  for (let i = 0; i < blocks.length; i++) {
    const rect = blocks[i].getBoundingClientRect();
    if (rect.height > 0 && rect.bottom > top) {
      const offset = Math.min(1, Math.max(0, (top - rect.top) / rect.height));
      return { block: i, offset: Math.round(offset * 1000) / 1000 };
    }
  }
  return null;
}

/** Scrolls the view back to a position; false if the article has no such block any more. */
export function restorePosition(article, position, top) {
  const block = positionBlocks(article)[position.block];
  if (!block) return false;
  const win = article.ownerDocument.defaultView;
  const rect = block.getBoundingClientRect();
  win.scrollTo({ top: win.scrollY + rect.top + rect.height * position.offset - top, behavior: 'instant' });
  return true;
}

export async function loadPosition(storage, url) {
  const key = positionKey(url);
  if (!key) return null;
  try {
    const entry = (await storage.get(KEY))?.[KEY]?.[key];
    if (entry && Number.isInteger(entry.block) && entry.block >= 0 && typeof entry.offset === 'number') {
      return { block: entry.block, offset: Math.min(1, Math.max(0, entry.offset)) };
    }
  } catch {
    // No storage: nothing remembered.
  }
  return null;
}

/** Remembers (or, for null, forgets) the position for a URL, keeping the newest MAX_ENTRIES. */
export async function savePosition(storage, url, position, now = Date.now()) {
  const key = positionKey(url);
  if (!key) return;
  try {
    const stored = (await storage.get(KEY))?.[KEY];
    const all = typeof stored === 'object' && stored !== null ? stored : {};
    if (position) all[key] = { ...position, time: now };
    else delete all[key];
    const keep = Object.entries(all)
      .filter(([, entry]) => entry && typeof entry.time === 'number')
      .sort((a, b) => b[1].time - a[1].time)
      .slice(0, MAX_ENTRIES);
    await storage.set({ [KEY]: Object.fromEntries(keep) });
  } catch {
    // No storage: the position is not remembered.
  }
}
