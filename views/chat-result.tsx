/**
 * The chat view's result: the prompt as the template rendered it (messages' content, the template's own text
 * and control tokens each marked), its tokens colored as on the plain view (tokens.tsx), where the tokens go per
 * message, control-token text typed into a message, and how much of each model's context the prompt takes.
 */
import { fmt } from './format.js';
import { IdsView, MAX_RENDERED_TOKENS } from './tokenize.js';
import { markWhitespace, TokenSpans, wholeGroups, type TokenSpan } from './tokens.js';
import { TOKEN_KEYS } from './token-keys.js';

/** A stretch of the rendered prompt: a message's content, a control token, or other text the template wrote. */
export interface PromptPart {
  kind: 'content' | 'control' | 'template';
  text: string;
  message?: number;
}

export interface MessageRow {
  role: string;
  contentTokens: number;
  /** The rest of the message's share of the prompt; null when the shares could not be found. */
  templateTokens: number | null;
}

export interface ControlTextWarning {
  message: number;
  tokens: readonly string[];
  countAsText: number;
}

export interface ContextUse {
  model: string;
  contextTokens: number;
  source: string;
}

/** A conversation counted: the numbers are countConversation's (src/chat/conversation.ts). */
export interface ChatCounted {
  tokenizer: string;
  count: number;
  parts: readonly PromptPart[];
  /** The text the tokens spell (spans are over it): the rendered prompt unless the tokenizer normalized it. */
  spelled: string;
  spelledChanged: boolean;
  ids: readonly number[];
  spans: readonly TokenSpan[];
  base: number | null;
  generationPrompt: number | null;
  messages: readonly MessageRow[];
  sharesNote?: string;
  warnings: readonly ControlTextWarning[];
  /** The models the tokenizer serves (their context windows); empty when the lab knows none. */
  context: readonly ContextUse[];
}

function Warnings(props: { result: ChatCounted }) {
  return (
    <>
      {props.result.warnings.map((w) => (
        <div class="chat-warning" role="alert">
          <strong>
            Message {w.message + 1} contains control-token text: {w.tokens.join(', ')}.
          </strong>{' '}
          It is counted as control tokens, as the model reads it. As plain text the prompt would be <strong>{w.countAsText}</strong> tokens,
          not {props.result.count}.
        </div>
      ))}
    </>
  );
}

function RenderedPrompt(props: { parts: readonly PromptPart[]; whitespace: boolean }) {
  return (
    <>
      <p class="note chat-legend">
        <span class="chat-content">message content</span> <span class="chat-template-text">the template’s text</span>{' '}
        <span class="chat-control">control token</span>
      </p>
      <pre class="chat-prompt" id="chat-prompt">
        {props.parts.map((p) =>
          p.kind === 'content' ? (
            <span class="chat-content" data-message={String((p.message ?? 0) + 1)}>
              {props.whitespace ? markWhitespace(p.text, true) : p.text}
            </span>
          ) : (
            <span class={p.kind === 'control' ? 'chat-control' : 'chat-template-text'}>
              {props.whitespace ? markWhitespace(p.text, true) : p.text}
            </span>
          ),
        )}
      </pre>
    </>
  );
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Per message: its content's tokens, what the template adds around it, and both; the rows add up to the count. */
function MessageTable(props: { result: ChatCounted }) {
  const r = props.result;
  const shares = r.messages.every((m) => m.templateTokens !== null);
  const content = sum(r.messages.map((m) => m.contentTokens));
  return (
    <>
      <table class="chat-table" id="chat-table">
        <thead>
          <tr>
            <th>message</th>
            <th>role</th>
            <th>content tokens</th>
            <th>template tokens</th>
            <th>total</th>
          </tr>
        </thead>
        <tbody>
          {r.base !== null ? (
            <tr data-row="base">
              <th colspan={2}>before the first message</th>
              <td>0</td>
              <td>{r.base}</td>
              <td>{r.base}</td>
            </tr>
          ) : null}
          {r.messages.map((m, i) => (
            <tr data-row={String(i + 1)}>
              <th>{i + 1}</th>
              <td>{m.role}</td>
              <td>{m.contentTokens}</td>
              <td>{m.templateTokens ?? '—'}</td>
              <td>{m.templateTokens === null ? '—' : m.contentTokens + m.templateTokens}</td>
            </tr>
          ))}
          {r.generationPrompt !== null ? (
            <tr data-row="generation">
              <th colspan={2}>generation prompt</th>
              <td>0</td>
              <td>{r.generationPrompt}</td>
              <td>{r.generationPrompt}</td>
            </tr>
          ) : null}
        </tbody>
        <tfoot>
          <tr data-row="total">
            <th colspan={2}>the prompt</th>
            <td>{shares ? content : '—'}</td>
            <td>{shares ? r.count - content : '—'}</td>
            <td>{r.count}</td>
          </tr>
        </tfoot>
      </table>
      {r.sharesNote !== undefined ? <p class="note">Each message’s share is not shown: {r.sharesNote}.</p> : null}
      <p class="note">
        A message’s template tokens are what the prompt grows by when the message is added, less its content’s tokens: a template that
        rewrites earlier turns (Qwen3 drops earlier reasoning) can make them negative.
      </p>
    </>
  );
}

function ContextTable(props: { result: ChatCounted }) {
  const { context, count, tokenizer } = props.result;
  return (
    <div class="chat-context">
      {context.length === 0 ? (
        <p class="note">tokenlab knows no model’s context window for {tokenizer}.</p>
      ) : (
        <table class="chat-table" id="chat-context">
          <thead>
            <tr>
              <th>model</th>
              <th>context window</th>
              <th>this prompt uses</th>
              <th>source</th>
            </tr>
          </thead>
          <tbody>
            {context.map((c) => {
              const used = count / c.contextTokens;
              return (
                <tr>
                  <th>{c.model}</th>
                  <td>{c.contextTokens.toLocaleString('en-US')}</td>
                  <td>
                    <span class="bar" style={`width:${Math.min(100, used * 100).toFixed(1)}px`}></span> {fmt(used * 100)}%
                  </td>
                  <td class="note">{c.source}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p class="note">
        Prices are not shown: tokenlab cannot read the vendors’ price pages where it runs (it works offline), and a price without the date
        it was read would mislead.
      </p>
    </div>
  );
}

/** The result fragment htmx swaps into #result. Tokens are drawn up to MAX_RENDERED_TOKENS; the counts cover them all. */
export function ChatResult(props: { result: ChatCounted; whitespace: boolean }) {
  const r = props.result;
  const drawn = wholeGroups(r.spans, Math.min(r.spans.length, MAX_RENDERED_TOKENS));
  return (
    <div>
      <p class="summary">
        <strong id="count">{r.count}</strong> tokens with <strong>{r.tokenizer}</strong>
      </p>
      <Warnings result={r} />
      <h3>The prompt</h3>
      <RenderedPrompt parts={r.parts} whitespace={props.whitespace} />
      <h3>Its tokens</h3>
      {r.spelledChanged ? (
        <p class="note">
          {r.tokenizer} changes the text before its model sees it: the tokens below are drawn over the text as the model sees it.
        </p>
      ) : null}
      <div class="tokens" {...TOKEN_KEYS}>
        <TokenSpans text={r.spelled} spans={r.spans} whitespace={props.whitespace} from={0} to={drawn} />
        {drawn < r.spans.length ? <span class="note"> … {r.spans.length - drawn} more tokens, not drawn</span> : null}
      </div>
      <p id="hover" class="note" aria-live="polite"></p>
      <h3>Per message</h3>
      <MessageTable result={r} />
      <h3>Context window</h3>
      <ContextTable result={r} />
      <IdsView ids={r.ids} drawn={drawn} />
    </div>
  );
}
