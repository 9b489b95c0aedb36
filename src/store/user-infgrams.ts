/**
 * The user's ∞-gram indexes under the data directory: `<data>/infgrams/NAME.tli` (the index file of
 * src/lm/infgram/index-file.ts, written by the build worker) and `NAME.json` (the record: tokenizer, the corpora
 * and the lines each gave, sizes, build time), kept as src/store/recorded-files.ts keeps things: the record
 * written last, loaded indexes cached by the file's mtime.
 */
import type { InfiniGramIndex } from '../lm/infgram/index.js';
import { readInfiniGramFile } from './infgram-files.js';
import { recordedFiles } from './recorded-files.js';

/** A corpus an index was built from: the train split's lines [firstLine, firstLine + lines) of the index. */
export interface InfgramSource {
  corpus: string;
  firstLine: number;
  /** Lines of the split, empty ones counted. */
  lines: number;
  tokens: number;
  /** The split file's size when it was indexed (a changed file no longer matches the index's line numbers). */
  bytes: number;
}

export interface InfgramRecord {
  name: string;
  tokenizer: string;
  /** The tokenizer's vocabulary size when the index was built (a changed tokenizer gives other ids). */
  vocabularySize: number;
  corpora: InfgramSource[];
  tokens: number;
  lines: number;
  /** Distinct token ids in the corpus. */
  distinct: number;
  fileBytes: number;
  bytesPerToken: number;
  builtAt: string;
  /** The whole build, and the suffix array's part of it. */
  seconds: number;
  buildSeconds: number;
}

const infgrams = recordedFiles<InfgramRecord, InfiniGramIndex>('infgrams', '.tli', 'index', readInfiniGramFile);

export const infgramsDir = infgrams.dir;
export const checkInfgramName = infgrams.checkName;
/** Where the index file of `name` goes (the build worker writes it). */
export const infgramFilePath = infgrams.filePath;
/** Records the index whose file the worker wrote: from now on it is listed. */
export const saveInfgramRecord = infgrams.save;
export const listUserInfgrams = infgrams.list;
export const findUserInfgram = infgrams.find;
/** The index `name` (which must have a record), read once per version of its file. */
export const loadUserInfgram = infgrams.load;
export const deleteUserInfgram = infgrams.remove;

/** The corpus and its line that index line `line` comes from, or undefined past the last. */
export function sourceOfLine(record: InfgramRecord, line: number): { source: InfgramSource; corpusLine: number } | undefined {
  const source = record.corpora.find((s) => line >= s.firstLine && line < s.firstLine + s.lines);
  return source && { source, corpusLine: line - source.firstLine };
}
