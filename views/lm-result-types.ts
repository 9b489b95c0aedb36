/** The props of the model page's results: what each of the five views shows, as plain data. */
import type { ChipToken } from './tokens.js';

/**
 * A token as the results show it: its id, its text (a cut character as U+FFFD) and what its chip draws; `<s>`
 * and `</s>` are markers, not tokens of the vocabulary.
 */
export interface LmToken extends ChipToken {
  id: number;
  text: string;
  marker?: '<s>' | '</s>';
}

/** The limits the page's forms and results follow. */
export interface LmLimits {
  maxTopK: number;
  maxSampleTokens: number;
  /** Children of a trie node listed, the most frequent first. */
  trieChildrenShown: number;
}

export interface SurprisalToken extends LmToken {
  log2prob: number;
  /** Preceding tokens the model used (`<s>` included): the scoring n-gram's order - 1. */
  context: number;
  /** Preceding tokens it could see. */
  visible: number;
}

export interface Surprisal {
  /** The whole text's. */
  totals: { sequences: number; tokens: number; log2prob: number; perplexity: number; bytes: number; bitsPerByte: number };
  /** The tokens drawn: per non-empty line, its tokens then `</s>` (which stands for the line break); a long text's first ones. */
  lines: ReadonlyArray<readonly SurprisalToken[]>;
}

export interface Next {
  /** The context's tokens after `<s>`. */
  context: readonly LmToken[];
  /** How many of the last context tokens (`<s>` included) the longest n-gram matched: the trie path below. */
  matched: number;
  path: readonly number[];
  /** `count`: of (matched context, token) in the trie; null when the token has none there. */
  top: ReadonlyArray<LmToken & { prob: number; count: number | null }>;
  unseen: { tokens: number; prob: number };
}

export interface TrieView {
  path: readonly LmToken[];
  /** The path as a next-token context (its text after `<s>`); null when it cuts a character. */
  context: { text: string; startsLine: boolean } | null;
  node: { found: boolean; count: number | null; total: number };
  children: ReadonlyArray<LmToken & { count: number; prob: number; children: number }>;
  /** The id of `<s>`: sentence starts hang below it. */
  start: number;
}

export interface Sampled {
  prompt: readonly LmToken[];
  /** Each sampled token with its probability under the model (before temperature, top-k and top-p). */
  tokens: ReadonlyArray<LmToken & { prob: number }>;
  text: string;
  /** Whether `</s>` ended the sample before the length did. */
  ended: boolean;
}

export interface AnswerSide {
  log2prob: number;
  tokens: ReadonlyArray<LmToken & { log2prob: number }>;
  /** Tokens before A's first token, how many of them start in Q, and how many of those the model sees. */
  contextTokens: number;
  questionTokens: number;
  visibleQuestionTokens: number;
  /** Whether a token spans the boundary before A. */
  straddles: boolean;
}

export interface Answer {
  /** Preceding tokens the model can see: order - 1 (`<s>` included). */
  window: number;
  withoutThought: AnswerSide;
  withThought: AnswerSide | null;
  /** log2 P(A | Q, T) - log2 P(A | Q), in bits; null without T. */
  difference: number | null;
}

export type LmResult =
  | { view: 'surprisal'; value: Surprisal }
  | { view: 'next'; value: Next }
  | { view: 'trie'; value: TrieView }
  | { view: 'sample'; value: Sampled }
  | { view: 'qa'; value: Answer };
