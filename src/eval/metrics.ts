import { ENDS_INSIDE, STARTS_INSIDE, tokenShapes, totalsMismatch, type TokenSource } from '../bpe/offsets/token-shapes.js';
import { HAN, LATIN, SCRIPTS, scriptOf, type Script } from './scripts.js';
import { ByteShares, MIXED, SPLIT, tokenScripts, UNKNOWN } from './token-scripts.js';
import { countEnglishWords } from './english-words.js';

/** What evaluation needs of a tokenizer: each id's bytes and the size of its id space. */
export type EvaluatedTokenizer = TokenSource;

/**
 * How a tokenizer fits a text. Every metric is defined here and only here:
 * - bytesPerToken: UTF-8 bytes of the text / tokens. charactersPerToken: code points / tokens.
 * - scriptTokens: each token is shared among the scripts of the bytes it covers, in proportion (a token " 的"
 *   of 4 bytes counts 1/4 whitespace and 3/4 Han); the shares sum to `tokens`. scriptCharacters: code points.
 * - tokensPerHan: Han share of tokens / Han characters (null without Han). tokensPerEnglishWord: Latin share of
 *   tokens / English words, a word being a run of ASCII letters with inner apostrophes (null without words).
 * - renyiEfficiency: Rényi entropy of order `alpha` (2.5) of the token unigram distribution over the
 *   logarithm of the vocabulary size (Zouhar et al., 2023); 1 means the text uses the vocabulary evenly.
 * - vocabularyUtilisation: distinct ids used / vocabulary size.
 * - partialShare: share of tokens that start or end inside a character.
 */
export interface Evaluation {
  tokens: number;
  bytes: number;
  characters: number;
  bytesPerToken: number;
  charactersPerToken: number;
  hanCharacters: number;
  tokensPerHan: number | null;
  englishWords: number;
  tokensPerEnglishWord: number | null;
  renyiEfficiency: number;
  vocabularyUtilisation: number;
  partialShare: number;
  scriptTokens: Record<Script, number>;
  scriptCharacters: Record<Script, number>;
}

export const RENYI_ALPHA = 2.5;

/**
 * Evaluates `ids`, the encoding of `text` by `tokenizer`, from the tokens' shapes and scripts: a few table reads
 * per token, and each distinct whole token's scripts once; English words are counted on the text itself. The
 * ids must be the encoder's for this text; only their total bytes and UTF-16 units are checked against it.
 */
export function evaluate(text: string, ids: ArrayLike<number>, tokenizer: EvaluatedTokenizer): Evaluation {
  const shapes = tokenShapes(tokenizer);
  const { bytes: length, chars, units, flags } = shapes;
  if (counts.length < tokenizer.nVocab) counts = new Uint32Array(tokenizer.nVocab);
  const scriptTokens = new Float64Array(SCRIPTS.length);
  const scriptCharacters = new Float64Array(SCRIPTS.length);
  const split = new ByteShares(scriptTokens, scriptCharacters);
  const distinct: number[] = [];
  let bytes = 0;
  let u = 0;
  let characters = 0;
  let partial = 0;
  let used: number[];
  try {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      let len = length[id];
      if (!(len > 0)) len = shapes.learn(id);
      bytes += len;
      u += units[id];
      characters += chars[id];
      if (counts[id]++ === 0) distinct.push(id);
      // A split character's script is known only from the tokens around it: these go byte by byte, in order.
      if (flags[id] & (STARTS_INSIDE | ENDS_INSIDE)) {
        partial++;
        split.add(tokenizer.tokenBytes(id), 1);
      }
    }
    const mismatch = totalsMismatch(text, bytes, u);
    if (mismatch !== undefined) throw new RangeError(mismatch);
    addWholeTokens(distinct, tokenizer, scriptTokens, scriptCharacters);
    used = distinct.map((id) => counts[id]);
  } finally {
    for (const id of distinct) counts[id] = 0;
  }
  const tokens = ids.length;
  const englishWords = countEnglishWords(text);
  const han = scriptCharacters[HAN];
  return {
    tokens,
    bytes,
    characters,
    bytesPerToken: bytes / tokens,
    charactersPerToken: characters / tokens,
    hanCharacters: han,
    tokensPerHan: han > 0 ? scriptTokens[HAN] / han : null,
    englishWords,
    tokensPerEnglishWord: englishWords > 0 ? scriptTokens[LATIN] / englishWords : null,
    renyiEfficiency: renyiEfficiency(used, tokens, tokenizer.nVocab),
    vocabularyUtilisation: used.length / tokenizer.nVocab,
    partialShare: tokens > 0 ? partial / tokens : 0,
    scriptTokens: byScript(scriptTokens),
    scriptCharacters: byScript(scriptCharacters),
  };
}

/** Scratch counts by id, grown as needed and left all zero after each use (evaluate is synchronous). */
let counts = new Uint32Array(0);

/** Adds the shares and characters of each distinct whole token (of `distinct`), times its count. */
function addWholeTokens(
  distinct: readonly number[],
  tokenizer: EvaluatedTokenizer,
  scriptTokens: Float64Array,
  scriptCharacters: Float64Array,
): void {
  const { chars } = tokenShapes(tokenizer);
  const scripts = tokenScripts(tokenizer);
  const { script, row } = scripts;
  for (const id of distinct) {
    const n = counts[id];
    let s = script[id];
    if (s === UNKNOWN) s = scripts.learn(id);
    if (s === SPLIT) continue; // counted in order, with its neighbours
    if (s !== MIXED) {
      scriptTokens[s] += n;
      scriptCharacters[s] += n * chars[id];
      continue;
    }
    const { shares, characters } = scripts;
    for (let k = 0, at = row[id] * SCRIPTS.length; k < SCRIPTS.length; k++, at++) {
      scriptTokens[k] += n * shares[at];
      scriptCharacters[k] += n * characters[at];
    }
  }
}

/** H_alpha(p) / log |V|, with H_alpha(p) = log(sum p_i^alpha) / (1 - alpha) over the ids' frequencies. */
export function renyiEfficiency(counts: Iterable<number>, total: number, vocabSize: number, alpha = RENYI_ALPHA): number {
  if (total === 0 || vocabSize < 2) return 0;
  let sum = 0;
  for (const c of counts) {
    const p = c / total;
    sum += alpha === 2.5 ? p * p * Math.sqrt(p) : p ** alpha; // the default order without a call to pow
  }
  return Math.log(sum) / (1 - alpha) / Math.log(vocabSize);
}

/** The language tax on parallel text: tokens of the Chinese side over tokens of the English side. */
export function languageTax(chineseTokens: number, englishTokens: number): number {
  return chineseTokens / englishTokens;
}

/** The 10th, 50th and 90th percentiles of some taxes (nearest rank), or NaN for none. */
export function taxSpread(taxes: readonly number[]): { low: number; median: number; high: number } {
  const sorted = [...taxes].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { low: at(0.1), median: at(0.5), high: at(0.9) };
}

/**
 * The language tax of a tokenizer on aligned lines `zh<TAB>en` (sentence pairs as in corpora/parallel-zh-en.tsv,
 * or whole documents in both languages): each side of each line is counted alone; `perPair` is each line's own
 * tax, `spread` their percentiles, and the overall tax is all Chinese tokens over all English tokens. Lines
 * without a tab are refused. Example, counting characters: ['你好\thello', '再见\tbye'] → 4 over 8, tax 0.5,
 * perPair [0.4, 0.667].
 */
export function languageTaxOfPairs(lines: readonly string[], count: (text: string) => number) {
  let chineseTokens = 0;
  let englishTokens = 0;
  const perPair: number[] = [];
  lines.forEach((line, i) => {
    const tab = line.indexOf('\t');
    if (tab < 0) throw new RangeError(`line ${i + 1} is not "Chinese<TAB>English"`);
    const zh = count(line.slice(0, tab));
    const en = count(line.slice(tab + 1));
    chineseTokens += zh;
    englishTokens += en;
    perPair.push(languageTax(zh, en));
  });
  return {
    pairs: lines.length,
    chineseTokens,
    englishTokens,
    tax: languageTax(chineseTokens, englishTokens),
    perPair,
    spread: taxSpread(perPair),
  };
}

function byScript(values: Float64Array): Record<Script, number> {
  return Object.fromEntries(SCRIPTS.map((s, i) => [s, values[i]])) as Record<Script, number>;
}

/**
 * Bytes per token of each script: the UTF-8 bytes of the text's characters of that script over the script's
 * share of the tokens (`evaluation` is evaluate's for this text); null for a script the text does not hold.
 *
 *   scriptBytesPerToken('你好 ab', evaluate('你好 ab', ids, tokenizer)).han  // 6 bytes / the Han share of tokens
 */
export function scriptBytesPerToken(text: string, evaluation: Evaluation): Record<Script, number | null> {
  const bytes = new Float64Array(SCRIPTS.length);
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    bytes[scriptOf(cp)] += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return Object.fromEntries(
    SCRIPTS.map((s, i) => [s, bytes[i] > 0 && evaluation.scriptTokens[s] > 0 ? bytes[i] / evaluation.scriptTokens[s] : null]),
  ) as Record<Script, number | null>;
}
