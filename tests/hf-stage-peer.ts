/**
 * npm `tokenizers` (the Rust library) built around one stage of a tokenizer.json, for the tests of
 * src/bpe/hf/{normalizers,pre-tokenizers,decoders}.ts: a tiny BPE model with the stage under test.
 */
import { Tokenizer } from 'tokenizers';
import { utf8Encode } from '../src/bpe/bytes.js';
import { BYTE_TO_CHAR } from '../src/bpe/formats/byte-level.js';

export interface Stages {
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  decoder?: unknown;
  /** The BPE vocabulary (default: one token, "a"). */
  vocab?: Record<string, number>;
  merges?: unknown[];
  added_tokens?: unknown[];
  byte_fallback?: boolean;
  unk_token?: string | null;
  fuse_unk?: boolean;
  /** More fields of the BPE model (they win over the ones above). */
  model?: Record<string, unknown>;
}

export function hfTokenizer(stages: Stages): Tokenizer {
  return Tokenizer.fromString(tokenizerJsonText(stages));
}

/** The text of a tokenizer.json with these stages around a BPE model. */
export function tokenizerJsonText(stages: Stages): string {
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: stages.added_tokens ?? [],
    normalizer: stages.normalizer ?? null,
    pre_tokenizer: stages.pre_tokenizer ?? null,
    post_processor: null,
    decoder: stages.decoder ?? null,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: stages.unk_token ?? null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: stages.fuse_unk ?? false,
      byte_fallback: stages.byte_fallback ?? false,
      ignore_merges: false,
      vocab: stages.vocab ?? { a: 0 },
      merges: stages.merges ?? [],
      ...stages.model,
    },
  });
}

/** A piece as ByteLevel writes it: each UTF-8 byte as its GPT-2 character. */
export function byteLevelPiece(piece: string): string {
  let s = '';
  for (const b of utf8Encode(piece)) s += BYTE_TO_CHAR[b];
  return s;
}

/** The 256 byte-level characters as a vocabulary, byte b with id b. */
export function byteLevelVocab(): Record<string, number> {
  return Object.fromEntries(BYTE_TO_CHAR.map((c, b) => [c, b]));
}

/** Code points as sorted inclusive ranges, and a test for membership. */
export type CodePointRanges = ReadonlyArray<number | readonly [number, number]>;

export function inCodePointRanges(c: number, ranges: CodePointRanges): boolean {
  return ranges.some((r) => (typeof r === 'number' ? c === r : c >= r[0] && c <= r[1]));
}

/** Every code point but the surrogates, in blocks of 4096, for sweeps that compare a block at a time. */
export function* codePointBlocks(): Generator<number[]> {
  for (let base = 0; base < 0x110000; base += 4096) {
    const block: number[] = [];
    for (let c = base; c < base + 4096; c++) if (c < 0xd800 || c > 0xdfff) block.push(c);
    yield block;
  }
}
