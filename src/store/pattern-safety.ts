/**
 * A split pattern given as a regex source (not one of the named patterns, whose scanners are ours) runs with
 * V8's backtracking engine over every text encoded with it: one that backtracks catastrophically would hold a
 * thread for minutes on a few kB. Such patterns are refused where vocabularies enter the lab (import, and
 * every read of a vocabulary file), after `recheck` (a ReDoS checker that proves a regex linear or finds an
 * attack string) looks at them: it runs its native binary in a child process where there is one, so the
 * server's thread does not wait on it. recheck is imported on the first check, not with this module: loading it
 * takes most of a second, which every command that loads a tokenizer would otherwise pay.
 */
import { isPatternName } from '../bpe/pretokenize/patterns.js';

/** A pattern shown to backtrack catastrophically, or not shown safe in time. */
export class UnsafePatternError extends Error {
  override name = 'UnsafePatternError';
}

/** How long recheck may look at one pattern. Large Unicode patterns like o200k's source take 7-8 s. */
const CHECK_MS = 20_000;

/** Verdicts by pattern source: each is checked once per thread. */
const verdicts = new Map<string, Promise<void>>();

/** Resolves if `pattern` is a named pattern or a regex source recheck shows safe; else UnsafePatternError. */
export function assertSafePattern(pattern: string): Promise<void> {
  if (isPatternName(pattern)) return Promise.resolve();
  let verdict = verdicts.get(pattern);
  if (verdict === undefined) {
    verdict = verdictOf(pattern);
    verdicts.set(pattern, verdict);
  }
  return verdict;
}

async function verdictOf(pattern: string): Promise<void> {
  const shown = JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern);
  const { check } = await import('recheck');
  const d = await check(pattern, 'gu', { timeout: CHECK_MS });
  if (d.status === 'safe') return;
  if (d.status === 'vulnerable') {
    throw new UnsafePatternError(
      `the split pattern ${shown} backtracks catastrophically (${d.complexity.type} time: for example on ${d.attack.pattern}), ` +
        'which would stall encoding; use a named pattern (gpt2, cl100k, o200k, cjk) or a pattern without nested or overlapping repetition',
    );
  }
  throw new UnsafePatternError(
    `the split pattern ${shown} could not be shown safe from catastrophic backtracking (${d.error.kind}); ` +
      'use a named pattern (gpt2, cl100k, o200k, cjk) or a simpler pattern',
  );
}
