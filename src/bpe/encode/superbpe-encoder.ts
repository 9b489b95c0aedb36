/**
 * The encoder of a SuperBPE vocabulary, exactly as its training defined the tokens (docs/trainer.md):
 *
 * 1. Cut the text into stage-2 pieces (superword-pieces.ts: after each newline, around digit groups,
 *    punctuation runs, trailing spaces and colons; spaces between words do not cut).
 * 2. Encode each piece with the stage-1 vocabulary (its tokens below `transition`) as Encoder does: the stage-1
 *    pattern cuts the piece, tiktoken's rule merges each part.
 * 3. Apply the stage-2 merges to the piece's ids in the order they were learned (ordered-merges.ts).
 *
 * Training made its stage-2 words by steps 1 and 2, then learned the merges step 3 applies, so the encoder
 * gives training's segmentation of any text. `encode("by the way")` with a stage-2 merge (` the`, ` way`)
 * gives [by, ` the way`] where stage 1 alone gives [by, ` the`, ` way`].
 */
import type { SpecialToken, SuperBpeInfo, Vocabulary } from '../vocabulary.js';
import { VocabularyError } from '../vocabulary.js';
import type { AllowedSpecial, TokenEncoder } from '../token-encoder.js';
import { toWellFormed } from '../bytes.js';
import { boundaryFinder, forEachSuperwordPiece, type BoundaryFinder } from '../pretokenize/superword-pieces.js';
import { compilePattern } from '../pretokenize/patterns.js';
import { Encoder, specialTextsRegExp, type EncodeOptions, type EncoderOptions } from './encoder.js';
import { applyOrderedMerges, OrderedMerges } from './ordered-merges.js';
import { MergeScratch } from '../hf/merge-word.js';
import { MAX_UNITS, SuperwordCache } from './superword-cache.js';

export class SuperBpeEncoder implements TokenEncoder {
  readonly vocab: Vocabulary;
  readonly nVocab: number;
  readonly info: SuperBpeInfo;
  /** Stage 1's vocabulary alone. */
  readonly stage1: Encoder;
  /** The whole vocabulary under the stage-1 pattern: token bytes and decoding. */
  readonly whole: Encoder;
  private readonly merges: OrderedMerges;
  private readonly boundaries: BoundaryFinder;
  private readonly scratch = new MergeScratch();
  private readonly cache: SuperwordCache | null;
  private ids = new Int32Array(1024);

  /** `options.cacheSize`: about how many stage-2 pieces to cache (see SuperwordCache); 0 disables it. Default 8,192. */
  constructor(vocab: Vocabulary, options: EncoderOptions = {}) {
    const info = vocab.superbpe;
    if (info === undefined) throw new VocabularyError('not a SuperBPE vocabulary (no "superbpe" field)');
    checkInfo(vocab, info);
    this.vocab = vocab;
    this.info = info;
    this.whole = new Encoder({ ...vocab, superbpe: undefined }, { cacheSize: 0 }); // it never encodes
    this.nVocab = this.whole.nVocab;
    this.stage1 = new Encoder({
      pattern: vocab.pattern,
      tokens: vocab.tokens.slice(0, info.transition),
      merges: vocab.merges.slice(0, info.stage1Merges),
      specials: [],
    });
    const stage2 = vocab.merges.slice(info.stage1Merges);
    const results = stage2.map(([a, b]) => this.whole.tokenId(concat(vocab.tokens[a], vocab.tokens[b]))!);
    this.merges = new OrderedMerges(stage2, results);
    this.boundaries = boundaryFinder(info.stage2Pattern);
    const cacheSize = options.cacheSize ?? 8192;
    this.cache = cacheSize > 0 ? new SuperwordCache(cacheSize) : null;
  }

  get specials(): readonly SpecialToken[] {
    return this.vocab.specials;
  }

  /** Encode `text` with special-token text read as ordinary text. */
  encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    this.run(toWellFormed(text), out);
    return out;
  }

  /** Encode `text`, reading the special tokens `allowedSpecial` names (default none) as such. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const out: number[] = [];
    this.encodeInto(toWellFormed(text), options.allowedSpecial, out);
    return out;
  }

  count(text: string, options: EncodeOptions = {}): number {
    return this.encodeInto(toWellFormed(text), options.allowedSpecial, null);
  }

  tokenBytes(id: number): Uint8Array {
    return this.whole.tokenBytes(id);
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    return this.whole.decodeBytes(ids);
  }

  decode(ids: ArrayLike<number>): string {
    return this.whole.decode(ids);
  }

  /** The stage-2 pieces of `text`: what stage 1 then stage 2 run on, each on its own. */
  pieces(text: string): string[] {
    const clean = toWellFormed(text);
    const out: string[] = [];
    forEachSuperwordPiece(clean, this.boundaries, (s, e) => out.push(clean.slice(s, e)));
    return out;
  }

  private encodeInto(text: string, allowed: AllowedSpecial | undefined, out: number[] | null): number {
    const texts = allowed === undefined ? [] : allowed === 'all' ? this.vocab.specials.map((s) => s.text) : [...allowed];
    for (const t of texts) {
      if (!this.vocab.specials.some((s) => s.text === t)) throw new Error(`allowedSpecial: ${JSON.stringify(t)} is not a special token`);
    }
    if (texts.length === 0) return this.run(text, out);
    texts.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    const re = specialTextsRegExp(texts, 'gu');
    let count = 0;
    let from = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      count += this.run(text.slice(from, m.index), out);
      out?.push(this.vocab.specials.find((s) => s.text === m![0])!.id);
      count++;
      from = m.index + m[0].length;
    }
    return count + this.run(text.slice(from), out);
  }

  /** Encode well-formed `text` (no specials) into `out` if given; returns the number of tokens. */
  private run(text: string, out: number[] | null): number {
    let count = 0;
    forEachSuperwordPiece(text, this.boundaries, (s, e) => {
      count += this.piece(text, s, e, out);
    });
    return count;
  }

  /** Encode the piece text[s, e) into `out` if given; returns its number of tokens. */
  private piece(text: string, s: number, e: number, out: number[] | null): number {
    const cache = e - s <= MAX_UNITS ? this.cache : null;
    let slot = 0;
    if (cache !== null) {
      slot = cache.find(text, s, e);
      if (slot >= 0) {
        const cached = cache.ids;
        const at = slot * (MAX_UNITS + 1);
        const n = cached[at];
        if (out !== null) for (let k = 1; k <= n; k++) out.push(cached[at + k]);
        return n;
      }
    }
    const first = this.stage1.encodeOrdinary(text.slice(s, e));
    let n = first.length;
    if (this.ids.length < n) this.ids = new Int32Array(n * 2);
    const ids = this.ids;
    for (let i = 0; i < n; i++) ids[i] = first[i];
    n = applyOrderedMerges(this.merges, ids, n, this.scratch);
    if (cache !== null && n <= MAX_UNITS) cache.store(~slot, text, s, e, ids, n);
    if (out !== null) for (let i = 0; i < n; i++) out.push(ids[i]);
    return n;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function checkInfo(vocab: Vocabulary, info: SuperBpeInfo): void {
  const bad = (msg: string): never => {
    throw new VocabularyError(`superbpe: ${msg}`);
  };
  if (!Number.isInteger(info.transition) || info.transition < 256 || info.transition > vocab.tokens.length) {
    bad(`transition ${info.transition} must be an integer from 256 to the number of tokens (${vocab.tokens.length})`);
  }
  if (!Number.isInteger(info.stage1Merges) || info.stage1Merges < 0 || info.stage1Merges > vocab.merges.length) {
    bad(`stage1Merges ${info.stage1Merges} must be an integer from 0 to the number of merges (${vocab.merges.length})`);
  }
  for (let r = 0; r < info.stage1Merges; r++) {
    const [a, b] = vocab.merges[r];
    if (a >= info.transition || b >= info.transition) bad(`stage-1 merge ${r} uses a stage-2 token`);
  }
  if (!Number.isInteger(info.maxWords) || info.maxWords < 1) bad(`maxWords ${info.maxWords} must be a positive integer`);
  compilePattern(info.stage2Pattern);
}
