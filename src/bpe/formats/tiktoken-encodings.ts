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
 *
 * The ranks are read straight into the Encoder's rank table, and the Vocabulary's `tokens` are made from it
 * only when read (`lazyVocabulary`; docs/encoder.md, Performance notes, says what that saves).
 */
import { UPSTREAM_PATTERNS, type PatternName } from '../pretokenize/patterns.js';
import { Encoder, type EncoderOptions } from '../encode/encoder.js';
import type { RankTable } from '../encode/rank-table.js';
import { Tokenizer, type IdMap } from '../tokenizer.js';
import { VocabularyError, type SpecialToken, type Vocabulary } from '../vocabulary.js';
import { rememberRankTable } from '../validate-vocabulary.js';
import {
  firstMissingRank,
  readDenseTiktokenRanks,
  readTiktokenRanks,
  specialTokenList,
  type TiktokenImportOptions,
} from './tiktoken-ranks.js';

export const TIKTOKEN_ENCODING_NAMES = ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base'] as const;
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
function patternForPatStr(patStr: string): PatternName {
  for (const [name, source] of Object.entries(UPSTREAM_PATTERNS)) {
    if (source === patStr) return name as PatternName;
  }
  throw new VocabularyError(`tiktoken pat_str is not one of the known upstream patterns: ${JSON.stringify(patStr.slice(0, 60))}...`);
}

/**
 * A Vocabulary over a rank table whose `tokens` (views of the table's arena) are made when first read: the
 * table is the only copy of the bytes, and an encoding that only ever encodes never makes them.
 */
function lazyVocabulary(table: RankTable, pattern: string, specials: SpecialToken[]): Vocabulary {
  const vocab = { pattern, merges: [], specials } as unknown as Vocabulary;
  let tokens: Uint8Array[] | undefined;
  Object.defineProperty(vocab, 'tokens', {
    enumerable: true,
    get(): Uint8Array[] {
      if (tokens === undefined) {
        tokens = table.tokenViews();
        rememberRankTable(vocab, table, tokens);
      }
      return tokens;
    },
  });
  rememberRankTable(vocab, table);
  return vocab;
}

/**
 * An Encoder straight from tiktoken rank data: a `*.tiktoken` file (`b64 rank` lines) or the compact
 * `bpe_ranks` of the `tiktoken` npm package's `encoders/*.json` (`! offset b64 b64 ...` lines). Ranks must be
 * dense from 0. Throws VocabularyError as importTiktokenRanks does.
 */
export function tiktokenEncoder(bpeRanks: string, options: TiktokenImportOptions, encoderOptions: EncoderOptions = {}): Encoder {
  const vocab = lazyVocabulary(readDenseTiktokenRanks(bpeRanks), options.pattern, specialTokenList(options.specials));
  return new Encoder(vocab, encoderOptions);
}

/**
 * Build tiktoken's encoding `name` from its parsed JSON: a Tokenizer whose ids are tiktoken's. Throws
 * VocabularyError if the data is malformed or its pattern unknown.
 */
export function tiktokenEncodingFromJson(name: string, json: TiktokenEncodingJson): Tokenizer<Encoder> {
  const pattern = patternForPatStr(json.pat_str);
  const { table, ranks } = readTiktokenRanks(json.bpe_ranks);
  const specials = specialTokenList(json.special_tokens);
  if (firstMissingRank(ranks) < 0) return new Tokenizer(name, new Encoder(lazyVocabulary(table, pattern, specials)));
  // Internal ids: ordinary ranks made dense (the table's ids); specials keep their id when it is past the
  // ordinary ones, else take the next free id after every special.
  const nOrdinary = ranks.length;
  let next = Math.max(nOrdinary, ...specials.map((s) => s.id + 1));
  const internalSpecials = specials.map((s) => ({ text: s.text, id: s.id >= nOrdinary ? s.id : next++ }));
  const encoder = new Encoder(lazyVocabulary(table, pattern, internalSpecials));
  const nInternal = Math.max(nOrdinary, ...internalSpecials.map((s) => s.id + 1));
  const nExternal = Math.max(json.explicit_n_vocab ?? 0, ranks[nOrdinary - 1] + 1, ...specials.map((s) => s.id + 1));
  const toExternal = new Int32Array(nInternal).fill(-1);
  const toInternal = new Int32Array(nExternal).fill(-1);
  ranks.forEach((external, internal) => {
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
