/**
 * What the server does with a text: picks a tokenizer by name (only the names the lab lists, never a path from
 * the request), encodes the text as ordinary text (special-token text is just text), and returns each token's
 * place in the text with the statistics of src/eval.
 */
import { utf8Length } from '../bpe/bytes.js';
import { Tokenizer } from '../bpe/tokenizer.js';
import { perTokenizer } from '../bpe/offsets/token-shapes.js';
import { spanArrays, tokenSpans, type SpanArrays, type TokenSpan } from '../bpe/offsets/spans.js';
import { evaluate, type Evaluation } from '../eval/metrics.js';
import { Encoder } from '../bpe/encode/encoder.js';
import { ascii, JsonBytes, piece, PieceWords, pieceRoom, UINT_ROOM } from './json-bytes.js';
import { hexBytes } from '../../views/hex.js';
import { WorkerPool, type TaskError } from '../jobs/worker-pool.js';
import { SharedSlots } from '../jobs/shared-slots.js';
import { availableParallelism } from 'node:os';
import { dataDir } from '../store/data-dir.js';
import { UnsafePatternError } from '../store/pattern-safety.js';
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
  try {
    return new Tokenizer(name, new Encoder(await readUserVocabulary(name)));
  } catch (e) {
    if (e instanceof UnsafePatternError) throw new RequestError(400, `the vocabulary ${JSON.stringify(name)} cannot be used: ${e.message}`, { tokenizer: name });
    throw e;
  }
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
  const bytes = utf8Length(text);
  if (bytes > MAX_TEXT_BYTES) throw new TextTooLargeError(bytes);
}

/** Encodes `text` (as ordinary text) with tokenizer `name`; the spans and statistics of its tokens. */
export async function tokenize(text: string, name: string): Promise<Tokenized> {
  const { tokenizer, ids, stats } = await encodeAndEvaluate(text, name);
  return { tokenizer: name, text, ids, spans: tokenSpans(text, ids, tokenizer), stats };
}

/** What both answers start from: the size checked, the tokenizer, its ids for `text` and their statistics. */
async function encodeAndEvaluate(text: string, name: string) {
  checkTextSize(text);
  const tokenizer = await tokenizerByName(name);
  const ids = tokenizer.encodeOrdinary(text);
  return { tokenizer, ids, stats: evaluate(text, ids, tokenizer) };
}

/**
 * A JSON answer already written as bytes (JsonBytes), sent as it is. `release`, if given, must be called once
 * the bytes are sent: they sit in a shared slot that other answers will reuse.
 */
export class JsonAnswer {
  constructor(
    readonly body: Uint8Array,
    readonly release?: () => void,
  ) {}
}

/**
 * Per tokenizer, the start of each id's record, made on first use: `,{"id":N,"bytes":"HEX","start":`. Keys come
 * in any order in JSON; this one puts all that depends on the id alone in one piece. The pieces sit together as
 * words (an object per piece, copied with set(), made a 10 kB answer cost 5-10% more: memory reached all over).
 */
class RecordHeads {
  readonly pieces = new PieceWords();
  /** Each id's head: the index of its first word in `pieces` (-1 until made), and its length in bytes. */
  readonly at: Int32Array;
  readonly length: Uint32Array;

  constructor(private readonly tokenizer: Tokenizer) {
    this.at = new Int32Array(tokenizer.nVocab).fill(-1);
    this.length = new Uint32Array(tokenizer.nVocab);
  }

  /** Makes the head of `id`; returns the index of its first word. */
  make(id: number): number {
    const head = piece(`,{"id":${id},"bytes":"${hexBytes(this.tokenizer.tokenBytes(id), '')}","start":`);
    this.length[id] = head.length;
    return (this.at[id] = this.pieces.add(head));
  }
}

const recordHeads = perTokenizer((tokenizer: Tokenizer) => new RecordHeads(tokenizer));

const END = piece(',"end":');
const PARTIAL_ALONE = piece(',"partial":true}');
const PARTIAL = piece(',"partial":true,"group":');
const CLOSE = '}'.charCodeAt(0);
const OPEN_ARRAY = ascii('[');
const CLOSE_ARRAY = ascii(']');
/** The most a record takes after its head: two offsets, END, the longer partial tail with a group, CLOSE. */
const RECORD_REST = 2 * UINT_ROOM + pieceRoom(END) + Math.max(pieceRoom(PARTIAL) + UINT_ROOM + 1, pieceRoom(PARTIAL_ALONE));

/**
 * The tokens array of the JSON answer: {"id", "bytes", "start", "end"} per token, and "partial" and "group" on
 * the few that hold part of a character (spelling out false and null on the others made answers a third larger).
 */
function writeTokens(out: JsonBytes, ids: readonly number[], spans: SpanArrays, tokenizer: Tokenizer): void {
  const heads = recordHeads(tokenizer);
  const { start, end, partial, group } = spans;
  const first = out.n;
  // One record at a time straight into the buffer, each starting with a comma, four bytes at a time.
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    let at = heads.at[id];
    if (at < 0) at = heads.make(id);
    const length = heads.length[id];
    const buf = out.room(length + 3 + RECORD_REST); // + 3: the head's last word
    let n = out.uint(out.putWords(out.n, heads.pieces.words, at, length), start[i]);
    n = out.uint(out.put(n, END), end[i]);
    if (partial[i] === 0) buf[n++] = CLOSE;
    else if (group[i] < 0) n = out.put(n, PARTIAL_ALONE);
    else {
      n = out.uint(out.put(n, PARTIAL), group[i]);
      buf[n++] = CLOSE;
    }
    out.n = n;
  }
  // The first record's comma opens the array.
  if (out.n === first) out.raw(OPEN_ARRAY);
  else out.room(0)[first] = OPEN_ARRAY[0];
  out.raw(CLOSE_ARRAY);
}

/** A number the JSON can carry: NaN and infinities (an empty text's ratios) become null. */
export function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

/**
 * The JSON body of POST /api/tokenize: what `tokenize` finds, written as bytes straight from typed arrays
 * (no object per token), into `into` if it fits there.
 */
export async function tokenizedJson(text: string, name: string, into?: Uint8Array): Promise<JsonAnswer> {
  const { tokenizer, ids, stats: s } = await encodeAndEvaluate(text, name);
  const spans = spanArrays(text, ids, tokenizer);
  const head = JSON.stringify({ tokenizer: name, count: ids.length, characters: s.characters, bytes: s.bytes });
  const stats = JSON.stringify({
    ...s,
    bytesPerToken: finite(s.bytesPerToken),
    charactersPerToken: finite(s.charactersPerToken),
    tokensPerHan: finite(s.tokensPerHan),
    tokensPerEnglishWord: finite(s.tokensPerEnglishWord),
  });
  const out = new JsonBytes();
  out.json(`${head.slice(0, -1)},"tokens":`);
  writeTokens(out, ids, spans, tokenizer);
  out.json(`,"stats":${stats}}`);
  return new JsonAnswer(out.bytes(into));
}

/** What a tokenize thread is asked: the text and the tokenizer's name (unchecked), and the data directory. */
export interface TokenizeTask {
  text: string;
  tokenizer: string;
  /** The caller's TOKENLAB_DATA: a thread's environment is a copy made when it started. */
  data: string;
  /** A shared slot to write the answer into, if one was free. */
  into?: Uint8Array;
}

/** A thread's answer: its length in the task's slot, or a buffer of its own (no slot, or too large for it). */
export type TokenizeReply = number | ArrayBuffer;

/**
 * Threads that answer POST /api/tokenize, from TOKENLAB_TOKENIZE_THREADS (default: one per core, at most 4;
 * 0: on the event loop). Encoding, spans, statistics and JSON cost milliseconds of CPU per 10 kB; in threads
 * they use every core and the event loop stays free to read requests and write answers.
 */
export function tokenizeThreads(): number {
  const value = process.env.TOKENLAB_TOKENIZE_THREADS;
  if (value === undefined || value === '') return Math.min(4, availableParallelism());
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new RangeError(`TOKENLAB_TOKENIZE_THREADS must be a whole number from 0 to 64, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** A refusal from a thread, made a RequestError again (with its status and details); other errors as they were. */
function revive(e: TaskError): Error {
  const { status, details } = e.fields as { status?: RequestError['status']; details?: Record<string, unknown> };
  if (status !== undefined) return new RequestError(status, e.message, details);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

let pool: WorkerPool<TokenizeTask, TokenizeReply> | undefined;
/** Answer slots: one per connection of a busy client; 1 MiB holds the answer for about 45 kB of text. */
let slots: SharedSlots | undefined;

/** Answer slots taken and not yet given back (all are given back once the answers are sent). */
export function answerSlotsInUse(): number {
  return slots === undefined ? 0 : slots.count - slots.available;
}

/**
 * The JSON answer of POST /api/tokenize for `text` with tokenizer `name`, made in a tokenize thread if there
 * are any. If `signal` aborts (the client went away) before a thread takes the work, it is not done.
 */
export async function tokenizeAnswer(text: string, name: string, signal?: AbortSignal): Promise<JsonAnswer> {
  const threads = tokenizeThreads();
  if (threads === 0) return tokenizedJson(text, name);
  pool ??= new WorkerPool<TokenizeTask, TokenizeReply>('tokenize-worker', import.meta.url, threads, revive);
  slots ??= new SharedSlots(64, 1 << 20);
  const answers = slots;
  const data = dataDir();
  let slot: number | undefined;
  let handedOver = false;
  try {
    // The slot is taken when a thread takes the task: only answers being made or sent hold one, and the
    // recently given back (warm in the cache) are taken first.
    const reply = await pool.runMade(() => {
      slot = answers.take();
      return { text, tokenizer: name, data, into: slot === undefined ? undefined : answers.bytes(slot) };
    }, signal);
    if (typeof reply !== 'number') return new JsonAnswer(new Uint8Array(reply));
    handedOver = true;
    return new JsonAnswer(answers.bytes(slot!, reply), () => answers.give(slot!));
  } finally {
    if (slot !== undefined && !handedOver) answers.give(slot);
  }
}
