/** tokenlab infgram count, next and find: the engine's answers for token sequences, as text or JSON lines. */
import { count } from '../lm/infgram/count.js';
import { find } from '../lm/infgram/find.js';
import { nextTokens } from '../lm/infgram/next-tokens.js';
import { openIndex, querySequences, sequenceLabel, type OpenIndex } from './infgram-input.js';
import { tokenLabel } from './token-label.js';
import { parseOptions, positiveInteger } from './usage.js';

const ONE_QUERY_OPTIONS = {
  index: { type: 'string' },
  ids: { type: 'string' },
  text: { type: 'string' },
  json: { type: 'boolean' },
} as const;
const QUERY_OPTIONS = { ...ONE_QUERY_OPTIONS, queries: { type: 'string' } } as const;

/** Each query's answer: a JSON line, or its text for people. */
async function answerEach(
  args: string[],
  answer: (open: OpenIndex, ids: ArrayLike<number>) => { json: object; text: string },
): Promise<void> {
  const { values } = parseOptions(args, QUERY_OPTIONS);
  const open = await openIndex(values.index);
  const out: string[] = [];
  for (const ids of await querySequences(open, values, true)) {
    const a = answer(open, ids);
    out.push(values.json ? `${JSON.stringify(a.json)}\n` : a.text);
  }
  process.stdout.write(out.join(''));
}

/** tokenlab infgram count --index X (--ids "1 2 3" | --text T | --queries FILE) [--json]: {"count": n} a query. */
export async function countCommand(args: string[]): Promise<void> {
  await answerEach(args, (open, ids) => {
    const n = count(open.index, ids);
    return { json: { count: n }, text: `${n}\t${sequenceLabel(open, ids)}\n` };
  });
}

/**
 * tokenlab infgram next --index X (--ids | --text | --queries FILE) [--json]: every token that follows the longest
 * suffix of the context that occurs followed by one, with its count:
 * {"suffixLength": k, "count": c, "next": [{"id": i, "count": n}, ...]} a query, by count then id.
 */
export async function nextCommand(args: string[]): Promise<void> {
  await answerEach(args, (open, ids) => {
    const n = nextTokens(open.index, ids);
    const next = Array.from(n.ids, (id, i) => ({ id, count: n.counts[i] }));
    const suffix = Array.from(ids).slice(ids.length - n.suffixLength);
    const head = `after ${sequenceLabel(open, suffix)} (the last ${n.suffixLength} tokens): ${n.count} continuations, ${next.length} distinct\n`;
    const rows = next.map((t) => `${t.count}\t${(t.count / n.count).toFixed(6)}\t${tokenLabel(open.tokenizer, t.id)}\t${t.id}\n`);
    return { json: { suffixLength: n.suffixLength, count: n.count, next }, text: `${head}${rows.join('')}\n` };
  });
}

/** tokenlab infgram find --index X (--ids | --text) [--offset N] [--limit N] [--json]: occurrences in corpus order. */
export async function findCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    ...ONE_QUERY_OPTIONS,
    offset: { type: 'string' },
    limit: { type: 'string' },
  });
  const open = await openIndex(values.index);
  const [ids] = await querySequences(open, values, false);
  const offset = positiveInteger(values.offset, '--offset') ?? 0;
  const found = find(open.index, ids, { offset, limit: positiveInteger(values.limit, '--limit') ?? 20 });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(found)}\n`);
    return;
  }
  const shown = found.occurrences.length === 0 ? '' : `; ${offset + 1} to ${offset + found.occurrences.length}`;
  const rows = found.occurrences.map((o) => `line ${o.line}\ttoken ${o.token}\n`);
  process.stdout.write(`${found.count} occurrences of ${sequenceLabel(open, ids)}${shown} (lines from 0)\n${rows.join('')}`);
}
