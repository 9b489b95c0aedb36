/**
 * The BPE model of a Hugging Face `tokenizer.json` (`model.type: "BPE"`), with `tokenizers`' semantics
 * (models/bpe/model.rs): a pre-tokenized piece becomes its initial symbols, then merges apply by merge rank
 * (merge-word.ts).
 *
 * 1. Over bytes, when the pre-tokenizer ends with ByteLevel (Qwen3, Llama 3, DeepSeek-V3): byte-bpe.ts.
 * 2. Over characters (Gemma 3): `ignore_merges` takes a piece that is itself in the vocab as that one token;
 *    char-bpe.ts does the rest.
 *
 * Refused (naming the option): dropout, continuing_subword_prefix, end_of_word_suffix.
 */
import type { IdList } from './id-list.js';
import { BYTE_TO_CHAR } from '../formats/byte-level.js';
import { VocabularyError } from '../vocabulary.js';
import { isObject, malformed, unsupported, type JsonObject } from './json.js';
import { MergeTable } from './merge-table.js';
import { CharBpe } from './char-bpe.js';
import { ByteBpe } from './byte-bpe.js';
import type { UnitMap } from './normalizers.js';

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
  /** Token string → id, made on first use (most models never need it: see the constructor). */
  private vocabMap: Map<string, number> | undefined;
  /** BPE over characters: the model's own, and byte-level's for a byte the vocab lacks. */
  private readonly chars: CharBpe;
  /** BPE over bytes, when byte-level. */
  private readonly bytes: ByteBpe | undefined;
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
    const unk = options.unkToken;
    if (unk !== null && this.chars.unkId < 0) throw malformed('model', `unk_token ${JSON.stringify(unk)} is not in the vocab`);
    if (byteLevel) {
      const byteIds = Int32Array.from(BYTE_TO_CHAR, (c) => this.chars.charId(c.charCodeAt(0)));
      this.bytes = new ByteBpe(tokens, this.merges, byteIds, this.chars, this.ignoreMerges);
    }
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
    if (this.bytes !== undefined) return this.bytes.encode(text, start, end, out);
    const piece = text.slice(start, end);
    const whole = this.ignoreMerges ? this.vocab.get(piece) : undefined;
    if (whole === undefined) return this.chars.encode(piece, out);
    out?.push(whole);
    return 1;
  }

  /**
   * encodePiece of the piece text[start, end) read through `map` (a normalizer's unit map, normalizers.ts): over
   * characters without ignore_merges, straight from the text; otherwise as the mapped piece's string.
   */
  encodeMapped(text: string, start: number, end: number, map: UnitMap, out: IdList | null): number {
    if (this.bytes === undefined && !this.ignoreMerges) return this.chars.encodeSpan(text, start, end, map, out);
    let piece = '';
    for (let i = start; i < end; i++) piece += String.fromCharCode(map[text.charCodeAt(i)]);
    return this.encodePiece(piece, out);
  }
}
