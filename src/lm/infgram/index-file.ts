/**
 * The infini-gram index file: a sectioned file (../sectioned-file.ts: magic "TOKLABIG", version 1, checksummed,
 * arrays read in place). The header holds the info, the counts and each packed array's width and length; the
 * sections are `vocabulary` (Uint32, the corpus's token ids ascending) and the words of the bit-packed `text`,
 * `suffixes` and `lineStarts` (see index.ts and docs/infgram.md, "File layout").
 */
import { bitWidth, PackedInts } from '../packed.js';
import { decodeSections, encodeSections, type FileKind, type SectionTable } from '../sectioned-file.js';
import { InfiniGramIndex, type InfiniGramInfo } from './index.js';

export const INFGRAM_FORMAT_VERSION = 1;

/** A buffer that is not an infini-gram index file, or a damaged one. */
export class InfiniGramFileError extends Error {
  override name = 'InfiniGramFileError';
}

const INDEX_FILE: FileKind = { magic: 'TOKLABIG', version: INFGRAM_FORMAT_VERSION, noun: 'infini-gram index', error: InfiniGramFileError };

type Packed = 'text' | 'suffixes' | 'lineStarts';
const PACKED: readonly Packed[] = ['text', 'suffixes', 'lineStarts'];

interface Header {
  info: InfiniGramInfo;
  tokenCount: number;
  lineCount: number;
  /** Bits per value and number of values of each packed array. */
  packed: Record<Packed, { width: number; length: number }>;
  sections: SectionTable;
}

/** The file's bytes. */
export function encodeInfiniGram(index: InfiniGramIndex): Uint8Array {
  const header: Header = {
    info: index.info,
    tokenCount: index.tokenCount,
    lineCount: index.lineCount,
    packed: {
      text: { width: index.text.width, length: index.text.length },
      suffixes: { width: index.suffixes.width, length: index.suffixes.length },
      lineStarts: { width: index.lineStarts.width, length: index.lineStarts.length },
    },
    sections: {},
  };
  return encodeSections(INDEX_FILE, header, [
    ['vocabulary', index.vocabulary],
    ...PACKED.map((name): [string, Uint32Array] => [name, index[name].words]),
  ]);
}

/** The index in `bytes`, its arrays viewing the same memory. A truncated, damaged or foreign buffer is an InfiniGramFileError. */
export function decodeInfiniGram(bytes: Uint8Array): InfiniGramIndex {
  const { header, section } = decodeSections<Header>(INDEX_FILE, bytes);
  try {
    const vocabulary = section('vocabulary', 4) as Uint32Array;
    const packed = (name: Packed) => new PackedInts(section(name, 4) as Uint32Array, header.packed[name].width, header.packed[name].length);
    const index = new InfiniGramIndex(header.info, vocabulary, packed('text'), packed('suffixes'), packed('lineStarts'));
    checkShape(header, index);
    return index;
  } catch (e) {
    if (e instanceof InfiniGramFileError) throw e;
    throw new InfiniGramFileError(`damaged infini-gram index file: ${(e as Error).message}`);
  }
}

/** Cheap checks that the header and the arrays belong together (the checksum catches damage; this, foreign writers). */
function checkShape(header: Header, index: InfiniGramIndex): void {
  const fail = (what: string) => new InfiniGramFileError(`damaged infini-gram index file: ${what}`);
  if (typeof header.info?.tokenizer !== 'string') throw fail('no tokenizer named');
  if (index.tokenCount !== header.tokenCount || index.lineCount !== header.lineCount) throw fail('counts disagree with the arrays');
  if (index.text.length < index.tokenCount || index.text.length > index.tokenCount + index.lineCount) throw fail('text length');
  if (index.text.width !== bitWidth(index.vocabulary.length)) throw fail('text width does not fit the vocabulary');
  if (index.suffixes.width < bitWidth(Math.max(0, index.text.length - 1))) throw fail('suffix width does not fit the text');
  for (let i = 1; i < index.vocabulary.length; i++)
    if (index.vocabulary[i] <= index.vocabulary[i - 1]) throw fail('vocabulary not ascending');
}
