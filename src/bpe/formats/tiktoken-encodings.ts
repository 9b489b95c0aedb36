/**
 * tiktoken's named encodings, built from the rank data the `tiktoken` npm package ships
 * (`tiktoken/encoders/<name>.json`: `pat_str`, `special_tokens`, `bpe_ranks`, `explicit_n_vocab`). Pure: the
 * caller reads and parses the JSON (src/store/tokenizers.ts does, lazily, once per process).
 *
 * The pattern string is mapped to one of our exact named patterns (patterns.ts `UPSTREAM_PATTERNS`); an
 * unknown `pat_str` is refused rather than translated, since exactness is the point.
 *
 * Ranks with a gap (p50k_base and p50k_edit: rank 50256 is the special `<|endoftext|>`, the 24 whitespace
 * tokens follow it) are made dense for the Vocabulary, order kept, and the Tokenizer maps ids back.
 */
import { UPSTREAM_PATTERNS, type PatternName } from '../pretokenize/patterns.js';
import { Encoder, VocabularyError } from '../encode/encoder.js';
import { Tokenizer, type IdMap } from '../tokenizer.js';

export const TIKTOKEN_ENCODING_NAMES = [
  'gpt2',
  'r50k_base',
  'p50k_base',
  'p50k_edit',
  'cl100k_base',
  'o200k_base',
] as const;
export type TiktokenEncodingName = (typeof TIKTOKEN_ENCODING_NAMES)[number];

export function isTiktokenEncodingName(name: string): name is TiktokenEncodingName {
  return (TIKTOKEN_ENCODING_NAMES as readonly string[]).includes(name);
}

/** The fields of `tiktoken/encoders/<name>.json` we use. */
export interface TiktokenEncodingJson {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
  explicit_n_vocab?: number;
}

/** Our pattern name for tiktoken's `pat_str`; VocabularyError if it is none of the upstream patterns. */
export function patternForPatStr(patStr: string): PatternName {
  for (const [name, source] of Object.entries(UPSTREAM_PATTERNS)) {
    if (source === patStr) return name as PatternName;
  }
  throw new VocabularyError(`tiktoken pat_str is not one of the known upstream patterns: ${JSON.stringify(patStr.slice(0, 60))}...`);
}

/** The ranks of a compact `bpe_ranks` text in line order, without decoding base64. */
function ranksOf(bpeRanks: string): number[] {
  const out: number[] = [];
  for (const line of bpeRanks.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    if (f[0] === '!') {
      const offset = Number(f[1]);
      for (let k = 2; k < f.length; k++) out.push(offset + k - 2);
    } else {
      out.push(Number(f[1]));
    }
  }
  return out;
}

/** Rewrite a rank text so its ranks are dense (order kept), if they are not already; null when they are. */
function densify(bpeRanks: string): { text: string; ranks: number[] } | null {
  const ranks = ranksOf(bpeRanks);
  const sorted = [...ranks].sort((a, b) => a - b);
  if (sorted.every((r, i) => r === i)) return null;
  const dense = new Map<number, number>();
  sorted.forEach((r, i) => {
    if (dense.has(r)) throw new VocabularyError(`tiktoken ranks: rank ${r} appears twice`);
    dense.set(r, i);
  });
  let text = '';
  let i = 0;
  for (const line of bpeRanks.split('\n')) {
    if (line === '') continue;
    const f = line.split(' ');
    const tokens = f[0] === '!' ? f.slice(2) : [f[0]];
    for (const b64 of tokens) text += `${b64} ${dense.get(ranks[i++])}\n`;
  }
  return { text, ranks: sorted };
}

/**
 * Build tiktoken's encoding `name` from its parsed JSON: a Tokenizer whose ids are tiktoken's. Throws
 * VocabularyError if the data is malformed or its pattern unknown.
 */
export function tiktokenEncodingFromJson(name: string, json: TiktokenEncodingJson): Tokenizer {
  const pattern = patternForPatStr(json.pat_str);
  const dense = densify(json.bpe_ranks);
  const specials = Object.entries(json.special_tokens).map(([text, id]) => ({ text, id }));
  // Encoder.fromTiktokenRanks parses the ranks straight into its lookup table (tens of ms, not seconds).
  if (dense === null) return new Tokenizer(name, Encoder.fromTiktokenRanks(json.bpe_ranks, { pattern, specials }));
  // Internal ids: ordinary ranks densified; specials keep their id when it is past the ordinary ones, else
  // take the next free id after every special.
  const nOrdinary = dense.ranks.length;
  let next = Math.max(nOrdinary, ...specials.map((s) => s.id + 1));
  const internalSpecials = specials.map((s) => ({ text: s.text, id: s.id >= nOrdinary ? s.id : next++ }));
  const encoder = Encoder.fromTiktokenRanks(dense.text, { pattern, specials: internalSpecials });
  const nInternal = Math.max(nOrdinary, ...internalSpecials.map((s) => s.id + 1));
  const nExternal = Math.max(json.explicit_n_vocab ?? 0, dense.ranks[nOrdinary - 1] + 1, ...specials.map((s) => s.id + 1));
  const toExternal = new Int32Array(nInternal).fill(-1);
  const toInternal = new Int32Array(nExternal).fill(-1);
  dense.ranks.forEach((external, internal) => {
    toExternal[internal] = external;
    toInternal[external] = internal;
  });
  specials.forEach((s, k) => {
    const internal = internalSpecials[k].id;
    if (toInternal[s.id] !== -1) throw new VocabularyError(`special ${JSON.stringify(s.text)} has id ${s.id}, which an ordinary token has`);
    toExternal[internal] = s.id;
    toInternal[s.id] = internal;
  });
  const idMap: IdMap = { toExternal, toInternal };
  return new Tokenizer(name, encoder, idMap);
}
