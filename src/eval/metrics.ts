import { SCRIPTS, scriptOf, type Script } from './scripts.js';

/** What evaluation needs of a tokenizer: each id's bytes and the size of its id space. */
export interface EvaluatedTokenizer {
  tokenBytes(id: number): Uint8Array;
  nVocab: number;
}

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
const OTHER = SCRIPTS.indexOf('other');

/** Evaluates `ids`, the encoding of `text` by `tokenizer` (their bytes must be the text's UTF-8). */
export function evaluate(text: string, ids: ArrayLike<number>, tokenizer: EvaluatedTokenizer): Evaluation {
  const { scriptOfByte, charStart, scriptCharacters, characters } = classifyBytes(text);
  const bytes = scriptOfByte.length;
  const scriptTokens = new Float64Array(SCRIPTS.length);
  const perScript = new Float64Array(SCRIPTS.length);
  let partial = 0;
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const end = at + tokenizer.tokenBytes(id).length;
    if (end > bytes) throw new RangeError(`the tokens' bytes run past the text's ${bytes} bytes at token ${i}`);
    if (!charStart[at] || !charStart[end]) partial++;
    addShares(scriptTokens, scriptOfByte, at, end, perScript);
    at = end;
  }
  if (at !== bytes) throw new RangeError(`the tokens cover ${at} of the text's ${bytes} bytes`);
  const tokens = ids.length;
  const used = idCounts(ids, tokenizer.nVocab);
  const englishWords = countEnglishWords(text);
  const han = scriptCharacters[0];
  return {
    tokens,
    bytes,
    characters,
    bytesPerToken: bytes / tokens,
    charactersPerToken: characters / tokens,
    hanCharacters: han,
    tokensPerHan: han > 0 ? scriptTokens[0] / han : null,
    englishWords,
    tokensPerEnglishWord: englishWords > 0 ? scriptTokens[1] / englishWords : null,
    renyiEfficiency: renyiEfficiency(used, tokens, tokenizer.nVocab),
    vocabularyUtilisation: used.length / tokenizer.nVocab,
    partialShare: tokens > 0 ? partial / tokens : 0,
    scriptTokens: byScript(scriptTokens),
    scriptCharacters: byScript(scriptCharacters),
  };
}

/** Scratch counts by id, grown as needed and left all zero after each use (evaluate is synchronous). */
let scratch = new Uint32Array(0);

/** How often each distinct id occurs in `ids` (in order of first occurrence). */
function idCounts(ids: ArrayLike<number>, nVocab: number): number[] {
  if (scratch.length < nVocab) scratch = new Uint32Array(nVocab);
  const distinct: number[] = [];
  for (let i = 0; i < ids.length; i++) if (scratch[ids[i]]++ === 0) distinct.push(ids[i]);
  const counts = distinct.map((id) => scratch[id]);
  for (const id of distinct) scratch[id] = 0;
  return counts;
}

/** Adds one token's shares of bytes[at, end) to `scriptTokens` (most tokens are of one script: no division). */
function addShares(scriptTokens: Float64Array, scriptOfByte: Uint8Array, at: number, end: number, perScript: Float64Array): void {
  const first = scriptOfByte[at];
  let b = at + 1;
  while (b < end && scriptOfByte[b] === first) b++;
  if (b === end) {
    scriptTokens[first] += 1;
    return;
  }
  perScript.fill(0);
  for (b = at; b < end; b++) perScript[scriptOfByte[b]]++;
  for (let s = 0; s < SCRIPTS.length; s++) scriptTokens[s] += perScript[s] / (end - at);
}

const isAsciiLetter = (c: number) => ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);

/**
 * Runs of ASCII letters with inner apostrophes (`/[A-Za-z]+(?:'[A-Za-z]+)*\/g`), counted without making a
 * string per word.
 */
export function countEnglishWords(text: string): number {
  let words = 0;
  for (let i = 0; i < text.length; ) {
    if (!isAsciiLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    words++;
    for (;;) {
      while (i < text.length && isAsciiLetter(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x27 || !isAsciiLetter(text.charCodeAt(i + 1))) break;
      i++; // an inner apostrophe: the word goes on
    }
  }
  return words;
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

/**
 * The language tax of a tokenizer on aligned lines `zh<TAB>en` (as in corpora/parallel-zh-en.tsv): each side
 * is counted as one text, its lines joined by newlines. Lines without a tab are refused.
 */
export function languageTaxOfPairs(lines: readonly string[], count: (text: string) => number) {
  const zh: string[] = [];
  const en: string[] = [];
  lines.forEach((line, i) => {
    const tab = line.indexOf('\t');
    if (tab < 0) throw new RangeError(`line ${i + 1} is not "Chinese<TAB>English"`);
    zh.push(line.slice(0, tab));
    en.push(line.slice(tab + 1));
  });
  const chineseTokens = count(zh.join('\n'));
  const englishTokens = count(en.join('\n'));
  return { pairs: lines.length, chineseTokens, englishTokens, tax: languageTax(chineseTokens, englishTokens) };
}

/** The script of every UTF-8 byte of `text` (lone surrogates are EF BF BD, as encoders see them). */
function classifyBytes(text: string) {
  const scriptOfByte = new Uint8Array(utf8Length(text));
  const charStart = new Uint8Array(scriptOfByte.length + 1);
  const scriptCharacters = new Float64Array(SCRIPTS.length);
  let b = 0;
  let characters = 0;
  for (let u = 0; u < text.length; u++) {
    let cp = text.charCodeAt(u);
    let size = 3;
    let script = OTHER;
    if (cp < 0x80) size = 1;
    else if (cp < 0x800) size = 2;
    else if (cp >= 0xd800 && cp <= 0xdbff && (text.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (text.charCodeAt(++u) - 0xdc00);
      size = 4;
    }
    if (cp < 0xd800 || cp > 0xdfff) script = scriptOf(cp); // a lone surrogate stays OTHER
    charStart[b] = 1;
    // A loop, not fill(): a call per character would cost more than the bytes it writes.
    for (const e = b + size; b < e; b++) scriptOfByte[b] = script;
    scriptCharacters[script]++;
    characters++;
  }
  charStart[b] = 1;
  return { scriptOfByte, charStart, scriptCharacters, characters };
}

function utf8Length(text: string): number {
  let n = 0;
  for (let u = 0; u < text.length; u++) {
    const c = text.charCodeAt(u);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(u + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      u++;
    } else n += 3;
  }
  return n;
}

function byScript(values: Float64Array): Record<Script, number> {
  return Object.fromEntries(SCRIPTS.map((s, i) => [s, values[i]])) as Record<Script, number>;
}
