import { open } from 'node:fs/promises';
import { isWhiteSpace } from '../bpe/pretokenize/patterns.js';

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
 * A unit of text to pre-tokenize on its own: pieces are taken from text[0 .. end); the rest of `text` (one
 * character at most) is context the pattern may look at (gpt2's `\s+(?!\S)` reads one character ahead).
 */
export interface TextChunk {
  text: string;
  end: number;
}

/**
 * Streams UTF-8 files as text chunks of about `chunkChars` characters, each ending where pre-tokenization must
 * cut anyway, so the chunks can be pre-tokenized independently (in any order, on any thread) with the same
 * result as the whole text: 'line' cuts after a newline (lines are pre-tokenized alone, as `tokenizers` does);
 * 'piece' cuts after a newline followed by a character that is neither a space nor '/', a piece boundary under
 * every pattern in patterns.ts given one character of context. Files never share a chunk.
 */
export async function* textChunks(paths: readonly string[], cut: CutRule, chunkChars: number, stats: ReadStats): AsyncGenerator<TextChunk> {
  const buffer = new Uint8Array(READ_BYTES);
  for (const path of paths) {
    const file = await open(path, 'r');
    try {
      // A leading U+FEFF is text like any other (tiktoken and tokenizers see it too).
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      const replacements = new ReplacementCounter();
      let pending = '';
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, READ_BYTES);
        const bytes = buffer.subarray(0, bytesRead);
        const text = bytesRead === 0 ? decoder.decode() : decoder.decode(bytes, { stream: true });
        stats.bytes += bytesRead;
        stats.invalidUtf8 += countChar(text, 0xfffd) - replacements.countEncoded(bytes);
        pending += text;
        while (pending.length > chunkChars || (bytesRead === 0 && pending.length > 0)) {
          const at = bytesRead === 0 ? pending.length : firstCut(pending, cut, chunkChars);
          if (at < 0) break;
          yield { text: pending.slice(0, cut === 'piece' ? at + 1 : at), end: at };
          pending = pending.slice(at);
        }
        if (bytesRead === 0) break;
      }
    } finally {
      await file.close();
    }
  }
}

/**
 * The first place at or after `from` where `text` may be cut (-1 if none yet); past FORCE_CUT_CHARS with no
 * such place, any code point boundary will do.
 */
export function firstCut(text: string, cut: CutRule, from: number): number {
  for (let nl = text.indexOf('\n', from - 1); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    if (cut === 'line') return nl + 1;
    const next = text.charCodeAt(nl + 1); // NaN past the end: no context to cut with yet
    if (next === next && next !== 0x2f && !isWhiteSpace(next)) return nl + 1;
  }
  if (text.length < FORCE_CUT_CHARS) return -1;
  const at = Math.max(from, FORCE_CUT_CHARS - 1);
  return (text.charCodeAt(at - 1) & 0xfc00) === 0xd800 ? at + 1 : at;
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
