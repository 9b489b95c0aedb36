import { open } from 'node:fs/promises';

export type CutRule = 'line' | 'piece';

export interface ReadStats {
  bytes: number;
  /** Invalid UTF-8 sequences, each decoded as U+FFFD (the WHATWG decoder's rule). */
  invalidUtf8: number;
}

const READ_BYTES = 1 << 20;
/** With no place to cut, a chunk is cut anyway at this length (a pathological single line of many MB). */
const FORCE_CUT_CHARS = 1 << 26;

/**
 * Streams UTF-8 files as text chunks of about `chunkChars` characters, each ending where pre-tokenization must
 * cut anyway, so the chunks can be pre-tokenized independently (in any order, on any thread) with the same
 * result as the whole text: 'line' cuts after a newline; 'piece' cuts after a newline followed by a
 * non-space, a piece boundary under every pattern in patterns.ts. Files never share a chunk.
 */
export async function* textChunks(
  paths: readonly string[],
  cut: CutRule,
  chunkChars: number,
  stats: ReadStats,
): AsyncGenerator<string> {
  const buffer = new Uint8Array(READ_BYTES);
  for (const path of paths) {
    const file = await open(path, 'r');
    try {
      const decoder = new TextDecoder('utf-8');
      const replacements = new ReplacementCounter();
      let pending = '';
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, READ_BYTES);
        const bytes = buffer.subarray(0, bytesRead);
        const text = bytesRead === 0 ? decoder.decode() : decoder.decode(bytes, { stream: true });
        stats.bytes += bytesRead;
        stats.invalidUtf8 += countChar(text, 0xfffd) - replacements.countEncoded(bytes);
        pending += text;
        while (pending.length >= chunkChars || (bytesRead === 0 && pending.length > 0)) {
          const at = bytesRead === 0 ? pending.length : lastCut(pending, cut, pending.length >= FORCE_CUT_CHARS);
          if (at <= 0) break;
          yield pending.slice(0, at);
          pending = pending.slice(at);
        }
        if (bytesRead === 0) break;
      }
    } finally {
      await file.close();
    }
  }
}

/** The end of the last complete unit in `text` (0 if none); with `force`, any code point boundary will do. */
export function lastCut(text: string, cut: CutRule, force: boolean): number {
  for (let nl = text.lastIndexOf('\n'); nl >= 0; nl = text.lastIndexOf('\n', nl - 1)) {
    if (cut === 'line') return nl + 1;
    if (nl + 1 < text.length && !isWhiteSpace(text.charCodeAt(nl + 1))) return nl + 1;
  }
  if (!force) return 0;
  const end = text.length - 1;
  return end > 0 && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800 ? end - 1 : end;
}

/** Unicode White_Space: the `\s` of the patterns (see patterns.ts). */
function isWhiteSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
  );
}

function countChar(text: string, code: number): number {
  let n = 0;
  for (let i = text.indexOf(String.fromCharCode(code)); i >= 0; i = text.indexOf(String.fromCharCode(code), i + 1)) n++;
  return n;
}

/** Counts U+FFFD already present in the input as EF BF BD, also when a read boundary splits it. */
class ReplacementCounter {
  private tail = [-1, -1];

  countEncoded(bytes: Uint8Array): number {
    let n = 0;
    const [t0, t1] = this.tail;
    const at = (i: number) => (i >= 0 ? bytes[i] : i === -1 ? t1 : t0);
    for (let i = bytes.indexOf(0xbd); i >= 0; i = bytes.indexOf(0xbd, i + 1)) if (at(i - 1) === 0xbf && at(i - 2) === 0xef) n++;
    this.tail = [at(bytes.length - 2), at(bytes.length - 1)];
    return n;
  }
}
