/**
 * A byte-level BPE vocabulary as the engine sees it.
 *
 * Ordinary token ids are ranks, as in tiktoken: a lower id was learned earlier and merges first. Our own
 * trainer gives byte b the id b (under `--compat hf` too: it trains with tokenizers' byte order, then renumbers)
 * and then one id per new token in the order it was learned. Vocabularies imported from tiktoken keep
 * tiktoken's ranks (where the single bytes are not 0-255). The rules every Vocabulary must follow are checked
 * by validate-vocabulary.ts.
 */

/** A vocabulary (or vocabulary file) that breaks the rules; the message says which rule and where. */
export class VocabularyError extends Error {
  override name = 'VocabularyError';
}

export interface SpecialToken {
  text: string;
  id: number;
}

export interface TrainingInfo {
  /** `source`: where a bundled corpus comes from, with versions (e.g. "typescript@5.9.3"). */
  corpora: Array<{ name: string; bytes: number; source?: string }>;
  vocabSize: number;
  minFrequency: number;
  compat: 'none' | 'hf';
  threads: number;
  seconds: number;
  /** Bytes that were not valid UTF-8 in the training text; each was trained on as U+FFFD, like TextDecoder. */
  invalidUtf8: number;
  /** Pieces longer than the piece cap that were cut to train in bounded time (0 on ordinary text). */
  cutPieces: number;
  uniquePieces: number;
  /** UTF-8 bytes per token on the training text, as the learned merges segment it. */
  bytesPerToken: number;
  startedAt: string;
}

/**
 * What a SuperBPE vocabulary's encoder needs besides its tokens (docs/trainer.md, "SuperBPE"): stage 1 is
 * plain BPE under `pattern`, stage 2 merges stage 1's tokens across whitespace within the pieces
 * `stage2Pattern` leaves.
 */
export interface SuperBpeInfo {
  /** Ordinary tokens stage 1 learned: ids below it (the 256 bytes included); stage 2's new tokens follow. */
  transition: number;
  /** `merges[0, stage1Merges)` are stage 1's, the rest stage 2's. */
  stage1Merges: number;
  /** The boundaries stage 2 keeps, a JavaScript regex source (flags `gu`; superword-pieces.ts). */
  stage2Pattern: string;
  /** Stage 2 made no token of more than this many whitespace-separated words. */
  maxWords: number;
}

export interface Vocabulary {
  /** A pattern name from patterns.ts (gpt2, cl100k, o200k, cjk) or, for imported files, a regex source. */
  pattern: string;
  /** tokens[id] is the byte string of ordinary token `id`; ids are dense from 0. */
  tokens: Uint8Array[];
  /**
   * Merges in the order they were learned: [left id, right id]. The merged token is the one whose bytes are
   * the concatenation (two merges may make the same bytes, in which case they share one id, as in `tokenizers`).
   * Empty for vocabularies imported from rank files, which carry no merges.
   */
  merges: Array<[number, number]>;
  /** Special tokens, with ids after the ordinary ones. */
  specials: SpecialToken[];
  training?: TrainingInfo;
  /** Present for SuperBPE vocabularies: encode them with SuperBpeEncoder, not Encoder. */
  superbpe?: SuperBpeInfo;
}
