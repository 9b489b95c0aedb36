/**
 * The text a list of tokens spells: their bytes, concatenated, as text. For tiktoken's encodings and tokenlab's
 * vocabularies that is always the encoded text itself (byte-level BPE loses nothing). A Hugging Face pipeline
 * may change the text before its model sees it: Qwen3 normalizes to NFC ("e\u0301" is spelled "é"), an added
 * token with lstrip or rstrip swallows the spaces beside it, a Metaspace pre-tokenizer prepends a space. Spans
 * are drawn over the spelled text, which the pages then show (and say that they do).
 */
import { utf8Decode, utf8Encode } from '../bytes.js';

export interface SpelledText {
  text: string;
  /** The spelled text differs from the text encoded. */
  changed: boolean;
}

export function spelledText(
  text: string,
  ids: ArrayLike<number>,
  source: { decodeBytes(ids: ArrayLike<number>): Uint8Array },
): SpelledText {
  const bytes = source.decodeBytes(ids);
  const original = utf8Encode(text);
  let same = bytes.length === original.length;
  for (let i = 0; same && i < bytes.length; i++) same = bytes[i] === original[i];
  return same ? { text, changed: false } : { text: utf8Decode(bytes), changed: true };
}
