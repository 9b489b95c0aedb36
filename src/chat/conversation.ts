/**
 * A conversation counted as the model sees it: the messages rendered through the chat template, the rendered
 * text encoded with its control tokens read as such (as transformers' apply_chat_template(tokenize=True) does:
 * `tokenizers` matching the added tokens), and where the tokens go.
 *
 * Per message: `contentTokens` are the tokens of its content encoded alone; `templateTokens` what the rest of the
 * message's share costs, where the share of message i is what the prompt grows by when message i is added:
 * count(render(messages[0..i])) - count(render(messages[0..i-1])). Those shares, with what the template writes
 * before any message (`base`) and the generation prompt, add up to the total exactly, whatever the template
 * does. A template that re-renders earlier messages as the conversation grows (Qwen3 drops the reasoning of
 * earlier turns) gives a message a share that can be smaller than its content: the numbers say so as they are.
 */
import { controlRegExp, type ChatEncoder } from './chat-encoder.js';
import type { ChatMessage } from './messages.js';
import { TemplateError, type ChatTemplate } from './render.js';

export interface MessageCount {
  role: string;
  contentTokens: number;
  /** The message's share of the prompt less its content tokens; null when the shares could not be found. */
  templateTokens: number | null;
}

/** A message whose content holds control-token text: counted as control tokens, as the model reads it. */
export interface ControlTextWarning {
  message: number;
  tokens: string[];
  /** The prompt's count were that content encoded as plain text. */
  countAsText: number;
}

/** A stretch of the rendered text: a message's content, a control token, or other text the template wrote. */
export interface RenderedPart {
  kind: 'content' | 'control' | 'template';
  text: string;
  /** The message a content part is of. */
  message?: number;
}

export interface ChatCount {
  rendered: string;
  ids: number[];
  count: number;
  /** Tokens the template writes before the first message (a default system prompt, a BOS token). */
  base: number | null;
  /** Tokens of the generation prompt (0 without one). */
  generationPrompt: number | null;
  messages: MessageCount[];
  parts: RenderedPart[];
  warnings: ControlTextWarning[];
  /** Why the per-message shares are missing, if they are. */
  sharesNote?: string;
}

/** The most text the per-message shares may render and encode (they render every prefix of the conversation). */
const SHARES_BUDGET_CHARS = 16 << 20;

/**
 * The renderings counting asks for: the first `upTo` messages, with or without the generation prompt. Counting
 * asks for the whole conversation (with the prompt as asked) first, then every prefix without it.
 */
export interface ConversationRenderer {
  render(upTo: number, generation: boolean): string;
}

/** Renders `messages` through `template` as asked. */
export function templateRenderer(
  template: ChatTemplate,
  messages: readonly ChatMessage[],
  variables?: Readonly<Record<string, unknown>>,
): ConversationRenderer {
  return { render: (upTo, generation) => template.render(messages.slice(0, upTo), generation, variables) };
}

/** Every rendering counting will ask for, made ahead (in a sandbox), each its text or its error's message. */
export interface Prerendered {
  full: string;
  prefixes: Array<string | { error: string }>;
}

/** The renderings of `renderer` that countConversation asks for; throws if the whole conversation does not render. */
export function prerender(renderer: ConversationRenderer, messages: number, addGenerationPrompt: boolean): Prerendered {
  const full = renderer.render(messages, addGenerationPrompt);
  const prefixes: Prerendered['prefixes'] = [];
  if (full.length * (messages + 1) <= SHARES_BUDGET_CHARS) {
    for (let k = 0; k <= messages; k++) {
      try {
        prefixes.push(renderer.render(k, false));
      } catch (e) {
        prefixes.push({ error: (e as Error).message });
      }
    }
  }
  return { full, prefixes };
}

/** A renderer answering from renderings made ahead. */
export function prerendered(p: Prerendered, addGenerationPrompt: boolean, messages: number): ConversationRenderer {
  return {
    render(upTo, generation) {
      if (upTo === messages && generation === addGenerationPrompt) return p.full;
      const r = p.prefixes[upTo];
      if (generation || r === undefined) throw new TemplateError('not rendered ahead');
      if (typeof r !== 'string') throw new TemplateError(r.error);
      return r;
    },
  };
}

/** Counts `messages` as `renderer` renders them, for `encoder`; throws the template's TemplateError. */
export function countConversation(
  renderer: ConversationRenderer,
  encoder: ChatEncoder,
  messages: readonly ChatMessage[],
  addGenerationPrompt: boolean,
): ChatCount {
  // 1. The prompt and its ids.
  const rendered = renderer.render(messages.length, addGenerationPrompt);
  const ids = encoder.encodeControl(rendered);
  // 2. Each message's share, from the prompt of every prefix.
  const shares = messageShares(renderer, encoder, messages, rendered);
  // 3. Where each message's content sits in the prompt.
  const places = contentPlaces(rendered, messages, shares.ends);
  const rows = messages.map((m, i): MessageCount => {
    const contentTokens = m.content === null ? 0 : encoder.encodeControl(m.content).length;
    return { role: m.role, contentTokens, templateTokens: shares.deltas === null ? null : shares.deltas[i] - contentTokens };
  });
  return {
    rendered,
    ids,
    count: ids.length,
    base: shares.base,
    generationPrompt: shares.deltas === null ? null : ids.length - shares.withoutPrompt,
    messages: rows,
    parts: renderedParts(rendered, places, encoder.controls),
    warnings: controlTextWarnings(rendered, ids.length, messages, places, encoder),
    ...(shares.note === undefined ? {} : { sharesNote: shares.note }),
  };
}

interface Shares {
  base: number | null;
  deltas: number[] | null;
  withoutPrompt: number;
  /** Per prefix of k messages, where its rendering ends in the prompt (-1: it is not the prompt's beginning). */
  ends: number[];
  note?: string;
}

function messageShares(renderer: ConversationRenderer, encoder: ChatEncoder, messages: readonly ChatMessage[], rendered: string): Shares {
  const ends: number[] = [];
  if (rendered.length * (messages.length + 1) > SHARES_BUDGET_CHARS) {
    return { base: null, deltas: null, withoutPrompt: 0, ends, note: 'the conversation is too large to render once per message' };
  }
  const counts: number[] = [];
  for (let k = 0; k <= messages.length; k++) {
    try {
      const prefix = renderer.render(k, false);
      ends.push(rendered.startsWith(prefix) ? prefix.length : -1);
      counts.push(encoder.encodeControl(prefix).length);
    } catch (e) {
      // A template may refuse the empty conversation (it reads messages[0]): nothing comes before the first message.
      if (k === 0) {
        counts.push(0);
        ends.push(-1);
      } else
        return {
          base: null,
          deltas: null,
          withoutPrompt: 0,
          ends: [],
          note: `the template cannot render the first ${k} messages alone: ${(e as Error).message}`,
        };
    }
  }
  const deltas = messages.map((_, i) => counts[i + 1] - counts[i]);
  return { base: counts[0], deltas, withoutPrompt: counts[messages.length], ends };
}

/**
 * Where each message's content is in the rendered text: [start, end), or null when the template changed it
 * (trimmed it, dropped it). Searched in order, from the end of the previous one found and, where the prefixes'
 * renderings begin the prompt (`ends`), within what message i adds: so "hi" is not found in harmony's
 * "Reasoning: high" before it. A trimmed content is looked for when the content itself is not there.
 */
function contentPlaces(rendered: string, messages: readonly ChatMessage[], ends: readonly number[]): Array<[number, number] | null> {
  let from = 0;
  return messages.map((m, i) => {
    if (m.content === null || m.content.trim() === '') return null;
    if ((ends[i] ?? -1) > from) from = ends[i];
    const limit = (ends[i + 1] ?? -1) >= 0 ? ends[i + 1] : rendered.length;
    for (const text of [m.content, m.content.trim()]) {
      const at = rendered.indexOf(text, from);
      if (at >= 0 && at + text.length <= limit) {
        from = at + text.length;
        return [at, from];
      }
    }
    return null;
  });
}

function renderedParts(
  rendered: string,
  places: ReadonlyArray<[number, number] | null>,
  controls: ReadonlyMap<string, number>,
): RenderedPart[] {
  const parts: RenderedPart[] = [];
  const controlRe = controlRegExp(controls);
  const templateText = (s: number, e: number): void => {
    if (s >= e) return;
    const text = rendered.slice(s, e);
    let last = 0;
    if (controlRe !== null) {
      for (const m of text.matchAll(controlRe)) {
        if (m.index > last) parts.push({ kind: 'template', text: text.slice(last, m.index) });
        parts.push({ kind: 'control', text: m[0] });
        last = m.index + m[0].length;
      }
    }
    if (last < text.length) parts.push({ kind: 'template', text: text.slice(last) });
  };
  let at = 0;
  places.forEach((place, message) => {
    if (place === null) return;
    templateText(at, place[0]);
    parts.push({ kind: 'content', text: rendered.slice(place[0], place[1]), message });
    at = place[1];
  });
  templateText(at, rendered.length);
  return parts;
}

/**
 * The messages whose content holds control-token text, with what the prompt would count were that content
 * plain text: the prompt encoded in three parts (before the content, the content as plain text, after it).
 * Where the template changed the content so it cannot be found, the content's own difference is used instead.
 */
function controlTextWarnings(
  rendered: string,
  count: number,
  messages: readonly ChatMessage[],
  places: ReadonlyArray<[number, number] | null>,
  encoder: ChatEncoder,
): ControlTextWarning[] {
  const re = controlRegExp(encoder.controls);
  if (re === null) return [];
  const out: ControlTextWarning[] = [];
  messages.forEach((m, i) => {
    if (m.content === null) return;
    const found = [...new Set(Array.from(m.content.matchAll(re), (x) => x[0]))];
    if (found.length === 0) return;
    const place = places[i];
    const countAsText =
      place !== null
        ? encoder.encodeControl(rendered.slice(0, place[0])).length +
          encoder.encodePlain(rendered.slice(place[0], place[1])).length +
          encoder.encodeControl(rendered.slice(place[1])).length
        : count - encoder.encodeControl(m.content).length + encoder.encodePlain(m.content).length;
    out.push({ message: i, tokens: found, countAsText });
  });
  return out;
}
