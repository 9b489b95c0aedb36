/**
 * Training on UTF-8 files, by algorithm: BPE (`bpe`, counting in worker threads), SuperBPE (`superbpe`, both
 * stages' pieces counted in one streamed pass) and Unigram (`unigram`, which needs the whole text: its seeds
 * come from a suffix array over it). Lines of any length are bounded by each algorithm's piece caps (BPE 1 KiB,
 * SuperBPE's stage 2 8 KiB; Unigram's pieces are at most 16 characters).
 */
import { stat } from 'node:fs/promises';
import { superBpeFromCounts, SuperBpeCounter, type SuperBpeConfig } from '../bpe/train/superbpe-trainer.js';
import { TrainingCancelled } from '../bpe/train/merge-loop.js';
import { DEFAULT_MAX_PIECE_BYTES, vocabularyFromCounts } from '../bpe/train/train-vocabulary.js';
import type { UnigramModel } from '../bpe/unigram/unigram-model.js';
import { trainUnigram, TrainingCancelledError, type UnigramProgress } from '../bpe/unigram/unigram-trainer.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { textChunks, type ReadStats } from '../store/text-chunks.js';
import { countFilePieces } from './count-pieces.js';
import { unigramPasses } from './unigram-passes.js';

/** The algorithms tokenlab trains; `bpe` is the default. */
export const TRAIN_ALGORITHMS = ['bpe', 'superbpe', 'unigram'] as const;
export type TrainAlgorithm = (typeof TRAIN_ALGORITHMS)[number];

export interface TrainFilesOptions extends SuperBpeConfig {
  /** Default 'bpe'. `transition` and the SuperBpeConfig fields are SuperBPE's; Unigram reads no pattern. */
  algorithm?: TrainAlgorithm;
  /**
   * Worker threads for counting BPE pieces (default: see countFilePieces) or for Unigram's E steps and pruning
   * passes (default: see unigramPasses). The result does not depend on it.
   */
  threads?: number;
  onCountProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Unigram's progress, after the seeds, each EM step and each pruning. */
  onUnigramProgress?: (p: UnigramProgress) => void;
}

/** What training makes: a BPE or SuperBPE vocabulary, or a Unigram model. */
export type Trained = Vocabulary | UnigramModel;

const CHUNK_CHARS = 1 << 20;

/** Trains on UTF-8 files with `options.algorithm` (see the module comment). */
export async function trainByAlgorithm(paths: readonly string[], options: TrainFilesOptions): Promise<Trained> {
  const algorithm = options.algorithm ?? 'bpe';
  if (algorithm === 'superbpe') return trainSuperBpeFiles(paths, options);
  if (algorithm === 'unigram') return trainUnigramFiles(paths, options);
  return trainFiles(paths, options);
}

/** Trains a BPE vocabulary on UTF-8 files, streaming them and counting pieces in worker threads. */
export async function trainFiles(paths: readonly string[], options: TrainFilesOptions): Promise<Vocabulary> {
  if (paths.length === 0) throw noCorpus();
  const startedAt = new Date();
  const counted = await countFilePieces(paths, {
    pattern: options.pattern,
    perLine: options.compat === 'hf',
    maxPieceBytes: options.maxPieceBytes ?? DEFAULT_MAX_PIECE_BYTES,
    threads: options.threads,
    onBytes: options.onCountProgress,
    shouldStop: options.shouldStop,
  });
  if (counted.bytes === 0) throw emptyCorpus(paths);
  const summary = { corpora: counted.files, invalidUtf8: counted.invalidUtf8, cutPieces: counted.cutPieces, threads: counted.threads };
  return vocabularyFromCounts(counted.counts, options, summary, startedAt);
}

function noCorpus(): RangeError {
  return new RangeError('no corpus given: name at least one file');
}

function emptyCorpus(paths: readonly string[]): RangeError {
  return new RangeError(`the corpus is empty: ${paths.join(', ')} hold no text`);
}

/** The files' sizes, and their text in chunks cut after newlines (`onChunk` gets text[0 .. end) plus context). */
async function readChunks(
  paths: readonly string[],
  options: TrainFilesOptions,
  onChunk: (text: string, end: number) => void,
): Promise<{ files: Array<{ name: string; bytes: number }>; stats: ReadStats }> {
  if (paths.length === 0) throw noCorpus();
  const files = await Promise.all(paths.map(async (name) => ({ name, bytes: (await stat(name)).size })));
  const total = files.reduce((s, f) => s + f.bytes, 0);
  const stats: ReadStats = { bytes: 0, invalidUtf8: 0 };
  for await (const chunk of textChunks(paths, 'piece', CHUNK_CHARS, stats)) {
    if (options.shouldStop?.()) throw new TrainingCancelled();
    onChunk(chunk.text, chunk.end);
    options.onCountProgress?.(stats.bytes, total);
  }
  if (stats.bytes === 0) throw emptyCorpus(paths);
  return { files, stats };
}

/** SuperBPE: both stages' pieces counted in one pass on this thread, then stage 1 and stage 2 (progress over both). */
async function trainSuperBpeFiles(paths: readonly string[], options: TrainFilesOptions): Promise<Vocabulary> {
  const startedAt = new Date();
  if (options.compat === 'hf') throw new RangeError('superbpe has no --compat hf mode: tokenizers has no SuperBPE trainer');
  const counter = new SuperBpeCounter(options);
  const { files, stats } = await readChunks(paths, options, (text, end) => counter.add(text, end));
  const vocab = superBpeFromCounts(counter.result(files), options, startedAt);
  vocab.training!.invalidUtf8 = stats.invalidUtf8;
  return vocab;
}

/** Unigram: the files' lines held in memory (as the trainer needs them); the per-word passes in worker threads. */
async function trainUnigramFiles(paths: readonly string[], options: TrainFilesOptions): Promise<UnigramModel> {
  const startedAt = new Date();
  const lines: string[] = [];
  const { files } = await readChunks(paths, options, (text, end) => {
    for (const line of text.slice(0, end).split('\n')) if (line.length > 0) lines.push(line);
  });
  let rounds = 0;
  try {
    const model = await trainUnigram(lines, {
      vocabSize: options.vocabSize,
      specials: options.specials,
      startPasses: unigramPasses(options.threads),
      onProgress: (p) => {
        rounds = p.round + 1;
        options.onUnigramProgress?.(p);
      },
      isCancelled: options.shouldStop,
    });
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const chars = characters(model, lines);
    model.training = { corpora: files, vocabSize: options.vocabSize, seconds, ...chars, rounds, startedAt: startedAt.toISOString() };
    return model;
  } catch (e) {
    if (e instanceof TrainingCancelledError) throw new TrainingCancelled();
    throw e;
  }
}

/** The characters the model keeps as pieces, and the share of the lines' characters (spaces too) they are. */
function characters(model: UnigramModel, lines: readonly string[]): { requiredChars: number; characterCoverage: number } {
  const kept = new Set(model.pieces.filter((p) => p.length === 1 || (p.length === 2 && p.codePointAt(0)! > 0xffff)));
  let all = 0;
  let covered = 0;
  for (const line of lines) {
    for (const ch of line) {
      all++;
      if (kept.has(ch)) covered++;
    }
  }
  return { requiredChars: kept.size, characterCoverage: all === 0 ? 1 : covered / all };
}
