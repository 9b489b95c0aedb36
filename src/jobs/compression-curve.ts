import { Encoder } from '../bpe/encode/encoder.js';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import type { TrainProgress } from '../bpe/train/trainer.js';
import { encoderOf } from '../store/vocab-files.js';
import type { Trained } from './train-files.js';

export interface CurvePoint {
  /** Ordinary tokens: the 256 bytes and the tokens learned so far. */
  vocabSize: number;
  /** UTF-8 bytes per token on the sample. */
  bytesPerToken: number;
}

/** Points measured in a training (about; the end adds one). */
export const CURVE_POINTS = 20;

/**
 * The compression curve of a training as it runs: collects every learned token from the trainer's progress
 * (one call per merge) and, at CURVE_POINTS evenly spaced checkpoints, encodes a held-out sample with the
 * vocabulary learned so far. The encoder needs only the tokens in learned order (ranks), not the merges, so a
 * prefix of the training is a complete vocabulary. Runs in the training worker: the server thread stays free.
 */
export class CompressionCurve {
  private readonly tokens: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  private readonly sampleBytes: number;
  private nextCheckpoint = 0;
  private measuredSize = 0;

  constructor(
    private readonly sample: string,
    private readonly pattern: PatternName,
  ) {
    this.sampleBytes = Buffer.byteLength(sample);
  }

  /** Takes one merge's progress; returns a point when a checkpoint is reached. */
  add(p: TrainProgress): CurvePoint | undefined {
    if (p.merges > this.tokens.length - 256) this.tokens.push(p.token); // a merge can remake a known token
    if (p.merges < this.nextCheckpoint && p.merges < p.total) return undefined;
    this.nextCheckpoint = p.merges + Math.max(1, Math.ceil(p.total / CURVE_POINTS));
    return this.measure();
  }

  /** The last point, if the training stopped early (no pair frequent enough) after the last checkpoint. */
  finish(): CurvePoint | undefined {
    return this.measuredSize === this.tokens.length ? undefined : this.measure();
  }

  private measure(): CurvePoint {
    this.measuredSize = this.tokens.length;
    const vocab = { pattern: this.pattern, tokens: this.tokens.slice(), merges: [], specials: [] };
    const tokens = new Encoder(vocab, { cacheSize: 0 }).count(this.sample);
    return { vocabSize: vocab.tokens.length, bytesPerToken: tokens === 0 ? 0 : this.sampleBytes / tokens };
  }
}

/**
 * The one point of a finished SuperBPE or Unigram vocabulary (their prefixes are no vocabularies: a SuperBPE
 * prefix past the transition, or a Unigram model mid-pruning, is not what the algorithm would have made).
 */
export function finishedPoint(trained: Trained, sample: string): CurvePoint {
  const tokens = encoderOf(trained).count(sample);
  const vocabSize = 'pieces' in trained ? 256 + trained.pieces.length : trained.tokens.length;
  return { vocabSize, bytesPerToken: tokens === 0 ? 0 : Buffer.byteLength(sample) / tokens };
}
