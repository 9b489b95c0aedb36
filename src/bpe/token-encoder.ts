/**
 * What a Tokenizer needs from its engine. Two engines provide it: `Encoder` (encode/encoder.ts: tiktoken's
 * encodings and tokenlab's vocabularies, byte-level BPE with tiktoken's rule) and `HfPipeline` (hf/pipeline.ts:
 * a Hugging Face tokenizer.json with its normalizer, pre-tokenizer, BPE model, added tokens and decoder).
 */
import type { SpecialToken } from './vocabulary.js';

/** Special tokens to read as such: 'all', or their texts. */
export type AllowedSpecial = 'all' | ReadonlySet<string> | readonly string[];

export interface TokenEncoder {
  /** One more than the largest id. */
  readonly nVocab: number;
  /** The special tokens (text and id): those `allowedSpecial` names. */
  readonly specials: readonly SpecialToken[];
  /** Encode with special tokens read as text. */
  encodeOrdinary(text: string): number[];
  /** Encode, reading the special tokens `allowedSpecial` names as such. */
  encode(text: string, options?: { allowedSpecial?: AllowedSpecial }): number[];
  /** The number of tokens encode(text, options) gives. */
  count(text: string, options?: { allowedSpecial?: AllowedSpecial }): number;
  /** The bytes of token `id`; RangeError for an id no token has. */
  tokenBytes(id: number): Uint8Array;
  /** The concatenated bytes of the tokens; RangeError naming the first unknown id. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** The pieces BPE runs on, in order (special tokens not recognized). */
  pieces(text: string): string[];
  /**
   * Special tokens are control tokens in the text by default, as `tokenizers` reads added tokens (a Hugging
   * Face pipeline); else (tiktoken's convention) special-token text is ordinary text unless asked.
   */
  readonly readsSpecialText?: boolean;
  /** The text of the tokens where it is not their bytes as UTF-8 (a Hugging Face decoder); else absent. */
  decodeText?(ids: ArrayLike<number>): string;
}
