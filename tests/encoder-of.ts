import { Encoder } from '../src/bpe/encode/encoder.js';
import type { Tokenizer } from '../src/bpe/tokenizer.js';

/** The Encoder of a tokenizer built on one (a tiktoken encoding or a tokenlab vocabulary); fails the test otherwise. */
export function encoderOf(t: Tokenizer): Encoder {
  if (!(t.encoder instanceof Encoder)) throw new Error(`${t.name} is not built on an Encoder`);
  return t.encoder;
}
