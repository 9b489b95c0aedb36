/**
 * A Unigram language model over pieces (Kudo 2018), as SentencePiece trains it: every piece has a
 * log-probability, and a text is encoded as its most probable segmentation (viterbi.ts).
 *
 * Ids: 0-255 are the byte-fallback tokens (byte b is id b, as in tokenlab's BPE vocabularies; a character no
 * piece covers is encoded as its UTF-8 bytes, so every text round-trips), then `pieces` in order (id 256 + i),
 * then the special tokens.
 *
 * Pieces hold the text itself: a space is a space, not SentencePiece's U+2581. A space may only open a piece
 * (`" the"`), so every space starts a new word and words are segmented on their own, as Hugging Face's
 * Metaspace pre-tokenizer with `split: true` does.
 */
import { VocabularyError, type SpecialToken } from '../vocabulary.js';

/** How a Unigram model was trained (kept in its file). */
export interface UnigramTrainingInfo {
  corpora: Array<{ name: string; bytes: number }>;
  vocabSize: number;
  seconds: number;
  /** Characters kept as pieces, and the share of the training text's characters they cover. */
  requiredChars: number;
  characterCoverage: number;
  /** EM rounds (each `subIterations` EM steps then a pruning) run. */
  rounds: number;
  startedAt: string;
}

export interface UnigramModel {
  /** pieces[i] is the text of token 256 + i: distinct, non-empty, well-formed, a space only at the start. */
  pieces: string[];
  /** scores[i]: the log-probability of pieces[i] (finite). */
  scores: number[];
  /** Special tokens, with ids from 256 + pieces.length. */
  specials: SpecialToken[];
  training?: UnigramTrainingInfo;
}

/**
 * Characters the trainer keeps as pieces whatever the corpus: the spelling of "<0x41>" and "<unk>", so that
 * `tokenizers`, which finds those names in its trie, spells such text out as tokenlab does; and the space,
 * which `tokenizers` would otherwise spell as U+2581's bytes.
 */
export const SPELLING_CHARACTERS = ' <>0123456789ABCDEFxunk';

/** Ids below this are byte-fallback tokens: id b is byte b. */
export const BYTE_TOKENS = 256;

/** The byte-fallback token's name in SentencePiece and `tokenizers`: 0x0a → "<0x0A>". */
export function byteTokenName(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/**
 * The score the byte tokens and `<unk>` carry in an exported tokenizer.json, where `tokenizers` puts them in
 * its trie: low enough that their literal text ("<0x41>") never beats spelling it out (6 characters, each at
 * least the lowest piece score), rounded to 6 decimals so both JSON readers get the same double.
 * E.g. lowest piece score -15 → -250.
 */
export function fallbackScore(model: UnigramModel): number {
  let min = 0;
  for (const s of model.scores) if (s < min) min = s;
  return Math.round((10 * min - 100) * 1e6) / 1e6;
}

/** The score of a character no piece covers: `tokenizers`' min_score - 10 over the exported vocabulary. */
export function unknownScore(model: UnigramModel): number {
  return fallbackScore(model) - 10;
}

/** Whether `s` has no lone surrogate. */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** Throws VocabularyError naming the first rule `model` breaks (see UnigramModel). */
export function validateUnigramModel(model: UnigramModel): void {
  const fail = (msg: string): never => {
    throw new VocabularyError(msg);
  };
  if (model.pieces.length !== model.scores.length) fail('pieces and scores differ in length');
  const seen = new Set<string>();
  model.pieces.forEach((p, i) => {
    if (typeof p !== 'string' || p.length === 0) fail(`piece ${i} is empty`);
    if (!isWellFormed(p)) fail(`piece ${i} has a lone surrogate`);
    if (p.indexOf(' ', 1) !== -1) fail(`piece ${i} ${JSON.stringify(p)} has a space after its start`);
    if (seen.has(p)) fail(`piece ${i} ${JSON.stringify(p)} is listed twice`);
    seen.add(p);
    if (!Number.isFinite(model.scores[i])) fail(`score ${i} is not a finite number`);
  });
  const first = BYTE_TOKENS + model.pieces.length;
  const texts = new Set<string>();
  const ids = new Set<number>();
  for (const s of model.specials) {
    if (!Number.isInteger(s.id) || s.id < first) fail(`special ${JSON.stringify(s.text)} has id ${s.id}, below ${first}`);
    if (s.text.length === 0 || texts.has(s.text) || ids.has(s.id)) fail(`special ${JSON.stringify(s.text)} is empty or repeated`);
    texts.add(s.text);
    ids.add(s.id);
  }
}
