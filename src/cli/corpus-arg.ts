import { access } from 'node:fs/promises';
import { bundledCorpus } from '../store/corpora/extract.js';
import { userCorpus } from '../store/user-corpora.js';
import { UsageError } from './usage.js';

/**
 * A --corpus argument: a file, else a user corpus by name, else a bundled corpus: NAME (the whole corpus),
 * NAME:train or NAME:heldout (the parts of its split). Bundled corpora are extracted on first use.
 */
export async function corpusPath(arg: string): Promise<string> {
  try {
    await access(arg);
    return arg;
  } catch {
    const user = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(arg) ? await userCorpus(arg) : undefined;
    if (user) return user.path;
    const [name, part] = arg.split(':');
    if (part !== undefined && part !== 'train' && part !== 'heldout') throw new UsageError(`--corpus ${arg}: the part is train or heldout`);
    const corpus = await bundledCorpus(name).catch((e: Error) => {
      throw new UsageError(`--corpus ${arg}: no such file, and ${e.message}`);
    });
    return part === 'train' ? corpus.trainPath : part === 'heldout' ? corpus.heldOutPath : corpus.path;
  }
}
