import { readFile } from 'node:fs/promises';
import { exportTokenizerJson, importTokenizerJson } from '../bpe/formats/tokenizer-json.js';
import { exportTiktokenRanks, importTiktokenRanks, tiktokenPatStr } from '../bpe/formats/tiktoken-ranks.js';
import type { SpecialToken, Vocabulary } from '../bpe/vocabulary.js';
import { writeFileAtomic } from '../store/atomic-file.js';
import { readVocabularyFile, writeVocabularyFile } from '../store/vocab-files.js';
import { parseOptions, required, UsageError } from './usage.js';

type Format = 'tiktoken' | 'hf';

function format(value: string | undefined): Format {
  const f = required(value, '--format');
  if (f !== 'tiktoken' && f !== 'hf') throw new UsageError(`--format takes tiktoken or hf, not ${JSON.stringify(f)}`);
  return f;
}

/** tokenlab export (our JSON to tiktoken ranks or tokenizer.json) and tokenlab import (the reverse). */
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
    const vocab = await readVocabularyFile(required(values.vocab, '--vocab'));
    await writeFileAtomic(out, fmt === 'hf' ? exportTokenizerJson(vocab) : exportTiktokenRanks(vocab));
    if (fmt === 'tiktoken') {
      // The rank format holds only the ordinary tokens: say what else tiktoken needs.
      process.stderr.write(
        `wrote ${vocab.tokens.length} ranks to ${out}; tiktoken also needs the pattern ${JSON.stringify(tiktokenPatStr(vocab.pattern))}` +
          (vocab.specials.length
            ? ` and the special tokens ${JSON.stringify(Object.fromEntries(vocab.specials.map((s) => [s.text, s.id])))}`
            : '') +
          '\n',
      );
    }
    return;
  }
  const input = await readFile(required(values.in, '--in'), 'utf8');
  let vocab: Vocabulary;
  if (fmt === 'hf') {
    vocab = importTokenizerJson(input);
  } else {
    const pattern = required(values.pattern, '--pattern (tiktoken rank files do not name their split pattern)');
    vocab = importTiktokenRanks(input, { pattern, specials: parseSpecials(values.special) });
  }
  await writeVocabularyFile(out, vocab);
  process.stderr.write(
    `imported ${vocab.tokens.length} tokens, ${vocab.merges.length} merges, ${vocab.specials.length} special tokens into ${out}\n`,
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
