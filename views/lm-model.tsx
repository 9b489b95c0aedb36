/**
 * One model's page (/lm/:name): a summary and five views as tabs (?view=...): surprisal of a text, the next
 * token, the trie explorer, sampling, and question/answer with an optional thought. Each view's form works
 * without script (GET renders the result into the page) and with htmx (POST to its fragment). Every view's
 * fields travel with the tabs and links (lm-fields.ts), so switching views loses nothing. All user text goes
 * through JSX (escaped).
 */
import { raw } from 'hono/html';
import { formatBytes } from './format.js';
import { Layout } from './layout.js';
import { DeleteButton, modelPath, type ModelRow } from './lm.js';
import { carried, LM_VIEWS, PRIMARY, seeded, VIEW_FIELDS, viewHref, type LmFields, type LmView } from './lm-fields.js';
import type { LmLimits, LmResult } from './lm-result-types.js';
import { LmResultError, Result } from './lm-results.js';

const VIEW_LABELS: Record<LmView, string> = {
  surprisal: 'Surprisal',
  next: 'Next token',
  trie: 'Trie explorer',
  sample: 'Sampling',
  qa: 'Question & answer',
};

/** What the summary says of the model: its list row and what it was built on. */
export interface ModelSummary extends ModelRow {
  /** Train split: non-empty lines (sequences), their tokens and the split's bytes. */
  sequences: number;
  tokens: number;
  trainBytes: number;
}

export function LmModelPage(props: {
  record: ModelSummary;
  limits: LmLimits;
  view: LmView;
  fields: LmFields;
  result?: LmResult;
  error?: string;
}) {
  const { record: m, view, fields, limits } = props;
  return (
    <Layout title={`Model ${m.name}`}>
      <h1>{m.name}</h1>
      <p class="note" id="lm-summary">
        order {m.order} over {m.tokenizer} (L = {m.vocabularySize} tokens) · built on {m.corpus}: {m.sequences} lines, {m.tokens} tokens,{' '}
        {formatBytes(m.trainBytes)} · n-grams per order {m.ngrams.join(' / ')} · file {formatBytes(m.fileBytes)}
        {m.heldOut ? ` · held out: ${m.heldOut.bitsPerByte.toFixed(3)} bits per byte` : ''} · <a href="/lm">all models</a>
      </p>
      <DeleteButton name={m.name} />
      <nav class="lm-tabs">
        {LM_VIEWS.map((v) =>
          v === view ? (
            <strong>{VIEW_LABELS[v]}</strong>
          ) : (
            <a href={viewHref(m.name, v, seeded(fields, view, v))} data-view={v} data-primary={PRIMARY[v]}>
              {VIEW_LABELS[v]}
            </a>
          ),
        )}
      </nav>
      <section id={`lm-${view}`} class="lm-view">
        {view === 'trie' ? null : <ViewForm name={m.name} view={view} fields={fields} limits={limits} />}
        <div id="lm-result">
          {props.error !== undefined ? (
            <LmResultError message={props.error} />
          ) : props.result ? (
            <Result result={props.result} name={m.name} fields={fields} limits={limits} />
          ) : null}
        </div>
      </section>
      <script>{raw(PAGE_SCRIPT)}</script>
    </Layout>
  );
}

// Static script. Hover: names the hovered token in #lm-hover (an attribute copied into textContent, never
// markup). Tabs: a tab clicked takes the form's fields as they are now, typed but not yet sent included (the
// server-rendered href holds the fields as last sent, for pages without script).
const PAGE_SCRIPT = `document.addEventListener('mouseover', (e) => {
  const t = e.target.closest && e.target.closest('[data-info]');
  const out = document.getElementById('lm-hover');
  if (t && out) out.textContent = t.dataset.info;
});
document.addEventListener('click', (e) => {
  const tab = e.target.closest && e.target.closest('.lm-tabs a[data-view]');
  const form = document.getElementById('lm-form');
  if (!tab || !form) return;
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (v !== '') q.set(k, v);
  q.set('view', tab.dataset.view);
  const to = tab.dataset.primary, from = form.dataset.primary;
  if (to && from && !q.get(to) && q.get(from)) q.set(to, q.get(from));
  tab.search = '?' + q;
});`;

function ViewForm(props: { name: string; view: Exclude<LmView, 'trie'>; fields: LmFields; limits: LmLimits }) {
  const f = props.fields;
  const others = Object.entries(carried(f)).filter(([k]) => !VIEW_FIELDS[props.view].includes(k));
  const htmx = {
    'hx-post': `/fragment/lm/${encodeURIComponent(props.name)}/${props.view}`,
    'hx-target': '#lm-result',
    'hx-swap': 'innerHTML',
  };
  const area = (name: string, rows: number, placeholder: string) => (
    <textarea name={name} rows={rows} placeholder={placeholder}>
      {f[name]}
    </textarea>
  );
  const num = (name: string, label: string, attrs: Record<string, string>) => (
    <label>
      {label} <input name={name} type="number" value={f[name]} {...attrs} />
    </label>
  );
  return (
    <form id="lm-form" method="get" action={modelPath(props.name)} data-primary={PRIMARY[props.view]} {...htmx}>
      <input type="hidden" name="view" value={props.view} />
      {others.map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      {props.view === 'surprisal' ? (
        <>{area('text', 6, 'Paste a text: each non-empty line is scored as a sequence from <s> to </s>.')}</>
      ) : props.view === 'next' ? (
        <>
          {area('context', 3, 'A context: the start of a line')}
          <div class="train-fields">{num('k', 'Top k', { min: '1', max: String(props.limits.maxTopK) })}</div>
        </>
      ) : props.view === 'sample' ? (
        <>
          {area('prompt', 2, 'Optional prompt: the sample continues it (empty: a new line)')}
          <div class="train-fields">
            {num('temperature', 'Temperature', { min: '0.05', max: '10', step: '0.05' })}
            {num('topK', 'Top k (0: all)', { min: '0' })}
            {num('topP', 'Top p', { min: '0.01', max: '1', step: '0.01' })}
            {num('seed', 'Seed', { min: '0' })}
            {num('length', 'Length (tokens)', { min: '1', max: String(props.limits.maxSampleTokens) })}
          </div>
        </>
      ) : (
        <div class="lm-qa-fields">
          <label>Q (question) {area('question', 2, 'The question')}</label>
          <label>T (optional thought, between Q and A) {area('thought', 2, 'A reasoning step, or nothing')}</label>
          <label>A (answer) {area('answer', 2, 'The answer whose probability is measured')}</label>
        </div>
      )}
      <button type="submit" id="lm-submit">
        {SUBMIT[props.view]}
      </button>
    </form>
  );
}

const SUBMIT: Record<Exclude<LmView, 'trie'>, string> = {
  surprisal: 'Score',
  next: 'Next tokens',
  sample: 'Sample',
  qa: 'Score the answer',
};
