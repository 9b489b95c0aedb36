/**
 * A named tokenizer: an Encoder plus tiktoken's public conventions.
 *
 * - `encode(text)` follows tiktoken's `encode(text, allowed_special, disallowed_special)`: by default no special
 *   token is recognized AND text that contains a special token's text is refused with SpecialTokenError (the
 *   default `disallowedSpecial: 'all'`). `allowedSpecial: 'all'` (or a list) turns them into their ids;
 *   `disallowedSpecial: []` lets them through as ordinary text. `encodeOrdinary` never looks at special tokens.
 *   (`Encoder.encode` itself never refuses: its default is "encode as ordinary text".)
 * - Ids are tiktoken's. A Vocabulary's ordinary ids are dense from 0 with specials after them, but tiktoken's
 *   p50k_base has a gap at rank 50256 filled by the special `<|endoftext|>`; such encodings are built on a
 *   dense internal vocabulary (ordinary ranks in the same order, so BPE is unchanged) and ids are mapped at the
 *   boundary. Where no mapping is needed (every other encoding, every vocabulary we train) it costs nothing.
 */
import { specialTextsRegExp } from './encode/encoder.js';
import { utf8Decode } from './bytes.js';
import type { AllowedSpecial, TokenEncoder } from './token-encoder.js';

/** Text contained a special token that the call did not allow (tiktoken raises in the same case). */
export class SpecialTokenError extends Error {
  override name = 'SpecialTokenError';
}

export interface TokenizerEncodeOptions {
  /** Special tokens recognized as such: 'all' or a list of their texts. Default none. */
  allowedSpecial?: AllowedSpecial;
  /** Special tokens whose text makes encode throw: 'all' (those not allowed; the default) or a list. */
  disallowedSpecial?: AllowedSpecial;
}

/** Anything that gives the bytes of a token id (an Encoder or a Tokenizer). */
export interface TokenBytesSource {
  tokenBytes(id: number): Uint8Array;
}

/** Maps between the ids a tokenizer shows (external, tiktoken's) and its Encoder's (internal, dense). */
export interface IdMap {
  /** toExternal[internal id] = external id. */
  toExternal: Int32Array;
  /** toInternal[external id] = internal id, or -1 when no token has that id. */
  toInternal: Int32Array;
}

export class Tokenizer<E extends TokenEncoder = TokenEncoder> {
  /** One more than the largest (external) id. */
  readonly nVocab: number;
  /** Special token texts with their (external) ids. */
  readonly specialTokens: ReadonlyMap<string, number>;
  private readonly disallowCache = new Map<string, RegExp | null>();
  /**
   * Token byte views made so far, by external id (made on first use): spans, statistics and the JSON of every
   * request ask for the same few thousand ids again and again, and a fresh view each time is garbage.
   */
  private views: Array<Uint8Array | undefined> | undefined;

  /**
   * `name`: the name the tokenizer is listed and asked for by; `encoder`: the engine; `idMap`: present only
   * when the shown ids differ from the encoder's.
   */
  constructor(
    readonly name: string,
    readonly encoder: E,
    private readonly idMap?: IdMap,
  ) {
    const specials = new Map<string, number>();
    for (const s of encoder.specials) specials.set(s.text, this.external(s.id));
    this.specialTokens = specials;
    this.nVocab = idMap ? idMap.toInternal.length : encoder.nVocab;
  }

  /** tiktoken's encode: see the module comment for the special-token modes. */
  encode(text: string, options: TokenizerEncodeOptions = {}): number[] {
    const allowed = options.allowedSpecial;
    const allowedSet = allowed === 'all' ? undefined : new Set(allowed ?? []);
    if (allowed !== 'all') {
      const disallowed = options.disallowedSpecial ?? 'all';
      const texts =
        disallowed === 'all'
          ? [...this.specialTokens.keys()].filter((t) => !allowedSet!.has(t))
          : [...disallowed].filter((t) => {
              if (!this.specialTokens.has(t)) throw new Error(`disallowedSpecial: ${JSON.stringify(t)} is not a special token`);
              return true;
            });
      const re = this.disallowRegex(texts);
      if (re) {
        const m = re.exec(text);
        if (m) {
          throw new SpecialTokenError(
            `the text contains the special token ${JSON.stringify(m[0])} at offset ${m.index}, which is not allowed: ` +
              `pass allowedSpecial to encode it as a special token, or use encodeOrdinary (or disallowedSpecial: []) ` +
              `to encode it as ordinary text`,
          );
        }
      }
    }
    const ids =
      allowed === undefined || (allowedSet !== undefined && allowedSet.size === 0)
        ? this.encoder.encodeOrdinary(text)
        : this.encoder.encode(text, { allowedSpecial: allowed });
    return this.mapOut(ids);
  }

  /**
   * The lab's default reading of a text (the pages, eval): special-token text as ordinary text, except for a
   * tokenizer whose engine reads it as control tokens by default (a Hugging Face pipeline, as `tokenizers` does).
   */
  encodeDefault(text: string): number[] {
    return this.encoder.readsSpecialText === true ? this.encode(text, { allowedSpecial: 'all' }) : this.encodeOrdinary(text);
  }

  /** Encode with no special tokens: their text is encoded as ordinary text. */
  encodeOrdinary(text: string): number[] {
    return this.mapOut(this.encoder.encodeOrdinary(text));
  }

  /** The number of tokens `encodeOrdinary(text)` gives. */
  count(text: string): number {
    return this.encoder.count(text);
  }

  /** The bytes of token `id`; RangeError for an id no token has. */
  tokenBytes(id: number): Uint8Array {
    // A packed array of nVocab holes-as-undefined: V8 keeps it fast where a sparse one would turn into a dictionary.
    const views = (this.views ??= Array.from({ length: this.nVocab }, () => undefined));
    const known = id >>> 0 === id ? views[id] : undefined;
    if (known !== undefined) return known;
    const bytes = this.encoder.tokenBytes(this.internal(id));
    views[id] = bytes; // id is a token's (the call above throws otherwise), so below nVocab
    return bytes;
  }

  /** The concatenated bytes of the tokens; RangeError naming the first unknown id. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    if (!this.idMap) return this.encoder.decodeBytes(ids);
    const inner = new Array<number>(ids.length);
    for (let i = 0; i < ids.length; i++) inner[i] = this.internal(ids[i]);
    return this.encoder.decodeBytes(inner);
  }

  /**
   * The text of the tokens; invalid UTF-8 (a cut character) becomes U+FFFD; a leading U+FEFF is kept. A Hugging
   * Face tokenizer decodes with its own decoder, as `tokenizers`' decode(ids, false) does.
   */
  decode(ids: ArrayLike<number>): string {
    if (this.encoder.decodeText === undefined) return utf8Decode(this.decodeBytes(ids));
    if (!this.idMap) return this.encoder.decodeText(ids);
    return this.encoder.decodeText(Array.from(ids, (id) => this.internal(id)));
  }

  private external(id: number): number {
    return this.idMap ? this.idMap.toExternal[id] : id;
  }

  private internal(id: number): number {
    if (!this.idMap) return id;
    const m = Number.isInteger(id) && id >= 0 && id < this.idMap.toInternal.length ? this.idMap.toInternal[id] : -1;
    if (m < 0) throw new RangeError(`unknown token id ${id}`);
    return m;
  }

  private mapOut(ids: number[]): number[] {
    const map = this.idMap?.toExternal;
    if (map) for (let i = 0; i < ids.length; i++) ids[i] = map[ids[i]];
    return ids;
  }

  private disallowRegex(texts: string[]): RegExp | null {
    if (texts.length === 0) return null;
    const key = texts.join('\u0000');
    let re = this.disallowCache.get(key);
    if (re === undefined) {
      re = specialTextsRegExp(texts, 'u');
      this.disallowCache.set(key, re);
    }
    return re;
  }
}
