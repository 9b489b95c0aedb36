/**
 * A Unigram model as a Hugging Face tokenizer.json, the form `tokenizers` gives SentencePiece's unigram models:
 * `model` Unigram (`vocab` as `[piece, score]` by id, `byte_fallback: true`, `unk_id`), `pre_tokenizer`
 * Metaspace (spaces become U+2581 and each starts a word; `prepend_scheme: "never"`, as tokenlab adds no
 * dummy prefix), `decoder` Replace(U+2581 → space), ByteFallback, Fuse; specials as added tokens.
 *
 * Ids are the model's: the 256 byte tokens `<0x00>`..`<0xFF>`, the pieces, the specials, then `<unk>` (which
 * `tokenizers` requires though byte fallback never lets it be emitted). `tokenizers` puts every vocabulary
 * entry in its trie, so the byte tokens, `<unk>` and the specials get fallbackScore (unigram-model.ts): their
 * literal text is then always spelled out instead.
 *
 * Refused (VocabularyError), because `tokenizers` would encode differently:
 * - a piece containing U+2581: Metaspace reads it as a space;
 * - a model without one of the characters ` <>0123456789ABCDEFxunk` as a piece: the literal text "<0x41>" or
 *   "<unk>" would then be read as that token, its unknown characters costing more than the token, and an
 *   unknown space would fall back to U+2581's bytes.
 * Not exact, said here once: text containing U+2581 (Metaspace turns it into a space marker) and, as
 * `tokenizers` always reads added tokens, text containing a special token's text.
 */
import { VocabularyError } from '../vocabulary.js';
import { specialAddedTokens } from './tokenizer-json.js';
import {
  SPELLING_CHARACTERS,
  byteTokenName,
  BYTE_TOKENS,
  fallbackScore,
  validateUnigramModel,
  type UnigramModel,
} from '../unigram/unigram-model.js';

const METASPACE = '\u2581';

/** The tokenizer.json of a Unigram model; VocabularyError for what `tokenizers` cannot represent. */
export function exportUnigramTokenizerJson(model: UnigramModel, options: { pretty?: boolean } = {}): string {
  validateUnigramModel(model);
  const pieces = new Set(model.pieces);
  model.pieces.forEach((p, i) => {
    if (p.includes(METASPACE)) {
      throw new VocabularyError(`tokenizer.json cannot hold piece ${i} ${JSON.stringify(p)}: Metaspace reads U+2581 as a space`);
    }
  });
  const missing = [...SPELLING_CHARACTERS].filter((c) => !pieces.has(c));
  if (missing.length > 0) {
    throw new VocabularyError(
      `tokenizer.json cannot hold this model exactly: ${JSON.stringify(missing.join(''))} are not pieces, so ` +
        `tokenizers would read the text "<0x41>" or "<unk>" as a byte or unknown token (or a space as U+2581)`,
    );
  }
  const low = fallbackScore(model);
  const vocab: Array<[string, number]> = [];
  for (let b = 0; b < BYTE_TOKENS; b++) vocab.push([byteTokenName(b), low]);
  model.pieces.forEach((p, i) => vocab.push([p.replaceAll(' ', METASPACE), model.scores[i]]));
  const specials = [...model.specials].sort((a, b) => a.id - b.id);
  for (const s of specials) {
    if (s.id !== vocab.length)
      throw new VocabularyError(
        `tokenizer.json needs dense ids: special ${JSON.stringify(s.text)} has id ${s.id}, expected ${vocab.length}`,
      );
    vocab.push([s.text, low]);
  }
  const unkId = vocab.length;
  vocab.push(['<unk>', low]);
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialAddedTokens(specials),
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: METASPACE, prepend_scheme: 'never', split: true },
    post_processor: null,
    decoder: {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: METASPACE }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }],
    },
    model: { type: 'Unigram', unk_id: unkId, vocab, byte_fallback: true },
  };
  return JSON.stringify(json, null, options.pretty ? 2 : undefined);
}
