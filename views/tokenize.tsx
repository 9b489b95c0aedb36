/**
 * The tokenize page: a text area that re-tokenizes as you type (htmx posts the form to /fragment/tokenize after
 * 250 ms without input and morphs the result in), a tokenizer chooser, and the result as colored token spans
 * with statistics.
 * All user text goes through JSX, which escapes it.
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { fmt } from './format.js';
import { Layout } from './layout.js';
import { AddModelsNote, TokenizerOptions, type AddableModel } from './tokenizer-chooser.js';
import type { TokenizerChoice } from './tokenizer-groups.js';
import { ModeTabs } from './tokenize-tabs.js';
import { HOVER_SCRIPT, IdsRest, IdTargets, TokenSpans, wholeGroups, type TokenSpan } from './tokens.js';
import { TOKEN_KEYS } from './token-keys.js';
import { PaletteChoice } from './palette.js';

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

/** The statistics the page shows of a text (src/eval's evaluation of it). */
export interface TokenizeStats {
  tokens: number;
  characters: number;
  bytes: number;
  bytesPerToken: number;
  tokensPerHan: number | null;
  tokensPerEnglishWord: number | null;
  partialShare: number;
  /** By script: characters, and tokens (each token shared among the scripts of its bytes). */
  scriptCharacters: Readonly<Record<string, number>>;
  scriptTokens: Readonly<Record<string, number>>;
}

/** A text through one tokenizer: its tokens' ids and places, and their statistics. */
export interface TokenizedText {
  tokenizer: string;
  /** The text the tokens spell (spans are over it): the text given unless the tokenizer normalized it. */
  text: string;
  spelledChanged: boolean;
  ids: readonly number[];
  spans: readonly TokenSpan[];
  stats: TokenizeStats;
}

/** Where the window of tokens drawn from `from` ends. */
export function windowEnd(result: TokenizedText, from: number): number {
  return wholeGroups(result.spans, Math.min(result.spans.length, from + MAX_RENDERED_TOKENS));
}

/**
 * A window of tokens from `from`, then (while tokens remain) the marker that asks for the next window when it
 * scrolls into view and is replaced by it. It is dropped while the form has a request in flight: a new text
 * replaces the whole result.
 */
export function TokenWindow(props: { result: TokenizedText; whitespace: boolean; from: number }) {
  const { result, from } = props;
  const to = windowEnd(result, from);
  const left = result.spans.length - to;
  return (
    <>
      <TokenSpans text={result.text} spans={result.spans} whitespace={props.whitespace} from={from} to={to} />
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
          {' '}
          … {left} more tokens, drawn as you scroll
        </span>
      ) : null}
    </>
  );
}

/** The statistics; `scripts` in the order the chart lists them (only those the text has are listed). */
function Stats(props: { result: TokenizedText; scripts: readonly string[] }) {
  const s = props.result.stats;
  return (
    <div class="stats">
      <table>
        <tbody>
          <tr>
            <th>tokens</th>
            <td id="count">{s.tokens}</td>
          </tr>
          <tr>
            <th>characters</th>
            <td>{s.characters}</td>
          </tr>
          <tr>
            <th>bytes (UTF-8)</th>
            <td>{s.bytes}</td>
          </tr>
          <tr>
            <th>bytes / token</th>
            <td>{fmt(s.bytesPerToken)}</td>
          </tr>
          <tr>
            <th>tokens / Han character</th>
            <td>{fmt(s.tokensPerHan)}</td>
          </tr>
          <tr>
            <th>tokens / English word</th>
            <td>{fmt(s.tokensPerEnglishWord)}</td>
          </tr>
          <tr>
            <th>partial-character tokens</th>
            <td>{(s.partialShare * 100).toFixed(1)}%</td>
          </tr>
        </tbody>
      </table>
      <table class="scripts">
        <thead>
          <tr>
            <th>script</th>
            <th>characters</th>
            <th>tokens</th>
            <th>share of tokens</th>
          </tr>
        </thead>
        <tbody>
          {props.scripts
            .filter((k) => s.scriptCharacters[k] > 0)
            .map((k) => {
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

/** The result fragment htmx swaps into #result. */
export function TokenizeResult(props: { result: TokenizedText; scripts: readonly string[]; whitespace: boolean }) {
  const { result } = props;
  const drawn = windowEnd(result, 0);
  return (
    <div>
      <p class="summary">
        <strong>{result.ids.length}</strong> tokens with <strong>{result.tokenizer}</strong>
      </p>
      {result.spelledChanged && (
        <p class="note">
          {result.tokenizer} changes the text before its model sees it (normalization, spaces taken by an added token, or a prefix space):
          the tokens below are drawn over the text as the model sees it.
        </p>
      )}
      <div class="tokens" {...TOKEN_KEYS}>
        <TokenWindow result={result} whitespace={props.whitespace} from={0} />
      </div>
      <p id="hover" class="note" aria-live="polite"></p>
      <Stats result={result} scripts={props.scripts} />
      <IdsView ids={result.ids} drawn={drawn} />
    </div>
  );
}

/** The ids of a result's tokens, the first `drawn` of them as hover targets (see HOVER_SCRIPT), and a copy button. */
export function IdsView(props: { ids: readonly number[]; drawn: number }) {
  return (
    <details open>
      <summary>ids</summary>
      <pre id="ids">
        <IdTargets ids={props.ids} from={0} to={props.drawn} />
        <span id="ids-rest">
          <IdsRest ids={props.ids} from={props.drawn} />
        </span>
      </pre>
      <button type="button" onclick="navigator.clipboard.writeText(document.getElementById('ids').textContent)">
        copy ids
      </button>
    </details>
  );
}

/**
 * The next window of tokens from `from` (it replaces the marker that asked for it) and, out of band, their ids
 * as hover targets before #ids-rest and what remains of the plain ids.
 */
export function MoreTokens(props: { result: TokenizedText; whitespace: boolean; from: number }) {
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
    <textarea
      name="text"
      rows={props.rows}
      placeholder={props.placeholder}
      {...props.post}
      hx-trigger={`input changed delay:${props.delayMs}ms`}
    >
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

export function TokenizePage(props: {
  options: TokenizeOptions;
  tokenizers: readonly TokenizerChoice[];
  /** Model tokenizers not added yet, which the chooser points to. */
  addable: readonly AddableModel[];
  scripts: readonly string[];
  result?: TokenizedText;
  error?: string;
}) {
  const { options } = props;
  const post = {
    'hx-post': '/fragment/tokenize',
    'hx-target': '#result',
    // A morph: the tokens that stay keep their elements, so the hovered one stays hovered and the page keeps its place.
    'hx-swap': 'innerMorph',
    'hx-include': '#tokenize-form',
    // A newer request replaces one still in flight: the result never goes back to an older text.
    'hx-sync': 'closest form:replace',
  };
  return (
    <Layout title="Tokenize">
      <script>{raw(HOVER_SCRIPT)}</script>
      <ModeTabs mode="plain" tokenizer={options.tokenizer} />
      <form id="tokenize-form" method="get" action="/">
        <TextBox text={options.text} rows={8} placeholder="Type or paste text" post={post} delayMs={250} />
        <div class="controls">
          <label>
            tokenizer{' '}
            <select name="tokenizer" {...post} hx-trigger="change">
              <TokenizerOptions tokenizers={props.tokenizers} selected={options.tokenizer} />
            </select>
          </label>{' '}
          <label>
            <input type="checkbox" name="ws" value="1" checked={options.whitespace} {...post} hx-trigger="change" /> show whitespace
          </label>{' '}
          <PaletteChoice />
          <noscript>
            <button type="submit">tokenize</button>
          </noscript>
        </div>
        <AddModelsNote addable={props.addable} />
      </form>
      <ResultSlot error={props.error}>
        {props.result !== undefined ? (
          <TokenizeResult result={props.result} scripts={props.scripts} whitespace={options.whitespace} />
        ) : null}
      </ResultSlot>
    </Layout>
  );
}
