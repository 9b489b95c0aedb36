/**
 * The language tax of many tokenizers at once (the compare page's table of every tokenizer offered), measured
 * in a worker thread: loading each one takes up to a second (a model tokenizer) and holds tens of megabytes,
 * which the server's thread should neither spend nor keep for tokenizers nobody chose.
 */
import { runOneShot } from './one-shot-worker.js';

export interface LanguageTax {
  pairs: number;
  chineseTokens: number;
  englishTokens: number;
  /** chineseTokens / englishTokens. */
  tax: number;
  /** Each aligned pair's (document's) own tax, in the sample's order, and their 10th, 50th and 90th percentiles. */
  perPair: number[];
  spread: { low: number; median: number; high: number };
}

/** A tokenizer's tax, or why it could not be measured (a vocabulary that cannot be loaded). */
export type LanguageTaxResult = { tax: LanguageTax } | { error: string };

/**
 * The language tax (languageTaxOfPairs) of each of `names` (names the tokenizer registry lists) on the aligned
 * `lines` (zh<TAB>en), in order.
 */
export function languageTaxesOffThread(names: readonly string[], lines: readonly string[]): Promise<LanguageTaxResult[]> {
  return runOneShot('language-tax-worker', import.meta.url, { names, lines }, 'measuring the language tax');
}
