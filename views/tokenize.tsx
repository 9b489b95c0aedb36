/**
 * The tokenize page: a text area that re-tokenizes as you type (htmx posts the form to /fragment/tokenize after
 * 250 ms without input), a tokenizer chooser, and the result as colored token spans with statistics.
 * All user text goes through JSX, which escapes it.
 */
import type { TokenSpan } from '../src/bpe/offsets/spans.js';
import { SCRIPTS } from '../src/eval/scripts.js';
import type { Tokenized } from '../src/server/tokenize.js';
import type { TokenizerEntry } from '../src/store/tokenizers.js';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { Layout } from './layout.js';

// Hovering a token marks every token with the same id in its list, marks the token's id in the ids view and
// names both (in #hover and as the token's tooltip); hovering an id in the ids view does the same for its token.
// Tokens carry no title of their own: it would weigh on every span of a long text. Static script, no user text
// in it; event delegation, so it keeps working after htmx swaps the result. The compare page uses it too.
export const HOVER_SCRIPT = `
document.addEventListener('mouseover', (e) => {
  const el = e.target.closest && e.target.closest('.tokens .t, #ids i');
  document.querySelectorAll('.same, .on').forEach((x) => x.classList.remove('same', 'on'));
  const out = document.getElementById('hover');
  if (out) out.textContent = '';
  if (!el) return;
  const ids = document.getElementById('ids');
  const token = el.matches('.t') ? el : document.querySelector('.tokens .t[data-i="' + Array.prototype.indexOf.call(ids.children, el) + '"]');
  if (!token) return;
  const id = ids && ids.children[token.dataset.i];
  token.title = 'token ' + token.dataset.i + ': id ' + token.dataset.id + (token.classList.contains('hex') ? ' (part of a character)' : '');
  token.closest('.tokens').querySelectorAll('.t[data-id="' + token.dataset.id + '"]').forEach((x) => x.classList.add('same'));
  token.classList.add('on');
  if (id) {
    id.classList.add('on');
    if (el === token && (id.offsetTop < ids.scrollTop || id.offsetTop > ids.scrollTop + ids.clientHeight)) ids.scrollTop = id.offsetTop - ids.clientHeight / 2;
  }
  if (out) out.textContent = token.title;
});`;

/**
 * Tokens are drawn this many at a time (a little more to end at a group's end): the first window with the
 * result, each next one when the reader scrolls to the end of the drawn ones. The statistics cover the whole text.
 */
export const MAX_RENDERED_TOKENS = 2_000;

export interface TokenizeOptions {
  text: string;
  tokenizer: string;
  whitespace: boolean;
}

/** A hue stable for an id: an integer hash of the id onto 0..359. */
export function hueOf(id: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 360;
}

/** The token's hue as a CSS variable (the stylesheet makes the background of it: short markup per span). */
function tokenStyle(id: number): string {
  return `--h:${hueOf(id)}`;
}

/** The characters of a token, with visible marks for whitespace when asked (the newline itself is kept). */
function shown(s: string, whitespace: boolean): string {
  if (!whitespace) return s;
  return s.replace(/\r\n|[ \t\n\r]/g, (m) => (m === ' ' ? '·' : m === '\t' ? '→\t' : m === '\r' ? '␍' : '↵\n'));
}

function Token(props: { span: TokenSpan; text: string; whitespace: boolean; cut: boolean }) {
  const { span } = props;
  return (
    <span class={props.cut ? 't cut' : 't'} style={tokenStyle(span.id)} data-id={String(span.id)} data-i={String(span.index)}>
      {shown(props.text.slice(span.start, span.end), props.whitespace)}
    </span>
  );
}

/** Tokens sharing split characters: the characters once, then each token's hex bytes. */
function Group(props: { spans: TokenSpan[]; text: string; whitespace: boolean; cut: boolean }) {
  const first = props.spans[0];
  const last = props.spans[props.spans.length - 1];
  return (
    <span class={props.cut ? 'grp cut' : 'grp'}>
      <span class="grp-text">{shown(props.text.slice(first.start, last.end), props.whitespace)}</span>
      {props.spans.map((s) => (
        <span class="t hex" style={tokenStyle(s.id)} data-id={String(s.id)} data-i={String(s.index)}>
          {s.hex}
        </span>
      ))}
    </span>
  );
}

/** `n`, or more to take in the whole group of split characters the n-th token belongs to. */
export function wholeGroups(spans: readonly TokenSpan[], n: number): number {
  const g = n > 0 ? spans[n - 1].group : null;
  while (g !== null && n < spans.length && spans[n].group === g) n++;
  return n;
}

/**
 * Tokens [from, to) of a result as spans, a split character's tokens grouped (`from` and `to` at group ends: see
 * wholeGroups). `cuts`: UTF-16 offsets whose boundary gets marked (the compare page's boundaries not every
 * tokenizer shares).
 */
export function TokenSpans(props: { result: Tokenized; whitespace: boolean; from: number; to: number; cuts?: ReadonlySet<number> }) {
  const { spans, text } = props.result;
  const cut = (end: number) => props.cuts !== undefined && props.cuts.has(end);
  const out = [];
  for (let i = props.from; i < props.to; ) {
    const g = spans[i].group;
    if (g === null) {
      out.push(<Token span={spans[i]} text={text} whitespace={props.whitespace} cut={cut(spans[i].end)} />);
      i++;
      continue;
    }
    let j = i;
    while (j < spans.length && spans[j].group === g) j++;
    out.push(<Group spans={spans.slice(i, j)} text={text} whitespace={props.whitespace} cut={cut(spans[j - 1].end)} />);
    i = j;
  }
  return <>{out}</>;
}

/** Where the window of tokens drawn from `from` ends. */
export function windowEnd(result: Tokenized, from: number): number {
  return wholeGroups(result.spans, Math.min(result.spans.length, from + MAX_RENDERED_TOKENS));
}

/**
 * A window of tokens from `from`, then (while tokens remain) the marker that asks for the next window when it
 * scrolls into view and is replaced by it. It is dropped while the form has a request in flight: a new text
 * replaces the whole result.
 */
export function TokenWindow(props: { result: Tokenized; whitespace: boolean; from: number }) {
  const { result, from } = props;
  const to = windowEnd(result, from);
  const left = result.spans.length - to;
  return (
    <>
      <TokenSpans result={result} whitespace={props.whitespace} from={from} to={to} />
      {left > 0 ? (
        <span
          class="more note"
          hx-post="/fragment/tokens"
          hx-trigger="revealed"
          hx-swap="outerHTML"
          hx-include="#tokenize-form"
          hx-vals={JSON.stringify({ from: String(to) })}
          hx-sync="#tokenize-form:drop"
        >
          {' '}… {left} more tokens, drawn as you scroll
        </span>
      ) : null}
    </>
  );
}

export function fmt(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

function Stats(props: { result: Tokenized }) {
  const s = props.result.stats;
  return (
    <div class="stats">
      <table>
        <tbody>
          <tr><th>tokens</th><td id="count">{s.tokens}</td></tr>
          <tr><th>characters</th><td>{s.characters}</td></tr>
          <tr><th>bytes (UTF-8)</th><td>{s.bytes}</td></tr>
          <tr><th>bytes / token</th><td>{fmt(s.bytesPerToken)}</td></tr>
          <tr><th>tokens / Han character</th><td>{fmt(s.tokensPerHan)}</td></tr>
          <tr><th>tokens / English word</th><td>{fmt(s.tokensPerEnglishWord)}</td></tr>
          <tr><th>partial-character tokens</th><td>{(s.partialShare * 100).toFixed(1)}%</td></tr>
        </tbody>
      </table>
      <table class="scripts">
        <thead>
          <tr><th>script</th><th>characters</th><th>tokens</th><th>share of tokens</th></tr>
        </thead>
        <tbody>
          {SCRIPTS.filter((k) => s.scriptCharacters[k] > 0).map((k) => {
            const share = s.tokens > 0 ? s.scriptTokens[k] / s.tokens : 0;
            return (
              <tr>
                <th>{k}</th>
                <td>{s.scriptCharacters[k]}</td>
                <td>{s.scriptTokens[k].toFixed(1)}</td>
                <td>
                  <span class="bar" style={`width:${(share * 100).toFixed(1)}px`}></span> {(share * 100).toFixed(1)}%
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The ids of tokens [from, to) as hover targets (an id's position among them is its token's index). */
function IdTargets(props: { ids: readonly number[]; from: number; to: number }) {
  return (
    <>
      {props.ids.slice(props.from, props.to).map((id, k) => (
        <>
          {props.from + k > 0 ? ' ' : ''}
          <i>{String(id)}</i>
        </>
      ))}
    </>
  );
}

/** The ids not drawn yet, as plain text after the targets (copying takes every id). */
function IdsRest(props: { ids: readonly number[]; from: number }) {
  return <>{props.from < props.ids.length ? (props.from > 0 ? ' ' : '') + props.ids.slice(props.from).join(' ') : ''}</>;
}

/** The result fragment htmx swaps into #result. */
export function TokenizeResult(props: { result: Tokenized; whitespace: boolean }) {
  const { result } = props;
  const drawn = windowEnd(result, 0);
  return (
    <div>
      <p class="summary">
        <strong>{result.ids.length}</strong> tokens with <strong>{result.tokenizer}</strong>
      </p>
      <div class="tokens">
        <TokenWindow result={result} whitespace={props.whitespace} from={0} />
      </div>
      <p id="hover" class="note" aria-live="polite"></p>
      <Stats result={result} />
      <details open>
        <summary>ids</summary>
        <pre id="ids">
          <IdTargets ids={result.ids} from={0} to={drawn} />
          <span id="ids-rest">
            <IdsRest ids={result.ids} from={drawn} />
          </span>
        </pre>
        <button type="button" onclick="navigator.clipboard.writeText(document.getElementById('ids').textContent)">
          copy ids
        </button>
      </details>
    </div>
  );
}

/**
 * The next window of tokens from `from` (it replaces the marker that asked for it) and, out of band, their ids
 * as hover targets before #ids-rest and what remains of the plain ids.
 */
export function MoreTokens(props: { result: Tokenized; whitespace: boolean; from: number }) {
  const { result, from } = props;
  return (
    <>
      <TokenWindow result={result} whitespace={props.whitespace} from={from} />
      <span hx-swap-oob="beforebegin:#ids-rest">
        <IdTargets ids={result.ids} from={from} to={windowEnd(result, from)} />
      </span>
      <span id="ids-rest" hx-swap-oob="innerHTML">
        <IdsRest ids={result.ids} from={windowEnd(result, from)} />
      </span>
    </>
  );
}

/** What the fragment shows instead of a result: an unknown tokenizer or a text over the limit. */
export function TokenizeError(props: { message: string }) {
  return (
    <p class="error" role="alert">
      {props.message}
    </p>
  );
}

/** A page's text box: htmx posts the page's form `delayMs` after the last keystroke. */
export function TextBox(props: { text: string; rows: number; placeholder: string; post: Record<string, string>; delayMs: number }) {
  return (
    <textarea name="text" rows={props.rows} placeholder={props.placeholder} {...props.post} hx-trigger={`input changed delay:${props.delayMs}ms`}>
      {/* HTML drops one newline right after <textarea>: lead with one so a text's own is kept */}
      {'\n' + props.text}
    </textarea>
  );
}

/** Where htmx swaps a page's result: the server-rendered result, or the message that stands for it. */
export function ResultSlot(props: { error?: string; children?: Child }) {
  return (
    <div id="result" aria-live="polite">
      {props.error !== undefined ? <TokenizeError message={props.error} /> : props.children}
    </div>
  );
}

const KIND_LABELS: Record<TokenizerEntry['kind'], string> = {
  tiktoken: 'tiktoken',
  shipped: 'shipped with tokenlab',
  user: 'yours',
};

/** The choosers' groups: tiktoken's encodings, the shipped vocabularies, the user's (absent when empty). */
export function tokenizerGroups(tokenizers: readonly TokenizerEntry[]): { label: string; entries: TokenizerEntry[] }[] {
  return (Object.keys(KIND_LABELS) as TokenizerEntry['kind'][])
    .map((kind) => ({ label: KIND_LABELS[kind], entries: tokenizers.filter((t) => t.kind === kind) }))
    .filter((g) => g.entries.length > 0);
}

export function TokenizePage(props: {
  options: TokenizeOptions;
  tokenizers: readonly TokenizerEntry[];
  result?: Tokenized;
  error?: string;
}) {
  const { options } = props;
  const post = {
    'hx-post': '/fragment/tokenize',
    'hx-target': '#result',
    'hx-include': '#tokenize-form',
    // A newer request replaces one still in flight: the result never goes back to an older text.
    'hx-sync': 'closest form:replace',
  };
  return (
    <Layout title="Tokenize">
      <script>{raw(HOVER_SCRIPT)}</script>
      <form id="tokenize-form" method="get" action="/">
        <TextBox text={options.text} rows={8} placeholder="Type or paste text" post={post} delayMs={250} />
        <div class="controls">
          <label>
            tokenizer{' '}
            <select name="tokenizer" {...post} hx-trigger="change">
              {tokenizerGroups(props.tokenizers).map((g) => (
                <optgroup label={g.label}>
                  {g.entries.map((t) => (
                    <option value={t.name} selected={t.name === options.tokenizer}>
                      {t.name}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>{' '}
          <label>
            <input type="checkbox" name="ws" value="1" checked={options.whitespace} {...post} hx-trigger="change" /> show
            whitespace
          </label>{' '}
          <noscript>
            <button type="submit">tokenize</button>
          </noscript>
        </div>
      </form>
      <ResultSlot error={props.error}>
        {props.result !== undefined ? <TokenizeResult result={props.result} whitespace={options.whitespace} /> : null}
      </ResultSlot>
    </Layout>
  );
}
