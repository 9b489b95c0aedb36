/**
 * A counted conversation (chat-count.ts) as JSON: what POST /api/chat answers and `tokenlab chat --json` prints,
 * built here, once, for both.
 */
import { tokenSpans } from '../bpe/offsets/spans.js';
import { spelledText } from '../bpe/offsets/spelled-text.js';
import { MODEL_CARDS } from '../chat/model-cards.js';
import type { ChatAnswer } from './chat-count.js';

/** The answer: the prompt, its count, the rows per message, each token, the warnings, the context used. */
export function chatJson({ setup, count }: ChatAnswer): Record<string, unknown> {
  // Spans are over the text the tokens spell, as POST /api/tokenize's: Qwen3 normalizes to NFC.
  const spelled = spelledText(count.rendered, count.ids, setup.tokenizer);
  const spans = tokenSpans(spelled.text, count.ids, setup.tokenizer);
  const controlIds = new Set(setup.tokenizer.controls.values());
  return {
    tokenizer: setup.tokenizerName,
    format: setup.format,
    template: { label: setup.label, appliesTo: setup.appliesTo },
    rendered: count.rendered,
    ...(spelled.changed ? { spelled: spelled.text } : {}),
    count: count.count,
    base: count.base,
    generationPrompt: count.generationPrompt,
    messages: count.messages,
    ...(count.sharesNote === undefined ? {} : { messagesNote: count.sharesNote }),
    tokens: spans.map((s) => ({
      id: s.id,
      // Lowercase hex pairs, no separator: what views/hex.ts writes for JSON (this layer may not import views/).
      bytes: Buffer.from(setup.tokenizer.tokenBytes(s.id)).toString('hex'),
      start: s.start,
      end: s.end,
      ...(controlIds.has(s.id) ? { control: true } : {}),
    })),
    warnings: count.warnings.map((w) => ({
      message: w.message,
      tokens: w.tokens,
      countAsText: w.countAsText,
      text: warningText(w.message, w.tokens, w.countAsText, count.count),
    })),
    context: (MODEL_CARDS[setup.tokenizerName] ?? []).map((card) => ({ ...card, used: count.count / card.contextTokens })),
  };
}

/** A control-text warning as a sentence (`message` counts from 0, the sentence from 1). */
export function warningText(message: number, tokens: readonly string[], countAsText: number, count: number): string {
  return `message ${message + 1} contains ${tokens.join(', ')}, read as control tokens as the model reads them; as plain text the prompt would be ${countAsText} tokens, not ${count}`;
}
