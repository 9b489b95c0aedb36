/** What every tokenizer chooser offers: the registry's tokenizers, and the model tokenizers that can be added. */
import type { AddableModel } from '../../views/tokenizer-chooser.js';
import { listModelTokenizers } from '../store/model-tokenizers/installed.js';
import { listTokenizers, type TokenizerEntry } from '../store/tokenizers.js';

export function chooserChoices(): { tokenizers: TokenizerEntry[]; addable: AddableModel[] } {
  return {
    tokenizers: listTokenizers(),
    addable: listModelTokenizers()
      .filter((m) => !m.installed)
      .map((m) => ({ name: m.name, downloadBytes: m.downloadBytes })),
  };
}
