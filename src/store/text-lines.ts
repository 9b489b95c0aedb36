/**
 * The lines of a UTF-8 text file, streamed, cut as the corpus split cuts them (src/store/corpora/split.ts): at
 * each '\n', a final line break ending the last line. A '\r' before the '\n' is dropped (CRLF line ends). Index
 * builds number lines this way, and the line a number names is read back the same way.
 */
import { createReadStream } from 'node:fs';

export interface FileLine {
  text: string;
  /** Bytes of the file read so far (for progress). */
  bytesRead: number;
}

const decoder = new TextDecoder();

function lineText(bytes: Uint8Array): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  return decoder.decode(bytes.subarray(0, end));
}

/** Every line of the file, in order. */
export async function* fileLines(path: string): AsyncGenerator<FileLine> {
  let carry: Uint8Array = new Uint8Array(0);
  let bytesRead = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      const piece = chunk.subarray(from, nl);
      yield { text: lineText(carry.length === 0 ? piece : Buffer.concat([carry, piece])), bytesRead };
      carry = new Uint8Array(0);
      from = nl + 1;
    }
    if (from < chunk.length) carry = Buffer.concat([carry, chunk.subarray(from)]);
  }
  if (carry.length > 0) yield { text: lineText(carry), bytesRead };
}

/** Line `n` (0-based) of the file, or undefined when it has fewer lines. */
export async function lineOfFile(path: string, n: number): Promise<string | undefined> {
  let at = 0;
  for await (const line of fileLines(path)) if (at++ === n) return line.text;
  return undefined;
}
