/**
 * What the server does with a text: picks a tokenizer by name (only the names the lab lists, never a path from
 * the request), encodes the text as ordinary text (special-token text is just text), and returns each token's
 * place in the text with the statistics of src/eval.
 */
import { Tokenizer } from '../bpe/tokenizer.js';
import { tokenSpans, type TokenSpan } from '../bpe/spans.js';
import { evaluate, type Evaluation } from '../eval/metrics.js';
import { Encoder } from '../bpe/encoder.js';
import { loadTokenizer, SHIPPED_VOCABULARY_NAMES, TIKTOKEN_ENCODING_NAMES } from '../store/tokenizers.js';
import { listUserVocabularies, readUserVocabulary } from '../store/user-vocabularies.js';

/** The largest text accepted, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 1_000_000;

export const DEFAULT_TOKENIZER = 'cl100k_base';

/** Texts longer than this (UTF-16 units) stay out of a page's shareable URL (the URL keeps the rest). */
export const MAX_URL_TEXT = 4000;

export interface TokenizerEntry {
  name: string;
  kind: 'tiktoken' | 'shipped' | 'user';
}

/**
 * The tokenizers the lab offers: tiktoken's encodings, the vocabularies tokenlab ships, then the user's
 * (read from the data directory on each call, so a vocabulary saved or deleted shows at once).
 */
export function listTokenizers(): TokenizerEntry[] {
  return [
    ...TIKTOKEN_ENCODING_NAMES.map((name) => ({ name, kind: 'tiktoken' as const })),
    ...SHIPPED_VOCABULARY_NAMES.map((name) => ({ name, kind: 'shipped' as const })),
    ...listUserVocabularies().map((v) => ({ name: v.name, kind: 'user' as const })),
  ];
}

export function isKnownTokenizer(name: string): boolean {
  return listTokenizers().some((t) => t.name === name);
}

/**
 * A request the lab cannot serve as asked: the HTTP status that says why, and what the JSON error carries
 * besides the message. Pages show the message; the API answers `{"error": message, ...details}`.
 */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 404 | 413,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A tokenizer name the lab does not offer. */
export class UnknownTokenizerNameError extends RequestError {
  override name = 'UnknownTokenizerNameError';
  constructor(readonly tokenizer: string) {
    const known = listTokenizers().map((t) => t.name).join(', ');
    super(404, `unknown tokenizer ${JSON.stringify(tokenizer)}; known tokenizers: ${known}`, { tokenizer });
  }
}

/** A text over MAX_TEXT_BYTES. */
export class TextTooLargeError extends RequestError {
  override name = 'TextTooLargeError';
  constructor(readonly bytes: number) {
    super(413, `the text is ${bytes} bytes of UTF-8; the limit is ${MAX_TEXT_BYTES} bytes (1 MB)`, { bytes, limit: MAX_TEXT_BYTES });
  }
}

/** Loaded tokenizers by name; a user vocabulary's key carries its file's mtime, so a replaced file reloads. */
const loaded = new Map<string, Promise<Tokenizer>>();

async function loadUserTokenizer(name: string): Promise<Tokenizer> {
  return new Tokenizer(name, new Encoder(await readUserVocabulary(name)));
}

/** Drops older versions of the user vocabulary `name` (the file changed). */
function forgetVersions(name: string): void {
  for (const key of loaded.keys()) if (key.startsWith(`user:${name}:`)) loaded.delete(key);
}

/** The tokenizer `name` (one of listTokenizers()), loaded once per process (per version of a user's file). */
export function tokenizerByName(name: string): Promise<Tokenizer> {
  const builtIn = (TIKTOKEN_ENCODING_NAMES as readonly string[]).includes(name) || (SHIPPED_VOCABULARY_NAMES as readonly string[]).includes(name);
  const user = builtIn ? undefined : listUserVocabularies().find((v) => v.name === name);
  if (!builtIn && user === undefined) return Promise.reject(new UnknownTokenizerNameError(name));
  const key = user === undefined ? name : `user:${name}:${user.mtimeMs}`;
  let t = loaded.get(key);
  if (t === undefined) {
    if (user !== undefined) forgetVersions(name);
    t = user === undefined ? loadTokenizer(name) : loadUserTokenizer(name);
    t.catch(() => loaded.delete(key));
    loaded.set(key, t);
  }
  return t;
}

export interface Tokenized {
  tokenizer: string;
  text: string;
  ids: number[];
  spans: TokenSpan[];
  stats: Evaluation;
}

/** Throws TextTooLargeError over the limit. */
export function checkTextSize(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TEXT_BYTES) throw new TextTooLargeError(bytes);
}

/** Encodes `text` (as ordinary text) with tokenizer `name`; the spans and statistics of its tokens. */
export async function tokenize(text: string, name: string): Promise<Tokenized> {
  checkTextSize(text);
  const tokenizer = await tokenizerByName(name);
  const ids = tokenizer.encodeOrdinary(text);
  const spans = tokenSpans(text, ids, tokenizer);
  const stats = evaluate(text, ids, tokenizer);
  return { tokenizer: name, text, ids, spans, stats };
}

/** Each tokenizer's tokens as hex, made on first use: a page of 10 kB asks for thousands, mostly repeated. */
const hexCache = new WeakMap<Tokenizer, string[]>();

function hexTable(tokenizer: Tokenizer): string[] {
  let table = hexCache.get(tokenizer);
  if (table === undefined) hexCache.set(tokenizer, (table = []));
  return table;
}

/** A JSON text made by hand, answered as it is (no JSON.stringify of thousands of small objects). */
export class JsonText {
  constructor(readonly text: string) {}
}

/** The tokens array of the JSON answer: {"id", "start", "end", "bytes", "partial", "group"} per token. */
function tokensJson(spans: readonly TokenSpan[], tokenizer: Tokenizer): string {
  const hex = hexTable(tokenizer);
  let out = '[';
  for (let i = 0; i < spans.length; i++) {
    const sp = spans[i];
    const h = hex[sp.id] ?? (hex[sp.id] = Buffer.from(tokenizer.tokenBytes(sp.id)).toString('hex'));
    out += (i === 0 ? '{"id":' : ',{"id":') + sp.id + ',"start":' + sp.start + ',"end":' + sp.end + ',"bytes":"' + h +
      '","partial":' + sp.partial + ',"group":' + sp.group + '}';
  }
  return out + ']';
}

/** A number the JSON can carry: NaN and infinities (an empty text's ratios) become null. */
export function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/** The JSON body of POST /api/tokenize. */
export function tokenizedJson(t: Tokenized, tokenizer: Tokenizer): JsonText {
  const s = t.stats;
  const head = JSON.stringify({ tokenizer: t.tokenizer, count: t.ids.length, characters: s.characters, bytes: s.bytes });
  const stats = JSON.stringify({
    ...s,
    bytesPerToken: finite(s.bytesPerToken),
    charactersPerToken: finite(s.charactersPerToken),
    tokensPerHan: finite(s.tokensPerHan),
    tokensPerEnglishWord: finite(s.tokensPerEnglishWord),
  });
  return new JsonText(`${head.slice(0, -1)},"tokens":${tokensJson(t.spans, tokenizer)},"stats":${stats}}`);
}
