/**
 * tokenlab infgram score: each token's ∞-gram probability and the suffix length it used, line by line (a match
 * never crosses a line's end); with a Kneser-Ney model of the same tokenizer, the interpolation's bits per byte.
 */
import type { Tokenizer } from '../bpe/tokenizer.js';
import type { InfiniGramIndex } from '../lm/infgram/index.js';
import { scoreTokens } from '../lm/infgram/score.js';
import { scoreTextInterpolated } from '../lm/infgram/score-text.js';
import { readModelFile } from '../store/lm-files.js';
import { openIndex, textTokenizer } from './infgram-input.js';
import { modelTokenizer } from './lm.js';
import { tokenLabel } from './token-label.js';
import { parseOptions, required } from './usage.js';

export interface ScoredToken {
  id: number;
  /** P∞: the share of the suffix's continuations that are this token (0 when none is). */
  infgramProb: number;
  suffixLength: number;
  /** A single token ever follows the suffix. */
  sparse: boolean;
}

/** The ∞-gram's view of each non-empty line of `text` (the lines scoreTextInterpolated scores). */
export function scoreLines(index: InfiniGramIndex, tokenizer: Tokenizer, text: string): ScoredToken[][] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const ids = tokenizer.encodeOrdinary(line);
      // P∞, the suffix and sparseness do not depend on the fallback
      const s = scoreTokens(index, ids, new Float64Array(ids.length));
      return ids.map((id, i) => ({ id, infgramProb: s.infgramProbs[i], suffixLength: s.suffixLengths[i], sparse: s.sparse[i] === 1 }));
    });
}

/** Bits per byte interpolated with --model, beside the model's alone. */
async function interpolated(modelFile: string, index: InfiniGramIndex, tokenizer: Tokenizer, text: string) {
  const model = await readModelFile(modelFile);
  if (model.info.tokenizer !== index.info.tokenizer)
    throw new Error(`--model ${modelFile} is over ${model.info.tokenizer ?? 'bare ids'}, the index over ${index.info.tokenizer}`);
  await modelTokenizer(model); // refuses a model over another version of the vocabulary
  const s = scoreTextInterpolated(index, model, tokenizer, text);
  return { bytes: s.bytes, bitsPerByte: s.bitsPerByte, modelBitsPerByte: s.modelBitsPerByte };
}

/**
 * tokenlab infgram score --index X --text T [--model M.tlm] [--json]
 * {"tokens", "meanSuffixLength", "seenShare", "lines": [[{"id", "infgramProb", "suffixLength", "sparse"}]]},
 * with --model also "bytes", "bitsPerByte" (interpolated) and "modelBitsPerByte" (Kneser-Ney alone).
 */
export async function scoreCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    index: { type: 'string' },
    text: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean' },
  });
  const open = await openIndex(values.index);
  const tokenizer = textTokenizer(open);
  const text = required(values.text, '--text');
  const lines = scoreLines(open.index, tokenizer, text);
  const all = lines.flat();
  const summary = {
    tokens: all.length,
    meanSuffixLength: all.length === 0 ? 0 : all.reduce((s, t) => s + t.suffixLength, 0) / all.length,
    seenShare: all.length === 0 ? 0 : all.filter((t) => t.infgramProb > 0).length / all.length,
    ...(values.model === undefined ? {} : await interpolated(values.model, open.index, tokenizer, text)),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...summary, lines })}\n`);
    return;
  }
  const rows = lines.map((line) =>
    line
      .map((t) => `${t.infgramProb.toFixed(6)}\t${t.suffixLength}\t${t.sparse ? 'sparse' : 'dense'}\t${tokenLabel(tokenizer, t.id)}\n`)
      .join(''),
  );
  const bpb =
    summary.bitsPerByte !== undefined && summary.modelBitsPerByte !== undefined
      ? `; ${summary.bitsPerByte.toFixed(4)} bits per byte interpolated, ${summary.modelBitsPerByte.toFixed(4)} with Kneser-Ney alone`
      : '';
  process.stdout.write(
    `P∞\tsuffix\testimate\ttoken\n${rows.join('\n')}\n${summary.tokens} tokens: mean suffix length ` +
      `${summary.meanSuffixLength.toFixed(2)}, ${(100 * summary.seenShare).toFixed(1)}% seen after their suffix${bpb}\n`,
  );
}
