/**
 * The quality comparison (/compare/quality): tokenizers of any kind measured side by side on held-out text
 * (a corpus's held-out split or pasted text), each with a 5-gram model built on its tokens of the corpus's train
 * split. The measuring runs as a job; its panel follows it (streamed, else polled), and the table of rows grows as
 * each tokenizer is done.
 */
import { fmt } from './format.js';
import type { Follow } from './job-follow.js';
import { isActive, JobPanel, oobOf, type JobRow } from './jobs.js';
import { CorpusSelect } from './corpus-select.js';
import { Layout } from './layout.js';
import { tokenizerGroups, type TokenizerChoice } from './tokenizer-groups.js';

const SCRIPT_NAMES = ['han', 'latin', 'digits', 'whitespace', 'punctuation', 'other'] as const;

/** One tokenizer's measures (src/jobs/quality-measures.ts). */
export interface QualityRowView {
  tokenizer: string;
  tokens: number;
  bytesPerToken: number;
  scriptBytesPerToken: Record<(typeof SCRIPT_NAMES)[number], number | null>;
  tokensPerHan: number | null;
  renyiEfficiency: number;
  bitsPerByte: number;
  firstLossyLine: number;
}

export interface QualityJobView extends JobRow {
  params: { tokenizers: string[]; corpus: string; text: string | null };
  progress: { phase: string; current: string | null; rows: QualityRowView[]; total: number } | null;
}

export interface QualityForm {
  tokenizers: string[];
  corpus: string;
  text: string;
}

export interface QualityPageProps {
  tokenizers: readonly TokenizerChoice[];
  corpora: ReadonlyArray<{ name: string; bytes: number }>;
  maxTokenizers: number;
  form: QualityForm;
  job?: QualityJobView;
  error?: string;
}

export function QualityPage(props: QualityPageProps) {
  const { form } = props;
  return (
    <Layout title="Quality">
      <h1>Tokenizers side by side: compression and predictability</h1>
      <p class="note">
        Each tokenizer encodes the corpus’s train split, a 5-gram Kneser-Ney model is built on its tokens, and the held-out text is
        measured: bytes per token (overall and per script), tokens per Han character, Rényi efficiency (order 2.5) and bits per byte under
        that model. Fewer tokens is not the only goal: lower bits per byte means text is more predictable from those tokens.
      </p>
      <form id="quality-form" method="post" action="/compare/quality" hx-post="/compare/quality" hx-target="#quality-job">
        <fieldset class="cmp-choice">
          <legend>tokenizers (1 to {props.maxTokenizers})</legend>
          {tokenizerGroups(props.tokenizers).map((g) => (
            <div>
              <span class="cmp-kind">{g.label}:</span>{' '}
              {g.entries.map((t) => (
                <label>
                  <input type="checkbox" name="tokenizers" value={t.name} checked={form.tokenizers.includes(t.name)} /> {t.name}
                </label>
              ))}
            </div>
          ))}
        </fieldset>
        <label>
          Corpus (the 5-gram learns from its train split) <CorpusSelect corpora={props.corpora} selected={form.corpus} />
        </label>
        <label>
          Held-out text (empty: the corpus’s held-out split)
          <textarea name="text" rows={4} placeholder="Paste text to measure instead of the held-out split">
            {form.text}
          </textarea>
        </label>
        <button type="submit">Measure</button>
      </form>
      <div id="quality-job">
        {props.error !== undefined ? <QualityError message={props.error} /> : null}
        {props.job !== undefined ? <QualityJobFragment job={props.job} /> : null}
      </div>
    </Layout>
  );
}

export function QualityError(props: { message: string }) {
  return (
    <p class="error" id="quality-error">
      {props.message}
    </p>
  );
}

/** The job's panel (following the job while it runs) and the rows so far; `oob` when the panel's update brings the table. */
export function QualityJobFragment(props: { job: QualityJobView; oob?: boolean; follow?: Follow }) {
  const { job } = props;
  const p = job.progress;
  const on = job.params.text === null ? `${job.params.corpus}’s held-out split` : 'the pasted text';
  return (
    <>
      <JobPanel
        prefix="quality"
        job={job}
        follow={props.follow}
        fragment={`/fragment/quality-job/${encodeURIComponent(job.id)}`}
        note={`${job.params.tokenizers.join(', ')} · 5-gram on ${job.params.corpus}’s train split · measured on ${on}`}
        progress={p && { share: p.rows.length / p.total, text: p.current === null ? '' : `${p.current}: ${p.phase}` }}
        open={{ href: `/compare/quality?job=${encodeURIComponent(job.id)}`, label: 'link to these results' }}
      />
      <QualityTable rows={p?.rows ?? []} active={isActive(job)} oob={props.oob} />
    </>
  );
}

/** Lower is better for these columns; higher for the others (the best value of each column is marked). */
const LOWER_IS_BETTER = new Set(['tokensPerHan', 'bitsPerByte']);

function QualityTable(props: { rows: readonly QualityRowView[]; active: boolean; oob?: boolean }) {
  const { rows } = props;
  if (rows.length === 0) return <div id="quality-rows" {...oobOf(props.oob)} />;
  const columns: Array<{ key: string; label: string; value: (r: QualityRowView) => number | null; digits?: number }> = [
    { key: 'bytesPerToken', label: 'bytes / token', value: (r) => r.bytesPerToken },
    ...SCRIPT_NAMES.map((s) => ({ key: `script-${s}`, label: `${s} B/tok`, value: (r: QualityRowView) => r.scriptBytesPerToken[s] })),
    { key: 'tokensPerHan', label: 'tokens / Han', value: (r) => r.tokensPerHan },
    { key: 'renyiEfficiency', label: 'Rényi efficiency', value: (r) => r.renyiEfficiency },
    { key: 'bitsPerByte', label: 'bits / byte (5-gram)', value: (r) => r.bitsPerByte, digits: 3 },
  ];
  const best = (c: (typeof columns)[number]) => {
    const values = rows.map(c.value).filter((v): v is number => v !== null);
    return LOWER_IS_BETTER.has(c.key) ? Math.min(...values) : Math.max(...values);
  };
  const bests = columns.map(best);
  return (
    <div id="quality-rows" {...oobOf(props.oob)}>
      <table class="jobs quality-table">
        <caption>
          {props.active ? 'So far: ' : ''}
          {rows.length} tokenizer{rows.length === 1 ? '' : 's'} measured; the best of each column in bold
        </caption>
        <thead>
          <tr>
            <th>tokenizer</th>
            <th>tokens</th>
            {columns.map((c) => (
              <th>{c.label}</th>
            ))}
            <th>lossless</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-tokenizer={r.tokenizer}>
              <td>{r.tokenizer}</td>
              <td>{r.tokens}</td>
              {columns.map((c, i) => {
                const v = c.value(r);
                const text = fmt(v, c.digits ?? 2);
                return <td data-key={c.key}>{v !== null && v === bests[i] && rows.length > 1 ? <strong>{text}</strong> : text}</td>;
              })}
              <td>{r.firstLossyLine < 0 ? 'yes' : `no (line ${r.firstLossyLine + 1})`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
