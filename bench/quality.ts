/**
 * npm run bench:quality — issue 4's quality target: 30k vocabularies trained by tokenlab on the training split
 * of d2l-mix with each pattern, and the `tokenizers` GPT-2-pattern baseline trained on the same files, scored
 * in bytes per token on d2l's held-out split and on the bundled corpora, beside cl100k_base and o200k_base.
 * Every tokenlab vocabulary is also checked lossless there (decode(encode(x)) === x).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { PATTERN_NAMES } from '../src/bpe/pretokenize/patterns.js';
import { ensureBundledCorpora } from '../src/store/corpora/extract.js';
import { splitText } from '../src/store/corpora/split.js';
import { trainFiles } from '../src/jobs/train-files.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { corpusPath, table } from './shared.js';

const VOCAB = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'tokenlab-quality-'));

// d2l's training split (the files the vocabularies learn from) and its held-out texts.
const trainFilesList: string[] = [];
const texts: Array<[string, string]> = [];
for (const name of ['d2l-zh', 'd2l-en']) {
  const { train, heldOut } = splitText(readFileSync(corpusPath(`${name}.txt`), 'utf8'));
  const path = join(dir, `${name}.train.txt`);
  writeFileSync(path, train.join('\n') + '\n');
  trainFilesList.push(path);
  texts.push([`${name} held out`, heldOut.join('\n') + '\n']);
}
const bundled = await ensureBundledCorpora();
for (const c of bundled.corpora) texts.push([c.name, readFileSync(c.path, 'utf8')]);

type Count = (text: string) => Promise<number> | number;
const tokenizers: Array<[string, Count]> = [];
for (const name of ['cl100k_base', 'o200k_base'] as const) {
  const t = tiktokenEncoding(name);
  tokenizers.push([name, (x) => t.count(x)]);
}

const { Tokenizer, BPE, byteLevelPreTokenizer } = createRequire(import.meta.url)('tokenizers');
const hf = new Tokenizer(BPE.empty());
hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
hf.train(trainFilesList);
tokenizers.push(['tokenizers gpt2 30k (baseline)', async (x) => (await hf.encode(x)).getLength()]);

const lossy: string[] = [];
for (const pattern of PATTERN_NAMES) {
  const encoder = new Encoder(await trainFiles(trainFilesList, { pattern, vocabSize: VOCAB }));
  tokenizers.push([
    `tokenlab ${pattern} 30k`,
    (x) => {
      const ids = encoder.encodeOrdinary(x);
      if (encoder.decode(ids) !== x) lossy.push(pattern);
      return ids.length;
    },
  ]);
}

const rows: Array<Record<string, string | number>> = [];
const perText = new Map<string, Map<string, number>>();
for (const [tokenizer, count] of tokenizers) {
  const row: Record<string, string | number> = { tokenizer };
  for (const [name, text] of texts) {
    const bpt = Buffer.byteLength(text) / (await count(text));
    row[name] = bpt;
    if (!perText.has(name)) perText.set(name, new Map());
    perText.get(name)!.set(tokenizer, bpt);
  }
  rows.push(row);
}
console.log(`# Bytes per token (higher is better): vocabularies of ${VOCAB} trained on d2l-mix's training split\n`);
console.log(table(rows));
const zh = perText.get('d2l-zh held out')!;
const gain = zh.get('tokenlab cjk 30k')! / zh.get('tokenizers gpt2 30k (baseline)')! - 1;
console.log(
  `\ncjk vs the tokenizers baseline on held-out Chinese: ${(100 * gain).toFixed(1)}% more bytes per token (target: at least 10%)`,
);
console.log(lossy.length === 0 ? 'every tokenlab vocabulary decoded every text back exactly' : `LOSSY: ${lossy.join(', ')}`);
