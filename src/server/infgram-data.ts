/**
 * What the ∞-gram pages and API ask of an index: the index and its tokenizer opened by name, a query's tokens
 * (ids, or a text tokenized), and each answer (count, next tokens, occurrences, maximal spans, per-token scores)
 * with every occurrence placed in the corpus line it comes from. The limits on each request are here.
 */
import { stat } from 'node:fs/promises';
import type { Tokenizer } from '../bpe/tokenizer.js';
import { count } from '../lm/infgram/count.js';
import { find } from '../lm/infgram/find.js';
import type { InfiniGramIndex, Occurrence } from '../lm/infgram/index.js';
import { nextTokens } from '../lm/infgram/next-tokens.js';
import { scoreTextInterpolated } from '../lm/infgram/score-text.js';
import { scoreTokens } from '../lm/infgram/score.js';
import { maximalSpans } from '../lm/infgram/spans.js';
import { scoreSequence } from '../lm/query.js';
import { lineOfFile } from '../store/text-lines.js';
import { findUserInfgram, loadUserInfgram, sourceOfLine, type InfgramRecord } from '../store/user-infgrams.js';
import { attempt, RequestError } from './errors.js';
import { checkText, openModel, shownToken, tokenizerBuiltOver, type OpenModel, type ShownToken } from './lm-data.js';
import { splitOf } from './train-jobs.js';

/** Token ids in one query (a text is limited by its bytes instead: MAX_LM_TEXT_BYTES, as on the LM API). */
export const MAX_QUERY_IDS = 100_000;
export const DEFAULT_FIND_LIMIT = 20;
export const MAX_FIND_LIMIT = 1000;
/** A page of occurrences keeps offset + limit positions in memory: the offset is bounded. */
export const MAX_FIND_OFFSET = 1_000_000;
export const DEFAULT_MIN_LENGTH = 4;
export const MAX_MIN_LENGTH = 1000;
/** First occurrences given per span. */
export const DEFAULT_FIRST = 3;
export const MAX_FIRST = 20;

export interface OpenInfgram {
  record: InfgramRecord;
  index: InfiniGramIndex;
  tokenizer: Tokenizer;
}

/** The index `name` and its tokenizer: 404 for an unknown index, 409 when its tokenizer is gone or changed. */
export async function openInfgram(name: string): Promise<OpenInfgram> {
  const record = findUserInfgram(name);
  if (record === undefined) throw new RequestError(404, `no index ${JSON.stringify(name)}; the indexes are listed on /lm`);
  const tokenizer = await tokenizerBuiltOver(`index ${name}`, record);
  return { record, index: await loadUserInfgram(name), tokenizer };
}

/**
 * A query's token ids: `ids` (integers below the tokenizer's vocabulary size), else `text` encoded as ordinary
 * text (special tokens are text). `optional`: neither gives no tokens.
 */
export function queryIds(o: OpenInfgram, f: Record<string, unknown>, optional = false): number[] {
  if (f.ids !== undefined && f.ids !== '') {
    const n = o.tokenizer.nVocab;
    const ok = Array.isArray(f.ids) && f.ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < n);
    if (!ok) throw new RequestError(400, `"ids" must be a list of token ids from 0 to ${n - 1}`);
    const ids = f.ids as number[];
    if (ids.length > MAX_QUERY_IDS) throw new RequestError(413, `"ids" holds ${ids.length} tokens; the limit is ${MAX_QUERY_IDS}`);
    return ids;
  }
  if (f.text === undefined && !optional) throw new RequestError(400, 'give "ids" (a list of token ids) or "text"');
  return o.tokenizer.encodeOrdinary(checkText(f.text ?? '', 'text'));
}

const shown = (o: OpenInfgram, ids: ArrayLike<number>): ShownToken[] => Array.from(ids, (id) => shownToken(o.tokenizer, id));

/** An occurrence with the corpus and the line of its train split it comes from. */
export interface LocatedOccurrence extends Occurrence {
  corpus: string;
  corpusLine: number;
}

function located(o: OpenInfgram, occurrences: readonly Occurrence[]): LocatedOccurrence[] {
  return occurrences.map((occ) => {
    const at = sourceOfLine(o.record, occ.line);
    return { ...occ, corpus: at?.source.corpus ?? '', corpusLine: at?.corpusLine ?? occ.line };
  });
}

export interface Counted {
  tokens: ShownToken[];
  count: number;
}

export function countOf(o: OpenInfgram, ids: number[]): Counted {
  return { tokens: shown(o, ids), count: count(o.index, ids) };
}

export interface Next {
  context: ShownToken[];
  /** The longest suffix of the context followed by a token in the corpus (0: the unigram distribution). */
  suffixLength: number;
  suffix: ShownToken[];
  /** Its occurrences followed by a token: the sum of every next token's count. */
  count: number;
  /** Distinct next tokens; the `k` most frequent are listed. */
  distinct: number;
  next: Array<ShownToken & { count: number; prob: number }>;
}

export function nextOf(o: OpenInfgram, ids: number[], k: number): Next {
  const n = nextTokens(o.index, ids);
  return {
    context: shown(o, ids),
    suffixLength: n.suffixLength,
    suffix: shown(o, ids.slice(ids.length - n.suffixLength)),
    count: n.count,
    distinct: n.ids.length,
    next: Array.from(n.ids.subarray(0, k), (id, i) => ({
      ...shownToken(o.tokenizer, id),
      count: n.counts[i],
      prob: n.counts[i] / n.count,
    })),
  };
}

export interface Found {
  tokens: ShownToken[];
  count: number;
  offset: number;
  limit: number;
  occurrences: LocatedOccurrence[];
}

export function findOf(o: OpenInfgram, ids: number[], offset: number, limit: number): Found {
  const f = find(o.index, ids, { offset, limit });
  return { tokens: shown(o, ids), count: f.count, offset, limit, occurrences: located(o, f.occurrences) };
}

export interface Traced {
  tokens: ShownToken[];
  minLength: number;
  /** The maximal spans [start, end) of the tokens that occur in a corpus line, by start. */
  spans: Array<{ start: number; end: number; count: number; first: LocatedOccurrence[] }>;
}

export function traceOf(o: OpenInfgram, ids: number[], minLength: number, first: number): Traced {
  const spans = maximalSpans(o.index, ids, { minLength, firstOccurrences: first });
  return { tokens: shown(o, ids), minLength, spans: spans.map((s) => ({ ...s, first: located(o, s.first) })) };
}

export interface ScoredToken extends ShownToken {
  /** Tokens of context the ∞-gram used (0: the unigram distribution). */
  suffixLength: number;
  /** P∞, and whether a single token ever follows the suffix used. */
  infgramProb: number;
  sparse: boolean;
  /** Interpolated with the model (null without one). */
  prob: number | null;
}

export interface Scored {
  /** The Kneser-Ney model interpolated, or null. */
  model: string | null;
  totals: {
    sequences: number;
    tokens: number;
    bytes: number;
    meanSuffixLength: number;
    seenShare: number;
    /** With a model: bits per byte interpolated, and the model's alone (as the KN board counts them). */
    bitsPerByte: number | null;
    modelBitsPerByte: number | null;
  };
  /** Per non-empty line, its tokens (each line scored from its start, as the corpus was indexed). */
  lines: ScoredToken[][];
}

/** The model `name` to interpolate with: it must be over the index's tokenizer (409 otherwise). */
export async function scoringModel(o: OpenInfgram, name: unknown): Promise<OpenModel | null> {
  if (name === undefined || name === null) return null;
  if (typeof name !== 'string' || name === '') throw new RequestError(400, '"model" must be the name of an n-gram model (see GET /api/lm)');
  const m = await openModel(name);
  if (m.record.tokenizer !== o.record.tokenizer)
    throw new RequestError(409, `model ${name} is over tokenizer ${m.record.tokenizer}, index ${o.record.name} over ${o.record.tokenizer}`);
  return m;
}

/** Scores each non-empty line of `text` with the ∞-gram, interpolated with `m` when given (see score-text.ts). */
export function scoreOf(o: OpenInfgram, text: string, m: OpenModel | null): Scored {
  const lines: ScoredToken[][] = [];
  let suffixSum = 0;
  let seen = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const ids = o.tokenizer.encodeOrdinary(line);
    const kn = m && scoreSequence(m.model, ids).scores;
    const fallback = Float64Array.from(ids, (_, i) => (kn ? 2 ** kn[i].log2prob : 1));
    const s = scoreTokens(o.index, ids, fallback);
    lines.push(
      ids.map((id, i) => {
        suffixSum += s.suffixLengths[i];
        if (s.infgramProbs[i] > 0) seen++;
        const p = {
          suffixLength: s.suffixLengths[i],
          infgramProb: s.infgramProbs[i],
          sparse: s.sparse[i] === 1,
          prob: kn ? s.probs[i] : null,
        };
        return { ...shownToken(o.tokenizer, id), ...p };
      }),
    );
  }
  const tokens = lines.reduce((n, line) => n + line.length, 0);
  const both = m && scoreTextInterpolated(o.index, m.model, o.tokenizer, text);
  return {
    model: m && m.record.name,
    totals: {
      sequences: lines.length,
      tokens,
      bytes: Buffer.byteLength(text),
      meanSuffixLength: tokens === 0 ? 0 : suffixSum / tokens,
      seenShare: tokens === 0 ? 0 : seen / tokens,
      bitsPerByte: both && both.bitsPerByte,
      modelBitsPerByte: both && both.modelBitsPerByte,
    },
    lines,
  };
}

export interface CorpusLine {
  line: number;
  corpus: string;
  corpusLine: number;
  /** The line as the corpus file has it. */
  text: string;
  /** Its tokens as the index holds them. */
  tokens: ShownToken[];
}

/** Line `line` of the index: its text read from its corpus's train split, and its tokens from the index. */
export async function corpusLineOf(o: OpenInfgram, line: number): Promise<CorpusLine> {
  const at = sourceOfLine(o.record, line);
  if (at === undefined) throw new RequestError(400, `"line" must be an integer from 0 to ${o.index.lineCount - 1}`);
  const gone = (why: string) =>
    new RequestError(409, `corpus ${at.source.corpus} ${why} since index ${o.record.name} was built: rebuild it`);
  const { refusal, result: split } = await attempt(() => splitOf(at.source.corpus));
  if (refusal !== undefined) throw gone('was deleted');
  if ((await stat(split.train)).size !== at.source.bytes) throw gone('has changed');
  const text = await lineOfFile(split.train, at.corpusLine);
  if (text === undefined) throw gone('has changed');
  return { line, corpus: at.source.corpus, corpusLine: at.corpusLine, text, tokens: shown(o, o.index.lineIds(line)) };
}
