/**
 * What the corpora page shows: the bundled corpora with their statistics (computed once per process and file
 * size), the user's corpora (statistics stored when added), and a preview of a corpus's first lines.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { incompleteUtf8Tail } from '../bpe/decoder.js';
import { textStats, type TextStats } from '../eval/text-stats.js';
import type { BundledCorpus } from '../store/corpora/catalogue.js';
import { ensureBundledCorpora } from '../store/corpora/extract.js';
import { listUserCorpora } from '../store/user-corpora.js';

/** Lines shown in a preview, and at most this many characters of each. */
export const PREVIEW_LINES = 5;
export const PREVIEW_LINE_CHARS = 300;

export interface BundledRow {
  corpus: BundledCorpus;
  stats: TextStats;
  trainBytes: number;
  heldOutBytes: number;
}

const statsCache = new Map<string, Promise<TextStats>>();

function statsOf(path: string, size: number): Promise<TextStats> {
  const key = `${path}\0${size}`;
  let s = statsCache.get(key);
  if (s === undefined) {
    s = readFile(path, 'utf8').then(textStats);
    statsCache.set(key, s);
  }
  return s;
}

export async function bundledRows(): Promise<{ rows: BundledRow[]; unavailable: Array<{ name: string; reason: string }> }> {
  const { corpora, unavailable } = await ensureBundledCorpora();
  const rows = await Promise.all(
    corpora.map(async (corpus) => {
      const [whole, train, heldOut] = await Promise.all([stat(corpus.path), stat(corpus.trainPath), stat(corpus.heldOutPath)]);
      return { corpus, stats: await statsOf(corpus.path, whole.size), trainBytes: train.size, heldOutBytes: heldOut.size };
    }),
  );
  return { rows, unavailable };
}

/**
 * The first `maxBytes` of a UTF-8 file, less an incomplete character at the end; `cut` says whether the file
 * goes on. Reads only that much (corpora can be large).
 */
export async function readHead(path: string, maxBytes: number): Promise<{ bytes: Buffer; cut: boolean }> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(maxBytes + 1), 0, maxBytes + 1, 0);
    const cut = bytesRead > maxBytes;
    const head = buffer.subarray(0, Math.min(bytesRead, maxBytes));
    return { bytes: head.subarray(0, head.length - (cut ? incompleteUtf8Tail(head) : 0)), cut };
  } finally {
    await file.close();
  }
}

/** The first PREVIEW_LINES lines of corpus `name` (bundled or the user's), each cut to PREVIEW_LINE_CHARS; undefined if unknown. */
export async function previewLines(name: string): Promise<string[] | undefined> {
  const path =
    (await ensureBundledCorpora()).corpora.find((c) => c.name === name)?.path ??
    (await listUserCorpora()).find((c) => c.name === name)?.path;
  if (path === undefined) return undefined;
  const { bytes } = await readHead(path, 16 * 1024);
  const lines = bytes.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop(); // the text's final newline ends a line, it does not start one
  return lines.slice(0, PREVIEW_LINES).map((l) => (l.length > PREVIEW_LINE_CHARS ? `${l.slice(0, PREVIEW_LINE_CHARS)}…` : l));
}
