/**
 * The model file: one buffer whose arrays are read in place (typed-array views, not copies).
 *
 *   0  magic "TOKLABLM"                 16  u32 file length in bytes
 *   8  u32 format version (1)           20  u32 checksum of bytes 24 .. end (see `checksum`)
 *  12  u32 header length in bytes       24  header: JSON, space-padded to a multiple of 8
 *
 * The header holds order, mode and provenance (`ModelInfo`), the discounts, each level's size and count width,
 * and the sections: name -> [byte offset, length in elements, bytes per element (2 or 4)]. Every section starts
 * at a multiple of 8. Sections: `tokens` (token id of each dense word from 3 on) and per level l `word{l}` (not
 * for level 0), `count{l}` (bit-packed), `overflowAt{l}`, `overflowValue{l}` and `childStart{l}` (not for the
 * highest order). Words and child offsets are Uint16 when they fit, else Uint32 (see packed.ts).
 * The prefix's integers are little-endian; the sections hold the typed arrays' bytes in the platform's byte
 * order, little-endian on x64 and arm64 (a big-endian host would refuse a file made on those: the checksum
 * would not match).
 */
import type { Discount } from './kneser-ney.js';
import { LanguageModel, type ModelInfo, type PackedLevel } from './model.js';
import { CountArray, PackedInts, type UintArray } from './packed.js';

const MAGIC = 'TOKLABLM';
export const MODEL_FORMAT_VERSION = 1;
const PREFIX = 24;
const utf8 = new TextEncoder();

/** A buffer that is not a model file, or a damaged one. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

interface Header {
  order: number;
  info: ModelInfo;
  discounts: Discount[];
  levels: Array<{ size: number; countWidth: number }>;
  sections: Record<string, [number, number, number]>;
}

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8;
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
  // Offsets depend on the header's length, which depends on the offsets' digits: lay out until stable.
  let json: string;
  let headerBytes = 0;
  for (;;) {
    let offset = PREFIX + headerBytes;
    for (const [name, a] of arrays) {
      header.sections[name] = [offset, a.length, a.BYTES_PER_ELEMENT];
      offset = pad8(offset + a.byteLength);
    }
    json = JSON.stringify(header);
    const need = pad8(utf8.encode(json).length);
    if (need === headerBytes) break;
    headerBytes = need;
  }
  const total = PREFIX + headerBytes + arrays.reduce((s, [, a]) => s + pad8(a.byteLength), 0);
  const bytes = new Uint8Array(total);
  bytes.set(utf8.encode(MAGIC), 0);
  bytes.fill(0x20, PREFIX, PREFIX + headerBytes);
  bytes.set(utf8.encode(json), PREFIX);
  for (const [name, a] of arrays) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), header.sections[name][0]);
  const u32 = new Uint32Array(bytes.buffer);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes, true);
  view.setUint32(16, total, true);
  view.setUint32(20, checksum(u32, PREFIX / 4), true);
  return bytes;
}

/** A 32-bit hash of the words from `start` on (FNV-1a over words, with a shift to mix high bits down). */
function checksum(u32: Uint32Array, start: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < u32.length; i++) {
    h = Math.imul(h ^ u32[i], 0x01000193);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/**
 * The model in `bytes`, its arrays viewing the same memory (copied once only if `bytes` does not start at a
 * multiple of 8 in its ArrayBuffer). A truncated, damaged or foreign buffer is a ModelFileError.
 */
export function decodeModel(bytes: Uint8Array): LanguageModel {
  if (bytes.length < PREFIX || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) {
    throw new ModelFileError('not a tokenlab model file (no TOKLABLM magic)');
  }
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION)
    throw new ModelFileError(`model format version ${version}; this tokenlab reads version ${MODEL_FORMAT_VERSION}`);
  const total = view.getUint32(16, true);
  if (bytes.length < total) throw new ModelFileError(`truncated model file: ${bytes.length} of ${total} bytes`);
  if (bytes.length > total || total % 8 !== 0)
    throw new ModelFileError(`damaged model file: ${bytes.length} bytes, the header says ${total}`);
  const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, total / 4);
  if (checksum(u32, PREFIX / 4) !== view.getUint32(20, true)) throw new ModelFileError('damaged model file: checksum mismatch');
  const headerBytes = view.getUint32(12, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerBytes))) as Header;
  } catch (e) {
    throw new ModelFileError(`damaged model file header: ${(e as Error).message}`);
  }
  const section = (name: string, elementBytes?: number): UintArray => {
    const s = header.sections[name];
    if (
      !s ||
      s[0] % 8 !== 0 ||
      s[0] < PREFIX + headerBytes ||
      s[0] + s[1] * s[2] > total ||
      (s[2] !== 2 && s[2] !== 4) ||
      (elementBytes !== undefined && s[2] !== elementBytes)
    ) {
      throw new ModelFileError(`damaged model file: section ${name} is missing or out of bounds`);
    }
    const at = bytes.byteOffset + s[0];
    return s[2] === 2 ? new Uint16Array(bytes.buffer, at, s[1]) : new Uint32Array(bytes.buffer, at, s[1]);
  };
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
