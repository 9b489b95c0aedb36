/** Model files on disk: the binary format of src/lm/model-file.ts, written atomically. */
import { readFile } from 'node:fs/promises';
import type { LanguageModel } from '../lm/model.js';
import { decodeModel, encodeModel, ModelFileError } from '../lm/model-file.js';
import { writeFileAtomic } from './atomic-file.js';

/** Writes the model; returns the file's size in bytes. */
export async function writeModelFile(path: string, model: LanguageModel): Promise<number> {
  const bytes = encodeModel(model);
  await writeFileAtomic(path, bytes);
  return bytes.length;
}

/** Reads a model file; its arrays view the bytes read. Errors name the file. */
export async function readModelFile(path: string): Promise<LanguageModel> {
  const bytes = await readFile(path);
  try {
    return decodeModel(bytes);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
}
