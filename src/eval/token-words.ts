/**
 * English words counted from tokens, not from the text. A word is a run of ASCII letters with inner
 * apostrophes (/[A-Za-z]+(?:'[A-Za-z]+)*\/g); read byte by byte, that is a machine of three states. Per id and
 * per state at its start, a table holds the state after the token and the words it begins, learnt on the id's
 * first sight. A token's ASCII bytes are whole characters and its other bytes are neither letters nor
 * apostrophes, so the count over the tokens is exactly the text's.
 */
import { perTokenizer, type TokenSource } from '../bpe/offsets/token-shapes.js';

/** Not in a word (the start of a text). */
const OUTSIDE = 0;
/** Just after a word's letter. */
const IN_WORD = 1;
/** Just after an apostrophe that follows a word's letter: a letter next goes on with the same word. */
const AFTER_APOSTROPHE = 2;
const UNKNOWN = 3;
const STATES = 3;
const APOSTROPHE = 0x27;

const isAsciiLetter = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** The state after byte `c` in `state`; a word begins where it goes from OUTSIDE to IN_WORD. */
function next(state: number, c: number): number {
  if (isAsciiLetter(c)) return IN_WORD;
  return c === APOSTROPHE && state === IN_WORD ? AFTER_APOSTROPHE : OUTSIDE;
}

class TokenWords {
  /** Per id and start state (at STATES × id + state): words begun × 4 + the state after; UNKNOWN until learnt. */
  readonly step: Uint32Array;

  constructor(private readonly source: TokenSource) {
    this.step = new Uint32Array(STATES * source.nVocab).fill(UNKNOWN);
  }

  /** Learns `id`'s steps from every state (the source's error for an id no token has); returns the one from `state`. */
  learn(id: number, state: number): number {
    const bytes = this.source.tokenBytes(id);
    for (let from = 0; from < STATES; from++) {
      let s = from;
      let words = 0;
      for (let k = 0; k < bytes.length; k++) {
        const after = next(s, bytes[k]);
        if (s === OUTSIDE && after === IN_WORD) words++;
        s = after;
      }
      this.step[STATES * id + from] = words * 4 + s;
    }
    return this.step[STATES * id + state];
  }
}

/** The word steps of `source`'s tokens, made on first use and kept while the source lives. */
const tokenWords = perTokenizer((source: TokenSource) => new TokenWords(source));

/** English words in the text of `ids` (each id must be a token of `source`). */
export function countEnglishWords(ids: ArrayLike<number>, source: TokenSource): number {
  const words = tokenWords(source);
  const { step } = words;
  let state = OUTSIDE;
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    const at = STATES * ids[i] + state;
    let s: number | undefined = step[at];
    if (s === UNKNOWN || s === undefined) s = words.learn(ids[i], state); // undefined: past the table, the source's error
    count += s >>> 2;
    state = s & 3;
  }
  return count;
}
