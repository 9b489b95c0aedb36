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
 * Token lookup is a typed-array hash table over the token bytes (rank-table.ts); pieces are UTF-8 encoded
 * into a reusable buffer and merged with typed arrays (byte-pair-merge.ts); pieces that needed BPE are kept in
 * a small per-encoder cache (piece-cache.ts). `count` runs the same loop without making an id array, and
 * `Encoder.fromTiktokenRanks` builds the table straight from tiktoken's rank data. The string-keyed
 * `bytePairMerge*` functions below remain for the vocabulary formats (deriving merges from ranks).
 */
import { isPatternName, patternRegExp, pieceEndFunction, type PieceEnd } from '../pretokenize/patterns.js';
import type { SpecialToken, Vocabulary } from '../vocabulary.js';
import { toWellFormed, utf8Decode, utf8Encode } from '../bytes.js';
import { NONE, RankTable, RankTableError } from './rank-table.js';
import { bytePairMergeBytes, pieceTokens, type BpeResult } from './byte-pair-merge.js';
import { MAX_BYTES as CACHE_MAX_BYTES, PieceCache } from './piece-cache.js';

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

/** The rank table built for a vocabulary's token array, kept so an Encoder on it need not rebuild it. */
const tablesByVocab = new WeakMap<Vocabulary, { tokens: Uint8Array[]; table: RankTable }>();

/** validateVocabulary, returning the rank table it had to build anyway. */
function checkVocabulary(vocab: Vocabulary): RankTable {
  if (vocab === null || typeof vocab !== 'object') throw new VocabularyError('vocabulary must be an object');
  compilePattern(vocab.pattern);
  const lazy = lazyTables.get(vocab);
  const known = lazy === undefined ? tablesByVocab.get(vocab) : undefined;
  if (lazy === undefined && !Array.isArray(vocab.tokens)) throw new VocabularyError('tokens must be an array');
  let table: RankTable;
  if (lazy !== undefined) {
    table = lazy;
  } else if (known !== undefined && known.tokens === vocab.tokens && known.table.size === vocab.tokens.length) {
    table = known.table;
  } else {
    try {
      table = RankTable.fromTokens(vocab.tokens);
    } catch (e) {
      if (e instanceof RankTableError) throw new VocabularyError(e.message);
      throw e;
    }
  }
  const missing: number[] = [];
  for (let b = 0; b < 256; b++) if (table.byteId[b] === NONE) missing.push(b);
  if (missing.length > 0) {
    throw new VocabularyError(
      `byte-level BPE needs every single byte as a token; missing ${missing.length} byte(s), first 0x${missing[0]
        .toString(16)
        .padStart(2, '0')}`,
    );
  }
  if (!Array.isArray(vocab.merges)) throw new VocabularyError('merges must be an array');
  const n = table.size;
  let scratch = new Uint8Array(64);
  vocab.merges.forEach((m, i) => {
    if (!Array.isArray(m) || m.length !== 2) throw new VocabularyError(`merge ${i} is not a pair of ids`);
    const [a, b] = m;
    for (const x of [a, b]) {
      if (!Number.isInteger(x) || x < 0 || x >= n) {
        throw new VocabularyError(`merge ${i} [${a}, ${b}] refers to ${x}, which is not an ordinary token id`);
      }
    }
    const ta = table.bytes(a);
    const tb = table.bytes(b);
    const l = ta.length + tb.length;
    if (scratch.length < l) scratch = new Uint8Array(l * 2);
    scratch.set(ta, 0);
    scratch.set(tb, ta.length);
    if (table.get(scratch, 0, l) === NONE) {
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
  if (lazy === undefined) tablesByVocab.set(vocab, { tokens: vocab.tokens, table });
  return table;
}

/**
 * Vocabularies made by `Encoder.fromTiktokenRanks` whose `tokens` have not been read yet: the table is the
 * only copy of the bytes, and `tokens` (views of its arena) is made on first access.
 */
const lazyTables = new WeakMap<Vocabulary, RankTable>();

function lazyVocabulary(table: RankTable, pattern: string, specials: SpecialToken[]): Vocabulary {
  const vocab = { pattern, merges: [], specials } as unknown as Vocabulary;
  let tokens: Uint8Array[] | undefined;
  Object.defineProperty(vocab, 'tokens', {
    enumerable: true,
    configurable: true,
    get(): Uint8Array[] {
      if (tokens === undefined) {
        tokens = table.tokenViews();
        lazyTables.delete(vocab);
        tablesByVocab.set(vocab, { tokens, table });
      }
      return tokens;
    },
    set(value: Uint8Array[]) {
      tokens = value;
      lazyTables.delete(vocab);
    },
  });
  lazyTables.set(vocab, table);
  return vocab;
}

/** Token lookup by byte string (latin1): a Map, or anything with its `get`. */
export interface RankLookup {
  get(key: string): number | undefined;
}

/**
 * tiktoken's `_byte_pair_merge` on `piece` (a byte string as latin1): start from single bytes and repeatedly
 * merge the adjacent pair whose concatenation has the lowest rank in `ranks` (leftmost on ties), while that
 * rank is below `maxRank`. Returns the part boundaries: [0, ..., piece.length].
 *
 * This is the plain quadratic scan, for offline work on tokens' own bytes (deriving merges, the HF export);
 * encoding uses the typed-array form in byte-pair-merge.ts, which switches to a heap on long pieces.
 */
export function bytePairMerge(piece: string, ranks: RankLookup, maxRank = Infinity): number[] {
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

export type AllowedSpecial = 'all' | ReadonlySet<string> | readonly string[];

export interface EncodeOptions {
  /** Special tokens to recognize in the text: 'all', or a set of their texts. Default: none. */
  allowedSpecial?: AllowedSpecial;
}

export interface EncoderOptions {
  /**
   * About how many pieces that need BPE (up to 64 bytes each) to cache per encoder, with their ids, in a
   * direct-mapped cache (rounded down to a power of two; about 330 bytes a piece); 0 disables it. Default 8,192.
   */
  cacheSize?: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** `text` with lone surrogates replaced by U+FFFD (tiktoken sees JavaScript strings as UTF-8). */
const wellFormed: (text: string) => string =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (t) => {
        const s = t as string & { isWellFormed(): boolean; toWellFormed(): string };
        return s.isWellFormed() ? t : s.toWellFormed();
      }
    : toWellFormed;


/**
 * The UTF-16 units `text[s, e)` (at most 4) as one big-endian integer of bytes when all are ASCII (they are
 * then the UTF-8 bytes), else -1.
 */
function asciiKey(text: string, s: number, e: number): number {
  let key = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    key = (key << 8) | c;
  }
  return key;
}

/**
 * Encodes and decodes with one vocabulary. Not safe to share across concurrent calls that re-enter it (it
 * reuses scratch buffers), which JavaScript's single thread makes moot.
 */
export class Encoder {
  readonly vocab: Vocabulary;
  /** One more than the largest id (ordinary or special). */
  readonly nVocab: number;
  private readonly table: RankTable;
  /** A regex source given by the vocabulary (not a named pattern), which may skip text; else null. */
  private readonly pattern: RegExp | null;
  /** A named pattern's piece ends (scanner.ts for the reference patterns); else null. */
  private readonly pieceEnd: PieceEnd | null;
  private readonly specialIds = new Map<string, number>();
  private readonly specialBytes = new Map<number, Uint8Array>();
  private readonly specialRegexes = new Map<string, RegExp>();
  private readonly cache: PieceCache | null;
  private buf = new Uint8Array(1024);
  private readonly bpe: BpeResult = { bounds: new Int32Array(1024), ids: new Int32Array(1024) };

  constructor(vocab: Vocabulary, options: EncoderOptions = {}) {
    this.table = checkVocabulary(vocab);
    this.vocab = vocab;
    const pattern = vocab.pattern;
    this.pieceEnd = isPatternName(pattern) ? pieceEndFunction(pattern) : null;
    this.pattern = this.pieceEnd === null ? compilePattern(pattern) : null;
    let max = this.table.size - 1;
    for (const s of vocab.specials) {
      this.specialIds.set(s.text, s.id);
      this.specialBytes.set(s.id, utf8Encode(s.text));
      max = Math.max(max, s.id);
    }
    this.nVocab = max + 1;
    const cacheSize = options.cacheSize ?? 8192;
    this.cache = cacheSize > 0 ? new PieceCache(cacheSize) : null;
  }

  /**
   * An Encoder straight from tiktoken rank data: a `*.tiktoken` file (`b64 rank` lines) or the compact
   * `bpe_ranks` of the `tiktoken` npm package's `encoders/*.json` (`! offset b64 b64 ...` lines). Base64 is
   * decoded into one buffer; the Vocabulary's `tokens` are views of it, made when first read. Ranks must be
   * dense from 0.
   */
  static fromTiktokenRanks(
    ranks: string,
    options: { pattern: string; specials?: readonly SpecialToken[] | Readonly<Record<string, number>> },
    encoderOptions: EncoderOptions = {},
  ): Encoder {
    let table: RankTable;
    try {
      table = RankTable.fromRankText(ranks);
    } catch (e) {
      if (e instanceof RankTableError) throw new VocabularyError(`tiktoken ranks: ${e.message}`);
      throw e;
    }
    const specials: SpecialToken[] = Array.isArray(options.specials)
      ? (options.specials as readonly SpecialToken[]).map((s) => ({ text: s.text, id: s.id }))
      : Object.entries(options.specials ?? {}).map(([text, id]) => ({ text, id }));
    return new Encoder(lazyVocabulary(table, options.pattern, specials), encoderOptions);
  }

  /** The id of the ordinary token with these bytes, if any. */
  tokenId(bytes: Uint8Array): number | undefined {
    const id = this.table.get(bytes, 0, bytes.length);
    return id === NONE ? undefined : id;
  }

  /** The bytes of token `id` (a special token's are its text in UTF-8). Throws RangeError for unknown ids. */
  tokenBytes(id: number): Uint8Array {
    if (Number.isInteger(id) && id >= 0 && id < this.table.size) return this.table.bytes(id);
    const t = this.specialBytes.get(id);
    if (t === undefined) throw new RangeError(`unknown token id ${id}`);
    return t;
  }

  /** The pre-tokenization pieces of `text` (what BPE runs on), in order. */
  pieces(text: string): string[] {
    const out: string[] = [];
    const clean = wellFormed(text);
    this.walk(clean, (s, e) => {
      out.push(clean.slice(s, e));
      return 0;
    });
    return out;
  }

  /** Encode `text` with no special tokens: their text, if present, is encoded as ordinary text. */
  encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    this.run(wellFormed(text), out);
    return out;
  }

  /**
   * Encode `text`. Special tokens listed in `options.allowedSpecial` (or all of them with 'all') are
   * recognized first (longest first where two start at the same place); the text between them is encoded
   * as ordinary text. By default no special token is recognized.
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    this.encodeInto(text, options, out);
    return out;
  }

  /** The number of tokens `encode(text, options)` gives, without making the token array. */
  count(text: string, options: EncodeOptions = {}): number {
    return this.encodeInto(text, options, null);
  }

  /** The concatenated bytes of the tokens (special tokens give their text). Throws RangeError on unknown ids. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const { arena, offsets, size } = this.table;
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >>> 0 === id && id < size) total += offsets[id + 1] - offsets[id];
      else total += this.tokenBytes(id).length;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >>> 0 === id && id < size) {
        const e = offsets[id + 1];
        for (let k = offsets[id]; k < e; k++) out[o++] = arena[k];
      } else {
        const b = this.tokenBytes(id);
        out.set(b, o);
        o += b.length;
      }
    }
    return out;
  }

  /** The text of the tokens; bytes that are not valid UTF-8 (a cut character) become U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return utf8Decode(this.decodeBytes(ids));
  }

  /** The ids of one piece given as bytes (no pre-tokenization): the whole piece if it is a token, else BPE. */
  encodeBytes(bytes: Uint8Array): number[] {
    const n = bytes.length;
    if (n === 0) return [];
    const bpe = this.bpe;
    const parts = pieceTokens(this.table, bytes, n, bpe);
    return Array.from(bpe.ids.subarray(0, parts));
  }

  private encodeInto(text: string, options: EncodeOptions, out: number[] | null): number {
    const clean = wellFormed(text);
    const re = this.specialRegex(options.allowedSpecial);
    if (re === undefined) return this.run(clean, out);
    let count = 0;
    re.lastIndex = 0;
    let from = 0;
    for (let m = re.exec(clean); m !== null; m = re.exec(clean)) {
      count += this.run(clean.slice(from, m.index), out);
      out?.push(this.specialIds.get(m[0])!);
      count++;
      from = m.index + m[0].length;
    }
    count += this.run(clean.slice(from), out);
    return count;
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

  /** Calls `fn(start, end)` for every piece of well-formed `text`; returns the sum of what fn returns. */
  private walk(text: string, fn: (start: number, end: number) => number): number {
    const pieceEnd = this.pieceEnd;
    let total = 0;
    if (pieceEnd !== null) {
      for (let start = 0; start < text.length; ) {
        const end = pieceEnd(text, start);
        total += fn(start, end);
        start = end;
      }
      return total;
    }
    const re = this.pattern!;
    re.lastIndex = 0;
    for (;;) {
      const m = re.exec(text);
      if (m === null) break;
      const s = m.index;
      const e = s + m[0].length;
      if (e === s) {
        // An empty match: step over one code point, as String.prototype.matchAll does.
        const c = text.codePointAt(s) ?? 0;
        re.lastIndex = s + (c > 0xffff ? 2 : 1);
        continue;
      }
      total += fn(s, e);
      re.lastIndex = e;
    }
    return total;
  }

  /** Encode well-formed `text` (no specials) into `out` (if given); returns the number of tokens. */
  private run(text: string, out: number[] | null): number {
    if (text === '') return 0;
    const pieceEnd = this.pieceEnd;
    const maxLen = this.table.maxLen;
    if (pieceEnd === null) return this.walk(text, (s, e) => this.piece(text, s, e, out, maxLen));
    // The hot loop, inlined: piece ends, then ASCII pieces of up to 4 characters that are tokens (most English
    // words with their space) straight from the packed-key tables, without the UTF-8 buffer.
    const table = this.table;
    const len = text.length;
    let count = 0;
    for (let start = 0; start < len; ) {
      const end = pieceEnd(text, start);
      const key = end - start <= 4 ? asciiKey(text, start, end) : -1;
      const id = key >= 0 ? table.getPacked(key, end - start) : NONE;
      if (id !== NONE) {
        out?.push(id);
        count++;
      } else {
        count += this.piece(text, start, end, out, maxLen);
      }
      start = end;
    }
    return count;
  }

  /** Encode the piece text[s, e) into out; returns its number of tokens. */
  private piece(text: string, s: number, e: number, out: number[] | null, maxLen: number): number {
    let buf = this.buf;
    if (buf.length < (e - s) * 3) buf = this.buf = new Uint8Array((e - s) * 3 * 2);
    // UTF-8 encode (the text is well-formed: surrogates come in pairs).
    let n = 0;
    for (let i = s; i < e; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) {
        buf[n++] = c;
      } else if (c < 0x800) {
        buf[n++] = 0xc0 | (c >> 6);
        buf[n++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdbff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
        buf[n++] = 0xf0 | (c >> 18);
        buf[n++] = 0x80 | ((c >> 12) & 0x3f);
        buf[n++] = 0x80 | ((c >> 6) & 0x3f);
        buf[n++] = 0x80 | (c & 0x3f);
      } else {
        buf[n++] = 0xe0 | (c >> 12);
        buf[n++] = 0x80 | ((c >> 6) & 0x3f);
        buf[n++] = 0x80 | (c & 0x3f);
      }
    }
    const table = this.table;
    const bpe = this.bpe;
    if (n > 2 * (e - s)) {
      // Pieces of mostly 3-byte characters (Han, kana, Hangul: over 2 bytes per UTF-16 unit) skip the cache:
      // the merge cuts them into characters and words (span-filter.ts) faster than the cache finds them, and
      // runs of such text are rarely seen twice. It also looks the whole piece up, only if it found no cut.
      const parts = pieceTokens(table, buf, n, bpe);
      if (out !== null) for (let k = 0; k < parts; k++) out.push(bpe.ids[k]);
      return parts;
    }
    if (n <= maxLen) {
      const whole = table.get(buf, 0, n);
      if (whole !== NONE) {
        out?.push(whole);
        return 1;
      }
    }
    const cache = n <= CACHE_MAX_BYTES ? this.cache : null;
    let slot = 0;
    if (cache !== null) {
      slot = cache.find(buf, n);
      if (slot >= 0) {
        const ids = cache.ids;
        const at = slot * (CACHE_MAX_BYTES + 1);
        const count = ids[at];
        if (out !== null) for (let k = 1; k <= count; k++) out.push(ids[at + k]);
        return count;
      }
    }
    const parts = bytePairMergeBytes(table, buf, n, bpe);
    const ids = bpe.ids;
    if (cache !== null) cache.store(~slot, buf, n, ids, parts);
    if (out !== null) for (let k = 0; k < parts; k++) out.push(ids[k]);
    return parts;
  }
}
