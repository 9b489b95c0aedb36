/**
 * The vocabulary explorer's routes: /vocab (list and import), /vocab/:name (the explorer) with its fragments
 * (/tokens, /tree, /scrub), downloads (/download/json|tiktoken|tokenizer.json), delete; and the JSON API
 * GET /api/vocabularies[/:name], POST /api/vocabularies (multipart import), DELETE /api/vocabularies/:name.
 */
import { Hono, type Context } from 'hono';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { exportVocabularyOffThread, type VocabExportFormat } from '../jobs/vocab-export.js';
import { importVocabularyOffThread, type ImportFormat } from '../jobs/vocab-import.js';
import { shippedVocabularyPath } from '../store/tokenizers.js';
import { checkVocabularyName, deleteUserVocabulary, findUserVocabulary, userVocabularyPath } from '../store/user-vocabularies.js';
import { MergeTreeView, Scrub, TokenTable, VocabError, VocabListPage, VocabPage } from '../../views/vocab.js';
import { readFormBody, refusedAs } from './body.js';
import { MAX_TEXT_BYTES, UnknownTokenizerNameError } from './tokenize.js';
import { TRAIN_PATTERNS } from './train-jobs.js';
import { analyseVocabulary, listVocabularies, mergeTree, TOKEN_CLASS_NAMES, type TokenQuery, type VocabAnalysis } from './vocab-data.js';
import { mergeTreeView, scrubView, tokenPage, vocabRow } from './vocab-page.js';

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
  return id < a.vocab.tokens.length ? id : undefined;
}

/** The analysis, or a 404 page/fragment naming the known vocabularies. */
async function load(c: Context): Promise<VocabAnalysis | Response> {
  try {
    return await analyseVocabulary(c.req.param('name')!);
  } catch (e) {
    if (e instanceof UnknownTokenizerNameError) return c.html(<VocabError message={e.message} />, 404);
    throw e;
  }
}

const DOWNLOADS: Record<VocabExportFormat, { suffix: string; type: string }> = {
  json: { suffix: '.json', type: 'application/json' },
  tiktoken: { suffix: '.tiktoken', type: 'text/plain' },
  'tokenizer.json': { suffix: '.tokenizer.json', type: 'application/json' },
};

/** What loadTokenizer (in the export worker) reads for a listed vocabulary: a tiktoken name or a file. */
function exportSource(a: VocabAnalysis): string {
  if (a.kind === 'tiktoken') return a.name;
  return a.kind === 'shipped' ? shippedVocabularyPath(a.name) : userVocabularyPath(a.name);
}

/** A refused import, with its status. */
class ImportRefused extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 | 413,
  ) {
    super(message);
  }
}

/** Imports the multipart form {name, file, format, pattern} as a user vocabulary. */
async function importVocabulary(c: Context): Promise<string> {
  const form = await refusedAs(readFormBody(c, MAX_IMPORT_BYTES), ImportRefused);
  const name = typeof form.name === 'string' ? form.name.trim() : '';
  try {
    checkVocabularyName(name);
  } catch (e) {
    throw new ImportRefused((e as Error).message, 400);
  }
  if (findUserVocabulary(name)) throw new ImportRefused(`a vocabulary named ${name} exists: delete it first or choose another name`, 409);
  const file = form.file;
  if (!(file instanceof File) || file.size === 0) throw new ImportRefused('choose a vocabulary file to import', 400);
  if (file.size > MAX_IMPORT_BYTES) throw new ImportRefused(`the file is over the limit of ${MAX_IMPORT_BYTES / 2 ** 20} MiB`, 413);
  const format = (['auto', 'json', 'tiktoken', 'hf'].includes(String(form.format)) ? form.format : 'auto') as ImportFormat;
  const pattern = ((TRAIN_PATTERNS as string[]).includes(String(form.pattern)) ? form.pattern : 'cjk') as PatternName;
  try {
    await importVocabularyOffThread(name, new Uint8Array(await file.arrayBuffer()), format, pattern);
  } catch (e) {
    if ((e as Error).name === 'ImportError') throw new ImportRefused((e as Error).message, 400);
    throw e;
  }
  return name;
}

function summaryJson(a: VocabAnalysis) {
  const { vocab } = a;
  return {
    name: a.name,
    kind: a.kind,
    tokens: vocab.tokens.length,
    specials: vocab.specials,
    pattern: vocab.pattern,
    merges: vocab.merges.length,
    training: vocab.training ?? null,
    heldOut: a.heldOut,
  };
}

export function vocabRoutes(): Hono {
  const app = new Hono();
  const listPage = async (c: Context, error?: string, status: 200 | 400 | 409 | 413 = 200, importName?: string) =>
    c.html(<VocabListPage vocabularies={(await listVocabularies()).map(vocabRow)} patterns={TRAIN_PATTERNS} error={error} importName={importName} />, status);

  app.get('/vocab', (c) => listPage(c));

  app.post('/vocab/import', async (c) => {
    try {
      return c.redirect(`/vocab/${encodeURIComponent(await importVocabulary(c))}`, 303);
    } catch (e) {
      if (e instanceof ImportRefused) return listPage(c, e.message, e.status);
      throw e;
    }
  });

  app.get('/vocab/:name', async (c) => {
    const a = await load(c);
    if (a instanceof Response) return a;
    const query = queryOf((k) => c.req.query(k));
    const treeId = tokenIdOf(a, c.req.query('tree'));
    const tree = treeId === undefined ? undefined : mergeTreeView(mergeTree(a.encoder, treeId));
    const scrub = scrubView(a, c.req.query('sample'), c.req.query('k'));
    const page = <VocabPage summary={summaryJson(a)} histogram={a.histogram} classes={TOKEN_CLASS_NAMES} query={query} table={tokenPage(a, query)} tree={tree} scrub={scrub} />;
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
    if (id === undefined) return c.html(<VocabError message={`no ordinary token with id ${JSON.stringify(c.req.query('tree') ?? '')}: ids run from 0 to ${a.vocab.tokens.length - 1}`} />);
    return c.html(<MergeTreeView node={mergeTreeView(mergeTree(a.encoder, id))} />);
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
    const text = await exportVocabularyOffThread(exportSource(a), format);
    return c.body(text, 200, { 'content-type': `${d.type}; charset=utf-8`, 'content-disposition': `attachment; filename="${filename}"` });
  });

  app.post('/vocab/:name/delete', async (c) => {
    const name = c.req.param('name');
    if (!findUserVocabulary(name)) return c.html(<VocabError message={`${name} is not one of your vocabularies: only those can be deleted`} />, 404);
    await deleteUserVocabulary(name);
    return c.redirect('/vocab', 303);
  });

  app.get('/api/vocabularies', async (c) => c.json({ vocabularies: await listVocabularies() }));

  app.get('/api/vocabularies/:name', async (c) => {
    try {
      return c.json(summaryJson(await analyseVocabulary(c.req.param('name'))));
    } catch (e) {
      if (e instanceof UnknownTokenizerNameError) return c.json({ error: e.message }, 404);
      throw e;
    }
  });

  app.post('/api/vocabularies', async (c) => {
    try {
      const name = await importVocabulary(c);
      return c.json(summaryJson(await analyseVocabulary(name)), 201);
    } catch (e) {
      if (e instanceof ImportRefused) return c.json({ error: e.message }, e.status);
      throw e;
    }
  });

  app.delete('/api/vocabularies/:name', async (c) => {
    const name = c.req.param('name');
    if (!findUserVocabulary(name)) return c.json({ error: `${name} is not one of your vocabularies: only those can be deleted` }, 404);
    await deleteUserVocabulary(name);
    return c.json({ deleted: name });
  });

  return app;
}
