/**
 * HfPipeline's direct path (src/bpe/hf/direct-path.ts): small hand-written tokenizer.json files over characters,
 * each loaded by tokenlab and by Hugging Face `tokenizers` (the Rust library), compared id for id on tricky texts
 * and random mixes; each file is also run through the general path (its twin: the same stages spelled so that they
 * do not take the direct path) and must agree there too. Files that must not take the direct path are checked not
 * to. Also cutLiterals, and encodeOrdinaryWith with a model of fewer merges against `tokenizers` with those merges.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { BpeModel } from '../src/bpe/hf/bpe-model.js';
import { cutLiterals } from '../src/bpe/hf/pre-tokenizers.js';
import { expectSameIds } from './compare.js';
import { charBpe, tokenizerJsonText, type Stages } from './hf-stage-peer.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_203);

const CHARS = ['▁', ' ', 'a', 'b', 'c', 'd', 'e', 'h', 'l', 'o', 'w', 'r', '-', '中', '文', '😀'];
const WORDS = ['▁hello', '▁world', 'ab', 'abc', 'bcd', '中文', '▁中', 'lo▁', '▁▁', '▁▁▁', '  ', 'a-b', '--', '😀😀', '▁😀'];
const ADDED = ['<s>', '<x>'].map((content, n) => ({
  id: 1000 + n,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: n === 0,
}));

/** Spaces runs, added tokens side by side, lone surrogates, characters outside the BMP, byte fallback, empty. */
const TRICKY = [
  '',
  ' ',
  '   ',
  '▁',
  ' ▁ ▁▁ ',
  'hello world',
  '  hello   world  ',
  'abcd abc bcd',
  'a-b--c---d',
  '中文 中 文文',
  '<s>',
  '<s><s>',
  '<s><x> <x><s>',
  'a<s> b',
  ' <s> ',
  'hello<x>world',
  '\ud800',
  'a\udc00b',
  '\ud83d a \ude00',
  '😀 😀😀 ▁😀',
  '𠀀 𝒳',
  'xyz ü é\u0301',
  'zzz中文zz',
  '\n\n\t a\n',
];
const UNITS = ['a', 'b', 'c', 'l', 'o', ' ', ' ', '▁', '-', '中', '文', '😀', '𠀀', 'ü', '\ud800', '\udc00', '<s>', '<x>', '\n', 'z'];

const SPACE_TO_MARK = { type: 'Replace', pattern: { String: ' ' }, content: '▁' };
const split = (unit: string, behavior: string, invert = false): object => ({ type: 'Split', pattern: { String: unit }, behavior, invert });
const metaspace = (prepend_scheme: string, split = true): object => ({ type: 'Metaspace', replacement: '▁', prepend_scheme, split });
const BEHAVIORS = ['Isolated', 'Removed', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

type Parts = Pick<Stages, 'normalizer' | 'pre_tokenizer' | 'added_tokens'> & { model?: Record<string, unknown> };

/** Files that take the direct path. */
const DIRECT: Array<[string, Parts]> = [
  ["Gemma 3's stages", { normalizer: SPACE_TO_MARK, pre_tokenizer: split(' ', 'MergedWithPrevious') }],
  ...BEHAVIORS.map((b): [string, Parts] => [
    `" " to ▁, then a Split by ▁ ${b}`,
    { normalizer: SPACE_TO_MARK, pre_tokenizer: split('▁', b) },
  ]),
  ...BEHAVIORS.map((b): [string, Parts] => [`no normalizer, a Split by "-" ${b}`, { pre_tokenizer: split('-', b) }]),
  ['no normalizer, no pre-tokenizer', {}],
  [
    'a Sequence of Replaces and a Sequence of one Split',
    {
      normalizer: { type: 'Sequence', normalizers: [SPACE_TO_MARK, { type: 'Replace', pattern: { String: 'a' }, content: 'b' }] },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [split('b', 'Isolated')] },
    },
  ],
  ['Metaspace, prepend_scheme never', { pre_tokenizer: metaspace('never') }],
  ['Metaspace, prepend_scheme never, no split', { pre_tokenizer: metaspace('never', false) }],
  [
    'a Replace, then Metaspace never',
    { normalizer: { type: 'Replace', pattern: { String: '-' }, content: ' ' }, pre_tokenizer: metaspace('never') },
  ],
  ['ignore_merges', { normalizer: SPACE_TO_MARK, pre_tokenizer: split('▁', 'MergedWithNext'), model: { ignore_merges: true } }],
  ['without byte_fallback, unks fused', { normalizer: SPACE_TO_MARK, model: { byte_fallback: false, fuse_unk: true } }],
  ['without byte_fallback, unks apart', { normalizer: SPACE_TO_MARK, model: { byte_fallback: false, fuse_unk: false } }],
  [
    'without byte_fallback or unk: unknown characters dropped',
    { normalizer: SPACE_TO_MARK, model: { byte_fallback: false, unk_token: null } },
  ],
];

/** Files that must take the general path. */
const GENERAL: Array<[string, Parts]> = [
  [
    'a Split by a Regex',
    { normalizer: SPACE_TO_MARK, pre_tokenizer: { type: 'Split', pattern: { Regex: '▁' }, behavior: 'Isolated', invert: false } },
  ],
  ['an inverted Split', { normalizer: SPACE_TO_MARK, pre_tokenizer: split('▁', 'MergedWithNext', true) }],
  ['a Split by two units', { pre_tokenizer: split('ab', 'Isolated') }],
  ['two Splits', { pre_tokenizer: { type: 'Sequence', pretokenizers: [split('-', 'Isolated'), split(' ', 'Isolated')] } }],
  ['Metaspace, prepend_scheme always', { pre_tokenizer: metaspace('always') }],
  ['Metaspace, prepend_scheme first', { pre_tokenizer: metaspace('first') }],
  ['NFC before the Replace', { normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, SPACE_TO_MARK] } }],
  ['a Replace by two units', { normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '▁▁' } }],
  ['a Replace by a Regex', { normalizer: { type: 'Replace', pattern: { Regex: ' ' }, content: '▁' } }],
  ['a normalized added token', { normalizer: SPACE_TO_MARK, added_tokens: [{ ...ADDED[1], normalized: true, content: 'a b' }] }],
];

function fileText(parts: Parts): string {
  const { vocab, merges } = charBpe(CHARS, WORDS, true);
  return tokenizerJsonText({
    added_tokens: ADDED,
    ...parts,
    model: { vocab, merges, unk_token: '<unk>', fuse_unk: true, byte_fallback: true, ...parts.model },
  });
}

/** The same stages spelled so that no part takes the direct path: String patterns as Regexes, Metaspace as its steps. */
function generalTwin(parts: Parts): Parts {
  const regex = (json: unknown): unknown =>
    JSON.parse(JSON.stringify(json ?? null), (key, v: unknown) =>
      key === 'pattern' && typeof v === 'object' && v !== null && 'String' in v
        ? { Regex: (v as { String: string }).String.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&') }
        : v,
    );
  const pre = parts.pre_tokenizer as { type?: string; split?: boolean } | undefined;
  // No stage to respell: a Split by a Regex no text has ("Q") cuts nothing.
  if (pre === undefined && parts.normalizer === undefined)
    return { ...parts, pre_tokenizer: { type: 'Split', pattern: { Regex: 'Q' }, behavior: 'Isolated', invert: false } };
  if (pre?.type !== 'Metaspace') return { ...parts, normalizer: regex(parts.normalizer), pre_tokenizer: regex(parts.pre_tokenizer) };
  const normalizers = [regex(parts.normalizer), { type: 'Replace', pattern: { Regex: ' ' }, content: '▁' }].filter((n) => n);
  return {
    ...parts,
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: pre.split === false ? null : { type: 'Split', pattern: { Regex: '▁' }, behavior: 'MergedWithNext', invert: false },
  };
}

async function rustIds(hf: HfTokenizer, text: string): Promise<number[]> {
  return (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
}

async function expectAgree(direct: HfPipeline, general: HfPipeline, hf: HfTokenizer, text: string): Promise<void> {
  const ids = await rustIds(hf, text);
  expectSameIds(direct.encode(text, { allowedSpecial: 'all' }), ids, `direct ${JSON.stringify(text)}`);
  expectSameIds(general.encode(text, { allowedSpecial: 'all' }), ids, `general ${JSON.stringify(text)}`);
  expect(direct.count(text, { allowedSpecial: 'all' })).toBe(ids.length);
  // The special <s> read as text, the non-special <x> still matched.
  expectSameIds(direct.encodeOrdinary(text), general.encodeOrdinary(text), `ordinary ${JSON.stringify(text)}`);
}

describe('Rust-checked tokenizer files: the direct path', () => {
  it.each(DIRECT)('%s: takes the direct path and agrees with tokenizers and the general path', async (_name, parts) => {
    const [direct, general] = [HfPipeline.fromJson(fileText(parts)), HfPipeline.fromJson(fileText(generalTwin(parts)))];
    expect(direct.direct).not.toBeNull();
    expect(general.direct).toBeNull();
    const hf = HfTokenizer.fromString(fileText(parts));
    for (const text of TRICKY) await expectAgree(direct, general, hf, text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...UNITS), { maxLength: 30 }), async (units) => {
        await expectAgree(direct, general, hf, units.join(''));
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it.each(GENERAL)('%s: takes the general path, which agrees with tokenizers', async (_name, parts) => {
    const ours = HfPipeline.fromJson(fileText(parts));
    expect(ours.direct).toBeNull();
    const hf = HfTokenizer.fromString(fileText(parts));
    for (const text of TRICKY) expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), await rustIds(hf, text), JSON.stringify(text));
  });

  it('a byte-level model never takes it', () => {
    const vocab = Object.fromEntries(['a', 'b', 'Ġ'].map((c, i) => [c, i]));
    const json = tokenizerJsonText({
      vocab,
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    });
    expect(HfPipeline.fromJson(json).direct).toBeNull();
  });

  it('encodeOrdinaryWith a model of the first k merges takes it and agrees with tokenizers given those merges', async () => {
    const parts: Parts = { normalizer: SPACE_TO_MARK, pre_tokenizer: split(' ', 'MergedWithPrevious') };
    const pipeline = HfPipeline.fromJson(fileText(parts));
    const full = JSON.parse(fileText(parts)) as { model: { merges: unknown[] } };
    for (const k of [0, 3, 9, full.model.merges.length]) {
      const data = pipeline.model.data;
      const model = new BpeModel(
        { ...data, lefts: data.lefts.subarray(0, k), rights: data.rights.subarray(0, k), made: data.made.subarray(0, k) },
        false,
      );
      const hf = HfTokenizer.fromString(JSON.stringify({ ...full, model: { ...full.model, merges: full.model.merges.slice(0, k) } }));
      for (const text of TRICKY) {
        const ids = await rustIds(hf, text.replaceAll('<s>', ''));
        expectSameIds(pipeline.encodeOrdinaryWith(model, text.replaceAll('<s>', '')), ids, `k=${k} ${JSON.stringify(text)}`);
      }
    }
  });
});

describe('cutLiterals', () => {
  it('a Split by a String of one unit, not inverted: its unit and behaviour', () => {
    for (const b of BEHAVIORS) expect(cutLiterals(split(' ', b))).toEqual({ unit: 0x20, behavior: b, rewrite: null });
    expect(cutLiterals({ type: 'Sequence', pretokenizers: [split('▁', 'Isolated')] })).toEqual({
      unit: 0x2581,
      behavior: 'Isolated',
      rewrite: null,
    });
  });

  it('Metaspace with prepend_scheme never: spaces rewritten to its replacement, cut before each (none without split)', () => {
    expect(cutLiterals(metaspace('never'))).toEqual({ unit: 0x2581, behavior: 'MergedWithNext', rewrite: [0x20, 0x2581] });
    expect(cutLiterals(metaspace('never', false))).toEqual({ unit: -1, behavior: 'MergedWithNext', rewrite: [0x20, 0x2581] });
    expect(cutLiterals({ type: 'Metaspace', replacement: ' ', prepend_scheme: 'never', split: true })).toEqual({
      unit: 0x20,
      behavior: 'MergedWithNext',
      rewrite: null,
    });
  });

  it('no pre-tokenizer: no cut', () => {
    expect(cutLiterals(null)).toEqual({ unit: -1, behavior: 'Isolated', rewrite: null });
    expect(cutLiterals({ type: 'Sequence', pretokenizers: [] })).toEqual({ unit: -1, behavior: 'Isolated', rewrite: null });
  });

  it.each([
    ['a Regex', { type: 'Split', pattern: { Regex: ' ' }, behavior: 'Isolated', invert: false }],
    ['an inverted Split', split(' ', 'Isolated', true)],
    ['two units', split('ab', 'Isolated')],
    ['a surrogate', split('\ud83d', 'Isolated')],
    ['an astral character', split('😀', 'Isolated')],
    ['Metaspace always', metaspace('always')],
    ['Metaspace first', metaspace('first')],
    ['two Splits', { type: 'Sequence', pretokenizers: [split('a', 'Isolated'), split('b', 'Isolated')] }],
    ['Digits', { type: 'Digits', individual_digits: true }],
    ['ByteLevel', { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }],
  ])('%s: null', (_name, json) => {
    expect(cutLiterals(json)).toBeNull();
  });
});
