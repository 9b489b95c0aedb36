/** The tokenize page's routes: GET / and the fragment htmx asks for as the user types. */
import { Hono, type Context } from 'hono';
import { SCRIPTS } from '../eval/scripts.js';
import { MoreTokens, TokenizeError, TokenizePage, TokenizeResult, type TokenizeOptions } from '../../views/tokenize.js';
import { readFormBody } from './body.js';
import { chooserChoices } from './choosers.js';
import { attempt, type RefusalStatus, type RequestError } from './errors.js';
import { MAX_TEXT_BYTES, MAX_URL_TEXT } from './limits.js';
import { tokenize } from './tokenize.js';

/** The tokenizer the page shows when the URL names none. */
export const DEFAULT_TOKENIZER = 'cl100k_base';

/** The page's state as a query string: what the shareable URL carries. */
export function shareUrl(o: TokenizeOptions): string {
  const q = new URLSearchParams(o.text === '' ? { tokenizer: o.tokenizer } : { text: o.text, tokenizer: o.tokenizer });
  if (o.whitespace) q.set('ws', '1');
  return `/?${q}`;
}

function optionsOf(get: (k: string) => string | undefined): TokenizeOptions {
  return {
    text: get('text') ?? '',
    tokenizer: get('tokenizer') || DEFAULT_TOKENIZER,
    whitespace: get('ws') === '1',
  };
}

/** How the tokenize and compare pages word a refusal (unknown tokenizer, text over the limit, ...). */
export function pageMessage(refusal: RequestError): string {
  return refusal.status === 413 ? `This text is too large: ${refusal.message}.` : refusal.message;
}

/**
 * The fields of a posted form (repeated fields as arrays), or the message to show instead and its status: a
 * 1 MB text URL-encodes to at most 3 MB (CJK bytes become %XX), so a body over 4 MB is refused, however it is sent.
 */
export async function readPageForm(
  c: Context,
): Promise<{ fields: Record<string, string | string[]> } | { error: string; status: RefusalStatus }> {
  const { result: form, refusal } = await attempt(() => readFormBody(c, 4 * MAX_TEXT_BYTES));
  if (refusal !== undefined) return { error: refusal.status === 413 ? TOO_LARGE_FORM : refusal.message, status: refusal.status };
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(form)) {
    if (typeof v === 'string') fields[k] = v;
    else if (Array.isArray(v)) fields[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return { fields };
}

export const TOO_LARGE_FORM = `This text is too large: the limit is ${MAX_TEXT_BYTES} bytes (1 MB).`;

/** The first value of a form field. */
export function field(form: Record<string, string | string[]>, k: string): string | undefined {
  const v = form[k];
  return Array.isArray(v) ? v[0] : v;
}

export function tokenizePageRoutes(): Hono {
  const routes = new Hono();

  routes.get('/', async (c) => {
    const options = optionsOf((k) => c.req.query(k));
    const { result, refusal } = await attempt(() => tokenize(options.text, options.tokenizer));
    const page = (
      <TokenizePage options={options} {...chooserChoices()} scripts={SCRIPTS} result={result} error={refusal && pageMessage(refusal)} />
    );
    return c.html(page, refusal?.status ?? 200);
  });

  // htmx posts the form here as the user types; the answer is the #result fragment, and the URL follows. A
  // refusal is the message with its status (htmx 4 swaps every status but 204 and 304 into #result).
  routes.post('/fragment/tokenize', async (c) => {
    const read = await readPageForm(c);
    if ('error' in read) return c.html(<TokenizeError message={read.error} />, read.status);
    const form = read.fields;
    const options = optionsOf((k) => field(form, k));
    const { result, refusal } = await attempt(() => tokenize(options.text, options.tokenizer));
    // A long text stays out of the URL (the URL keeps the tokenizer and options, never a stale text).
    c.header('HX-Replace-Url', shareUrl(options.text.length <= MAX_URL_TEXT ? options : { ...options, text: '' }));
    if (refusal !== undefined) return c.html(<TokenizeError message={pageMessage(refusal)} />, refusal.status);
    return c.html(<TokenizeResult result={result} scripts={SCRIPTS} whitespace={options.whitespace} />);
  });

  // The next window of tokens, asked for by the marker at the end of the drawn ones (see TokenWindow). The
  // server keeps nothing between requests: it encodes the text again.
  routes.post('/fragment/tokens', async (c) => {
    const read = await readPageForm(c);
    if ('error' in read) return c.html(<TokenizeError message={read.error} />, read.status);
    const form = read.fields;
    const options = optionsOf((k) => field(form, k));
    const { result, refusal } = await attempt(() => tokenize(options.text, options.tokenizer));
    if (refusal !== undefined) return c.html(<TokenizeError message={pageMessage(refusal)} />, refusal.status);
    const from = /^\d+$/.test(field(form, 'from') ?? '') ? Number(field(form, 'from')) : NaN;
    if (!(from <= result.spans.length)) {
      return c.text(`"from" must be a token index from 0 to ${result.spans.length}`, 400);
    }
    return c.html(<MoreTokens result={result} whitespace={options.whitespace} from={from} />);
  });

  return routes;
}
