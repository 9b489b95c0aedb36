/**
 * The "∞-gram indexes" section of the LM studio's list page (/lm): the indexes, the build form (a tokenizer and
 * one or more corpora), the running build's panel (re-fetched every 500 ms, as model builds' are) and the recent
 * index builds. All user text goes through JSX (escaped).
 */
import { formatBytes } from './format.js';
import type { InfgramBuildPhase, InfgramJob, InfgramRow } from './infgram-types.js';
import type { Follow } from './job-follow.js';
import { isActive, JobPanel, JobTable, oobOf } from './jobs.js';
import { AddModelsNote, TokenizerOptions, type AddableModel } from './tokenizer-chooser.js';
import type { TokenizerChoice } from './tokenizer-groups.js';

export const infgramPath = (name: string, rest = '') => `/lm/infgram/${encodeURIComponent(name)}${rest}`;

export interface InfgramBuildForm {
  name: string;
  tokenizer: string;
  corpora: readonly string[];
}

export interface InfgramSectionProps {
  indexes: readonly InfgramRow[];
  jobs: readonly InfgramJob[];
  choices: {
    tokenizers: readonly TokenizerChoice[];
    addable: readonly AddableModel[];
    corpora: ReadonlyArray<{ name: string; bytes: number }>;
  };
  form: InfgramBuildForm;
  job?: InfgramJob;
  error?: string;
}

export function InfgramSection(props: InfgramSectionProps) {
  return (
    <section id="infgram">
      <h2>∞-gram indexes</h2>
      <p class="note">
        A suffix array over a corpus’s tokens: counts of any token sequence, the next-token distribution after the longest suffix of a
        context the corpus has (an n-gram with unbounded n), and the spans of a text found verbatim in the corpus.
      </p>
      <InfgramTable indexes={props.indexes} />
      <InfgramBuild choices={props.choices} form={props.form} />
      <div id="ig-job">
        {props.error !== undefined ? <p class="error">{props.error}</p> : null}
        {props.job ? <InfgramJobPanel job={props.job} /> : null}
      </div>
      <h3>Recent index builds</h3>
      <InfgramJobList jobs={props.jobs} />
    </section>
  );
}

function InfgramTable(props: { indexes: readonly InfgramRow[]; oob?: boolean }) {
  const oob = oobOf(props.oob);
  if (props.indexes.length === 0)
    return (
      <p class="note" id="ig-indexes" {...oob}>
        No indexes yet: build one below.
      </p>
    );
  return (
    <table id="ig-indexes" class="jobs" {...oob}>
      <thead>
        <tr>
          <th>index</th>
          <th>tokenizer</th>
          <th>corpora (train split)</th>
          <th>tokens</th>
          <th>lines</th>
          <th>file</th>
          <th>bytes/token</th>
          <th>built in</th>
        </tr>
      </thead>
      <tbody>
        {props.indexes.map((x) => (
          <tr>
            <td>
              <a href={infgramPath(x.name)}>{x.name}</a>
            </td>
            <td>{x.tokenizer}</td>
            <td>{x.corpora.map((c) => c.corpus).join(', ')}</td>
            <td>{x.tokens}</td>
            <td>{x.lines}</td>
            <td>{formatBytes(x.fileBytes)}</td>
            <td>{x.bytesPerToken.toFixed(2)}</td>
            <td>{x.seconds.toFixed(1)} s</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InfgramBuild(props: { choices: InfgramSectionProps['choices']; form: InfgramBuildForm }) {
  const { form, choices } = props;
  return (
    <form id="ig-build-form" method="post" action="/lm/infgram" hx-post="/lm/infgram" hx-target="#ig-job" hx-swap="innerHTML">
      <div class="train-fields">
        <label>
          Tokenizer{' '}
          <select name="tokenizer">
            <TokenizerOptions tokenizers={choices.tokenizers} selected={form.tokenizer} />
          </select>
        </label>
        <AddModelsNote addable={choices.addable} />
        <label>
          Name <input name="name" value={form.name} pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="corpora.tokenizer" />
        </label>
      </div>
      <fieldset class="train-corpora">
        <legend>Corpora (train split)</legend>
        {choices.corpora.map((c) => (
          <label>
            <input type="checkbox" name="corpora" value={c.name} checked={form.corpora.includes(c.name)} /> {c.name} ·{' '}
            {formatBytes(c.bytes)}
          </label>
        ))}
      </fieldset>
      <button type="submit">Build the index</button>
    </form>
  );
}

const PHASES: Record<InfgramBuildPhase, string> = {
  tokenizing: 'tokenizing the corpora',
  building: 'building the suffix array',
  saving: 'saving the index file',
};

export function InfgramJobPanel(props: { job: InfgramJob; follow?: Follow }) {
  const { job } = props;
  const s = job.progress;
  const text = s && (
    <>
      {PHASES[s.phase]} · {formatBytes(s.read)} of {formatBytes(s.total)} read · {s.lines} lines, {s.tokens} tokens · {s.seconds.toFixed(1)}{' '}
      s
    </>
  );
  return (
    <JobPanel
      prefix="ig"
      job={job}
      follow={props.follow}
      fragment={`/fragment/infgram-job/${encodeURIComponent(job.id)}`}
      note={`${job.params.tokenizer} · ${job.params.corpora.join(', ')}`}
      progress={s && { share: s.total === 0 ? 0 : s.read / s.total, text }}
      open={{ href: infgramPath(job.name), label: `Open ${job.name}` }}
    />
  );
}

/** The panel as a fragment, with the job list beside it and, once the build has finished, the index table. */
export function InfgramJobFragment(props: {
  job: InfgramJob;
  jobs: readonly InfgramJob[];
  indexes: readonly InfgramRow[];
  follow?: Follow;
}) {
  return (
    <>
      <InfgramJobPanel job={props.job} follow={props.follow} />
      <InfgramJobList jobs={props.jobs} oob />
      {isActive(props.job) ? null : <InfgramTable indexes={props.indexes} oob />}
    </>
  );
}

function InfgramJobList(props: { jobs: readonly InfgramJob[]; oob?: boolean }) {
  const columns = [
    { label: 'tokenizer', cell: (j: InfgramJob) => j.params.tokenizer },
    { label: 'corpora', cell: (j: InfgramJob) => j.params.corpora.join(', ') },
  ];
  const href = (j: InfgramJob) => `/lm?job=${encodeURIComponent(j.id)}#infgram`;
  return <JobTable id="ig-job-list" jobs={props.jobs} href={href} columns={columns} empty="No index builds yet." oob={props.oob} />;
}
