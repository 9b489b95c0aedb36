import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnigramModel } from '../src/bpe/unigram/unigram-model.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { trainByAlgorithm, trainFiles } from '../src/jobs/train-files.js';
import { startTrainJob, type TrainEvent } from '../src/jobs/train-job.js';
import { writeFileAtomic } from '../src/store/atomic-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'tokenlab-job-'));

function corpus(name: string, repeat: number): string {
  const path = join(tmp, name);
  const lines = [
    '模型在训练集上的误差称为训练误差，泛化误差是模型在新数据上的误差。',
    'The generalization error is the expected error on new data drawn from the same distribution.',
    'def train(net, loss, updater):  # 训练模型一个迭代周期',
  ];
  writeFileSync(path, Array.from({ length: repeat }, (_, i) => `${lines[i % 3]} ${i}\n`).join(''));
  return path;
}

describe('training jobs in a worker thread', () => {
  it('reports counting and merge progress and returns what trainFiles returns', async () => {
    const path = corpus('small.txt', 3000);
    const events: TrainEvent[] = [];
    const options = { pattern: 'cjk' as const, vocabSize: 600, threads: 1 };
    const vocab = (await startTrainJob([path], options, (e) => events.push(e)).result) as Vocabulary;
    const direct = await trainFiles([path], options);
    expect(vocab.merges).toEqual(direct.merges);
    expect(vocab.tokens.map((t) => Array.from(t))).toEqual(direct.tokens.map((t) => Array.from(t)));
    const merges = events.filter((e) => e.type === 'merge');
    expect(merges.length).toBeGreaterThan(0);
    expect(merges.at(-1)).toMatchObject({ merges: 344, total: 344 });
    expect(events.at(-1)!.type).toBe('done');
  });

  it('trains SuperBPE (progress over both stages) and Unigram (its stages), as on this thread', async () => {
    const path = corpus('algorithms.txt', 3000);
    const superbpe = { algorithm: 'superbpe' as const, pattern: 'gpt2' as const, vocabSize: 700, transition: 500 };
    const events: TrainEvent[] = [];
    const vocab = (await startTrainJob([path], superbpe, (e) => events.push(e)).result) as Vocabulary;
    const direct = (await trainByAlgorithm([path], superbpe)) as Vocabulary;
    expect(vocab.merges).toEqual(direct.merges);
    expect(vocab.superbpe).toEqual(direct.superbpe);
    const merges = events.filter((e) => e.type === 'merge');
    expect(merges.at(-1)).toMatchObject({ total: 700 - 256 });
    expect(merges.some((e) => e.type === 'merge' && e.merges > 500 - 256)).toBe(true);
    const unigram = { algorithm: 'unigram' as const, pattern: 'gpt2' as const, vocabSize: 400 };
    const stages: string[] = [];
    const model = (await startTrainJob([path], unigram, (e) => e.type === 'unigram' && stages.push(e.stage)).result) as UnigramModel;
    expect(model.pieces).toEqual(((await trainByAlgorithm([path], unigram)) as UnigramModel).pieces);
    expect(stages[0]).toBe('seed');
    expect(stages.at(-1)).toBe('done');
  });

  it('can be cancelled while it runs', async () => {
    const path = corpus('large.txt', 200_000);
    let job: ReturnType<typeof startTrainJob> | undefined = undefined;
    job = startTrainJob([path], { pattern: 'gpt2', vocabSize: 50_000, threads: 1 }, (e) => {
      if (e.type === 'merge' || e.type === 'count') job!.cancel();
    });
    await expect(job.result).rejects.toMatchObject({ name: 'TrainingCancelled' });
  });

  it('fails with the reason when the input is bad, and the caller lives on', async () => {
    const job = startTrainJob([join(tmp, 'nope.txt')], { pattern: 'gpt2', vocabSize: 300 }, () => {});
    await expect(job.result).rejects.toThrow(/ENOENT/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary files behind', async () => {
    const path = join(tmp, 'vocab.json');
    await writeFileAtomic(path, 'old');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(path, `new ${i} `.repeat(10_000))));
    expect(readFileSync(path, 'utf8')).toMatch(/^(new (\d+) )\1*$/);
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});
