import { isPatternName, PATTERN_NAMES, type PatternName } from '../bpe/pretokenize/patterns.js';
import { defaultTransition } from '../bpe/train/superbpe-trainer.js';
import type { UnigramModel } from '../bpe/unigram/unigram-model.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { TRAIN_ALGORITHMS, trainByAlgorithm, type TrainAlgorithm, type TrainFilesOptions } from '../jobs/train-files.js';
import { writeVocabularyFile } from '../store/vocab-files.js';
import { corpusPath, corpusProvenance } from './corpus-arg.js';
import { ProgressLine } from './progress.js';
import { parseOptions, positiveInteger, required, UsageError } from './usage.js';

/** Flags each algorithm does not take (Unigram splits words at spaces: no pattern or merges). */
const NOT_FOR: Record<TrainAlgorithm, readonly string[]> = {
  bpe: ['transition'],
  superbpe: ['compat'],
  unigram: ['pattern', 'min-frequency', 'compat', 'transition'],
};

/**
 * tokenlab train: trains on this thread (BPE counts and Unigram's per-word passes run in worker threads for
 * large inputs), with a progress bar on a terminal, and writes our JSON format (version 1 for BPE, version 3 for SuperBPE and Unigram). Training on
 * the main thread rather than in a job worker saves an isolate's memory; Ctrl-C simply ends the process, and
 * the output file is written atomically at the end.
 */
export async function trainCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    algorithm: { type: 'string' },
    corpus: { type: 'string', multiple: true },
    'vocab-size': { type: 'string' },
    pattern: { type: 'string' },
    special: { type: 'string' },
    'min-frequency': { type: 'string' },
    compat: { type: 'string' },
    threads: { type: 'string' },
    transition: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const algorithm = (values.algorithm ?? 'bpe') as TrainAlgorithm;
  if (!TRAIN_ALGORITHMS.includes(algorithm)) {
    throw new UsageError(`--algorithm takes ${TRAIN_ALGORITHMS.join(', ')}, not ${JSON.stringify(values.algorithm)}`);
  }
  const refused = NOT_FOR[algorithm].find((flag) => values[flag as keyof typeof values] !== undefined);
  if (refused !== undefined) throw new UsageError(`--${refused} does not apply to --algorithm ${algorithm}`);
  const named = [...(values.corpus ?? []), ...positionals];
  if (named.length === 0) throw new UsageError('--corpus FILE is required');
  const corpora = await Promise.all(named.map(corpusPath));
  const pattern = algorithm === 'unigram' ? 'gpt2' : required(values.pattern, '--pattern'); // Unigram reads no pattern
  if (!isPatternName(pattern)) throw new UsageError(`unknown pattern ${JSON.stringify(pattern)}: use one of ${PATTERN_NAMES.join(', ')}`);
  const compat = values.compat ?? 'none';
  if (compat !== 'none' && compat !== 'hf') throw new UsageError(`--compat takes hf (or none), not ${JSON.stringify(compat)}`);
  const out = required(values.out, '--out');
  const vocabSize = positiveInteger(required(values['vocab-size'], '--vocab-size'), '--vocab-size')!;
  const specials = values.special ? values.special.split(',').filter((s) => s.length > 0) : [];
  const transition = positiveInteger(values.transition, '--transition');
  if (transition !== undefined && (transition < 256 || transition > vocabSize - specials.length)) {
    throw new UsageError(`--transition must be from 256 to the vocabulary size less the special tokens (${vocabSize - specials.length})`);
  }
  const options: TrainFilesOptions = {
    algorithm,
    pattern: pattern as PatternName,
    vocabSize,
    minFrequency: positiveInteger(values['min-frequency'], '--min-frequency'),
    specials,
    compat: compat as 'none' | 'hf',
    threads: positiveInteger(values.threads, '--threads'),
    ...(algorithm === 'superbpe' && { transition: transition ?? defaultTransition(vocabSize, specials.length) }),
  };

  const progress = process.stderr.isTTY && !values.json ? new ProgressLine(process.stderr) : undefined;
  const trained = await trainByAlgorithm(corpora, {
    ...options,
    onCountProgress: (read, total) => progress?.count(read, total),
    onProgress: (p) => progress?.merge(p),
    onUnigramProgress: (p) => progress?.status(`unigram ${p.stage}, round ${p.round}: ${p.pieces} pieces`, true),
  });
  progress?.end();
  // Record corpora as named on the command line (a bundled corpus's name, not its path on this machine), with
  // the package versions a bundled one comes from.
  const sources = await Promise.all(named.map((arg, i) => corpusProvenance(arg, corpora[i])));
  trained.training?.corpora.forEach((c, i) => Object.assign(c, { name: named[i] }, sources[i] === undefined ? {} : { source: sources[i] }));
  await writeVocabularyFile(out, trained);
  const summary = { out, algorithm, ...('scores' in trained ? unigramSummary(trained) : bpeSummary(trained, pattern)) };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(summaryText(summary));
}

const peakRssMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

function bpeSummary(vocab: Vocabulary, pattern: string) {
  const t = vocab.training!;
  return {
    pattern,
    vocabSize: vocab.tokens.length + vocab.specials.length,
    merges: vocab.merges.length,
    ...(vocab.superbpe && { transition: vocab.superbpe.transition }),
    seconds: t.seconds,
    peakRssMB: peakRssMB(),
    bytesPerToken: t.bytesPerToken,
    corpusBytes: t.corpora.reduce((s, c) => s + c.bytes, 0),
    uniquePieces: t.uniquePieces,
    invalidUtf8: t.invalidUtf8,
    cutPieces: t.cutPieces,
    threads: t.threads,
  };
}

function unigramSummary(model: UnigramModel) {
  const t = model.training!;
  return {
    vocabSize: 256 + model.pieces.length + model.specials.length,
    pieces: model.pieces.length,
    seconds: t.seconds,
    peakRssMB: peakRssMB(),
    corpusBytes: t.corpora.reduce((s, c) => s + c.bytes, 0),
    rounds: t.rounds,
    characterCoverage: t.characterCoverage,
  };
}

function summaryText(
  s: { out: string; algorithm: TrainAlgorithm } & Partial<ReturnType<typeof bpeSummary>> & { vocabSize: number },
): string {
  const made =
    s.merges === undefined ? '' : ` (${s.merges} merges${s.transition === undefined ? '' : `, superwords from id ${s.transition}`})`;
  const perToken = s.bytesPerToken === undefined ? '' : `; ${s.bytesPerToken.toFixed(2)} bytes/token on the training text`;
  return (
    `trained ${s.vocabSize} ${s.algorithm} tokens${made} on ${((s.corpusBytes ?? 0) / 1e6).toFixed(1)} MB in ` +
    `${(s.seconds ?? 0).toFixed(1)} s, peak memory ${s.peakRssMB} MB${perToken}; wrote ${s.out}\n` +
    (s.invalidUtf8 ? `note: ${s.invalidUtf8} invalid UTF-8 sequences were read as U+FFFD\n` : '') +
    (s.cutPieces ? `note: ${s.cutPieces} long pieces were cut before training\n` : '')
  );
}
