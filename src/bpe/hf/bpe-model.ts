/**
 * The BPE model of a Hugging Face `tokenizer.json` (`model.type: "BPE"`), with `tokenizers`' semantics
 * (models/bpe/model.rs): a pre-tokenized piece becomes its initial symbols, then merges apply by merge rank
 * (merge-word.ts).
 *
 * 1. `ignore_merges` (Llama 3): a piece that is itself in the vocab is that one token.
 * 2. Over characters (no ByteLevel pre-tokenizer: Gemma 3), char-bpe.ts does the rest.
 * 3. Initial symbols over bytes when the pre-tokenizer ends with ByteLevel: each UTF-8 byte is the token of its
 *    GPT-2 byte-level character (a byte without one: char-bpe.ts over the byte-level characters).
 * 4. Merges by rank, leftmost first on ties. A long piece is first cut where no token of the vocab crosses
 *    (encode/span-filter.ts): every symbol is a token, so no merge crosses such a cut and both sides merge
 *    alike on their own (Han runs are long in every model), as long as the bytes beside it have tokens.
 *
 * Pieces, and the stretches of cut pieces, of up to 64 UTF-8 bytes are cached with their ids
 * (encode/piece-cache.ts), as `tokenizers` caches words: the words of a long Han run recur where the run does not.
 * Over bytes, most pieces are a token ("the", " model"): without ignore_merges the model learns, the first time
 * a token is a piece, whether merging its bytes makes it (the result depends on the bytes alone), and from then
 * on takes such a piece whole, with no merge and no cache.
 * Refused (naming the option): dropout, continuing_subword_prefix, end_of_word_suffix.
 */
import { utf8Encode, utf8Into } from '../bytes.js';
import { IdList } from './id-list.js';
import { BYTE_TO_CHAR, byteLevelToBytes, bytesToByteLevel } from '../formats/byte-level.js';
import { VocabularyError } from '../vocabulary.js';
import { isObject, malformed, unsupported, type JsonObject } from './json.js';
import { MergeTable } from './merge-table.js';
import { MergeScratch, mergeWord } from './merge-word.js';
import { ASCII, CharPremerge, EDGE, MULTIBYTE } from './char-premerge.js';
import { CharBpe } from './char-bpe.js';
import type { UnitMap } from './normalizers.js';
import { MAX_BYTES as CACHE_MAX_BYTES, PieceCache } from '../encode/piece-cache.js';
import { SpanFilter, type TokenArena } from '../encode/span-filter.js';
import { NONE, RankTable } from '../encode/rank-table.js';

/** wholeState: not yet seen as a piece; merging its bytes makes the token; it does not. */
const UNKNOWN = 0;
const MERGES_WHOLE = 1;
const MERGES_APART = 2;
/** Pieces longer than this (in UTF-8 bytes) are cut where no token crosses before they are merged. */
const CUT_MIN_BYTES = 24;

export { byteFallbackToken, byteOfFallbackToken } from './char-bpe.js';

function readMerges(json: unknown): Array<[string, string]> {
  if (!Array.isArray(json)) throw malformed('model', 'merges is not an array');
  const out: Array<[string, string]> = [];
  for (const m of json) {
    if (typeof m === 'string') {
      if (m.startsWith('#version')) continue;
      const parts = m.split(' ');
      if (parts.length !== 2) throw malformed('model', `merge ${out.length + 1} (${JSON.stringify(m)}) is not two tokens`);
      out.push([parts[0], parts[1]]);
    } else if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') {
      out.push([m[0], m[1]]);
    } else {
      throw malformed('model', `merge ${out.length + 1} is neither "a b" nor ["a", "b"]`);
    }
  }
  return out;
}

/** The options of a BPE model that encoding depends on. */
export interface BpeOptions {
  byteFallback: boolean;
  ignoreMerges: boolean;
  fuseUnk: boolean;
  unkToken: string | null;
}

/** A BPE model's parts: token strings by id (holes allowed), and by merge rank the pair merged and the token made. */
export interface BpeModelData {
  tokens: string[];
  lefts: Int32Array;
  rights: Int32Array;
  made: Int32Array;
  options: BpeOptions;
}

/** The options of a tokenizer.json's BPE model; refuses those tokenlab does not implement. */
export function bpeOptions(model: JsonObject): BpeOptions {
  if (typeof model.dropout === 'number' && model.dropout > 0) throw unsupported('model', 'BPE dropout');
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (typeof model[k] === 'string' && model[k] !== '') throw unsupported('model', `BPE ${k}`);
  }
  return {
    byteFallback: model.byte_fallback === true,
    ignoreMerges: model.ignore_merges === true,
    fuseUnk: model.fuse_unk === true,
    unkToken: typeof model.unk_token === 'string' ? model.unk_token : null,
  };
}

function vocabOf(tokens: readonly string[]): Map<string, number> {
  const vocab = new Map<string, number>();
  tokens.forEach((t, id) => vocab.set(t, id));
  return vocab;
}

export class BpeModel {
  /** Token string by id (holes where the vocab skips an id). */
  readonly tokens: string[];
  /** How many tokens the vocab has (where `tokenizers` starts numbering added tokens it lacks). */
  readonly vocabSize: number;
  readonly merges: MergeTable;
  readonly byteLevel: boolean;
  readonly byteFallback: boolean;
  private readonly ignoreMerges: boolean;
  /** Byte-level: the id of each byte's character, -1 when the vocab lacks it. */
  private readonly byteIds = new Int32Array(256).fill(-1);
  /** Token string → id, made on first use (most models never need it: see the constructor). */
  private vocabMap: Map<string, number> | undefined;
  /** BPE over characters: the model's own, and byte-level's for a byte the vocab lacks. */
  private readonly chars: CharBpe;
  /** ignore_merges over bytes: a piece's UTF-8 → the token with those bytes; made on first use. */
  private wholeTokens: RankTable | undefined;
  /** Byte-level without ignore_merges, by id: whether merging the token's bytes makes it (wholeToken). */
  private readonly wholeState: Uint8Array;
  /** Pieces that needed BPE, by their UTF-8, with their ids. */
  private readonly cache = new PieceCache(8192);
  /** The UTF-8 of the piece being encoded. */
  private utf8 = new Uint8Array(1024);
  /** The UTF-8 of the stretch being looked up in the cache. */
  private readonly key = new Uint8Array(CACHE_MAX_BYTES);
  /** The tokens of the piece being encoded. */
  private result = new Int32Array(256);
  /** Where a token may cross a position of a piece; built on the first long piece. */
  private filter: SpanFilter | undefined;
  private symbols = new Int32Array(256);
  private readonly scratch = new MergeScratch();
  /** Byte-level: the token each character of 2 or 3 bytes starts as (char-premerge.ts), made on first use. */
  private premerge: CharPremerge | undefined;
  /** What the model was built from (compiled.ts writes it). */
  readonly data: BpeModelData;

  /** Reads `model` of a tokenizer.json (type BPE); `byteLevel`: the pre-tokenizer ends with ByteLevel. */
  static fromJson(model: JsonObject, byteLevel: boolean): BpeModel {
    if (model.type !== undefined && model.type !== 'BPE') throw unsupported('model', String(model.type));
    if (!isObject(model.vocab)) throw malformed('model', 'vocab is not an object');
    const tokens: string[] = [];
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(model.vocab)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
        throw malformed('model', `vocab ${JSON.stringify(token)} has id ${JSON.stringify(id)}`);
      vocab.set(token, id);
      tokens[id] = token;
    }
    const merges = readMerges(model.merges ?? []);
    const n = merges.length;
    const lefts = new Int32Array(n);
    const rights = new Int32Array(n);
    const made = new Int32Array(n);
    const idOf = (token: string, i: number): number => {
      const id = vocab.get(token);
      if (id === undefined)
        throw new VocabularyError(`tokenizer.json: merge ${i + 1} needs ${JSON.stringify(token)}, which is not in the vocab`);
      return id;
    };
    for (let i = 0; i < n; i++) {
      const [a, b] = merges[i];
      lefts[i] = idOf(a, i);
      rights[i] = idOf(b, i);
      made[i] = idOf(a + b, i);
    }
    return new BpeModel({ tokens, lefts, rights, made, options: bpeOptions(model) }, byteLevel, vocab);
  }

  /**
   * From its parts (what fromJson reads, or a compiled file holds); `vocab` when the caller has it already.
   * Encoding needs the one-character tokens and the `<0xXX>` ones, found in one pass over the tokens, not a map
   * of every token (building one is most of a compiled model's load).
   */
  constructor(data: BpeModelData, byteLevel: boolean, vocab?: Map<string, number>) {
    const { options, tokens } = data;
    this.data = data;
    this.tokens = tokens;
    this.byteLevel = byteLevel;
    this.vocabMap = vocab;
    this.merges = new MergeTable(data.lefts, data.rights, data.made);
    this.byteFallback = options.byteFallback;
    this.ignoreMerges = options.ignoreMerges;
    this.chars = new CharBpe(tokens, this.merges, options);
    this.vocabSize = vocab?.size ?? this.chars.size;
    this.wholeState = new Uint8Array(byteLevel && !this.ignoreMerges ? tokens.length : 0);
    const unk = options.unkToken;
    if (unk !== null && this.chars.unkId < 0) throw malformed('model', `unk_token ${JSON.stringify(unk)} is not in the vocab`);
    for (let b = 0; b < 256; b++) this.byteIds[b] = this.chars.charId(BYTE_TO_CHAR[b].charCodeAt(0));
  }

  /** The model's vocab: token string → id (made on first use). */
  get vocab(): Map<string, number> {
    return (this.vocabMap ??= vocabOf(this.tokens));
  }

  /** The ids of those of `strings` that are tokens, in one pass over the tokens (no map of them all). */
  idsOf(strings: Iterable<string>): Map<string, number> {
    const out = new Map<string, number>();
    const known = this.vocabMap;
    if (known !== undefined) {
      for (const s of strings) {
        const id = known.get(s);
        if (id !== undefined) out.set(s, id);
      }
      return out;
    }
    const wanted = new Set(strings);
    this.tokens.forEach((t, id) => {
      if (wanted.has(t) && !out.has(t)) out.set(t, id);
    });
    return out;
  }

  /**
   * Appends the ids of one pre-tokenized piece (in its original characters: the model does ByteLevel's byte
   * mapping itself) to `out`, if given; returns how many there are.
   */
  encodePiece(piece: string, out: IdList | null): number {
    return this.encodeSpan(piece, 0, piece.length, out);
  }

  /** encodePiece of the piece text[start, end), without making it a string. */
  encodeSpan(text: string, start: number, end: number, out: IdList | null): number {
    if (start === end) return 0;
    if (!this.byteLevel) {
      const piece = text.slice(start, end);
      const whole = this.ignoreMerges ? this.vocab.get(piece) : undefined;
      if (whole === undefined) return this.chars.encode(piece, out);
      out?.push(whole);
      return 1;
    }
    const n = this.encodeUtf8(text, start, end);
    const whole = this.wholeToken(n);
    if (whole !== NONE && (this.ignoreMerges || this.wholeState[whole] === MERGES_WHOLE)) {
      out?.push(whole);
      return 1;
    }
    const count = n > CUT_MIN_BYTES ? this.mergeCut(n) : this.mergeRange(0, n, 0);
    if (whole !== NONE && this.wholeState[whole] === UNKNOWN) {
      this.wholeState[whole] = count === 1 && this.result[0] === whole ? MERGES_WHOLE : MERGES_APART;
    }
    out?.append(this.result, count);
    return count;
  }

  /**
   * encodePiece of the piece text[start, end) read through `map` (a normalizer's unit map, normalizers.ts): over
   * characters without ignore_merges, straight from the text; otherwise as the mapped piece's string.
   */
  encodeMapped(text: string, start: number, end: number, map: UnitMap, out: IdList | null): number {
    if (!this.byteLevel && !this.ignoreMerges) return this.chars.encodeSpan(text, start, end, map, out);
    let piece = '';
    for (let i = start; i < end; i++) piece += String.fromCharCode(map[text.charCodeAt(i)]);
    return this.encodePiece(piece, out);
  }

  /**
   * Byte-level: the token whose bytes are the piece's, this.utf8[0, n), else NONE. It is the piece's encoding
   * with ignore_merges, and otherwise when merging its bytes makes it, which `wholeState` learns the first time.
   */
  private wholeToken(n: number): number {
    return (this.wholeTokens ??= this.wholeTokenTable()).get(this.utf8, 0, n);
  }

  /**
   * Merges the piece (its UTF-8 is this.utf8[0, n)) in stretches no token crosses (see the module comment), into
   * this.result; returns the number of tokens. Cuts are tried where a character of two or more bytes begins or
   * ends, as the Encoder does.
   */
  private mergeCut(n: number): number {
    const buf = this.utf8;
    const filter = (this.filter ??= new SpanFilter(this.tokenArena()));
    let count = 0;
    let from = 0;
    for (let p = 1; p < n; p++) {
      const b = buf[p];
      if ((b & 0xc0) === 0x80 || (b < 0x80 && buf[p - 1] < 0x80) || !this.mayCut(p, n, filter)) continue;
      count = this.mergeRange(from, p, count);
      from = p;
    }
    return this.mergeRange(from, n, count);
  }

  /** No symbol can ever span byte p of the piece: no token crosses it, and the bytes beside it have tokens. */
  private mayCut(p: number, n: number, filter: SpanFilter): boolean {
    if (filter.mayCross(this.utf8, p, n)) return false;
    return this.byteIds[this.utf8[p - 1]] >= 0 && this.byteIds[this.utf8[p]] >= 0;
  }

  /**
   * Merges the stretch of the piece whose UTF-8 is this.utf8[b0, b1) and appends its tokens to this.result from
   * index `at`; returns the new length.
   */
  private mergeRange(b0: number, b1: number, at: number): number {
    const n = b1 - b0;
    if (this.result.length < at + n) {
      const bigger = new Int32Array(Math.max(at + n, this.result.length * 2));
      bigger.set(this.result.subarray(0, at));
      this.result = bigger;
    }
    // Stretches of up to CACHE_MAX_BYTES are cached by their UTF-8 (a stretch not at the piece's start is copied to
    // the start of `key` for the lookup). Ids are copied by hand: a subarray per piece is garbage.
    const cache = n <= CACHE_MAX_BYTES ? this.cache : null;
    const result = this.result;
    let key = this.utf8;
    let slot = 0;
    if (cache !== null) {
      if (b0 > 0) {
        key = this.key;
        for (let k = 0; k < n; k++) key[k] = this.utf8[b0 + k];
      }
      slot = cache.find(key, n);
      if (slot >= 0) {
        const ids = cache.ids;
        const from = slot * (CACHE_MAX_BYTES + 1);
        const count = ids[from];
        for (let k = 0; k < count; k++) result[at + k] = ids[from + 1 + k];
        return at + count;
      }
    }
    const symbols = this.byteSymbols(b0, b1);
    const merged = this.symbols;
    const count = mergeWord(this.merges, merged, symbols, this.scratch);
    for (let k = 0; k < count; k++) result[at + k] = merged[k];
    if (cache !== null) cache.store(~slot, key, n, merged, count);
    return at + count;
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

  /** Every token's bytes as the text holds them, for the SpanFilter. */
  private tokenArena(): TokenArena {
    const parts = Array.from(this.tokens, (t) => (t === undefined ? new Uint8Array(0) : (byteLevelToBytes(t) ?? utf8Encode(t))));
    const offsets = new Uint32Array(parts.length + 1);
    for (let id = 0; id < parts.length; id++) offsets[id + 1] = offsets[id] + parts[id].length;
    const arena = new Uint8Array(offsets[parts.length]);
    parts.forEach((b, id) => arena.set(b, offsets[id]));
    return { arena, offsets, size: parts.length };
  }

  private room(n: number): Int32Array {
    if (this.symbols.length < n) this.symbols = new Int32Array(Math.max(n, this.symbols.length * 2));
    return this.symbols;
  }

  /** The UTF-8 of text[start, end) (well-formed) into this.utf8; returns its length. */
  private encodeUtf8(text: string, start: number, end: number): number {
    if (this.utf8.length < (end - start) * 3) this.utf8 = new Uint8Array((end - start) * 6);
    return utf8Into(text, start, end, this.utf8);
  }

  /**
   * The initial symbols of the bytes this.utf8[b0, b1) (whole characters), over bytes, a character of 2 or 3 bytes
   * as its token where char-premerge.ts shows that is exact; returns their number.
   */
  private byteSymbols(b0: number, b1: number): number {
    const bytes = this.utf8;
    const ids = this.room(b1 - b0);
    const premerge = (this.premerge ??= new CharPremerge(this.merges, this.byteIds, this.tokens));
    let n = 0;
    for (let i = b0; i < b1;) {
      const b = bytes[i];
      if (b >= 0xc0 && b < 0xf0) {
        const width = b >= 0xe0 ? 3 : 2;
        const cp =
          width === 3
            ? ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f)
            : ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
        const before = i === b0 ? EDGE : bytes[i - 1] < 0x80 ? ASCII : MULTIBYTE;
        const after = i + width === b1 ? EDGE : bytes[i + width] < 0x80 ? ASCII : MULTIBYTE;
        const token = premerge.table(before, after)[cp];
        if (token >= 0) {
          ids[n++] = token;
          i += width;
          continue;
        }
      }
      const id = this.byteIds[b];
      if (id < 0) return this.charSymbols(b0, b1);
      ids[n++] = id;
      i++;
    }
    return n;
  }

  /**
   * A stretch with a byte the vocab lacks: BPE over its byte-level characters (char-bpe.ts: byte fallback, unk or
   * nothing for that one) into this.symbols; merging them again changes nothing.
   */
  private charSymbols(b0: number, b1: number): number {
    const ids = new IdList();
    this.chars.encode(bytesToByteLevel(this.utf8.subarray(b0, b1)), ids);
    this.room(ids.length).set(ids.ids.subarray(0, ids.length));
    return ids.length;
  }
}
