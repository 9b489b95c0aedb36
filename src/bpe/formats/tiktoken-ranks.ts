/**
 * tiktoken's rank files (`*.tiktoken`): one ordinary token a line, `base64(token bytes) rank`, in rank order.
 * The format carries neither the split pattern nor special tokens; tiktoken gets those separately
 * (`new Tiktoken(ranks, specialTokens, patStr)`).
 *
 * Import also reads the compact form the `tiktoken` npm package ships in `encoders/*.json` (`bpe_ranks`):
 * a line `! offset b64 b64 ...` gives consecutive ranks from `offset`.
 *
 * Decisions: ranks must be non-negative decimal integers, unique, and dense from 0. tiktoken itself accepts
 * gaps between ranks, but a Vocabulary's ids are dense, so a file with gaps is refused (with the first missing
 * rank). Duplicate token bytes are refused (tiktoken refuses them too). Base64 must be canonical and padded
 * (tiktoken's Rust decoder is strict too). Empty lines and a trailing `\r` are ignored.
 */
import type { SpecialToken, Vocabulary } from '../vocabulary.js';
import { bytesToLatin1, fromBase64, toBase64 } from '../bytes.js';
import { VocabularyError, bytePairMerge, validateVocabulary } from '../encode/encoder.js';
import { toRustRegex } from './tokenizer-json.js';

/** The rank file of a vocabulary's ordinary tokens (specials are not part of the format). */
export function exportTiktokenRanks(vocab: Vocabulary): string {
  let out = '';
  vocab.tokens.forEach((t, id) => {
    out += `${toBase64(t)} ${id}\n`;
  });
  return out;
}

/**
 * The pattern as tiktoken's `pat_str` (Rust fancy-regex): the upstream string for gpt2, cl100k and o200k,
 * else the JavaScript source translated (see `toRustRegex` in hf-format.ts).
 */
export function tiktokenPatStr(pattern: string): string {
  return toRustRegex(pattern);
}

/** The special tokens as tiktoken's constructor takes them: text -> id. */
export function tiktokenSpecialTokens(vocab: Vocabulary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of vocab.specials) out[s.text] = s.id;
  return out;
}

export interface TiktokenImportOptions {
  /** The split pattern: a name from patterns.ts or a JavaScript regex source (flags `gu`). Required. */
  pattern: string;
  /** Special tokens, as a list or as tiktoken's text -> id record. Default none. */
  specials?: readonly SpecialToken[] | Readonly<Record<string, number>>;
}

/**
 * Parse a tiktoken rank file into a Vocabulary with the given pattern and specials and no merges (use
 * `deriveMerges` to recover them). Throws VocabularyError naming the line of the first problem.
 */
export function importTiktokenRanks(text: string, options: TiktokenImportOptions): Vocabulary {
  if (typeof text !== 'string') throw new VocabularyError('tiktoken ranks: expected text');
  if (options?.pattern === undefined) throw new VocabularyError('tiktoken ranks: the caller must give a pattern');
  const byRank = new Map<number, { bytes: Uint8Array; line: number }>();
  const byBytes = new Map<string, number>();
  const add = (b64: string, rank: number, line: number): void => {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(b64);
    } catch (e) {
      throw new VocabularyError(`tiktoken ranks line ${line}: ${(e as Error).message}`);
    }
    if (bytes.length === 0) throw new VocabularyError(`tiktoken ranks line ${line}: empty token`);
    const prev = byRank.get(rank);
    if (prev !== undefined) {
      throw new VocabularyError(`tiktoken ranks line ${line}: rank ${rank} already given on line ${prev.line}`);
    }
    const key = bytesToLatin1(bytes);
    const prevLine = byBytes.get(key);
    if (prevLine !== undefined) {
      throw new VocabularyError(
        `tiktoken ranks line ${line}: token ${b64} (rank ${rank}) already has a rank on line ${prevLine}`,
      );
    }
    byRank.set(rank, { bytes, line });
    byBytes.set(key, line);
  };
  const parseRank = (s: string | undefined, line: number): number => {
    if (s === undefined || !/^[0-9]+$/.test(s)) {
      throw new VocabularyError(`tiktoken ranks line ${line}: rank ${JSON.stringify(s ?? '')} is not an integer`);
    }
    const r = Number(s);
    if (!Number.isSafeInteger(r) || r >= 2 ** 31) {
      throw new VocabularyError(`tiktoken ranks line ${line}: rank ${s} is too large`);
    }
    return r;
  };
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l === '') return;
    const fields = l.split(' ');
    if (fields[0] === '!') {
      const offset = parseRank(fields[1], line);
      for (let k = 2; k < fields.length; k++) add(fields[k], offset + k - 2, line);
      return;
    }
    if (fields.length !== 2) {
      throw new VocabularyError(
        `tiktoken ranks line ${line}: expected "<base64 token> <rank>", got ${fields.length} field(s)`,
      );
    }
    add(fields[0], parseRank(fields[1], line), line);
  });
  const tokens: Uint8Array[] = new Array(byRank.size);
  for (let r = 0; r < byRank.size; r++) {
    const e = byRank.get(r);
    if (e === undefined) {
      throw new VocabularyError(
        `tiktoken ranks: rank ${r} is missing; ranks must be dense from 0 (tiktoken allows gaps, tokenlab ids do not)`,
      );
    }
    tokens[r] = e.bytes;
  }
  const specials: SpecialToken[] = Array.isArray(options.specials)
    ? (options.specials as readonly SpecialToken[]).map((s) => ({ text: s.text, id: s.id }))
    : Object.entries(options.specials ?? {}).map(([t, id]) => ({ text: t, id }));
  const vocab: Vocabulary = { pattern: options.pattern, tokens, merges: [], specials };
  validateVocabulary(vocab);
  return vocab;
}

/**
 * Recover each multi-byte token's merge from ranks alone: run BPE on the token's own bytes allowing only
 * merges of lower rank; the two parts left are the pair that makes it (the standard tiktoken -> merges
 * conversion). Returns the merges in rank order. A token BPE cannot build from two lower-ranked tokens (it
 * never comes out of encoding as a merge, only as a whole piece) has no merge and is left out; `unreachable`
 * lists such token ids.
 */
export function deriveMerges(vocab: Vocabulary): { merges: Array<[number, number]>; unreachable: number[] } {
  const ranks = new Map<string, number>();
  vocab.tokens.forEach((t, id) => ranks.set(bytesToLatin1(t), id));
  const merges: Array<[number, number]> = [];
  const unreachable: number[] = [];
  vocab.tokens.forEach((t, id) => {
    if (t.length < 2) return;
    const s = bytesToLatin1(t);
    const b = bytePairMerge(s, ranks, id);
    if (b.length !== 3) {
      unreachable.push(id);
      return;
    }
    merges.push([ranks.get(s.slice(0, b[1]))!, ranks.get(s.slice(b[1]))!]);
  });
  return { merges, unreachable };
}
