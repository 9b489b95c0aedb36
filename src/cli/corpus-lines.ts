/** A corpus file's lines, tokenized: what `lm build` and `infgram build` index. */
import { readFile } from 'node:fs/promises';
import type { Tokenizer } from '../bpe/tokenizer.js';

/** The lines of a corpus's text: a final line break ends the last line rather than opening an empty one. */
export function corpusLineTexts(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface TokenizeOptions {
  /** Keep empty lines as empty sequences (line numbers stay the file's); default: leave them out. */
  keepEmptyLines?: boolean;
  /** Called after each line with the share of the text done, in [0, 1]. */
  onProgress?: (done: number) => void;
}

/** The lines of a corpus file tokenized (ordinary text: special tokens' text is text), and the file's UTF-8 bytes. */
export async function tokenizeCorpus(
  path: string,
  tokenizer: Tokenizer,
  options: TokenizeOptions = {},
): Promise<{ sequences: Uint32Array[]; bytes: number }> {
  const bytes = await readFile(path);
  const text = bytes.toString('utf8');
  const sequences: Uint32Array[] = [];
  let done = 0;
  for (const line of corpusLineTexts(text)) {
    // typed arrays: half the memory of the encoder's number arrays, for a corpus held whole until indexed
    if (line !== '' || options.keepEmptyLines) sequences.push(Uint32Array.from(tokenizer.encodeOrdinary(line)));
    done += line.length + 1;
    options.onProgress?.(Math.min(1, done / Math.max(1, text.length)));
  }
  return { sequences, bytes: bytes.length };
}
