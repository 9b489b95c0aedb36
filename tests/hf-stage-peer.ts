/**
 * npm `tokenizers` (the Rust library) built around one stage of a tokenizer.json, for the tests of
 * src/bpe/hf/{normalizers,pre-tokenizers,decoders}.ts: a tiny BPE model with the stage under test.
 */
import { Tokenizer } from 'tokenizers';
import { utf8Encode } from '../src/bpe/bytes.js';
import { BYTE_TO_CHAR } from '../src/bpe/formats/byte-level.js';
import { byteFallbackToken } from '../src/bpe/hf/char-bpe.js';

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

/** A char-level BPE over `chars` with merges making each of `words` left to right; byte tokens when `bytes`. */
export function charBpe(
  chars: string[],
  words: string[],
  bytes: boolean,
): { vocab: Record<string, number>; merges: Array<[string, string]> } {
  const vocab: Record<string, number> = { '<unk>': 0 };
  const add = (t: string): void => {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  };
  if (bytes) for (let b = 0; b < 256; b++) add(byteFallbackToken(b));
  chars.forEach(add);
  const merges: Array<[string, string]> = [];
  for (const w of words) {
    const cs = [...w];
    let left = cs[0];
    for (const c of cs.slice(1)) {
      if (!(left + c in vocab)) merges.push([left, c]);
      add(left + c);
      left += c;
    }
  }
  return { vocab, merges };
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

/**
 * Code points Unicode 17.0 added to \p{L}, \p{N}, \p{M}, \p{P} or \p{S}. V8 (Node 20.20) has them, Oniguruma in
 * `tokenizers` 0.23.2 (Unicode 16.0) does not, so a Split regex that fromRustRegex writes with `\p{...}` (not a
 * named pattern: those use frozen Unicode 16.0 tables) classes them differently. tests/hf-pre-tokenizers.test.ts's
 * sweep finds them.
 */
// prettier-ignore
export const UNICODE_17_ADDITIONS: CodePointRanges = [
  0x88f, 0xc5c, 0xcdc, [0x1acf, 0x1add], [0x1ae0, 0x1aeb], 0x20c1, 0x2b96, [0xa7ce, 0xa7cf], 0xa7d2, 0xa7d4, 0xa7f1,
  [0xfbc3, 0xfbd2], [0xfd90, 0xfd91], [0xfdc8, 0xfdce], [0x10940, 0x10959], [0x10ec5, 0x10ec7], [0x10ed0, 0x10ed8],
  [0x10efa, 0x10efb], [0x11b60, 0x11b67], [0x11db0, 0x11ddb], [0x11de0, 0x11de9], [0x16ea0, 0x16eb8], [0x16ebb, 0x16ed3],
  [0x16ff2, 0x16ff6], [0x187f8, 0x187ff], [0x18d09, 0x18d1e], [0x18d80, 0x18df2], [0x1ccfa, 0x1ccfc], [0x1ceba, 0x1ced0],
  [0x1cee0, 0x1cef0], [0x1e6c0, 0x1e6de], [0x1e6e0, 0x1e6f5], [0x1e6fe, 0x1e6ff], 0x1f6d8, [0x1f777, 0x1f77a],
  [0x1f8d0, 0x1f8d8], [0x1fa54, 0x1fa57], 0x1fa8a, 0x1fa8e, 0x1fac8, 0x1facd, 0x1faea, 0x1faef, 0x1fbfa, [0x2b73a, 0x2b73f],
  [0x2cea2, 0x2cead], [0x323b0, 0x33479],
];

/**
 * Whether a code point is one of the Unicode 17.0 additions that V8 classes \p{P} or \p{S}: where DeepSeek-V3's
 * scanner (src/bpe/hf/deepseek-scanner.ts, V8's P and S, frozen Unicode 16.0 L, M, N) classes differently from
 * Oniguruma.
 */
export function isUnicode17Symbol(c: number): boolean {
  return inCodePointRanges(c, UNICODE_17_ADDITIONS) && /[\p{P}\p{S}]/u.test(String.fromCodePoint(c));
}
