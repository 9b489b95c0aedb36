/**
 * Importing a Hugging Face tokenizer.json with its own semantics (`tokenlab import --format hf`, the /vocab
 * upload): the ids tokenlab gives afterwards are those `tokenizers` gives loading the same file.
 *
 * HfPipeline reads the file first: what it refuses is refused, naming the part. The file then becomes a
 * version 1 vocabulary (importTokenizerJson, encoded by Encoder with tiktoken's rule) only where that rule
 * gives the ids `tokenizers` gives for every text, special tokens read as such; anything else becomes a version
 * 2 file keeping the tokenizer.json (hf-vocab-json.ts). Beyond what importTokenizerJson accepts (byte-level
 * BPE, no normalizer, a ByteLevel pre-tokenizer alone or after an Isolated regex Split), that takes:
 * - a named split pattern (gpt2, cl100k, o200k, cjk): its scanner matches at every position, so Split's pieces
 *   are tiktoken's. A custom regex may leave text between its matches, which Split keeps and tiktoken drops.
 * - the merges tokenlab's export writes for the vocabulary (`hfMerges`, with or without allSplits): then the
 *   pair `tokenizers` merges first is the one tiktoken's rank rule merges (see the export comment in
 *   tokenizer-json.ts). Merges as a trainer learned them are not, in general: with "ab" ranked before "bc" but
 *   the merge (b, c) listed first, `tokenizers` gives [a, bc] for "abc" where tiktoken gives [ab, c].
 * - `ignore_merges`, or every multi-byte token made by a merge: tiktoken takes a piece that is a token whole,
 *   `tokenizers` without ignore_merges only reaches it by merging.
 * - added tokens that are the vocabulary's specials with their ids, all special, without lstrip, rstrip or
 *   single_word, all alike in `normalized` (with no normalizer, one leftmost-longest match, as tiktoken's).
 * - the ByteLevel decoder: decoding is then the tokens' bytes as UTF-8, as for a version 1 vocabulary.
 */
import { HfPipeline } from '../hf/pipeline.js';
import { describeType, isObject, type JsonObject } from '../hf/json.js';
import { finalSplits, hfMerges } from '../merges-from-ranks.js';
import { isPatternName, PATTERN_NAMES } from '../pretokenize/patterns.js';
import { VocabularyError, type SpecialToken, type Vocabulary } from '../vocabulary.js';
import { hfPipelineFile, type ImportRecord, type VocabFile } from './hf-vocab-json.js';
import { tokenizerJsonVocabulary } from './tokenizer-json.js';

export interface TokenizerJsonImport {
  /** A Vocabulary (version 1) or the pipeline's file (version 2). */
  file: VocabFile;
  /** The pipeline read from the tokenizer.json (what a version 2 file encodes with). */
  pipeline: HfPipeline;
  /** For a version 2 file, why tiktoken's rule would not give its ids. */
  whyNotVersion1?: string;
}

/**
 * A tokenizer.json's text as the file tokenlab keeps (see the module comment); VocabularyError for what
 * HfPipeline refuses. `imported` is recorded in a version 2 file.
 *
 * Example: tokenlab's own export of a vocabulary imports as that vocabulary (version 1); Qwen3's tokenizer.json
 * (an NFC normalizer) as a version 2 file, `whyNotVersion1` naming the normalizer.
 */
export function importHfTokenizerJson(text: string, imported?: ImportRecord): TokenizerJsonImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new VocabularyError(`tokenizer.json is not JSON: ${(e as Error).message}`);
  }
  const pipeline = new HfPipeline(json);
  const tokenizer = json as JsonObject; // HfPipeline refuses anything but an object
  const version1 = exactVersion1(tokenizer, pipeline);
  if ('vocab' in version1) return { file: version1.vocab, pipeline };
  return { file: hfPipelineFile(tokenizer, imported), pipeline, whyNotVersion1: version1.why };
}

/** The Vocabulary tiktoken's rule encodes exactly as `pipeline` does, or why there is none. */
function exactVersion1(json: JsonObject, pipeline: HfPipeline): { vocab: Vocabulary } | { why: string } {
  let vocab: Vocabulary;
  try {
    vocab = tokenizerJsonVocabulary(json);
  } catch (e) {
    if (!(e instanceof VocabularyError)) throw e;
    return { why: `it is not a plain byte-level BPE (${e.message.replace(/^tokenizer\.json: /, '')})` };
  }
  const why = patternDiffers(vocab) ?? decoderDiffers(json) ?? addedTokensDiffer(vocab, pipeline) ?? mergesDiffer(vocab, json);
  return why === undefined ? { vocab } : { why };
}

function patternDiffers(vocab: Vocabulary): string | undefined {
  if (isPatternName(vocab.pattern)) return undefined;
  return `its split pattern is not one of ${PATTERN_NAMES.join(', ')}, and text between a custom pattern's matches is kept by tokenizers, dropped by tiktoken`;
}

function decoderDiffers(json: JsonObject): string | undefined {
  const d = json.decoder;
  return isObject(d) && d.type === 'ByteLevel' ? undefined : `its decoder is ${describeType(d)}, not ByteLevel`;
}

function addedTokensDiffer(vocab: Vocabulary, pipeline: HfPipeline): string | undefined {
  const added = pipeline.addedTokens;
  for (const t of added) {
    const what = `added token ${JSON.stringify(t.content)}`;
    if (!t.special) return `${what} is not special (tokenizers always matches it)`;
    const options = (['lstrip', 'rstrip', 'singleWord'] as const).filter((k) => t[k]);
    if (options.length > 0) return `${what} has ${options.join(' and ')}`;
    if (t.normalized !== added[0].normalized) return `${what} differs from ${JSON.stringify(added[0].content)} in "normalized"`;
  }
  const key = (specials: readonly SpecialToken[]): string =>
    [...specials]
      .sort((a, b) => a.id - b.id)
      .map((s) => `${s.id} ${JSON.stringify(s.text)}`)
      .join();
  if (key(pipeline.specials) !== key(vocab.specials)) return 'tokenizers gives its added tokens other ids than the file does';
  return undefined;
}

function mergesDiffer(vocab: Vocabulary, json: JsonObject): string | undefined {
  const finals = finalSplits(vocab);
  const fits = (allSplits: boolean): boolean => samePairs(vocab.merges, hfMerges(vocab, { allSplits }, finals));
  if (!fits(false) && !fits(true)) return 'its merges are not in the order of tiktoken’s rank rule';
  if (isObject(json.model) && json.model.ignore_merges === true) return undefined;
  const whole = vocab.tokens.findIndex((t, id) => t.length > 1 && finals[id] === undefined);
  return whole < 0 ? undefined : `without ignore_merges, token ${whole} is never made by a merge but tiktoken takes it whole`;
}

function samePairs(a: ReadonlyArray<[number, number]>, b: ReadonlyArray<[number, number]>): boolean {
  return a.length === b.length && a.every(([x, y], i) => x === b[i][0] && y === b[i][1]);
}
