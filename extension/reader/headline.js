// The title as the reader's header shows it. The core keeps a title the page declares as written
// ("How to Build a Terrarium | eHow", as Readability does); the header shows the site's name on
// its own line just above, so the same name repeated after a separator is dropped there.

const SEPARATORS = ['|', '-', '–', '—', '·', '•', ':', '::', '/', '»', '«'];

/** `title` without a trailing "<separator> <site>" when `site` is shown beside it. */
export function shownTitle(title, site) {
  if (!title || !site) return title;
  const end = title.trimEnd();
  if (end.length <= site.length || end.slice(-site.length).toLocaleLowerCase() !== site.toLocaleLowerCase()) {
    return title;
  }
  const before = end.slice(0, -site.length);
  const match = /\s+(\S{1,2})\s+$/u.exec(before);
  if (!match || !SEPARATORS.includes(match[1])) return title;
  const rest = before.slice(0, match.index).trim();
  return rest ? rest : title;
}
