import { stat } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { buildInfiniGram } from '../lm/infgram/build.js';
import { writeInfiniGramFile } from '../store/infgram-files.js';
import { fileLines } from '../store/text-lines.js';
import { tokenizerByName } from '../store/tokenizers.js';
import type { InfgramSource } from '../store/user-infgrams.js';
import { Cancelled, workerProgress } from './worker-progress.js';
import type { InfgramBuildEvent, InfgramBuildOptions, InfgramBuildPhase } from './infgram-build-job.js';

/** Runs one index build in this worker thread, posting progress and the summary. */
const { options, stop } = workerData as { options: InfgramBuildOptions; stop: Int32Array };
const port = parentPort!;
const post = (event: InfgramBuildEvent) => port.postMessage(event);
const progress = { read: 0, total: 0, lines: 0, tokens: 0 };
const { report, seconds } = workerProgress<InfgramBuildPhase>(stop, (phase, seconds) =>
  post({ type: 'progress', phase, ...progress, seconds }),
);

/** Every line of every corpus, tokenized, in order; where each corpus's lines start. */
async function tokenizeCorpora(encode: (line: string) => number[]): Promise<{ lines: Uint32Array[]; sources: InfgramSource[] }> {
  const sizes = await Promise.all(options.corpora.map(async (c) => (await stat(c.path)).size));
  progress.total = sizes.reduce((a, b) => a + b, 0);
  report('tokenizing');
  const lines: Uint32Array[] = [];
  const sources: InfgramSource[] = [];
  let before = 0; // bytes of the corpora already read
  for (const [k, corpus] of options.corpora.entries()) {
    const source: InfgramSource = { corpus: corpus.name, firstLine: lines.length, lines: 0, tokens: 0, bytes: sizes[k] };
    for await (const line of fileLines(corpus.path)) {
      const ids = Uint32Array.from(encode(line.text));
      lines.push(ids);
      source.lines++;
      source.tokens += ids.length;
      progress.lines++;
      progress.tokens += ids.length;
      progress.read = before + line.bytesRead;
      report('tokenizing', false);
    }
    before += sizes[k];
    sources.push(source);
  }
  progress.read = progress.total;
  return { lines, sources };
}

try {
  const tokenizer = await tokenizerByName(options.tokenizer);
  const { lines, sources } = await tokenizeCorpora((line) => tokenizer.encodeOrdinary(line));
  if (progress.tokens === 0) throw new RangeError(`the train split of ${sources.map((s) => s.corpus).join(', ')} has no text`);
  report('building');
  const buildStart = performance.now();
  const index = buildInfiniGram(lines, { tokenizer: options.tokenizer, source: sources.map((s) => `${s.corpus}:train`).join(' ') });
  const buildSeconds = (performance.now() - buildStart) / 1000;
  report('saving');
  const fileBytes = await writeInfiniGramFile(options.indexPath, index);
  post({
    type: 'done',
    summary: {
      vocabularySize: tokenizer.nVocab,
      corpora: sources,
      tokens: index.tokenCount,
      lines: index.lineCount,
      distinct: index.vocabulary.length,
      fileBytes,
      seconds: seconds(),
      buildSeconds,
    },
  });
} catch (e) {
  post(e instanceof Cancelled ? { type: 'cancelled' } : { type: 'failed', message: (e as Error).message });
}
