/**
 * tokenlab's own vocabulary file: JSON, versioned, lossless for every field of a Vocabulary.
 *
 * ```json
 * {
 *   "format": "tokenlab-vocab",
 *   "version": 1,
 *   "pattern": "cjk",
 *   "tokens": ["AA==", "AQ==", ..., "IHRoZQ=="],
 *   "merges": [[32, 116], [104, 101], ...],
 *   "specials": [{ "text": "<|endoftext|>", "id": 2256 }],
 *   "training": { "corpora": [{ "name": "d2l-zh", "bytes": 4245569 }], "vocabSize": 2257, ... }
 * }
 * ```
 *
 * - `format` is the string "tokenlab-vocab"; `version` is the integer 1. A reader refuses other formats and
 *   versions it does not know (a later version bumps the number when the meaning of a field changes). Version
 *   2 is a Hugging Face pipeline kept as its tokenizer.json (hf-vocab-json.ts), which this reader refuses as
 *   such: it is not a byte-level vocabulary. Version 3 is a Unigram model (unigram-json.ts), refused here alike.
 * - `pattern`: a pattern name from patterns.ts (gpt2, cl100k, o200k, cjk) or a JavaScript regex source
 *   (flags `gu`).
 * - `tokens[id]`: the bytes of ordinary token `id` in standard padded base64 (RFC 4648, `+/`, canonical).
 *   Ids are dense from 0 and are the ranks (lower merges first). Token bytes are distinct and non-empty, and
 *   all 256 single bytes are tokens.
 * - `merges`: `[left id, right id]` in the order they were learned; the concatenation of the two tokens'
 *   bytes must be a token. May be empty (vocabularies imported from rank files).
 * - `specials`: `{ "text", "id" }` with distinct texts and distinct ids at or above `tokens.length`.
 * - `training` (optional): how the vocabulary was trained (TrainingInfo in vocabulary.ts), kept as written
 *   after checking the types of the fields TrainingInfo declares (other fields are kept unchecked).
 *
 * Version 3 is version 1 plus the algorithm that made the vocabulary and what its encoder needs:
 * `"algorithm": "superbpe"` and `"superbpe": {"transition", "stage1Merges", "stage2Pattern", "maxWords"}`
 * (SuperBpeInfo in vocabulary.ts; encode it with encode/superbpe-encoder.ts), or `"algorithm": "unigram"`, a
 * Unigram model read by unigram-json.ts. A plain BPE vocabulary is still written as version 1, so older readers
 * keep reading it.
 *
 * Unknown top-level fields are refused, so a misspelled field is not silently dropped.
 */
import { VocabularyError, type SpecialToken, type SuperBpeInfo, type TrainingInfo, type Vocabulary } from '../vocabulary.js';
import { fromBase64, toBase64 } from '../bytes.js';
import { validateVocabulary } from '../validate-vocabulary.js';

export const VOCAB_FORMAT = 'tokenlab-vocab';
const VOCAB_VERSION = 1;
/** The version of a file that holds a Hugging Face pipeline (hf-vocab-json.ts). */
export const PIPELINE_VERSION = 2;
/** The version that names its algorithm: "superbpe" (read here) or "unigram" (unigram-json.ts). */
export const ALGORITHM_VERSION = 3;

const FIELDS = new Set(['format', 'version', 'pattern', 'tokens', 'merges', 'specials', 'training']);
const ALGORITHM_FIELDS = new Set([...FIELDS, 'algorithm', 'superbpe']);

/** The vocabulary as a tokenlab-vocab JSON document (validated first; VocabularyError if invalid). */
export function serializeVocabulary(vocab: Vocabulary, options: { pretty?: boolean } = {}): string {
  validateVocabulary(vocab);
  const version = vocab.superbpe === undefined ? VOCAB_VERSION : ALGORITHM_VERSION;
  const doc: Record<string, unknown> = {
    format: VOCAB_FORMAT,
    version,
    pattern: vocab.pattern,
    tokens: vocab.tokens.map(toBase64),
    merges: vocab.merges.map(([a, b]) => [a, b]),
    specials: vocab.specials.map((s) => ({ text: s.text, id: s.id })),
  };
  if (vocab.superbpe !== undefined) Object.assign(doc, { algorithm: 'superbpe', superbpe: superbpeFields(vocab.superbpe) });
  if (vocab.training !== undefined) doc.training = vocab.training;
  if (!options.pretty) return JSON.stringify(doc);
  // Pretty, but one token and one merge a line: a 100k vocabulary stays readable and diffable.
  const lines = [
    '{',
    `  "format": ${JSON.stringify(VOCAB_FORMAT)},`,
    `  "version": ${version},`,
    `  "pattern": ${JSON.stringify(vocab.pattern)},`,
    ...(vocab.superbpe === undefined
      ? []
      : [`  "algorithm": "superbpe",`, `  "superbpe": ${JSON.stringify(superbpeFields(vocab.superbpe))},`]),
    `  "tokens": [${listBody(vocab.tokens.map((t) => JSON.stringify(toBase64(t))))}],`,
    `  "merges": [${listBody(vocab.merges.map(([a, b]) => `[${a}, ${b}]`))}],`,
    `  "specials": [${listBody(vocab.specials.map((s) => JSON.stringify({ text: s.text, id: s.id })))}]` +
      (vocab.training !== undefined ? ',' : ''),
  ];
  if (vocab.training !== undefined) lines.push(`  "training": ${JSON.stringify(vocab.training, null, 2).replace(/\n/g, '\n  ')}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function superbpeFields(info: SuperBpeInfo): SuperBpeInfo {
  const { transition, stage1Merges, stage2Pattern, maxWords } = info;
  return { transition, stage1Merges, stage2Pattern, maxWords };
}

function listBody(items: string[]): string {
  return items.length === 0 ? '' : `\n    ${items.join(',\n    ')}\n  `;
}

function fail(msg: string): never {
  throw new VocabularyError(`tokenlab-vocab: ${msg}`);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A tokenlab-vocab JSON document's text, parsed; VocabularyError if it is not JSON. */
export function parseVocabJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`not JSON: ${(e as Error).message}`);
  }
}

/** The version of a tokenlab-vocab document (1, 2 or 3); VocabularyError for another format or version. */
export function vocabFileVersion(doc: unknown): typeof VOCAB_VERSION | typeof PIPELINE_VERSION | typeof ALGORITHM_VERSION {
  if (!isObject(doc)) fail('expected a JSON object');
  if (doc.format !== VOCAB_FORMAT) {
    fail(`"format" is ${JSON.stringify(doc.format ?? null)}, expected ${JSON.stringify(VOCAB_FORMAT)}`);
  }
  if (doc.version === VOCAB_VERSION || doc.version === PIPELINE_VERSION || doc.version === ALGORITHM_VERSION) return doc.version;
  return fail(
    typeof doc.version === 'number' && doc.version > ALGORITHM_VERSION
      ? `version ${doc.version} is newer than this tokenlab reads (${VOCAB_VERSION} to ${ALGORITHM_VERSION})`
      : `"version" is ${JSON.stringify(doc.version ?? null)}, expected ${VOCAB_VERSION}, ${PIPELINE_VERSION} or ${ALGORITHM_VERSION}`,
  );
}

/** Parse and validate a tokenlab-vocab JSON document. Throws VocabularyError saying what is wrong and where. */
export function parseVocabulary(text: string): Vocabulary {
  return vocabularyOfDocument(parseVocabJson(text));
}

/**
 * The Vocabulary of a parsed version 1 document; VocabularyError saying what is wrong and where, or that a
 * version 2 document is a Hugging Face pipeline.
 */
export function vocabularyOfDocument(doc: unknown): Vocabulary {
  if (!isObject(doc)) fail('expected a JSON object');
  const version = vocabFileVersion(doc);
  if (version === PIPELINE_VERSION) {
    fail(
      `this file is a Hugging Face pipeline (version ${PIPELINE_VERSION}, a tokenizer.json with its own ` +
        `semantics), not a byte-level vocabulary (version ${VOCAB_VERSION})`,
    );
  }
  if (version === ALGORITHM_VERSION && doc.algorithm === 'unigram') {
    fail(`this file is a Unigram model (version ${ALGORITHM_VERSION}, read by unigram-json.ts), not a BPE vocabulary`);
  }
  const fields = version === ALGORITHM_VERSION ? ALGORITHM_FIELDS : FIELDS;
  for (const k of Object.keys(doc)) if (!fields.has(k)) fail(`unknown field ${JSON.stringify(k)}`);
  for (const k of ['pattern', 'tokens', 'merges', 'specials']) {
    if (!(k in doc)) fail(`missing field ${JSON.stringify(k)}`);
  }
  if (typeof doc.pattern !== 'string') fail('"pattern" must be a string');
  if (!Array.isArray(doc.tokens)) fail('"tokens" must be an array');
  if (!Array.isArray(doc.merges)) fail('"merges" must be an array');
  if (!Array.isArray(doc.specials)) fail('"specials" must be an array');

  const tokens = doc.tokens.map((t, id) => {
    if (typeof t !== 'string') fail(`tokens[${id}] is not a base64 string`);
    try {
      return fromBase64(t);
    } catch (e) {
      return fail(`tokens[${id}] ${JSON.stringify(t)}: ${(e as Error).message}`);
    }
  });
  const merges = doc.merges.map((m, i): [number, number] => {
    if (!Array.isArray(m) || m.length !== 2 || !m.every((x) => Number.isInteger(x))) {
      fail(`merges[${i}] is not a pair of integer ids`);
    }
    return [m[0] as number, m[1] as number];
  });
  const specials = doc.specials.map((s, i): SpecialToken => {
    if (!isObject(s) || typeof s.text !== 'string' || !Number.isInteger(s.id)) {
      fail(`specials[${i}] must be {"text": string, "id": integer}`);
    }
    return { text: s.text, id: s.id as number };
  });
  const vocab: Vocabulary = { pattern: doc.pattern, tokens, merges, specials };
  if (doc.training !== undefined) vocab.training = parseTraining(doc.training);
  if (version === ALGORITHM_VERSION) vocab.superbpe = parseSuperBpe(doc);
  try {
    validateVocabulary(vocab);
  } catch (e) {
    fail((e as Error).message);
  }
  return vocab;
}

function parseSuperBpe(doc: Record<string, unknown>): SuperBpeInfo {
  if (doc.algorithm !== 'superbpe') fail(`"algorithm" is ${JSON.stringify(doc.algorithm ?? null)}, expected "superbpe"`);
  const info = doc.superbpe;
  if (!isObject(info)) fail('"superbpe" must be an object');
  for (const k of ['transition', 'stage1Merges', 'maxWords']) {
    if (!Number.isInteger(info[k])) fail(`superbpe.${k} must be an integer`);
  }
  if (typeof info.stage2Pattern !== 'string') fail('superbpe.stage2Pattern must be a string');
  return superbpeFields(info as unknown as SuperBpeInfo);
}

const TRAINING_NUMBERS = [
  'vocabSize',
  'minFrequency',
  'threads',
  'seconds',
  'invalidUtf8',
  'cutPieces',
  'uniquePieces',
  'bytesPerToken',
] as const;

function parseTraining(t: unknown): TrainingInfo {
  if (!isObject(t)) fail('"training" must be an object');
  if (!Array.isArray(t.corpora)) fail('training.corpora must be an array');
  t.corpora.forEach((c, i) => {
    if (!isObject(c) || typeof c.name !== 'string' || typeof c.bytes !== 'number') {
      fail(`training.corpora[${i}] must be {"name": string, "bytes": number}`);
    }
  });
  for (const k of TRAINING_NUMBERS) {
    if (typeof t[k] !== 'number') fail(`training.${k} must be a number`);
  }
  if (t.compat !== 'none' && t.compat !== 'hf') fail('training.compat must be "none" or "hf"');
  if (typeof t.startedAt !== 'string') fail('training.startedAt must be a string');
  return t as unknown as TrainingInfo;
}
