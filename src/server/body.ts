/**
 * Reading request bodies with a byte limit that holds however the body is sent (a declared Content-Length is
 * refused unread; a chunked body is cut off as soon as it passes the limit), and as strict UTF-8 (bytes that
 * are not UTF-8 are refused with their offset, never turned into U+FFFD). Every route that reads a body uses
 * these; refusals are RequestErrors (413 too large, 400 malformed or not UTF-8).
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { decodeUtf8Strict } from '../store/user-corpora.js';
import { RequestError } from './errors.js';

function tooLarge(bytes: number | string, limit: number): RequestError {
  return new RequestError(413, `the request body is ${bytes} bytes, over the limit of ${limit} bytes`, { limit });
}

/**
 * The body's bytes, at most `limit` of them. A refused body is left unread (or partly read), so the answer
 * closes the connection: a client must not send its next request after the rest of this one.
 */
export async function readBodyBytes(c: Context, limit: number): Promise<Uint8Array> {
  try {
    return await readLimited(c, limit);
  } catch (e) {
    if (e instanceof RequestError && e.status === 413) c.header('Connection', 'close');
    throw e;
  }
}

async function readLimited(c: Context, limit: number): Promise<Uint8Array> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > limit) throw tooLarge(declared, limit);
  // Under @hono/node-server, straight from Node's request: c.req.raw.body would first build a fetch Request
  // with a web stream and an abort signal, which cost about a fifth of the event loop's time per request.
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  const body: AsyncIterable<Uint8Array> | null = incoming ?? (c.req.raw.body as AsyncIterable<Uint8Array> | null);
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    // Leaving the loop stops the stream (a web stream is cancelled, Node's request destroyed).
    if (size > limit) throw tooLarge(`over ${limit}`, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function utf8(bytes: Uint8Array, what: string): string {
  try {
    return decodeUtf8Strict(bytes, what);
  } catch (e) {
    throw new RequestError(400, (e as Error).message);
  }
}

/** The body as strict UTF-8 text. */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  return utf8(await readBodyBytes(c, limit), 'the request body');
}

/** The body parsed as JSON; `example` shows what to send when it is not JSON. */
export async function readJsonBody(c: Context, limit: number, example = ''): Promise<unknown> {
  const text = await readBodyText(c, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(400, `the body is not valid JSON${example && `; send ${example}`}`);
  }
}

export type FormFields = Record<string, string | File | Array<string | File>>;

/** A form body (URL-encoded or multipart) of at most `limit` bytes; repeated fields become arrays. */
export async function readFormBody(c: Context, limit: number): Promise<FormFields> {
  const bytes = await readBodyBytes(c, limit);
  const type = c.req.header('content-type') ?? '';
  const entries = type.startsWith('multipart/form-data') ? await multipartEntries(bytes, type) : urlEncodedEntries(bytes);
  const fields: FormFields = {};
  for (const [k, v] of entries) {
    const old = fields[k];
    fields[k] = old === undefined ? v : ([] as Array<string | File>).concat(old, v);
  }
  return fields;
}

/** URL-encoded pairs; a %-escape that is not UTF-8 is refused (URLSearchParams would make it U+FFFD). */
function urlEncodedEntries(bytes: Uint8Array): Array<[string, string]> {
  const text = utf8(bytes, 'the form');
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      throw new RequestError(400, `a form field is not valid UTF-8 or not URL-encoded: ${JSON.stringify(s.slice(0, 40))}`);
    }
  };
  return text
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [decode(p), ''] : [decode(p.slice(0, eq)), decode(p.slice(eq + 1))];
    });
}

/**
 * Multipart parts (files as File). A text field is decoded with U+FFFD for bad bytes: one that holds U+FFFD
 * must appear in the body exactly as its UTF-8 (so the mark was sent, not made from bytes that are not UTF-8).
 */
async function multipartEntries(bytes: Uint8Array, type: string): Promise<Array<[string, string | File]>> {
  let form: FormData;
  try {
    form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': type }, body: bytes }).formData();
  } catch {
    throw new RequestError(400, 'the body is not a valid multipart form');
  }
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const entries: Array<[string, string | File]> = [];
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string' && v.includes('\uFFFD') && body.indexOf(Buffer.from(v)) < 0) {
      throw new RequestError(400, `the form field ${JSON.stringify(k)} is not valid UTF-8`);
    }
    entries.push([k, v]);
  }
  return entries;
}
