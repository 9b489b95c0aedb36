/**
 * What the model page shows (views/lm-model.tsx, views/lm-results.tsx), built from lm-data's results: every token
 * with the parts its chip draws, `<s>` and `</s>` marked; and the limits its forms follow.
 */
import type { LmLimits, LmResult, LmToken } from '../../views/lm-result-types.js';
import {
  END,
  MAX_SAMPLE_TOKENS,
  MAX_TOP_K,
  START,
  TRIE_CHILDREN_SHOWN,
  type Answer,
  type AnswerSide,
  type Next,
  type Sampled,
  type ShownToken,
  type Surprisal,
  type TrieView,
} from './lm-data.js';
import { chipToken } from './vocab-bytes.js';

/** A view's result as lm-data computes it (the API answers its value as JSON). */
export type ViewResult =
  | { view: 'surprisal'; value: Surprisal }
  | { view: 'next'; value: Next }
  | { view: 'trie'; value: TrieView }
  | { view: 'sample'; value: Sampled }
  | { view: 'qa'; value: Answer };

export const LM_LIMITS: LmLimits = { maxTopK: MAX_TOP_K, maxSampleTokens: MAX_SAMPLE_TOKENS, trieChildrenShown: TRIE_CHILDREN_SHOWN };

/** Tokens drawn on the surprisal view (each is a span with its hover line); the totals cover the whole text. */
const MAX_SHOWN_TOKENS = 5000;

/** The lines cut to the first MAX_SHOWN_TOKENS tokens. */
function shownLines<T>(lines: readonly T[][]): T[][] {
  const out: T[][] = [];
  let room = MAX_SHOWN_TOKENS;
  for (const line of lines) {
    if (room <= 0) break;
    out.push(line.slice(0, room));
    room -= line.length;
  }
  return out;
}

export function lmToken<T extends ShownToken>(t: T): T & LmToken {
  return { ...t, ...chipToken(t.bytes), marker: t.id === START ? '<s>' : t.id === END ? '</s>' : undefined };
}

const side = (s: AnswerSide) => ({ ...s, tokens: s.tokens.map(lmToken) });

/** The result as the page draws it. */
export function resultView(r: ViewResult): LmResult {
  switch (r.view) {
    case 'surprisal':
      return { view: r.view, value: { ...r.value, lines: shownLines(r.value.lines).map((line) => line.map(lmToken)) } };
    case 'next':
      return { view: r.view, value: { ...r.value, context: r.value.context.map(lmToken), top: r.value.top.map(lmToken) } };
    case 'trie':
      return {
        view: r.view,
        value: { ...r.value, path: r.value.path.map(lmToken), children: r.value.children.map(lmToken), start: START },
      };
    case 'sample':
      return { view: r.view, value: { ...r.value, prompt: r.value.prompt.map(lmToken), tokens: r.value.tokens.map(lmToken) } };
    case 'qa':
      return {
        view: r.view,
        value: { ...r.value, withoutThought: side(r.value.withoutThought), withThought: r.value.withThought && side(r.value.withThought) },
      };
  }
}
