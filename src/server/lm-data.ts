/**
 * What the LM studio's pages and API ask of a model: the model and its tokenizer opened by name, and each
 * view's numbers (surprisal of a text, next tokens with trie counts, trie children, a seeded sample with each
 * token's probability, log P(A | Q) against log P(A | Q, T)), with the limits on each request.
 */
import type { Tokenizer } from '../bpe/tokenizer.js';
import { START, END, type LanguageModel } from '../lm/model.js';
import {
  nextTokens,
  scoreAnswer,
  scoreText,
  stateOfTokens,
  trieChildren,
  type AnswerScore,
  type TextScore,
  type TrieNode,
} from '../lm/query.js';
import { drain, sampling as sampleTokens } from '../lm/sample.js';
import { findUserModel, listUserModels, loadUserModel, type ModelRecord } from '../store/user-models.js';
import { tokenizerByName, UnknownTokenizerError } from '../store/tokenizers.js';
import { RequestError } from './errors.js';
import { tokenText } from './vocab-bytes.js';

/** The largest text scored, used as a context or as Q + T + A, in UTF-8 bytes. */
export const MAX_LM_TEXT_BYTES = 100_000;
export const MAX_TOP_K = 200;
export const DEFAULT_TOP_K = 20;
export const MAX_SAMPLE_TOKENS = 1000;
export const DEFAULT_SAMPLE_TOKENS = 50;
export const MAX_TEMPERATURE = 10;
/** Children of a trie node listed (the most frequent first); the total is always given. */
export const TRIE_CHILDREN_SHOWN = 100;

export interface OpenModel {
  record: ModelRecord;
  model: LanguageModel;
  tokenizer: Tokenizer;
}

/** The model `name` and its tokenizer: 404 for an unknown model, 409 when its tokenizer is gone or changed. */
export async function openModel(name: string): Promise<OpenModel> {
  const record = findUserModel(name);
  if (record === undefined) throw new RequestError(404, `no model ${JSON.stringify(name)}; the models are listed on /lm`);
  const tokenizer = await tokenizerBuiltOver(`model ${name}`, record);
  return { record, model: await loadUserModel(name), tokenizer };
}

/** The tokenizer `what` (a model, an index) was built over: 409 when it is gone or its vocabulary size changed. */
export async function tokenizerBuiltOver(what: string, built: { tokenizer: string; vocabularySize: number }): Promise<Tokenizer> {
  let tokenizer: Tokenizer;
  try {
    tokenizer = await tokenizerByName(built.tokenizer);
  } catch (e) {
    if (e instanceof UnknownTokenizerError)
      throw new RequestError(409, `${what} was built over tokenizer ${built.tokenizer}, which no longer exists`);
    throw e;
  }
  if (tokenizer.nVocab !== built.vocabularySize) {
    throw new RequestError(
      409,
      `tokenizer ${built.tokenizer} has ${tokenizer.nVocab} tokens now, not the ${built.vocabularySize} ${what} was built over: rebuild it`,
    );
  }
  return tokenizer;
}

/** The models by corpus, each corpus's models best (fewest held-out bits per byte) first. */
export function bitsPerByteBoard(): Array<{ corpus: string; models: ModelRecord[] }> {
  const byCorpus = new Map<string, ModelRecord[]>();
  for (const m of listUserModels()) {
    if (m.heldOut === null) continue;
    byCorpus.set(m.corpus, [...(byCorpus.get(m.corpus) ?? []), m]);
  }
  return [...byCorpus.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([corpus, models]) => ({ corpus, models: models.sort((x, y) => x.heldOut!.bitsPerByte - y.heldOut!.bitsPerByte) }));
}

/**
 * log10 of the number of token sequences of length 1..K over L tokens: sum_{k=1..K} L^k = L (L^K - 1) / (L - 1),
 * taken as K log10 L + log10(1 - L^-K) - log10(1 - 1/L) so that no power is ever formed (L^K overflows a double
 * long before the pages' limits).
 */
export function log10SequenceCount(L: number, K: number): number {
  if (L === 1) return Math.log10(K);
  return K * Math.log10(L) + Math.log1p(-(L ** -K)) / Math.LN10 - Math.log1p(-1 / L) / Math.LN10;
}

export function checkText(text: unknown, field: string): string {
  if (typeof text !== 'string') throw new RequestError(400, `"${field}" must be a string`);
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_LM_TEXT_BYTES) throw new RequestError(413, `"${field}" is ${bytes} bytes of UTF-8; the limit is ${MAX_LM_TEXT_BYTES}`);
  return text;
}

/** An integer option: `fallback` when absent, else within [min, max]. */
export function intOption(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  if (!(typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max))
    throw new RequestError(400, `"${field}" must be an integer from ${min} to ${max}`);
  return n;
}

/** A number option: `fallback` when absent, else in (min, max] (or [min, max] when `minIncluded`). */
export function numberOption(value: unknown, field: string, min: number, max: number, fallback: number, minIncluded = false): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  const ok = typeof n === 'number' && Number.isFinite(n) && (minIncluded ? n >= min : n > min) && n <= max;
  if (!ok)
    throw new RequestError(
      400,
      `"${field}" must be a number ${minIncluded ? 'from' : 'above'} ${min} ${minIncluded ? 'to' : 'up to'} ${max}`,
    );
  return n as number;
}

/** One token as the views show it: its id (START/END for the markers), its bytes and their text (a cut
 * character as U+FFFD; empty for the markers). */
export interface ShownToken {
  id: number;
  bytes: Uint8Array;
  text: string;
}

const lossy = new TextDecoder();

export function shownToken(tokenizer: Tokenizer, id: number): ShownToken {
  const bytes = id >= 0 ? tokenizer.tokenBytes(id) : new Uint8Array(0);
  return { id, bytes, text: lossy.decode(bytes) };
}

export interface SurprisalToken extends ShownToken {
  log2prob: number;
  /** Preceding tokens the model used (`<s>` included): the scoring n-gram's order - 1. */
  context: number;
  /** Preceding tokens it could see: order - 1, or fewer near the start of the line. */
  visible: number;
}

export interface Surprisal {
  totals: Omit<TextScore, 'lines'>;
  /** Per non-empty line, its tokens then `</s>` (which stands for the line break). */
  lines: SurprisalToken[][];
}

export function surprisal(m: OpenModel, text: string): Surprisal {
  const { lines = [], ...totals } = scoreText(m.model, m.tokenizer, text, true);
  return {
    totals,
    lines: lines.map((line) =>
      line.scores.map((s, i) => ({
        ...shownToken(m.tokenizer, s.token),
        log2prob: s.log2prob,
        context: s.order - 1,
        visible: Math.min(m.model.order - 1, i + 1),
      })),
    ),
  };
}

export interface NextToken extends ShownToken {
  prob: number;
  /** The adjusted count of (matched context, token) in the trie; null when the token has none there. */
  count: number | null;
}

export interface Next {
  /** The context's tokens after `<s>`. */
  context: ShownToken[];
  /** How many of the last context tokens (`<s>` included) the longest n-gram matched. */
  matched: number;
  /** Those matched tokens: the trie node whose children are counted (the trie explorer's path). */
  path: number[];
  top: NextToken[];
  unseen: { tokens: number; prob: number };
}

/** The k most probable tokens after `<s>` + the context text, with their counts under the matched context. */
export function next(m: OpenModel, text: string, k: number): Next {
  const ids = m.tokenizer.encodeOrdinary(text);
  const context = [START, ...ids];
  const n = nextTokens(m.model, context, k);
  const node = trieChildren(m.model, context.slice(context.length - n.matched));
  const counts = new Map(node.children.map((c) => [c.token, c.count]));
  return {
    context: ids.map((id) => shownToken(m.tokenizer, id)),
    matched: n.matched,
    path: context.slice(context.length - n.matched),
    top: n.top.map((t) => ({ ...shownToken(m.tokenizer, t.token), prob: t.prob, count: counts.get(t.token) ?? null })),
    unseen: n.unseen,
  };
}

/** A trie path: token ids, `<s>` (-1) allowed first only; at most `order` of them. */
export function checkPath(m: OpenModel, path: unknown): number[] {
  const ids =
    typeof path === 'string' ? (path.trim() === '' ? [] : path.split(',').map((s) => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN))) : path;
  const valid = (t: unknown, i: number) =>
    typeof t === 'number' && Number.isInteger(t) && ((t === START && i === 0) || (t >= 0 && t < m.model.info.vocabularySize!));
  if (!Array.isArray(ids) || !ids.every(valid)) {
    throw new RequestError(
      400,
      `"path" must be token ids from 0 to ${m.model.info.vocabularySize! - 1} (comma-separated in a URL), optionally starting with ${START} for <s>`,
    );
  }
  if (ids.length > m.model.order)
    throw new RequestError(400, `"path" is ${ids.length} tokens; an order-${m.model.order} model's trie is ${m.model.order} deep`);
  return ids as number[];
}

export interface TrieView {
  path: ShownToken[];
  /**
   * The path as a next-token context: its text after `<s>`, and whether it starts a line (begins with `<s>`);
   * null when its bytes end or start inside a character (the next-token view takes text).
   */
  context: { text: string; startsLine: boolean } | null;
  node: Omit<TrieNode, 'children'>;
  children: Array<ShownToken & { count: number; prob: number; children: number }>;
}

function contextOf(m: OpenModel, path: number[]): TrieView['context'] {
  const text = tokenText(m.tokenizer.decodeBytes(path.filter((id) => id !== START)));
  return text === undefined ? null : { text, startsLine: path[0] === START };
}

export function trieView(m: OpenModel, path: number[]): TrieView {
  const { children, ...node } = trieChildren(m.model, path, TRIE_CHILDREN_SHOWN);
  return {
    path: path.map((id) => shownToken(m.tokenizer, id)),
    context: contextOf(m, path),
    node,
    children: children.map((c) => ({ ...shownToken(m.tokenizer, c.token), count: c.count, prob: c.prob, children: c.children })),
  };
}

export interface SampleRequest {
  prompt: string;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  length: number;
}

export function checkSampleRequest(b: Record<string, unknown>, vocabularySize: number): SampleRequest {
  return {
    prompt: checkText(b.prompt ?? '', 'prompt'),
    temperature: numberOption(b.temperature, 'temperature', 0, MAX_TEMPERATURE, 1),
    topK: intOption(b.topK, 'topK', 0, vocabularySize, 0),
    topP: numberOption(b.topP, 'topP', 0, 1, 1),
    seed: intOption(b.seed, 'seed', 0, 2 ** 32 - 1, 0),
    length: intOption(b.length, 'length', 1, MAX_SAMPLE_TOKENS, DEFAULT_SAMPLE_TOKENS),
  };
}

export interface Sampled {
  prompt: ShownToken[];
  /** Each sampled token with its probability under the model (before temperature, top-k and top-p). */
  tokens: Array<ShownToken & { prob: number }>;
  text: string;
  /** Whether `</s>` ended the sample before the length did. */
  ended: boolean;
}

export type SampledToken = Sampled['tokens'][number];

/** A sample as it is drawn: the prompt's tokens, and the sampled ones with their probabilities as `tokens` runs. */
export function sampling(m: OpenModel, r: SampleRequest): { prompt: ShownToken[]; tokens: Generator<SampledToken, boolean> } {
  const context = [START, ...m.tokenizer.encodeOrdinary(r.prompt)];
  const options = { context, maxTokens: r.length, temperature: r.temperature, topK: r.topK, topP: r.topP, seed: r.seed };
  const state = stateOfTokens(m.model, context);
  function* tokens(): Generator<SampledToken, boolean> {
    const drawn = sampleTokens(m.model, options);
    for (let next = drawn.next(); ; next = drawn.next()) {
      if (next.done) return next.value;
      yield { ...shownToken(m.tokenizer, next.value), prob: m.model.push(state, m.model.wordOf(next.value)) };
    }
  }
  return { prompt: context.slice(1).map((id) => shownToken(m.tokenizer, id)), tokens: tokens() };
}

/** The sample whole, from its tokens as they were drawn. */
export function sampleOf(m: OpenModel, prompt: ShownToken[], tokens: SampledToken[], ended: boolean): Sampled {
  return { prompt, tokens, text: m.tokenizer.decode(tokens.map((t) => t.id)), ended };
}

export function sampled(m: OpenModel, r: SampleRequest): Sampled {
  const { prompt, tokens } = sampling(m, r);
  const { values, result: ended } = drain(tokens);
  return sampleOf(m, prompt, values, ended);
}

export interface AnswerSide extends Omit<AnswerScore, 'tokens'> {
  tokens: Array<ShownToken & { log2prob: number; context: number }>;
}

export interface Answer {
  /** Preceding tokens the model can see: order - 1 (`<s>` included). */
  window: number;
  withoutThought: AnswerSide;
  /** null when T is empty. */
  withThought: AnswerSide | null;
  /** log2 P(A | Q, T) - log2 P(A | Q), in bits; null without T. */
  difference: number | null;
}

function answerSide(m: OpenModel, s: AnswerScore): AnswerSide {
  return { ...s, tokens: s.tokens.map((t) => ({ ...shownToken(m.tokenizer, t.token), log2prob: t.log2prob, context: t.order - 1 })) };
}

export function answer(m: OpenModel, question: string, answerText: string, thought: string): Answer {
  if (answerText === '') throw new RequestError(400, '"answer" must not be empty: it is the text whose probability is measured');
  checkText(question + thought + answerText, 'question + thought + answer');
  const without = answerSide(m, scoreAnswer(m.model, m.tokenizer, question, answerText));
  const withT = thought === '' ? null : answerSide(m, scoreAnswer(m.model, m.tokenizer, question, answerText, thought));
  return { window: m.model.order - 1, withoutThought: without, withThought: withT, difference: withT && withT.log2prob - without.log2prob };
}

export { START, END };
