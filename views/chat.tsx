/**
 * The tokenize page's chat view: a conversation (messages with a role and content, added, removed and moved by
 * a small static script), the tokenizer and its chat formats, the switches the template reads, and the prompt
 * counted (chat-result.tsx). htmx posts the whole form to /fragment/chat as it is edited; the format's fields
 * (#chat-setup, #chat-template) come back out of band only when what they show has changed, so a field being
 * typed in is never replaced. All user text goes through JSX, which escapes it.
 */
import { raw } from 'hono/html';
import { ChatResult, type ChatCounted } from './chat-result.js';
import { Layout } from './layout.js';
import { ResultSlot } from './tokenize.js';
import { ModeTabs } from './tokenize-tabs.js';
import { AddModelsNote, TokenizerOptions, type AddableModel } from './tokenizer-chooser.js';
import type { TokenizerChoice } from './tokenizer-groups.js';
import { HOVER_SCRIPT } from './tokens.js';

export interface ChatMessageField {
  role: string;
  content: string;
}

/** The view's state: what the form holds and the shareable URL carries. */
export interface ChatOptions {
  tokenizer: string;
  /** The chat format (one the tokenizer offers). */
  format: string;
  /** The custom format's Jinja template. */
  template: string;
  messages: readonly ChatMessageField[];
  generationPrompt: boolean;
  /** Qwen3's thinking switch: on is the template's default. */
  thinking: boolean;
  /** harmony's reasoning effort; undefined: the template's default. */
  effort?: string;
  whitespace: boolean;
}

/** What the format's fields show: the formats offered, what the chosen one is, and the switches it reads. */
export interface ChatSetupView {
  formats: ReadonlyArray<{ value: string; label: string }>;
  /** The template's name and the models it is theirs; undefined where the format could not be set up. */
  label?: string;
  appliesTo?: string;
  switches: readonly string[];
  /** The format's marker tokens got ids after the vocabulary's last: no published encoding gives them one. */
  markersAdded: boolean;
  /** The text the template field shows: the custom template, or the chosen format's own (to start editing from). */
  template: string;
  /** What #chat-setup and #chat-template show, as keys: the fragment swaps a block in only when its key changes. */
  keys: { setup: string; template: string };
}

export const REASONING_EFFORTS = ['low', 'medium', 'high'];

/** Adds, removes and moves messages, then asks htmx to count again. Static script, no user text in it. */
const EDIT_SCRIPT = `
document.addEventListener('click', (e) => {
  const button = e.target.closest && e.target.closest('button[data-chat]');
  if (!button) return;
  const list = document.getElementById('chat-messages');
  const row = button.closest('.chat-msg');
  const act = button.dataset.chat;
  if (act === 'add') {
    const last = list.lastElementChild;
    const added = document.getElementById('chat-message-template').content.firstElementChild.cloneNode(true);
    added.querySelector('select').value = last && last.querySelector('select').value === 'user' ? 'assistant' : 'user';
    list.append(added);
    added.querySelector('textarea').focus();
  } else if (act === 'remove') {
    if (list.children.length > 1) row.remove();
  } else if (act === 'up') {
    if (row.previousElementSibling) list.insertBefore(row, row.previousElementSibling);
  } else if (act === 'down') {
    if (row.nextElementSibling) list.insertBefore(row.nextElementSibling, row);
  }
  if (window.htmx) htmx.trigger(document.getElementById('chat-form'), 'chat-edit');
});`;

/** A text area's content: HTML drops one newline right after <textarea>, so lead with one to keep the text's own. */
const areaText = (text: string) => '\n' + text;

function MessageRow(props: { roles: readonly string[]; message: ChatMessageField }) {
  return (
    <div class="chat-msg">
      <select name="role" aria-label="role">
        {props.roles.map((r) => (
          <option value={r} selected={r === props.message.role}>
            {r}
          </option>
        ))}
      </select>
      <textarea name="content" rows={3} placeholder="the message" aria-label="content">
        {areaText(props.message.content)}
      </textarea>
      <span class="chat-msg-tools">
        <button type="button" data-chat="up" title="move up" aria-label="move up">
          ↑
        </button>
        <button type="button" data-chat="down" title="move down" aria-label="move down">
          ↓
        </button>
        <button type="button" data-chat="remove" title="remove" aria-label="remove">
          ✕
        </button>
      </span>
    </div>
  );
}

/** Marks a block swapped in out of band, and carries its key back with the form. */
function Keyed(props: { id: string; name: string; value: string; oob: boolean; children?: unknown }) {
  return (
    <div id={props.id} {...(props.oob ? { 'hx-swap-oob': 'true' } : {})}>
      <input type="hidden" name={props.name} value={props.value} />
      {props.children}
    </div>
  );
}

/** The format chooser, the switches the template reads, and which models the template is theirs. */
export function ChatSetupFields(props: { options: ChatOptions; setup: ChatSetupView; oob: boolean }) {
  const { options, setup } = props;
  return (
    <Keyed id="chat-setup" name="shown-setup" value={setup.keys.setup} oob={props.oob}>
      <label>
        format{' '}
        <select name="format">
          {setup.formats.map((f) => (
            <option value={f.value} selected={f.value === options.format}>
              {f.label}
            </option>
          ))}
        </select>
      </label>{' '}
      {setup.switches.includes('enable_thinking') ? (
        <label>
          <input type="hidden" name="thinking" value="0" />
          <input type="checkbox" name="thinking" value="1" checked={options.thinking} /> thinking (<code>enable_thinking</code>)
        </label>
      ) : null}{' '}
      {setup.switches.includes('reasoning_effort') ? (
        <label>
          reasoning effort{' '}
          <select name="effort">
            {REASONING_EFFORTS.map((e) => (
              <option value={e} selected={e === (options.effort ?? 'medium')}>
                {e}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {setup.label !== undefined ? (
        <p class="note" id="chat-applies">
          Template: <strong>{setup.label}</strong>; it is the format of {setup.appliesTo}.
        </p>
      ) : null}
      {setup.markersAdded ? (
        <p class="note">
          This tokenizer has no tokens for the format’s markers: they are counted as one token each, with ids after its last (no published
          encoding gives them one).
        </p>
      ) : null}
    </Keyed>
  );
}

/** The custom format's template (shown by CSS only while "custom" is chosen), holding the chosen format's own until edited. */
export function TemplateField(props: { setup: ChatSetupView; oob: boolean }) {
  return (
    <Keyed id="chat-template" name="shown-template" value={props.setup.keys.template} oob={props.oob}>
      <label class="chat-template">
        Jinja chat template (as transformers renders it: <code>messages</code>, <code>add_generation_prompt</code>, the tokenizer’s special
        tokens)
        <textarea name="template" rows={10} spellcheck={false}>
          {areaText(props.setup.template)}
        </textarea>
      </label>
    </Keyed>
  );
}

export function ChatPage(props: {
  options: ChatOptions;
  setup: ChatSetupView;
  roles: readonly string[];
  tokenizers: readonly TokenizerChoice[];
  addable: readonly AddableModel[];
  result?: ChatCounted;
  error?: string;
}) {
  const { options } = props;
  // Text is counted 250 ms after the last keystroke, a choice at once. hx-sync: a newer request replaces one still
  // in flight, so neither the result nor the format's fields go back to an older state.
  return (
    <Layout title="Tokenize a chat">
      <script>{raw(HOVER_SCRIPT)}</script>
      <script>{raw(EDIT_SCRIPT)}</script>
      <ModeTabs mode="chat" tokenizer={options.tokenizer} />
      <form
        id="chat-form"
        method="get"
        action="/chat"
        hx-post="/fragment/chat"
        hx-target="#result"
        hx-trigger="input[target.tagName=='TEXTAREA'] delay:250ms, change[target.tagName!='TEXTAREA'], chat-edit"
        hx-sync="this:replace"
      >
        <div id="chat-messages" class="chat-msgs">
          {options.messages.map((m) => (
            <MessageRow roles={props.roles} message={m} />
          ))}
        </div>
        <button type="button" data-chat="add">
          add a message
        </button>
        <div class="controls">
          <label>
            tokenizer{' '}
            <select name="tokenizer">
              <TokenizerOptions tokenizers={props.tokenizers} selected={options.tokenizer} />
            </select>
          </label>{' '}
          <label>
            <input type="hidden" name="gen" value="0" />
            <input type="checkbox" name="gen" value="1" checked={options.generationPrompt} /> add generation prompt
          </label>{' '}
          <label>
            <input type="checkbox" name="ws" value="1" checked={options.whitespace} /> show whitespace
          </label>{' '}
          <noscript>
            <button type="submit">count</button>
          </noscript>
          <ChatSetupFields options={options} setup={props.setup} oob={false} />
          <TemplateField setup={props.setup} oob={false} />
        </div>
        <AddModelsNote addable={props.addable} />
      </form>
      <template id="chat-message-template">
        <MessageRow roles={props.roles} message={{ role: 'user', content: '' }} />
      </template>
      <ResultSlot error={props.error}>
        {props.result !== undefined ? <ChatResult result={props.result} whitespace={options.whitespace} /> : null}
      </ResultSlot>
    </Layout>
  );
}
