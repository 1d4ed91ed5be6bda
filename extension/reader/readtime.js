// Reading time from per-language reading speeds.
//
// Silent reading of English non-fiction by adults: 238 words per minute (Brysbaert, M. (2019).
// How many words do we read per minute? A review and meta-analysis of reading rate. Journal of
// Memory and Language, 109, 104047).
//
// Other languages: the same texts read by native speakers in 17 languages (Trauzettel-Klosinski,
// S., Dietz, K., & the IReST Study Group (2012). Standardized assessment of reading performance:
// the new International Reading Speed Texts IReST. Investigative Ophthalmology & Visual Science,
// 53(9), 5452-5461), words per minute, and characters per minute for Chinese and Japanese, whose
// words are not separated. IReST measured reading aloud (English: 228 wpm); each language's
// figure is scaled by Brysbaert's silent rate over IReST's English rate (238 / 228), so the
// languages keep IReST's proportions at the level of silent reading.

/** IReST, reading aloud, words per minute. */
const IREST_WPM = {
  ar: 138, de: 179, en: 228, es: 218, fi: 161, fr: 195, he: 187, it: 188, nl: 202, pl: 166,
  pt: 181, ru: 184, sl: 180, sv: 199, tr: 166,
};
/** IReST, reading aloud, characters per minute, for scripts without spaces between words. */
const IREST_CPM = { zh: 255, ja: 357 };
/** IReST's mean over its 17 languages, for languages it did not measure. */
const IREST_MEAN_WPM = 184;
const SILENT_OVER_ALOUD = 238 / 228;

/** The silent reading speed for a language tag: { unit: 'word' | 'char', perMinute }. */
export function readingSpeed(lang) {
  const primary = String(lang ?? '').toLowerCase().split(/[-_]/)[0];
  if (Object.hasOwn(IREST_CPM, primary)) {
    return { unit: 'char', perMinute: IREST_CPM[primary] * SILENT_OVER_ALOUD };
  }
  const wpm = Object.hasOwn(IREST_WPM, primary) ? IREST_WPM[primary] : IREST_MEAN_WPM;
  return { unit: 'word', perMinute: wpm * SILENT_OVER_ALOUD };
}

/** Han, kana (and the CJK punctuation-free letters) counted one by one for zh and ja. */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** Counts words (Intl.Segmenter where there is one) or, for zh and ja, characters. */
export function countUnits(text, lang, unit) {
  if (unit === 'char') return (text.match(CJK_CHAR) ?? []).length;
  if (typeof Intl.Segmenter === 'function') {
    let segmenter;
    try {
      segmenter = new Intl.Segmenter(lang || undefined, { granularity: 'word' });
    } catch {
      segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
    }
    let words = 0;
    for (const segment of segmenter.segment(text)) if (segment.isWordLike) words++;
    return words;
  }
  return text.split(/\s+/).filter(Boolean).length;
}

/** Whole minutes to read `text` silently, at least 1. */
export function readingMinutes(text, lang) {
  const { unit, perMinute } = readingSpeed(lang);
  return Math.max(1, Math.round(countUnits(text, lang, unit) / perMinute));
}
