import { closeSync, existsSync, mkdtempSync, openSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** ../shared beside the repository: development corpora and peer fixtures, absent in a user's clone. */
export const SHARED = fileURLToPath(new URL('../../shared/', import.meta.url));
export const HAVE_SHARED = existsSync(join(SHARED, 'corpora'));
const SKIP_SHARED_REASON = `skipped: ${SHARED} is absent (development corpora live outside the repository)`;
if (!HAVE_SHARED) console.warn(SKIP_SHARED_REASON);

/** The title of a test that reads ../shared, with the reason it is skipped where ../shared is absent. */
export function needsShared(title: string): string {
  return HAVE_SHARED ? title : `${title} (${SKIP_SHARED_REASON})`;
}

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

/** The first `bytes` bytes of a file under ../shared (all of it if shorter), cut back to a whole UTF-8 character. */
export function sharedTextHead(path: string, bytes: number): string {
  const buf = Buffer.alloc(bytes + 1); // the byte after the cut shows whether the cut falls inside a character
  const fd = openSync(sharedPath(path), 'r');
  let got = 0;
  try {
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break; // the end of the file
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  let end = Math.min(bytes, got);
  while (end > 0 && end < got && (buf[end] & 0xc0) === 0x80) end--;
  return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
}

/**
 * Points TOKENLAB_DATA at a fresh, empty directory and returns it. Call it at the top of a test file, before
 * anything reads the data directory: vitest runs each file in its own process, so nothing needs restoring.
 */
export function useFreshDataDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tokenlab-${name}-`));
  process.env.TOKENLAB_DATA = dir;
  return dir;
}
