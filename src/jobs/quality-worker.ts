import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { tokenizerByName } from '../store/tokenizers.js';
import { measureQuality } from './quality-measures.js';
import type { QualityEvent, QualityPhase, QualityRow, QualityRunOptions } from './quality-job.js';
import { Cancelled, workerProgress } from './worker-progress.js';

/** Measures each tokenizer in turn on this worker thread, posting the rows so far after each. */
const { options, stop } = workerData as { options: QualityRunOptions; stop: Int32Array };
const port = parentPort!;
const post = (event: QualityEvent) => port.postMessage(event);
const rows: QualityRow[] = [];
let current: string | null = null;
const { report } = workerProgress<QualityPhase>(stop, (phase, s) =>
  post({ type: 'progress', phase, current, rows, total: options.tokenizers.length, seconds: s }),
);

const linesOf = (text: string) => text.split('\n').filter((l) => l.length > 0);

try {
  const trainLines = linesOf(await readFile(options.trainPath, 'utf8'));
  const lines = linesOf(options.text ?? (await readFile(options.heldOutPath, 'utf8')));
  if (trainLines.length === 0) throw new RangeError('the corpus has no train text');
  if (lines.length === 0) throw new RangeError('the held-out text is empty');
  for (const name of options.tokenizers) {
    current = name;
    report('encoding');
    const tokenizer = await tokenizerByName(name);
    const encode = (l: string) => {
      report('encoding', false);
      return Uint32Array.from(tokenizer.encodeOrdinary(l));
    };
    const trainIds = trainLines.map(encode);
    const ids = lines.map(encode);
    report('measuring');
    rows.push({ tokenizer: name, ...measureQuality({ tokenizer, decode: (x) => tokenizer.decode(x), trainIds, lines, ids }) });
  }
  current = null;
  post({ type: 'done', rows });
} catch (e) {
  post(e instanceof Cancelled ? { type: 'cancelled' } : { type: 'failed', message: (e as Error).message });
}
