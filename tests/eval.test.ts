import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluate, languageTax, languageTaxOfPairs, renyiEfficiency, taxSpread } from '../src/eval/metrics.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** A hand-made tokenizer: ids index this table of byte strings; the id space has 10 ids. */
function fake(tokens: Uint8Array[]) {
  return { tokenBytes: (id: number) => tokens[id], nVocab: 10 };
}
const TABLE = [
  utf8('你'), // 0: e4 bd a0
  Uint8Array.of(0xe5, 0xa5), // 1: the first two bytes of 好 (e5 a5 bd)
  Uint8Array.of(0xbd), // 2: its last byte
  utf8(' '), // 3
  utf8('hi'), // 4
  utf8('!'), // 5
  utf8(' 的'), // 6: a space and a Han character in one token
  Uint8Array.of(0xef, 0xbf, 0xbd), // 7: U+FFFD, what a lone surrogate becomes
];

describe('evaluate, on hand-computed examples', () => {
  it('counts tokens, bytes, characters and their ratios', () => {
    const e = evaluate('你好 hi!', [0, 1, 2, 3, 4, 5], fake(TABLE));
    expect(e).toMatchObject({ tokens: 6, bytes: 10, characters: 6, hanCharacters: 2, englishWords: 1 });
    expect(e.bytesPerToken).toBeCloseTo(10 / 6, 12);
    expect(e.charactersPerToken).toBe(1);
    // Han: 你, e5 a5, bd = 3 tokens over 2 characters; Latin: "hi" = 1 token over 1 word.
    expect(e.tokensPerHan).toBe(1.5);
    expect(e.tokensPerEnglishWord).toBe(1);
    expect(e.scriptTokens).toEqual({ han: 3, latin: 1, digits: 0, whitespace: 1, punctuation: 1, other: 0 });
    expect(e.scriptCharacters).toEqual({ han: 2, latin: 2, digits: 0, whitespace: 1, punctuation: 1, other: 0 });
    expect(e.partialShare).toBeCloseTo(2 / 6, 12); // the two halves of 好
    expect(e.vocabularyUtilisation).toBe(0.6);
    // Six distinct ids once each: H_2.5 = ln 6, over ln 10.
    expect(e.renyiEfficiency).toBeCloseTo(Math.log10(6), 12);
  });

  it('shares a token among the scripts of its bytes', () => {
    const e = evaluate(' 的', [6], fake(TABLE));
    expect(e.scriptTokens.whitespace).toBe(0.25);
    expect(e.scriptTokens.han).toBe(0.75);
    expect(e.tokensPerHan).toBe(0.75);
    expect(e.tokensPerEnglishWord).toBeNull();
  });

  it('shares split characters among the tokens they touch, across tokens of several scripts', () => {
    // 😀 (f0 9f 98 80) and 你 (e4 bd a0) each cut over two tokens, with an "a" on either side of the cut
    const tokens = [Uint8Array.of(0xf0, 0x9f), Uint8Array.of(0x98, 0x80, 0x61), Uint8Array.of(0x61, 0xe4, 0xbd), Uint8Array.of(0xa0)];
    const e = evaluate('😀aa你', [0, 1, 2, 3], { tokenBytes: (id: number) => tokens[id], nVocab: 4 });
    expect(e).toMatchObject({ tokens: 4, bytes: 9, characters: 4, hanCharacters: 1, partialShare: 1 });
    expect(e.scriptTokens.other).toBeCloseTo(1 + 2 / 3, 12);
    expect(e.scriptTokens.latin).toBeCloseTo(2 / 3, 12);
    expect(e.scriptTokens.han).toBeCloseTo(2 / 3 + 1, 12);
    expect(e.scriptCharacters).toEqual({ han: 1, latin: 2, digits: 0, whitespace: 0, punctuation: 0, other: 1 });
  });

  it('counts U+FFFD as other, typed or made from a lone surrogate', () => {
    for (const text of ['\ufffd', '\udc00']) expect(evaluate(text, [7], fake(TABLE)).scriptCharacters.other).toBe(1);
  });

  it('sees a lone surrogate as the three bytes of U+FFFD, one character of another script', () => {
    const e = evaluate('\ud800', [7], fake(TABLE));
    expect(e).toMatchObject({ tokens: 1, bytes: 3, characters: 1, partialShare: 0, tokensPerHan: null });
    expect(e.scriptTokens.other).toBe(1);
  });

  it('refuses ids whose totals are not the text’s', () => {
    expect(() => evaluate('你好', [0], fake(TABLE))).toThrow(/cover 3 of the text's 6 bytes/);
    expect(() => evaluate('hi', [0], fake(TABLE))).toThrow(/cover 3 of the text's 2 bytes/);
    // as many bytes, not as many characters: 你 is one UTF-16 unit, "hi!" three
    expect(() => evaluate('hi!', [0], fake(TABLE))).toThrow(/take 1 UTF-16 units, the text 3/);
    expect(() => evaluate('hi', [9], fake(TABLE))).toThrow(RangeError); // no token has id 9
    // the failures left no counts behind: id 0 is new again
    expect(evaluate('你', [0], fake(TABLE)).vocabularyUtilisation).toBe(0.1);
  });

  it('computes Rényi efficiency of order 2.5', () => {
    // p = (1/2, 1/4, 1/4): sum p^2.5 = 0.1767767 + 2 * 0.03125 = 0.2392767; ln of it / (1 - 2.5) = 0.9534244;
    // over ln 4 = 1.3862944: 0.6877494.
    expect(renyiEfficiency([2, 1, 1], 4, 4)).toBeCloseTo(0.6877494, 6);
    expect(renyiEfficiency([1, 1, 1, 1], 4, 4)).toBeCloseTo(1, 12); // uniform over the whole vocabulary
    expect(renyiEfficiency([], 0, 4)).toBe(0);
  });

  it('gives order 2.5 by its fast path and any other order by pow', () => {
    const counts = [5, 3, 3, 1];
    const direct = (alpha: number) => Math.log(counts.reduce((s, c) => s + (c / 12) ** alpha, 0)) / (1 - alpha) / Math.log(50);
    expect(renyiEfficiency(counts, 12, 50)).toBeCloseTo(direct(2.5), 12);
    expect(renyiEfficiency(counts, 12, 50, 3)).toBeCloseTo(direct(3), 12);
  });

  it("counts English words as the regex /[A-Za-z]+(?:'[A-Za-z]+)*/g does, from tokens split anywhere", () => {
    const regexWords = (text: string) => (text.match(/[A-Za-z]+(?:'[A-Za-z]+)*/g) ?? []).length;
    // One byte per token: every word and apostrophe is cut at every byte.
    const bytes = { tokenBytes: (id: number) => Uint8Array.of(id), nVocab: 256 };
    const byteIds = (text: string) => Array.from(utf8(text));
    const sample = "don't stop, rock'n'roll' 'quoted' x'' a1b 中文word";
    expect(evaluate(sample, byteIds(sample), bytes).englishWords).toBe(8);
    const cl100k = tiktokenEncoding('cl100k_base');
    const pieces = fc.constantFrom('a', 'Z', "'", ' ', '1', '中', 'é', '`', '@', '[', "n't", "'s", ' the', 'ing');
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 40 }).map((a) => a.join('')),
        (text) => {
          expect(evaluate(text, byteIds(text), bytes).englishWords).toBe(regexWords(text));
          expect(evaluate(text, cl100k.encodeOrdinary(text), cl100k).englishWords).toBe(regexWords(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives the language tax as the ratio of token counts', () => {
    expect(languageTax(150, 100)).toBe(1.5);
    // A counter of characters, each side of each pair alone: zh 2 + 2, en 5 + 3.
    expect(languageTaxOfPairs(['你好\thello', '再见\tbye', '谢谢\tthanks'], (t) => t.length)).toEqual({
      pairs: 3,
      chineseTokens: 6,
      englishTokens: 14,
      tax: 6 / 14,
      perPair: [2 / 5, 2 / 3, 2 / 6],
      spread: { low: 2 / 6, median: 2 / 5, high: 2 / 3 },
    });
    expect(taxSpread([])).toEqual({ low: NaN, median: NaN, high: NaN });
    expect(() => languageTaxOfPairs(['no tab here'], (t) => t.length)).toThrow(/line 1 is not/);
  });
});

describe('evaluate with a real tokenizer', () => {
  it('splits every token among scripts and finds Chinese dearer than English in cl100k', () => {
    const cl100k = tiktokenEncoding('cl100k_base');
    const zh = '分词器把文本切成词元。语言模型按词元计费，所以中文往往比英文更贵。';
    const en = 'A tokenizer cuts text into tokens. Language models bill by the token, so Chinese often costs more than English.';
    const z = evaluate(zh, cl100k.encodeOrdinary(zh), cl100k);
    const e = evaluate(en, cl100k.encodeOrdinary(en), cl100k);
    const sum = Object.values(z.scriptTokens).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(z.tokens, 9);
    expect(z.tokensPerHan).toBeGreaterThan(0.5);
    // Most words are one token, but " cuts" is shared with its space: a little under one token a word.
    expect(e.tokensPerEnglishWord).toBeGreaterThan(0.7);
    expect(e.tokensPerEnglishWord).toBeLessThan(1.1);
    expect(languageTax(z.tokens, e.tokens)).toBeGreaterThan(1);
  });
});
