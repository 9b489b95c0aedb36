/**
 * Byte-level BPE (the pre-tokenizer ends with ByteLevel: Qwen3, Llama 3, DeepSeek-V3), with `tokenizers`'
 * semantics: each UTF-8 byte of a piece starts as the token of its GPT-2 byte-level character, then merges apply
 * by rank (merge-word.ts). The same tokens come faster this way:
 *
 * 0. A piece of up to 12 UTF-16 units met lately has its tokens cached by its units (unit-piece-cache.ts): none of the
 *    steps below, nor its UTF-8, is done again.
 * 1. A piece whose bytes are a token is that token with `ignore_merges` (Llama 3); without it, when merging its
 *    bytes makes that token, which depends on the bytes alone: learnt per token the first time it is a piece.
 *    86–91% of d2l's pieces are a token ("the", " model", "，").
 * 2. A character of 2 or 3 bytes starts as its token where char-premerge.ts shows that is exact.
 * 3. The piece is cut between two characters that start as one symbol each (one of several bytes) where no token
 *    a merge makes holds the two (premerged-joins.ts): no merge crosses such a cut, and the stretches merge alike
 *    apart. A Han run cuts into its words and phrases. (With 95–100% of d2l-zh's characters premerged, also cutting
 *    long pieces where no token of the vocab crosses, as the Encoder's SpanFilter does, changed nothing measurable.)
 * 4. The stretches are merged and cached by their symbols' ids (stretch-cache.ts): the words of a long Han run
 *    recur where the run does not.
 *
 * A byte the vocab lacks: the piece is BPE over its byte-level characters (char-bpe.ts: byte fallback, unk or
 * nothing for that byte), uncut.
 */
import { utf8Into } from '../bytes.js';
import { byteLevelToBytes, bytesToByteLevel } from '../formats/byte-level.js';
import { NONE, RankTable } from '../encode/rank-table.js';
import type { CharBpe } from './char-bpe.js';
import { CharPremerge, CLASS_BIT, EDGE_BIT } from './char-premerge.js';
import { IdList } from './id-list.js';
import type { MergeTable } from './merge-table.js';
import { MergeScratch, mergeWord } from './merge-word.js';
import { PremergedJoins } from './premerged-joins.js';
import { MAX_TOKENS, MAX_UNITS, UnitPieceCache } from './unit-piece-cache.js';
import { StretchCache } from './stretch-cache.js';

/** wholeState: not yet seen as a piece; merging its bytes makes the token; it does not. */
const UNKNOWN = 0;
const MERGES_WHOLE = 1;
const MERGES_APART = 2;

export class ByteBpe {
  /** A piece's UTF-8 → the token with those bytes (step 1 of the module comment); made on first use. */
  private wholeTokens: RankTable | undefined;
  /** Pieces of up to 12 units with their tokens (unit-piece-cache.ts, step 0 of the module comment): 2 MB. */
  private readonly pieces = new UnitPieceCache(32768);
  /** Without ignore_merges, by id: whether merging the token's bytes makes it (wholeToken). */
  private readonly wholeState: Uint8Array;
  /** The token each character of 2 or 3 bytes starts as, and the cuts between them; made on the first piece. */
  private premerge: CharPremerge | undefined;
  private joins: PremergedJoins | undefined;
  /** Stretches by their symbols' ids, with their tokens. */
  private readonly cache = new StretchCache(16384);
  /** The UTF-8 of the piece being encoded. */
  private utf8 = new Uint8Array(1024);
  /** The piece's initial symbols, and where each stretch starts among them (then their number). */
  private symbols = new Int32Array(256);
  private starts = new Int32Array(256);
  /** The stretch being merged; the piece's tokens. */
  private work = new Int32Array(256);
  private result = new Int32Array(256);
  private readonly scratch = new MergeScratch();

  /** `byteIds`: each byte's token (-1 where the vocab lacks it); `chars` for the bytes it lacks. */
  constructor(
    private readonly tokens: ReadonlyArray<string | undefined>,
    private readonly merges: MergeTable,
    private readonly byteIds: Int32Array,
    private readonly chars: CharBpe,
    private readonly ignoreMerges: boolean,
  ) {
    this.wholeState = new Uint8Array(ignoreMerges ? 0 : tokens.length);
  }

  /** Appends the ids of the piece text[start, end) (non-empty) to `out`, if given; returns how many there are. */
  encode(text: string, start: number, end: number, out: IdList | null): number {
    const pieces = end - start <= MAX_UNITS ? this.pieces : null;
    if (pieces !== null) {
      const at = pieces.find(text, start, end);
      if (at >= 0) return this.copyCached(pieces.data, at, out);
    }
    if (this.utf8.length < (end - start) * 3) this.utf8 = new Uint8Array((end - start) * 6);
    const n = utf8Into(text, start, end, this.utf8);
    const whole = (this.wholeTokens ??= this.wholeTokenTable()).get(this.utf8, 0, n);
    if (whole !== NONE && (this.ignoreMerges || this.wholeState[whole] === MERGES_WHOLE)) {
      this.result[0] = whole;
      pieces?.store(end - start, this.result, 1);
      out?.push(whole);
      return 1;
    }
    const count = this.merge(n);
    if (whole !== NONE && this.wholeState[whole] === UNKNOWN) {
      this.wholeState[whole] = count === 1 && this.result[0] === whole ? MERGES_WHOLE : MERGES_APART;
    }
    if (count <= MAX_TOKENS) pieces?.store(end - start, this.result, count);
    out?.append(this.result, count);
    return count;
  }

  /** Appends a cached piece's tokens (`data[at]` is their count) to `out`; returns the count. */
  private copyCached(data: Int32Array, at: number, out: IdList | null): number {
    const count = data[at];
    out?.append(data, count, at + 1);
    return count;
  }

  /** Merges the piece this.utf8[0, n) into this.result; returns the number of tokens. */
  private merge(n: number): number {
    if (this.starts.length <= n) {
      this.symbols = new Int32Array(n * 2);
      this.starts = new Int32Array(n * 2);
      this.result = new Int32Array(n * 2);
    }
    const stretches = this.initialSymbols(n);
    if (stretches < 0) return this.charSymbols(n);
    let count = 0;
    for (let k = 0; k < stretches; k++) count = this.mergeStretch(this.starts[k], this.starts[k + 1], count);
    return count;
  }

  /**
   * The piece's initial symbols into this.symbols, cut into stretches (see the module comment): this.starts holds
   * where each begins, then the end. Returns the number of stretches, -1 if a byte has no token.
   */
  private initialSymbols(n: number): number {
    const bytes = this.utf8;
    const symbols = this.symbols;
    const starts = this.starts;
    const byteIds = this.byteIds;
    const premerge = (this.premerge ??= new CharPremerge(this.merges, byteIds, this.tokens));
    const joins = (this.joins ??= new PremergedJoins(this.tokens, this.merges.made));
    const { token, before, after } = premerge;
    let m = 0;
    starts[0] = 0;
    let stretches = 1;
    // The character before: its code point when it is one symbol (-1 when not), its lead byte's class bit.
    let prev = -1;
    let prevClass = EDGE_BIT;
    for (let i = 0; i < n;) {
      const b = bytes[i];
      let cp = b;
      let width = 1;
      let one = b < 0x80 ? byteIds[b] : -1; // the token the character starts as, when it is one symbol
      // 1. A character of 2 or 3 bytes: premerged between the classes of its neighbours?
      if (b >= 0xc0 && b < 0xf0) {
        width = b >= 0xe0 ? 3 : 2;
        cp =
          width === 3
            ? ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f)
            : ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
        const next = i + width === n ? EDGE_BIT : CLASS_BIT[bytes[i + width]];
        if (token[cp] >= 0 && (before[cp] & prevClass) !== 0 && (after[cp] & next) !== 0) one = token[cp];
      } else if (b >= 0x80) {
        width = 4;
      }
      // 2. A cut before it: between two one-symbol characters, one of several bytes, that no merge joins.
      if (prev >= 0 && one >= 0 && (b >= 0x80 || prev >= 0x80) && !joins.joinable(prev, cp)) starts[stretches++] = m;
      // 3. Its symbols.
      if (one >= 0) {
        symbols[m++] = one;
      } else {
        for (let k = i; k < i + width; k++) {
          const id = byteIds[bytes[k]];
          if (id < 0) return -1;
          symbols[m++] = id;
        }
      }
      prev = one >= 0 ? cp : -1;
      prevClass = CLASS_BIT[b];
      i += width;
    }
    starts[stretches] = m;
    return stretches;
  }

  /**
   * Merges the stretch this.symbols[from, to) and writes its tokens to this.result from index `at`; returns the
   * new length. Ids are copied by hand: a subarray per stretch is garbage.
   */
  private mergeStretch(from: number, to: number, at: number): number {
    const symbols = this.symbols;
    const result = this.result;
    const n = to - from;
    if (n === 1) {
      result[at] = symbols[from];
      return at + 1;
    }
    const cache = n <= this.cache.maxSymbols ? this.cache : null;
    let slot = 0;
    if (cache !== null) {
      slot = cache.find(symbols, from, to);
      if (slot >= 0) {
        const data = cache.data;
        const count = data[slot];
        for (let k = 1; k <= count; k++) result[at++] = data[slot + k];
        return at;
      }
    }
    if (this.work.length < n) this.work = new Int32Array(n * 2);
    const work = this.work;
    for (let k = 0; k < n; k++) work[k] = symbols[from + k];
    const count = mergeWord(this.merges, work, n, this.scratch);
    for (let k = 0; k < count; k++) result[at + k] = work[k];
    if (cache !== null) cache.store(~slot, symbols, from, to, work, count);
    return at + count;
  }

  /**
   * A piece with a byte the vocab lacks: BPE over its byte-level characters (char-bpe.ts) into this.result;
   * merging them again changes nothing.
   */
  private charSymbols(n: number): number {
    const ids = new IdList();
    this.chars.encode(bytesToByteLevel(this.utf8.subarray(0, n)), ids);
    if (this.result.length < ids.length) this.result = new Int32Array(ids.length);
    this.result.set(ids.ids.subarray(0, ids.length));
    return ids.length;
  }

  /**
   * The byte-level tokens by their bytes. An id the vocab skips, an empty token (the vocabulary explorer's for a
   * token its first k merges do not make yet) or a token that is not byte-level text gets bytes no piece has (0xff
   * never occurs in UTF-8) and unique to it, as the table wants every id once.
   */
  private wholeTokenTable(): RankTable {
    const unmatchable = (id: number) => Uint8Array.of(0xff, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
    return RankTable.fromTokens(Array.from(this.tokens, (t, id) => (t ? byteLevelToBytes(t) : undefined) ?? unmatchable(id)));
  }
}
