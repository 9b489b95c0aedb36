/**
 * The chat formats tokenlab writes itself, as Jinja templates rendered like the models' own (render.ts):
 *
 * - **ChatML**, as OpenAI's ChatML document (openai-python, chatml.md) gives it for the cl100k_base chat models
 *   (gpt-3.5-turbo, gpt-4, gpt-4-turbo): `<|im_start|>{role}\n{content}<|im_end|>\n` per message, and
 *   `<|im_start|>assistant\n` as the generation prompt. In cl100k_base, <|im_start|> and <|im_end|> are 100264
 *   and 100265 (tiktoken's cl100k_im encoding).
 * - **harmony**, the format of OpenAI's gpt-oss models over o200k_base (openai/harmony, docs/format.md):
 *   `<|start|>{header}<|message|>{content}<|end|>` per message, no text between messages, led by the system
 *   message the document prescribes (identity, knowledge cutoff, date, reasoning effort, channels); a system
 *   message given by the user becomes the developer message ("# Instructions"), an assistant message goes to
 *   the final channel, a tool's output comes from `functions.{name}` on the commentary channel. The generation
 *   prompt is `<|start|>assistant`. Ids: o200k_harmony's (the document's table).
 * - **plain**: `{role}: {content}` lines, for a vocabulary that has no chat tokens.
 */
import type { SpecialToken } from '../bpe/vocabulary.js';

/** A template with the special tokens it writes that the tokenizer may lack (ids given by the format). */
export interface BuiltInFormat {
  name: 'chatml' | 'harmony' | 'plain';
  label: string;
  /** The models the format is theirs, as the page says it. */
  appliesTo: string;
  template: string;
  /** Marker tokens and their ids in the encoding the format belongs to (empty: plain text only). */
  specials: readonly SpecialToken[];
}

const CHATML_TEMPLATE = `{%- for message in messages -%}
{{ '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\\n' }}{%- endif -%}`;

/** harmony's system message; `reasoning_effort` and `date` are the page's switches. */
const HARMONY_TEMPLATE = `{{- '<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\\nKnowledge cutoff: 2024-06\\nCurrent date: ' + (date if date is defined else strftime_now('%Y-%m-%d')) + '\\n\\nReasoning: ' + (reasoning_effort if reasoning_effort is defined else 'medium') + '\\n\\n# Valid channels: analysis, commentary, final. Channel must be included for every message.<|end|>' -}}
{%- for message in messages -%}
{%- if message.role == 'system' -%}
{{- '<|start|>developer<|message|># Instructions\\n\\n' + message.content + '<|end|>' -}}
{%- elif message.role == 'assistant' -%}
{{- '<|start|>assistant<|channel|>final<|message|>' + message.content + '<|end|>' -}}
{%- elif message.role == 'tool' -%}
{{- '<|start|>functions.' + (message.name if message.name else 'tool') + ' to=assistant<|channel|>commentary<|message|>' + message.content + '<|end|>' -}}
{%- else -%}
{{- '<|start|>' + message.role + '<|message|>' + message.content + '<|end|>' -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|start|>assistant' -}}{%- endif -%}`;

const PLAIN_TEMPLATE = `{%- for message in messages -%}
{{ message.role + ': ' + message.content + '\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}{{ 'assistant: ' }}{%- endif -%}`;

const HARMONY_SPECIALS: readonly SpecialToken[] = [
  { text: '<|startoftext|>', id: 199998 },
  { text: '<|return|>', id: 200002 },
  { text: '<|constrain|>', id: 200003 },
  { text: '<|channel|>', id: 200005 },
  { text: '<|start|>', id: 200006 },
  { text: '<|end|>', id: 200007 },
  { text: '<|message|>', id: 200008 },
  { text: '<|call|>', id: 200012 },
];

export const BUILT_IN_FORMATS: Readonly<Record<BuiltInFormat['name'], BuiltInFormat>> = {
  chatml: {
    name: 'chatml',
    label: 'ChatML',
    appliesTo: 'OpenAI gpt-3.5-turbo, gpt-4 and gpt-4-turbo (cl100k_base), as OpenAI’s ChatML document gives it',
    template: CHATML_TEMPLATE,
    specials: [
      { text: '<|im_start|>', id: 100264 },
      { text: '<|im_end|>', id: 100265 },
    ],
  },
  harmony: {
    name: 'harmony',
    label: 'harmony',
    appliesTo: 'OpenAI gpt-oss-20b and gpt-oss-120b (o200k_base with o200k_harmony’s tokens), as the harmony format document gives it',
    template: HARMONY_TEMPLATE,
    specials: HARMONY_SPECIALS,
  },
  plain: {
    name: 'plain',
    label: 'plain “role: content”',
    appliesTo: 'no model: a plain transcript, for a vocabulary without chat tokens',
    template: PLAIN_TEMPLATE,
    specials: [],
  },
};
