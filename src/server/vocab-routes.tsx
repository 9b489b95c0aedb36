/**
 * The vocabulary explorer's routes: /vocab (list and import), /vocab/:name (the explorer) with its fragments
 * (/tokens, /tree, /scrub), downloads (/download/json|tiktoken|tiktoken-args|tokenizer.json), delete; and the JSON API
 * GET /api/vocabularies[/:name], POST /api/vocabularies (multipart import), DELETE /api/vocabularies/:name.
 */
import { Hono, type Context } from 'hono';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { exportVocabularyOffThread, type VocabExportFormat } from '../jobs/vocab-export.js';
import { importVocabularyOffThread, type ImportFormat } from '../jobs/vocab-import.js';
import { checkVocabularyName, deleteUserVocabulary, findUserVocabulary } from '../store/user-vocabularies.js';
import { MergeTreeView, Scrub } from '../../views/vocab-merges.js';
import { VocabError, VocabListPage, VocabPage } from '../../views/vocab.js';
import { TokenTable } from '../../views/vocab-tokens.js';
import { readFormBody } from './body.js';
import { attempt, RequestError, type RefusalStatus } from './errors.js';
import { MAX_TEXT_BYTES } from './limits.js';
import { TRAIN_PATTERNS } from './train-jobs.js';
import { analyseVocabulary, listVocabularies, mergeTree, TOKEN_CLASS_NAMES, type TokenQuery, type VocabAnalysis } from './vocab-data.js';
import { mergeOrderView, mergeTreeView, scrubView, tokenPage, vocabRow, vocabSummary } from './vocab-page.js';
import { modelOffers } from './model-tokenizer-jobs.js';

/** The largest vocabulary file accepted for import (o200k_base's rank file is 3.6 MB; tokenizer.json files run larger). */
export const MAX_IMPORT_BYTES = 64 << 20;

function queryOf(get: (k: string) => string | undefined): TokenQuery {
  const filter = get('filter') ?? '';
  const page = Number(get('page') ?? 1);
  return {
    q: (get('q') ?? '').slice(0, 200),
    filter: (TOKEN_CLASS_NAMES as string[]).includes(filter) ? (filter as TokenQuery['filter']) : '',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The token id in `s`, if it is one of the vocabulary's ordinary tokens. */
function tokenIdOf(a: VocabAnalysis, s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const id = Number(s);
  return id < a.tokens.length ? id : undefined;
}

/** The analysis, or the refusal as a page/fragment (404 for an unknown name, naming the known vocabularies). */
async function load(c: Context): Promise<VocabAnalysis | Response> {
  const { result, refusal } = await attempt(() => analyseVocabulary(c.req.param('name')!));
  return refusal === undefined ? result : c.html(<VocabError message={refusal.message} />, refusal.status);
}

const DOWNLOADS: Record<VocabExportFormat, { suffix: string; type: string }> = {
  json: { suffix: '.json', type: 'application/json' },
  tiktoken: { suffix: '.tiktoken', type: 'text/plain' },
  'tiktoken-args': { suffix: '.tiktoken.args.json', type: 'application/json' },
  'tokenizer.json': { suffix: '.tokenizer.json', type: 'application/json' },
};

/** Imports the multipart form {name, file, format, pattern} as a user vocabulary (a bad file: ImportError, 400). */
async function importVocabulary(c: Context): Promise<string> {
  const form = await readFormBody(c, MAX_IMPORT_BYTES);
  const name = typeof form.name === 'string' ? form.name.trim() : '';
  try {
    checkVocabularyName(name);
  } catch (e) {
    throw new RequestError(400, (e as Error).message);
  }
  if (findUserVocabulary(name)) throw new RequestError(409, `a vocabulary named ${name} exists: delete it first or choose another name`);
  const file = form.file;
  if (!(file instanceof File) || file.size === 0) throw new RequestError(400, 'choose a vocabulary file to import');
  if (file.size > MAX_IMPORT_BYTES) throw new RequestError(413, `the file is over the limit of ${MAX_IMPORT_BYTES / 2 ** 20} MiB`);
  const format = (['auto', 'json', 'tiktoken', 'hf'].includes(String(form.format)) ? form.format : 'auto') as ImportFormat;
  const pattern = ((TRAIN_PATTERNS as string[]).includes(String(form.pattern)) ? form.pattern : 'cjk') as PatternName;
  await importVocabularyOffThread(name, new Uint8Array(await file.arrayBuffer()), format, pattern, file.name);
  return name;
}

export function vocabRoutes(): Hono {
  const app = new Hono();
  const listPage = async (c: Context, error?: string, status: 200 | RefusalStatus = 200, importName?: string) =>
    c.html(
      <VocabListPage
        vocabularies={(await listVocabularies()).map(vocabRow)}
        modelOffers={modelOffers()}
        patterns={TRAIN_PATTERNS}
        error={error}
        importName={importName}
      />,
      status,
    );

  app.get('/vocab', (c) => listPage(c));

  app.post('/vocab/import', async (c) => {
    const { result: name, refusal } = await attempt(() => importVocabulary(c));
    if (refusal !== undefined) return listPage(c, refusal.message, refusal.status);
    return c.redirect(`/vocab/${encodeURIComponent(name)}`, 303);
  });

  app.get('/vocab/:name', async (c) => {
    const a = await load(c);
    if (a instanceof Response) return a;
    const query = queryOf((k) => c.req.query(k));
    const treeId = tokenIdOf(a, c.req.query('tree'));
    const tree = treeId === undefined ? undefined : mergeTreeView(mergeTree(a, treeId));
    const scrub = scrubView(a, c.req.query('sample'), c.req.query('k'));
    const page = (
      <VocabPage
        summary={vocabSummary(a)}
        histogram={a.histogram}
        classes={TOKEN_CLASS_NAMES}
        query={query}
        table={tokenPage(a, query)}
        tree={tree}
        scrub={scrub}
        mergeOrder={mergeOrderView(a)}
      />
    );
    return c.html(page);
  });

  app.get('/vocab/:name/tokens', async (c) => {
    const a = await load(c);
    if (a instanceof Response) return a;
    const query = queryOf((k) => c.req.query(k));
    return c.html(<TokenTable name={a.name} query={query} table={tokenPage(a, query)} />);
  });

  app.get('/vocab/:name/tree', async (c) => {
    const a = await load(c);
    if (a instanceof Response) return a;
    const id = tokenIdOf(a, c.req.query('tree'));
    if (id === undefined)
      return c.html(
        <VocabError
          message={`no ordinary token with id ${JSON.stringify(c.req.query('tree') ?? '')}: ids run from 0 to ${a.tokens.length - 1}`}
        />,
      );
    return c.html(<MergeTreeView node={mergeTreeView(mergeTree(a, id))} />);
  });

  app.post('/vocab/:name/scrub', async (c) => {
    const a = await load(c);
    if (a instanceof Response) return a;
    const form = await readFormBody(c, 4 * MAX_TEXT_BYTES);
    return c.html(<Scrub {...scrubView(a, typeof form.sample === 'string' ? form.sample : '', String(form.k ?? ''))} />);
  });

  app.get('/vocab/:name/download/:format', async (c) => {
    const a = await load(c);
    if (a instanceof Response) return a;
    const format = c.req.param('format') as VocabExportFormat;
    const d = Object.hasOwn(DOWNLOADS, format) ? DOWNLOADS[format] : undefined;
    if (d === undefined) return c.text(`unknown format; use one of ${Object.keys(DOWNLOADS).join(', ')}`, 404);
    const filename = `${a.name}${d.suffix}`;
    const text = await exportVocabularyOffThread(a.name, format);
    return c.body(text, 200, { 'content-type': `${d.type}; charset=utf-8`, 'content-disposition': `attachment; filename="${filename}"` });
  });

  app.post('/vocab/:name/delete', async (c) => {
    const name = c.req.param('name');
    if (!findUserVocabulary(name))
      return c.html(<VocabError message={`${name} is not one of your vocabularies: only those can be deleted`} />, 404);
    await deleteUserVocabulary(name);
    return c.redirect('/vocab', 303);
  });

  app.get('/api/vocabularies', async (c) => c.json({ vocabularies: await listVocabularies() }));

  app.get('/api/vocabularies/:name', async (c) => c.json(vocabSummary(await analyseVocabulary(c.req.param('name')))));

  app.post('/api/vocabularies', async (c) => c.json(vocabSummary(await analyseVocabulary(await importVocabulary(c))), 201));

  app.delete('/api/vocabularies/:name', async (c) => {
    const name = c.req.param('name');
    if (!findUserVocabulary(name)) return c.json({ error: `${name} is not one of your vocabularies: only those can be deleted` }, 404);
    await deleteUserVocabulary(name);
    return c.json({ deleted: name });
  });

  return app;
}
