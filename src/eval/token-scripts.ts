/**
 * The scripts of each token, per id, for metrics: a token of whole characters counts for the scripts of its
 * bytes in proportion (" 的": 1/4 whitespace, 3/4 Han). Learnt on an id's first sight and kept per tokenizer,
 * so that each distinct token costs a table read, not a decoding of its bytes.
 *
 * A token that starts or ends inside a character has no scripts of its own: its split character's script
 * depends on the tokens around it (ByteShares reads those in order).
 */
import { ENDS_INSIDE, perTokenizer, STARTS_INSIDE, tokenShapes, utf8Size, type TokenSource } from '../bpe/offsets/token-shapes.js';
import { SCRIPTS, scriptOf } from './scripts.js';

const N = SCRIPTS.length;
/** Script of a token whose row of shares holds several scripts. */
export const MIXED = 254;
/** Script of a token that starts or ends inside a character. */
export const SPLIT = 253;
export const UNKNOWN = 255;

/**
 * Shares of tokens among scripts, byte by byte: a character's script is known once its last byte is read,
 * maybe in a later token; each token it touches then gets its part (its bytes of it over its length).
 */
export class ByteShares {
  private cp = 0;
  /** Bytes the current character still needs. */
  private need = 0;
  /** Its share of tokens so far, from the tokens before this one. */
  private share = 0;

  constructor(
    readonly scriptTokens: Float64Array,
    readonly scriptCharacters: Float64Array,
  ) {}

  /** Adds the shares of token `b`, `weight` times (a whole token's count, or 1 for tokens read in order). */
  add(b: Uint8Array, weight: number): void {
    let here = 0; // bytes of the current character in this token
    for (let k = 0; k < b.length; k++) {
      const x = b[k];
      if ((x & 0xc0) === 0x80) this.cp = (this.cp << 6) | (x & 0x3f);
      else {
        const size = utf8Size(x);
        this.cp = size === 1 ? x : x & (0xff >> (size + 1));
        this.need = size;
        this.share = here = 0;
      }
      here++;
      if (--this.need === 0) {
        const s = scriptOf(this.cp);
        this.scriptTokens[s] += weight * (this.share + here / b.length);
        this.scriptCharacters[s] += weight;
      }
    }
    if (this.need > 0) this.share += here / b.length; // the character goes on in the next token
  }
}

export class TokenScripts {
  /** Each id's one script (an index into SCRIPTS), MIXED, SPLIT, or UNKNOWN until learnt. */
  readonly script: Uint8Array;
  /** A MIXED token's row in `shares` and `characters`. */
  readonly row: Int32Array;
  /**
   * Per row, the token's share of each script (summing to 1) and its characters of each script: 96 bytes per
   * MIXED token learnt (" word" is whitespace and Latin), about 19 MB if every token of o200k_base were one.
   */
  shares = new Float64Array(64 * N);
  characters = new Float64Array(64 * N);
  private rows = 0;

  constructor(private readonly source: TokenSource) {
    this.script = new Uint8Array(source.nVocab).fill(UNKNOWN);
    this.row = new Int32Array(source.nVocab);
  }

  /** Learns `id`'s scripts (the source's error for an id no token has); returns its script. */
  learn(id: number): number {
    const shapes = tokenShapes(this.source);
    if (!(shapes.bytes[id] > 0)) shapes.learn(id);
    if (shapes.flags[id] & (STARTS_INSIDE | ENDS_INSIDE)) return (this.script[id] = SPLIT);
    const row = this.rows;
    if ((row + 1) * N > this.shares.length) this.grow();
    // The next free row; left for the next token (zeroed again) unless this one takes it.
    const shares = this.shares.subarray(row * N, (row + 1) * N).fill(0);
    const characters = this.characters.subarray(row * N, (row + 1) * N).fill(0);
    new ByteShares(shares, characters).add(this.source.tokenBytes(id), 1);
    const scripts = shares.reduce((n, share) => n + (share > 0 ? 1 : 0), 0);
    if (scripts === 1) return (this.script[id] = shares.findIndex((share) => share > 0));
    this.rows++;
    this.row[id] = row;
    return (this.script[id] = MIXED);
  }

  private grow(): void {
    for (const key of ['shares', 'characters'] as const) {
      const grown = new Float64Array(2 * this[key].length);
      grown.set(this[key]);
      this[key] = grown;
    }
  }
}

/** The scripts of `source`'s tokens, made on first use and kept while the source lives. */
export const tokenScripts = perTokenizer((source: TokenSource) => new TokenScripts(source));
