/**
 * The bad-input sweep's table (tests/sweep.test.ts): what each route of the lab reads from a request, so the
 * sweep can put hostile text in every input. A route of the app missing here (and from EXEMPT) fails the
 * sweep, so a route added later is swept or explicitly exempted.
 */

/** The escaping payloads: a script element, and text that breaks out of a double- or single-quoted attribute. */
export const SCRIPT = '<script>alert(1)</script>';
export const ATTR_DOUBLE = '"><img src=x onerror=alert(1)>';
export const ATTR_SINGLE = "' onmouseover='alert(1)";
export const PAYLOADS = [SCRIPT, ATTR_DOUBLE, ATTR_SINGLE];

/**
 * What a path parameter names. The sweep fills it with a real thing the test made (holding the payloads in
 * its text), or with hostile names. `doomed` params belong to routes that delete, or fetch from the network
 * (adding a model tokenizer or on-demand corpora): only unknown and hostile names go there, never the sweep's own things. `view`
 * names a view both the LM and the ∞-gram pages have.
 * `modelTokenizer` is one the lab can add (not added), `onDemandPackage` a package corpora are added from.
 */
export type Thing =
  | 'vocab'
  | 'model'
  | 'infgram'
  | 'corpus'
  | 'trainJob'
  | 'lmJob'
  | 'infgramJob'
  | 'qualityJob'
  | 'format'
  | 'view'
  | 'modelTokenizer'
  | 'onDemandPackage'
  | 'doomed';

/**
 * An input and what is sent with it: a payload goes into the input, the companions make the rest of the
 * request such that the payload is read (a companion key ':param' sets a path parameter, e.g. the LM view).
 * Companions of creating routes name things that exist, so the request is refused (409) and creates nothing.
 */
export type Inputs = Record<string, Record<string, string>>;

export interface RouteSweep {
  params?: Record<string, Thing>;
  /** Query parameters the handler reads (the sweep also checks that it reads no others). */
  query?: Inputs;
  /** URL-encoded form fields, or multipart fields (`file` is sent as a file). */
  form?: Inputs;
  multipart?: Inputs;
  /** JSON body fields; a field name ending in [] is sent as a list [payload, 'cl100k_base']. */
  json?: Inputs;
}

/** Routes the sweep leaves alone, and why. */
export const EXEMPT: Record<string, string> = {
  // A file from node_modules: reads nothing from the request.
  'GET /static/htmx.min.js': 'static file, no input',
  'GET /static/hx-sse.min.js': 'static file, no input',
  'GET /static/lab.css': 'static file, no input',
  // Middleware (Hono's secure headers on every answer): no handler of its own; tests/server-api.test.ts checks it.
  'ALL /*': 'middleware, no input',
};

/** The fields of each LM view (the page's query and the fragment's form), with what each needs beside it. */
const LM_FIELDS: Record<string, { view: string; with?: Record<string, string> }> = {
  text: { view: 'surprisal' },
  context: { view: 'next' },
  k: { view: 'next' },
  path: { view: 'trie' },
  prompt: { view: 'sample' },
  temperature: { view: 'sample' },
  topK: { view: 'sample' },
  topP: { view: 'sample' },
  seed: { view: 'sample' },
  length: { view: 'sample' },
  question: { view: 'qa', with: { answer: 'a' } },
  answer: { view: 'qa' },
  thought: { view: 'qa', with: { answer: 'a' } },
};

const lmPageQuery: Inputs = {
  view: {},
  ...Object.fromEntries(Object.entries(LM_FIELDS).map(([f, v]) => [f, { view: v.view, ...v.with }])),
};
const lmFragmentInputs: Inputs = Object.fromEntries(Object.entries(LM_FIELDS).map(([f, v]) => [f, { ':view': v.view, ...v.with }]));

/** The ∞-gram page's fields (its query and its fragment's form), each with what makes it read. */
const IG_FIELDS: Record<string, { view: string; with?: Record<string, string> }> = {
  text: { view: 'surprisal' },
  model: { view: 'surprisal', with: { text: 'x' } },
  k: { view: 'next', with: { text: 'x' } },
  offset: { view: 'count', with: { text: 'x' } },
  minLength: { view: 'trace', with: { text: 'x' } },
};
const igPageQuery: Inputs = {
  view: {},
  ...Object.fromEntries(Object.entries(IG_FIELDS).map(([f, v]) => [f, { view: v.view, ...v.with }])),
};
const igFragmentInputs: Inputs = Object.fromEntries(Object.entries(IG_FIELDS).map(([f, v]) => [f, { ':view': v.view, ...v.with }]));
/** The build form and JSON: the companions name the sweep's index, so a request is refused (409) and builds nothing. */
const IG_BUILD = { name: 'sweep-ig', tokenizer: 'sweep-vocab', corpora: 'sweep-corpus' };

/** A training form refused only because its name is taken. */
const TRAIN_FORM = { name: 'sweep-vocab', corpora: 'sweep-corpus', vocabSize: '300', pattern: 'cjk', minFrequency: '2' };

const tokenizeForm: Inputs = { text: { tokenizer: 'sweep-vocab' }, tokenizer: { text: 'x' }, ws: { text: 'x' } };

/** The chat view's fields (the page's query and the fragment's form), each with what makes it read. */
const chatFields: Inputs = {
  tokenizer: { content: 'x' },
  format: { tokenizer: 'sweep-vocab' },
  template: { tokenizer: 'sweep-vocab', format: 'custom' },
  role: { content: 'x' },
  content: { tokenizer: 'sweep-vocab' },
  gen: {},
  thinking: {},
  effort: { tokenizer: 'o200k_base' },
  ws: {},
};

/** Every route of the lab by "METHOD path", as app.routes lists them. */
export const ROUTES: Record<string, RouteSweep> = {
  'GET /api/tokenizers': {},
  'POST /api/tokenize': { json: { text: { tokenizer: 'sweep-vocab' }, tokenizer: { text: 'x' } } },
  'POST /api/compare': { json: { text: {}, 'tokenizers[]': { text: 'x' } } },
  // Its messages are objects, which the sweep's string fields cannot make: their refusals are tests/server-chat.test.ts'.
  'POST /api/chat': { json: { tokenizer: {} } },

  'GET /': { query: { text: { tokenizer: 'sweep-vocab' }, tokenizer: { text: 'x' }, ws: {} } },
  'POST /fragment/tokenize': { form: tokenizeForm },
  'POST /fragment/tokens': {
    form: { text: { tokenizer: 'sweep-vocab', from: '0' }, tokenizer: { text: 'x', from: '0' }, from: { text: 'x' } },
  },
  'GET /chat': { query: chatFields },
  'POST /fragment/chat': { form: { ...chatFields, 'shown-setup': {}, 'shown-template': {} } },
  'GET /compare': { query: { text: { tokenizers: 'sweep-vocab' }, tokenizers: { text: 'x' } } },
  'POST /fragment/compare': { form: { text: { tokenizers: 'sweep-vocab' }, tokenizers: { text: 'x' } } },
  'GET /fragment/language-tax': {},

  'GET /api/jobs': { query: { kind: {} } },
  'GET /api/jobs/:id': { params: { id: 'trainJob' } },
  'POST /api/jobs/:id/cancel': { params: { id: 'trainJob' } },
  'GET /api/jobs/:id/events': { params: { id: 'trainJob' } },

  'GET /train': { query: { job: {}, runs: {} } },
  'POST /train': {
    // The companions name an existing vocabulary: the form is refused (409) after every other check, and the
    // page shows the form again with what was typed.
    form: {
      name: { ...TRAIN_FORM, name: 'sweep-new' },
      corpora: TRAIN_FORM,
      vocabSize: TRAIN_FORM,
      pattern: TRAIN_FORM,
      minFrequency: TRAIN_FORM,
      specials: TRAIN_FORM,
      algorithm: TRAIN_FORM,
      transition: { ...TRAIN_FORM, algorithm: 'superbpe' },
    },
  },
  'GET /fragment/train/:id': { params: { id: 'trainJob' } },
  'GET /fragment/train/:id/events': { params: { id: 'trainJob' } },
  'POST /fragment/train/:id/cancel': { params: { id: 'trainJob' } },
  'POST /api/train': {
    json: {
      name: { 'corpora[]': 'sweep-corpus', vocabSize: '300' },
      'corpora[]': { name: 'sweep-vocab' },
      pattern: { name: 'sweep-vocab', 'corpora[]': 'sweep-corpus' },
      'specials[]': { name: 'sweep-vocab', 'corpora[]': 'sweep-corpus' },
      algorithm: { name: 'sweep-vocab', 'corpora[]': 'sweep-corpus' },
      transition: { name: 'sweep-vocab', 'corpora[]': 'sweep-corpus', algorithm: 'superbpe' },
    },
  },

  'GET /vocab': {},
  'POST /vocab/import': {
    multipart: {
      name: { file: 'x' },
      file: { name: 'sweep-import' },
      format: { name: 'sweep-vocab', file: 'x' },
      pattern: { name: 'sweep-vocab', file: 'x' },
    },
  },
  'GET /vocab/:name': {
    params: { name: 'vocab' },
    query: { q: {}, filter: {}, page: {}, tree: {}, sample: {}, k: {} },
  },
  'GET /vocab/:name/tokens': { params: { name: 'vocab' }, query: { q: {}, filter: {}, page: {} } },
  'GET /vocab/:name/tree': { params: { name: 'vocab' }, query: { tree: {} } },
  'POST /vocab/:name/scrub': { params: { name: 'vocab' }, form: { sample: {}, k: {} } },
  'GET /vocab/:name/download/:format': { params: { name: 'vocab', format: 'format' } },
  'POST /vocab/:name/delete': { params: { name: 'doomed' } },
  'GET /api/vocabularies': {},
  'GET /api/vocabularies/:name': { params: { name: 'vocab' } },
  'POST /api/vocabularies': {
    multipart: {
      name: { file: 'x' },
      file: { name: 'sweep-import' },
      format: { name: 'sweep-vocab', file: 'x' },
      pattern: { name: 'sweep-vocab', file: 'x' },
    },
  },
  'DELETE /api/vocabularies/:name': { params: { name: 'doomed' } },

  'GET /corpora': { query: { added: {} } },
  'POST /corpora': { multipart: { name: { text: 'x' }, text: { name: 'sweep-corpus' }, file: { name: 'sweep-corpus' } } },
  'GET /corpora/:name/preview': { params: { name: 'corpus' } },
  'POST /corpora/:name/delete': { params: { name: 'doomed' } },
  'GET /api/corpora': {},
  'POST /api/corpora': {
    json: { name: { text: 'x' }, text: { name: 'sweep-corpus' } },
    multipart: { name: { text: 'x' }, file: { name: 'sweep-corpus' } },
  },
  'DELETE /api/corpora/:name': { params: { name: 'doomed' } },
  'GET /fragment/bundled-corpora/:name': { params: { name: 'onDemandPackage' } },
  'GET /fragment/bundled-corpora/:name/events': { params: { name: 'onDemandPackage' } },
  'POST /fragment/bundled-corpora/:name/add': { params: { name: 'doomed' } },
  'POST /api/corpora/bundled/:name/add': { params: { name: 'doomed' } },

  'GET /lm': { query: { job: {}, L: {}, K: {} } },
  'POST /lm': {
    form: {
      name: { tokenizer: 'sweep-vocab', corpus: 'sweep-corpus', order: '2' },
      tokenizer: { name: 'sweep-lm', corpus: 'sweep-corpus', order: '2' },
      corpus: { name: 'sweep-lm', tokenizer: 'sweep-vocab', order: '2' },
      order: { name: 'sweep-lm', tokenizer: 'sweep-vocab', corpus: 'sweep-corpus' },
    },
  },
  'GET /compare/quality': { query: { job: {}, tokenizers: {}, corpus: {} } },
  'POST /compare/quality': {
    form: {
      tokenizers: { corpus: 'sweep-corpus' },
      corpus: { tokenizers: 'sweep-vocab' },
      text: { tokenizers: 'sweep-vocab', corpus: 'no-such-name' },
    },
  },
  'GET /fragment/quality-job/:id': { params: { id: 'qualityJob' } },
  'GET /fragment/quality-job/:id/events': { params: { id: 'qualityJob' } },
  'POST /fragment/quality-job/:id/cancel': { params: { id: 'qualityJob' } },
  'POST /api/quality': { json: { 'tokenizers[]': { corpus: 'sweep-corpus' }, corpus: {}, text: { corpus: 'no-such-name' } } },
  'GET /fragment/lm-job/:id': { params: { id: 'lmJob' } },
  'GET /fragment/lm-job/:id/events': { params: { id: 'lmJob' } },
  'POST /fragment/lm-job/:id/cancel': { params: { id: 'lmJob' } },
  'GET /fragment/lm/space': { query: { L: {}, K: {} } },
  'POST /lm/:name/delete': { params: { name: 'doomed' } },
  'GET /lm/:name': { params: { name: 'model' }, query: lmPageQuery },
  'POST /fragment/lm/:name/:view': { params: { name: 'model', view: 'view' }, form: lmFragmentInputs },
  'GET /fragment/lm/:name/:view': { params: { name: 'model', view: 'view' }, query: lmFragmentInputs },
  'GET /api/lm': {},
  'POST /api/lm/build': {
    json: {
      name: { tokenizer: 'sweep-vocab', corpus: 'sweep-corpus' },
      tokenizer: { corpus: 'sweep-corpus', name: 'sweep-lm-2' },
      corpus: { tokenizer: 'sweep-vocab', name: 'sweep-lm-2' },
    },
  },
  'GET /api/lm/:name': { params: { name: 'model' } },
  'DELETE /api/lm/:name': { params: { name: 'doomed' } },
  'POST /api/lm/:name/score': { params: { name: 'model' }, json: { text: {} } },
  'POST /api/lm/:name/next': { params: { name: 'model' }, json: { context: {}, k: {} } },
  'POST /api/lm/:name/sample': {
    params: { name: 'model' },
    json: { prompt: {}, temperature: {}, topK: {}, topP: {}, seed: {}, length: {} },
  },
  'POST /api/lm/:name/answer': { params: { name: 'model' }, json: { question: { answer: 'a' }, answer: {}, thought: { answer: 'a' } } },
  'GET /api/lm/:name/trie': { params: { name: 'model' }, query: { path: {} } },

  'POST /lm/infgram': {
    form: {
      name: { tokenizer: IG_BUILD.tokenizer, corpora: IG_BUILD.corpora },
      tokenizer: { name: IG_BUILD.name, corpora: IG_BUILD.corpora },
      corpora: { name: IG_BUILD.name, tokenizer: IG_BUILD.tokenizer },
    },
  },
  'GET /fragment/infgram-job/:id': { params: { id: 'infgramJob' } },
  'GET /fragment/infgram-job/:id/events': { params: { id: 'infgramJob' } },
  'POST /fragment/infgram-job/:id/cancel': { params: { id: 'infgramJob' } },
  'POST /lm/infgram/:name/delete': { params: { name: 'doomed' } },
  'GET /lm/infgram/:name': { params: { name: 'infgram' }, query: igPageQuery },
  'GET /lm/infgram/:name/line': { params: { name: 'infgram' }, query: { line: {}, token: {}, length: {} } },
  'POST /fragment/infgram/:name/:view': { params: { name: 'infgram', view: 'view' }, form: igFragmentInputs },
  'GET /api/infgram': {},
  'POST /api/infgram/build': {
    json: {
      name: { tokenizer: IG_BUILD.tokenizer, 'corpora[]': IG_BUILD.corpora },
      tokenizer: { name: IG_BUILD.name, 'corpora[]': IG_BUILD.corpora },
      'corpora[]': { name: IG_BUILD.name, tokenizer: IG_BUILD.tokenizer },
    },
  },
  'GET /api/infgram/:name': { params: { name: 'infgram' } },
  'DELETE /api/infgram/:name': { params: { name: 'doomed' } },
  'GET /api/infgram/:name/line': { params: { name: 'infgram' }, query: { line: {} } },
  'POST /api/infgram/:name/count': { params: { name: 'infgram' }, json: { text: {} } },
  'POST /api/infgram/:name/next': { params: { name: 'infgram' }, json: { text: {}, k: {} } },
  'POST /api/infgram/:name/find': { params: { name: 'infgram' }, json: { text: {}, offset: {}, limit: {} } },
  'POST /api/infgram/:name/trace': { params: { name: 'infgram' }, json: { text: {}, minLength: {}, first: {} } },
  'POST /api/infgram/:name/score': { params: { name: 'infgram' }, json: { text: {}, model: { text: 'x' } } },

  'POST /api/tokenizers/:name/add': { params: { name: 'doomed' } },
  'DELETE /api/tokenizers/:name': { params: { name: 'doomed' } },
  'GET /fragment/model-tokenizers/:name': { params: { name: 'modelTokenizer' } },
  'GET /fragment/model-tokenizers/:name/events': { params: { name: 'modelTokenizer' } },
  'POST /fragment/model-tokenizers/:name/add': { params: { name: 'doomed' } },
};
