import { readFile } from 'node:fs/promises';
import { SCRIPTS } from '../eval/scripts.js';
import { measureQuality, type QualityMeasures } from '../jobs/quality-measures.js';
import { corpusPath } from './corpus-arg.js';
import { tokenizerOption } from './encode.js';
import { textTable } from './text-table.js';
import { required, UsageError } from './usage.js';

/**
 * tokenlab eval --quality --tokenizers a,b --train CORPUS --corpus CORPUS [--json]: the lab's quality page on the
 * command line (src/jobs/quality-measures.ts): each tokenizer's 5-gram is built on its tokens of --train (e.g.
 * d2l:train), and --corpus (e.g. d2l:heldout) is measured, one non-empty line a sequence.
 */
export async function evalQuality(values: { tokenizers?: string; corpus?: string; train?: string; json?: boolean; parallel?: boolean }) {
  if (values.parallel) throw new UsageError('--parallel does not apply to --quality');
  const names = required(values.tokenizers, '--tokenizers')
    .split(',')
    .filter((n) => n.length > 0);
  if (names.length === 0) throw new UsageError('--tokenizers needs at least one name');
  const linesOf = async (arg: string) => (await readFile(await corpusPath(arg), 'utf8')).split('\n').filter((l) => l.length > 0);
  const trainLines = await linesOf(required(values.train, '--train'));
  const lines = await linesOf(required(values.corpus, '--corpus'));
  if (trainLines.length === 0 || lines.length === 0) throw new UsageError('--train and --corpus must hold text');
  const rows: Array<QualityMeasures & { tokenizer: string }> = [];
  for (const name of names) {
    const tokenizer = await tokenizerOption(name);
    const encode = (l: string) => tokenizer.encodeOrdinary(l);
    const q = measureQuality({
      tokenizer,
      decode: (x) => tokenizer.decode(x),
      trainIds: trainLines.map(encode),
      lines,
      ids: lines.map(encode),
    });
    rows.push({ tokenizer: name, ...q });
  }
  if (values.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    return;
  }
  const fixed = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
  const header = [
    'tokenizer',
    'tokens',
    'bytes/token',
    ...SCRIPTS.map((s) => `${s} B/tok`),
    'tokens/Han',
    'Rényi 2.5',
    'bits/byte',
    'lossless',
  ];
  const body = rows.map((r) => [
    r.tokenizer,
    String(r.tokens),
    fixed(r.bytesPerToken),
    ...SCRIPTS.map((s) => fixed(r.scriptBytesPerToken[s])),
    fixed(r.tokensPerHan),
    fixed(r.renyiEfficiency, 3),
    fixed(r.bitsPerByte, 3),
    r.firstLossyLine < 0 ? 'yes' : `no (line ${r.firstLossyLine + 1})`,
  ]);
  process.stdout.write(textTable(header, body));
}
