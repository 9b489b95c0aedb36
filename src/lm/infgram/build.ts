/** Building the infini-gram index from a corpus's lines of token ids. */
import { bitWidth, PackedInts } from '../packed.js';
import { InfiniGramIndex, type InfiniGramInfo } from './index.js';
import { suffixArray } from '../../bpe/suffix-array.js';

/** Texts above this many symbols (tokens plus non-empty lines) are refused: packed arrays index bits in 32 bits. */
export const MAX_TEXT_LENGTH = 2 ** 27;

/**
 * The index of `lines` (one document a line, each an array of token ids).
 *
 *   const index = buildInfiniGram([[5, 7, 5], [], [7, 5]], { tokenizer: 'cl100k_base' });
 *   count(index, [7, 5]) -> 2; index.lineCount -> 3
 */
export function buildInfiniGram(lines: ReadonlyArray<ArrayLike<number>>, info: InfiniGramInfo): InfiniGramIndex {
  const vocabulary = distinctIds(lines);
  const { text, lineStarts } = denseText(lines, vocabulary);
  const separator = vocabulary.length;
  const sa = suffixArray(text, separator + 1);
  const tokens = text.length - nonEmptyLines(lines);
  // the suffixes that start with a separator sort last: keep the tokens' only
  const suffixWidth = bitWidth(Math.max(0, text.length - 1));
  return new InfiniGramIndex(
    info,
    vocabulary,
    PackedInts.pack(text, bitWidth(separator)),
    PackedInts.pack(sa.subarray(0, tokens), suffixWidth),
    PackedInts.pack(lineStarts, suffixWidth),
  );
}

function nonEmptyLines(lines: ReadonlyArray<ArrayLike<number>>): number {
  let n = 0;
  for (const line of lines) if (line.length > 0) n++;
  return n;
}

/** The distinct ids of the lines, ascending. */
function distinctIds(lines: ReadonlyArray<ArrayLike<number>>): Uint32Array {
  let max = -1;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const id = line[i];
      if (!Number.isInteger(id) || id < 0 || id >= 2 ** 31) throw new RangeError(`token id ${id} is not an integer in [0, 2^31)`);
      if (id > max) max = id;
    }
  }
  const seen = new Uint8Array(max + 1);
  for (const line of lines) for (let i = 0; i < line.length; i++) seen[line[i]] = 1;
  let distinct = 0;
  for (let id = 0; id <= max; id++) distinct += seen[id];
  const vocabulary = new Uint32Array(distinct);
  for (let id = 0, k = 0; id <= max; id++) if (seen[id]) vocabulary[k++] = id;
  return vocabulary;
}

/** The text of dense ids with a separator after each non-empty line, and where each line starts in it. */
function denseText(lines: ReadonlyArray<ArrayLike<number>>, vocabulary: Uint32Array): { text: Int32Array; lineStarts: Uint32Array } {
  const dense = new Int32Array(vocabulary.length === 0 ? 0 : vocabulary[vocabulary.length - 1] + 1);
  vocabulary.forEach((id, k) => (dense[id] = k));
  let length = 0;
  for (const line of lines) if (line.length > 0) length += line.length + 1;
  if (length > MAX_TEXT_LENGTH) throw new RangeError(`${length} tokens and lines is more than this index holds (${MAX_TEXT_LENGTH})`);
  const text = new Int32Array(length);
  const lineStarts = new Uint32Array(lines.length);
  let at = 0;
  lines.forEach((line, l) => {
    lineStarts[l] = at;
    if (line.length === 0) return;
    for (let i = 0; i < line.length; i++) text[at++] = dense[line[i]];
    text[at++] = vocabulary.length;
  });
  return { text, lineStarts };
}
