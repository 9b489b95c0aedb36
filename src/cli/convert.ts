import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { algorithmOf, isHfPipelineFile } from '../bpe/formats/hf-vocab-json.js';
import { importHfTokenizerJson } from '../bpe/formats/tokenizer-json-import.js';
import { importTiktokenRanks } from '../bpe/formats/tiktoken-ranks.js';
import type { SpecialToken, Vocabulary } from '../bpe/vocabulary.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { exportVocabFile } from '../jobs/vocab-export-file.js';
import { readVocabFile, writeVocabularyFile } from '../store/vocab-files.js';
import { parseOptions, required, UsageError } from './usage.js';

type Format = 'tiktoken' | 'hf';

/** The rank format holds only the ordinary tokens: the rest of what tiktoken needs goes to OUT.args.json. */
async function writeTiktokenArgs(path: string, v: Vocabulary, out: string): Promise<void> {
  await writeFileAtomic(`${out}.args.json`, exportVocabFile(path, v, 'tiktoken-args'));
  process.stderr.write(
    `wrote ${v.tokens.length} ranks to ${out}; tiktoken also needs the pattern (${v.pattern}) and the ${v.specials.length} ` +
      `special token(s), written to ${out}.args.json as {"pat_str", "special_tokens"}\n`,
  );
}

function format(value: string | undefined): Format {
  const f = required(value, '--format');
  if (f !== 'tiktoken' && f !== 'hf') throw new UsageError(`--format takes tiktoken or hf, not ${JSON.stringify(f)}`);
  return f;
}

/**
 * tokenlab export (our JSON to tiktoken ranks or tokenizer.json) and tokenlab import (the reverse; a
 * tokenizer.json keeps its own semantics, as a version 2 file where tiktoken's rule would differ).
 */
export async function convertCommand(direction: 'export' | 'import', args: string[]): Promise<void> {
  const { values } = parseOptions(args, {
    vocab: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string' },
    pattern: { type: 'string' },
    special: { type: 'string' },
  });
  const fmt = format(values.format);
  const out = required(values.out, '--out');
  if (direction === 'export') {
    const path = required(values.vocab, '--vocab');
    const vocab = await readVocabFile(path);
    await writeFileAtomic(out, exportVocabFile(path, vocab, fmt === 'hf' ? 'tokenizer.json' : 'tiktoken'));
    if (fmt === 'tiktoken' && algorithmOf(vocab) === 'bpe') await writeTiktokenArgs(path, vocab as Vocabulary, out);
    return;
  }
  const inPath = required(values.in, '--in');
  const input = await readFile(inPath, 'utf8');
  if (fmt === 'hf') return importHf(input, basename(inPath), out);
  const pattern = required(values.pattern, '--pattern (tiktoken rank files do not name their split pattern)');
  const vocab = importTiktokenRanks(input, { pattern, specials: parseSpecials(values.special) });
  await writeVocabularyFile(out, vocab);
  reportImport(vocab, out);
}

function reportImport(vocab: Vocabulary, out: string): void {
  process.stderr.write(
    `imported ${vocab.tokens.length} tokens, ${vocab.merges.length} merges, ${vocab.specials.length} special tokens into ${out}\n`,
  );
}

/** A tokenizer.json (the file `from`) as version 1 where tiktoken's rule gives its ids, else as version 2. */
async function importHf(input: string, from: string, out: string): Promise<void> {
  const { file, pipeline, whyNotVersion1 } = importHfTokenizerJson(input, { at: new Date().toISOString(), from });
  await writeVocabularyFile(out, file);
  if (!isHfPipelineFile(file)) return reportImport(file as Vocabulary, out); // tokenizer.json import makes version 1 or 2
  process.stderr.write(
    `imported a Hugging Face pipeline of ${pipeline.nVocab} token ids, ${pipeline.specials.length} special tokens into ${out} ` +
      `(tokenlab-vocab version 2, encoded as tokenizers does; not version 1 since ${whyNotVersion1})\n`,
  );
}

/** `--special "<|endoftext|>=100257,<|fim_prefix|>=100258"` */
function parseSpecials(value: string | undefined): SpecialToken[] {
  if (!value) return [];
  return value.split(',').map((item) => {
    const at = item.lastIndexOf('=');
    const id = Number(item.slice(at + 1));
    if (at <= 0 || !Number.isInteger(id) || id < 0) throw new UsageError(`--special takes TOKEN=ID pairs, not ${JSON.stringify(item)}`);
    return { text: item.slice(0, at), id };
  });
}
