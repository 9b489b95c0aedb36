import { isPatternName, PATTERN_NAMES } from '../bpe/pretokenize/patterns.js';
import { trainFiles } from '../jobs/train-files.js';
import { writeVocabularyFile } from '../store/vocab-files.js';
import { corpusPath } from './corpus-arg.js';
import { ProgressLine } from './progress.js';
import { parseOptions, positiveInteger, required, UsageError } from './usage.js';

/**
 * tokenlab train: trains on this thread (counting uses worker threads for large inputs), with a progress bar on
 * a terminal, and writes our JSON format. Training on the main thread rather than in a job worker saves an
 * isolate's memory; Ctrl-C simply ends the process, and the output file is written atomically at the end.
 */
export async function trainCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseOptions(args, {
    corpus: { type: 'string', multiple: true },
    'vocab-size': { type: 'string' },
    pattern: { type: 'string' },
    special: { type: 'string' },
    'min-frequency': { type: 'string' },
    compat: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  });
  const named = [...(values.corpus ?? []), ...positionals];
  if (named.length === 0) throw new UsageError('--corpus FILE is required');
  const corpora = await Promise.all(named.map(corpusPath));
  const pattern = required(values.pattern, '--pattern');
  if (!isPatternName(pattern)) throw new UsageError(`unknown pattern ${JSON.stringify(pattern)}: use one of ${PATTERN_NAMES.join(', ')}`);
  const compat = values.compat ?? 'none';
  if (compat !== 'none' && compat !== 'hf') throw new UsageError(`--compat takes hf (or none), not ${JSON.stringify(compat)}`);
  const out = required(values.out, '--out');
  const options = {
    pattern,
    vocabSize: positiveInteger(required(values['vocab-size'], '--vocab-size'), '--vocab-size')!,
    minFrequency: positiveInteger(values['min-frequency'], '--min-frequency'),
    specials: values.special ? values.special.split(',').filter((s) => s.length > 0) : [],
    compat: compat as 'none' | 'hf',
    threads: positiveInteger(values.threads, '--threads'),
  };

  const progress = process.stderr.isTTY && !values.json ? new ProgressLine(process.stderr) : undefined;
  const vocab = await trainFiles(corpora, {
    ...options,
    onCountProgress: (read, total) => progress?.count(read, total),
    onProgress: (p) => progress?.merge(p),
  });
  progress?.end();
  // Record corpora as named on the command line (a bundled corpus's name, not its path on this machine).
  vocab.training!.corpora.forEach((c, i) => (c.name = named[i]));
  await writeVocabularyFile(out, vocab);
  {
    const t = vocab.training!;
    const summary = {
      out,
      pattern,
      vocabSize: vocab.tokens.length + vocab.specials.length,
      merges: vocab.merges.length,
      seconds: t.seconds,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      bytesPerToken: t.bytesPerToken,
      corpusBytes: t.corpora.reduce((s, c) => s + c.bytes, 0),
      uniquePieces: t.uniquePieces,
      invalidUtf8: t.invalidUtf8,
      cutPieces: t.cutPieces,
      threads: t.threads,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        `trained ${summary.vocabSize} tokens (${summary.merges} merges) on ${(summary.corpusBytes / 1e6).toFixed(1)} MB in ` +
          `${summary.seconds.toFixed(1)} s, peak memory ${summary.peakRssMB} MB; ${summary.bytesPerToken.toFixed(2)} bytes/token ` +
          `on the training text; wrote ${out}\n` +
          (summary.invalidUtf8 ? `note: ${summary.invalidUtf8} invalid UTF-8 sequences were read as U+FFFD\n` : '') +
          (summary.cutPieces ? `note: ${summary.cutPieces} pieces over 1 KiB were cut before training\n` : ''),
      );
    }
  }
}
