/**
 * Reading the parts of a Hugging Face `tokenizer.json`: the JSON shapes every stage's reader shares, and the one
 * refusal for a part tokenlab does not implement (so an upload is never approximated: it names what it cannot do).
 */
import { VocabularyError } from '../vocabulary.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function isObject(x: unknown): x is JsonObject {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A part's `type`, or its JSON when it has none. */
export function describeType(x: unknown): string {
  return isObject(x) && typeof x.type === 'string' ? x.type : JSON.stringify(x);
}

/**
 * The refusal for a part or option of a tokenizer.json that tokenlab does not implement, e.g.
 * `unsupported('normalizer', 'BertNormalizer')` → "tokenizer.json: normalizer BertNormalizer is not supported".
 */
export function unsupported(stage: string, what: string): VocabularyError {
  return new VocabularyError(`tokenizer.json: ${stage} ${what} is not supported`);
}

/** A malformed part: `malformed('pre_tokenizer Split', 'pattern is neither String nor Regex')`. */
export function malformed(stage: string, why: string): VocabularyError {
  return new VocabularyError(`tokenizer.json: ${stage}: ${why}`);
}
