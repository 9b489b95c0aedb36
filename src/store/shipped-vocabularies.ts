/**
 * Vocabularies that ship with tokenlab, ready without training: trained by tokenlab on the training splits of
 * the bundled corpora (`npm run default-vocab` remakes them; docs in vocabularies/README.md).
 */
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

export const SHIPPED_VOCABULARY_NAMES = ['tokenlab-cjk-32k'] as const;

export function isShippedVocabularyName(name: string): boolean {
  return (SHIPPED_VOCABULARY_NAMES as readonly string[]).includes(name);
}

export function shippedVocabularyPath(name: string): string {
  return join(packageRoot(), 'vocabularies', `${name}.json`);
}
