/**
 * The rules every Vocabulary must follow, and the rank table (encode/rank-table.ts) that checking them
 * builds: kept per vocabulary, so an Encoder made after a check (or over a table a rank file was read into)
 * does not build it again.
 */
import { compilePattern } from './pretokenize/patterns.js';
import { NONE, RankTable, RankTableError } from './encode/rank-table.js';
import { VocabularyError, type SpecialToken, type Vocabulary } from './vocabulary.js';

/**
 * The table of each vocabulary checked or read so far, with the token array it was built from; `tokens` is
 * undefined while the vocabulary's tokens are still to be made from the table (formats/tiktoken-encodings.ts).
 */
const tables = new WeakMap<Vocabulary, { tokens?: Uint8Array[]; table: RankTable }>();

/** Record that `vocab`'s tokens are `tokens` (or will be made from `table`, if not given). */
export function rememberRankTable(vocab: Vocabulary, table: RankTable, tokens?: Uint8Array[]): void {
  tables.set(vocab, { tokens, table });
}

/**
 * Check the rules every Vocabulary must follow, throwing VocabularyError on the first broken one, and return
 * the vocabulary's rank table:
 * - `pattern` is a pattern name or a JavaScript regex source that compiles with flags `gu`;
 * - `tokens` are non-empty, pairwise distinct byte strings, and include all 256 single bytes (byte-level BPE
 *   must be able to encode any text);
 * - each merge `[a, b]` names two ordinary ids and the concatenation of their bytes is an ordinary token;
 * - special tokens have distinct non-empty texts and distinct integer ids at or above `tokens.length`.
 */
export function validateVocabulary(vocab: Vocabulary): RankTable {
  if (vocab === null || typeof vocab !== 'object') throw new VocabularyError('vocabulary must be an object');
  compilePattern(vocab.pattern);
  const table = rankTableOf(vocab);
  checkSingleBytes(table);
  checkMerges(vocab.merges, table);
  checkSpecials(vocab.specials, table.size);
  return table;
}

function rankTableOf(vocab: Vocabulary): RankTable {
  const known = tables.get(vocab);
  if (known !== undefined && known.tokens === undefined) return known.table;
  if (!Array.isArray(vocab.tokens)) throw new VocabularyError('tokens must be an array');
  if (known !== undefined && known.tokens === vocab.tokens && known.table.size === vocab.tokens.length) {
    return known.table;
  }
  let table: RankTable;
  try {
    table = RankTable.fromTokens(vocab.tokens);
  } catch (e) {
    if (e instanceof RankTableError) throw new VocabularyError(e.message);
    throw e;
  }
  rememberRankTable(vocab, table, vocab.tokens);
  return table;
}

function checkSingleBytes(table: RankTable): void {
  const missing: number[] = [];
  for (let b = 0; b < 256; b++) if (table.byteId[b] === NONE) missing.push(b);
  if (missing.length > 0) {
    throw new VocabularyError(
      `byte-level BPE needs every single byte as a token; missing ${missing.length} byte(s), first 0x${missing[0]
        .toString(16)
        .padStart(2, '0')}`,
    );
  }
}

function checkMerges(merges: Vocabulary['merges'], table: RankTable): void {
  if (!Array.isArray(merges)) throw new VocabularyError('merges must be an array');
  const n = table.size;
  let scratch = new Uint8Array(64);
  merges.forEach((m, i) => {
    if (!Array.isArray(m) || m.length !== 2) throw new VocabularyError(`merge ${i} is not a pair of ids`);
    const [a, b] = m;
    for (const x of [a, b]) {
      if (!Number.isInteger(x) || x < 0 || x >= n) {
        throw new VocabularyError(`merge ${i} [${a}, ${b}] refers to ${x}, which is not an ordinary token id`);
      }
    }
    const ta = table.bytes(a);
    const tb = table.bytes(b);
    const l = ta.length + tb.length;
    if (scratch.length < l) scratch = new Uint8Array(l * 2);
    scratch.set(ta, 0);
    scratch.set(tb, ta.length);
    if (table.get(scratch, 0, l) === NONE) {
      throw new VocabularyError(`merge ${i} [${a}, ${b}]: the concatenation of the two tokens is not a token`);
    }
  });
}

function checkSpecials(specials: SpecialToken[], nOrdinary: number): void {
  if (!Array.isArray(specials)) throw new VocabularyError('specials must be an array');
  const texts = new Set<string>();
  const ids = new Set<number>();
  specials.forEach((s, i) => {
    if (s === null || typeof s !== 'object') throw new VocabularyError(`special ${i} is not an object`);
    if (typeof s.text !== 'string' || s.text === '') {
      throw new VocabularyError(`special ${i} has no text`);
    }
    if (!Number.isInteger(s.id) || s.id < 0) {
      throw new VocabularyError(`special ${JSON.stringify(s.text)} has id ${s.id}, not a non-negative integer`);
    }
    if (s.id < nOrdinary) {
      throw new VocabularyError(
        `special ${JSON.stringify(s.text)} has id ${s.id}, which collides with the ordinary ids 0..${nOrdinary - 1}`,
      );
    }
    if (texts.has(s.text)) throw new VocabularyError(`special ${JSON.stringify(s.text)} appears twice`);
    if (ids.has(s.id)) throw new VocabularyError(`special id ${s.id} is used twice`);
    texts.add(s.text);
    ids.add(s.id);
  });
}
