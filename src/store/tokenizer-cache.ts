import type { Tokenizer } from '../bpe/tokenizer.js';

/**
 * Tokenizers built from vocabulary files, kept for the process: one per name, for the version of the file it
 * was read from (a user's file that is replaced has a new mtime, and is read again). A failed load is not
 * kept, so the next call tries again.
 */
const loaded = new Map<string, { version: number; tokenizer: Promise<Tokenizer> }>();

/** The tokenizer `name` at `version`: the one kept, or `load()`'s, kept in its place. */
export function cachedTokenizer(name: string, version: number, load: () => Promise<Tokenizer>): Promise<Tokenizer> {
  const kept = loaded.get(name);
  if (kept !== undefined && kept.version === version) return kept.tokenizer;
  const entry = { version, tokenizer: load() };
  loaded.set(name, entry);
  entry.tokenizer.catch(() => {
    if (loaded.get(name) === entry) loaded.delete(name);
  });
  return entry.tokenizer;
}
