/**
 * Reads chosen files out of a gzipped tar, an npm package's .tgz, as it streams through gunzip: the files asked
 * for are kept, everything else is skipped, and reading stops once all are found (a package's JavaScript is
 * never held in memory). Knows the tar formats npm and GNU tar write: ustar (with its name prefix), pax
 * extended headers (`path`, `size`) and GNU long names.
 */
import { createReadStream } from 'node:fs';
import { addAbortSignal } from 'node:stream';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;
/** A pax header or GNU long name larger than this is not a package's. */
const MAX_META_BYTES = 1 << 20;

/**
 * The files to read out of a package: paths (inside the package) with the most bytes each may have, reading
 * stopping once all are found; or a function giving a path's limit (undefined: skipped), read to the end.
 */
export type TgzSelection = ReadonlyMap<string, number> | ((path: string) => number | undefined);

/** The package is not a tar we can read, or a file in it is larger than asked for. */
export class TarballError extends Error {
  override name = 'TarballError';
}

interface Header {
  path: string;
  size: number;
  type: string;
}

/** An entry's path as npm reads a package: without its first directory, whatever that is called ("package/"). */
function packagePath(path: string): string {
  const slash = path.replace(/^\.\//, '').indexOf('/');
  return slash < 0 ? '' : path.replace(/^\.\//, '').slice(slash + 1);
}

/** A NUL-terminated text field. */
function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** A numeric field: octal digits, or base-256 when its first byte has the high bit set (GNU, for large sizes). */
function numeric(block: Buffer, start: number, length: number): number {
  const field = block.subarray(start, start + length);
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + field[i];
    return n;
  }
  const digits = text(block, start, length).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

function parseHeader(block: Buffer, offset: number): Header {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  if (sum !== numeric(block, 148, 8)) throw new TarballError(`not a tar archive: bad header checksum at byte ${offset}`);
  const name = text(block, 0, 100);
  const prefix = text(block, 257, 6) === 'ustar' ? text(block, 345, 155) : '';
  return { path: prefix === '' ? name : `${prefix}/${name}`, size: numeric(block, 124, 12), type: String.fromCharCode(block[156]) };
}

/** The `path` and `size` records of a pax extended header ("LEN key=value\n" each). */
function paxRecords(body: Buffer): Partial<Header> {
  const out: Partial<Header> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = Number(body.subarray(at, space).toString('latin1'));
    if (space < 0 || !Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    const [key, value] = [record.slice(0, eq), record.slice(eq + 1)];
    if (key === 'path') out.path = value;
    if (key === 'size') out.size = Number(value);
    at += length;
  }
  return out;
}

/** The tar's entries pushed through a block at a time; `found` holds the wanted files read so far. */
class TarReader {
  readonly found = new Map<string, Buffer>();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private offset = 0;
  /** The entry being read: its header, where its data goes (null: skipped), what is left of its data and padding. */
  private body: { header: Header; parts: Buffer[] | null; dataLeft: number; padLeft: number } | undefined;
  /** What a pax header or GNU long name says of the entry after it. */
  private next: Partial<Header> = {};
  private ended = false;

  constructor(private readonly select: TgzSelection) {}

  private limitOf(path: string): number | undefined {
    return typeof this.select === 'function' ? this.select(path) : this.select.get(path);
  }

  /** Takes the next bytes of the tar; true once every wanted file is read or the archive has ended. */
  push(chunk: Buffer): boolean {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (!this.done()) {
      if (this.body !== undefined && this.pendingBytes > 0) this.takeBody();
      else if (this.body === undefined && this.pendingBytes >= BLOCK) this.takeHeader();
      else break;
    }
    return this.done();
  }

  private done(): boolean {
    return this.ended || (typeof this.select !== 'function' && this.found.size === this.select.size);
  }

  private take(n: number): Buffer {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = n < all.length ? [all.subarray(n)] : [];
    this.pendingBytes -= n;
    this.offset += n;
    return all.subarray(0, n);
  }

  private takeHeader(): void {
    const block = this.take(BLOCK);
    if (block.every((b) => b === 0)) {
      this.ended = true; // the end-of-archive marker
      return;
    }
    const raw = parseHeader(block, this.offset - BLOCK);
    const isMeta = raw.type === 'x' || raw.type === 'L';
    const header = isMeta ? raw : { ...raw, ...this.next }; // what the meta entries before it said
    if (!isMeta) this.next = {};
    const path = packagePath(header.path);
    const wantedLimit = (header.type === '0' || header.type === '\0') && !this.found.has(path) ? this.limitOf(path) : undefined;
    const wanted = wantedLimit !== undefined;
    const limit = isMeta ? MAX_META_BYTES : (wantedLimit ?? Infinity);
    if (header.size > limit)
      throw new TarballError(`${path || header.path} in the package is ${header.size} bytes, over the ${limit} expected`);
    const padLeft = (BLOCK - (header.size % BLOCK)) % BLOCK;
    this.body = { header, parts: wanted || isMeta ? [] : null, dataLeft: header.size, padLeft };
    if (header.size === 0) this.endBody();
  }

  private takeBody(): void {
    const body = this.body!;
    if (body.dataLeft > 0) {
      const part = this.take(Math.min(body.dataLeft, this.pendingBytes));
      body.parts?.push(part);
      body.dataLeft -= part.length;
    } else {
      body.padLeft -= this.take(Math.min(body.padLeft, this.pendingBytes)).length;
    }
    if (body.dataLeft === 0 && body.padLeft === 0) this.endBody();
  }

  private endBody(): void {
    const { header, parts } = this.body!;
    this.body = undefined;
    if (parts === null) return;
    const data = Buffer.concat(parts);
    if (header.type === 'x') this.next = { ...this.next, ...paxRecords(data) };
    else if (header.type === 'L') this.next = { ...this.next, path: text(data, 0, data.length) };
    else this.found.set(packagePath(header.path), data);
  }

  /** Called at the end of the stream: a tar cut short is refused. */
  finish(): void {
    if (!this.done() && (this.body !== undefined || this.pendingBytes > 0))
      throw new TarballError(`the package is cut short: its tar ends inside an entry, at byte ${this.offset + this.pendingBytes}`);
  }
}

/**
 * The files of the .tgz at `path` that `select` names (paths inside the package, such as
 * `models/tokenizer.json`, each with the most bytes it may have). Files the package lacks are absent from the
 * answer. TarballError for a file over its limit or an archive that is not a whole tar; gunzip's error for a
 * file that is not gzip.
 */
export async function readTgzFiles(path: string, select: TgzSelection, signal?: AbortSignal): Promise<Map<string, Buffer>> {
  const tar = new TarReader(select);
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.on('error', (e) => gunzip.destroy(e));
  if (signal !== undefined) addAbortSignal(signal, gunzip);
  try {
    let done = false;
    for await (const chunk of file.pipe(gunzip) as AsyncIterable<Buffer>) if ((done = tar.push(chunk))) break;
    if (!done) tar.finish();
  } finally {
    file.destroy();
  }
  return tar.found;
}
