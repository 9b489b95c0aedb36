/**
 * bench:quality's first part (issue 23): the vocabulary that ships with tokenlab against the tiktoken encodings
 * and the open-model tokenizers (those added under TOKENLAB_DATA; the others are named as missing) on each
 * bundled corpus's held-out split and on d2l's held-out lines, none of which it was trained on (d2l not at all).
 * Bytes per token are UTF-8 bytes of the non-empty lines over their tokens, each line encoded alone; every line is
 * decoded back and compared.
 */
import { readFileSync } from 'node:fs';
import { ensureBundledCorpora } from '../src/store/corpora/extract.js';
import { isKnownTokenizer, tokenizerByName } from '../src/store/tokenizers.js';
import type { Tokenizer } from '../src/bpe/tokenizer.js';
import { table } from './shared.js';

export const SHIPPED = 'tokenlab-cjk-32k';
const PEERS = ['cl100k_base', 'o200k_base', 'qwen3', 'deepseek-v3', 'llama3', 'gemma3'];

export interface ScoredText {
  name: string;
  lines: string[];
}

/** A line at least 60% of whose non-space characters are Han (prose, not code, math or English). */
export function isProse(line: string): boolean {
  const han = line.match(/\p{Script=Han}/gu)?.length ?? 0;
  return han >= 0.6 * line.replace(/\s/g, '').length && han > 0;
}

/** Bytes per token over the lines, and the lines that do not decode back to themselves. */
function measure(t: Tokenizer, lines: readonly string[]): { bytesPerToken: number; lossy: number } {
  let bytes = 0;
  let tokens = 0;
  let lossy = 0;
  for (const line of lines) {
    const ids = t.encodeOrdinary(line);
    bytes += Buffer.byteLength(line);
    tokens += ids.length;
    if (t.decode(ids) !== line) lossy++;
  }
  return { bytesPerToken: bytes / tokens, lossy };
}

/** The held-out lines of every bundled corpus that is in place (extracted first if need be). */
async function bundledHeldOut(): Promise<ScoredText[]> {
  const { corpora } = await ensureBundledCorpora();
  return corpora.map((c) => ({
    name: `${c.name} (${c.register} ${c.domain})`,
    lines: readFileSync(c.heldOutPath, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  }));
}

/**
 * Prints the table (a row a text, a column a tokenizer, bytes per token; and the shipped vocabulary's ratio to
 * the best of the 100k–200k vocabularies) and returns the lossy lines found, as "tokenizer: text (n lines)".
 */
export async function reportShipped(d2l: readonly ScoredText[]): Promise<string[]> {
  const names = [SHIPPED, ...PEERS.filter(isKnownTokenizer)];
  const missing = PEERS.filter((n) => !isKnownTokenizer(n));
  const tokenizers = await Promise.all(names.map((n) => tokenizerByName(n)));
  const texts = [...d2l, ...(await bundledHeldOut())];
  const lossy: string[] = [];
  const rows = texts.map(({ name, lines }) => {
    const row: Record<string, string | number> = { text: name, MB: Buffer.byteLength(lines.join('\n')) / 1e6 };
    tokenizers.forEach((t, i) => {
      const m = measure(t, lines);
      row[names[i]] = m.bytesPerToken;
      if (m.lossy > 0) lossy.push(`${names[i]}: ${name} (${m.lossy} lines)`);
    });
    const big = names.slice(1).map((n) => row[n] as number);
    if (big.length > 0) row[`${SHIPPED} / best other`] = (row[SHIPPED] as number) / Math.max(...big);
    return row;
  });
  console.log(`# ${SHIPPED} against the 100k–200k vocabularies: bytes per token on text it was not trained on\n`);
  console.log(table(rows));
  console.log(
    `\nEach non-empty line encoded alone. ${missing.length > 0 ? `Not added, so not measured: ${missing.join(', ')} (tokenlab tokenizers add NAME, or TOKENLAB_DATA=test-artifacts/model-data). ` : ''}` +
      `Lossless: ${lossy.length === 0 ? 'every tokenizer decoded every line back exactly' : lossy.join('; ')}\n`,
  );
  return lossy;
}
