// Reading the article aloud with the Web Speech API. One utterance per paragraph, in the
// article's language. The paragraph being read is marked; the sentence being read is
// highlighted from the utterance's boundary events where the voice sends them (many do not:
// then the paragraph mark is all there is). Pausing cancels the utterance and resuming starts
// again at the sentence where it stopped: speechSynthesis.pause() is unreliable across engines.
//
// The speech engine and the utterance constructor are passed in, so a test can run the whole
// control flow against a fake engine (headless browsers often have no voices at all).

export const HIGHLIGHT_NAME = 'klartext-spoken';
const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, dt, dd, figcaption, blockquote, summary';
/** Read aloud, but not as text: code, tables, formulas. */
const SKIPPED = 'pre, table, math';

/** The blocks read aloud, in order: innermost text blocks that are shown and have text. */
export function narrationBlocks(root) {
  const blocks = [];
  for (const el of root.querySelectorAll(BLOCKS)) {
    if (el.closest(SKIPPED)) continue;
    // A list item with paragraphs in it is read paragraph by paragraph.
    if (el.querySelector(BLOCKS)) continue;
    if (el.getClientRects().length === 0) continue;
    if (el.textContent.trim() === '') continue;
    blocks.push(el);
  }
  return blocks;
}

/** Sentences of a text as [start, end) offsets. */
export function sentences(text, lang) {
  if (typeof Intl.Segmenter !== 'function') return [[0, text.length]];
  let segmenter;
  try {
    segmenter = new Intl.Segmenter(lang || undefined, { granularity: 'sentence' });
  } catch {
    segmenter = new Intl.Segmenter(undefined, { granularity: 'sentence' });
  }
  return [...segmenter.segment(text)].map((s) => [s.index, s.index + s.segment.length]);
}

/** The voices for a language first (same region first), then the others; each group by name. */
export function sortVoices(voices, lang) {
  const want = String(lang ?? '').toLowerCase().replace('_', '-');
  const primary = want.split('-')[0];
  const rank = (voice) => {
    const have = String(voice.lang ?? '').toLowerCase().replace('_', '-');
    if (have === want) return 0;
    if (primary && have.split('-')[0] === primary) return 1;
    return 2;
  };
  const byName = (a, b) => rank(a) - rank(b) || String(a.name).localeCompare(String(b.name));
  const sorted = [...voices].sort(byName);
  return {
    matching: sorted.filter((v) => rank(v) < 2),
    others: sorted.filter((v) => rank(v) === 2),
  };
}

/** A DOM Range over [start, end) of an element's text. */
function textRange(element, start, end) {
  const doc = element.ownerDocument;
  const walker = doc.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
  const range = doc.createRange();
  let offset = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.data.length;
    if (!started && start <= offset + length) {
      range.setStart(node, Math.max(0, start - offset));
      started = true;
    }
    if (started && end <= offset + length) {
      range.setEnd(node, Math.max(0, end - offset));
      return range;
    }
    offset += length;
  }
  if (started) range.setEndAfter(element.lastChild ?? element);
  return started ? range : null;
}

/**
 * Marks the block being read (class "speaking") and highlights the sentence being read with
 * the CSS Custom Highlight API (`::highlight(klartext-spoken)`), where the browser has it.
 */
export function makeHighlighter(doc) {
  const win = doc.defaultView;
  const registry = win.CSS?.highlights;
  const Highlight = win.Highlight;
  let marked = null;
  return {
    supportsSentences: Boolean(registry && Highlight),
    block(element) {
      if (marked === element) return;
      marked?.classList.remove('speaking');
      marked = element;
      element?.classList.add('speaking');
      registry?.delete(HIGHLIGHT_NAME);
    },
    sentence(element, start, end) {
      if (!registry || !Highlight) return;
      const range = textRange(element, start, end);
      if (range) registry.set(HIGHLIGHT_NAME, new Highlight(range));
    },
    clear() {
      this.block(null);
    },
  };
}

export class Narrator {
  /**
   * @param {object} options
   * @param {SpeechSynthesis} options.speech the engine (window.speechSynthesis or a fake)
   * @param {typeof SpeechSynthesisUtterance} options.Utterance
   * @param {Element[]} options.blocks what is read, in order
   * @param {string} options.lang the article's language
   * @param {ReturnType<typeof makeHighlighter>} options.highlighter
   * @param {(state: {state: string, index: number, total: number, error?: string}) => void} options.onState
   */
  constructor({ speech, Utterance, blocks, lang, highlighter, onState }) {
    Object.assign(this, { speech, Utterance, blocks, lang, highlighter, onState });
    this.state = 'stopped';
    this.index = 0;
    /** Where in the current block the sentence being read starts. */
    this.sentenceStart = 0;
    this.rate = 1;
    this.voice = null;
    this.current = null;
    this.cache = new Map();
  }

  sentencesOf(index) {
    if (!this.cache.has(index)) this.cache.set(index, sentences(this.blocks[index].textContent, this.lang));
    return this.cache.get(index);
  }

  notify(error) {
    this.onState({ state: this.state, index: this.index, total: this.blocks.length, error });
  }

  /** Starts reading block `index` at character `from`. */
  speakFrom(index, from = 0) {
    this.current = null;
    this.speech.cancel();
    if (index < 0) index = 0;
    if (index >= this.blocks.length) {
      this.stop();
      return;
    }
    this.index = index;
    this.sentenceStart = from;
    const element = this.blocks[index];
    const text = element.textContent;
    const utterance = new this.Utterance(text.slice(from));
    utterance.lang = this.lang || '';
    utterance.rate = this.rate;
    if (this.voice) utterance.voice = this.voice;
    utterance.addEventListener('boundary', (event) => {
      if (this.current !== utterance || typeof event.charIndex !== 'number') return;
      const at = from + event.charIndex;
      const sentence = this.sentencesOf(index).find(([s, e]) => at >= s && at < e);
      if (!sentence) return;
      this.sentenceStart = sentence[0];
      this.highlighter.sentence(element, sentence[0], sentence[1]);
    });
    utterance.addEventListener('end', () => {
      if (this.current !== utterance) return;
      this.speakFrom(index + 1);
    });
    utterance.addEventListener('error', (event) => {
      if (this.current !== utterance) return;
      // Cancelled by us (pause, skip, rate change): the next utterance is already on its way.
      if (event.error === 'interrupted' || event.error === 'canceled') return;
      this.current = null;
      this.state = 'stopped';
      this.highlighter.clear();
      this.notify(event.error || 'error');
    });
    this.current = utterance;
    this.state = 'playing';
    this.highlighter.block(element);
    if (element.ownerDocument.defaultView) {
      const rect = element.getBoundingClientRect();
      const view = element.ownerDocument.defaultView;
      if (rect.top < 80 || rect.bottom > view.innerHeight) {
        const smooth = !view.matchMedia('(prefers-reduced-motion: reduce)').matches;
        element.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' });
      }
    }
    this.notify();
    this.speech.speak(utterance);
  }

  play() {
    if (this.state === 'playing') return;
    const from = this.state === 'paused' ? this.sentenceStart : 0;
    this.speakFrom(this.index, from);
  }

  pause() {
    if (this.state !== 'playing') return;
    this.current = null;
    this.speech.cancel();
    this.state = 'paused';
    this.notify();
  }

  toggle() {
    if (this.state === 'playing') this.pause();
    else this.play();
  }

  next() {
    if (this.index + 1 >= this.blocks.length) return;
    if (this.state === 'playing') this.speakFrom(this.index + 1);
    else this.moveTo(this.index + 1);
  }

  previous() {
    const index = Math.max(0, this.index - 1);
    if (this.state === 'playing') this.speakFrom(index);
    else this.moveTo(index);
  }

  /** Moves to a block without reading it (while paused or stopped). */
  moveTo(index) {
    this.index = index;
    this.sentenceStart = 0;
    if (this.state === 'stopped') this.state = 'paused';
    this.highlighter.block(this.blocks[index]);
    this.notify();
  }

  /** Takes effect at once: the current sentence is read again with the new rate or voice. */
  configure({ rate = this.rate, voice = this.voice } = {}) {
    this.rate = rate;
    this.voice = voice;
    if (this.state === 'playing') this.speakFrom(this.index, this.sentenceStart);
  }

  stop() {
    this.current = null;
    this.speech.cancel();
    this.state = 'stopped';
    this.index = 0;
    this.sentenceStart = 0;
    this.highlighter.clear();
    this.notify();
  }
}
