/**
 * The threads that answer POST /api/tokenize (tokenize-worker.ts, found beside this module): each writes the
 * JSON answer (tokenize-json.ts) into a slot of shared memory, which the event loop sends and gives back.
 */
import { availableParallelism } from 'node:os';
import { SharedSlots } from '../jobs/shared-slots.js';
import { WorkerPool, type TaskError } from '../jobs/worker-pool.js';
import { dataDir } from '../store/data-dir.js';
import { RequestError } from './errors.js';
import { JsonAnswer, tokenizedJson } from './tokenize-json.js';

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
