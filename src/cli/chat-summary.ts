/** `tokenlab chat`'s human-readable output: a table of where a conversation's tokens go. */
import { MODEL_CARDS } from '../chat/model-cards.js';
import type { ChatAnswer } from '../jobs/chat-count.js';

/**
 * The summary of one counted conversation: the tokenizer and template, a row per message (role, content tokens,
 * template tokens, share), the rows before the first message and for the generation prompt, the total, and the
 * share of each model's context window.
 */
export function chatSummary({ setup, count }: ChatAnswer): string {
  const unknown = count.base === null;
  const cell = (n: number | null): string => (n === null ? '?' : String(n));
  const rows: string[][] = [['#', 'role', 'content', 'template', 'share']];
  rows.push(['', '(before the messages)', '', cell(count.base), cell(count.base)]);
  count.messages.forEach((m, i) => {
    const share = m.templateTokens === null ? null : m.contentTokens + m.templateTokens;
    rows.push([String(i + 1), m.role, String(m.contentTokens), cell(m.templateTokens), cell(share)]);
  });
  if (count.generationPrompt !== 0) rows.push(['', '(generation prompt)', '', cell(count.generationPrompt), cell(count.generationPrompt)]);
  const content = count.messages.reduce((a, m) => a + m.contentTokens, 0);
  rows.push(['', 'total', String(content), String(count.count - content), String(count.count)]);
  const lines = [`${setup.tokenizerName}, ${setup.label} (${setup.format}): ${count.count} tokens`, '', ...table(rows)];
  if (unknown && count.sharesNote !== undefined) lines.push('', `(? : ${count.sharesNote})`);
  const cards = contextLines(setup.tokenizerName, count.count);
  if (cards.length > 0) lines.push('', ...cards);
  return `${lines.join('\n')}\n`;
}

/** Columns padded: the first two to the left, the numbers to the right. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cellText, c) => (c === 1 ? cellText.padEnd(widths[c]) : cellText.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/** The share of each context window the prompt fills, as the API's "context" gives it. */
function contextLines(name: string, count: number): string[] {
  return (MODEL_CARDS[name] ?? []).map((card) => {
    const used = ((100 * count) / card.contextTokens).toFixed(count < card.contextTokens / 100 ? 2 : 1);
    return `${used}% of the context of ${card.model} (${card.contextTokens.toLocaleString('en-US')} tokens)`;
  });
}
