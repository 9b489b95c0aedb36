/** The props of the ∞-gram pages: an index as listed, its build job, and what each view's result shows. */
import type { JobRow } from './jobs.js';
import type { Surprisal } from './lm-result-types.js';
import type { ChipToken } from './tokens.js';

/** A token as the results show it: its id, its text (a cut character as U+FFFD) and what its chip draws. */
export interface IgToken extends ChipToken {
  id: number;
  text: string;
}

/** A corpus an index was built from: its train split's lines [firstLine, firstLine + lines) of the index. */
export interface IgSource {
  corpus: string;
  firstLine: number;
  lines: number;
  tokens: number;
}

export interface InfgramRow {
  name: string;
  tokenizer: string;
  corpora: readonly IgSource[];
  tokens: number;
  lines: number;
  distinct: number;
  fileBytes: number;
  bytesPerToken: number;
  builtAt: string;
  seconds: number;
}

export type InfgramBuildPhase = 'tokenizing' | 'building' | 'saving';

export interface InfgramJob extends JobRow {
  params: { tokenizer: string; corpora: readonly string[] };
  progress: { phase: InfgramBuildPhase; read: number; total: number; lines: number; tokens: number; seconds: number } | null;
}

/** Where an occurrence is: the index line and token offset, and the corpus line it comes from. */
export interface IgOccurrence {
  line: number;
  token: number;
  corpus: string;
  corpusLine: number;
}

export interface IgScoredToken extends IgToken {
  suffixLength: number;
  infgramProb: number;
  sparse: boolean;
  prob: number | null;
}

export interface IgSurprisal {
  model: string | null;
  totals: {
    sequences: number;
    tokens: number;
    bytes: number;
    meanSuffixLength: number;
    seenShare: number;
    bitsPerByte: number | null;
    modelBitsPerByte: number | null;
  };
  lines: ReadonlyArray<readonly IgScoredToken[]>;
  /** The Kneser-Ney model's surprisal view of the same text, or null without a model. */
  kn: Surprisal | null;
}

export interface IgCount {
  tokens: readonly IgToken[];
  count: number;
}

export interface IgNext {
  context: readonly IgToken[];
  suffixLength: number;
  suffix: readonly IgToken[];
  count: number;
  distinct: number;
  next: ReadonlyArray<IgToken & { count: number; prob: number }>;
}

export interface IgFound {
  tokens: readonly IgToken[];
  count: number;
  offset: number;
  limit: number;
  occurrences: readonly IgOccurrence[];
}

export interface IgTrace {
  tokens: readonly IgToken[];
  minLength: number;
  spans: ReadonlyArray<{ start: number; end: number; count: number; first: readonly IgOccurrence[] }>;
}

export type InfgramResult =
  | { view: 'surprisal'; value: IgSurprisal }
  | { view: 'count'; value: IgCount }
  | { view: 'next'; value: IgNext }
  | { view: 'find'; value: IgFound }
  | { view: 'trace'; value: IgTrace };

/** A corpus line an occurrence links to, with the occurrence's tokens marked. */
export interface IgLine {
  line: number;
  corpus: string;
  corpusLine: number;
  text: string;
  tokens: readonly IgToken[];
  /** The marked tokens [from, to) of the line; none when from === to. */
  from: number;
  to: number;
}
