/**
 * The model file: a sectioned file (see sectioned-file.ts: magic "TOKLABLM", version 1, checksummed, arrays read
 * in place).
 *
 * The header holds order, mode and provenance (`ModelInfo`), the discounts, each level's size and count width,
 * and the sections. Sections: `tokens` (token id of each dense word from 3 on) and per level l `word{l}` (not
 * for level 0), `count{l}` (bit-packed), `overflowAt{l}`, `overflowValue{l}` and `childStart{l}` (not for the
 * highest order). Words and child offsets are Uint16 when they fit, else Uint32 (see packed.ts).
 */
import type { Discount } from './kneser-ney.js';
import { LanguageModel, type ModelInfo, type PackedLevel } from './model.js';
import { CountArray, PackedInts, type UintArray } from './packed.js';
import { decodeSections, encodeSections, type FileKind, type SectionTable } from './sectioned-file.js';

export const MODEL_FORMAT_VERSION = 1;

/** A buffer that is not a model file, or a damaged one. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const MODEL_FILE: FileKind = { magic: 'TOKLABLM', version: MODEL_FORMAT_VERSION, noun: 'model', error: ModelFileError };

interface Header {
  order: number;
  info: ModelInfo;
  discounts: Discount[];
  levels: Array<{ size: number; countWidth: number }>;
  sections: SectionTable;
}

/** The file's bytes. */
export function encodeModel(model: LanguageModel): Uint8Array {
  const arrays: Array<[string, UintArray]> = [['tokens', model.tokens]];
  model.levels.forEach((lev, l) => {
    if (lev.word) arrays.push([`word${l}`, lev.word]);
    arrays.push(
      [`count${l}`, lev.count.packed.words],
      [`overflowAt${l}`, lev.count.overflowAt],
      [`overflowValue${l}`, lev.count.overflowValue],
    );
    if (lev.childStart) arrays.push([`childStart${l}`, lev.childStart]);
  });
  const header: Header = {
    order: model.order,
    info: model.info,
    discounts: model.discounts,
    levels: model.levels.map((lev) => ({ size: lev.size, countWidth: lev.count.packed.width })),
    sections: {},
  };
  return encodeSections(MODEL_FILE, header, arrays);
}

/**
 * The model in `bytes`, its arrays viewing the same memory (copied once only if `bytes` does not start at a
 * multiple of 8 in its ArrayBuffer). A truncated, damaged or foreign buffer is a ModelFileError.
 */
export function decodeModel(bytes: Uint8Array): LanguageModel {
  const { header, section } = decodeSections<Header>(MODEL_FILE, bytes);
  const words32 = (name: string) => section(name, 4) as Uint32Array;
  try {
    const levels: PackedLevel[] = header.levels.map((h, l) => ({
      size: h.size,
      word: l === 0 ? null : section(`word${l}`),
      count: new CountArray(
        new PackedInts(words32(`count${l}`), h.countWidth, h.size),
        words32(`overflowAt${l}`),
        words32(`overflowValue${l}`),
      ),
      childStart: l + 1 < header.order ? section(`childStart${l}`) : null,
    }));
    const tokens = words32('tokens');
    checkShape(header, levels, tokens);
    return new LanguageModel({ order: header.order, info: header.info, discounts: header.discounts, tokens, levels });
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`damaged model file: ${(e as Error).message}`);
  }
}

/** Cheap consistency checks that catch a header and arrays that do not belong together. */
function checkShape(header: Header, levels: PackedLevel[], tokens: Uint32Array): void {
  if (!(header.order >= 1 && header.order <= 8) || levels.length !== header.order)
    throw new ModelFileError(`damaged model file: order ${header.order}`);
  for (let l = 1; l < levels.length; l++) {
    if (levels[l].word!.length !== levels[l].size)
      throw new ModelFileError(`damaged model file: order ${l + 1} has ${levels[l].word!.length} words for ${levels[l].size} n-grams`);
  }
  if (levels[0].size !== tokens.length + 3) throw new ModelFileError('damaged model file: unigrams and tokens disagree');
  for (let l = 0; l + 1 < levels.length; l++) {
    const starts = levels[l].childStart!;
    if (starts.length !== levels[l].size + 1 || starts[0] !== 0 || starts[levels[l].size] !== levels[l + 1].size) {
      throw new ModelFileError(`damaged model file: child ranges of order ${l + 1} do not cover order ${l + 2}`);
    }
  }
}
