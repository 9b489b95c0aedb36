/**
 * The vocabularies a user trains or imports: `<data dir>/vocabularies/NAME.json`, in our JSON format (version
 * 1, version 2 for a Hugging Face pipeline imported from a tokenizer.json, version 3 for SuperBPE or Unigram),
 * written atomically. Listing is synchronous (one readdir) so every chooser can show them without a restart.
 */
import { mkdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isTiktokenEncodingName } from '../bpe/formats/tiktoken-encodings.js';
import type { VocabFile } from '../bpe/formats/hf-vocab-json.js';
import type { Vocabulary } from '../bpe/vocabulary.js';
import { checkName, dataDir, filesIn } from './data-dir.js';
import { modelTokenizerCatalogue } from './model-tokenizers/catalogue.js';
import { isShippedVocabularyName } from './shipped-vocabularies.js';
import { readVocabularyFile, writeVocabularyFile } from './vocab-files.js';

export interface UserVocabularyFile {
  name: string;
  path: string;
  /** Last modification time (ms): a changed file is loaded afresh. */
  mtimeMs: number;
}

export function userVocabularyDir(): string {
  return join(dataDir(), 'vocabularies');
}

/** A name a user vocabulary may take: safe as a file name and not one of the built-in or model tokenizers'. */
export function checkVocabularyName(name: string): string {
  checkName(name, 'vocabulary');
  if (isTiktokenEncodingName(name) || isShippedVocabularyName(name) || modelTokenizerCatalogue().some((d) => d.name === name)) {
    throw new RangeError(`${name} is a built-in tokenizer: choose another name`);
  }
  return name;
}

export function userVocabularyPath(name: string): string {
  return join(userVocabularyDir(), `${checkVocabularyName(name)}.json`);
}

/** The user's vocabularies, by name (files with unsafe names, such as a temporary file mid-save, are skipped). */
export function listUserVocabularies(): UserVocabularyFile[] {
  const out: UserVocabularyFile[] = [];
  for (const f of filesIn(userVocabularyDir(), '.json')) {
    const name = f.slice(0, -'.json'.length);
    if (!isAllowedName(name)) continue;
    const path = join(userVocabularyDir(), f);
    out.push({ name, path, mtimeMs: statSync(path).mtimeMs });
  }
  return out;
}

function isAllowedName(name: string): boolean {
  try {
    checkVocabularyName(name);
    return true;
  } catch {
    return false;
  }
}

export function findUserVocabulary(name: string): UserVocabularyFile | undefined {
  return listUserVocabularies().find((v) => v.name === name);
}

/** The user vocabulary `name` as a byte-level vocabulary (version 1 or 3 SuperBPE; others are refused, saying why). */
export async function readUserVocabulary(name: string): Promise<Vocabulary> {
  return readVocabularyFile(userVocabularyPath(name));
}

/** Saves (or replaces) the user vocabulary `name`, atomically. */
export async function saveUserVocabulary(name: string, vocab: VocabFile): Promise<UserVocabularyFile> {
  const path = userVocabularyPath(name);
  mkdirSync(userVocabularyDir(), { recursive: true });
  await writeVocabularyFile(path, vocab);
  return { name, path, mtimeMs: statSync(path).mtimeMs };
}

/** Deletes the user vocabulary `name`; false if there was none. */
export async function deleteUserVocabulary(name: string): Promise<boolean> {
  const path = userVocabularyPath(name);
  if (findUserVocabulary(name) === undefined) return false;
  await rm(path, { force: true });
  return true;
}
