/**
 * What the server does with a text: encodes it with a tokenizer the registry knows by name, and finds each
 * token's place in the text and the statistics of src/eval. Special-token text is just text for tiktoken's
 * encodings and tokenlab's vocabularies; an open model's tokenizer reads its added tokens as `tokenizers` does
 * (what the model is given). The pages use `tokenize`; POST /api/tokenize writes the same as JSON bytes
 * (tokenize-json.ts). Spans are over the text the tokens spell (spelled-text.ts), which is the text itself
 * unless the tokenizer normalizes it.
 */
import type { Tokenizer } from '../bpe/tokenizer.js';
import { tokenSpans, type TokenSpan } from '../bpe/offsets/spans.js';
import { spelledText, type SpelledText } from '../bpe/offsets/spelled-text.js';
import { evaluate, type Evaluation } from '../eval/metrics.js';
import { tokenizerByName } from '../store/tokenizers.js';
import { checkTextSize } from './limits.js';

export interface Tokenized {
  tokenizer: string;
  /** The text the tokens spell: the text given, or what the tokenizer made of it (`spelledChanged`). */
  text: string;
  spelledChanged: boolean;
  ids: number[];
  spans: TokenSpan[];
  stats: Evaluation;
}

/** Encodes `text` (as ordinary text) with tokenizer `name`; the spans and statistics of its tokens. */
export async function tokenize(text: string, name: string): Promise<Tokenized> {
  const { tokenizer, ids, spelled, stats } = await encodeAndEvaluate(text, name);
  return {
    tokenizer: name,
    text: spelled.text,
    spelledChanged: spelled.changed,
    ids,
    spans: tokenSpans(spelled.text, ids, tokenizer),
    stats,
  };
}

/**
 * What every answer starts from: the size checked, the tokenizer, its ids for `text`, the text they spell and
 * their statistics over it.
 */
export async function encodeAndEvaluate(
  text: string,
  name: string,
): Promise<{ tokenizer: Tokenizer; ids: number[]; spelled: SpelledText; stats: Evaluation }> {
  checkTextSize(text);
  const tokenizer = await tokenizerByName(name);
  const ids = tokenizer.encodeDefault(text);
  const spelled = spelledText(text, ids, tokenizer);
  return { tokenizer, ids, spelled, stats: evaluate(spelled.text, ids, tokenizer) };
}
