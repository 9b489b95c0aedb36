/**
 * npm run bench:train — tokenlab's trainer against Hugging Face `tokenizers` (1 and 2 threads), same corpus,
 * gpt2 pattern, vocabulary 30,000: wall time and peak memory side by side with ratios; then bytes per token on
 * d2l text held out of training, for the gpt2 pattern and our cjk pattern.
 *
 * Each training runs in a fresh process so peak memory is its own: tokenlab as `bin/tokenlab.js train`, the peer
 * timed around `train()`. Options: --corpus d2l|bench|all (default all); --superbpe-only runs only the SuperBPE
 * rows (bench/train-superbpe.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Encoder } from '../src/bpe/encode/encoder.js';
import type { PatternName } from '../src/bpe/pretokenize/patterns.js';
import { trainFiles } from '../src/jobs/train-files.js';
import { corpusPath, peakRssMB, table } from './shared.js';
import { superBpeBench } from './train-superbpe.js';

const VOCAB = 30_000;
const args = process.argv.slice(2);

const BIN = fileURLToPath(new URL('../../bin/tokenlab.js', import.meta.url));

if (args[0] === '--child') await child(Number(args[1]), args.slice(2));
else if (args.includes('--superbpe-only')) await superBpeBench();
else await main();

interface Run {
  seconds: number;
  peakMB: number;
  merges: number;
}

/** The peer, timed around train() as REFERENCE.md describes, in its own process. */
async function child(threads: number, files: string[]): Promise<void> {
  const { Tokenizer, BPE, byteLevelPreTokenizer } = createRequire(import.meta.url)('tokenizers');
  const start = performance.now();
  const hf = new Tokenizer(BPE.empty());
  hf.setPreTokenizer(byteLevelPreTokenizer(false, true));
  hf.train(files); // its default trainer: vocabulary 30,000, min frequency 0
  const seconds = (performance.now() - start) / 1000;
  const saved = join(mkdtempSync(join(tmpdir(), 'tokenlab-bench-hf-')), 'tokenizer.json');
  hf.save(saved);
  const merges = JSON.parse(readFileSync(saved, 'utf8')).model.merges.length;
  console.log(JSON.stringify({ seconds, peakMB: peakRssMB(), merges } satisfies Run));
}

/** One training in a fresh process: tokenlab as a user runs it (the bin), or the peer. */
function runChild(trainer: 'tokenlab' | 'tokenizers', threads: number, files: string[]): Run {
  const env = { ...process.env, RAYON_NUM_THREADS: String(threads) };
  const options = { env, encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'] };
  if (trainer === 'tokenizers') {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(threads), ...files], options);
    return JSON.parse(out.trim().split('\n').pop()!);
  }
  const vocab = join(mkdtempSync(join(tmpdir(), 'tokenlab-bench-')), 'vocab.json');
  const args = [
    'train',
    '--corpus',
    ...files,
    '--vocab-size',
    String(VOCAB),
    '--pattern',
    'gpt2',
    '--threads',
    String(threads),
    '--out',
    vocab,
    '--json',
  ];
  const summary = JSON.parse(execFileSync(BIN, args, options));
  return { seconds: summary.seconds, peakMB: summary.peakRssMB, merges: summary.merges };
}

async function main(): Promise<void> {
  const which = args.includes('--corpus') ? args[args.indexOf('--corpus') + 1] : 'all';
  const corpora: Array<[string, string[]]> = [];
  if (which === 'd2l' || which === 'all') corpora.push(['d2l-mix', [corpusPath('d2l-zh.txt'), corpusPath('d2l-en.txt')]]);
  if (which === 'bench' || which === 'all') corpora.push(['bench-mix', [corpusPath('bench-mix.txt')]]);

  console.log(`# Training: gpt2 pattern, vocabulary ${VOCAB}, byte-level, no special tokens\n`);
  const rows = [];
  for (const [name, files] of corpora) {
    const runs: Array<[string, Run]> = [
      ['tokenlab, 2 threads', runChild('tokenlab', 2, files)],
      ['tokenlab, 1 thread', runChild('tokenlab', 1, files)],
      ['tokenizers, 2 threads', runChild('tokenizers', 2, files)],
      ['tokenizers, 1 thread', runChild('tokenizers', 1, files)],
    ];
    const peer = runs[2][1];
    for (const [label, run] of runs) {
      rows.push({
        corpus: name,
        trainer: label,
        'wall s': run.seconds,
        'peak MB': Math.round(run.peakMB),
        merges: run.merges,
        'time / tokenizers 2T': run.seconds / peer.seconds,
        'memory / tokenizers 2T': run.peakMB / peer.peakMB,
      });
    }
    console.error(`done ${name}`);
  }
  console.log(table(rows));
  console.log('\nTargets: time at or below tokenizers with 2 threads (ratio <= 1), memory at most half (ratio <= 0.5).\n');
  await heldOutCompression();
  console.log('');
  await superBpeBench();
}

/** Trains on the first 90% of each d2l file and reports bytes per token on the last 10%, per pattern. */
async function heldOutCompression(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenlab-bench-'));
  const train: string[] = [];
  const heldOut: Record<string, string> = {};
  for (const name of ['d2l-zh.txt', 'd2l-en.txt']) {
    const text = readFileSync(corpusPath(name), 'utf8');
    const cut = text.indexOf('\n', Math.floor(text.length * 0.9)) + 1;
    writeFileSync(join(dir, name), text.slice(0, cut));
    train.push(join(dir, name));
    heldOut[name] = text.slice(cut);
  }
  const rows = [];
  for (const pattern of ['gpt2', 'cjk'] as PatternName[]) {
    const encoder = new Encoder(await trainFiles(train, { pattern, vocabSize: VOCAB }));
    const row: Record<string, string | number> = { pattern };
    for (const [name, text] of Object.entries(heldOut)) {
      row[`${name} held out: bytes/token`] = Buffer.byteLength(text) / encoder.encode(text).length;
    }
    rows.push(row);
  }
  console.log(`# Bytes per token on held-out d2l text (last 10% of each file; trained on the first 90%, vocabulary ${VOCAB})\n`);
  console.log(table(rows));
}
