/**
 * tokenlab's vocabulary file, version 3: a Unigram model (unigram/unigram-model.ts).
 *
 * ```json
 * {
 *   "format": "tokenlab-vocab",
 *   "version": 3,
 *   "algorithm": "unigram",
 *   "byteFallback": true,
 *   "words": "split-before-space",
 *   "pieces": [[" the", -3.25], ["的", -3.9], ...],
 *   "specials": [{ "text": "<|endoftext|>", "id": 32000 }],
 *   "training": { "corpora": [...], "vocabSize": 32000, ... }
 * }
 * ```
 *
 * - `algorithm` is "unigram": ids 0-255 are the byte-fallback tokens (byte b is id b), `pieces[i]` is token
 *   256 + i as `[text, log-probability]` (text as is: a space is a space), then `specials`.
 * - `byteFallback` (true) and `words` ("split-before-space") name what the encoder does; they are the only
 *   values this version has, and are written so a later version can add others.
 * - `training` (optional): UnigramTrainingInfo, kept as written after checking it is an object.
 *
 * Unknown top-level fields are refused, as in versions 1 and 2 (vocab-json.ts, hf-vocab-json.ts).
 */
import { isObject } from '../hf/json.js';
import { VocabularyError, type SpecialToken } from '../vocabulary.js';
import { validateUnigramModel, type UnigramModel, type UnigramTrainingInfo } from '../unigram/unigram-model.js';
import { parseVocabJson, ALGORITHM_VERSION, VOCAB_FORMAT, vocabFileVersion } from './vocab-json.js';

const ALGORITHM = 'unigram';
const WORDS = 'split-before-space';
const FIELDS = new Set(['format', 'version', 'algorithm', 'byteFallback', 'words', 'pieces', 'specials', 'training']);

function fail(msg: string): never {
  throw new VocabularyError(`tokenlab-vocab version ${ALGORITHM_VERSION}: ${msg}`);
}

/** The model as a version 3 document, one piece a line (validated first; VocabularyError if invalid). */
export function serializeUnigramModel(model: UnigramModel): string {
  validateUnigramModel(model);
  const head = {
    format: VOCAB_FORMAT,
    version: ALGORITHM_VERSION,
    algorithm: ALGORITHM,
    byteFallback: true,
    words: WORDS,
  };
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const pieces = model.pieces.map((p, i) => `    ${JSON.stringify([p, model.scores[i]])}`);
  lines.push(`  "pieces": [${pieces.length ? `\n${pieces.join(',\n')}\n  ` : ''}],`);
  lines.push(`  "specials": ${JSON.stringify(model.specials.map((s) => ({ text: s.text, id: s.id })))}` + (model.training ? ',' : ''));
  if (model.training) lines.push(`  "training": ${JSON.stringify(model.training)}`);
  return `{\n${lines.join('\n')}\n}\n`;
}

/** Whether a parsed tokenlab-vocab document is a version 3 Unigram one; VocabularyError for a bad envelope. */
export function isUnigramDocument(doc: unknown): boolean {
  return vocabFileVersion(doc) === ALGORITHM_VERSION && (doc as Record<string, unknown>).algorithm === ALGORITHM;
}

/** Parse and validate a version 3 document's text; VocabularyError saying what is wrong and where. */
export function parseUnigramModel(text: string): UnigramModel {
  return unigramModelOfDocument(parseVocabJson(text));
}

/** The UnigramModel of a parsed version 3 document (see parseUnigramModel). */
export function unigramModelOfDocument(doc: unknown): UnigramModel {
  if (vocabFileVersion(doc) !== ALGORITHM_VERSION) fail(`expected version ${ALGORITHM_VERSION} (a Unigram model)`);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!FIELDS.has(k)) fail(`unknown field ${JSON.stringify(k)}`);
  if (d.algorithm !== ALGORITHM) fail(`"algorithm" is ${JSON.stringify(d.algorithm ?? null)}, expected "${ALGORITHM}"`);
  if (d.byteFallback !== true) fail('"byteFallback" must be true');
  if (d.words !== WORDS) fail(`"words" must be "${WORDS}"`);
  if (!Array.isArray(d.pieces)) fail('"pieces" must be an array');
  if (!Array.isArray(d.specials)) fail('"specials" must be an array');
  const pieces: string[] = [];
  const scores: number[] = [];
  d.pieces.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'number') {
      fail(`pieces[${i}] must be [text, score]`);
    }
    pieces.push(p[0]);
    scores.push(p[1]);
  });
  const specials = d.specials.map((s, i): SpecialToken => {
    if (!isObject(s) || typeof s.text !== 'string' || !Number.isInteger(s.id))
      fail(`specials[${i}] must be {"text": string, "id": integer}`);
    return { text: s.text, id: s.id as number };
  });
  const model: UnigramModel = { pieces, scores, specials };
  if (d.training !== undefined) {
    if (!isObject(d.training)) fail('"training" must be an object');
    model.training = d.training as unknown as UnigramTrainingInfo;
  }
  try {
    validateUnigramModel(model);
  } catch (e) {
    fail((e as Error).message);
  }
  return model;
}
