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
 * a small per-encoder cache (piece-cache.ts). `count` runs the same loop without making an id array.
 * docs/encoder.md follows the hot path.
 */
import { compilePattern, isPatternName, pieceEndFunction, type PieceEnd } from '../pretokenize/patterns.js';
import type { SpecialToken, Vocabulary } from '../vocabulary.js';
import type { AllowedSpecial, TokenEncoder } from '../token-encoder.js';
import { validateVocabulary } from '../validate-vocabulary.js';
import { toWellFormed, utf8Decode, utf8Encode, utf8Into } from '../bytes.js';
import { NONE, type RankTable } from './rank-table.js';
import { bytePairMergeBytes, pieceTokens, type BpeResult } from './byte-pair-merge.js';
import { MAX_BYTES as CACHE_MAX_BYTES, PieceCache } from './piece-cache.js';

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

/** A regex matching any of the special token texts, tried in the order given. */
export function specialTextsRegExp(texts: readonly string[], flags: string): RegExp {
  return new RegExp(texts.map((t) => t.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')).join('|'), flags);
}

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
export class Encoder implements TokenEncoder {
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
    this.table = validateVocabulary(vocab);
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

  /** The vocabulary's special tokens. */
  get specials(): readonly SpecialToken[] {
    return this.vocab.specials;
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
    const clean = toWellFormed(text);
    this.walk(clean, (s, e) => {
      out.push(clean.slice(s, e));
      return 0;
    });
    return out;
  }

  /** Encode `text` with no special tokens: their text, if present, is encoded as ordinary text. */
  encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    this.run(toWellFormed(text), out);
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
    const clean = toWellFormed(text);
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
      re = specialTextsRegExp(texts, 'gu');
      this.specialRegexes.set(key, re);
    }
    return re;
  }

  /** Calls `fn(start, end)` for every piece of well-formed `text`; returns the sum of what fn returns. */
  private walk(text: string, fn: (start: number, end: number) => number): number {
    const pieceEnd = this.pieceEnd;
    let total = 0;
    if (pieceEnd !== null) {
      for (let start = 0; start < text.length;) {
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
    for (let start = 0; start < len;) {
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
    const n = utf8Into(text, s, e, buf);
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
