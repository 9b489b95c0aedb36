import { readFile } from 'node:fs/promises';
import { corpusPath } from './corpus-arg.js';
import { evaluate, type Evaluation } from '../eval/metrics.js';
import { SCRIPTS } from '../eval/scripts.js';
import { tokenizerOption } from './encode.js';
import { parseOptions, required, UsageError } from './usage.js';

/** tokenlab eval --tokenizers a,b,c --corpus NAME|FILE [--json]: how each tokenizer fits one text. */
export async function evalCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    tokenizers: { type: 'string' },
    corpus: { type: 'string' },
    json: { type: 'boolean' },
  });
  const names = required(values.tokenizers, '--tokenizers').split(',').filter((n) => n.length > 0);
  if (names.length === 0) throw new UsageError('--tokenizers needs at least one name');
  const path = await corpusPath(required(values.corpus, '--corpus'));
  const text = decodeStrict(await readFile(path), path);
  const rows: Array<{ tokenizer: string } & Evaluation> = [];
  for (const name of names) {
    const tokenizer = await tokenizerOption(name);
    rows.push({ tokenizer: name, ...evaluate(text, tokenizer.encodeOrdinary(text), tokenizer) });
  }
  if (values.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  process.stdout.write(`${path}: ${rows[0].bytes} bytes, ${rows[0].characters} characters, ${rows[0].hanCharacters} Han\n\n`);
  process.stdout.write(formatTable(rows));
}

function decodeStrict(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${path} is not valid UTF-8`);
  }
}

function formatTable(rows: Array<{ tokenizer: string } & Evaluation>): string {
  const fixed = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const header = ['tokenizer', 'tokens', 'bytes/token', 'chars/token', 'tokens/Han', 'tokens/word', 'Rényi 2.5', 'vocab used', 'partial', ...SCRIPTS];
  const body = rows.map((r) => [
    r.tokenizer,
    String(r.tokens),
    fixed(r.bytesPerToken),
    fixed(r.charactersPerToken),
    fixed(r.tokensPerHan),
    fixed(r.tokensPerEnglishWord),
    fixed(r.renyiEfficiency, 3),
    percent(r.vocabularyUtilisation),
    percent(r.partialShare),
    ...SCRIPTS.map((s) => percent(r.scriptTokens[s] / r.tokens)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...body.map(line)].join('\n') + '\n';
}
