/**
 * What the server does with a text: encodes it with a tokenizer the registry knows by name (as ordinary text:
 * special-token text is just text), and finds each token's place in the text and the statistics of src/eval.
 * The pages use `tokenize`; POST /api/tokenize writes the same as JSON bytes (tokenize-json.ts).
 */
import type { Tokenizer } from '../bpe/tokenizer.js';
import { tokenSpans, type TokenSpan } from '../bpe/offsets/spans.js';
import { evaluate, type Evaluation } from '../eval/metrics.js';
import { tokenizerByName } from '../store/tokenizers.js';
import { checkTextSize } from './limits.js';

export interface Tokenized {
  tokenizer: string;
  text: string;
  ids: number[];
  spans: TokenSpan[];
  stats: Evaluation;
}

/** Encodes `text` (as ordinary text) with tokenizer `name`; the spans and statistics of its tokens. */
export async function tokenize(text: string, name: string): Promise<Tokenized> {
  const { tokenizer, ids, stats } = await encodeAndEvaluate(text, name);
  return { tokenizer: name, text, ids, spans: tokenSpans(text, ids, tokenizer), stats };
}

/** What every answer starts from: the size checked, the tokenizer, its ids for `text` and their statistics. */
export async function encodeAndEvaluate(text: string, name: string): Promise<{ tokenizer: Tokenizer; ids: number[]; stats: Evaluation }> {
  checkTextSize(text);
  const tokenizer = await tokenizerByName(name);
  const ids = tokenizer.encodeOrdinary(text);
  return { tokenizer, ids, stats: evaluate(text, ids, tokenizer) };
}
