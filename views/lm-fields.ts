/**
 * The model page's views and their form fields: every view's fields travel with the tabs and links (hidden
 * inputs, query strings), so switching views loses nothing.
 */
import { modelPath } from './lm.js';

export const LM_VIEWS = ['surprisal', 'next', 'trie', 'sample', 'qa'] as const;
export type LmView = (typeof LM_VIEWS)[number];

/** The form fields of every view, as typed (strings); the page keeps them across tabs' reloads. */
export type LmFields = Record<string, string>;

export const DEFAULT_FIELDS: LmFields = {
  text: '',
  context: '',
  k: '20',
  prompt: '',
  temperature: '1',
  topK: '0',
  topP: '1',
  seed: '1',
  length: '50',
  question: '',
  answer: '',
  thought: '',
};

/** Each view's own form fields; the others ride along as hidden inputs, so switching tabs keeps them all. */
export const VIEW_FIELDS: Record<LmView, string[]> = {
  surprisal: ['text'],
  next: ['context', 'k'],
  trie: [],
  sample: ['prompt', 'temperature', 'topK', 'topP', 'seed', 'length'],
  qa: ['question', 'thought', 'answer'],
};

/** The text a view starts from: opening a view whose one is empty fills it with the text of the view left. */
export const PRIMARY: Record<LmView, string | undefined> = {
  surprisal: 'text',
  next: 'context',
  trie: undefined,
  sample: 'prompt',
  qa: 'question',
};

/** The fields that differ from the defaults (the rest need not travel in URLs). */
export function carried(fields: LmFields): LmFields {
  return Object.fromEntries(
    Object.keys(DEFAULT_FIELDS)
      .filter((k) => fields[k] !== undefined && fields[k] !== DEFAULT_FIELDS[k])
      .map((k) => [k, fields[k]]),
  );
}

/** The page of `view` with the fields carried (and `extra`, such as a trie path, last). */
export function viewHref(name: string, view: LmView, fields: LmFields, extra: LmFields = {}): string {
  return modelPath(name, `?${new URLSearchParams({ view, ...carried(fields), ...extra }).toString()}`);
}

/** The fields as the tab to `to` carries them from the view `from`: the text typed there seeds an empty one. */
export function seeded(fields: LmFields, from: LmView, to: LmView): LmFields {
  const [source, target] = [PRIMARY[from], PRIMARY[to]];
  if (source === undefined || target === undefined || (fields[target] ?? '') !== '') return fields;
  return { ...fields, [target]: fields[source] ?? '' };
}
