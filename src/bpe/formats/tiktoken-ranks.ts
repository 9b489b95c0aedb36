/**
 * tiktoken's rank files (`*.tiktoken`): one ordinary token a line, `base64(token bytes) rank`, in rank order.
 * The format carries neither the split pattern nor special tokens; tiktoken gets those separately
 * (`new Tiktoken(ranks, specialTokens, patStr)`).
 *
 * Import also reads the compact form the `tiktoken` npm package ships in `encoders/*.json` (`bpe_ranks`):
 * a line `! offset b64 b64 ...` gives consecutive ranks from `offset`.
 *
 * Decisions: ranks must be non-negative decimal integers and unique. tiktoken itself accepts gaps between
 * ranks, but a Vocabulary's ids are dense, so an import with gaps is refused (with the first missing rank);
 * tiktoken's own encodings with a gap are mapped (tiktoken-encodings.ts). Duplicate token bytes are refused
 * (tiktoken refuses them too). Base64 must be canonical and padded (tiktoken's Rust decoder is strict too).
 * Empty lines and a trailing `\r` are ignored.
 *
 * `readTiktokenRanks` is the one reader of the format: it decodes base64 straight into a RankTable's arena.
 */
import { VocabularyError, type SpecialToken, type Vocabulary } from '../vocabulary.js';
import { decodeBase64Into, toBase64 } from '../bytes.js';
import { RankTable, RankTableError } from '../encode/rank-table.js';
import { rememberRankTable, validateVocabulary } from '../validate-vocabulary.js';
import { toRustRegex } from '../pretokenize/regex-dialects.js';

/**
 * The rank file of a vocabulary's ordinary tokens (specials are not part of the format). VocabularyError for a
 * SuperBPE vocabulary: tiktoken would run one rank list over each piece, where SuperBPE encodes in two levels.
 */
export function exportTiktokenRanks(vocab: Vocabulary): string {
  checkTiktokenable(vocab);
  let out = '';
  vocab.tokens.forEach((t, id) => {
    out += `${toBase64(t)} ${id}\n`;
  });
  return out;
}

/**
 * The pattern as tiktoken's `pat_str` (Rust fancy-regex): the upstream string for gpt2, cl100k and o200k,
 * else the JavaScript source translated (`toRustRegex`, pretokenize/regex-dialects.ts).
 */
export function tiktokenPatStr(pattern: string): string {
  return toRustRegex(pattern);
}

function checkTiktokenable(vocab: Vocabulary): void {
  if (vocab.superbpe !== undefined) {
    throw new VocabularyError(
      'a SuperBPE vocabulary cannot be written as tiktoken ranks: tiktoken runs one rank list over each piece, and ' +
        'tokenlab encodes SuperBPE in two levels, so tiktoken would encode differently (keep the tokenlab-vocab file)',
    );
  }
}

/**
 * What tiktoken needs beside the ranks, which carry only the ordinary tokens: `{"pat_str", "special_tokens"}`, as
 * its constructors take them (`new Tiktoken(ranks, args.special_tokens, args.pat_str)`). The cjk pattern spelt out
 * in tiktoken's regex syntax is about 20 kB.
 */
export function exportTiktokenArgs(vocab: Vocabulary): string {
  checkTiktokenable(vocab);
  return JSON.stringify({ pat_str: tiktokenPatStr(vocab.pattern), special_tokens: tiktokenSpecialTokens(vocab) }, null, 2) + '\n';
}

/** The special tokens as tiktoken's constructor takes them: text -> id. */
export function tiktokenSpecialTokens(vocab: Vocabulary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of vocab.specials) out[s.text] = s.id;
  return out;
}

export interface TiktokenImportOptions {
  /** The split pattern: a name from patterns.ts or a JavaScript regex source (flags `gu`). Required. */
  pattern: string;
  /** Special tokens, as a list or as tiktoken's text -> id record. Default none. */
  specials?: readonly SpecialToken[] | Readonly<Record<string, number>>;
}

/** Special tokens given as a list or as tiktoken's text -> id record, as a fresh list. */
export function specialTokenList(specials: TiktokenImportOptions['specials']): SpecialToken[] {
  return Array.isArray(specials)
    ? (specials as readonly SpecialToken[]).map((s) => ({ text: s.text, id: s.id }))
    : Object.entries(specials ?? {}).map(([text, id]) => ({ text, id }));
}

/**
 * Parse a tiktoken rank file into a Vocabulary with the given pattern and specials and no merges (use
 * `deriveMerges` to recover them). Its tokens are views of one buffer. Throws VocabularyError naming the line
 * of the first problem.
 */
export function importTiktokenRanks(text: string, options: TiktokenImportOptions): Vocabulary {
  if (typeof text !== 'string') throw new VocabularyError('tiktoken ranks: expected text');
  if (options?.pattern === undefined) throw new VocabularyError('tiktoken ranks: the caller must give a pattern');
  const table = readDenseTiktokenRanks(text);
  const tokens = table.tokenViews();
  const vocab: Vocabulary = { pattern: options.pattern, tokens, merges: [], specials: specialTokenList(options.specials) };
  rememberRankTable(vocab, table, tokens);
  validateVocabulary(vocab);
  return vocab;
}

/** A rank file read: its tokens in rank order, and the rank each had in the file. */
export interface RankFile {
  /** The tokens by dense id: id i is the token of the i-th smallest rank. */
  table: RankTable;
  /** ranks[i]: the rank of token i in the file; increasing, and equal to i when the ranks are dense. */
  ranks: Int32Array;
}

/**
 * Read a rank file (either form) into a RankTable, decoding base64 straight into its arena (no array per
 * token). Ranks may come in any order and with gaps. Throws VocabularyError naming the line of a rank or token
 * given twice or of a line that is not of the format.
 */
export function readTiktokenRanks(text: string): RankFile {
  return new RankFileReader(text).read();
}

/** readTiktokenRanks for ranks that must be dense from 0 (a Vocabulary's ids). */
export function readDenseTiktokenRanks(text: string): RankTable {
  const { table, ranks } = readTiktokenRanks(text);
  const missing = firstMissingRank(ranks);
  if (missing >= 0) {
    throw new VocabularyError(
      `tiktoken ranks: rank ${missing} is missing; ranks must be dense from 0 (tiktoken allows gaps, tokenlab ids do not)`,
    );
  }
  return table;
}

/** The smallest rank missing below the largest (ranks as RankFile has them), or -1 when they are dense. */
export function firstMissingRank(ranks: Int32Array): number {
  for (let i = 0; i < ranks.length; i++) if (ranks[i] !== i) return i;
  return -1;
}

/** One pass over a rank file's lines, tokens appended to one arena as they come. */
class RankFileReader {
  /** Base64 holds at most 3 bytes per 4 characters. */
  private arena: Uint8Array;
  private offsets = new Uint32Array(1024);
  private rankOf = new Int32Array(1024);
  private lineOf = new Int32Array(1024);
  private n = 0;
  private bytes = 0;
  private line = 0;
  /** Once a rank is not above the one before: the line each rank was given on (to find ranks given twice). */
  private lineOfRank: Map<number, number> | undefined;

  constructor(private readonly text: string) {
    this.arena = new Uint8Array(Math.ceil(text.length * 0.75) + 4);
  }

  read(): RankFile {
    const text = this.text;
    for (let pos = 0; pos < text.length;) {
      this.line++;
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const lineEnd = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (lineEnd > pos) {
        const compact = text.charCodeAt(pos) === 33 && (lineEnd === pos + 1 || text.charCodeAt(pos + 1) === 32);
        if (compact) this.compactLine(pos, lineEnd);
        else this.plainLine(pos, lineEnd);
      }
      pos = end + 1;
    }
    return this.finish();
  }

  private fail(message: string): never {
    throw new VocabularyError(`tiktoken ranks line ${this.line}: ${message}`);
  }

  /** The end of the space-separated field that starts at `f` (at most `lineEnd`). */
  private fieldEnd(f: number, lineEnd: number): number {
    const sp = this.text.indexOf(' ', f);
    return sp < 0 || sp > lineEnd ? lineEnd : sp;
  }

  /** `! offset b64 b64 ...`: consecutive ranks from `offset`. */
  private compactLine(lineStart: number, lineEnd: number): void {
    let f = Math.min(lineStart + 2, lineEnd);
    let e = this.fieldEnd(f, lineEnd);
    let rank = this.readRank(f, e);
    while (e < lineEnd) {
      f = e + 1;
      e = this.fieldEnd(f, lineEnd);
      this.addToken(f, e, rank++);
    }
  }

  /** `b64 rank`. */
  private plainLine(lineStart: number, lineEnd: number): void {
    const sp = this.fieldEnd(lineStart, lineEnd);
    if (sp === lineEnd || this.fieldEnd(sp + 1, lineEnd) !== lineEnd) {
      const fields = this.text.slice(lineStart, lineEnd).split(' ').length;
      this.fail(`expected "<base64 token> <rank>", got ${fields} field(s)`);
    }
    this.addToken(lineStart, sp, this.readRank(sp + 1, lineEnd));
  }

  private readRank(s: number, e: number): number {
    const text = this.text;
    let v = 0;
    for (let k = s; k < e && v >= 0; k++) {
      const c = text.charCodeAt(k) - 48;
      v = c >= 0 && c <= 9 ? v * 10 + c : -1;
    }
    if (s === e || v < 0) this.fail(`rank ${JSON.stringify(text.slice(s, e))} is not an integer`);
    if (v >= 2 ** 31) this.fail(`rank ${text.slice(s, e)} is too large`);
    return v;
  }

  /** The token in base64 at text[s, e), of rank `rank`. */
  private addToken(s: number, e: number, rank: number): void {
    if (rank >= 2 ** 31) this.fail(`rank ${rank} is too large`);
    if (this.n + 1 >= this.offsets.length) this.grow();
    const start = this.bytes;
    this.offsets[this.n] = start;
    try {
      this.bytes = decodeBase64Into(this.text, s, e, this.arena, start);
    } catch (err) {
      this.fail((err as Error).message);
    }
    if (this.bytes === start) this.fail('empty token');
    this.checkRank(rank);
    this.rankOf[this.n] = rank;
    this.lineOf[this.n] = this.line;
    this.n++;
  }

  /** Fails if `rank` was given before. While ranks rise, none can have been. */
  private checkRank(rank: number): void {
    const n = this.n;
    if (this.lineOfRank === undefined) {
      if (n === 0 || rank > this.rankOf[n - 1]) return;
      this.lineOfRank = new Map();
      for (let i = 0; i < n; i++) this.lineOfRank.set(this.rankOf[i], this.lineOf[i]);
    }
    const prev = this.lineOfRank.get(rank);
    if (prev !== undefined) this.fail(`rank ${rank} already given on line ${prev}`);
    this.lineOfRank.set(rank, this.line);
  }

  private grow(): void {
    const size = this.offsets.length * 2;
    const offsets = new Uint32Array(size);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const rankOf = new Int32Array(size);
    rankOf.set(this.rankOf);
    this.rankOf = rankOf;
    const lineOf = new Int32Array(size);
    lineOf.set(this.lineOf);
    this.lineOf = lineOf;
  }

  /** The tokens in rank order, as a RankTable (which refuses tokens given twice). */
  private finish(): RankFile {
    const n = this.n;
    this.offsets[n] = this.bytes;
    const sorted = this.lineOfRank === undefined ? this.inFileOrder() : this.inRankOrder();
    try {
      return { table: RankTable.fromArena(sorted.arena, sorted.offsets, n), ranks: sorted.ranks };
    } catch (e) {
      if (!(e instanceof RankTableError)) throw e;
      if (e.duplicate === undefined) throw new VocabularyError(`tiktoken ranks: ${e.message}`);
      const [a, b] = e.duplicate;
      const [first, second] = sorted.lines[a] <= sorted.lines[b] ? [a, b] : [b, a];
      const b64 = toBase64(sorted.arena.subarray(sorted.offsets[second], sorted.offsets[second + 1]));
      throw new VocabularyError(
        `tiktoken ranks line ${sorted.lines[second]}: token ${b64} (rank ${sorted.ranks[second]}) already has a rank on line ${sorted.lines[first]}`,
      );
    }
  }

  private inFileOrder(): SortedTokens {
    const n = this.n;
    return {
      arena: this.arena.slice(0, this.bytes),
      offsets: this.offsets.slice(0, n + 1),
      ranks: this.rankOf.slice(0, n),
      lines: this.lineOf.subarray(0, n),
    };
  }

  private inRankOrder(): SortedTokens {
    const n = this.n;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.rankOf[a] - this.rankOf[b]);
    const arena = new Uint8Array(this.bytes);
    const offsets = new Uint32Array(n + 1);
    const ranks = new Int32Array(n);
    const lines = new Int32Array(n);
    let p = 0;
    order.forEach((i, id) => {
      offsets[id] = p;
      arena.set(this.arena.subarray(this.offsets[i], this.offsets[i + 1]), p);
      p += this.offsets[i + 1] - this.offsets[i];
      ranks[id] = this.rankOf[i];
      lines[id] = this.lineOf[i];
    });
    offsets[n] = p;
    return { arena, offsets, ranks, lines };
  }
}

/** A rank file's tokens in the order the table numbers them, with their ranks and lines. */
interface SortedTokens {
  arena: Uint8Array;
  offsets: Uint32Array;
  ranks: Int32Array;
  lines: Int32Array;
}
