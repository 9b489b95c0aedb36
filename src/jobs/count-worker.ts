import { parentPort, workerData } from 'node:worker_threads';
import { PieceCounter, type CountOptions } from '../bpe/train/piece-counter.js';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import type { TextChunk } from '../store/text-chunks.js';

/** Counts the pieces of the chunks it is sent; on 'finish' returns its counts, transferring the buffers. */
const { pattern, options } = workerData as { pattern: PatternName; options: CountOptions };
const counter = new PieceCounter(pattern, options);
const port = parentPort!;

port.on('message', (message: { type: 'chunk'; chunk: TextChunk } | { type: 'finish' }) => {
  if (message.type === 'chunk') {
    counter.add(message.chunk.text, message.chunk.end);
    port.postMessage({ type: 'counted' });
    return;
  }
  const counts = counter.result();
  port.postMessage({ type: 'result', counts, cutPieces: counter.cutPieces }, [
    counts.bytes.buffer,
    counts.offsets.buffer,
    counts.counts.buffer,
  ] as ArrayBuffer[]);
});
