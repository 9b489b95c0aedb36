import { DEFAULT_MAX_PIECE_BYTES, vocabularyFromCounts, type TrainConfig } from '../bpe/train/train-vocabulary.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { countFilePieces } from './count-pieces.js';

export interface TrainFilesOptions extends TrainConfig {
  /** Worker threads for counting (default: see countFilePieces). The merges do not depend on it. */
  threads?: number;
  onCountProgress?: (bytesRead: number, bytesTotal: number) => void;
}

/** Trains a vocabulary on UTF-8 files, streaming them and counting pieces in worker threads. */
export async function trainFiles(paths: readonly string[], options: TrainFilesOptions): Promise<Vocabulary> {
  if (paths.length === 0) throw new RangeError('no corpus given: name at least one file');
  const startedAt = new Date();
  const counted = await countFilePieces(paths, {
    pattern: options.pattern,
    perLine: options.compat === 'hf',
    maxPieceBytes: options.maxPieceBytes ?? DEFAULT_MAX_PIECE_BYTES,
    threads: options.threads,
    onBytes: options.onCountProgress,
    shouldStop: options.shouldStop,
  });
  if (counted.bytes === 0) throw new RangeError(`the corpus is empty: ${paths.join(', ')} hold no text`);
  const summary = { corpora: counted.files, invalidUtf8: counted.invalidUtf8, cutPieces: counted.cutPieces, threads: counted.threads };
  return vocabularyFromCounts(counted.counts, options, summary, startedAt);
}
