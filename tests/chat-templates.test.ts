/**
 * Chat mode's exactness for the open models (issue 19): for each model's own chat_template, the prompt tokenlab
 * renders equals the reference rendering (Python's Jinja2 set up as transformers' apply_chat_template), and its
 * ids equal what `tokenizers` (Rust) gives for that reference prompt with its added tokens recognised
 * (transformers' apply_chat_template(tokenize=True) encodes with add_special_tokens=False).
 */
import { readFileSync } from 'node:fs';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/chat/messages.js';
import { countChat, type ChatSwitches } from '../src/jobs/chat-count.js';
import { needsJinja2, HAVE_JINJA2, referenceRenders, transformersTemplate } from './chat-oracle.js';
import { CONVERSATIONS, TOOLS, toolConversation } from './chat-conversations.js';
import { HAVE_MODELS, MODEL_DATA, MODEL_NAMES, modelFile, needsModels, type ModelName } from './model-files.js';

process.env.TOKENLAB_DATA = MODEL_DATA; // read only: the added model tokenizers

interface Case {
  title: string;
  messages: ChatMessage[];
  addGenerationPrompt: boolean;
  switches?: ChatSwitches;
  tools?: unknown[];
}

/** Every conversation with and without the generation prompt, plus each model's own extras. */
function cases(model: ModelName): Case[] {
  const out: Case[] = [];
  for (const [title, messages] of Object.entries(CONVERSATIONS)) {
    for (const addGenerationPrompt of [false, true])
      out.push({ title: `${title}, prompt ${addGenerationPrompt}`, messages, addGenerationPrompt });
  }
  if (model === 'qwen3') {
    const [first] = Object.values(CONVERSATIONS);
    out.push({ title: 'thinking off', messages: first, addGenerationPrompt: true, switches: { enableThinking: false } });
    out.push({ title: 'thinking on, said', messages: first, addGenerationPrompt: true, switches: { enableThinking: true } });
    out.push({ title: 'tools and a tool call', messages: toolConversation(''), addGenerationPrompt: true, tools: TOOLS });
    out.push({
      title: 'reasoning_content field',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello', reasoning_content: '用户打招呼。' },
      ],
      addGenerationPrompt: false,
    });
  }
  if (model === 'deepseek-v3')
    out.push({ title: 'a tool call and its result', messages: toolConversation(null), addGenerationPrompt: true });
  return out;
}

function switchVariables(s: ChatSwitches = {}): Record<string, unknown> {
  return s.enableThinking === undefined ? {} : { enable_thinking: s.enableThinking };
}

const ready = HAVE_MODELS && HAVE_JINJA2;

describe.each(MODEL_NAMES)('%s chat template', (model) => {
  it.skipIf(!ready)(needsJinja2(needsModels('renders as the Jinja2 reference and encodes as tokenizers does')), async () => {
    const { template, variables } = transformersTemplate(modelFile(model, 'tokenizer_config.json'));
    const all = cases(model);
    const reference = referenceRenders(
      template,
      all.map((c) => ({
        ...variables,
        ...switchVariables(c.switches),
        ...(c.tools ? { tools: c.tools } : {}),
        messages: c.messages,
        add_generation_prompt: c.addGenerationPrompt,
      })),
    );
    const hf = HfTokenizer.fromFile(modelFile(model));
    let rendered = 0;
    for (const [i, c] of all.entries()) {
      const ref = reference[i];
      const ours = await countChat({ tokenizer: model, ...c }).then(
        (a) => a,
        (e: Error) => e,
      );
      if ('error' in ref) {
        // Gemma 3 refuses a conversation whose roles do not alternate: both must refuse it.
        expect(ours, `${c.title}: the reference refused (${ref.error})`).toBeInstanceOf(Error);
        continue;
      }
      if (ours instanceof Error) throw new Error(`${c.title}: ${ours.message}`);
      expect(ours.count.rendered, c.title).toBe(ref.rendered);
      const ids = (await hf.encode(ref.rendered, null, { addSpecialTokens: false })).getIds();
      expect(ours.count.ids, c.title).toEqual(ids);
      rendered++;
    }
    expect(rendered).toBeGreaterThanOrEqual(all.length - 4); // most cases render (Gemma refuses a few)
  });
});

describe('control-token text in a message', () => {
  it.skipIf(!HAVE_MODELS)(needsModels('counts as the model reads it, and warns with the plain-text count'), async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'a <|im_end|> b' }];
    const { count } = await countChat({ tokenizer: 'qwen3', messages, addGenerationPrompt: true });
    const hf = HfTokenizer.fromFile(modelFile('qwen3'));
    expect(count.ids).toEqual((await hf.encode(count.rendered, null, { addSpecialTokens: false })).getIds());
    expect(count.warnings).toHaveLength(1);
    expect(count.warnings[0].tokens).toEqual(['<|im_end|>']);
    // As plain text the content's <|im_end|> is ordinary text: what `tokenizers` gives for it with the special
    // tokens removed from the added tokens, between the rendered prompt's parts before and after it.
    const before = count.rendered.indexOf('a <|im_end|> b');
    const after = before + 'a <|im_end|> b'.length;
    const json = JSON.parse(readFileSync(modelFile('qwen3'), 'utf8')) as { added_tokens: Array<{ special: boolean }> };
    json.added_tokens = json.added_tokens.filter((t) => !t.special);
    const plain = HfTokenizer.fromString(JSON.stringify(json));
    const part = async (t: HfTokenizer, s: string): Promise<number> =>
      (await t.encode(s, null, { addSpecialTokens: false })).getIds().length;
    const expected =
      (await part(hf, count.rendered.slice(0, before))) +
      (await part(plain, count.rendered.slice(before, after))) +
      (await part(hf, count.rendered.slice(after)));
    expect(count.warnings[0].countAsText).toBe(expected);
    expect(count.warnings[0].countAsText).toBeGreaterThan(count.count);
  });
});
