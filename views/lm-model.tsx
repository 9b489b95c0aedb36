/**
 * One model's page (/lm/:name): a summary and five views as tabs (?view=...): surprisal of a text, the next
 * token, the trie explorer, sampling, and question/answer with an optional thought. Each view's form works
 * without script (GET renders the result into the page) and with htmx (POST to its fragment). Every view's
 * fields travel with the tabs and links (hidden inputs, query strings), so switching views loses nothing; the
 * next-token rows link to the context with their token appended. All user text goes through JSX (escaped);
 * colours and bar widths are numbers computed here.
 */
import { raw } from 'hono/html';
import type { ModelRecord } from '../src/store/user-models.js';
import {
  END, MAX_SAMPLE_TOKENS, MAX_TOP_K, START, TRIE_CHILDREN_SHOWN,
  type Answer, type AnswerSide, type Next, type Sampled, type ShownToken, type Surprisal, type SurprisalToken, type TrieView,
} from '../src/server/lm-data.js';
import { Layout } from './layout.js';
import { DeleteButton, modelPath } from './lm.js';
import { formatBytes } from './train.js';
import { TokenText, visibleWhitespace } from './vocab-token.js';
import { tokenText } from '../src/server/vocab-bytes.js';

export const LM_VIEWS = ['surprisal', 'next', 'trie', 'sample', 'qa'] as const;
export type LmView = (typeof LM_VIEWS)[number];

const VIEW_LABELS: Record<LmView, string> = { surprisal: 'Surprisal', next: 'Next token', trie: 'Trie explorer', sample: 'Sampling', qa: 'Question & answer' };

/** The form fields of every view, as typed (strings); the page keeps them across tabs' reloads. */
export type LmFields = Record<string, string>;

export const DEFAULT_FIELDS: LmFields = {
  text: '', context: '', k: '20', prompt: '', temperature: '1', topK: '0', topP: '1', seed: '1', length: '50', question: '', answer: '', thought: '',
};

/** Each view's own form fields; the others ride along as hidden inputs, so switching tabs keeps them all. */
const VIEW_FIELDS: Record<LmView, string[]> = {
  surprisal: ['text'], next: ['context', 'k'], trie: [], sample: ['prompt', 'temperature', 'topK', 'topP', 'seed', 'length'], qa: ['question', 'thought', 'answer'],
};

/** The text a view starts from: opening a view whose one is empty fills it with the text of the view left. */
const PRIMARY: Record<LmView, string | undefined> = { surprisal: 'text', next: 'context', trie: undefined, sample: 'prompt', qa: 'question' };

/** The fields that differ from the defaults (the rest need not travel in URLs). */
function carried(fields: LmFields): LmFields {
  return Object.fromEntries(Object.keys(DEFAULT_FIELDS).filter((k) => fields[k] !== undefined && fields[k] !== DEFAULT_FIELDS[k]).map((k) => [k, fields[k]]));
}

/** The page of `view` with the fields carried (and `extra`, such as a trie path, last). */
export function viewHref(name: string, view: LmView, fields: LmFields, extra: LmFields = {}): string {
  return modelPath(name, `?${new URLSearchParams({ view, ...carried(fields), ...extra }).toString()}`);
}

/** The fields as the tab to `to` carries them from the view `from`: the text typed there seeds an empty one. */
function seeded(fields: LmFields, from: LmView, to: LmView): LmFields {
  const [source, target] = [PRIMARY[from], PRIMARY[to]];
  if (source === undefined || target === undefined || (fields[target] ?? '') !== '') return fields;
  return { ...fields, [target]: fields[source] ?? '' };
}

export type LmResult =
  | { view: 'surprisal'; value: Surprisal }
  | { view: 'next'; value: Next }
  | { view: 'trie'; value: TrieView }
  | { view: 'sample'; value: Sampled }
  | { view: 'qa'; value: Answer };

export function LmModelPage(props: { record: ModelRecord; view: LmView; fields: LmFields; result?: LmResult; error?: string }) {
  const { record: m, view, fields } = props;
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
          v === view ? <strong>{VIEW_LABELS[v]}</strong> : <a href={viewHref(m.name, v, seeded(fields, view, v))} data-view={v} data-primary={PRIMARY[v]}>{VIEW_LABELS[v]}</a>,
        )}
      </nav>
      <section id={`lm-${view}`} class="lm-view">
        {view === 'trie' ? null : <ViewForm name={m.name} view={view} fields={fields} />}
        <div id="lm-result">
          {props.error !== undefined ? <LmResultError message={props.error} /> : props.result ? <Result result={props.result} name={m.name} fields={fields} /> : null}
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

export function LmResultError(props: { message: string }) {
  return <p class="error" id="lm-error">{props.message}</p>;
}

/** A view's result; `fields` are the page's (every view's), which its links carry. */
export function Result(props: { result: LmResult; name: string; fields: LmFields }) {
  const r = props.result;
  const { name, fields } = props;
  switch (r.view) {
    case 'surprisal': return <SurprisalResult s={r.value} />;
    case 'next': return <NextResult n={r.value} name={name} fields={fields} />;
    case 'trie': return <TrieResult t={r.value} name={name} fields={fields} />;
    case 'sample': return <SampleResult s={r.value} />;
    case 'qa': return <AnswerResult a={r.value} />;
  }
}

function ViewForm(props: { name: string; view: Exclude<LmView, 'trie'>; fields: LmFields }) {
  const f = props.fields;
  const others = Object.entries(carried(f)).filter(([k]) => !VIEW_FIELDS[props.view].includes(k));
  const htmx = { 'hx-post': `/fragment/lm/${encodeURIComponent(props.name)}/${props.view}`, 'hx-target': '#lm-result', 'hx-swap': 'innerHTML' };
  const area = (name: string, rows: number, placeholder: string) => <textarea name={name} rows={rows} placeholder={placeholder}>{f[name]}</textarea>;
  const num = (name: string, label: string, attrs: Record<string, string>) => (
    <label>{label} <input name={name} type="number" value={f[name]} {...attrs} /></label>
  );
  return (
    <form id="lm-form" method="get" action={modelPath(props.name)} data-primary={PRIMARY[props.view]} {...htmx}>
      <input type="hidden" name="view" value={props.view} />
      {others.map(([k, v]) => <input type="hidden" name={k} value={v} />)}
      {props.view === 'surprisal' ? (
        <>{area('text', 6, 'Paste a text: each non-empty line is scored as a sequence from <s> to </s>.')}</>
      ) : props.view === 'next' ? (
        <>
          {area('context', 3, 'A context: the start of a line')}
          <div class="train-fields">{num('k', 'Top k', { min: '1', max: String(MAX_TOP_K) })}</div>
        </>
      ) : props.view === 'sample' ? (
        <>
          {area('prompt', 2, 'Optional prompt: the sample continues it (empty: a new line)')}
          <div class="train-fields">
            {num('temperature', 'Temperature', { min: '0.05', max: '10', step: '0.05' })}
            {num('topK', 'Top k (0: all)', { min: '0' })}
            {num('topP', 'Top p', { min: '0.01', max: '1', step: '0.01' })}
            {num('seed', 'Seed', { min: '0' })}
            {num('length', 'Length (tokens)', { min: '1', max: String(MAX_SAMPLE_TOKENS) })}
          </div>
        </>
      ) : (
        <div class="lm-qa-fields">
          <label>Q (question) {area('question', 2, 'The question')}</label>
          <label>T (optional thought, between Q and A) {area('thought', 2, 'A reasoning step, or nothing')}</label>
          <label>A (answer) {area('answer', 2, 'The answer whose probability is measured')}</label>
        </div>
      )}
      <button type="submit" id="lm-submit">{SUBMIT[props.view]}</button>
    </form>
  );
}

const SUBMIT: Record<Exclude<LmView, 'trie'>, string> = { surprisal: 'Score', next: 'Next tokens', sample: 'Sample', qa: 'Score the answer' };

/** A token's text for hover lines (markers for <s> and </s>; a cut character shows as U+FFFD). */
function label(t: ShownToken): string {
  if (t.id === START) return '<s>';
  if (t.id === END) return '</s>';
  return visibleWhitespace(t.text);
}

function Tok(props: { t: ShownToken }) {
  const { t } = props;
  if (t.id === START || t.id === END) return <code class="tok lm-marker">{label(t)}</code>;
  return <TokenText bytes={t.bytes} />;
}

const pct = (p: number) => (p >= 0.001 ? p.toFixed(4) : p.toExponential(2));

/** Bits of surprisal at and beyond which a token is drawn fully red. */
const HEAT_MAX_BITS = 16;

/** Green for a likely token, red for a surprising one (HEAT_MAX_BITS and more). */
const heat = (log2prob: number) => `background:hsl(${(120 * (1 - Math.min(HEAT_MAX_BITS, -log2prob) / HEAT_MAX_BITS)).toFixed(0)} 75% 82%)`;

/** The colour scale: swatches drawn by heat() itself, each with its surprisal and probability. */
function HeatLegend() {
  const steps = [0, 2, 4, 8, 12, HEAT_MAX_BITS];
  return (
    <p class="lm-legend" id="lm-legend">
      <span class="note">Colour: surprisal −log₂ P</span>
      {steps.map((b) => (
        <span class="lm-swatch" style={heat(-b)}>{b}{b === HEAT_MAX_BITS ? '+' : ''} bits · P {b === 0 ? '= 1' : `${b === HEAT_MAX_BITS ? '≤' : '='} 1/${2 ** b}`}</span>
      ))}
    </p>
  );
}

/** The tokens an n-gram used before token i of a line: `<s>` stands before the line's first token. */
function usedContext(line: SurprisalToken[], i: number, used: number): string {
  return Array.from({ length: used }, (_, j) => i - used + j).map((at) => (at < 0 ? '<s>' : label(line[at]))).join('|');
}

function hoverLine(line: SurprisalToken[], i: number): string {
  const t = line[i];
  const seen = `${t.context} of the ${t.visible} token${t.visible === 1 ? '' : 's'} it could see`;
  const used = t.context === 0 ? 'none' : usedContext(line, i, t.context);
  return `${label(t)} · P = ${pct(2 ** t.log2prob)} · log₂ P = ${t.log2prob.toFixed(2)} · matched a ${t.context + 1}-gram: context used ${seen}: ${used}`;
}

/** Tokens drawn on the surprisal view (each is a span with its hover line); the totals cover the whole text. */
export const MAX_SHOWN_TOKENS = 5000;

/** The lines cut to the first MAX_SHOWN_TOKENS tokens. */
function shownLines(lines: Surprisal['lines']): Surprisal['lines'] {
  const out: Surprisal['lines'] = [];
  let room = MAX_SHOWN_TOKENS;
  for (const line of lines) {
    if (room <= 0) break;
    out.push(line.slice(0, room));
    room -= line.length;
  }
  return out;
}

function SurprisalResult(props: { s: Surprisal }) {
  const { totals: t, lines } = props.s;
  const shown = shownLines(lines);
  const cut = t.tokens + t.sequences > MAX_SHOWN_TOKENS;
  return (
    <div>
      <table class="stats lm-totals" id="lm-totals">
        <tbody>
          <tr><th>lines</th><td>{t.sequences}</td><th>tokens</th><td>{t.tokens} (+ {t.sequences} × &lt;/s&gt;)</td></tr>
          <tr><th>log₂ P(text)</th><td id="lm-log2prob">{t.log2prob.toFixed(2)}</td><th>bytes</th><td>{t.bytes}</td></tr>
          <tr><th>perplexity (per token)</th><td id="lm-perplexity">{t.perplexity.toFixed(2)}</td><th>bits per byte</th><td id="lm-bpb">{t.bitsPerByte.toFixed(3)}</td></tr>
        </tbody>
      </table>
      <HeatLegend />
      <p id="lm-hover" class="note">Hover a token: its probability, log₂ probability, the n-gram order the model matched and the context it used.</p>
      <div class="tokens lm-tokens">
        {shown.map((line) => (
          <div class="lm-line">
            {line.map((t, i) => (
              <span class="lm-tok" style={heat(t.log2prob)} data-info={hoverLine(line, i)}>
                <Tok t={t} />
              </span>
            ))}
          </div>
        ))}
      </div>
      {cut ? <p class="note" id="lm-cut">The first {MAX_SHOWN_TOKENS} tokens are drawn; the totals cover all {t.tokens + t.sequences}.</p> : null}
      <p class="note">
        &lt;/s&gt; ends each line: the model predicts the line break too. Context: the model sees at most its order − 1 preceding tokens
        (&lt;s&gt; included) and uses the longest of them it counted in training; a k-gram match used k − 1 of them.
      </p>
    </div>
  );
}

const BAR_REM = 16;

/**
 * The next-token page with `t` appended to the context, or undefined when it cannot be: `</s>` ends the line,
 * and a token that is part of a character has no text to append.
 */
function walkHref(name: string, fields: LmFields, t: ShownToken): string | undefined {
  const text = t.id === END ? undefined : tokenText(t.bytes);
  return text === undefined ? undefined : viewHref(name, 'next', { ...fields, context: (fields.context ?? '') + text });
}

function NextResult(props: { n: Next; name: string; fields: LmFields }) {
  const { n, name, fields } = props;
  const max = Math.max(1e-12, ...n.top.map((t) => t.prob));
  const row = (t: Next['top'][number]) => {
    const href = walkHref(name, fields, t);
    const bar = <span class="bar" style={`width:${((BAR_REM * t.prob) / max).toFixed(2)}rem`}></span>;
    return (
      <tr class={href ? 'lm-walk' : undefined}>
        <td>{href ? <a href={href} title="append this token to the context"><Tok t={t} /></a> : <Tok t={t} />}</td>
        <td>{href ? <a href={href} class="lm-bar-link" title="append this token to the context">{bar}</a> : bar}</td>
        <td>{pct(t.prob)}</td>
        <td class="lm-count">{t.count === null ? '—' : t.count}</td>
      </tr>
    );
  };
  return (
    <div>
      <p id="lm-context" class="note">
        Context: <Tok t={{ id: START, bytes: new Uint8Array(), text: '' }} />{n.context.map((t) => <Tok t={t} />)} — the model matched its last{' '}
        <strong id="lm-matched">{n.matched}</strong> token{n.matched === 1 ? '' : 's'}.{' '}
        <a id="lm-to-trie" href={viewHref(name, 'trie', fields, { path: n.path.join(',') })}>Its node in the trie explorer</a>
      </p>
      <table class="lm-bars" id="lm-next">
        <thead><tr><th>token</th><th>probability</th><th></th><th>trie count</th></tr></thead>
        <tbody>
          {n.top.map(row)}
        </tbody>
      </table>
      <p class="note">
        Trie count: the n-gram (matched context, token)’s count (adjusted, as Kneser-Ney uses it); — when the token never followed
        that context and gets its probability from shorter contexts. Each of the {n.unseen.tokens} tokens never seen in training
        gets {pct(n.unseen.prob)}. Click a token or its bar to append it to the context and see what follows (the context is text,
        tokenized afresh, so tokens can merge differently; &lt;/s&gt; and tokens that are part of a character cannot be appended).
      </p>
    </div>
  );
}

/** A link down or up the trie: the page's URL (with the other views' fields) and, for htmx, its fragment. */
function TrieLink(props: { model: string; fields: LmFields; path: number[]; children: unknown }) {
  const href = viewHref(props.model, 'trie', props.fields, { path: props.path.join(',') });
  return (
    <a href={href} hx-get={`/fragment/lm/${encodeURIComponent(props.model)}/trie${href.slice(href.indexOf('?'))}`} hx-target="#lm-result" hx-push-url={href}>
      {props.children}
    </a>
  );
}

function TrieResult(props: { t: TrieView; name: string; fields: LmFields }) {
  const { t, name: model, fields } = props;
  const ids = t.path.map((p) => p.id);
  return (
    <div>
      <p id="lm-breadcrumb" class="lm-breadcrumb">
        <TrieLink model={model} fields={fields} path={[]}>root</TrieLink>
        {t.path.map((p, i) => <> › <TrieLink model={model} fields={fields} path={ids.slice(0, i + 1)}><Tok t={p} /></TrieLink></>)}
        {t.node.count !== null ? <span class="note"> · count {t.node.count}</span> : null}
      </p>
      {t.context ? (
        <p class="note">
          <a id="lm-to-next" href={viewHref(model, 'next', { ...fields, context: t.context.text })}>The next tokens after this path</a>
          {t.context.startsLine ? '' : ' (taken as the start of a line: the next-token view begins every context with <s>)'}
        </p>
      ) : (
        <p class="note" id="lm-no-next">This path cuts a character, so the next-token view (which takes text) cannot show it.</p>
      )}
      {!t.node.found ? <p class="note">This path is not in the trie: the model never counted it.</p> : null}
      {ids.length === 0 ? (
        <p class="note">
          The root’s children are the unigrams. Sentence starts hang below{' '}
          <TrieLink model={model} fields={fields} path={[START]}><code class="tok lm-marker">&lt;s&gt;</code></TrieLink>.
        </p>
      ) : null}
      {t.node.found && t.children.length === 0 ? <p class="note">No children: {ids.length >= 1 ? 'this n-gram is as long as the model’s order, or nothing followed it.' : ''}</p> : null}
      {t.children.length > 0 ? (
        <table class="lm-bars" id="lm-trie">
          <thead><tr><th>token</th><th>count</th><th>P(token | path)</th><th></th><th>children</th></tr></thead>
          <tbody>
            {t.children.map((c) => (
              <tr>
                <td>{c.children > 0 ? <TrieLink model={model} fields={fields} path={[...ids, c.id]}><Tok t={c} /></TrieLink> : <Tok t={c} />}</td>
                <td>{c.count}</td>
                <td>{pct(c.prob)}</td>
                <td><span class="bar" style={`width:${(BAR_REM * c.prob).toFixed(2)}rem`}></span></td>
                <td>{c.children}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {t.node.total > t.children.length ? <p class="note">The {t.children.length} most frequent of {t.node.total} children (at most {TRIE_CHILDREN_SHOWN} shown).</p> : null}
    </div>
  );
}

function SampleResult(props: { s: Sampled }) {
  const { s } = props;
  return (
    <div>
      <p id="lm-hover" class="note">Hover a token: the probability the model gives it (before temperature, top-k and top-p).</p>
      <div class="tokens lm-tokens" id="lm-sample">
        {s.prompt.map((t) => <span class="lm-prompt"><Tok t={t} /></span>)}
        {s.tokens.map((t) => (
          <span class="lm-tok" style={heat(Math.log2(t.prob))} data-info={`${label(t)} · P = ${pct(t.prob)} · log₂ P = ${Math.log2(t.prob).toFixed(2)}`}>
            <Tok t={t} />
          </span>
        ))}
      </div>
      <p class="note">
        {s.tokens.length} tokens{s.ended ? ', then </s> ended the line' : ', stopped at the length'}. As text:{' '}
        <span id="lm-sample-text" class="lm-sample-text">{s.text}</span>
      </p>
    </div>
  );
}

const bits = (x: number) => `${x.toFixed(2)} bits`;

function AnswerResult(props: { a: Answer }) {
  const { a } = props;
  const w = a.withoutThought;
  const t = a.withThought;
  const rows = Math.max(w.tokens.length, t?.tokens.length ?? 0);
  const max = Math.max(1, ...w.tokens.map((x) => -x.log2prob), ...(t?.tokens.map((x) => -x.log2prob) ?? []));
  const bar = (x: AnswerSide['tokens'][number] | undefined, cls: string) =>
    x ? <span class={`bar ${cls}`} style={`width:${((BAR_REM * -x.log2prob) / max).toFixed(2)}rem`} title={`${x.log2prob.toFixed(2)} bits`}></span> : null;
  return (
    <div>
      <table class="stats" id="lm-answer-totals">
        <tbody>
          <tr><th>log₂ P(A | Q)</th><td id="lm-without">{bits(w.log2prob)}</td><td>P = {pct(2 ** w.log2prob)}</td></tr>
          {t ? <tr><th>log₂ P(A | Q, T)</th><td id="lm-with">{bits(t.log2prob)}</td><td>P = {pct(2 ** t.log2prob)}</td></tr> : null}
          {a.difference !== null ? (
            <tr><th>difference (with T − without)</th><td id="lm-difference">{a.difference >= 0 ? '+' : ''}{bits(a.difference)}</td><td>× {pct(2 ** a.difference)}</td></tr>
          ) : null}
        </tbody>
      </table>
      <p class="note">Bars: each token of A’s surprisal (−log₂ P, longer is less likely); blue given Q, orange given Q and T.</p>
      <table class="lm-bars" id="lm-answer-bars">
        <thead><tr><th>token of A</th><th>given Q</th><th>{t ? 'given Q, T' : ''}</th></tr></thead>
        <tbody>
          {Array.from({ length: rows }, (_, i) => (
            <tr>
              <td>{w.tokens[i] ? <Tok t={w.tokens[i]} /> : null}{t?.tokens[i] && w.tokens[i]?.id !== t.tokens[i].id ? <> / <Tok t={t.tokens[i]} /></> : null}</td>
              <td>{bar(w.tokens[i], 'lm-q')} {w.tokens[i] ? w.tokens[i].log2prob.toFixed(2) : ''}</td>
              <td>{bar(t?.tokens[i], 'lm-qt')} {t?.tokens[i] ? t.tokens[i].log2prob.toFixed(2) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <WindowNote a={a} />
    </div>
  );
}

/** Why only the last order - 1 tokens before A matter. */
function WindowNote(props: { a: Answer }) {
  const { a } = props;
  const w = a.withoutThought;
  const t = a.withThought;
  return (
    <div id="lm-window" class="lm-window">
      <p>
        This model sees at most <strong id="lm-window-size">{a.window}</strong> preceding token{a.window === 1 ? '' : 's'} (its order minus one;{' '}
        &lt;s&gt; counts as one). When A’s first token is predicted, {w.visibleQuestionTokens} of Q’s {w.questionTokens} tokens are in view
        {t ? <>; with T in between ({t.contextTokens - t.questionTokens} tokens), {t.visibleQuestionTokens} of them are</> : null}.
      </p>
      <p>
        Anything further back cannot change the probability: two questions that end in the same {a.window} token{a.window === 1 ? '' : 's'} give A
        exactly the same probability, however differently they begin. An n-gram model has no memory beyond its window, so a far-away prefix
        does not matter{t && t.visibleQuestionTokens === 0 ? ', and here T pushes Q out of sight entirely' : ''}.
      </p>
      {w.straddles || t?.straddles ? <p class="note">A token spans the boundary before A (the tokenizer merged it with the text before): it counts as A’s first token.</p> : null}
    </div>
  );
}
