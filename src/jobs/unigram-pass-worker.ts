import { parentPort, workerData } from 'node:worker_threads';
import { runBlocks, type PassTask } from '../bpe/unigram/word-passes.js';

/** Runs Unigram passes over the blocks it is asked for, on the words it was started with; transfers the sums. */
const { words, wordCounts, bounds } = workerData as { words: string[]; wordCounts: Float64Array; bounds: Int32Array };
const port = parentPort!;

port.on('message', ({ task, first, last }: { task: PassTask; first: number; last: number }) => {
  const sums = runBlocks(task, words, wordCounts, bounds, first, last);
  port.postMessage(
    sums,
    sums.map((s) => s.counts.buffer as ArrayBuffer),
  );
});
