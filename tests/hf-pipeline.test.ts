/**
 * The Hugging Face pipeline's own parts against `tokenizers` on small tokenizer.json files built here: BPE over
 * characters with byte_fallback, unk and fuse_unk; ignore_merges; pieces over bytes that are tokens, made by
 * their merges or not; a pair listed twice; added tokens with single_word, lstrip, rstrip and normalized; the
 * merge loop's two paths against a plain reference; the compiled form; and the refusals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { MergeTable } from '../src/bpe/hf/merge-table.js';
import { MergeScratch, mergeWord } from '../src/bpe/hf/merge-word.js';
import { compilePipeline, loadCompiledPipeline } from '../src/bpe/hf/compiled.js';
import { expectSameIds } from './compare.js';
import { lcg } from './random.js';
import { byteLevelVocab, charBpe, tokenizerJsonText } from './hf-stage-peer.js';
import { BYTE_TO_CHAR } from '../src/bpe/formats/byte-level.js';

type Json = Record<string, unknown>;

async function expectParity(json: string, texts: readonly string[]): Promise<void> {
  const ours = HfPipeline.fromJson(json);
  const hf = HfTokenizer.fromString(json);
  for (const text of texts) {
    const ids = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
    expectSameIds(ours.encode(text, { allowedSpecial: 'all' }), ids, JSON.stringify(text));
    expect(ours.decodeText(ids), JSON.stringify(text)).toBe(await hf.decode(ids, false));
  }
}

const SP_CHARS = ['▁', 'a', 'b', 'c', 'd', 'e', 'h', 'l', 'o', 'w', 'r', '中', '文'];
const SP_WORDS = ['▁hello', '▁world', 'ab', 'abc', 'bcd', '中文', '▁中', 'lo▁', '▁▁'];
const SP_TEXTS = [
  'hello world',
  ' hello  world ',
  'abcd abc bcd',
  '中文 中 文文',
  'xyz 😀 ü',
  'héllo wörld',
  '',
  ' ',
  'zzz中文zz',
  'a\u0301b',
];
const SP_DECODER = {
  type: 'Sequence',
  decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }],
};
const SPACE_TO_MARK = { type: 'Replace', pattern: { String: ' ' }, content: '▁' };

describe('BPE over characters, as tokenizers', () => {
  it('with byte_fallback: characters outside the vocab become <0xXX> tokens', async () => {
    const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, true);
    const json = tokenizerJsonText({
      model: { vocab, merges, unk_token: '<unk>', fuse_unk: true, byte_fallback: true },
      normalizer: SPACE_TO_MARK,
      decoder: SP_DECODER,
    });
    await expectParity(json, SP_TEXTS);
  });

  for (const fuse of [true, false]) {
    it(`without byte_fallback: unknown characters become <unk>${fuse ? ', runs fused' : ', one each'}`, async () => {
      const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, false);
      const json = tokenizerJsonText({
        model: { vocab, merges, unk_token: '<unk>', fuse_unk: fuse, byte_fallback: false },
        normalizer: SPACE_TO_MARK,
        decoder: SP_DECODER,
      });
      await expectParity(json, SP_TEXTS);
    });
  }

  it('without an unk token: unknown characters are dropped', async () => {
    const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, false);
    await expectParity(tokenizerJsonText({ model: { vocab, merges }, normalizer: SPACE_TO_MARK, decoder: SP_DECODER }), SP_TEXTS);
  });

  it('under a Metaspace pre-tokenizer', async () => {
    const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, true);
    const json = tokenizerJsonText({
      model: { vocab, merges, unk_token: '<unk>', fuse_unk: true, byte_fallback: true },
      pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
      decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    });
    await expectParity(json, SP_TEXTS);
  });

  it('Metaspace prepend_scheme "first": only the text at offset 0 gets the ▁, not the text after an added token', async () => {
    const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, true);
    const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true };
    const added = [{ id: 0, content: '<s>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
    const texts = ['hello<s>world', '<s>hello', 'hello <s> world', ' hello<s>', '  lead<s>x'];
    for (const normalizer of [null, { type: 'Strip', strip_left: true, strip_right: false }]) {
      await expectParity(
        tokenizerJsonText({
          model: { vocab, merges, unk_token: '<unk>', byte_fallback: true },
          normalizer,
          pre_tokenizer: metaspace,
          decoder: metaspace,
          added_tokens: added,
        }),
        texts,
      );
    }
  });

  it('ignore_merges: a word in the vocab is that token even where the merges would not make it', async () => {
    const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, false);
    vocab.hello = Object.keys(vocab).length; // no merge makes "hello" without its ▁
    for (const ignore of [true, false]) {
      await expectParity(
        tokenizerJsonText({
          model: { vocab, merges, ignore_merges: ignore },
          pre_tokenizer: { type: 'Split', pattern: { String: ' ' }, behavior: 'Removed', invert: false },
        }),
        ['hello world', 'hello', 'ab hello'],
      );
    }
  });

  it('ignore_merges over bytes: a piece whose bytes are a token is that token, holes and text tokens aside', async () => {
    const vocab: Record<string, number> = byteLevelVocab();
    const bl = (t: string) => Array.from(new TextEncoder().encode(t), (b) => BYTE_TO_CHAR[b]).join('');
    vocab[bl('hello')] = 300; // no merge makes it; ids 256-299 are holes
    vocab[bl('学习')] = 301;
    vocab['hé'] = 302; // not byte-level text: never a piece's bytes
    vocab[bl('he')] = 303;
    const merges = [[bl('h'), bl('e')]];
    for (const ignore of [true, false]) {
      await expectParity(
        tokenizerJsonText({
          model: { vocab, merges, ignore_merges: ignore },
          pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
        }),
        ['hello world', 'hello', '学习 hé', 'he hello学习'],
      );
    }
  });

  it('over bytes without ignore_merges: a piece that is a token is that token only where its merges make it, every time', async () => {
    const vocab: Record<string, number> = byteLevelVocab();
    const bl = (t: string) => Array.from(new TextEncoder().encode(t), (b) => BYTE_TO_CHAR[b]).join('');
    for (const t of ['he', 'bc', 'ab', 'abc', 'hello']) vocab[bl(t)] = Object.keys(vocab).length;
    // "he" is made by its merge; "abc" is not (b+c comes first, and (a, bc) is no merge); nothing makes "hello".
    const merges = [
      [bl('h'), bl('e')],
      [bl('b'), bl('c')],
      [bl('a'), bl('b')],
      [bl('ab'), bl('c')],
    ];
    const json = tokenizerJsonText({
      model: { vocab, merges },
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    });
    await expectParity(json, ['abc abc', 'abc', 'he he hello hello', 'hello', 'he']);
    const ours = HfPipeline.fromJson(json);
    for (let i = 0; i < 2; i++) expect(ours.encode('abc he').map((id) => ours.tokenString(id))).toEqual(['a', 'bc', 'Ġ', 'he']);
  });

  it('a pair listed twice takes its last rank', async () => {
    const { vocab, merges } = charBpe(SP_CHARS, ['ab', 'bc', 'abc'], false);
    // (a,b) first, then (b,c), then (a,b) again: its rank is now after (b,c), so "abc" merges b+c first.
    const twice: Array<[string, string]> = [...merges, ['a', 'b']];
    const json = tokenizerJsonText({ model: { vocab, merges: twice } });
    await expectParity(json, ['abc', 'ab', 'bcab', 'aabbcc']);
    expect(
      HfPipeline.fromJson(json)
        .encode('abc')
        .map((id) => HfPipeline.fromJson(json).tokenString(id)),
    ).toEqual(['a', 'bc']);
  });
});

describe('added tokens, as tokenizers matches them', () => {
  const { vocab, merges } = charBpe([...'abcdefghijklmnopqrstuvwxyz <>[]ABCDEFGHIJKLMNOPQRSTUVWXYZ'], ['ab', 'the', ' the'], false);
  const token = (content: string, flags: Partial<Record<'special' | 'single_word' | 'lstrip' | 'rstrip' | 'normalized', boolean>>) => ({
    id: 0,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: false,
    ...flags,
  });
  const added = [
    token('[MASK]', { special: true, lstrip: true }),
    token('<sep>', { special: true, rstrip: true }),
    token('both', { lstrip: true, rstrip: true }),
    token('cat', { single_word: true }),
    token('Hi', { normalized: true }),
    token('<s>', { special: true }),
    token('<s>x', { special: false }),
  ];
  const texts = [
    'a [MASK] b',
    'a    [MASK]b',
    '[MASK]',
    'x <sep>   y',
    '<sep>\n\nz',
    'a both b',
    'aboth b  both  c',
    'cat concat cats a cat. (cat) cat',
    'Hi hi HI hI',
    '<s> <s>x <s>xx <s><s>x',
    ' [MASK] <sep> both cat Hi ',
    '\u00a0[MASK]\u3000<sep>\u2003x',
  ];

  it('special and not, single_word, lstrip, rstrip, with a normalizer for normalized ones', async () => {
    const json = tokenizerJsonText({ model: { vocab, merges }, normalizer: { type: 'Lowercase' }, added_tokens: added });
    await expectParity(json, texts);
  });

  it('special tokens read as text when not allowed, the others still matched', async () => {
    const withAll = tokenizerJsonText({ model: { vocab, merges }, normalizer: { type: 'Lowercase' }, added_tokens: added });
    const withoutSpecials = tokenizerJsonText({
      model: { vocab, merges },
      normalizer: { type: 'Lowercase' },
      added_tokens: added.filter((a) => !a.special),
    });
    const ours = HfPipeline.fromJson(withAll);
    const hf = HfTokenizer.fromString(withoutSpecials);
    // Without the specials, tokenizers numbers the other added tokens differently: compare the tokens' strings.
    for (const text of texts) {
      const theirs = (await hf.encode(text, null, { addSpecialTokens: false })).getIds().map((id) => hf.idToToken(id));
      expect(
        ours.encodeOrdinary(text).map((id) => ours.tokenString(id)),
        JSON.stringify(text),
      ).toEqual(theirs);
    }
  });

  it('ids: a token the vocab has keeps the vocab id, others follow the vocab whatever the file says', () => {
    const json = tokenizerJsonText({
      model: { vocab, merges },
      added_tokens: [token('ab', { special: true }), token('<new>', { special: true }), token('<new2>', {})],
    });
    const hf = HfTokenizer.fromString(json);
    const ours = HfPipeline.fromJson(json);
    for (const t of ['ab', '<new>', '<new2>']) expect(ours.encode(t, { allowedSpecial: 'all' })).toEqual([hf.tokenToId(t)]);
  });
});

/** Hugging Face's merge rule, plainly: merge the lowest-ranked adjacent pair, leftmost on ties, until none. */
function plainMerge(table: MergeTable, ids: number[]): number[] {
  const w = [...ids];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < w.length; i++) {
      const r = table.rank(w[i], w[i + 1]);
      if (r >= 0 && r < bestRank) [best, bestRank] = [i, r];
    }
    if (best < 0) return w;
    w.splice(best, 2, table.made[bestRank]);
  }
}

describe('the merge loop', () => {
  it('its linear scan (short words) and its heap (long words) both follow the plain rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: 80 }), (seed, length) => {
        const r = lcg(seed);
        const alphabet = 4;
        const n = 40;
        // Random merges over ids: each makes a fresh id; pairs may repeat (the last rank wins).
        const lefts = new Int32Array(n);
        const rights = new Int32Array(n);
        const made = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          lefts[i] = Math.floor(r() * (alphabet + i));
          rights[i] = Math.floor(r() * (alphabet + i));
          made[i] = alphabet + i;
        }
        const table = new MergeTable(lefts, rights, made);
        const word = Array.from({ length: length }, () => Math.floor(r() * alphabet));
        const buf = Int32Array.from(word);
        const k = mergeWord(table, buf, word.length, new MergeScratch());
        expect(Array.from(buf.subarray(0, k))).toEqual(plainMerge(table, word));
      }),
      { numRuns: 500, seed: 18 },
    );
  });
});

describe('the compiled form', () => {
  const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, true);
  const json = tokenizerJsonText({
    model: { vocab, merges, unk_token: '<unk>', byte_fallback: true },
    normalizer: SPACE_TO_MARK,
    decoder: SP_DECODER,
  });

  it('encodes like the file it was compiled from', () => {
    const p = HfPipeline.fromJson(json);
    const back = loadCompiledPipeline(compilePipeline(p));
    for (const t of SP_TEXTS) expect(back.encode(t)).toEqual(p.encode(t));
  });

  it('refuses a truncated or foreign file', () => {
    const bytes = compilePipeline(HfPipeline.fromJson(json));
    expect(() => loadCompiledPipeline(bytes.subarray(0, bytes.length - 9))).toThrow(/compiled tokenizer: truncated/);
    expect(() => loadCompiledPipeline(new TextEncoder().encode('{"model": {}}'))).toThrow(/not a compiled tokenizer/);
  });
});

describe('refusals name the part', () => {
  const { vocab, merges } = charBpe(SP_CHARS, SP_WORDS, false);
  it.each([
    [{ type: 'Unigram', vocab: [] }, /model Unigram is not supported/],
    [{ vocab, merges, dropout: 0.1 }, /BPE dropout is not supported/],
    [{ vocab, merges, continuing_subword_prefix: '##' }, /BPE continuing_subword_prefix is not supported/],
    [{ vocab, merges: [['a', 'zz']] }, /merge 1 needs "zz", which is not in the vocab/],
    [{ vocab, merges, unk_token: '<nope>' }, /unk_token "<nope>" is not in the vocab/],
  ])('model %#', (model, message) => {
    expect(() => HfPipeline.fromJson(tokenizerJsonText({ model: model as Json }))).toThrow(message);
  });

  it('not JSON, or no model', () => {
    expect(() => HfPipeline.fromJson('{')).toThrow(/tokenizer.json is not JSON/);
    expect(() => HfPipeline.fromJson('{}')).toThrow(/no "model" object/);
  });
});
