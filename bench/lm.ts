/**
 * npm run bench:lm — the 5-gram of ../shared/REFERENCE.md: d2l-zh.txt encoded with cl100k_base, one non-empty
 * line a sequence, next to KenLM's figures (lmplz -o 5: 1.9 s; trie 10.2 bytes per n-gram).
 *
 * - build: `tokenlab lm build --ids --kenlm-compat` in a child process, from the ids written to a temporary
 *   file (lmplz too reads a text of ids): wall time, CPU time and peak RSS of that process, best of three
 *   (as are the lookups: on a shared machine other processes only ever add time). Also the lab-mode build
 *   in this process (counting and packing only; the ids already in memory).
 * - size: bytes of the saved model file per n-gram.
 * - lookups: P(w | context) for every token and `</s>` of the corpus, scored sequence by sequence with a
 *   moving context state, on the model read back from its file.
 * - sampling: tokens per second from the plain mixture sampler, and with temperature 0.8, top-k 40, top-p 0.95.
 *
 * Options: --order N (default 5).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, END, type LanguageModel } from '../src/lm/model.js';
import { sample, type SampleOptions } from '../src/lm/sample.js';
import { readModelFile, writeModelFile } from '../src/store/lm-files.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { corpusPath, table } from './shared.js';

const KENLM = { seconds: 1.9, bytesPerNgram: 10.2, bytesPerNgramQuantized: 5.4, ngrams: 1725638, tokens: 1238389 };
const args = process.argv.slice(2);
const order = args.includes('--order') ? Number(args[args.indexOf('--order') + 1]) : 5;
const BIN = fileURLToPath(new URL('../../bin/tokenlab.js', import.meta.url));

interface CliBuild {
  seconds: number;
  cpuSeconds: number;
  peakRssMB: number;
}

function seconds(f: () => void): number {
  const t = performance.now();
  f();
  return (performance.now() - t) / 1000;
}

/** CPU seconds (user + system) of this process while f runs: steadier than wall time on a busy machine. */
function cpuSeconds(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Lookups per second: every token and `</s>` of the sequences, each sequence from `<s>`. */
function lookupsPerSecond(model: LanguageModel, words: Uint32Array[]): { rate: number; cpuRate: number; log2prob: number } {
  let log2prob = 0;
  let n = 0;
  let cpu = 0;
  const time = seconds(() => {
    cpu = cpuSeconds(() => {
      for (const seq of words) {
        const state = model.startState();
        for (let i = 0; i < seq.length; i++) log2prob += Math.log2(model.push(state, seq[i]));
        n += seq.length;
      }
    });
  });
  return { rate: n / time, cpuRate: n / cpu, log2prob };
}

function samplesPerSecond(model: LanguageModel, options: SampleOptions, runs: number): number {
  let tokens = 0;
  const time = seconds(() => {
    for (let seed = 0; seed < runs; seed++) tokens += sample(model, { ...options, seed, maxTokens: 200 }).tokens.length;
  });
  return tokens / time;
}

const tokenizer = tiktokenEncoding('cl100k_base');
const text = readFileSync(corpusPath('d2l-zh.txt'), 'utf8');
let sequences: number[][] = [];
const tokenizeSeconds = seconds(() => {
  // REFERENCE.md's corpus: lines with text (whitespace-only lines are left out; its 1,238,389 tokens are
  // exactly what the same rule gives, equal to tiktoken's ids line for line).
  sequences = text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => tokenizer.encodeOrdinary(l));
});
const tokens = sequences.reduce((s, q) => s + q.length, 0);
const dir = mkdtempSync(join(tmpdir(), 'tokenlab-bench-lm-'));
try {
  const idsFile = join(dir, 'd2l-zh.ids');
  writeFileSync(idsFile, sequences.map((s) => s.join(' ')).join('\n') + '\n');
  // The best of three runs: on a shared machine the other processes only ever add time.
  const runs = [0, 1, 2].map(() => {
    let summary: CliBuild | null = null;
    const wall = seconds(() => {
      const args = [BIN, 'lm', 'build', '--ids', idsFile, '--kenlm-compat', '--order', String(order), '--out', join(dir, 'k.lm'), '--json'];
      summary = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' })) as CliBuild;
    });
    return { ...summary!, wall };
  });
  const best = (key: 'wall' | 'seconds' | 'cpuSeconds' | 'peakRssMB') => Math.min(...runs.map((r) => r[key]));
  const cliWall = best('wall');
  const cli = { seconds: best('seconds'), cpuSeconds: best('cpuSeconds'), peakRssMB: best('peakRssMB') };

  let lab: LanguageModel | null = null;
  let labCpu = 0;
  const labSeconds = seconds(() => {
    labCpu = cpuSeconds(() => {
      lab = buildModel(sequences, { order, vocabularySize: tokenizer.nVocab, tokenizer: 'cl100k_base' });
    });
  });
  const modelFile = join(dir, 'lab.lm');
  await writeModelFile(modelFile, lab!);
  const fileBytes = statSync(modelFile).size;
  const loadStart = process.cpuUsage();
  const loadWall = performance.now();
  const model = await readModelFile(modelFile);
  model.prob(model.emptyState(), model.wordOf(END)); // the first query derives the weights and probabilities
  const loadSeconds = (performance.now() - loadWall) / 1000;
  const loadCpu = process.cpuUsage(loadStart);
  const ngrams = model.ngramCounts.reduce((a, b) => a + b, 0);
  const words = sequences.map((s) => Uint32Array.from([...s.map((t) => model.wordOf(t)), model.wordOf(END)]));
  lookupsPerSecond(model, words.slice(0, 2000)); // warm-up
  const passes = [0, 1, 2].map(() => lookupsPerSecond(model, words));
  const lookups = {
    log2prob: passes[0].log2prob,
    rate: Math.max(...passes.map((p) => p.rate)),
    cpuRate: Math.max(...passes.map((p) => p.cpuRate)),
  };
  const plain = samplesPerSecond(model, {}, 300);
  const filtered = samplesPerSecond(model, { temperature: 0.8, topK: 40, topP: 0.95 }, 20);

  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores (wall times stretch on a busy machine; CPU times less)`,
  );
  console.log(
    `d2l-zh.txt, cl100k_base: ${sequences.length} sequences, ${tokens} tokens (KenLM's run: ${KENLM.tokens}), tokenized in ${tokenizeSeconds.toFixed(2)} s`,
  );
  console.log(
    `${order}-gram: ${ngrams} n-grams (${model.ngramCounts.join(' / ')}; KenLM's run: ${KENLM.ngrams}); ` +
      `perplexity on its own training text ${(2 ** (-lookups.log2prob / (tokens + sequences.length))).toFixed(3)}\n`,
  );
  console.log(
    table([
      {
        measure: 'build: lm build --ids --kenlm-compat, wall (process)',
        tokenlab: `${cliWall.toFixed(2)} s`,
        KenLM: `${KENLM.seconds} s (lmplz)`,
        'tokenlab / KenLM': cliWall / KENLM.seconds,
        target: '<= 2',
      },
      {
        measure: 'build: counting + estimate + file, inside that process',
        tokenlab: `${cli.seconds.toFixed(2)} s`,
        KenLM: '',
        'tokenlab / KenLM': cli.seconds / KENLM.seconds,
        target: '',
      },
      {
        measure: 'build: the same, CPU',
        tokenlab: `${cli.cpuSeconds.toFixed(2)} s`,
        KenLM: '',
        'tokenlab / KenLM': cli.cpuSeconds / KENLM.seconds,
        target: '',
      },
      { measure: 'build: peak RSS of that process', tokenlab: `${cli.peakRssMB} MB`, KenLM: '', 'tokenlab / KenLM': '', target: '' },
      {
        measure: 'build: lab mode from ids in memory, wall',
        tokenlab: `${labSeconds.toFixed(2)} s`,
        KenLM: '',
        'tokenlab / KenLM': labSeconds / KENLM.seconds,
        target: '',
      },
      {
        measure: 'build: lab mode from ids in memory, CPU',
        tokenlab: `${labCpu.toFixed(2)} s`,
        KenLM: '',
        'tokenlab / KenLM': labCpu / KENLM.seconds,
        target: '',
      },
      {
        measure: 'model file, bytes per n-gram',
        tokenlab: (fileBytes / ngrams).toFixed(2),
        KenLM: `${KENLM.bytesPerNgram} (trie), ${KENLM.bytesPerNgramQuantized} (8-bit)`,
        'tokenlab / KenLM': fileBytes / ngrams / KENLM.bytesPerNgram,
        target: '<= 10 bytes',
      },
      {
        measure: 'load the model file and the first query (derives weights and probabilities)',
        tokenlab: `${loadSeconds.toFixed(2)} s (CPU ${((loadCpu.user + loadCpu.system) / 1e6).toFixed(2)} s)`,
        KenLM: '',
        'tokenlab / KenLM': '',
        target: '',
      },
      {
        measure: 'lookups per second (moving context), wall',
        tokenlab: `${(lookups.rate / 1e6).toFixed(2)} M`,
        KenLM: '',
        'tokenlab / KenLM': '',
        target: '>= 1 M',
      },
      {
        measure: 'lookups per CPU second',
        tokenlab: `${(lookups.cpuRate / 1e6).toFixed(2)} M`,
        KenLM: '',
        'tokenlab / KenLM': '',
        target: '',
      },
      { measure: 'sampled tokens per second (mixture)', tokenlab: Math.round(plain), KenLM: '', 'tokenlab / KenLM': '', target: '' },
      {
        measure: 'sampled tokens per second (T 0.8, top-k 40, top-p 0.95)',
        tokenlab: Math.round(filtered),
        KenLM: '',
        'tokenlab / KenLM': '',
        target: '',
      },
    ]),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
