/**
 * The model the lab builds for a new user on its first start, recorded in `<data dir>/first-model.json` before
 * its build starts: the record's presence is what keeps the lab from ever building it again.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { dataDir } from './data-dir.js';

export interface FirstModelRecord {
  /** The model's name, and the build job that makes it. */
  name: string;
  jobId: string;
  startedAt: string;
}

const recordPath = () => join(dataDir(), 'first-model.json');

/** The record, or undefined when the lab never started a first model in this data directory. */
export function readFirstModel(): FirstModelRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(), 'utf8')) as FirstModelRecord;
  } catch {
    return undefined;
  }
}

/** Writes the record, making the data directory first: on a fresh checkout `npm start` finds no ./data. */
export async function saveFirstModel(record: FirstModelRecord): Promise<void> {
  await mkdir(dataDir(), { recursive: true });
  await writeFileAtomic(recordPath(), JSON.stringify(record, null, 2) + '\n');
}
