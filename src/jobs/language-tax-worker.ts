import { workerData } from 'node:worker_threads';
import { languageTaxOfPairs } from '../eval/metrics.js';
import { tokenizerByName } from '../store/tokenizers.js';
import type { LanguageTaxResult } from './language-tax.js';
import { replyWith } from './one-shot-worker.js';

/** Measures the language tax of each tokenizer named in this worker thread (see language-tax.ts). */
const { names, lines } = workerData as { names: string[]; lines: string[] };
await replyWith(async () => {
  const out: LanguageTaxResult[] = [];
  for (const name of names) {
    try {
      const tokenizer = await tokenizerByName(name);
      out.push({ tax: languageTaxOfPairs(lines, (text) => tokenizer.count(text)) });
    } catch (e) {
      out.push({ error: (e as Error).message });
    }
  }
  return out;
});
