/**
 * One ∞-gram index's page (/lm/infgram/:name): a summary and four views as tabs (?view=...): surprisal coloured
 * by the suffix length each token used (with a Kneser-Ney model's view beside it), the count box with the first
 * occurrences, the next-token distribution after the longest suffix, and the trace of a text's verbatim spans.
 * Each view's form works without script (GET renders the result into the page) and with htmx (POST to its
 * fragment); the text travels with the tabs. A corpus line an occurrence links to has a page of its own. All
 * user text goes through JSX (escaped).
 */
import { raw } from 'hono/html';
import { formatBytes } from './format.js';
import { infgramPath } from './infgram-list.js';
import { IgResult, IgResultError, LineTokens } from './infgram-results.js';
import type { IgLine, InfgramResult, InfgramRow } from './infgram-types.js';
import { Layout } from './layout.js';

export const IG_PAGE_VIEWS = ['surprisal', 'count', 'next', 'trace'] as const;
export type IgPageView = (typeof IG_PAGE_VIEWS)[number];

const LABELS: Record<IgPageView, string> = { surprisal: 'Surprisal', count: 'Count', next: 'Next token', trace: 'Trace' };
const SUBMIT: Record<IgPageView, string> = { surprisal: 'Score', count: 'Count', next: 'Next tokens', trace: 'Find the spans' };

/** The page's form fields as typed. */
export interface IgFields {
  text: string;
  model: string;
  k: string;
  offset: string;
  minLength: string;
}

export const IG_DEFAULT_FIELDS: IgFields = { text: '', model: '', k: '20', offset: '0', minLength: '4' };

/** The page of `view` with `text` (a long text is left out of the URL by the caller). */
export const igViewHref = (name: string, view: IgPageView, text: string) =>
  infgramPath(name, `?${new URLSearchParams(text === '' ? { view } : { view, text }).toString()}`);

export function InfgramPage(props: {
  index: InfgramRow;
  /** The n-gram models over the index's tokenizer, for the surprisal view's comparison. */
  models: readonly string[];
  view: IgPageView;
  fields: IgFields;
  result?: InfgramResult;
  error?: string;
}) {
  const { index: x, view, fields } = props;
  return (
    <Layout title={`Index ${x.name}`}>
      <h1>{x.name}</h1>
      <p class="note" id="ig-summary">
        ∞-gram index over {x.tokenizer} · {x.corpora.map((c) => `${c.corpus} (${c.lines} lines)`).join(', ')} · {x.tokens} tokens,{' '}
        {x.distinct} distinct · file {formatBytes(x.fileBytes)} ({x.bytesPerToken.toFixed(2)} bytes per token) ·{' '}
        <a href="/lm#infgram">all indexes</a>
      </p>
      <form method="post" action={infgramPath(x.name, '/delete')} class="lm-inline" onsubmit="return confirm('Delete this index?')">
        <button type="submit">Delete</button>
      </form>
      <nav class="lm-tabs">
        {IG_PAGE_VIEWS.map((v) =>
          v === view ? (
            <strong>{LABELS[v]}</strong>
          ) : (
            <a href={igViewHref(x.name, v, fields.text.length <= 2000 ? fields.text : '')} data-view={v}>
              {LABELS[v]}
            </a>
          ),
        )}
      </nav>
      <section id={`ig-view-${view}`} class="lm-view">
        <ViewForm name={x.name} view={view} fields={fields} models={props.models} />
        <div id="ig-result">
          {props.error !== undefined ? (
            <IgResultError message={props.error} />
          ) : props.result ? (
            <IgResult result={props.result} name={x.name} />
          ) : null}
        </div>
      </section>
      <script>{raw(PAGE_SCRIPT)}</script>
    </Layout>
  );
}

// Static script: the hovered token's line (an attribute copied into textContent, never markup) in #ig-hover or,
// on the model's side, #lm-hover; a tab clicked takes the text as typed now.
const PAGE_SCRIPT = `document.addEventListener('mouseover', (e) => {
  const t = e.target.closest && e.target.closest('[data-info]');
  if (!t) return;
  const out = document.getElementById(t.closest('.ig-kn') ? 'lm-hover' : 'ig-hover');
  if (out) out.textContent = t.dataset.info;
});
document.addEventListener('click', (e) => {
  const tab = e.target.closest && e.target.closest('.lm-tabs a[data-view]');
  const text = document.querySelector('#ig-form textarea[name=text]');
  if (!tab || !text) return;
  const q = new URLSearchParams({ view: tab.dataset.view });
  if (text.value !== '') q.set('text', text.value);
  tab.search = '?' + q;
});`;

function ViewForm(props: { name: string; view: IgPageView; fields: IgFields; models: readonly string[] }) {
  const { view, fields: f } = props;
  const htmx = {
    'hx-post': `/fragment/infgram/${encodeURIComponent(props.name)}/${view}`,
    'hx-target': '#ig-result',
    'hx-swap': 'innerHTML',
  };
  const placeholder: Record<IgPageView, string> = {
    surprisal: 'Paste a text: each non-empty line is scored from its start.',
    count: 'A text: how often its tokens occur, in this order, inside one corpus line.',
    next: 'A context: the tokens that follow its longest suffix found in the corpus.',
    trace: 'Paste a text (a sample from a model, say): the spans of it found verbatim in the corpus.',
  };
  return (
    <form id="ig-form" method="get" action={infgramPath(props.name)} {...htmx}>
      <input type="hidden" name="view" value={view} />
      <textarea name="text" rows={view === 'count' || view === 'next' ? 2 : 6} placeholder={placeholder[view]}>
        {f.text}
      </textarea>
      <div class="train-fields">
        {view === 'surprisal' ? (
          <label>
            Kneser-Ney model beside{' '}
            <select name="model">
              <option value="">none</option>
              {props.models.map((m) => (
                <option value={m} selected={f.model === m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        ) : view === 'next' ? (
          <label>
            Top k <input name="k" type="number" min="1" max="200" value={f.k} />
          </label>
        ) : view === 'count' ? (
          <label>
            First occurrence shown <input name="offset" type="number" min="0" value={f.offset} />
          </label>
        ) : (
          <label>
            Shortest span (tokens) <input name="minLength" type="number" min="1" max="1000" value={f.minLength} />
          </label>
        )}
        <button type="submit" id="ig-submit">
          {SUBMIT[view]}
        </button>
      </div>
    </form>
  );
}

/** A line of the corpus an occurrence comes from, its tokens as the index holds them, the occurrence marked. */
export function InfgramLinePage(props: { index: string; line: IgLine }) {
  const { line: l } = props;
  return (
    <Layout title={`${l.corpus} line ${l.corpusLine}`}>
      <h1>
        {l.corpus}, line {l.corpusLine + 1}
      </h1>
      <p class="note">
        Line {l.corpusLine + 1} of {l.corpus}’s train split (line {l.line} of index <a href={infgramPath(props.index)}>{props.index}</a>)
        {l.to > l.from ? `; tokens ${l.from} to ${l.to - 1} marked` : ''}.
      </p>
      <pre class="ig-line-text" id="ig-line-text">
        {l.text}
      </pre>
      <div class="tokens lm-tokens" id="ig-line-tokens">
        <LineTokens tokens={l.tokens} from={l.from} to={l.to} />
      </div>
    </Layout>
  );
}

/** An unknown index (404), one whose tokenizer is gone or changed, or whose corpus changed (409). */
export function InfgramMissingPage(props: { message: string }) {
  return (
    <Layout title="Index unavailable">
      <h1>Index unavailable</h1>
      <p class="error">{props.message}</p>
      <p>
        <a href="/lm#infgram">All indexes</a>
      </p>
    </Layout>
  );
}
