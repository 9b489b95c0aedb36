/**
 * The ∞-gram index's views, computed from a request's fields (the API's JSON, or a page's form strings) through
 * one set of checks: surprisal (the API's score), count, next, find and trace. The pages draw the same results
 * with each token's chip parts (`pageResult`).
 */
import type { InfgramResult } from '../../views/infgram-types.js';
import {
  countOf,
  findOf,
  nextOf,
  queryIds,
  scoreOf,
  scoringModel,
  traceOf,
  DEFAULT_FIND_LIMIT,
  DEFAULT_FIRST,
  DEFAULT_MIN_LENGTH,
  MAX_FIND_LIMIT,
  MAX_FIND_OFFSET,
  MAX_FIRST,
  MAX_MIN_LENGTH,
  type Counted,
  type Found,
  type Next,
  type OpenInfgram,
  type Scored,
  type Traced,
} from './infgram-data.js';
import { checkText, DEFAULT_TOP_K, intOption, MAX_TOP_K, surprisal, type ShownToken, type Surprisal } from './lm-data.js';
import { resultView } from './lm-page.js';
import { chipToken } from './vocab-bytes.js';

export const INFGRAM_VIEWS = ['surprisal', 'count', 'next', 'find', 'trace'] as const;
export type InfgramViewName = (typeof INFGRAM_VIEWS)[number];

export type ViewValue =
  | { view: 'surprisal'; value: Scored; kn: ReturnType<typeof surprisal> | null }
  | { view: 'count'; value: Counted }
  | { view: 'next'; value: Next }
  | { view: 'find'; value: Found }
  | { view: 'trace'; value: Traced };

export async function runInfgramView(o: OpenInfgram, view: InfgramViewName, f: Record<string, unknown>): Promise<ViewValue> {
  switch (view) {
    case 'surprisal': {
      const text = checkText(f.text, 'text');
      const m = await scoringModel(o, f.model);
      return { view, value: scoreOf(o, text, m), kn: m && surprisal(m, text) };
    }
    case 'count':
      return { view, value: countOf(o, queryIds(o, f)) };
    case 'next':
      return { view, value: nextOf(o, queryIds(o, f, true), intOption(f.k, 'k', 1, MAX_TOP_K, DEFAULT_TOP_K)) };
    case 'find': {
      const offset = intOption(f.offset, 'offset', 0, MAX_FIND_OFFSET, 0);
      return { view, value: findOf(o, queryIds(o, f), offset, intOption(f.limit, 'limit', 1, MAX_FIND_LIMIT, DEFAULT_FIND_LIMIT)) };
    }
    case 'trace': {
      const minLength = intOption(f.minLength, 'minLength', 1, MAX_MIN_LENGTH, DEFAULT_MIN_LENGTH);
      return { view, value: traceOf(o, queryIds(o, f), minLength, intOption(f.first, 'first', 0, MAX_FIRST, DEFAULT_FIRST)) };
    }
  }
}

/** The model's side as the LM page's surprisal view draws it. */
function surprisalView(s: Surprisal) {
  const r = resultView({ view: 'surprisal', value: s });
  return r.view === 'surprisal' ? r.value : null;
}

const chip = <T extends ShownToken>(t: T) => ({ ...t, ...chipToken(t.bytes) });
const chips = <T extends ShownToken>(ts: readonly T[]) => ts.map(chip);

/** The result as the index page draws it: tokens with their chip parts, the model's side as the LM page draws it. */
export function pageResult(r: ViewValue): InfgramResult {
  switch (r.view) {
    case 'surprisal':
      return {
        view: r.view,
        value: { ...r.value, lines: r.value.lines.map(chips), kn: r.kn && surprisalView(r.kn) },
      };
    case 'count':
      return { view: r.view, value: { ...r.value, tokens: chips(r.value.tokens) } };
    case 'next':
      return {
        view: r.view,
        value: { ...r.value, context: chips(r.value.context), suffix: chips(r.value.suffix), next: chips(r.value.next) },
      };
    case 'find':
      return { view: r.view, value: { ...r.value, tokens: chips(r.value.tokens) } };
    case 'trace':
      return { view: r.view, value: { ...r.value, tokens: chips(r.value.tokens) } };
  }
}

export const isInfgramView = (v: string | undefined): v is InfgramViewName => (INFGRAM_VIEWS as readonly string[]).includes(v ?? '');
