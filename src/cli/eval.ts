import { readFile } from 'node:fs/promises';
import { corpusPath } from './corpus-arg.js';
import { spelledText } from '../bpe/offsets/spelled-text.js';
import { evaluate, languageTaxOfPairs, type Evaluation } from '../eval/metrics.js';
import { SCRIPTS } from '../eval/scripts.js';
import { tokenizerOption } from './encode.js';
import { evalQuality } from './eval-quality.js';
import { textTable } from './text-table.js';
import { parseOptions, required, UsageError } from './usage.js';

/**
 * tokenlab eval --tokenizers a,b,c --corpus NAME|FILE [--json]: how each tokenizer fits one text; with --quality
 * --train CORPUS, also the 5-gram's bits per byte (eval-quality.ts).
 */
export async function evalCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    tokenizers: { type: 'string' },
    corpus: { type: 'string' },
    json: { type: 'boolean' },
    parallel: { type: 'boolean' },
    quality: { type: 'boolean' },
    train: { type: 'string' },
  });
  if (values.quality) return evalQuality(values);
  const names = required(values.tokenizers, '--tokenizers')
    .split(',')
    .filter((n) => n.length > 0);
  if (names.length === 0) throw new UsageError('--tokenizers needs at least one name');
  const path = await corpusPath(required(values.corpus, '--corpus'));
  const text = decodeStrict(await readFile(path), path);
  const rows: Array<{ tokenizer: string; languageTax?: number } & Evaluation> = [];
  for (const name of names) {
    const tokenizer = await tokenizerOption(name);
    const ids = tokenizer.encodeDefault(text);
    const row = { tokenizer: name, ...evaluate(spelledText(text, ids, tokenizer).text, ids, tokenizer) };
    // --parallel: the corpus is zh<TAB>en lines; also give Chinese tokens over English tokens.
    if (values.parallel) Object.assign(row, { languageTax: languageTaxOfPairs(lines(text), (t) => tokenizer.count(t)).tax });
    rows.push(row);
  }
  if (values.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  process.stdout.write(`${path}: ${rows[0].bytes} bytes, ${rows[0].characters} characters, ${rows[0].hanCharacters} Han\n\n`);
  process.stdout.write(formatTable(rows));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

function decodeStrict(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${path} is not valid UTF-8`);
  }
}

function formatTable(rows: Array<{ tokenizer: string; languageTax?: number } & Evaluation>): string {
  const fixed = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const header = [
    'tokenizer',
    'tokens',
    'bytes/token',
    'chars/token',
    'tokens/Han',
    'tokens/word',
    'Rényi 2.5',
    'vocab used',
    'partial',
    ...SCRIPTS,
  ];
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
    ...(r.languageTax === undefined ? [] : [fixed(r.languageTax)]),
  ]);
  if (rows[0].languageTax !== undefined) header.push('zh/en tax');
  return textTable(header, body);
}
