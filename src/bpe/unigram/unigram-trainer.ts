/**
 * Trains a Unigram model as SentencePiece's `spm_train --model_type=unigram` does (Kudo 2018; Trainer::Train
 * in unigram_model_trainer.cc): seed pieces from the suffix tree, then rounds of `subIterations` EM steps and
 * a pruning to `shrinkingFactor` of the pieces, until at most 1.1 × the wanted number of pieces remain; then
 * the required characters and the best-scoring pieces up to the size (FinalizeSentencePieces).
 *
 * ```ts
 * const model = await trainUnigram(['the cat sat', 'the hat'], { vocabSize: 300 });
 * new UnigramEncoder(model).encodeOrdinary('the cat'); // ids of pieces such as "the", " cat"
 * ```
 *
 * Pure: no files, threads or clocks beyond the progress callback's timing; deterministic for given input,
 * whatever runs the per-word passes (`startPasses`: on this thread by default; src/jobs runs them in workers).
 */
import { VocabularyError } from '../vocabulary.js';
import { maximize } from './em-step.js';
import { prunePieces } from './prune-pieces.js';
import { readCorpus, seedPieces, type Corpus } from './seed-pieces.js';
import { BYTE_TOKENS, SPELLING_CHARACTERS, type UnigramModel } from './unigram-model.js';
import { addBlocks, passesHere, type PassTask, type StartPasses, type WordPasses } from './word-passes.js';

export interface UnigramTrainOptions {
  /** Tokens in all: the 256 byte tokens, the pieces and the specials. */
  vocabSize: number;
  /** Special token texts, given the last ids. */
  specials?: string[];
  /** Share of characters that must be pieces (the rarest others fall back to bytes). Default 0.9995. */
  characterCoverage?: number;
  /** Seed pieces besides the characters. Default 1,000,000. */
  seedSize?: number;
  /** Share of pieces a pruning round keeps. Default 0.75. */
  shrinkingFactor?: number;
  /** EM steps per round. Default 2. */
  subIterations?: number;
  /** Longest piece, in characters. Default 16. */
  maxPieceLength?: number;
  onProgress?: (p: UnigramProgress) => void;
  /** Polled between EM steps; true stops training with a CancelledError. */
  isCancelled?: () => boolean;
  /** What runs the E steps' and prunings' per-word passes (default: this thread). */
  startPasses?: StartPasses;
}

export interface UnigramProgress {
  stage: 'seed' | 'em' | 'prune' | 'done';
  round: number;
  pieces: number;
  /** Negative log-likelihood per word after the last E step (NaN before the first). */
  objective: number;
}

export class TrainingCancelledError extends Error {
  override name = 'TrainingCancelledError';
}

/** K_UNK_PENALTY: how much less likely an unknown character is than the least likely piece. */
const UNKNOWN_PENALTY = 10;

/** Trains on `text` (its lines are the sentences) or on the sentences given. */
export async function trainUnigram(text: string | readonly string[], options: UnigramTrainOptions): Promise<UnigramModel> {
  const o = { characterCoverage: 0.9995, seedSize: 1e6, shrinkingFactor: 0.75, subIterations: 2, maxPieceLength: 16, ...options };
  const specials = o.specials ?? [];
  const sentences = (typeof text === 'string' ? text.split('\n') : text).filter((s) => s.length > 0);
  if (sentences.length === 0) throw new VocabularyError('unigram training: the corpus is empty');
  const corpus = readCorpus(sentences, o.characterCoverage, SPELLING_CHARACTERS);
  const wanted = o.vocabSize - BYTE_TOKENS - specials.length;
  if (wanted < corpus.required.size) {
    throw new VocabularyError(
      `unigram training: vocabulary size ${o.vocabSize} is below 256 bytes + ${corpus.required.size} required characters + ${specials.length} specials`,
    );
  }
  const progress = (stage: UnigramProgress['stage'], round: number, pieces: number, objective = NaN): void => {
    if (o.isCancelled?.()) throw new TrainingCancelledError('unigram training cancelled');
    o.onProgress?.({ stage, round, pieces, objective });
  };
  const passes = (o.startPasses ?? passesHere)(corpus.words, corpus.wordCounts); // threads start while the seeds are found
  try {
    const seeds = seedPieces(corpus, o.seedSize, o.maxPieceLength);
    progress('seed', 0, seeds.pieces.length);
    const { pieces, scores, round } = await emRounds(seeds, corpus, passes, Math.floor(wanted * 1.1), o, progress);
    const model = finalize(pieces, scores, corpus, wanted, specials);
    progress('done', round, model.pieces.length);
    return model;
  } finally {
    await passes.close();
  }
}

type Pieces = { pieces: string[]; scores: number[] };

/** Rounds of EM steps and a pruning, until at most `desired` pieces remain after a round's EM steps. */
async function emRounds(
  seeds: Pieces,
  corpus: Corpus,
  passes: WordPasses,
  desired: number,
  o: { subIterations: number; shrinkingFactor: number },
  progress: (stage: UnigramProgress['stage'], round: number, pieces: number, objective?: number) => void,
): Promise<Pieces & { round: number }> {
  let { pieces, scores } = seeds;
  const wordsTotal = corpus.wordCounts.reduce((a, b) => a + b, 0);
  const pass = async (kind: PassTask['pass']) => {
    const s = Float64Array.from(scores);
    const task: PassTask = { pass: kind, pieces, scores: s, unknownScore: minOf(s) - UNKNOWN_PENALTY };
    return { task, sums: addBlocks(await passes.run(task), pieces.length) };
  };
  for (let round = 0; ; round++) {
    for (let it = 0; it < o.subIterations; it++) {
      const { sums } = await pass('expected');
      ({ pieces, scores } = maximize(pieces, sums.counts));
      progress('em', round, pieces.length, -sums.logLikelihood / wordsTotal);
    }
    if (pieces.length <= desired) return { pieces, scores, round };
    const { task, sums } = await pass('viterbi');
    ({ pieces, scores } = prunePieces(pieces, task.scores, task.unknownScore, sums.counts, wordsTotal, o.shrinkingFactor, desired));
    progress('prune', round, pieces.length);
  }
}

function minOf(a: Float64Array): number {
  let m = Infinity;
  for (const x of a) if (x < m) m = x;
  return m;
}

/**
 * The required characters (with their score, or just above the lowest score if pruned), then the
 * best-scoring pieces up to `wanted`, by score, highest first; scores rounded to 6 decimals.
 */
function finalize(pieces: string[], scores: number[], corpus: Corpus, wanted: number, specials: string[]): UnigramModel {
  const scoreOf = new Map(pieces.map((p, i) => [p, scores[i]]));
  const min = scores.reduce((a, b) => Math.min(a, b), Infinity);
  const final = new Map<string, number>();
  let penalty = 0;
  const chars = [...corpus.required].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  for (const [c] of chars) {
    const ch = String.fromCodePoint(c);
    const known = scoreOf.get(ch);
    final.set(ch, known ?? min + penalty);
    if (known === undefined) penalty += 0.0001;
  }
  const order = pieces.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || compare(pieces[a], pieces[b]));
  for (const i of order) {
    if (final.size >= wanted) break;
    if (!final.has(pieces[i])) final.set(pieces[i], scores[i]);
  }
  // Rounded before sorting, so pieces whose scores differ beyond the 6th decimal only are in text order.
  const sorted = [...final]
    .map(([p, s]): [string, number] => [p, Math.round(s * 1e6) / 1e6])
    .sort((a, b) => b[1] - a[1] || compare(a[0], b[0]));
  const first = BYTE_TOKENS + sorted.length;
  return {
    pieces: sorted.map(([p]) => p),
    scores: sorted.map(([, s]) => s),
    specials: specials.map((text, i) => ({ text, id: first + i })),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
