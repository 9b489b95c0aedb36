/**
 * SuperBPE (Liu et al. 2025, "SuperBPE: Space Travel for Language Models"): byte-level BPE in two stages.
 * Stage 1 is today's trainer under the chosen pattern, up to `transition` tokens. Stage 2 continues merging
 * over the stage-2 pieces (superword-pieces.ts), in which whitespace is no longer a boundary: each unique piece
 * is first encoded with stage 1's vocabulary (the stage-1 pattern within the piece, then tiktoken's rule, as
 * the Encoder does), then the same pair counts, queue and merge loop as stage 1 learn the superword tokens.
 * docs/trainer.md says where this departs from the reference code and why.
 */
import { Encoder } from '../encode/encoder.js';
import { bytesToLatin1, utf8Length } from '../bytes.js';
import { patternSource, type PatternName } from '../pretokenize/patterns.js';
import { SUPERWORD_PATTERN } from '../pretokenize/superword-pieces.js';
import { wordCount } from '../superword.js';
import type { SpecialToken, SuperBpeInfo, Vocabulary } from '../vocabulary.js';
import { learnMerges, type LearnedTokens } from './merge-loop.js';
import { PieceCounter } from './piece-counter.js';
import type { PieceCounts } from './piece-counts.js';
import { SuperwordCounter, type SuperwordCounts } from './superword-counter.js';
import { TrainState, type Words } from './train-state.js';
import { DEFAULT_MAX_PIECE_BYTES, vocabularyFromCounts, type TrainConfig } from './train-vocabulary.js';
import type { TrainProgress } from './trainer.js';

export interface SuperBpeConfig extends TrainConfig {
  /** Ordinary tokens at the end of stage 1 (the 256 bytes included). Default: defaultTransition(vocabSize). */
  transition?: number;
  /** The boundaries stage 2 keeps (a regex source, flags `gu`). Default SUPERWORD_PATTERN. */
  stage2Pattern?: string;
  /** No stage-2 token of more than this many whitespace-separated words (the paper's cap). Default 4. */
  maxWords?: number;
  /** Stage-2 pieces longer than this many UTF-8 bytes are cut before training. Default 8 KiB. */
  maxSuperwordPieceBytes?: number;
}

/** The paper's cap on the words of a superword token. */
export const DEFAULT_MAX_WORDS = 4;
/** Whole lines are stage-2 pieces: a larger cap than stage 1's, still bounding a line without newlines. */
export const DEFAULT_MAX_SUPERWORD_PIECE_BYTES = 8192;

/**
 * The paper's recommended transition: 90% of the ordinary tokens (its best model is t = 180k of 200k; earlier
 * transitions compress more and scored lower downstream). `defaultTransition(32000)` is 28800.
 */
export function defaultTransition(vocabSize: number, specials = 0): number {
  return Math.max(256, Math.round((vocabSize - specials) * 0.9));
}

/** The stage-2 words: each unique stage-2 piece as stage 1 encodes it. */
export function stage2Words(counts: SuperwordCounts, stage1: Encoder): Words {
  const n = counts.counts.length;
  const start = new Int32Array(n);
  const len = new Int32Array(n);
  let sym = new Int32Array(1 << 16);
  let at = 0;
  for (let w = 0; w < n; w++) {
    const ids = stage1.encodeOrdinary(counts.pieces[w]);
    if (at + ids.length > sym.length) {
      const grown = new Int32Array(Math.max(sym.length * 2, at + ids.length));
      grown.set(sym);
      sym = grown;
    }
    for (let i = 0; i < ids.length; i++) sym[at + i] = ids[i];
    start[w] = at;
    len[w] = ids.length;
    at += ids.length;
  }
  return { sym: sym.subarray(0, at), start, len, count: counts.counts };
}

/**
 * Stage 2: continues `stage1` (a trained vocabulary, no specials) over the stage-2 pieces' counts up to
 * `vocabSize - specials` ordinary tokens. Returns the SuperBPE vocabulary: stage 1's tokens and merges first.
 */
export function continueWithSuperwords(
  stage1: Vocabulary,
  counts: SuperwordCounts,
  config: SuperBpeConfig,
  onProgress?: (progress: TrainProgress) => void,
): { tokens: Uint8Array[]; merges: Array<[number, number]>; specials: SpecialToken[]; superbpe: SuperBpeInfo; bytesPerToken: number } {
  const specials = config.specials ?? [];
  const target = config.vocabSize - specials.length;
  const maxWords = config.maxWords ?? DEFAULT_MAX_WORDS;
  const words = stage2Words(counts, new Encoder(stage1));
  const learned: LearnedTokens = { tokenBytes: stage1.tokens.slice(), idOfBytes: new Map(), merges: stage1.merges.slice() };
  learned.tokenBytes.forEach((t, id) => learned.idOfBytes.set(bytesToLatin1(t), id));
  const wordsOf = (id: number) => wordCount(learned.tokenBytes[id]);
  learnMerges(new TrainState(words), learned, {
    tokens: target,
    minFrequency: config.minFrequency ?? 0,
    shouldStop: config.shouldStop,
    allows: (a, b) => wordsOf(a) + wordsOf(b) - (joinsWord(learned.tokenBytes[a], learned.tokenBytes[b]) ? 1 : 0) <= maxWords,
    onMerge: (token, count) => onProgress?.({ merges: learned.tokenBytes.length - 256, total: target - 256, token, count }),
  });
  const tokens = learned.tokenBytes;
  return {
    tokens,
    merges: learned.merges,
    specials: specials.map((text, i) => ({ text, id: tokens.length + i })),
    superbpe: {
      transition: stage1.tokens.length,
      stage1Merges: stage1.merges.length,
      stage2Pattern: config.stage2Pattern ?? SUPERWORD_PATTERN,
      maxWords,
    },
    bytesPerToken: bytesPerWordToken(counts, words),
  };
}

/** Whether the left token's last byte and the right token's first are both inside a word (one word, not two). */
function joinsWord(left: Uint8Array, right: Uint8Array): boolean {
  const space = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  return left.length > 0 && right.length > 0 && !space(left[left.length - 1]) && !space(right[0]);
}

function bytesPerWordToken(counts: SuperwordCounts, words: Words): number {
  let bytes = 0;
  let tokens = 0;
  for (let w = 0; w < words.len.length; w++) {
    bytes += counts.counts[w] * utf8Length(counts.pieces[w]);
    tokens += counts.counts[w] * words.len[w];
  }
  return bytes / tokens;
}

/** Both stages' counts of one pass over texts. */
export interface SuperBpeCounts {
  stage1: PieceCounts;
  stage2: SuperwordCounts;
  cutPieces: number;
  corpora: Array<{ name: string; bytes: number }>;
}

/**
 * Counts stage-1 pieces (under `config.pattern`) and stage-2 pieces of texts added one at a time: whole texts,
 * or chunks cut where both stages cut anyway (after a newline; src/store/text-chunks.ts).
 */
export class SuperBpeCounter {
  private readonly stage1: PieceCounter;
  private readonly stage2: SuperwordCounter;

  constructor(config: SuperBpeConfig) {
    this.stage1 = new PieceCounter(config.pattern, { maxPieceBytes: config.maxPieceBytes ?? DEFAULT_MAX_PIECE_BYTES });
    this.stage2 = new SuperwordCounter(config.stage2Pattern, config.maxSuperwordPieceBytes ?? DEFAULT_MAX_SUPERWORD_PIECE_BYTES);
  }

  /** Counts text[0 .. end); characters after `end` are stage 1's context only (see PieceCounter.add). */
  add(text: string, end = text.length): void {
    this.stage1.add(text, end);
    this.stage2.add(end === text.length ? text : text.slice(0, end));
  }

  result(corpora: SuperBpeCounts['corpora']): SuperBpeCounts {
    const { stage1, stage2 } = this;
    return { stage1: stage1.result(), stage2: stage2.result(), cutPieces: stage1.cutPieces + stage2.cutPieces, corpora };
  }
}

/** Counts the texts' stage-1 pieces (under `config.pattern`) and stage-2 pieces in one pass. */
export function countForSuperBpe(texts: Iterable<string>, config: SuperBpeConfig): SuperBpeCounts {
  const counter = new SuperBpeCounter(config);
  const corpora: SuperBpeCounts['corpora'] = [];
  const encoder = new TextEncoder();
  for (const text of texts) {
    counter.add(text);
    corpora.push({ name: `text ${corpora.length + 1}`, bytes: encoder.encode(text).length });
  }
  return counter.result(corpora);
}

/**
 * Trains a SuperBPE vocabulary on counted pieces: stage 1 to `transition` tokens, then stage 2 to
 * `vocabSize`. Progress counts the tokens of both stages; `shouldStop` cancels either.
 */
export function superBpeFromCounts(counts: SuperBpeCounts, config: SuperBpeConfig, startedAt = new Date()): Vocabulary {
  const specials = config.specials ?? [];
  const transition = config.transition ?? defaultTransition(config.vocabSize, specials.length);
  if (!Number.isInteger(transition) || transition < 256 || transition > config.vocabSize - specials.length) {
    throw new RangeError(
      `transition ${transition} must be an integer from 256 to the vocabulary size less the special tokens (${config.vocabSize - specials.length})`,
    );
  }
  if (config.compat === 'hf') throw new RangeError('superbpe has no --compat hf mode: tokenizers has no SuperBPE trainer');
  patternSource(config.pattern as PatternName); // a named pattern: stage 1 counts with it
  const total = config.vocabSize - specials.length - 256;
  const summary = { corpora: counts.corpora, invalidUtf8: 0, cutPieces: counts.cutPieces, threads: 1 };
  const stage1 = vocabularyFromCounts(
    counts.stage1,
    { ...config, vocabSize: transition, specials: [], onProgress: (p) => config.onProgress?.({ ...p, total }) },
    summary,
    startedAt,
  );
  const stage2 = continueWithSuperwords(stage1, counts.stage2, config, (p) => config.onProgress?.({ ...p, total }));
  const training = { ...stage1.training!, vocabSize: config.vocabSize, seconds: (Date.now() - startedAt.getTime()) / 1000 };
  training.uniquePieces = counts.stage2.counts.length;
  training.bytesPerToken = stage2.bytesPerToken;
  return {
    pattern: config.pattern,
    tokens: stage2.tokens,
    merges: stage2.merges,
    specials: stage2.specials,
    training,
    superbpe: stage2.superbpe,
  };
}

/** Trains a SuperBPE vocabulary on in-memory texts, on this thread. */
export function trainSuperBpeOnTexts(texts: Iterable<string>, config: SuperBpeConfig): Vocabulary {
  const startedAt = new Date();
  return superBpeFromCounts(countForSuperBpe(texts, config), config, startedAt);
}
