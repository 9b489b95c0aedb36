import { readFile } from 'node:fs/promises';
import { parseVocabulary, serializeVocabulary } from '../bpe/formats/vocab-json.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { assertSafePattern } from './pattern-safety.js';
import { writeFileAtomic } from './atomic-file.js';

/** Reads a vocabulary in our JSON format; errors name the file. */
export async function readVocabularyFile(path: string): Promise<Vocabulary> {
  const text = await readFile(path, 'utf8');
  let vocab: Vocabulary;
  try {
    vocab = parseVocabulary(text);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
  await assertSafePattern(vocab.pattern); // a file may have been written by hand, or before the check existed
  return vocab;
}

/** Writes a vocabulary in our JSON format, atomically (a crash leaves the old file or the new one). */
export async function writeVocabularyFile(path: string, vocab: Vocabulary): Promise<void> {
  await writeFileAtomic(path, serializeVocabulary(vocab));
}
