/**
 * The compare page's routes: GET /compare, the fragment htmx asks for as the user types or ticks, and the
 * language tax of every tokenizer offered (a fragment the page loads after it shows).
 */
import { Hono } from 'hono';
import { ComparePage, CompareResult, OfferedTaxTable, type CompareOptions } from '../../views/compare.js';
import { TokenizeError } from '../../views/tokenize.js';
import { listTokenizers } from '../store/tokenizers.js';
import { compare, everyLanguageTax, MAX_COMPARED, MIN_COMPARED, PARALLEL_CORPORA, sampleSizes } from './compare.js';
import { chooserChoices } from './choosers.js';
import { attempt } from './errors.js';
import { MAX_URL_TEXT } from './limits.js';
import { field, pageMessage, readPageForm } from './tokenize-page.js';

/** Two tiktoken generations and the open models most deployed for Chinese (those added). */
const DEFAULT_CHOICE = ['cl100k_base', 'o200k_base', 'qwen3', 'deepseek-v3'];

/** Ticked when the URL names no tokenizer: DEFAULT_CHOICE's tokenizers the lab offers. */
export function defaultCompared(): string[] {
  const offered = new Set(listTokenizers().map((t) => t.name));
  return DEFAULT_CHOICE.filter((name) => offered.has(name));
}

/** The page's state as a query string: the shareable URL (a text over MAX_URL_TEXT is left out). */
export function compareUrl(o: CompareOptions): string {
  const q = new URLSearchParams();
  if (o.text !== '' && o.text.length <= MAX_URL_TEXT) q.set('text', o.text);
  for (const t of o.tokenizers) q.append('tokenizers', t);
  return `/compare?${q}`;
}

/** The language-tax panel's sample: its corpora and sizes. */
async function sample() {
  return { corpora: PARALLEL_CORPORA, ...(await sampleSizes()) };
}

const LIMITS = { min: MIN_COMPARED, max: MAX_COMPARED };

export function compareRoutes(): Hono {
  const routes = new Hono();

  routes.get('/compare', async (c) => {
    const chosen = c.req.queries('tokenizers');
    const options = { text: c.req.query('text') ?? '', tokenizers: chosen ?? defaultCompared() };
    const { result, refusal } = await attempt(() => compare(options.text, options.tokenizers));
    const error = refusal && pageMessage(refusal);
    const page = (
      <ComparePage options={options} {...chooserChoices()} limits={LIMITS} comparison={result} sample={await sample()} error={error} />
    );
    return c.html(page, refusal?.status ?? 200);
  });

  // A refusal is the message with its status: htmx 4 swaps it into #result as it does a result.
  routes.post('/fragment/compare', async (c) => {
    const read = await readPageForm(c);
    if ('error' in read) return c.html(<TokenizeError message={read.error} />, read.status);
    const form = read.fields;
    const ticked = form.tokenizers ?? [];
    const options = { text: field(form, 'text') ?? '', tokenizers: Array.isArray(ticked) ? ticked : [ticked] };
    c.header('HX-Replace-Url', compareUrl(options));
    const { result, refusal } = await attempt(() => compare(options.text, options.tokenizers));
    if (refusal !== undefined) return c.html(<TokenizeError message={pageMessage(refusal)} />, refusal.status);
    return c.html(<CompareResult comparison={result} sample={await sample()} />);
  });

  // Measures every tokenizer not measured yet (seconds the first time): the page asks for it once loaded.
  routes.get('/fragment/language-tax', async (c) => c.html(<OfferedTaxTable taxes={await everyLanguageTax()} sample={await sample()} />));

  return routes;
}
