/**
 * Which chat formats a tokenizer offers and what each needs: the template, its variables and the tokenizer with
 * the format's control tokens (src/chat).
 *
 * - An open model (qwen3, deepseek-v3, llama3, gemma3): its own `chat_template` from tokenizer_config.json, with
 *   the special tokens transformers passes to it (bos_token, eos_token, ... as their text).
 * - cl100k_base: ChatML with cl100k's ids for its markers; o200k_base: harmony with o200k_harmony's.
 * - Any other encoding or vocabulary: ChatML or the plain transcript; ChatML's markers then get ids after the
 *   vocabulary's last (no published encoding gives them one), which the page says.
 * - Every tokenizer: a template the user pastes ("custom"), rendered in a sandbox by src/jobs/chat-render.ts.
 */
import { readFile } from 'node:fs/promises';
import { chatTokenizer, type ChatTokenizer } from '../chat/chat-encoder.js';
import { BUILT_IN_FORMATS, type BuiltInFormat } from '../chat/formats.js';
import { ChatError } from '../chat/messages.js';
import type { SpecialToken } from '../bpe/vocabulary.js';
import type { Tokenizer } from '../bpe/tokenizer.js';
import { ModelTokenizerNotAddedError } from './model-pipelines.js';
import { MODEL_TOKENIZER_NAMES } from './model-tokenizers/catalogue.js';
import { modelTokenizerFiles } from './model-tokenizers/installed.js';
import { tokenizerByName } from './tokenizers.js';

export const CHAT_FORMATS = ['model', 'chatml', 'harmony', 'plain', 'custom'] as const;
export type ChatFormatName = (typeof CHAT_FORMATS)[number];

export interface ChatSetup {
  tokenizerName: string;
  format: ChatFormatName;
  /** What the page calls the format and which models it is theirs. */
  label: string;
  appliesTo: string;
  /** The Jinja source; for "custom", the user's. */
  template: string;
  /** The template's variables besides messages and add_generation_prompt (the tokenizer's special tokens). */
  variables: Record<string, unknown>;
  tokenizer: ChatTokenizer;
  /** The formats this tokenizer offers, its default first. */
  formats: ChatFormatName[];
  /** The switches the template reads: "enable_thinking" (Qwen3), "reasoning_effort" (harmony). */
  switches: string[];
}

/** The formats `name` offers, its default first. */
export function chatFormatsFor(name: string): ChatFormatName[] {
  if (isModel(name)) return ['model', 'custom'];
  if (name === 'cl100k_base') return ['chatml', 'custom'];
  if (name === 'o200k_base') return ['harmony', 'custom'];
  return ['chatml', 'plain', 'custom'];
}

function isModel(name: string): boolean {
  return (MODEL_TOKENIZER_NAMES as readonly string[]).includes(name);
}

/** The tokenizer_config.json special-token keys transformers passes to a chat template (special_tokens_map). */
const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'sep_token', 'pad_token', 'cls_token', 'mask_token'];

/**
 * What rendering and counting a conversation for tokenizer `name` in `format` (default: the tokenizer's own)
 * needs. `custom` is the template the user pastes. Throws ChatError for a format the tokenizer does not offer.
 */
export async function chatSetup(name: string, format?: ChatFormatName, custom?: string): Promise<ChatSetup> {
  const tokenizer = await tokenizerByName(name);
  const formats = chatFormatsFor(name);
  const chosen = format ?? formats[0];
  if (!formats.includes(chosen)) {
    throw new ChatError(`tokenizer ${name} offers the chat formats ${formats.join(', ')}, not ${JSON.stringify(chosen)}`);
  }
  const own = isModel(name) ? await modelTemplate(name) : undefined;
  const variables = own?.variables ?? {};
  if (chosen === 'custom') {
    if (custom === undefined || custom.trim() === '') throw new ChatError('the custom format needs a template');
    return setup(name, chosen, 'your template', 'the template you gave', custom, variables, chatTokenizer(tokenizer), formats);
  }
  if (chosen === 'model') {
    return setup(
      name,
      chosen,
      `${name}’s chat_template`,
      `${name}, from its tokenizer_config.json`,
      own!.template,
      variables,
      chatTokenizer(tokenizer),
      formats,
    );
  }
  const f = BUILT_IN_FORMATS[chosen];
  return setup(name, chosen, f.label, f.appliesTo, f.template, variables, chatTokenizer(tokenizer, markerIds(f, name, tokenizer)), formats);
}

function setup(
  tokenizerName: string,
  format: ChatFormatName,
  label: string,
  appliesTo: string,
  template: string,
  variables: Record<string, unknown>,
  tokenizer: ChatTokenizer,
  formats: ChatFormatName[],
): ChatSetup {
  const switches = ['enable_thinking', 'reasoning_effort'].filter((s) => template.includes(s));
  return { tokenizerName, format, label, appliesTo, template, variables, tokenizer, formats, switches };
}

/** A format's markers with the ids of the encoding it belongs to, or ids after the vocabulary's last elsewhere. */
function markerIds(f: BuiltInFormat, name: string, tokenizer: Tokenizer): readonly SpecialToken[] {
  const home = f.name === 'chatml' ? 'cl100k_base' : f.name === 'harmony' ? 'o200k_base' : undefined;
  if (name === home) return f.specials;
  return f.specials.map((s, i) => ({ text: s.text, id: tokenizer.nVocab + i }));
}

/** An open model's chat_template and the special tokens transformers gives it. */
async function modelTemplate(name: string): Promise<ModelTemplate> {
  const files = modelTokenizerFiles(name);
  if (files === undefined) throw new ModelTokenizerNotAddedError(name);
  // Read once per installed version (the catalogue pins each file's sha256), not on every request.
  const key = `${files.tokenizerConfig}\0${files.sha256}`;
  let read = modelTemplates.get(key);
  if (read === undefined) {
    read = readModelTemplate(name, files.tokenizerConfig);
    read.catch(() => modelTemplates.delete(key));
    modelTemplates.set(key, read);
  }
  return read;
}

interface ModelTemplate {
  template: string;
  variables: Record<string, unknown>;
}

const modelTemplates = new Map<string, Promise<ModelTemplate>>();

async function readModelTemplate(name: string, path: string): Promise<ModelTemplate> {
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const template = namedTemplate(config.chat_template);
  if (template === undefined) throw new ChatError(`${name}'s tokenizer_config.json has no chat_template`);
  const variables: Record<string, unknown> = {};
  for (const key of SPECIAL_TOKEN_KEYS) {
    const text = tokenText(config[key]);
    if (text !== undefined) variables[key] = text;
  }
  if (Array.isArray(config.additional_special_tokens))
    variables.additional_special_tokens = config.additional_special_tokens.map(tokenText);
  return { template, variables };
}

/** A chat_template: a string, or a list of named ones of which transformers uses "default". */
function namedTemplate(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (!Array.isArray(x)) return undefined;
  const named = x.find((t: { name?: unknown }) => t?.name === 'default') as { template?: unknown } | undefined;
  return typeof named?.template === 'string' ? named.template : undefined;
}

/** A special token as tokenizer_config.json gives it: its text, or an AddedToken object with `content`. */
function tokenText(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'object' && x !== null && typeof (x as { content?: unknown }).content === 'string')
    return (x as { content: string }).content;
  return undefined;
}
