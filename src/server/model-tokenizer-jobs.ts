/**
 * Adding open-model tokenizers from the lab: each add is a background job ('model-tokenizer', named after the
 * tokenizer; see add-jobs.ts), and what the pages offer for each model tokenizer not installed.
 */
import { addModelTokenizer, removeModelTokenizer } from '../store/model-tokenizers/add-remove.js';
import { modelTokenizerDef } from '../store/model-tokenizers/catalogue.js';
import { isInstalled, listModelTokenizers } from '../store/model-tokenizers/installed.js';
import type { ModelOffer } from '../../views/model-tokenizers.js';
import { cancelAdds, latestAddJob as latestJob, offerOf, startAdd, type Addable } from './add-jobs.js';

export const MODEL_TOKENIZER_JOB = 'model-tokenizer';

const MODEL_TOKENIZERS: Addable = {
  kind: MODEL_TOKENIZER_JOB,
  describe: (name) => {
    const def = modelTokenizerDef(name);
    return {
      name: def.name,
      description: def.description,
      downloadBytes: def.downloadBytes,
      licence: def.licence,
      source: `${def.package}@${def.version}`,
    };
  },
  isInstalled: (name) => isInstalled(modelTokenizerDef(name)),
  add: async (name, onProgress, signal) => {
    const def = modelTokenizerDef(name);
    const { added } = await addModelTokenizer(def.name, onProgress, { signal });
    return added ? `added ${def.name} (${def.package}@${def.version})` : `${def.name} was already installed`;
  },
};

/**
 * Starts adding the model tokenizer `name`: the job, the one already waiting or running for it, or undefined
 * when it is installed. UnknownModelTokenizerError for a name the catalogue lacks.
 */
export const startModelTokenizerAdd = (name: string) => startAdd(MODEL_TOKENIZERS, name);

/** The newest add job of the model tokenizer `name`, if the lab ran one. */
export const latestAddJob = (name: string) => latestJob(MODEL_TOKENIZERS, name);

/** Cancels the adds of `name` waiting or running, then removes it. */
export async function removeModelTokenizerFromLab(name: string): Promise<{ removed: boolean }> {
  const def = modelTokenizerDef(name);
  cancelAdds(MODEL_TOKENIZERS, def.name);
  return removeModelTokenizer(def.name);
}

/** What the page offers for the model tokenizer `name` (UnknownModelTokenizerError if there is none). */
export const modelOffer = (name: string): ModelOffer => offerOf(MODEL_TOKENIZERS, name);

/** The offers of the model tokenizers not installed, in catalogue order. */
export function modelOffers(): ModelOffer[] {
  return listModelTokenizers()
    .filter((t) => !t.installed)
    .map((t) => modelOffer(t.name));
}
