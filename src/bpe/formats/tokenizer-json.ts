/**
 * Hugging Face `tokenizer.json` for byte-level BPE, written and read.
 *
 * Export writes:
 * - `model`: `BPE` with `vocab` keyed by the byte-level strings of the tokens (GPT-2's bytes_to_unicode, see
 *   byte-level.ts), `merges` as `[left, right]` pairs (tokenizers >= 0.20 writes and reads this form; it also
 *   reads the older `"left right"` strings, which import accepts too), `ignore_merges: true` (a piece that is
 *   a whole token is that token, as in tiktoken), no unk token, prefix, suffix, byte fallback or dropout.
 * - `pre_tokenizer`: `Sequence[Split(Regex <pattern>, Isolated), ByteLevel(add_prefix_space false,
 *   use_regex false)]`, where <pattern> is the vocabulary's pattern in the Oniguruma dialect `tokenizers`
 *   compiles (`toRustRegex`, pretokenize/regex-dialects.ts).
 * - `decoder`: `ByteLevel`; `added_tokens`: the special tokens, `special: true`, not normalized. They are also
 *   in `vocab` under their text (as in GPT-2's file): `tokenizers` ignores an added token's id unless the
 *   model vocab has it, and would renumber specials that do not directly follow the ordinary tokens.
 *
 * Merges. tokenlab encodes with tiktoken's rule: merge the adjacent pair whose concatenation is the token of
 * lowest rank (id). `tokenizers` merges the adjacent pair that comes first in `merges`. With the merges a
 * vocabulary was trained with, these differ: a token `abc` learned as `ab`+`c` but met as [`a`, `bc`] is
 * merged by tiktoken (abc has a rank) and not by `tokenizers` ((a, bc) is not a merge). The export therefore
 * derives its merges from the ranks (`hfMerges`, merges-from-ranks.ts): for each token in rank order, the pair tiktoken merges
 * into it, then every other split of it into two tokens. Then `tokenizers` gives a pair the rank of the
 * token it makes, as tiktoken does, and prefers, among pairs making one token, the only one tiktoken can
 * meet; with `ignore_merges` (a piece that is a whole token is that token) the two encode alike.
 *
 * Import reads a tokenizer.json of this kind (BPE model over byte-level strings, ByteLevel pre-tokenizer
 * alone, or Split(Regex) then ByteLevel without its regex) into a Vocabulary: ordinary tokens by id from
 * `vocab`, specials from `added_tokens`, merges as listed in the file (for a file tokenlab wrote, that is
 * every split of every token), the pattern recovered from the regex (`fromRustRegex`). Anything else (other
 * models, normalizers, prefix spaces, byte fallback) is refused with a VocabularyError saying what.
 * The post-processor is ignored: it adds tokens around an encoding, it is not part of the vocabulary.
 * `tokenlab import --format hf` keeps such a Vocabulary only where tiktoken's rule then gives the ids
 * `tokenizers` gives (tokenizer-json-import.ts); other files keep their own pipeline (hf-vocab-json.ts).
 */
import { VocabularyError, type SpecialToken, type Vocabulary } from '../vocabulary.js';
import { validateVocabulary } from '../validate-vocabulary.js';
import { fromRustRegex, toRustRegex } from '../pretokenize/regex-dialects.js';
import { hfMerges, type HfMergesOptions } from '../merges-from-ranks.js';
import { bytesToByteLevel, byteLevelToBytes } from './byte-level.js';

/**
 * Why a SuperBPE vocabulary has no tokenizer.json: its encoder runs two BPEs over each stage-2 piece (stage 1
 * within each stage-1 piece, then stage 2's merges over the stage-1 tokens), and `tokenizers` runs one BPE
 * model over each pre-token. With the stage-2 pieces as pre-tokens, stage-1 merges would also cross stage-1
 * pieces (in `he 's`, gpt2 keeps ` '` and `s` apart; one merge list over the piece makes `'s`); with the
 * stage-1 pieces as pre-tokens, no superword could form.
 */
export const SUPERBPE_NOT_EXPORTABLE =
  'a SuperBPE vocabulary cannot be exported to tokenizer.json: tokenlab encodes it in two levels (stage-1 ' +
  'merges within each stage-1 piece, then stage-2 merges across them), and a tokenizers BPE model runs one ' +
  'merge list over each pre-token, so it would encode some texts differently (keep the tokenlab-vocab file)';

export interface TokenizerJsonOptions {
  /** Indent the JSON (2 spaces). Default false. */
  pretty?: boolean;
  /** Which merges to list; see hfMerges. */
  merges?: HfMergesOptions;
}

/** A Hugging Face tokenizer.json that encodes like tokenlab's Encoder (see the module comment). */
export function exportTokenizerJson(vocab: Vocabulary, options: TokenizerJsonOptions = {}): string {
  if (vocab.superbpe !== undefined) throw new VocabularyError(SUPERBPE_NOT_EXPORTABLE);
  validateVocabulary(vocab);
  const strs = vocab.tokens.map(bytesToByteLevel);
  const vocabObj: Record<string, number> = {};
  strs.forEach((s, id) => {
    vocabObj[s] = id;
  });
  // tokenizers gives an added token the id its content has in the model vocab; one that is not there gets
  // the next free id after the vocab, whatever the file says. So the specials go into the vocab too (as in
  // GPT-2's file); added tokens are split out of the text before the model runs, so BPE never produces them.
  for (const sp of vocab.specials) {
    if (Object.hasOwn(vocabObj, sp.text)) {
      throw new VocabularyError(
        `tokenizer.json cannot hold special ${JSON.stringify(sp.text)}: its text is also the byte-level form of ordinary token ${vocabObj[sp.text]}`,
      );
    }
    vocabObj[sp.text] = sp.id;
  }
  const merges = hfMerges(vocab, options.merges).map(([a, b]) => [strs[a], strs[b]]);
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialAddedTokens(vocab.specials),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: toRustRegex(vocab.pattern) }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab: vocabObj,
      merges,
    },
  };
  return JSON.stringify(json, null, options.pretty ? 2 : undefined);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(x: unknown): x is Record<string, Json> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function describeType(x: unknown): string {
  return isObject(x) && typeof x.type === 'string' ? x.type : JSON.stringify(x);
}

/** The pattern a pre-tokenizer of the supported kinds stands for; VocabularyError for any other. */
function patternOf(pre: unknown): string {
  const fail = (why: string): never => {
    throw new VocabularyError(`tokenizer.json: unsupported pre_tokenizer (${why}); tokenlab reads byte-level BPE`);
  };
  const checkByteLevel = (b: Record<string, Json>, useRegex: boolean): void => {
    if (b.add_prefix_space === true) fail('ByteLevel add_prefix_space adds a space to the text');
    if ((b.use_regex ?? true) !== useRegex) {
      fail(`ByteLevel use_regex ${String(b.use_regex ?? true)} where ${String(useRegex)} was expected`);
    }
  };
  if (!isObject(pre)) return fail(pre === null || pre === undefined ? 'none: not byte-level' : 'not an object');
  if (pre.type === 'ByteLevel') {
    checkByteLevel(pre, true);
    return 'gpt2';
  }
  if (pre.type !== 'Sequence' || !Array.isArray(pre.pretokenizers)) return fail(describeType(pre));
  const [split, bl, ...rest] = pre.pretokenizers;
  if (pre.pretokenizers.length === 1 && isObject(split) && split.type === 'ByteLevel') return patternOf(split);
  if (rest.length > 0 || !isObject(split) || !isObject(bl)) {
    return fail('a Sequence other than [Split, ByteLevel]');
  }
  if (split.type !== 'Split') return fail(`Sequence starting with ${describeType(split)}`);
  if (bl.type !== 'ByteLevel') return fail(`Sequence ending with ${describeType(bl)}`);
  checkByteLevel(bl, false);
  if (split.behavior !== 'Isolated') return fail(`Split behavior ${String(split.behavior)}, not Isolated`);
  if (split.invert === true) return fail('inverted Split');
  const p = split.pattern;
  if (!isObject(p) || typeof p.Regex !== 'string') return fail('Split pattern is not a Regex');
  return fromRustRegex(p.Regex);
}

/** Read a byte-level BPE tokenizer.json into a Vocabulary (see the module comment); VocabularyError if not. */
export function importTokenizerJson(text: string): Vocabulary {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new VocabularyError(`tokenizer.json is not JSON: ${(e as Error).message}`);
  }
  return tokenizerJsonVocabulary(j);
}

/** importTokenizerJson of a tokenizer.json parsed already. */
export function tokenizerJsonVocabulary(j: unknown): Vocabulary {
  if (!isObject(j)) throw new VocabularyError('tokenizer.json: expected a JSON object');
  const model = j.model;
  if (!isObject(model)) throw new VocabularyError('tokenizer.json: no "model" object');
  const type = model.type ?? (isObject(model.vocab) && Array.isArray(model.merges) ? 'BPE' : undefined);
  if (type !== 'BPE') {
    throw new VocabularyError(`tokenizer.json: unsupported model type ${JSON.stringify(type ?? null)}; tokenlab reads byte-level BPE only`);
  }
  if (model.byte_fallback === true) {
    throw new VocabularyError('tokenizer.json: BPE with byte_fallback (SentencePiece style) is not byte-level BPE');
  }
  for (const k of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
    if (model[k] !== undefined && model[k] !== null && model[k] !== '') {
      throw new VocabularyError(`tokenizer.json: BPE with ${k} ${JSON.stringify(model[k])} is not byte-level BPE`);
    }
  }
  if (typeof model.dropout === 'number' && model.dropout > 0) {
    throw new VocabularyError('tokenizer.json: BPE dropout is not supported');
  }
  if (j.normalizer !== undefined && j.normalizer !== null) {
    throw new VocabularyError(`tokenizer.json: normalizer ${describeType(j.normalizer)} is not supported`);
  }
  if (j.decoder !== undefined && j.decoder !== null && !(isObject(j.decoder) && j.decoder.type === 'ByteLevel')) {
    throw new VocabularyError(`tokenizer.json: decoder ${describeType(j.decoder)} is not ByteLevel`);
  }
  const pattern = patternOf(j.pre_tokenizer);

  const added = j.added_tokens ?? [];
  if (!Array.isArray(added)) throw new VocabularyError('tokenizer.json: added_tokens is not an array');
  const specials: SpecialToken[] = added.map((a, i) => {
    if (!isObject(a) || typeof a.content !== 'string' || !Number.isInteger(a.id)) {
      throw new VocabularyError(`tokenizer.json: added_tokens[${i}] needs a string content and an integer id`);
    }
    return { text: a.content, id: a.id as number };
  });
  const specialIds = new Set(specials.map((s) => s.id));

  if (!isObject(model.vocab)) throw new VocabularyError('tokenizer.json: model.vocab is not an object');
  const byId = new Map<number, string>();
  for (const [key, id] of Object.entries(model.vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new VocabularyError(`tokenizer.json: vocab entry ${JSON.stringify(key)} has id ${JSON.stringify(id)}`);
    }
    if (specialIds.has(id)) continue; // an added token also listed in the model vocab (as GPT-2's file does)
    const prev = byId.get(id);
    if (prev !== undefined) {
      throw new VocabularyError(`tokenizer.json: vocab entries ${JSON.stringify(prev)} and ${JSON.stringify(key)} share id ${id}`);
    }
    byId.set(id, key);
  }
  const tokens: Uint8Array[] = new Array(byId.size);
  const idOf = new Map<string, number>();
  for (let id = 0; id < byId.size; id++) {
    const key = byId.get(id);
    if (key === undefined) {
      throw new VocabularyError(`tokenizer.json: ordinary token ids must be dense from 0; id ${id} is missing`);
    }
    const bytes = byteLevelToBytes(key);
    if (bytes === undefined) {
      throw new VocabularyError(
        `tokenizer.json: vocab entry ${JSON.stringify(key)} (id ${id}) is not a byte-level string: not byte-level BPE`,
      );
    }
    tokens[id] = bytes;
    idOf.set(key, id);
  }

  if (!Array.isArray(model.merges)) throw new VocabularyError('tokenizer.json: model.merges is not an array');
  const merges: Array<[number, number]> = model.merges.map((m, i) => {
    let parts: Json[];
    if (typeof m === 'string') parts = m.split(' ');
    else if (Array.isArray(m)) parts = m;
    else throw new VocabularyError(`tokenizer.json: merges[${i}] is neither "a b" nor [a, b]`);
    if (parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') {
      throw new VocabularyError(`tokenizer.json: merges[${i}] ${JSON.stringify(m)} is not a pair of tokens`);
    }
    const a = idOf.get(parts[0]);
    const b = idOf.get(parts[1]);
    if (a === undefined || b === undefined) {
      throw new VocabularyError(
        `tokenizer.json: merges[${i}] ${JSON.stringify(m)} names ${JSON.stringify(a === undefined ? parts[0] : parts[1])}, which is not in the vocab`,
      );
    }
    return [a, b];
  });
  const vocab: Vocabulary = { pattern, tokens, merges, specials };
  try {
    validateVocabulary(vocab);
  } catch (e) {
    throw new VocabularyError(`tokenizer.json: ${(e as Error).message}`);
  }
  return vocab;
}

/** Special tokens as tokenizer.json's added_tokens, by id: matched as they are, never normalized. */
export function specialAddedTokens(specials: readonly SpecialToken[]): object[] {
  return [...specials]
    .sort((a, b) => a.id - b.id)
    .map((s) => ({ id: s.id, content: s.text, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
}
