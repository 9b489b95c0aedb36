/**
 * BPE over characters (SentencePiece-style vocabularies: Gemma 3), as `tokenizers` runs it (models/bpe/model.rs,
 * merge_word): each character starts as its token; one without a token becomes its UTF-8 bytes as `<0xXX>`
 * tokens with byte_fallback, else the unk token (a run of them one unk with fuse_unk), else nothing; then the
 * merges apply by rank (merge-word.ts). An unk is written when the next character with a token comes (or the piece
 * ends), so byte-fallback tokens after it go first: "文z" with 文 unknown and z a byte token is [<0x7A>, <unk>].
 *
 * A piece (Gemma 3's are whole lines) is cut where char-joins.ts shows no merge can cross, and each stretch is
 * merged on its own: on d2l the stretches are words of 3–4 characters on average, and they recur, so they are
 * cached by their symbols' ids (stretch-cache.ts).
 *
 * Example: "▁the▁cat" cuts into "▁the" and "▁cat" (no token Gemma 3's merges make holds "e▁"), each looked up
 * in the cache.
 */
import { utf8Encode } from '../bytes.js';
import type { IdList } from './id-list.js';
import { CharJoins, hotIndex } from './char-joins.js';
import type { MergeTable } from './merge-table.js';
import { MergeScratch, mergeWord } from './merge-word.js';
import { StretchCache } from './stretch-cache.js';
import { IDENTITY_UNITS, type UnitMap } from './normalizers.js';

const BYTE_TOKEN = /^<0x([0-9A-F]{2})>$/;

/** `<0xXX>`: the token standing for byte XX under byte_fallback. */
export function byteFallbackToken(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** The byte a `<0xXX>` token stands for, else -1. */
export function byteOfFallbackToken(token: string): number {
  const m = BYTE_TOKEN.exec(token);
  return m ? parseInt(m[1], 16) : -1;
}

/** What the initial symbols need of a model's options. */
export interface CharOptions {
  byteFallback: boolean;
  fuseUnk: boolean;
  unkToken: string | null;
}

/** Stretches of up to SHORT_MAX symbols (which merge into as many tokens at most: 2 + 7 + 7 ints) go to the short cache. */
const SHORT_MAX = 7;
const SHORT_SLOTS = 32768;
const LONG_SLOTS = 8192;

/** The previous symbol, for cuts, when it is no character's token (a byte-fallback token, an unk). */
const NO_CHAR = -1;

export class CharBpe {
  /** How many ids `tokens` holds (holes aside). */
  readonly size: number;
  /** The id of unk_token, -1 without one. */
  readonly unkId: number;
  private readonly byteFallback: boolean;
  private readonly fuseUnk: boolean;
  /** The id of each one-character token of the Basic Multilingual Plane, by code point (-1: none). */
  private readonly bmpIds = new Int32Array(0x10000).fill(-1);
  /** The ids of one-character tokens outside the BMP, by code point. */
  private readonly astralIds = new Map<number, number>();
  /** byte_fallback: the id of `<0xXX>` for each byte, -1 when missing. */
  private readonly fallbackIds = new Int32Array(256).fill(-1);
  /** Where pieces may be cut; made on the first piece, with the caches (3 MB: a byte-level model rarely needs them). */
  private joins: CharJoins | undefined;
  /**
   * Stretches by their symbols' ids: short ones (most) in slots of one cache line, longer ones in slots of two;
   * made on the first piece.
   */
  private short: StretchCache | undefined;
  private long: StretchCache | undefined;
  /** The symbols of the piece being encoded. */
  private symbols = new Int32Array(256);
  /** The stretch being merged. */
  private work = new Int32Array(64);
  private readonly scratch = new MergeScratch();

  constructor(
    private readonly tokens: ReadonlyArray<string | undefined>,
    private readonly merges: MergeTable,
    options: CharOptions,
  ) {
    this.byteFallback = options.byteFallback;
    this.fuseUnk = options.fuseUnk;
    let size = 0;
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (t === undefined) continue;
      size++;
      const cp = t.codePointAt(0)!;
      if (t.length === 1 && !(cp >= 0xd800 && cp <= 0xdfff)) this.bmpIds[cp] = id;
      else if (t.length === 2 && cp > 0xffff) this.astralIds.set(cp, id);
      else if (t.length === 6 && cp === 0x3c && byteOfFallbackToken(t) >= 0) this.fallbackIds[byteOfFallbackToken(t)] = id;
    }
    this.size = size;
    const unk = options.unkToken;
    this.unkId = unk === null ? -1 : tokens.indexOf(unk);
  }

  /** The id of the token that is the one character `cp`, or -1. */
  charId(cp: number): number {
    return cp < 0x10000 ? this.bmpIds[cp] : (this.astralIds.get(cp) ?? -1);
  }

  /** Appends the ids of `piece` to `out`, if given; returns how many there are. */
  encode(piece: string, out: IdList | null): number {
    return this.encodeSpan(piece, 0, piece.length, IDENTITY_UNITS, out);
  }

  /**
   * encode of the piece text[start, end) read through `map` (a normalizer's unit map, normalizers.ts), without
   * making it a string.
   */
  encodeSpan(text: string, start: number, end: number, map: UnitMap, out: IdList | null): number {
    if (this.symbols.length < (end - start) * 3) this.symbols = new Int32Array((end - start) * 3); // a UTF-16 unit is at most 3 bytes
    const joins = (this.joins ??= new CharJoins(this.tokens, this.merges.lefts, this.merges.rights, (cp) => this.charId(cp)));
    this.short ??= new StretchCache(SHORT_SLOTS, 16);
    this.long ??= new StretchCache(LONG_SLOTS);
    const symbols = this.symbols;
    const bmp = this.bmpIds;
    let n = 0;
    let from = 0;
    let count = 0;
    let prev = NO_CHAR;
    let prevHot = -1;
    // An unk waits for the next character with a token (or the end): byte-fallback tokens go before it, and
    // with fuse_unk the unks on either side of them are one, as in tokenizers' merge_word.
    let unk = false;
    for (let i = start; i < end;) {
      let cp = map[text.charCodeAt(i++)];
      if (cp >= 0xd800 && cp <= 0xdbff && i < end) {
        const low = text.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      const id = cp < 0x10000 ? bmp[cp] : this.charId(cp);
      if (id < 0) {
        if (this.byteFallbackOf(cp)) {
          n = this.pushBytes(cp, n);
          prev = NO_CHAR;
        } else if (this.unkId >= 0) {
          if (unk && !this.fuseUnk) {
            symbols[n++] = this.unkId;
            prev = NO_CHAR;
          }
          unk = true;
        } // else tokenizers drops the character: its neighbours meet
        continue;
      }
      if (unk) {
        symbols[n++] = this.unkId;
        prev = NO_CHAR;
        unk = false;
      }
      const hot = hotIndex(cp);
      if (prev >= 0 && !joins.joined(prev, prevHot, id, hot)) {
        count += this.stretch(from, n, out);
        from = n;
      }
      symbols[n++] = id;
      prev = id;
      prevHot = hot;
    }
    if (unk) symbols[n++] = this.unkId;
    return count + this.stretch(from, n, out);
  }

  /** Whether `cp` becomes byte-fallback tokens (all its bytes have one). */
  private byteFallbackOf(cp: number): boolean {
    if (!this.byteFallback) return false;
    for (const b of utf8Encode(String.fromCodePoint(cp))) if (this.fallbackIds[b] < 0) return false;
    return true;
  }

  /** Writes the byte-fallback tokens of `cp` after symbol n; returns the new n. */
  private pushBytes(cp: number, n: number): number {
    for (const b of utf8Encode(String.fromCodePoint(cp))) this.symbols[n++] = this.fallbackIds[b];
    return n;
  }

  /** Merges symbols[start, end) and appends their tokens to `out`; returns how many there are. */
  private stretch(start: number, end: number, out: IdList | null): number {
    const n = end - start;
    const symbols = this.symbols;
    if (n === 1) {
      out?.push(symbols[start]);
      return 1;
    }
    if (n === 0) return 0;
    const cache = n <= SHORT_MAX ? this.short! : this.long!;
    const keyed = n <= cache.maxSymbols;
    let at = 0;
    if (keyed) {
      at = cache.find(symbols, start, end);
      if (at >= 0) {
        const count = cache.data[at];
        out?.append(cache.data, count, at + 1);
        return count;
      }
    }
    if (this.work.length < n) this.work = new Int32Array(n * 2);
    const work = this.work;
    for (let k = 0; k < n; k++) work[k] = symbols[start + k];
    const count = mergeWord(this.merges, work, n, this.scratch);
    out?.append(work, count);
    if (keyed) cache.store(~at, symbols, start, end, work, count);
    return count;
  }
}
