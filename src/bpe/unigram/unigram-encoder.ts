/**
 * A Unigram model as a TokenEncoder: each word (a space starts a new one) is encoded as its most probable
 * segmentation (viterbi.ts); a character no piece covers becomes its UTF-8 bytes, ids 0-255 (byte fallback),
 * so decodeBytes(encode(text)) is text's UTF-8 for every text (a lone surrogate encodes as U+FFFD, as
 * TextEncoder does).
 *
 * ```ts
 * const enc = new UnigramEncoder({ pieces: ['a', 'b', 'ab', ' '], scores: [-2, -2, -1, -3], specials: [] });
 * enc.encodeOrdinary('ab b€'); // [258 (ab), 259 (" "), 257 (b), 0xe2, 0x82, 0xac]
 * ```
 */
import { specialTextsRegExp } from '../encode/encoder.js';
import { utf8Encode } from '../bytes.js';
import type { SpecialToken } from '../vocabulary.js';
import type { AllowedSpecial, TokenEncoder } from '../token-encoder.js';
import { BYTE_TOKENS, unknownScore, validateUnigramModel, type UnigramModel } from './unigram-model.js';
import { PieceTrie } from './piece-trie.js';
import { viterbi, ViterbiScratch } from './viterbi.js';

export class UnigramEncoder implements TokenEncoder {
  readonly nVocab: number;
  readonly specials: readonly SpecialToken[];
  private readonly trie: PieceTrie;
  private readonly scores: Float64Array;
  private readonly unknownScore: number;
  private readonly pieceBytes: Uint8Array[];
  private readonly specialBytes = new Map<number, Uint8Array>();
  private readonly scratch = new ViterbiScratch();
  private readonly specialRegexes = new Map<string, RegExp | null>();

  constructor(readonly model: UnigramModel) {
    validateUnigramModel(model);
    this.trie = new PieceTrie(model.pieces);
    this.scores = Float64Array.from(model.scores);
    this.unknownScore = unknownScore(model);
    this.pieceBytes = model.pieces.map(utf8Encode);
    this.specials = model.specials;
    let n = BYTE_TOKENS + model.pieces.length;
    for (const s of model.specials) {
      this.specialBytes.set(s.id, utf8Encode(s.text));
      n = Math.max(n, s.id + 1);
    }
    this.nVocab = n;
  }

  encodeOrdinary(text: string): number[] {
    const ids: number[] = [];
    this.encodeInto(text, 0, text.length, ids);
    return ids;
  }

  encode(text: string, options: { allowedSpecial?: AllowedSpecial } = {}): number[] {
    const re = this.specialRegex(options.allowedSpecial);
    if (re === null) return this.encodeOrdinary(text);
    const ids: number[] = [];
    let at = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      this.encodeInto(text, at, m.index, ids);
      ids.push(this.model.specials.find((s) => s.text === m![0])!.id);
      at = m.index + m[0].length;
    }
    this.encodeInto(text, at, text.length, ids);
    return ids;
  }

  count(text: string, options: { allowedSpecial?: AllowedSpecial } = {}): number {
    return this.encode(text, options).length;
  }

  tokenBytes(id: number): Uint8Array {
    if (id >>> 0 === id && id < BYTE_TOKENS) return Uint8Array.of(id);
    const piece = this.pieceBytes[id - BYTE_TOKENS];
    if (piece !== undefined) return piece;
    const special = this.specialBytes.get(id);
    if (special === undefined) throw new RangeError(`no token has id ${id}`);
    return special;
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.tokenBytes(ids[i]);
      parts.push(b);
      total += b.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const b of parts) {
      out.set(b, at);
      at += b.length;
    }
    return out;
  }

  /** The words the model segments: a new one starts at each space (`tokenizers`' Metaspace split). */
  pieces(text: string): string[] {
    const words: string[] = [];
    forEachWord(text, 0, text.length, (s, e) => words.push(text.slice(s, e)));
    return words;
  }

  private encodeInto(text: string, start: number, end: number, ids: number[]): void {
    forEachWord(text, start, end, (s, e) => this.encodeWord(text, s, e, ids));
  }

  private encodeWord(text: string, start: number, end: number, ids: number[]): void {
    const scratch = this.scratch;
    const k = viterbi(this.trie, this.scores, this.unknownScore, text, start, end, scratch);
    const { pathEnd, pathPiece } = scratch;
    for (let i = k - 1; i >= 0; i--) {
      const p = pathPiece[i];
      if (p >= 0) ids.push(BYTE_TOKENS + p);
      else pushCharBytes(text, start + (i === k - 1 ? 0 : pathEnd[i + 1]), ids);
    }
  }

  private specialRegex(allowed: AllowedSpecial | undefined): RegExp | null {
    if (allowed === undefined) return null;
    const texts =
      allowed === 'all'
        ? this.model.specials.map((s) => s.text)
        : [...allowed].filter((t) => this.model.specials.some((s) => s.text === t));
    const key = texts.join('\u0000');
    let re = this.specialRegexes.get(key);
    if (re === undefined) {
      re = texts.length === 0 ? null : specialTextsRegExp(texts, 'gu');
      this.specialRegexes.set(key, re);
    }
    return re;
  }
}

/** Calls fn(s, e) for each word of text[start, end): a word ends before each space but a first one. */
function forEachWord(text: string, start: number, end: number, fn: (s: number, e: number) => void): void {
  let s = start;
  while (s < end) {
    let e = text.indexOf(' ', s + 1);
    if (e === -1 || e > end) e = end;
    fn(s, e);
    s = e;
  }
}

/** The UTF-8 bytes of the character at text[at] (a lone surrogate as U+FFFD's). */
function pushCharBytes(text: string, at: number, ids: number[]): void {
  let c = text.codePointAt(at)!;
  if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
  if (c < 0x80) ids.push(c);
  else if (c < 0x800) ids.push(0xc0 | (c >> 6), 0x80 | (c & 63));
  else if (c < 0x10000) ids.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  else ids.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
}
