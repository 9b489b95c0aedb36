/**
 * tokenlab infgram trace: the longest spans of a text that occur verbatim in the indexed corpus (maximal spans
 * of at least --min-length tokens), each with its count and first occurrences, shown in their lines.
 */
import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '../bpe/tokenizer.js';
import type { InfiniGramIndex } from '../lm/infgram/index.js';
import { maximalSpans } from '../lm/infgram/spans.js';
import { corpusLineTexts } from './corpus-lines.js';
import { openIndex, textTokenizer } from './infgram-input.js';
import { parseOptions, positiveInteger, required } from './usage.js';

/** A line's text and where it came from: the corpus file, or the index's tokens decoded. */
export interface LineText {
  text: string;
  from: 'corpus' | 'tokens';
}

/**
 * The text of the index's lines: read back from its corpus files (info.files) when they still hold the lines
 * indexed (as many lines, and a line re-encodes to the tokens indexed), else the line's tokens decoded.
 */
export async function lineTexts(index: InfiniGramIndex, tokenizer: Tokenizer): Promise<(line: number) => LineText> {
  let texts: string[] | null = null;
  try {
    const files = await Promise.all((index.info.files ?? []).map((f) => readFile(f, 'utf8')));
    texts = files.flatMap(corpusLineTexts);
    if (texts.length !== index.lineCount) texts = null;
  } catch {
    texts = null; // moved or removed since
  }
  return (line) => {
    const ids = index.lineIds(line);
    const text = texts?.[line];
    if (text !== undefined && sameIds(tokenizer.encodeOrdinary(text), ids)) return { text, from: 'corpus' };
    return { text: tokenizer.decode(ids), from: 'tokens' };
  };
}

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const SHOWN_CHARS = 160;

/** A long line cut to SHOWN_CHARS around the occurrence (where its first `token` tokens end). */
function around(index: InfiniGramIndex, tokenizer: Tokenizer, o: { line: number; token: number; text: string }): string {
  if (o.text.length <= SHOWN_CHARS) return o.text;
  const at = tokenizer.decode(index.lineIds(o.line).subarray(0, o.token)).length;
  const start = Math.max(0, Math.min(at - SHOWN_CHARS / 4, o.text.length - SHOWN_CHARS));
  return `${start > 0 ? '…' : ''}${o.text.slice(start, start + SHOWN_CHARS)}${start + SHOWN_CHARS < o.text.length ? '…' : ''}`;
}

/**
 * tokenlab infgram trace --index X --text T [--min-length N] [--first N] [--json]
 * {"tokens": n, "spans": [{"start", "end", "text", "count", "first": [{"line", "token", "text", "from"}]}]}
 */
export async function traceCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    index: { type: 'string' },
    text: { type: 'string' },
    'min-length': { type: 'string' },
    first: { type: 'string' },
    json: { type: 'boolean' },
  });
  const open = await openIndex(values.index);
  const tokenizer = textTokenizer(open);
  const ids = tokenizer.encodeOrdinary(required(values.text, '--text'));
  const spans = maximalSpans(open.index, ids, {
    minLength: positiveInteger(values['min-length'], '--min-length'),
    firstOccurrences: positiveInteger(values.first, '--first'),
  });
  const lineOf = await lineTexts(open.index, tokenizer);
  const traced = spans.map((s) => ({
    start: s.start,
    end: s.end,
    text: tokenizer.decode(ids.slice(s.start, s.end)),
    count: s.count,
    first: s.first.map((o) => ({ ...o, ...lineOf(o.line) })),
  }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ tokens: ids.length, spans: traced })}\n`);
    return;
  }
  const out = [`${ids.length} tokens; ${traced.length} maximal spans occur verbatim in the corpus\n`];
  for (const s of traced) {
    out.push(`tokens ${s.start} to ${s.end}: ${JSON.stringify(s.text)}, ${s.count} occurrences\n`);
    for (const o of s.first)
      out.push(`  line ${o.line}, token ${o.token}${o.from === 'tokens' ? ' (decoded)' : ''}: ${around(open.index, tokenizer, o)}\n`);
  }
  process.stdout.write(out.join(''));
}
