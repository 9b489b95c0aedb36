/** Infini-gram index files on disk: the binary format of src/lm/infgram/index-file.ts, written atomically. */
import { readFile } from 'node:fs/promises';
import type { InfiniGramIndex } from '../lm/infgram/index.js';
import { decodeInfiniGram, encodeInfiniGram, InfiniGramFileError } from '../lm/infgram/index-file.js';
import { writeFileAtomic } from './atomic-file.js';

/** Writes the index; returns the file's size in bytes. */
export async function writeInfiniGramFile(path: string, index: InfiniGramIndex): Promise<number> {
  const bytes = encodeInfiniGram(index);
  await writeFileAtomic(path, bytes);
  return bytes.length;
}

/** Reads an index file; its arrays view the bytes read. Errors name the file. */
export async function readInfiniGramFile(path: string): Promise<InfiniGramIndex> {
  const bytes = await readFile(path);
  try {
    return decodeInfiniGram(bytes);
  } catch (e) {
    if (e instanceof InfiniGramFileError) throw new InfiniGramFileError(`${path}: ${e.message}`);
    throw e;
  }
}
