/**
 * The byte-level BPE encoder every vocabulary uses, with tiktoken's semantics:
 *
 * 1. Pre-tokenize: the vocabulary's pattern (a name from patterns.ts, or a JavaScript regex source compiled
 *    with flags `gu`) cuts the text into pieces. As in tiktoken, text the pattern does not match is skipped
 *    (the named patterns match everything). Lone surrogates are first replaced by U+FFFD, as tiktoken sees
 *    them (JavaScript strings reach it as UTF-8).
 * 2. Each piece is UTF-8 encoded. If the whole piece is a token, that token is the result.
 * 3. Otherwise, starting from single bytes, repeatedly merge the adjacent pair whose concatenated bytes form
 *    the token of lowest rank (rank = token id), the leftmost such pair on ties, until no adjacent pair
 *    concatenates to a token. This is tiktoken's `_byte_pair_merge`; `vocab.merges` is not consulted.
 *
 * Special tokens are matched only when allowed (`encode(text, { allowedSpecial })`); otherwise their text is
 * encoded as ordinary text, like `encodeOrdinary`.
 *
 * Token lookup hashes byte strings as latin1 strings (one char per byte) in a Map.
 */
import { isPatternName, patternRegExp } from './patterns.js';
import type { SpecialToken, Vocabulary } from './vocabulary.js';
import { bytesToLatin1, toWellFormed, utf8Decode, utf8Encode, utf8Latin1 } from './bytes.js';

/** A vocabulary (or vocabulary file) that breaks the rules; the message says which rule and where. */
export class VocabularyError extends Error {
  override name = 'VocabularyError';
}

/**
 * A fresh global regex for a vocabulary's pattern: a name from patterns.ts, or a JavaScript regex source
 * compiled with flags `gu`. Throws VocabularyError if the source does not compile.
 */
export function compilePattern(pattern: string): RegExp {
  if (isPatternName(pattern)) return patternRegExp(pattern);
  if (typeof pattern !== 'string' || pattern === '') {
    throw new VocabularyError('pattern must be a pattern name or a non-empty regex source');
  }
  try {
    return new RegExp(pattern, 'gu');
  } catch (e) {
    throw new VocabularyError(
      `pattern is neither a known pattern name nor a valid JavaScript regex (flags 'gu'): ${(e as Error).message}`,
    );
  }
}

/**
 * Check the rules every Vocabulary must follow, throwing VocabularyError on the first broken one:
 * - `pattern` is a pattern name or a JavaScript regex source that compiles with flags `gu`;
 * - `tokens` are non-empty, pairwise distinct byte strings, and include all 256 single bytes (byte-level BPE
 *   must be able to encode any text);
 * - each merge `[a, b]` names two ordinary ids and the concatenation of their bytes is an ordinary token;
 * - special tokens have distinct non-empty texts and distinct integer ids at or above `tokens.length`.
 */
export function validateVocabulary(vocab: Vocabulary): void {
  checkVocabulary(vocab);
}

/** validateVocabulary, returning the token ids by latin1 byte string it had to build anyway. */
function checkVocabulary(vocab: Vocabulary): Map<string, number> {
  if (vocab === null || typeof vocab !== 'object') throw new VocabularyError('vocabulary must be an object');
  compilePattern(vocab.pattern);
  if (!Array.isArray(vocab.tokens)) throw new VocabularyError('tokens must be an array');
  const ids = new Map<string, number>();
  for (let id = 0; id < vocab.tokens.length; id++) {
    const t = vocab.tokens[id];
    if (!(t instanceof Uint8Array)) throw new VocabularyError(`token ${id} is not a byte string`);
    if (t.length === 0) throw new VocabularyError(`token ${id} is empty`);
    const key = bytesToLatin1(t);
    const prev = ids.get(key);
    if (prev !== undefined) throw new VocabularyError(`tokens ${prev} and ${id} have the same bytes`);
    ids.set(key, id);
  }
  const missing: number[] = [];
  for (let b = 0; b < 256; b++) if (!ids.has(String.fromCharCode(b))) missing.push(b);
  if (missing.length > 0) {
    throw new VocabularyError(
      `byte-level BPE needs every single byte as a token; missing ${missing.length} byte(s), first 0x${missing[0]
        .toString(16)
        .padStart(2, '0')}`,
    );
  }
  if (!Array.isArray(vocab.merges)) throw new VocabularyError('merges must be an array');
  const n = vocab.tokens.length;
  vocab.merges.forEach((m, i) => {
    if (!Array.isArray(m) || m.length !== 2) throw new VocabularyError(`merge ${i} is not a pair of ids`);
    const [a, b] = m;
    for (const x of [a, b]) {
      if (!Number.isInteger(x) || x < 0 || x >= n) {
        throw new VocabularyError(`merge ${i} [${a}, ${b}] refers to ${x}, which is not an ordinary token id`);
      }
    }
    const key = bytesToLatin1(vocab.tokens[a]) + bytesToLatin1(vocab.tokens[b]);
    if (!ids.has(key)) {
      throw new VocabularyError(`merge ${i} [${a}, ${b}]: the concatenation of the two tokens is not a token`);
    }
  });
  if (!Array.isArray(vocab.specials)) throw new VocabularyError('specials must be an array');
  const texts = new Set<string>();
  const specialIds = new Set<number>();
  vocab.specials.forEach((s: SpecialToken, i) => {
    if (s === null || typeof s !== 'object') throw new VocabularyError(`special ${i} is not an object`);
    if (typeof s.text !== 'string' || s.text === '') {
      throw new VocabularyError(`special ${i} has no text`);
    }
    if (!Number.isInteger(s.id) || s.id < 0) {
      throw new VocabularyError(`special ${JSON.stringify(s.text)} has id ${s.id}, not a non-negative integer`);
    }
    if (s.id < n) {
      throw new VocabularyError(
        `special ${JSON.stringify(s.text)} has id ${s.id}, which collides with the ordinary ids 0..${n - 1}`,
      );
    }
    if (texts.has(s.text)) throw new VocabularyError(`special ${JSON.stringify(s.text)} appears twice`);
    if (specialIds.has(s.id)) throw new VocabularyError(`special id ${s.id} is used twice`);
    texts.add(s.text);
    specialIds.add(s.id);
  });
  return ids;
}

/** Token lookup by byte string (latin1): a Map, or anything with its `get`. */
export interface RankLookup {
  get(key: string): number | undefined;
}

/** Pieces up to this many bytes are merged by tiktoken's linear scan; longer ones by a heap. */
const SCAN_MAX = 96;

/**
 * tiktoken's `_byte_pair_merge` on `piece` (a byte string as latin1): start from single bytes and repeatedly
 * merge the adjacent pair whose concatenation has the lowest rank in `ranks` (leftmost on ties), while that
 * rank is below `maxRank`. Returns the part boundaries: [0, ..., piece.length].
 */
export function bytePairMerge(piece: string, ranks: RankLookup, maxRank = Infinity): number[] {
  return piece.length <= SCAN_MAX ? bytePairMergeScan(piece, ranks, maxRank) : bytePairMergeHeap(piece, ranks, maxRank);
}

/** @internal The linear-scan form of bytePairMerge (quadratic; what tiktoken does). */
export function bytePairMergeScan(piece: string, ranks: RankLookup, maxRank = Infinity): number[] {
  const n = piece.length;
  if (n <= 1) return n === 0 ? [0] : [0, 1];
  const starts: number[] = new Array(n + 1);
  const pair: number[] = new Array(n + 1);
  for (let i = 0; i <= n; i++) starts[i] = i;
  for (let i = 0; i + 1 < n; i++) pair[i] = ranks.get(piece.slice(i, i + 2)) ?? Infinity;
  pair[n - 1] = Infinity;
  pair[n] = Infinity;
  let m = n + 1;
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let k = 0; k < m - 1; k++) {
      if (pair[k] < best) {
        best = pair[k];
        at = k;
      }
    }
    if (at < 0 || best >= maxRank) break;
    // Part `at` absorbs part `at + 1`: recompute the pair ranks that involve it, then drop boundary at + 1.
    pair[at] = at + 3 < m ? (ranks.get(piece.slice(starts[at], starts[at + 3])) ?? Infinity) : Infinity;
    if (at > 0) pair[at - 1] = ranks.get(piece.slice(starts[at - 1], starts[at + 2])) ?? Infinity;
    starts.splice(at + 1, 1);
    pair.splice(at + 1, 1);
    m--;
  }
  return starts.slice(0, m);
}

/**
 * @internal bytePairMerge with a binary heap over the live pairs, keyed by (rank, start): the same choices
 * as the scan (lowest rank, then leftmost), in O(n log n) for long pieces.
 */
export function bytePairMergeHeap(piece: string, ranks: RankLookup, maxRank = Infinity): number[] {
  const n = piece.length;
  if (n <= 1) return n === 0 ? [0] : [0, 1];
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  // Heap entries: key = rank * (n + 1) + start (exact in a double for rank < 2^20 and n < 2^32), end.
  let keys = new Float64Array(Math.max(16, n));
  let ends = new Int32Array(keys.length);
  let size = 0;
  const stride = n + 1;
  const push = (key: number, end: number): void => {
    if (size === keys.length) {
      const k2 = new Float64Array(size * 2);
      k2.set(keys);
      keys = k2;
      const e2 = new Int32Array(size * 2);
      e2.set(ends);
      ends = e2;
    }
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      ends[i] = ends[p];
      i = p;
    }
    keys[i] = key;
    ends[i] = end;
  };
  const pop = (): void => {
    const key = keys[--size];
    const end = ends[size];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && keys[c + 1] < keys[c]) c++;
      if (keys[c] >= key) break;
      keys[i] = keys[c];
      ends[i] = ends[c];
      i = c;
    }
    keys[i] = key;
    ends[i] = end;
  };
  const pushPair = (i: number): void => {
    const j = next[i];
    if (j >= n) return;
    const end = next[j];
    const r = ranks.get(piece.slice(i, end));
    if (r !== undefined && r < maxRank) push(r * stride + i, end);
  };
  for (let i = 0; i + 1 < n; i++) pushPair(i);
  while (size > 0) {
    const key = keys[0];
    const end = ends[0];
    pop();
    const i = key % stride;
    if (!alive[i]) continue;
    const j = next[i];
    if (j >= n || next[j] !== end) continue; // stale: the pair at i changed since this entry was pushed
    next[i] = end;
    if (end < n) prev[end] = i;
    alive[j] = 0;
    pushPair(i);
    if (prev[i] >= 0) pushPair(prev[i]);
  }
  const bounds: number[] = [];
  for (let i = 0; i < n; i = next[i]) bounds.push(i);
  bounds.push(n);
  return bounds;
}

export type AllowedSpecial = 'all' | ReadonlySet<string> | readonly string[];

export interface EncodeOptions {
  /** Special tokens to recognize in the text: 'all', or a set of their texts. Default: none. */
  allowedSpecial?: AllowedSpecial;
}

export interface EncoderOptions {
  /** Pieces cached (per encoder) with their ids; 0 disables the cache. Default 65,536. */
  cacheSize?: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export class Encoder {
  readonly vocab: Vocabulary;
  /** One more than the largest id (ordinary or special). */
  readonly nVocab: number;
  private readonly ranks: Map<string, number>;
  private readonly pattern: RegExp;
  private readonly specialIds = new Map<string, number>();
  private readonly specialBytes = new Map<number, Uint8Array>();
  private readonly specialRegexes = new Map<string, RegExp>();
  private readonly cache = new Map<string, number[]>();
  private readonly cacheSize: number;

  constructor(vocab: Vocabulary, options: EncoderOptions = {}) {
    this.ranks = checkVocabulary(vocab);
    this.vocab = vocab;
    this.pattern = compilePattern(vocab.pattern);
    let max = vocab.tokens.length - 1;
    for (const s of vocab.specials) {
      this.specialIds.set(s.text, s.id);
      this.specialBytes.set(s.id, utf8Encode(s.text));
      max = Math.max(max, s.id);
    }
    this.nVocab = max + 1;
    this.cacheSize = options.cacheSize ?? 65_536;
  }

  /** The id of the ordinary token with these bytes, if any. */
  tokenId(bytes: Uint8Array): number | undefined {
    return this.ranks.get(bytesToLatin1(bytes));
  }

  /** The bytes of token `id` (a special token's are its text in UTF-8). Throws RangeError for unknown ids. */
  tokenBytes(id: number): Uint8Array {
    const t = this.vocab.tokens[id] ?? this.specialBytes.get(id);
    if (t === undefined) throw new RangeError(`unknown token id ${id}`);
    return t;
  }

  /** The pre-tokenization pieces of `text` (what BPE runs on), in order. */
  pieces(text: string): string[] {
    const out: string[] = [];
    this.forEachPiece(toWellFormed(text), (p) => out.push(p));
    return out;
  }

  /** Encode `text` with no special tokens: their text, if present, is encoded as ordinary text. */
  encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    this.encodeOrdinaryInto(toWellFormed(text), out);
    return out;
  }

  /**
   * Encode `text`. Special tokens listed in `options.allowedSpecial` (or all of them with 'all') are
   * recognized first (longest first where two start at the same place); the text between them is encoded
   * as ordinary text. By default no special token is recognized.
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const re = this.specialRegex(options.allowedSpecial);
    if (re === undefined) return this.encodeOrdinary(text);
    const out: number[] = [];
    const clean = toWellFormed(text);
    re.lastIndex = 0;
    let from = 0;
    for (let m = re.exec(clean); m !== null; m = re.exec(clean)) {
      this.encodeOrdinaryInto(clean.slice(from, m.index), out);
      out.push(this.specialIds.get(m[0])!);
      from = m.index + m[0].length;
    }
    this.encodeOrdinaryInto(clean.slice(from), out);
    return out;
  }

  /** The concatenated bytes of the tokens (special tokens give their text). Throws RangeError on unknown ids. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = new Array(ids.length);
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      parts[i] = this.tokenBytes(ids[i]);
      total += parts[i].length;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** The text of the tokens; bytes that are not valid UTF-8 (a cut character) become U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return utf8Decode(this.decodeBytes(ids));
  }

  /** The ids of one piece given as bytes (no pre-tokenization): the whole piece if it is a token, else BPE. */
  encodeBytes(bytes: Uint8Array): number[] {
    return this.encodeLatin1(bytesToLatin1(bytes));
  }

  private specialRegex(allowed: AllowedSpecial | undefined): RegExp | undefined {
    if (allowed === undefined) return undefined;
    let texts: string[];
    if (allowed === 'all') {
      texts = [...this.specialIds.keys()];
    } else {
      texts = [...allowed];
      for (const t of texts) {
        if (!this.specialIds.has(t)) throw new Error(`allowedSpecial: ${JSON.stringify(t)} is not a special token`);
      }
    }
    if (texts.length === 0) return undefined;
    texts.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    const key = texts.join('\u0000');
    let re = this.specialRegexes.get(key);
    if (re === undefined) {
      re = new RegExp(texts.map(escapeRegExp).join('|'), 'gu');
      this.specialRegexes.set(key, re);
    }
    return re;
  }

  private forEachPiece(text: string, fn: (piece: string) => void): void {
    const re = this.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const piece = m[0];
      if (piece === '') {
        // An empty match: step over one code point, as String.prototype.matchAll does.
        const c = text.codePointAt(m.index) ?? 0;
        re.lastIndex = m.index + (c > 0xffff ? 2 : 1);
        continue;
      }
      fn(piece);
    }
  }

  private encodeOrdinaryInto(text: string, out: number[]): void {
    if (text === '') return;
    const cache = this.cache;
    this.forEachPiece(text, (piece) => {
      const hit = cache.get(piece);
      if (hit !== undefined) {
        for (const id of hit) out.push(id);
        return;
      }
      const ids = this.encodeLatin1(utf8Latin1(piece));
      if (this.cacheSize > 0) {
        if (cache.size >= this.cacheSize) cache.clear();
        cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    });
  }

  private encodeLatin1(s: string): number[] {
    const whole = this.ranks.get(s);
    if (whole !== undefined) return [whole];
    const bounds = bytePairMerge(s, this.ranks);
    const ids: number[] = new Array(bounds.length - 1);
    for (let k = 0; k + 1 < bounds.length; k++) ids[k] = this.ranks.get(s.slice(bounds[k], bounds[k + 1]))!;
    return ids;
  }
}
