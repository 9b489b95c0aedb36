/**
 * char-premerge.ts starts a byte-level character as its token only where no merge across its edges can come
 * first. Random merge lists over a few two- and three-byte characters and ASCII letters, some ranking merges
 * across a character's edge before its own, must encode random texts as `tokenizers` (Rust) does.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../src/bpe/bytes.js';
import { BYTE_TO_CHAR } from '../src/bpe/formats/byte-level.js';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { CharPremerge, CLASS_BIT } from '../src/bpe/hf/char-premerge.js';
import { byteLevelVocab, hfTokenizer, tokenizerJsonText } from './hf-stage-peer.js';

/** Lead bytes of several classes: c3, d0, e3 (twice), e5; ASCII. */
const CHARS = ['é', 'ß', 'ж', '学', '。', 'あ', 'x', ' '];
const byteLevel = (s: string): string => Array.from(utf8Encode(s), (b) => BYTE_TO_CHAR[b]).join('');

/**
 * Merges in random order, each made a token: inside a character (its bytes split at `cut`), across the edge of
 * two (the last byte of one, the first of the next), or a whole character with the next one's first byte.
 */
const mergeLists = fc.array(fc.tuple(fc.constantFrom(...CHARS), fc.constantFrom(...CHARS), fc.nat(2), fc.nat(3)), {
  minLength: 1,
  maxLength: 30,
});

function stagesOf(draws: Array<[string, string, number, number]>) {
  const vocab = byteLevelVocab();
  const merges: Array<[string, string]> = [];
  for (const [c1, c2, kind, cut] of draws) {
    const [t1, t2] = [byteLevel(c1), byteLevel(c2)];
    const at = 1 + (cut % Math.max(1, t1.length - 1));
    const [left, right] = kind === 0 ? [t1.slice(0, at), t1.slice(at)] : kind === 1 ? [t1.slice(-1), t2[0]] : [t1, t2[0]];
    if (right === '' || !(left in vocab) || !(right in vocab) || merges.some(([l, r]) => l === left && r === right)) continue;
    merges.push([left, right]);
    if (!(left + right in vocab)) vocab[left + right] = Object.keys(vocab).length;
  }
  return { vocab, merges, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } };
}

describe('byte-level characters started as their token', () => {
  it('encode as tokenizers does whatever the merge order', async () => {
    await fc.assert(
      fc.asyncProperty(mergeLists, fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }), async (draws, chars) => {
        const stages = stagesOf(draws);
        const text = chars.join('');
        const ours = HfPipeline.fromJson(tokenizerJsonText(stages)).encode(text);
        const theirs = (await hfTokenizer(stages).encode(text, null, { addSpecialTokens: false })).getIds();
        expect(ours).toEqual(theirs);
      }),
      { numRuns: 1000 },
    );
  });

  it('is refused where a merge across the edge ranks first', async () => {
    // é is c3 a9; "a9 x" ranks before "c3 a9": in "éx" the a9 goes to x, so é must start as bytes.
    const [c3, a9] = [byteLevel('é')[0], byteLevel('é')[1]];
    const vocab = { ...byteLevelVocab(), [a9 + 'x']: 256, [c3 + a9]: 257 };
    const stages = {
      vocab,
      merges: [
        [a9, 'x'],
        [c3, a9],
      ],
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    };
    const ours = HfPipeline.fromJson(tokenizerJsonText(stages)).encode('éx é');
    expect(ours).toEqual((await hfTokenizer(stages).encode('éx é', null, { addSpecialTokens: false })).getIds());
    expect(ours.slice(0, 2)).toEqual([vocab[c3], 256]);
  });
});

describe("a premerged character's own token", () => {
  it('takes no part in a merge ranked before the character would be whole', async () => {
    // (a, 学) ranks first, but 学 is made last: in "型a学" the a goes to 型's last byte (8b) first.
    const [xing, xue] = [byteLevel('型'), byteLevel('学')];
    const vocab = { ...byteLevelVocab(), [xue]: 256, ['a' + xue]: 257, [xing[2] + 'a']: 258, [xue.slice(0, 2)]: 259 };
    const merges = [
      ['a', xue],
      [xing[2], 'a'],
      [xue[0], xue[1]],
      [xue.slice(0, 2), xue[2]],
    ];
    const stages = { vocab, merges, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } };
    const pipeline = HfPipeline.fromJson(tokenizerJsonText(stages));
    const theirs = (await hfTokenizer(stages).encode('型a学', null, { addSpecialTokens: false })).getIds();
    expect(pipeline.encode('型a学')).toEqual(theirs);
    expect(theirs.slice(2)).toEqual([258, 256]);
  });
});

describe('the class of a neighbour by its lead byte', () => {
  it('premerges a character after one class of character and not after another', async () => {
    // "学 c3" ranks before "c3 a9": after 学 (lead e5) the c3 of é goes to 学; after ж (lead d0) nothing takes it.
    const [xue, e] = [byteLevel('学'), byteLevel('é')];
    const vocab = { ...byteLevelVocab(), [xue.slice(0, 2)]: 256, [xue]: 257, [xue + e[0]]: 258, [e]: 259 };
    const merges = [
      [xue[0], xue[1]],
      [xue.slice(0, 2), xue[2]],
      [xue, e[0]],
      [e[0], e[1]],
    ];
    const stages = { vocab, merges, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } };
    const pipeline = HfPipeline.fromJson(tokenizerJsonText(stages));
    for (const text of ['学é', 'жé', 'é学é', 'éжé学']) {
      const theirs = (await hfTokenizer(stages).encode(text, null, { addSpecialTokens: false })).getIds();
      expect(pipeline.encode(text), text).toEqual(theirs);
    }
    const byteIds = Int32Array.from(BYTE_TO_CHAR, (c) => vocab[c]);
    const premerge = new CharPremerge(pipeline.model.merges, byteIds, pipeline.model.tokens);
    expect(premerge.token[0xe9]).toBe(259);
    expect(premerge.before[0xe9] & CLASS_BIT[0xd0]).not.toBe(0);
    expect(premerge.before[0xe9] & CLASS_BIT[0xe5]).toBe(0);
  });
});
