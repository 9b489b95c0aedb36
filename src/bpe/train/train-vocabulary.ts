import { PieceCounter } from './piece-counter.js';
import type { PatternName } from '../pretokenize/patterns.js';
import type { PieceCounts } from './piece-counts.js';
import { trainBpe, type TrainOptions } from './trainer.js';
import type { TrainingInfo, Vocabulary } from '../vocabulary.js';

export interface TrainConfig extends TrainOptions {
  pattern: PatternName;
  /** Pieces longer than this many UTF-8 bytes are cut before training (bounded time on unspaced text). */
  maxPieceBytes?: number;
}

/** 1 KiB: far above any piece of natural text, low enough that a 10 MB unspaced line trains in seconds. */
export const DEFAULT_MAX_PIECE_BYTES = 1024;

/** What counting saw, for the vocabulary's training record. */
export interface CountSummary {
  corpora: Array<{ name: string; bytes: number }>;
  invalidUtf8: number;
  cutPieces: number;
  threads: number;
}

/** Trains on counted pieces and wraps the result as a Vocabulary with its training record. */
export function vocabularyFromCounts(counts: PieceCounts, config: TrainConfig, summary: CountSummary, startedAt: Date): Vocabulary {
  const { bytesPerToken, ...result } = trainBpe(counts, config);
  const training: TrainingInfo = {
    corpora: summary.corpora,
    vocabSize: config.vocabSize,
    minFrequency: config.minFrequency ?? 0,
    compat: config.compat ?? 'none',
    threads: summary.threads,
    seconds: (Date.now() - startedAt.getTime()) / 1000,
    invalidUtf8: summary.invalidUtf8,
    cutPieces: summary.cutPieces,
    uniquePieces: counts.counts.length,
    bytesPerToken,
    startedAt: startedAt.toISOString(),
  };
  return { pattern: config.pattern, ...result, training };
}

/** Trains a vocabulary on in-memory texts, on this thread (files go through src/jobs/train-files.ts). */
export function trainOnTexts(texts: Iterable<string>, config: TrainConfig): Vocabulary {
  const startedAt = new Date();
  const counter = new PieceCounter(config.pattern, {
    perLine: config.compat === 'hf',
    maxPieceBytes: config.maxPieceBytes ?? DEFAULT_MAX_PIECE_BYTES,
  });
  const corpora: CountSummary['corpora'] = [];
  const encoder = new TextEncoder();
  for (const text of texts) {
    counter.add(text);
    corpora.push({ name: `text ${corpora.length + 1}`, bytes: encoder.encode(text).length });
  }
  const summary = { corpora, invalidUtf8: 0, cutPieces: counter.cutPieces, threads: 1 };
  return vocabularyFromCounts(counter.result(), config, summary, startedAt);
}
