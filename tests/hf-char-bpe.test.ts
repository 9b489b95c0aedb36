/**
 * BPE over characters cut where no merge can cross (src/bpe/hf/char-bpe.ts, char-joins.ts), against `tokenizers`
 * on random small vocabularies and merge lists (fast-check): random merges over a few characters, byte fallback
 * and unk on and off, texts with characters the vocab lacks. The cut rule's joins are checked on their own, and
 * on an example where a looser rule (cut wherever the two characters are not a merge) would be wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { byteFallbackToken } from '../src/bpe/hf/char-bpe.js';
import { CharJoins, hotIndex } from '../src/bpe/hf/char-joins.js';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { expectSameIds } from './compare.js';
import { lcg } from './random.js';
import { tokenizerJsonText } from './hf-stage-peer.js';

/** Characters in the random vocabularies (one outside the BMP), and characters they never hold. */
const CHARS = ['a', 'b', 'c', '▁', '中', '😀'];
const STRANGERS = ['z', 'é', '文', '🙂'];

interface RandomModel {
  vocab: Record<string, number>;
  merges: Array<[string, string]>;
  byteFallback: boolean;
  unk: boolean;
  fuseUnk: boolean;
}

/**
 * `n` random merges over CHARS: each joins two tokens the vocab has so far (byte tokens among them, rarely), the
 * token it makes added if new; a pair may come twice (its last rank wins).
 */
function randomModel(seed: number, n: number): RandomModel {
  const r = lcg(seed);
  const byteFallback = r() < 0.5;
  const vocab: Record<string, number> = { '<unk>': 0 };
  const add = (t: string): void => {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  };
  if (byteFallback) for (const b of [0x7a, 0xc3, 0xa9, 0xe6]) add(byteFallbackToken(b));
  CHARS.forEach(add);
  const merges: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    const tokens = Object.keys(vocab).filter((t) => t !== '<unk>' && (t.startsWith('<0x') ? r() < 0.2 : true));
    const pick = (): string => tokens[Math.floor(r() * tokens.length)];
    const pair: [string, string] = [pick(), pick()];
    add(pair[0] + pair[1]);
    merges.push(pair);
  }
  return { vocab, merges, byteFallback, unk: r() < 0.7, fuseUnk: r() < 0.5 };
}

function jsonOf(m: RandomModel, normalizer: unknown = null): string {
  return tokenizerJsonText({
    model: { vocab: m.vocab, merges: m.merges, byte_fallback: m.byteFallback, unk_token: m.unk ? '<unk>' : null, fuse_unk: m.fuseUnk },
    normalizer,
  });
}

async function hfIds(json: string, text: string): Promise<number[]> {
  return (await HfTokenizer.fromString(json).encode(text, null, { addSpecialTokens: false })).getIds();
}

describe('BPE over characters, cut where no merge crosses', () => {
  it('random merge lists and texts give the ids tokenizers gives (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(fc.constantFrom(...CHARS, ...CHARS, ...STRANGERS), { maxLength: 40 }),
        async (seed, n, chars) => {
          const json = jsonOf(randomModel(seed, n));
          const text = chars.join('');
          expectSameIds(HfPipeline.fromJson(json).encode(text), await hfIds(json, text), JSON.stringify(text));
        },
      ),
      { numRuns: 400, seed: 18 },
    );
  });

  it('a text encoded twice gives the same ids (the second time from the cache of stretches)', async () => {
    const json = jsonOf(randomModel(7, 25), { type: 'Replace', pattern: { String: ' ' }, content: '▁' });
    const ours = HfPipeline.fromJson(json);
    const text = 'ab ca 中😀 abc zé 文 🙂 cab ab ca 中😀 abc';
    const expected = await hfIds(json, text);
    expectSameIds(ours.encode(text), expected, 'first');
    expectSameIds(ours.encode(text), expected, 'second');
  });

  it('cuts need the pair inside a made token, not just the pair as a merge', async () => {
    // (b,c) then (a,bc): "ab" is no merge, yet the token abc holds it, so "abc" must not be cut between a and b.
    const vocab = { '<unk>': 0, a: 1, b: 2, c: 3, bc: 4, abc: 5 };
    const json = tokenizerJsonText({
      model: {
        vocab,
        merges: [
          ['b', 'c'],
          ['a', 'bc'],
        ],
      },
    });
    const ours = HfPipeline.fromJson(json);
    const expected = await hfIds(json, 'abc');
    expect(expected).toEqual([5]);
    expect([...ours.encode('a'), ...ours.encode('bc')]).not.toEqual(expected); // what the looser cut would give
    expectSameIds(ours.encode('abc'), expected);
  });

  it("joins: the junctions of the merges (the left side's last character, the right side's first), by the characters' ids", () => {
    const tokens = ['a', 'b', 'c', '😀', 'ab', 'b😀', 'b😀c', 'ca', '\udc00', 'x\udc00', 'cx\udc00'];
    const id = (t: string): number => tokens.indexOf(t);
    // (a, b), (b, 😀), (b😀, c), (c, x\udc00): "ca" is in the vocab, but no merge makes it; "x" has no token.
    const [lefts, rights] = [Int32Array.from(['a', 'b', 'b😀', 'c'], id), Int32Array.from(['b', '😀', 'c', 'x\udc00'], id)];
    const charId = (cp: number): number => id(String.fromCodePoint(cp));
    const joins = new CharJoins(tokens, lefts, rights, charId);
    const ids = (s: string): [number, number] => {
      const [x, y] = [...s].map((c) => charId(c.codePointAt(0)!));
      return [x, y];
    };
    for (const pair of ['ab', 'b😀', '😀c']) expect(joins.has(...ids(pair)), pair).toBe(true);
    for (const pair of ['ca', 'ba', 'bc', 'aa', '😀b', 'bb']) expect(joins.has(...ids(pair)), pair).toBe(false);
    expect(joins.has(id('c'), id('\udc00'))).toBe(false); // the junction (c, x) has no id for x: no pair
  });

  it('joins: the matrix of Latin-1 and ▁ pairs says what the pair table says', () => {
    const tokens = ['a', 'b', '▁', 'é', '中', 'a▁', '▁b', 'é中', 'bé'];
    const charId = (cp: number): number => tokens.indexOf(String.fromCodePoint(cp));
    // (a, ▁), (▁, b), (é, 中), (b, é)
    const joins = new CharJoins(tokens, Int32Array.of(0, 2, 3, 1), Int32Array.of(2, 1, 4, 3), charId);
    const chars = ['a', 'b', '▁', 'é', '中'];
    for (const x of chars) {
      for (const y of chars) {
        const [cx, cy] = [x.codePointAt(0)!, y.codePointAt(0)!];
        const [l, r] = [charId(cx), charId(cy)];
        expect(joins.joined(l, hotIndex(cx), r, hotIndex(cy)), x + y).toBe(joins.has(l, r));
        expect(joins.has(l, r), x + y).toBe(['a▁', '▁b', 'é中', 'bé'].includes(x + y));
      }
    }
  });
});
