/**
 * A Hugging Face `tokenizer.json` as one encoder, token for token with `tokenizers`' encode(text,
 * add_special_tokens=false) (Tokenizer::encode_single_sequence in tokenizer/mod.rs):
 *
 * 1. Added tokens with `normalized: false` are cut out of the raw text (added-tokens.ts).
 * 2. Each remaining segment is normalized (normalizers.ts), then the added tokens with `normalized: true` are cut
 *    out of it.
 * 3. What is left is pre-tokenized into pieces (pre-tokenizers.ts).
 * 4. The BPE model encodes each piece (bpe-model.ts).
 *
 * Over characters, when the normalizer maps unit for unit and the pre-tokenizer only cuts at one unit (Gemma 3),
 * steps 2–4 run on spans of the text as it is (direct-path.ts).
 *
 * Decoding runs the file's decoder over the tokens' strings (decoders.ts), as `tokenizers`' decode(ids, false).
 *
 * Special tokens (added tokens with `special: true`) are what `allowedSpecial` governs: read as control tokens
 * when allowed, else as text, as `tokenizers` does with `encode_special_tokens`. Added tokens that are not
 * special (Gemma 3's newline and tab runs, its HTML tags) are part of ordinary encoding and always matched.
 *
 * The post-processor is not run: it adds tokens around a whole encoding (BOS and the like), which tokenlab counts
 * with `add_special_tokens=false`. A tokenizer.json part tokenlab does not implement is refused by name.
 */
import { joinBytes, toWellFormed, utf8Encode } from '../bytes.js';
import { byteLevelToBytes } from '../formats/byte-level.js';
import type { AllowedSpecial, TokenEncoder } from '../token-encoder.js';
import { VocabularyError, type SpecialToken } from '../vocabulary.js';
import { AddedTokenMatcher, readAddedTokens, type AddedToken, type AddedTokenSink } from './added-tokens.js';
import { BpeModel, bpeOptions, byteOfFallbackToken, type BpeModelData } from './bpe-model.js';
import { decoderFromJson, type Decode } from './decoders.js';
import { DirectPath } from './direct-path.js';
import { IdList } from './id-list.js';
import { isObject, malformed, unsupported, type JsonObject } from './json.js';
import { normalizerFromJson, type Normalize } from './normalizers.js';
import { preTokenizerFromJson, type PreTokenizer } from './pre-tokenizers.js';

const ALL = (): boolean => true;

/** A BPE model's tokens and merges without its options (which the spec holds). */
export type BpeParts = Omit<BpeModelData, 'options'>;

export class HfPipeline implements TokenEncoder {
  readonly nVocab: number;
  readonly specials: readonly SpecialToken[];
  readonly readsSpecialText = true;
  readonly model: BpeModel;
  readonly addedTokens: readonly AddedToken[];
  readonly normalize: Normalize | null;
  /** Steps 2–4 on spans of the original text (direct-path.ts), or null: the general path. */
  readonly direct: DirectPath | null;
  readonly preTokenizer: PreTokenizer;
  /** The tokenizer.json without the model's vocab and merges (compiled.ts keeps it beside them). */
  readonly spec: JsonObject;
  private readonly decoder: Decode;
  private readonly rawTokens: AddedTokenMatcher;
  private readonly normalizedTokens: AddedTokenMatcher;
  private readonly addedById = new Map<number, AddedToken>();
  private readonly byteCache = new Map<number, Uint8Array>();
  /** The ids of the encode call under way. */
  private readonly ids = new IdList();

  /** Reads a tokenizer.json's text; VocabularyError naming the first part it cannot honour exactly. */
  static fromJson(text: string): HfPipeline {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new VocabularyError(`tokenizer.json is not JSON: ${(e as Error).message}`);
    }
    return new HfPipeline(json);
  }

  /**
   * From a tokenizer.json's JSON, or from its parts other than the model's vocab and merges (`spec`) with the
   * model's tokens and merges read already (compiled.ts).
   */
  constructor(json: unknown, model?: BpeParts) {
    if (!isObject(json)) throw malformed('file', 'expected a JSON object');
    if (!isObject(json.model)) throw malformed('file', 'no "model" object');
    const type = json.model.type ?? 'BPE';
    if (type !== 'BPE') throw unsupported('model', String(type));
    this.normalize = normalizerFromJson(json.normalizer);
    this.preTokenizer = preTokenizerFromJson(json.pre_tokenizer);
    this.decoder = decoderFromJson(json.decoder);
    const byteLevel = this.preTokenizer.byteLevel;
    this.model = model ? new BpeModel({ ...model, options: bpeOptions(json.model) }, byteLevel) : BpeModel.fromJson(json.model, byteLevel);
    const { vocab: _vocab, merges: _merges, ...modelSpec } = json.model;
    this.spec = { ...json, model: modelSpec };
    const contents = Array.isArray(json.added_tokens)
      ? json.added_tokens.flatMap((a) => (isObject(a) && typeof a.content === 'string' ? [a.content] : []))
      : [];
    this.addedTokens = readAddedTokens(json.added_tokens, this.model.idsOf(contents), this.model.vocabSize);
    const raw = this.addedTokens.filter((t) => !t.normalized);
    const normalized = this.addedTokens.filter((t) => t.normalized);
    const normalize = this.normalize;
    this.rawTokens = new AddedTokenMatcher(
      raw,
      raw.map((t) => t.content),
    );
    this.normalizedTokens = new AddedTokenMatcher(
      normalized,
      normalized.map((t) => (normalize ? normalize(t.content) : t.content)),
    );
    // Added tokens matched in the normalized text would need it made.
    this.direct = !byteLevel && normalized.length === 0 ? DirectPath.of(json.normalizer, json.pre_tokenizer) : null;
    let max = this.model.tokens.length - 1;
    for (const t of this.addedTokens) {
      this.addedById.set(t.id, t);
      max = Math.max(max, t.id);
    }
    this.nVocab = max + 1;
    this.specials = this.addedTokens.filter((t) => t.special).map((t) => ({ text: t.content, id: t.id }));
  }

  /**
   * The token string `tokenizers` decodes id as: an added token's content (normalized, for a normalized one),
   * else the model's.
   */
  tokenString(id: number): string | undefined {
    const added = this.addedById.get(id);
    if (added === undefined) return this.model.tokens[id];
    return added.normalized && this.normalize ? this.normalize(added.content) : added.content;
  }

  encodeOrdinary(text: string): number[] {
    return this.collect(text, (t) => !t.special);
  }

  encode(text: string, options: { allowedSpecial?: AllowedSpecial } = {}): number[] {
    return this.collect(text, this.activeFor(options.allowedSpecial));
  }

  private collect(text: string, active: (t: AddedToken) => boolean): number[] {
    const ids = this.ids;
    ids.clear();
    this.run(this.model, text, active, ids);
    return ids.take();
  }

  count(text: string, options: { allowedSpecial?: AllowedSpecial } = {}): number {
    return this.run(this.model, text, this.activeFor(options.allowedSpecial), null);
  }

  /**
   * encodeOrdinary with `model` in place of the pipeline's own: a model over the same ids (the vocabulary
   * explorer's model after its first k merges).
   */
  encodeOrdinaryWith(model: BpeModel, text: string): number[] {
    const out = new IdList();
    this.run(model, text, (t) => !t.special, out);
    return out.take();
  }

  /** Which added tokens to match: the non-special ones always, the special ones `allowed` names. */
  private activeFor(allowed: AllowedSpecial | undefined): (t: AddedToken) => boolean {
    if (allowed === 'all') return ALL;
    const set = new Set(allowed ?? []);
    for (const t of set) {
      if (!this.specials.some((s) => s.text === t)) throw new Error(`allowedSpecial: ${JSON.stringify(t)} is not a special token`);
    }
    return (t) => !t.special || set.has(t.content);
  }

  /** Encodes `text` with `model` into `out` (if given); returns the number of tokens. */
  private run(model: BpeModel, text: string, active: (t: AddedToken) => boolean, out: IdList | null): number {
    let count = 0;
    const onToken = (t: AddedToken): void => {
      out?.push(t.id);
      count++;
    };
    const direct = this.direct;
    if (direct !== null) {
      const clean = toWellFormed(text);
      this.rawTokens.split(clean, active, { text: (s, e) => (count += direct.encode(model, clean, s, e, out)), token: onToken });
      return count;
    }
    this.walk(text, active, (segment, atStart) => (count += this.encodeSegment(model, segment, atStart, out)), onToken);
    return count;
  }

  /** Steps 3 and 4 on one normalized segment: its pieces encoded by `model` into `out`; returns the number of tokens. */
  private encodeSegment(model: BpeModel, segment: string, atStart: boolean, out: IdList | null): number {
    let count = 0;
    const pieceEnd = this.preTokenizer.pieceEnd;
    if (pieceEnd !== null) {
      // The hot loop: the pieces by their offsets, no string made for each.
      for (let start = 0; start < segment.length;) {
        const end = pieceEnd(segment, start);
        count += model.encodeSpan(segment, start, end, out);
        start = end;
      }
      return count;
    }
    // Each piece goes to the model as the pre-tokenizer makes it: a long text's pieces are never all held at once.
    this.preTokenizer.split(segment, { push: (piece) => (count += model.encodePiece(piece, out)) }, atStart);
    return count;
  }

  /** The pieces the BPE model encodes (special tokens read as text; other added tokens are not pieces). */
  pieces(text: string): string[] {
    const out: string[] = [];
    this.walk(
      text,
      (t) => !t.special,
      (segment, atStart) => this.preTokenizer.split(segment, out, atStart),
      () => undefined,
    );
    return out;
  }

  /**
   * Steps 1 and 2 of the module comment: calls `onSegment` for each normalized segment between added tokens (with
   * whether it starts the input, see keepsFirstCharacter) and `onToken` for each added token, in order.
   */
  private walk(
    text: string,
    active: (t: AddedToken) => boolean,
    onSegment: (segment: string, atStart: boolean) => void,
    onToken: (t: AddedToken) => void,
  ): void {
    const clean = toWellFormed(text);
    let normalized = '';
    let segmentAtStart = false;
    const normalizedSink: AddedTokenSink = {
      text: (s, e) => onSegment(normalized.slice(s, e), segmentAtStart && s === 0),
      token: onToken,
    };
    this.rawTokens.split(clean, active, {
      text: (s, e) => {
        const segment = clean.slice(s, e);
        normalized = this.normalize ? this.normalize(segment) : segment;
        segmentAtStart = s === 0 && this.keepsFirstCharacter(segment);
        if (this.normalizedTokens.size === 0) onSegment(normalized, segmentAtStart);
        else this.normalizedTokens.split(normalized, active, normalizedSink);
      },
      token: onToken,
    });
  }

  /**
   * Whether the normalized text still begins at offset 0 of the input, as Metaspace's prepend_scheme "first"
   * asks (pre-tokenizers.ts): not when the normalizer deletes the first character (Strip, a Replace by "").
   * A Replace of several characters by one ("xy" → "z", which tokenizers aligns with y) is not detected: a
   * limit named in docs/hf-pipeline.md.
   */
  private keepsFirstCharacter(segment: string): boolean {
    if (this.normalize === null || segment === '') return true;
    return this.normalize(String.fromCodePoint(segment.codePointAt(0)!)) !== '';
  }

  /**
   * The bytes of token `id`: what it stands for in the text the model saw. Byte-level tokens: their bytes;
   * `<0xXX>` byte-fallback tokens: the byte; other character-level tokens: their text with SentencePiece's `▁`
   * as the space it stands for; added tokens: their content.
   */
  tokenBytes(id: number): Uint8Array {
    let b = this.byteCache.get(id);
    if (b === undefined) {
      b = this.computeTokenBytes(id);
      this.byteCache.set(id, b);
    }
    return b;
  }

  private computeTokenBytes(id: number): Uint8Array {
    const added = this.addedById.get(id);
    if (added !== undefined) return utf8Encode(added.content);
    const token = Number.isInteger(id) ? this.model.tokens[id] : undefined;
    if (token === undefined) throw new RangeError(`unknown token id ${id}`);
    if (this.model.byteLevel) return byteLevelToBytes(token) ?? utf8Encode(token);
    const byte = this.model.byteFallback ? byteOfFallbackToken(token) : -1;
    if (byte >= 0) return Uint8Array.of(byte);
    return utf8Encode(token.replaceAll('\u2581', ' '));
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return joinBytes(Array.from(ids, (id) => this.tokenBytes(id)));
  }

  /** `tokenizers`' decode(ids, skip_special_tokens=false); RangeError for an unknown id. */
  decodeText(ids: ArrayLike<number>): string {
    const strings = Array.from(ids, (id) => {
      const s = this.tokenString(id);
      if (s === undefined) throw new RangeError(`unknown token id ${id}`);
      return s;
    });
    return this.decoder(strings);
  }
}
