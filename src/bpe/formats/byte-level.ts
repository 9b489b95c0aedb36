/**
 * GPT-2's `bytes_to_unicode`: a bijection from the 256 byte values to printable Unicode characters, used by
 * byte-level BPE files (GPT-2's encoder.json/vocab.bpe and Hugging Face `tokenizer.json` with the ByteLevel
 * pre-tokenizer) to write byte strings as text.
 *
 * The printable bytes `!`..`~`, `¡`..`¬` and `®`..`ÿ` map to the character with the same code; the other
 * 68 bytes (controls, space, DEL, NBSP, soft hyphen, ...) map to U+0100, U+0101, ... in byte order. So the
 * space 0x20 is `Ġ` (U+0120) and the newline 0x0A is `Ċ` (U+010A).
 */

function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const isPrintable = new Set(printable);
  const table = new Array<string>(256);
  let next = 0x100;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCharCode(isPrintable.has(b) ? b : next++);
  }
  return table;
}

/** BYTE_TO_CHAR[b] is the character standing for byte b. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

/** The byte each byte-level character stands for, by its code (all below 0x144), -1 for other characters. */
const CHAR_TO_BYTE = new Int16Array(0x200).fill(-1);
BYTE_TO_CHAR.forEach((c, b) => (CHAR_TO_BYTE[c.charCodeAt(0)] = b));

/** The byte-level string of a byte string: one character per byte. */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_CHAR[bytes[i]];
  return out;
}

/**
 * The bytes a byte-level string stands for, or undefined if it contains a character outside the 256-char
 * alphabet (so the string is not byte-level).
 */
export function byteLevelToBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const b = c < 0x200 ? CHAR_TO_BYTE[c] : -1;
    if (b < 0) return undefined;
    out[i] = b;
  }
  return out;
}

/**
 * The 256 bytes in the order of their byte-level characters' code points: the order in which `tokenizers`'
 * BpeTrainer numbers its initial alphabet (which decides its tie-breaks).
 */
export function byteLevelOrder(): number[] {
  return Array.from({ length: 256 }, (_, b) => b).sort((x, y) => BYTE_TO_CHAR[x].charCodeAt(0) - BYTE_TO_CHAR[y].charCodeAt(0));
}
