/**
 * How well a tokenizer serves held-out text, as bench:quality, the lab's quality page (/compare/quality) and
 * `tokenlab eval --quality` measure it: bytes per token, overall and per script, tokens per Han character and
 * Rényi efficiency (src/eval/metrics.ts), and the bits per byte of the held-out lines under the lab's Kneser-Ney
 * n-gram model (lab mode, order 5) built on the tokenizer's tokens of the train lines, each line one sequence.
 * Every held-out line is decoded back and compared (the first that is not itself is reported).
 *
 * It takes encodings rather than a tokenizer, so the bench can measure peers that encode asynchronously.
 */
import { evaluate, scriptBytesPerToken, type EvaluatedTokenizer } from '../eval/metrics.js';
import type { Script } from '../eval/scripts.js';
import { buildModel } from '../lm/model.js';
import { scoreSequence } from '../lm/query.js';

/** The n-gram order of the model the bits per byte are measured with. */
export const QUALITY_ORDER = 5;

export interface QualityMeasures {
  tokens: number;
  bytes: number;
  bytesPerToken: number;
  /** UTF-8 bytes of a script's characters per token share of that script (null where the text has none). */
  scriptBytesPerToken: Record<Script, number | null>;
  tokensPerHan: number | null;
  renyiEfficiency: number;
  /** −log2 p(held-out lines) / their UTF-8 bytes, each line's end counted as its newline. */
  bitsPerByte: number;
  /** The first held-out line (from 0) that does not decode back to itself, or -1. */
  firstLossyLine: number;
}

export interface QualityInput {
  /** Each id's bytes and the size of the id space (a Tokenizer is one). */
  tokenizer: EvaluatedTokenizer;
  decode: (ids: ArrayLike<number>) => string;
  /** The train lines' encodings, one sequence each. */
  trainIds: ReadonlyArray<ArrayLike<number>>;
  /** The held-out lines (non-empty) and their encodings. */
  lines: readonly string[];
  ids: ReadonlyArray<ArrayLike<number>>;
}

export function measureQuality(input: QualityInput): QualityMeasures {
  const { tokenizer, lines, ids } = input;
  const model = buildModel(input.trainIds, { order: QUALITY_ORDER, vocabularySize: tokenizer.nVocab });
  let log2prob = 0;
  for (const seq of ids) log2prob += scoreSequence(model, seq).log2prob;
  const text = lines.join('');
  const all = ids.flatMap((x) => Array.from(x));
  const ev = evaluate(text, all, tokenizer);
  return {
    tokens: ev.tokens,
    bytes: ev.bytes,
    bytesPerToken: ev.bytesPerToken,
    scriptBytesPerToken: scriptBytesPerToken(text, ev),
    tokensPerHan: ev.tokensPerHan,
    renyiEfficiency: ev.renyiEfficiency,
    bitsPerByte: -log2prob / (Buffer.byteLength(lines.join('\n')) + 1),
    firstLossyLine: lines.findIndex((line, i) => input.decode(ids[i]) !== line),
  };
}
