/**
 * The binary files of the lab's models: one buffer whose typed arrays are read in place (views, not copies).
 *
 *   0  magic (8 ASCII bytes)            16  u32 file length in bytes
 *   8  u32 format version               20  u32 checksum of bytes 24 .. end (see `checksum`)
 *  12  u32 header length in bytes       24  header: JSON, space-padded to a multiple of 8
 *
 * The header is the caller's JSON object plus `sections`: name -> [byte offset, length in elements, bytes per
 * element (2 or 4)]. Every section starts at a multiple of 8. The prefix's integers are little-endian; the
 * sections hold the typed arrays' bytes in the platform's byte order, little-endian on x64 and arm64 (a big-endian
 * host would refuse a file made on those: the checksum would not match).
 */
import type { UintArray } from './packed.js';

const PREFIX = 24;
const utf8 = new TextEncoder();

/** What kind of file: its magic, the version this code writes and reads, its name in messages, its error. */
export interface FileKind {
  magic: string;
  version: number;
  /** "model", "infini-gram index": messages say "truncated model file", ... */
  noun: string;
  error: new (message: string) => Error;
}

export type SectionTable = Record<string, [number, number, number]>;

function pad8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** The file's bytes: `header` (its `sections` filled in here) and the arrays, in order. */
export function encodeSections(kind: FileKind, header: { sections: SectionTable }, arrays: Array<[string, UintArray]>): Uint8Array {
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
  bytes.set(utf8.encode(kind.magic), 0);
  bytes.fill(0x20, PREFIX, PREFIX + headerBytes);
  bytes.set(utf8.encode(json), PREFIX);
  for (const [name, a] of arrays) bytes.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), header.sections[name][0]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, kind.version, true);
  view.setUint32(12, headerBytes, true);
  view.setUint32(16, total, true);
  view.setUint32(20, checksum(new Uint32Array(bytes.buffer), PREFIX / 4), true);
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

/** A decoded file: its header and its sections as views of the bytes. */
export interface DecodedSections<H> {
  header: H & { sections: SectionTable };
  /** The named section (of `elementBytes` per element when given); a kind.error when missing or out of bounds. */
  section(name: string, elementBytes?: 2 | 4): UintArray;
}

/**
 * The header and sections of `bytes`, viewing the same memory (copied once only if `bytes` does not start at a
 * multiple of 8 in its ArrayBuffer). A truncated, damaged or foreign buffer, or another version, is a kind.error.
 */
export function decodeSections<H>(kind: FileKind, bytes: Uint8Array): DecodedSections<H> {
  const fail = (message: string) => new kind.error(message);
  if (bytes.length < PREFIX || String.fromCharCode(...bytes.subarray(0, 8)) !== kind.magic) {
    throw fail(`not a tokenlab ${kind.noun} file (no ${kind.magic} magic)`);
  }
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const version = view.getUint32(8, true);
  if (version !== kind.version) throw fail(`${kind.noun} format version ${version}; this tokenlab reads version ${kind.version}`);
  const total = view.getUint32(16, true);
  if (bytes.length < total) throw fail(`truncated ${kind.noun} file: ${bytes.length} of ${total} bytes`);
  if (bytes.length > total || total % 8 !== 0) throw fail(`damaged ${kind.noun} file: ${bytes.length} bytes, the header says ${total}`);
  const u32 = new Uint32Array(bytes.buffer, bytes.byteOffset, total / 4);
  if (checksum(u32, PREFIX / 4) !== view.getUint32(20, true)) throw fail(`damaged ${kind.noun} file: checksum mismatch`);
  const headerBytes = view.getUint32(12, true);
  let header: H & { sections: SectionTable };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerBytes))) as H & { sections: SectionTable };
  } catch (e) {
    throw fail(`damaged ${kind.noun} file header: ${(e as Error).message}`);
  }
  const section = (name: string, elementBytes?: 2 | 4): UintArray => {
    const s = header.sections?.[name];
    if (
      !s ||
      s[0] % 8 !== 0 ||
      s[0] < PREFIX + headerBytes ||
      s[0] + s[1] * s[2] > total ||
      (s[2] !== 2 && s[2] !== 4) ||
      (elementBytes !== undefined && s[2] !== elementBytes)
    ) {
      throw fail(`damaged ${kind.noun} file: section ${name} is missing or out of bounds`);
    }
    const at = bytes.byteOffset + s[0];
    return s[2] === 2 ? new Uint16Array(bytes.buffer, at, s[1]) : new Uint32Array(bytes.buffer, at, s[1]);
  };
  return { header, section };
}
