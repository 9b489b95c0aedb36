/**
 * Questions to a LanguageModel in token ids (see model.ts for `START`, `END`, `UNKNOWN`): P(token | context),
 * the next-token distribution and its top k, the children of a trie node, scores of token sequences and of
 * texts (log2 probability, perplexity, bits per UTF-8 byte), and log P(A | Q) / log P(A | Q, T).
 *
 * A context is an array of token ids, oldest first; it starts a sequence only if its first element is
 * `START`. Texts are tokenized with `encodeOrdinary` (special-token text is ordinary text), one non-empty
 * line a sequence, as `tokenlab lm build` counts them.
 */
import type { TokenBytesSource } from '../bpe/tokenizer.js';
import { BOS, UNK } from './ngram-trie.js';
import { END, type ContextState, type LanguageModel } from './model.js';

/** What scoring text needs from a tokenizer. */
export interface TextTokenizer extends TokenBytesSource {
  encodeOrdinary(text: string): number[];
}

/** The model's state after the context's tokens. */
export function stateOfTokens(model: LanguageModel, context: ArrayLike<number>): ContextState {
  const s = model.emptyState();
  for (let i = 0; i < context.length; i++) model.push(s, model.wordOf(context[i]));
  return s;
}

/** P(token | context). In lab mode a token never seen in training gets its share of the uniform part. */
export function tokenProb(model: LanguageModel, context: ArrayLike<number>, token: number): number {
  return model.prob(stateOfTokens(model, context), model.wordOf(token));
}

export interface TokenProb {
  token: number;
  prob: number;
}

export interface NextTokens {
  /** The k most probable tokens (ties broken by smaller dense word), `END` included, `START` never. */
  top: TokenProb[];
  /** Tokens never seen in training (lab mode; 1, `<unk>`, in kenlm mode) and the probability of each. */
  unseen: { tokens: number; prob: number };
  /** How many of the context's last tokens the longest n-gram in the trie covers (0: unigram). */
  matched: number;
}

/** The next-token distribution after `context`: its top k and the share of every unseen token. */
export function nextTokens(model: LanguageModel, context: ArrayLike<number>, k: number): NextTokens {
  const state = stateOfTokens(model, context);
  const dist = model.distribution(state); // <s> has 0
  let max = 0;
  for (let w = 0; w < dist.length; w++) if (w !== UNK && dist[w] > max) max = dist[w];
  // sort only the words above a floor, lowered until k of them are above it
  let heads: Int32Array = new Int32Array(0);
  for (const floor of [max * 1e-3, max * 1e-6, 0]) {
    heads = wordsAbove(dist, floor);
    if (heads.length >= k) break;
  }
  const top = Array.from(heads.subarray(0, k), (w) => ({ token: model.tokenOf(w), prob: dist[w] }));
  return { top, unseen: { tokens: model.unseenTokens, prob: dist[UNK] }, matched: model.matchedLength(state) };
}

/** The words but `<unk>` with weight above `floor`, heaviest first (then by word). */
export function wordsAbove(weight: Float64Array, floor: number): Int32Array {
  let n = 0;
  for (let w = 0; w < weight.length; w++) if (w !== UNK && weight[w] > floor) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let w = 0; w < weight.length; w++) if (w !== UNK && weight[w] > floor) out[n++] = w;
  return out.sort((a, b) => weight[b] - weight[a] || a - b);
}

export interface TrieChild {
  token: number;
  /** Adjusted count: raw for the highest order and n-grams starting with `<s>`, else distinct left words. */
  count: number;
  /** P(token | the node's words). */
  prob: number;
  /** How many children the child has in turn. */
  children: number;
}

export interface TrieNode {
  /** Whether the context is an n-gram of the trie (the root, an empty context, always is). */
  found: boolean;
  /** The node's own adjusted count (null for the root or a context not in the trie). */
  count: number | null;
  /** Children sorted by count, then probability; `limit` of them. */
  children: TrieChild[];
  /** How many children there are in all. */
  total: number;
}

/** The children of the trie node spelled by `context` (token ids; the empty context is the root). */
export function trieChildren(model: LanguageModel, context: ArrayLike<number>, limit = Infinity): TrieNode {
  const words = Array.from(context, (t) => model.wordOf(t));
  const l = words.length - 1;
  const node = l < 0 ? 0 : model.find(words);
  if (node < 0 || l + 1 >= model.order) return { found: node >= 0, count: node < 0 ? null : model.count(l, node), children: [], total: 0 };
  const a = l < 0 ? 0 : model.childStart(l, node);
  const b = l < 0 ? model.levelSize(0) : model.childStart(l, node + 1);
  const out: TrieChild[] = [];
  for (let i = a; i < b; i++) {
    const w = model.wordAt(l + 1, i);
    if (w === BOS && l < 0) continue; // the unigram <s> is never predicted
    const children = l + 2 < model.order ? model.childStart(l + 1, i + 1) - model.childStart(l + 1, i) : 0;
    // the child is the longest n-gram for its word after this context: its probability is P(w | context)
    out.push({ token: model.tokenOf(w), count: model.count(l + 1, i), prob: model.ngramProbability(l + 1, i), children });
  }
  out.sort((x, y) => y.count - x.count || y.prob - x.prob);
  return { found: true, count: l < 0 ? null : model.count(l, node), children: out.slice(0, limit), total: out.length };
}

export interface TokenScore {
  token: number;
  log2prob: number;
  /** The order of the n-gram that scored it: 1 + the context words the trie matched. */
  order: number;
}

export interface SequenceScore {
  scores: TokenScore[];
  log2prob: number;
  /** Tokens scored as `<unk>` (kenlm mode; lab mode has none). */
  oov: number;
}

/** Scores `tokens` after `<s>`, and `</s>` after them unless `end` is false. */
export function scoreSequence(model: LanguageModel, tokens: ArrayLike<number>, end = true): SequenceScore {
  const state = model.startState();
  const scores: TokenScore[] = [];
  let total = 0;
  let oov = 0;
  const n = end ? tokens.length + 1 : tokens.length;
  for (let i = 0; i < n; i++) {
    const token = i < tokens.length ? tokens[i] : END;
    const w = model.wordOf(token);
    if (w === UNK && model.info.mode === 'kenlm') oov++;
    const order = model.ngramOrder(state, w);
    const log2prob = Math.log2(model.push(state, w));
    scores.push({ token, log2prob, order });
    total += log2prob;
  }
  return { scores, log2prob: total, oov };
}

export interface TextScore {
  /** Sequences scored (non-empty lines). */
  sequences: number;
  /** Tokens of the text (the `</s>` of each sequence not included). */
  tokens: number;
  /** log2 P of every token and of each sequence's `</s>` (which stands for its line break). */
  log2prob: number;
  /** 2^(-log2prob / (tokens + sequences)), as KenLM counts `</s>`. */
  perplexity: number;
  /** UTF-8 bytes of the whole text, line breaks included. */
  bytes: number;
  bitsPerByte: number;
  /** Per sequence, the per-token scores (only with `perToken`). */
  lines?: Array<{ tokens: number[]; scores: TokenScore[] }>;
}

/** Scores a text: each non-empty line a sequence, tokenized with `encodeOrdinary`. */
export function scoreText(model: LanguageModel, tokenizer: TextTokenizer, text: string, perToken = false): TextScore {
  let log2prob = 0;
  let tokens = 0;
  let sequences = 0;
  const lines: Array<{ tokens: number[]; scores: TokenScore[] }> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const ids = tokenizer.encodeOrdinary(line);
    const s = scoreSequence(model, ids);
    log2prob += s.log2prob;
    tokens += ids.length;
    sequences++;
    if (perToken) lines.push({ tokens: ids, scores: s.scores });
  }
  const bytes = new TextEncoder().encode(text).length;
  const out: TextScore = {
    sequences,
    tokens,
    log2prob,
    perplexity: 2 ** (-log2prob / Math.max(1, tokens + sequences)),
    bytes,
    bitsPerByte: bytes === 0 ? 0 : -log2prob / bytes,
  };
  if (perToken) out.lines = lines;
  return out;
}

export interface AnswerToken extends TokenScore {
  /** Byte offsets of the token in the concatenated text. */
  start: number;
  end: number;
}

export interface AnswerScore {
  /** log2 P(A | Q) or log2 P(A | Q, T): the sum over A's tokens. */
  log2prob: number;
  /** -log2prob / A's UTF-8 bytes. */
  bitsPerByte: number;
  tokens: AnswerToken[];
  /** Tokens before A's first token, and how many of them start in Q (the rest are T's). */
  contextTokens: number;
  questionTokens: number;
  /** How many of Q's tokens fit in the model's order - 1 word window when A's first token is predicted. */
  visibleQuestionTokens: number;
  /** Context words (`<s>` included) the longest n-gram matched for A's first token. */
  matched: number;
  /** Whether a token spans the boundary before A (it then counts as A's first token). */
  straddles: boolean;
}

/**
 * log2 P(A | Q) (without `thought`) or log2 P(A | Q, T): tokenizes Q + T + A once (as one sequence after
 * `<s>`, no `</s>`), so A's tokens are those the tokenizer gives in context, found by byte offsets.
 *
 * Boundary rule: A's tokens are the tokens that hold at least one byte of A. A token that spans the boundary
 * (BPE merged the end of Q or T with the start of A) is A's first token; it is scored given the tokens before
 * it, and `straddles` says so. So P(A | Q) never leaves a byte of A unscored, and the context holds only
 * whole tokens of Q and T.
 */
export function scoreAnswer(model: LanguageModel, tokenizer: TextTokenizer, question: string, answer: string, thought = ''): AnswerScore {
  const utf8 = new TextEncoder();
  const qBytes = utf8.encode(question).length;
  const boundary = qBytes + utf8.encode(thought).length;
  const ids = tokenizer.encodeOrdinary(question + thought + answer);
  const ends = new Array<number>(ids.length);
  let offset = 0;
  for (let i = 0; i < ids.length; i++) ends[i] = offset += tokenizer.tokenBytes(ids[i]).length;
  let first = 0;
  while (first < ids.length && ends[first] <= boundary) first++;
  const state = model.startState();
  let questionTokens = 0;
  for (let i = 0; i < first; i++) {
    if (ends[i] - tokenizer.tokenBytes(ids[i]).length < qBytes) questionTokens++;
    model.push(state, model.wordOf(ids[i]));
  }
  const thoughtTokens = first - questionTokens;
  const matched = model.matchedLength(state);
  const tokens: AnswerToken[] = [];
  let log2prob = 0;
  for (let i = first; i < ids.length; i++) {
    const w = model.wordOf(ids[i]);
    const order = model.ngramOrder(state, w);
    const lp = Math.log2(model.push(state, w));
    tokens.push({ token: ids[i], log2prob: lp, order, start: i === 0 ? 0 : ends[i - 1], end: ends[i] });
    log2prob += lp;
  }
  const answerBytes = offset - boundary;
  return {
    log2prob,
    bitsPerByte: answerBytes > 0 ? -log2prob / answerBytes : 0,
    tokens,
    contextTokens: first,
    questionTokens,
    visibleQuestionTokens: Math.max(0, Math.min(questionTokens, model.order - 1 - thoughtTokens)),
    matched,
    straddles: first < ids.length && (first === 0 ? 0 : ends[first - 1]) < boundary,
  };
}
