/**
 * src/bpe/hf/deepseek-scanner.ts: DeepSeek-V3's three Splits as one scanner, against the same three Splits run
 * as translated regexes (each wrapped in `(?:...)`, which keeps them from being recognized) and against
 * `tokenizers`.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preTokenizerFromJson, type PreTokenizer } from '../src/bpe/hf/pre-tokenizers.js';
import { DEEPSEEK_SPLITS } from '../src/bpe/hf/deepseek-scanner.js';
import {
  byteLevelPiece,
  codePointBlocks,
  hfTokenizer,
  inCodePointRanges,
  isUnicode17Symbol,
  UNICODE_17_ADDITIONS,
} from './hf-stage-peer.js';
import { HAVE_MODELS, modelFile, needsModels } from './model-files.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_202);

const split = (regex: string): unknown => ({ type: 'Split', pattern: { Regex: regex }, behavior: 'Isolated', invert: false });
const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
const DEEPSEEK_V3 = { type: 'Sequence', pretokenizers: [...DEEPSEEK_SPLITS.map(split), BYTE_LEVEL] };
const GENERAL = { type: 'Sequence', pretokenizers: [...DEEPSEEK_SPLITS.map((r) => split(`(?:${r})`)), BYTE_LEVEL] };

const fused = preTokenizerFromJson(DEEPSEEK_V3);
const general = preTokenizerFromJson(GENERAL);

function pieces(pt: PreTokenizer, text: string): string[] {
  const out: string[] = [];
  pt.split(text, out);
  return out;
}

/** Characters at the edges of the three regexes' classes. */
// prettier-ignore
const ALPHABET = [
  // \p{N}, ASCII and not, one unit and two
  '0', '5', '9', '٣', '۴', '१', '²', '½', '①', 'Ⅻ', '〇', '𝟏', '𐄇',
  // split 2's ranges, their edges, and just outside
  '一', '中', '龥', '龦', '㐀', '𠀀', '぀', 'ぁ', 'ゝ', '゙', '゛', 'ゟ', '゠', 'ア', '・', 'ー', 'ヿ', 'ㇰ', '〆', '々',
  // letters and marks
  'a', 'Z', 'q', 'é', 'ǅ', 'ß', 'Ω', 'ж', 'א', 'ع', 'ก', '한', 'ｶ', '\u0301', '\u0308', '\u20dd', '\u093f', '\u{1d400}',
  // ASCII punctuation and symbols, and others
  '!', '"', '#', '$', "'", '(', '-', '.', '/', ':', '@', '[', '\\', ']', '^', '_', '`', '{', '|', '~', '+', '<', '=',
  '，', '。', '「', '」', '—', '…', '©', '€', '¬', '°', '¨', '😀', '👍', '\u{1f3fd}', '\u{1f9e0}',
  // spaces and line breaks
  ' ', ' ', ' ', '\r', '\n', '\t', '\u000b', '\u00a0', '\u3000', '\u0085', '\u2028', '\u2000', '\u1680',
  // in no class: controls, format characters, private use, unassigned
  '\u0000', '\u0001', '\u007f', '\u200b', '\u200d', '\ufeff', '\ue000', '\u0378', '\ufffd', '\u{e0001}', '\u{10ffff}',
];

describe("DeepSeek-V3's fused scanner", () => {
  it('splits as its doc comment says', () => {
    expect(pieces(fused, '在2024年的GPT-4o\n')).toEqual(['在', '202', '4', '年的', 'GPT', '-', '4', 'o', '\n']);
    expect(fused.byteLevel).toBe(true);
  });

  it.skipIf(!HAVE_MODELS)(needsModels("is what the model file's pre_tokenizer names"), () => {
    const json = JSON.parse(readFileSync(modelFile('deepseek-v3'), 'utf8')) as { pre_tokenizer: unknown };
    expect(json.pre_tokenizer).toEqual(DEEPSEEK_V3);
  });

  it('gives the pieces of the three Splits run as regexes (fast-check)', () => {
    const text = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 });
    fc.assert(
      fc.property(text, (t) => {
        expect(pieces(fused, t)).toEqual(pieces(general, t));
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("differs from the regexes only on Unicode 17.0's L, M and N, and from tokenizers only on its P and S", () => {
    const ref = hfTokenizer({ pre_tokenizer: DEEPSEEK_V3 }).getPreTokenizer()!;
    const theirs = (text: string): string[] => ref.preTokenizeString(text).map(([p]) => p);
    const ours = (text: string): string[] => pieces(fused, text).map(byteLevelPiece);
    const fromRegexes: number[] = [];
    const fromTokenizers: number[] = [];
    for (const block of codePointBlocks()) {
      for (const sep of ['\u0001', ' ', 'a', '!', '\n']) {
        const text = block.map((c) => String.fromCodePoint(c)).join(sep);
        const regexesAgree = JSON.stringify(pieces(fused, text)) === JSON.stringify(pieces(general, text));
        // tokenizers takes seconds a sweep; these two separators tell every class of split 3 apart (L and M
        // always split alike).
        const tokenizersAgree = (sep !== '\u0001' && sep !== 'a') || JSON.stringify(ours(text)) === JSON.stringify(theirs(text));
        if (regexesAgree && tokenizersAgree) continue;
        for (const c of block) {
          const alone = `${sep}${String.fromCodePoint(c)}${sep}`;
          if (!regexesAgree && JSON.stringify(pieces(fused, alone)) !== JSON.stringify(pieces(general, alone))) fromRegexes.push(c);
          if (!tokenizersAgree && JSON.stringify(ours(alone)) !== JSON.stringify(theirs(alone))) fromTokenizers.push(c);
        }
      }
    }
    const lmn = /[\p{L}\p{M}\p{N}]/u;
    expect(fromRegexes.filter((c) => !inCodePointRanges(c, UNICODE_17_ADDITIONS) || !lmn.test(String.fromCodePoint(c)))).toEqual([]);
    expect(fromTokenizers.filter((c) => !isUnicode17Symbol(c))).toEqual([]);
    expect(fromRegexes.length).toBeGreaterThan(0);
    expect(fromTokenizers.length).toBeGreaterThan(0);
  });

  it('V8 has no \\p{P} or \\p{S} above U+1FFFF, which the scanner does not look up', () => {
    const ps = /[\p{P}\p{S}]/u;
    let found = -1;
    for (let c = 0x20000; c < 0x110000 && found < 0; c++) if (ps.test(String.fromCodePoint(c))) found = c;
    expect(found).toBe(-1);
  });

  it('is not used when a Split differs in behavior', () => {
    const removed = { ...(split(DEEPSEEK_SPLITS[2]) as object), behavior: 'Removed' };
    const pt = preTokenizerFromJson({ type: 'Sequence', pretokenizers: [split(DEEPSEEK_SPLITS[0]), split(DEEPSEEK_SPLITS[1]), removed] });
    expect(pieces(pt, 'ab, cd\x01')).toEqual(['\x01']);
  });
});
