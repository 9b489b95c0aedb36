/**
 * SuperBPE beside today's BPE on d2l-mix (part of `npm run bench:train`; `--superbpe-only` runs just this):
 * training time in this process (alternated, best of each, wall and CPU time: on the shared 2-core machine
 * other work slows wall time most), encoding MB/s (10 kB slices, warm, best pass), and bytes per token on
 * held-out d2l lines (trained on the first 90% of each file) at 8k and 32k.
 */
import { readFileSync } from 'node:fs';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { SuperBpeEncoder } from '../src/bpe/encode/superbpe-encoder.js';
import { trainSuperBpeOnTexts } from '../src/bpe/train/superbpe-trainer.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { corpusPath, table } from './shared.js';

interface Contender {
  name: string;
  train: (texts: string[], vocabSize: number) => Vocabulary;
  encoder: (v: Vocabulary) => { encodeOrdinary(t: string): number[] };
}

const CONTENDERS: Contender[] = [
  { name: 'bpe', train: (t, vocabSize) => trainOnTexts(t, { pattern: 'gpt2', vocabSize }), encoder: (v) => new Encoder(v) },
  {
    name: 'superbpe',
    train: (t, vocabSize) => trainSuperBpeOnTexts(t, { pattern: 'gpt2', vocabSize }),
    encoder: (v) => new SuperBpeEncoder(v),
  },
];

const ROUNDS = 3;

/** Wall and CPU seconds of f. */
const seconds = (f: () => void): { wall: number; cpu: number } => {
  const start = performance.now();
  const cpu = process.cpuUsage();
  f();
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
};

interface Best {
  train: number;
  trainCpu: number;
  mbps: number;
  cpuMbps: number;
}

export async function superBpeBench(): Promise<void> {
  const texts = ['d2l-zh.txt', 'd2l-en.txt'].map((f) => readFileSync(corpusPath(f), 'utf8'));
  const all = texts.join('');
  const mb = Buffer.byteLength(all) / 1e6;
  const slices: string[] = [];
  for (let i = 0; i < all.length; i += 10_000) slices.push(all.slice(i, i + 10_000));
  const rows = [];
  for (const vocabSize of [8000, 32000]) {
    const best = new Map<string, Best>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CONTENDERS) {
        let vocab: Vocabulary | undefined;
        const train = seconds(() => (vocab = c.train(texts, vocabSize)));
        const encoder = c.encoder(vocab!);
        const b = best.get(c.name) ?? { train: Infinity, trainCpu: Infinity, mbps: 0, cpuMbps: 0 };
        b.train = Math.min(b.train, train.wall);
        b.trainCpu = Math.min(b.trainCpu, train.cpu);
        for (let pass = 0; pass < 3; pass++) {
          const t = seconds(() => slices.forEach((s) => encoder.encodeOrdinary(s)));
          b.mbps = Math.max(b.mbps, mb / t.wall);
          b.cpuMbps = Math.max(b.cpuMbps, mb / t.cpu);
        }
        best.set(c.name, b);
      }
    }
    const bpe = best.get('bpe')!;
    for (const [name, b] of best) {
      rows.push({
        vocabulary: vocabSize,
        algorithm: name,
        'train s': b.train,
        'train / bpe': b.train / bpe.train,
        'train CPU s': b.trainCpu,
        'CPU / bpe': b.trainCpu / bpe.trainCpu,
        'encode MB/s': b.mbps,
        'encode / bpe': b.mbps / bpe.mbps,
        'encode MB/s of CPU': b.cpuMbps,
      });
    }
  }
  console.log(`# SuperBPE and BPE on d2l-mix (gpt2 pattern, one thread, in process; best of ${ROUNDS} trainings, 3 encode passes each)\n`);
  console.log(table(rows));
  console.log('\nTargets: superbpe training <= 2x bpe; superbpe encoding >= 10 MB/s.\n');
  heldOut(texts);
}

function heldOut(texts: string[]): void {
  const train: string[] = [];
  const held: string[] = [];
  for (const t of texts) {
    const cut = t.indexOf('\n', Math.floor(t.length * 0.9)) + 1;
    train.push(t.slice(0, cut));
    held.push(t.slice(cut));
  }
  const rows = [];
  for (const vocabSize of [8000, 32000]) {
    for (const c of CONTENDERS) {
      const encoder = c.encoder(c.train(train, vocabSize));
      const row: Record<string, string | number> = { vocabulary: vocabSize, algorithm: c.name };
      ['d2l-zh', 'd2l-en'].forEach(
        (name, i) => (row[`${name} held out: bytes/token`] = Buffer.byteLength(held[i]) / encoder.encodeOrdinary(held[i]).length),
      );
      rows.push(row);
    }
  }
  console.log('# Bytes per token on held-out d2l lines (last 10% of each file; trained on the first 90% of both)\n');
  console.log(table(rows));
}
