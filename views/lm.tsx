/**
 * The LM studio's list page (/lm): the models, the bits-per-byte board (held-out split of each corpus scored
 * by every model built on it), the space-size panel, and the build form whose job panel follows the build
 * while it runs (streamed, else polled: job-follow.ts, as the training studio does). All user text goes through JSX (escaped).
 */
import { formatBytes } from './format.js';
import { InfgramSection, type InfgramSectionProps } from './infgram-list.js';
import type { Follow } from './job-follow.js';
import { isActive, JobPanel, JobTable, oobOf, type JobRow } from './jobs.js';
import { CorpusSelect } from './corpus-select.js';
import { Layout } from './layout.js';
import { AddModelsNote, TokenizerOptions, type AddableModel } from './tokenizer-chooser.js';
import type { TokenizerChoice } from './tokenizer-groups.js';

export type LmBuildPhase = 'tokenizing' | 'counting' | 'estimating' | 'scoring' | 'saving';

/** A build job as the pages show it; `progress` is its latest snapshot. */
export interface LmJob extends JobRow {
  params: { tokenizer: string; corpus: string; order: number };
  progress: { phase: LmBuildPhase; read: number; total: number; sequences: number; tokens: number; seconds: number } | null;
}

/** A model as the list shows it; `heldOut` is its score on its corpus's held-out split (null: none held out). */
export interface ModelRow {
  name: string;
  tokenizer: string;
  vocabularySize: number;
  corpus: string;
  order: number;
  /** N-grams stored per order. */
  ngrams: readonly number[];
  fileBytes: number;
  builtAt: string;
  heldOut: { bytes: number; sequences: number; tokens: number; log2prob: number; bitsPerByte: number } | null;
}

/** A corpus's models, best first: every one has a held-out score. */
export interface BoardGroup {
  corpus: string;
  models: readonly ModelRow[];
}

/** What the build form offers: the tokenizers, the corpora (with their train split's size), the orders allowed. */
export interface BuildChoices {
  tokenizers: readonly TokenizerChoice[];
  /** Model tokenizers not added yet, which the chooser points to. */
  addable: readonly AddableModel[];
  corpora: ReadonlyArray<{ name: string; bytes: number }>;
  orders: { min: number; max: number };
}

export interface LmBuildForm {
  name: string;
  tokenizer: string;
  corpus: string;
  order: string;
}

/** The model the lab built for a new user on its first start, or is building. */
export interface FirstModelNote {
  name: string;
  tokenizer: string;
  corpus: string;
  building: boolean;
}

export interface SpaceQuery {
  L: number;
  K: number;
  log10: number;
}

export const modelPath = (name: string, rest = '') => `/lm/${encodeURIComponent(name)}${rest}`;

export function LmListPage(props: {
  models: readonly ModelRow[];
  board: readonly BoardGroup[];
  choices: BuildChoices;
  jobs: readonly LmJob[];
  form: LmBuildForm;
  space: SpaceQuery;
  job?: LmJob;
  error?: string;
  infgram: InfgramSectionProps;
  first?: FirstModelNote;
}) {
  return (
    <Layout title="Language models">
      <h1>Language-model studio</h1>
      <p class="note">
        N-gram models over a tokenizer’s tokens (interpolated Kneser-Ney), each spreading its probability over the tokenizer’s whole
        vocabulary.
      </p>
      <ModelTable models={props.models} first={props.first} />
      <h2>Build a model</h2>
      <BuildForm choices={props.choices} form={props.form} />
      <div id="lm-job">
        {props.error !== undefined ? <p class="error">{props.error}</p> : null}
        {props.job ? <LmJobPanel job={props.job} /> : null}
      </div>
      <div class="lm-two">
        <section>
          <h2>Bits per byte on held-out text</h2>
          <Board board={props.board} />
        </section>
        <section>
          <h2>The size of the space</h2>
          <SpaceForm space={props.space} models={props.models} />
        </section>
      </div>
      <h2>Recent builds</h2>
      <LmJobList jobs={props.jobs} />
      <InfgramSection {...props.infgram} />
    </Layout>
  );
}

/** `oob` marks a part for htmx to swap in beside the job panel's fragment (the page follows the build). */

/** The line on the first model: what it is made of, and that the lab made it (or is making it) for the user. */
function FirstModelLine(props: { first: FirstModelNote }) {
  const { name, tokenizer, corpus, building } = props.first;
  const made = `${tokenizer} over ${corpus}, the modern Chinese and English that came with the install`;
  return building ? (
    <span id="lm-first-model">
      A first model, {name}, is being built for you ({made}): it appears here in a few seconds.
    </span>
  ) : (
    <span id="lm-first-model">
      <a href={modelPath(name)}>{name}</a> was built for you when the lab first started ({made}): open it to score, sample and explore, or
      build your own below.
    </span>
  );
}

function ModelTable(props: { models: readonly ModelRow[]; first?: FirstModelNote; oob?: boolean }) {
  const oob = oobOf(props.oob);
  if (props.models.length === 0)
    return (
      <p class="note" id="lm-models" {...oob}>
        {props.first?.building ? <FirstModelLine first={props.first} /> : 'No models yet: build one below.'}
      </p>
    );
  return (
    <table id="lm-models" class="jobs" {...oob}>
      {props.first !== undefined && !props.first.building ? (
        <caption class="note">
          <FirstModelLine first={props.first} />
        </caption>
      ) : null}
      <thead>
        <tr>
          <th>model</th>
          <th>tokenizer</th>
          <th>vocabulary</th>
          <th>corpus</th>
          <th>order</th>
          <th>n-grams</th>
          <th>file</th>
          <th>held-out bits/byte</th>
          <th>built</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {props.models.map((m) => (
          <tr>
            <td>
              <a href={modelPath(m.name)}>{m.name}</a>
            </td>
            <td>{m.tokenizer}</td>
            <td>{m.vocabularySize}</td>
            <td>{m.corpus}</td>
            <td>{m.order}</td>
            <td>{m.ngrams.reduce((a, b) => a + b, 0)}</td>
            <td>{formatBytes(m.fileBytes)}</td>
            <td>{m.heldOut ? m.heldOut.bitsPerByte.toFixed(3) : '—'}</td>
            <td>{m.builtAt.replace('T', ' ').slice(0, 19)}</td>
            <td>
              <DeleteButton name={m.name} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DeleteButton(props: { name: string }) {
  return (
    <form method="post" action={modelPath(props.name, '/delete')} class="lm-inline" onsubmit="return confirm('Delete this model?')">
      <button type="submit">Delete</button>
    </form>
  );
}

function BuildForm(props: { choices: BuildChoices; form: LmBuildForm }) {
  const { form, choices } = props;
  return (
    <form id="lm-build-form" method="post" action="/lm" hx-post="/lm" hx-target="#lm-job" hx-swap="innerHTML" class="train-fields">
      <label>
        Tokenizer{' '}
        <select name="tokenizer">
          <TokenizerOptions tokenizers={choices.tokenizers} selected={form.tokenizer} />
        </select>
      </label>
      <AddModelsNote addable={choices.addable} />
      <label>
        Corpus (train split) <CorpusSelect corpora={choices.corpora} selected={form.corpus} />
      </label>
      <label>
        Order <input name="order" type="number" min={String(choices.orders.min)} max={String(choices.orders.max)} value={form.order} />
      </label>
      <label>
        Name <input name="name" value={form.name} pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="corpus.tokenizer.order" />
      </label>
      <button type="submit">Build</button>
    </form>
  );
}

export function LmError(props: { message: string }) {
  return <p class="error">{props.message}</p>;
}

const PHASES: Record<LmBuildPhase, string> = {
  tokenizing: 'tokenizing the train split',
  counting: 'counting n-grams',
  estimating: 'estimating (Kneser-Ney discounts and weights)',
  scoring: 'scoring the held-out split',
  saving: 'saving the model file',
};

/** The build's panel, followed while the build runs. */
export function LmJobPanel(props: { job: LmJob; follow?: Follow }) {
  const { job } = props;
  const s = job.progress;
  const text = s && (
    <>
      {PHASES[s.phase]} · {formatBytes(s.read)} of {formatBytes(s.total)} read · {s.sequences} lines, {s.tokens} tokens ·{' '}
      {s.seconds.toFixed(1)} s
    </>
  );
  return (
    <JobPanel
      prefix="lm"
      job={job}
      follow={props.follow}
      fragment={`/fragment/lm-job/${encodeURIComponent(job.id)}`}
      note={`${job.params.tokenizer} · ${job.params.corpus} · order ${job.params.order}`}
      progress={s && { share: s.total === 0 ? 0 : s.read / s.total, text }}
      open={{ href: modelPath(job.name), label: `Open ${job.name}` }}
    />
  );
}

/**
 * The job panel as a fragment, with the job list beside it and, once the job has finished, the model table and
 * the board: the page follows the build without a reload.
 */
export function LmJobFragment(props: {
  job: LmJob;
  jobs: readonly LmJob[];
  models: readonly ModelRow[];
  board: readonly BoardGroup[];
  follow?: Follow;
  first?: FirstModelNote;
}) {
  const finished = !isActive(props.job);
  return (
    <>
      <LmJobPanel job={props.job} follow={props.follow} />
      <LmJobList jobs={props.jobs} oob />
      {finished ? <ModelTable models={props.models} first={props.first} oob /> : null}
      {finished ? <Board board={props.board} oob /> : null}
    </>
  );
}

function LmJobList(props: { jobs: readonly LmJob[]; oob?: boolean }) {
  const columns = [
    { label: 'tokenizer', cell: (j: LmJob) => j.params.tokenizer },
    { label: 'corpus', cell: (j: LmJob) => j.params.corpus },
    { label: 'order', cell: (j: LmJob) => j.params.order },
  ];
  const href = (j: LmJob) => `/lm?job=${encodeURIComponent(j.id)}`;
  return <JobTable id="lm-job-list" jobs={props.jobs} href={href} columns={columns} empty="No builds yet." oob={props.oob} />;
}

/** Held-out bits per byte, one table per corpus: comparable across tokenizers, unlike per-token perplexity. */
function Board(props: { board: readonly BoardGroup[]; oob?: boolean }) {
  const oob = oobOf(props.oob);
  if (props.board.length === 0)
    return (
      <p class="note" id="lm-board" {...oob}>
        No scores yet: every build scores its corpus’s held-out split.
      </p>
    );
  const worst = Math.max(...props.board.flatMap((g) => g.models.map((m) => m.heldOut!.bitsPerByte)));
  return (
    <div id="lm-board" {...oob}>
      <p class="note">
        Each model’s log-probability of its corpus’s held-out lines, divided by their UTF-8 bytes. Per byte, not per token: a tokenizer with
        longer tokens predicts fewer, harder tokens, so per-token perplexity would not compare it fairly. Lower is better.
      </p>
      {props.board.map((g) => (
        <table class="jobs lm-board" data-corpus={g.corpus}>
          <caption>
            {g.corpus} <span class="note">({formatBytes(g.models[0].heldOut!.bytes)} held out)</span>
          </caption>
          <thead>
            <tr>
              <th>model</th>
              <th>tokenizer</th>
              <th>L</th>
              <th>order</th>
              <th>bytes/token</th>
              <th>bits/token</th>
              <th>bits/byte</th>
            </tr>
          </thead>
          <tbody>
            {g.models.map((m) => {
              const h = m.heldOut!;
              return (
                <tr>
                  <td>
                    <a href={modelPath(m.name)}>{m.name}</a>
                  </td>
                  <td>{m.tokenizer}</td>
                  <td>{m.vocabularySize}</td>
                  <td>{m.order}</td>
                  <td>{(h.bytes / Math.max(1, h.tokens)).toFixed(2)}</td>
                  <td>{(-h.log2prob / Math.max(1, h.tokens + h.sequences)).toFixed(2)}</td>
                  <td class="lm-bpb">
                    <span class="bar" style={`width:${((4 * h.bitsPerByte) / worst).toFixed(2)}rem`}></span> {h.bitsPerByte.toFixed(3)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ))}
    </div>
  );
}

function SpaceForm(props: { space: SpaceQuery; models: readonly ModelRow[] }) {
  const sizes = [...new Set(props.models.map((m) => m.vocabularySize))];
  return (
    <form
      id="lm-space-form"
      method="get"
      action="/lm"
      hx-get="/fragment/lm/space"
      hx-target="#lm-space"
      hx-trigger="input changed delay:200ms, submit"
      class="train-fields"
    >
      <label>
        Vocabulary size L <input name="L" type="number" min="1" max="10000000" value={String(props.space.L)} list="lm-sizes" />
      </label>
      <datalist id="lm-sizes">
        {sizes.map((s) => (
          <option value={String(s)} />
        ))}
      </datalist>
      <label>
        Length K <input name="K" type="number" min="1" max="1000000" value={String(props.space.K)} />
      </label>
      <noscript>
        <button type="submit">Compute</button>
      </noscript>
      <div id="lm-space">
        <SpaceResult space={props.space} />
      </div>
    </form>
  );
}

/** How many token sequences of length 1..K exist: the space a model must spread its probability over. */
export function SpaceResult(props: { space: SpaceQuery }) {
  const { L, K, log10 } = props.space;
  const exponent = Math.floor(log10);
  const mantissa = 10 ** (log10 - exponent);
  return (
    <p id="lm-space-result">
      With {L} tokens there are about{' '}
      <strong>
        {mantissa.toFixed(2)} × 10<sup>{exponent}</sup>
      </strong>{' '}
      sequences of length 1 to {K} (log<sub>10</sub> = <span id="lm-space-log10">{log10.toFixed(3)}</span>). The observable universe has
      about 10<sup>80</sup> atoms:
      {log10 > 80 ? ' far fewer than there are sequences here.' : ' more than there are sequences here.'} A model gives each of them a
      probability, and they sum to 1.
    </p>
  );
}

/** An unknown model (404), or one whose tokenizer is gone or changed (409). */
export function LmMissingPage(props: { message: string }) {
  return (
    <Layout title="Model unavailable">
      <h1>Model unavailable</h1>
      <p class="error">{props.message}</p>
      <p>
        <a href="/lm">All models</a>
      </p>
    </Layout>
  );
}
