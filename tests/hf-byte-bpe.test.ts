/**
 * byte-bpe.ts cuts byte-level pieces between characters no made token joins (premerged-joins.ts) and merges the
 * stretches apart, cached by their ids. Checked against the plain merge loop over the piece's bytes (no premerge,
 * no cut, no cache) on the real models' Han pieces and random pieces, and against `tokenizers` (Rust) on random
 * merge lists where the cuts fall in every way.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../src/bpe/bytes.js';
import { BYTE_TO_CHAR, byteLevelToBytes } from '../src/bpe/formats/byte-level.js';
import type { BpeModel } from '../src/bpe/hf/bpe-model.js';
import { IdList } from '../src/bpe/hf/id-list.js';
import { MergeScratch, mergeWord } from '../src/bpe/hf/merge-word.js';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { PremergedJoins } from '../src/bpe/hf/premerged-joins.js';
import { HAVE_MODELS, modelFile, needsModels } from './model-files.js';
import { HAVE_SHARED, needsShared, sharedPath } from './shared.js';
import { byteLevelVocab, hfTokenizer, tokenizerJsonText } from './hf-stage-peer.js';

const byteLevel = (s: string): string => Array.from(utf8Encode(s), (b) => BYTE_TO_CHAR[b]).join('');

/** The plain reference: the piece's bytes as byte tokens, merged by rank (a whole token first with ignore_merges). */
function plainIds(model: BpeModel, piece: string, ignoreMerges: boolean): number[] {
  const whole = model.vocab.get(byteLevel(piece));
  if (ignoreMerges && whole !== undefined) return [whole];
  const ids = Int32Array.from(utf8Encode(piece), (b) => model.vocab.get(BYTE_TO_CHAR[b])!);
  const n = mergeWord(model.merges, ids, ids.length, new MergeScratch());
  return Array.from(ids.subarray(0, n));
}

function ours(model: BpeModel, piece: string): number[] {
  const out = new IdList();
  model.encodePiece(piece, out);
  return Array.from(out.ids.subarray(0, out.length));
}

const hasHan = /[\u3400-\u9fff]/;
const MODELS = ['qwen3', 'deepseek-v3', 'llama3'] as const;
const skipReal = !HAVE_MODELS || !HAVE_SHARED;
const title = (s: string): string => needsShared(needsModels(s));

describe.skipIf(skipReal).each(MODELS)('%s: byte-level pieces against the plain merge loop', (name) => {
  let pipeline: HfPipeline;
  let ignoreMerges: boolean;
  let zh: string;
  beforeAll(() => {
    const json = readFileSync(modelFile(name), 'utf8');
    pipeline = HfPipeline.fromJson(json);
    ignoreMerges = (JSON.parse(json) as { model: { ignore_merges?: boolean } }).model.ignore_merges === true;
    zh = readFileSync(sharedPath('corpora', 'd2l-zh.txt'), 'utf8');
  });

  it(title("d2l-zh's pieces with Han characters, twice (the second time from the cache)"), () => {
    const pieces = [...new Set(pipeline.pieces(zh.slice(0, 400_000)).filter((p) => hasHan.test(p)))];
    for (const round of [0, 1]) {
      for (const p of pieces) expect(ours(pipeline.model, p), `${round}: ${p}`).toEqual(plainIds(pipeline.model, p, ignoreMerges));
    }
  });

  it(title('random pieces of Han, kana, punctuation, Latin and Cyrillic, spaces and digits'), () => {
    const chars = [...new Set(zh.slice(0, 20_000))].filter((c) => c !== '\n').slice(0, 300);
    const alphabet = [...chars, 'é', 'ж', 'あ', '。', '，', ' ', 'a', 'Z', '7', '😀', '\u00a0'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 60 }), (cs) => {
        const piece = cs.join('');
        expect(ours(pipeline.model, piece)).toEqual(plainIds(pipeline.model, piece, ignoreMerges));
      }),
      { numRuns: 2000 },
    );
  });

  it(title('random short pieces, each twice (the second time from the piece cache, where pieces collide)'), () => {
    const alphabet = ['学', '习', '。', 'é', 'a', 'b', ' ', '7', '😀', "'", '\n'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 8 }), (cs) => {
        const piece = cs.join('');
        const plain = plainIds(pipeline.model, piece, ignoreMerges);
        expect(ours(pipeline.model, piece)).toEqual(plain);
        expect(ours(pipeline.model, piece), 'again').toEqual(plain);
      }),
      { numRuns: 20000 },
    );
  });

  it(title('the joins filter holds every pair of adjacent characters in a token merges make'), () => {
    const { tokens, merges } = pipeline.model;
    const joins = new PremergedJoins(tokens, merges.made);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let pairs = 0;
    for (const id of merges.made) {
      const bytes = byteLevelToBytes(tokens[id]);
      if (bytes === undefined) continue;
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        continue; // starts or ends inside a character
      }
      const cps = Array.from(text, (c) => c.codePointAt(0)!);
      for (let i = 0; i + 1 < cps.length; i++) {
        const [a, b] = [cps[i], cps[i + 1]];
        if (a >= 0x10000 || b >= 0x10000 || (a < 0x80 && b < 0x80)) continue;
        pairs++;
        expect(joins.joinable(a, b), `${String.fromCodePoint(a, b)} in ${text}`).toBe(true);
      }
    }
    expect(pairs).toBeGreaterThan(1000);
  });
});

/** Characters and the words made of them that random merge lists build tokens of. */
const CHARS = ['学', '习', '模', '型', '。', 'é', 'a', ' '];
const WORDS = ['学习', '模型', '习模', '型。', 'a学', '学习模型', 'éa'];

/**
 * Merges in random order, each made a token if new: inside a character (its bytes split at `cut`), a word's
 * halves (as symbols: only once both are tokens), the last byte of one character with the first of another, or
 * the two merges that make a character whole.
 */
const drawn = fc.array(fc.tuple(fc.nat(3), fc.nat(CHARS.length - 1), fc.nat(WORDS.length - 1), fc.nat(7)), {
  minLength: 1,
  maxLength: 40,
});

function stagesOf(draws: Array<[number, number, number, number]>) {
  const vocab = byteLevelVocab();
  // Characters and words are tokens from the start, so a merge of two may rank before those that make them.
  for (const s of [...CHARS, ...WORDS, ...WORDS.flatMap((w) => [...w].map((_, i) => w.slice(0, i)))]) {
    if (s !== '' && !(byteLevel(s) in vocab)) vocab[byteLevel(s)] = Object.keys(vocab).length;
  }
  const merges: Array<[string, string]> = [];
  const add = (left: string, right: string): void => {
    if (right === '' || !(left in vocab) || !(right in vocab) || merges.some(([l, r]) => l === left && r === right)) return;
    merges.push([left, right]);
    if (!(left + right in vocab)) vocab[left + right] = Object.keys(vocab).length;
  };
  for (const [kind, c, w, cut] of draws) {
    let left: string;
    let right: string;
    if (kind === 3) {
      const t = byteLevel(CHARS[c]);
      // The second byte joins the first, or the third the second, first.
      const halves: Array<[string, string]> =
        t.length === 2
          ? [[t[0], t[1]]]
          : t.length === 3 && cut % 2 === 0
            ? [
                [t[0], t[1]],
                [t.slice(0, 2), t[2]],
              ]
            : t.length === 3
              ? [
                  [t[1], t[2]],
                  [t[0], t.slice(1)],
                ]
              : [];
      for (const [l, r] of halves) add(l, r);
      continue;
    } else if (kind === 0) {
      const t = byteLevel(CHARS[c]);
      const at = 1 + (cut % Math.max(1, t.length - 1));
      [left, right] = [t.slice(0, at), t.slice(at)];
    } else if (kind === 1) {
      const chars = [...WORDS[w]];
      const at = 1 + (cut % (chars.length - 1));
      [left, right] = [byteLevel(chars.slice(0, at).join('')), byteLevel(chars.slice(at).join(''))];
    } else {
      [left, right] = [byteLevel(CHARS[c]).slice(-1), byteLevel(CHARS[cut % CHARS.length])[0]];
    }
    add(left, right);
  }
  return { vocab, merges, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false } };
}

describe('byte-level pieces cut where no made token joins two characters', () => {
  it('encode as tokenizers does whatever the merge order, short pieces and long ones', async () => {
    await fc.assert(
      fc.asyncProperty(drawn, fc.array(fc.constantFrom(...CHARS, ...WORDS), { maxLength: 24 }), async (draws, parts) => {
        const stages = stagesOf(draws);
        const text = parts.join('');
        const pipeline = HfPipeline.fromJson(tokenizerJsonText(stages));
        const theirs = (await hfTokenizer(stages).encode(text, null, { addSpecialTokens: false })).getIds();
        expect(pipeline.encode(text)).toEqual(theirs);
        expect(pipeline.encode(text), 'again, from the cache').toEqual(theirs);
      }),
      { numRuns: 1000 },
    );
  });
});
