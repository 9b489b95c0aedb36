import { access, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { incompleteUtf8Tail } from '../bpe/decoder.js';
import { textStats, type TextStats } from '../eval/text-stats.js';
import { listBundledCorpora } from './corpora/catalogue.js';
import { joinLines, splitText } from './corpora/split.js';
import { writeFileAtomic } from './atomic-file.js';
import { checkName, dataDir, filesIn } from './data-dir.js';

/** The largest corpus a user may add: 256 MiB (the trainer streams, but uploads are held in memory). */
export const MAX_USER_CORPUS_BYTES = 256 << 20;

export interface UserCorpus extends TextStats {
  name: string;
  path: string;
  addedAt: string;
}

function corporaDir(): string {
  return join(dataDir(), 'corpora');
}

/**
 * Adds a user corpus (an uploaded file or pasted text): refused if the name is unsafe or taken by a bundled
 * corpus, if it is empty or over MAX_USER_CORPUS_BYTES, or if it is not UTF-8 (naming the first bad byte).
 * The text and its statistics are written atomically under the data directory; an existing user corpus of
 * the same name is replaced.
 */
export async function addUserCorpus(name: string, bytes: Uint8Array): Promise<UserCorpus> {
  checkName(name, 'corpus');
  if (listBundledCorpora().some((c) => c.name === name)) throw new RangeError(`${name} is a bundled corpus: choose another name`);
  if (bytes.length === 0) throw new RangeError('the corpus is empty');
  if (bytes.length > MAX_USER_CORPUS_BYTES) {
    throw new RangeError(`the corpus is ${(bytes.length / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_USER_CORPUS_BYTES / 2 ** 20} MiB`);
  }
  const text = decodeUtf8Strict(bytes);
  const dir = corporaDir();
  await mkdir(dir, { recursive: true });
  const corpus: UserCorpus = { name, path: join(dir, `${name}.txt`), addedAt: new Date().toISOString(), ...textStats(text) };
  await writeFileAtomic(corpus.path, bytes);
  await writeSplit(name, text);
  await writeFileAtomic(join(dir, `${name}.json`), JSON.stringify(corpus, null, 2) + '\n');
  return corpus;
}

/**
 * The train and held-out parts of a user corpus, split by line as the bundled corpora are (splitText). They
 * live in a subdirectory: a corpus named "a.train" must not meet the parts of "a".
 */
function splitPaths(name: string): { train: string; heldOut: string } {
  const dir = join(corporaDir(), 'split');
  return { train: join(dir, `${name}.train.txt`), heldOut: join(dir, `${name}.heldout.txt`) };
}

async function writeSplit(name: string, text: string): Promise<void> {
  const { train, heldOut } = splitText(text);
  const paths = splitPaths(name);
  await mkdir(join(corporaDir(), 'split'), { recursive: true });
  await writeFileAtomic(paths.train, joinLines(train));
  await writeFileAtomic(paths.heldOut, joinLines(heldOut));
}

/** The split files of a user corpus, written first if it was added before corpora had them. */
export async function userCorpusSplitPaths(corpus: UserCorpus): Promise<{ train: string; heldOut: string }> {
  const paths = splitPaths(corpus.name);
  try {
    await Promise.all([access(paths.train), access(paths.heldOut)]);
  } catch {
    await writeSplit(corpus.name, await readFile(corpus.path, 'utf8'));
  }
  return paths;
}

/** The user's corpora with their statistics, by name. */
export async function listUserCorpora(): Promise<UserCorpus[]> {
  const corpora: UserCorpus[] = [];
  for (const f of filesIn(corporaDir(), '.json')) {
    const corpus = JSON.parse(await readFile(join(corporaDir(), f), 'utf8')) as UserCorpus;
    corpora.push({ ...corpus, path: join(corporaDir(), `${corpus.name}.txt`) });
  }
  return corpora;
}

export async function userCorpus(name: string): Promise<UserCorpus | undefined> {
  return (await listUserCorpora()).find((c) => c.name === checkName(name, 'corpus'));
}

export async function removeUserCorpus(name: string): Promise<void> {
  checkName(name, 'corpus');
  await rm(join(corporaDir(), `${name}.json`), { force: true });
  await rm(join(corporaDir(), `${name}.txt`), { force: true });
  for (const path of Object.values(splitPaths(name))) await rm(path, { force: true });
}

/** Strict UTF-8: a RangeError naming `what` and the offset of the first invalid byte otherwise. */
export function decodeUtf8Strict(bytes: Uint8Array, what = 'the corpus'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let lo = 0;
    let hi = bytes.length; // the first bad byte is where a prefix stops decoding (bisect on prefixes)
    const ok = (n: number) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
        return true;
      } catch {
        return false;
      }
    };
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ok(mid)) lo = mid;
      else hi = mid - 1;
    }
    if (lo === bytes.length) throw new RangeError(`${what} is not valid UTF-8: it ends inside a character`);
    // A streaming prefix may end inside a character that the next byte breaks: the bad sequence starts there.
    const bad = lo - incompleteUtf8Tail(bytes.subarray(0, lo));
    throw new RangeError(
      `${what} is not valid UTF-8: decoding fails at byte offset ${bad} (0x${bytes[bad].toString(16).padStart(2, '0')})`,
    );
  }
}
