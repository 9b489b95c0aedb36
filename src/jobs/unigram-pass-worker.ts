import { parentPort, workerData } from 'node:worker_threads';
import { WordBlocks, type PassTask } from '../bpe/unigram/word-passes.js';

/** Runs Unigram passes over the blocks it is asked for, on the words it was started with; transfers the sums. */
const { words, wordCounts, bounds } = workerData as { words: string[]; wordCounts: Float64Array; bounds: Int32Array };
const port = parentPort!;
const blocks = new WordBlocks(words, wordCounts, bounds);

port.on('message', ({ task, first, last }: { task: PassTask; first: number; last: number }) => {
  const sums = blocks.run(task, first, last);
  port.postMessage(
    sums,
    sums.map((s) => s.counts.buffer as ArrayBuffer),
  );
});
