/**
 * The tokenize page's chat view: GET /chat and the fragment htmx asks for as the conversation is edited. The
 * conversation is counted by countChat (src/jobs/chat-count.ts) from a request checked as POST /api/chat checks
 * its own (readChatRequest), so the view and the API count alike.
 */
import { Hono } from 'hono';
import { ChatPage, ChatSetupFields, REASONING_EFFORTS, TemplateField, type ChatOptions, type ChatSetupView } from '../../views/chat.js';
import { ChatResult, type ChatCounted } from '../../views/chat-result.js';
import { TokenizeError } from '../../views/tokenize.js';
import { spelledText } from '../bpe/offsets/spelled-text.js';
import { tokenSpans } from '../bpe/offsets/spans.js';
import { BUILT_IN_FORMATS } from '../chat/formats.js';
import { CHAT_ROLES } from '../chat/messages.js';
import { MODEL_CARDS } from '../chat/model-cards.js';
import { countChat, type ChatAnswer } from '../jobs/chat-count.js';
import { chatFormatsFor, chatSetup, type ChatFormatName, type ChatSetup } from '../store/chat-setups.js';
import { readChatRequest } from './chat.js';
import { chooserChoices } from './choosers.js';
import { attempt, type RequestError } from './errors.js';
import { MAX_URL_TEXT } from './limits.js';
import { DEFAULT_TOKENIZER, field, pageMessage, readPageForm } from './tokenize-page.js';

/**
 * The view's state from a query or a form (`all` gives a field's values in order). Line breaks are LF: a text
 * area's value has LF, which the browser sends as CR LF. No messages: one empty user message.
 */
function optionsOf(all: (k: string) => string[]): ChatOptions {
  const lf = (s: string) => s.replace(/\r\n/g, '\n');
  const roles = all('role');
  const contents = all('content');
  const n = Math.max(roles.length, contents.length, 1);
  const effort = all('effort')[0];
  return {
    tokenizer: all('tokenizer')[0] || DEFAULT_TOKENIZER,
    format: all('format')[0] ?? '',
    template: lf(all('template')[0] ?? ''),
    messages: Array.from({ length: n }, (_, i) => ({ role: roles[i] ?? 'user', content: lf(contents[i] ?? '') })),
    generationPrompt: flag(all('gen'), true),
    thinking: flag(all('thinking'), true),
    ...(effort !== undefined && REASONING_EFFORTS.includes(effort) ? { effort } : {}),
    whitespace: all('ws')[0] === '1',
  };
}

/** A checkbox that is on by default: the form sends "0" from a hidden field, then "1" when it is ticked. */
function flag(values: string[], byDefault: boolean): boolean {
  return values.includes('1') ? true : values.includes('0') ? false : byDefault;
}

/** The view's state as a query string; the conversation (and a custom template) only when `withText`. */
export function chatShareUrl(o: ChatOptions, withText: boolean): string {
  const q = new URLSearchParams({ tokenizer: o.tokenizer, format: o.format });
  if (!o.generationPrompt) q.set('gen', '0');
  if (!o.thinking) q.set('thinking', '0');
  if (o.effort !== undefined) q.set('effort', o.effort);
  if (o.whitespace) q.set('ws', '1');
  if (withText) {
    if (o.format === 'custom') q.set('template', o.template);
    for (const m of o.messages) {
      q.append('role', m.role);
      q.append('content', m.content);
    }
  }
  return `/chat?${q}`;
}

/** Whether the conversation (and a custom template) is short enough for the URL, as the plain view's text is. */
function fitsUrl(o: ChatOptions): boolean {
  const template = o.format === 'custom' ? o.template.length : 0;
  return template + o.messages.reduce((n, m) => n + m.content.length, 0) <= MAX_URL_TEXT;
}

/** What the view shows for `o`: the options with the format resolved, the format's fields, and the count or why not. */
interface Shown {
  options: ChatOptions;
  setup: ChatSetupView;
  result?: ChatCounted;
  refusal?: RequestError;
}

async function show(asked: ChatOptions): Promise<Shown> {
  const formats = chatFormatsFor(asked.tokenizer);
  // A format the tokenizer does not offer (the tokenizer was just changed): its default.
  const format = (formats as string[]).includes(asked.format) ? (asked.format as ChatFormatName) : formats[0];
  const options = { ...asked, format };
  const made = await attempt(() => chatSetup(options.tokenizer, format, format === 'custom' ? options.template : undefined));
  const setup = setupView(options, formats, made.result);
  if (made.refusal !== undefined) return { options, setup, refusal: made.refusal };
  const counted = await attempt(() => countChat(chatRequest(options, made.result)));
  if (counted.refusal !== undefined) return { options, setup, refusal: counted.refusal };
  return { options, setup, result: countedView(counted.result) };
}

function chatRequest(o: ChatOptions, setup: ChatSetup) {
  return readChatRequest({
    tokenizer: o.tokenizer,
    messages: o.messages,
    addGenerationPrompt: o.generationPrompt,
    options: {
      format: o.format,
      ...(o.format === 'custom' ? { template: o.template } : {}),
      // Thinking on is Qwen3's default: the switch is passed only when turned off.
      ...(setup.switches.includes('enable_thinking') && !o.thinking ? { enableThinking: false } : {}),
      ...(setup.switches.includes('reasoning_effort') && o.effort !== undefined ? { reasoningEffort: o.effort } : {}),
    },
  });
}

const FORMAT_LABELS: Record<ChatFormatName, (tokenizer: string) => string> = {
  model: (t) => `${t}’s own chat template`,
  chatml: () => BUILT_IN_FORMATS.chatml.label,
  harmony: () => BUILT_IN_FORMATS.harmony.label,
  plain: () => BUILT_IN_FORMATS.plain.label,
  custom: () => 'custom (your Jinja template)',
};

/** The format's fields; `setup` is undefined where it could not be made (its refusal is shown instead). */
function setupView(o: ChatOptions, formats: ChatFormatName[], setup: ChatSetup | undefined): ChatSetupView {
  const switches = setup?.switches ?? [];
  // ChatML's markers have ids of their own in cl100k_base only (harmony is offered for o200k_base alone).
  const markersAdded = setup !== undefined && o.format === 'chatml' && o.tokenizer !== 'cl100k_base';
  return {
    formats: formats.map((f) => ({ value: f, label: FORMAT_LABELS[f](o.tokenizer) })),
    ...(setup === undefined ? {} : { label: setup.label, appliesTo: setup.appliesTo }),
    switches,
    markersAdded,
    template: o.format === 'custom' ? o.template : (setup?.template ?? ''),
    keys: {
      setup: JSON.stringify([o.tokenizer, o.format, formats, setup?.label ?? null, switches, markersAdded]),
      template: JSON.stringify([o.tokenizer, o.format, setup !== undefined]),
    },
  };
}

function countedView({ setup, count }: ChatAnswer): ChatCounted {
  const spelled = spelledText(count.rendered, count.ids, setup.tokenizer);
  return {
    tokenizer: setup.tokenizerName,
    count: count.count,
    parts: count.parts,
    spelled: spelled.text,
    spelledChanged: spelled.changed,
    ids: count.ids,
    spans: tokenSpans(spelled.text, count.ids, setup.tokenizer),
    base: count.base,
    generationPrompt: count.generationPrompt,
    messages: count.messages,
    ...(count.sharesNote === undefined ? {} : { sharesNote: count.sharesNote }),
    warnings: count.warnings,
    context: MODEL_CARDS[setup.tokenizerName] ?? [],
  };
}

export function chatPageRoutes(): Hono {
  const routes = new Hono();

  routes.get('/chat', async (c) => {
    const shown = await show(optionsOf((k) => c.req.queries(k) ?? []));
    const page = (
      <ChatPage
        options={shown.options}
        setup={shown.setup}
        roles={CHAT_ROLES}
        {...chooserChoices()}
        result={shown.result}
        error={shown.refusal && pageMessage(shown.refusal)}
      />
    );
    return c.html(page, shown.refusal?.status ?? 200);
  });

  // htmx posts the whole form here as the conversation is edited; the answer is the #result fragment, with the
  // format's fields out of band when they changed, and the URL follows. A refusal has its status, as on the plain
  // view (htmx 4 swaps every status but 204 and 304).
  // The template field is never swapped while "custom" is chosen: it holds what the user types (switching to
  // custom keeps the text it already shows, the previous format's template).
  routes.post('/fragment/chat', async (c) => {
    const read = await readPageForm(c);
    if ('error' in read) return c.html(<TokenizeError message={read.error} />, read.status);
    const form = read.fields;
    const shown = await show(optionsOf((k) => [form[k] ?? []].flat()));
    c.header('HX-Replace-Url', chatShareUrl(shown.options, fitsUrl(shown.options)));
    const { options, setup } = shown;
    return c.html(
      <>
        {shown.refusal !== undefined ? (
          <TokenizeError message={pageMessage(shown.refusal)} />
        ) : (
          <ChatResult result={shown.result!} whitespace={options.whitespace} />
        )}
        {field(form, 'shown-setup') !== setup.keys.setup ? <ChatSetupFields options={options} setup={setup} oob={true} /> : null}
        {options.format !== 'custom' && field(form, 'shown-template') !== setup.keys.template ? (
          <TemplateField setup={setup} oob={true} />
        ) : null}
      </>,
      shown.refusal?.status ?? 200,
    );
  });

  return routes;
}
