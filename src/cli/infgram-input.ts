/**
 * What the `tokenlab infgram` queries read: the index (--index), its tokenizer, and the token sequences asked
 * about (--ids "1 2 3", --text "...", or --queries FILE of id lines).
 */
import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '../bpe/tokenizer.js';
import type { InfiniGramIndex } from '../lm/infgram/index.js';
import { parseIdLines } from '../lm/ngram-trie.js';
import { readInfiniGramFile } from '../store/infgram-files.js';
import { loadTokenizer } from '../store/tokenizers.js';
import { parseIds, unknownId, unknownIdError } from './encode.js';
import { required, UsageError } from './usage.js';

/** An index and its tokenizer; `tokenizer` is null when it cannot be loaded here, and `why` says why. */
export interface OpenIndex {
  index: InfiniGramIndex;
  tokenizer: Tokenizer | null;
  why: string;
}

/** A file's text; a missing file is named with the flag that gave it. */
export async function readArgFile(path: string, flag: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new Error(`${flag} ${path}: no such file`) : e;
  });
}

/** The index --index names, and its tokenizer when the registry has it (an index of bare ids names none). */
export async function openIndex(path: string | undefined): Promise<OpenIndex> {
  const file = required(path, '--index');
  const index = await readInfiniGramFile(file).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ENOENT' ? new Error(`--index ${file}: no such file`) : e;
  });
  const name = index.info.tokenizer;
  if (name === '') return { index, tokenizer: null, why: 'it was built from ids with no --tokenizer' };
  try {
    return { index, tokenizer: await loadTokenizer(name), why: '' };
  } catch (e) {
    return { index, tokenizer: null, why: `its tokenizer ${JSON.stringify(name)} cannot be loaded here (${(e as Error).message})` };
  }
}

/** The index's tokenizer, which --text needs. */
export function textTokenizer(open: OpenIndex): Tokenizer {
  if (open.tokenizer === null) throw new Error(`--text needs the index's tokenizer, but ${open.why}; give --ids`);
  return open.tokenizer;
}

export interface QueryValues {
  ids?: string;
  text?: string;
  queries?: string;
}

/** The sequences asked about: one from --ids or --text, or one a line of --queries FILE (when `many`). */
export async function querySequences(open: OpenIndex, values: QueryValues, many: boolean): Promise<ArrayLike<number>[]> {
  const flags: Array<keyof QueryValues> = many ? ['ids', 'text', 'queries'] : ['ids', 'text'];
  const given = flags.filter((k) => values[k] !== undefined);
  const choices = many ? '--ids, --text or --queries' : '--ids or --text';
  if (given.length !== 1)
    throw new UsageError(`give one of ${choices}${given.length > 1 ? `, not ${given.map((k) => `--${k}`).join(' and ')}` : ''}`);
  if (values.text !== undefined) return [textTokenizer(open).encodeOrdinary(values.text)];
  const sequences = values.ids !== undefined ? [parseIds(values.ids)] : await queryLines(values.queries!);
  if (open.tokenizer !== null) {
    for (const ids of sequences) {
      const bad = unknownId(open.tokenizer, ids);
      if (bad !== undefined) throw unknownIdError(open.tokenizer, bad);
    }
  }
  return sequences;
}

async function queryLines(file: string): Promise<Uint32Array[]> {
  const text = await readArgFile(file, '--queries');
  try {
    return parseIdLines(text);
  } catch (e) {
    throw new UsageError(`--queries ${file}: ${(e as Error).message}`);
  }
}

/** A sequence for people: its text quoted, or its ids when the tokenizer is not at hand. */
export function sequenceLabel(open: OpenIndex, ids: ArrayLike<number>): string {
  return open.tokenizer === null ? Array.from(ids).join(' ') : JSON.stringify(open.tokenizer.decode(ids));
}
