/**
 * Refusals: requests the lab cannot serve as asked. The server throws one kind, RequestError (an HTTP status, a
 * message, and what the JSON answer carries besides the message). Lower layers throw their own errors, with no
 * status (the registry's UnknownTokenizerError, the model tokenizers' UnknownModelTokenizerError, the job
 * manager's QueueFullError, an import's ImportError, chat mode's ChatError and TemplateError...):
 * `refusalOf` is the one place that gives them a status. A refusal no route shows in its own page is answered
 * by `errorAnswer` (app.onError): `{"error": message, ...details}` under /api/, the message as text for pages;
 * a bug, as a 500 saying so.
 */
import type { Context } from 'hono';
import { ChatError } from '../chat/messages.js';
import { TemplateError } from '../chat/render.js';
import { QueueFullError } from '../jobs/job-manager.js';
import { UnknownOnDemandPackageError } from '../store/corpora/add-bundled.js';
import { UnknownModelTokenizerError } from '../store/model-tokenizers/catalogue.js';
import { UnknownTokenizerError, UnusableVocabularyError } from '../store/tokenizers.js';
import { ModelTokenizerNotAddedError } from '../store/model-pipelines.js';

export type RefusalStatus = 400 | 404 | 409 | 413 | 429;

export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly status: RefusalStatus,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** `e` as a refusal, with its status; undefined for an error that is a bug. */
export function refusalOf(e: unknown): RequestError | undefined {
  if (e instanceof RequestError) return e;
  if (e instanceof UnknownTokenizerError || e instanceof UnknownModelTokenizerError)
    return new RequestError(404, e.message, { tokenizer: e.tokenizer });
  if (e instanceof UnknownOnDemandPackageError) return new RequestError(404, e.message);
  if (e instanceof UnusableVocabularyError) return new RequestError(400, e.message, { tokenizer: e.tokenizer });
  if (e instanceof QueueFullError) return new RequestError(429, e.message);
  if (e instanceof ChatError || e instanceof TemplateError) return new RequestError(400, e.message);
  if (e instanceof ModelTokenizerNotAddedError) return new RequestError(404, e.message, { tokenizer: e.tokenizer });
  // From the import's worker thread, which sends an error's name and message, not its class.
  if (e instanceof Error && e.name === 'ImportError') return new RequestError(400, e.message);
  // A format that cannot carry the tokenizer (a model tokenizer's pipeline), also from the export's worker thread.
  if (e instanceof Error && e.name === 'ExportError') return new RequestError(409, e.message);
  return undefined;
}

/**
 * Runs `work`: its result, or the refusal it met (a bug is thrown on). For routes that show a refusal in their
 * own page or fragment.
 */
export async function attempt<T>(
  work: () => T | Promise<T>,
): Promise<{ result: T; refusal?: undefined } | { result?: undefined; refusal: RequestError }> {
  try {
    return { result: await work() };
  } catch (e) {
    const refusal = refusalOf(e);
    if (refusal === undefined) throw e;
    return { refusal };
  }
}

/**
 * The answer to an error no route answered (app.onError): a refusal with its status; a bug is logged with its
 * stack and answered 500 with its message ("internal error: ..."), as JSON under /api/, rather than an empty 500.
 */
export function errorAnswer(e: Error, c: Context): Response {
  const refusal = refusalOf(e);
  if (refusal !== undefined) {
    if (c.req.path.startsWith('/api/')) return c.json({ error: refusal.message, ...refusal.details }, refusal.status);
    return c.text(refusal.message, refusal.status);
  }
  // The client went away and its work was dropped: nobody reads this (499, "client closed request").
  if (c.req.raw.signal.aborted) return new Response(null, { status: 499 });
  console.error(`${c.req.method} ${c.req.path}:`, e);
  const message = `internal error: ${e.message}`;
  return c.req.path.startsWith('/api/') ? c.json({ error: message }, 500) : c.text(message, 500);
}
