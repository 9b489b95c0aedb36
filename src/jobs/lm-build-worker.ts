import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';
import { modelOfTrie } from '../lm/model.js';
import { countNGrams } from '../lm/ngram-trie.js';
import { scoreText } from '../lm/query.js';
import { writeModelFile } from '../store/lm-files.js';
import { tokenizerByName } from '../store/tokenizers.js';
import { Cancelled, workerProgress } from './worker-progress.js';
import type { LmBuildEvent, LmBuildOptions, LmBuildPhase } from './lm-build-job.js';

/** Runs one model build in this worker thread, posting progress and the summary. */
const { options, stop } = workerData as { options: LmBuildOptions; stop: Int32Array };
const port = parentPort!;
const post = (event: LmBuildEvent) => port.postMessage(event);
const progress = { read: 0, total: 0, sequences: 0, tokens: 0 };
const { report, seconds } = workerProgress<LmBuildPhase>(stop, (phase, seconds) => post({ type: 'progress', phase, ...progress, seconds }));

/** The train split's non-empty lines, tokenized one sequence each, read as a stream (bytes read for progress). */
async function tokenizeLines(encode: (line: string) => number[]): Promise<Uint32Array[]> {
  progress.total = (await stat(options.trainPath)).size;
  report('tokenizing');
  const stream = createReadStream(options.trainPath);
  const sequences: Uint32Array[] = [];
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (line === '') continue;
    const ids = Uint32Array.from(encode(line));
    sequences.push(ids);
    progress.sequences++;
    progress.tokens += ids.length;
    progress.read = stream.bytesRead;
    report('tokenizing', false);
  }
  progress.read = progress.total;
  return sequences;
}

try {
  const tokenizer = await tokenizerByName(options.tokenizer);
  const sequences = await tokenizeLines((line) => tokenizer.encodeOrdinary(line));
  if (sequences.length === 0) throw new RangeError(`the train split of ${options.corpus} has no text`);
  report('counting');
  const trie = countNGrams(sequences, options.order);
  report('estimating');
  // Lab mode over every id of the tokenizer (encodeOrdinary's ids are below nVocab by definition).
  const source = { corpus: `${options.corpus}:train`, sequences: progress.sequences, tokens: progress.tokens };
  const model = modelOfTrie(trie, { mode: 'lab', vocabularySize: tokenizer.nVocab, tokenizer: options.tokenizer, source });
  report('scoring');
  const heldOutText = await readFile(options.heldOutPath, 'utf8');
  const scored = heldOutText.trim() === '' ? null : scoreText(model, tokenizer, heldOutText);
  report('saving');
  const fileBytes = await writeModelFile(options.modelPath, model);
  const heldOut = scored && {
    bytes: scored.bytes,
    sequences: scored.sequences,
    tokens: scored.tokens,
    log2prob: scored.log2prob,
    bitsPerByte: scored.bitsPerByte,
    perplexity: scored.perplexity,
  };
  post({
    type: 'done',
    summary: {
      vocabularySize: tokenizer.nVocab,
      sequences: progress.sequences,
      tokens: progress.tokens,
      trainBytes: progress.total,
      ngrams: model.ngramCounts,
      fileBytes,
      seconds: seconds(),
      heldOut,
    },
  });
} catch (e) {
  post(e instanceof Cancelled ? { type: 'cancelled' } : { type: 'failed', message: (e as Error).message });
}
