import { describe, expect, it } from 'vitest';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { buildModel, END, START } from '../src/lm/model.js';
import { nextTokens, scoreAnswer, scoreSequence, scoreText, stateOfTokens, tokenProb, trieChildren } from '../src/lm/query.js';
import { sample, seededRandom } from '../src/lm/sample.js';

const tokenizer = tiktokenEncoding('cl100k_base');
const corpus = [
  'The cat sat on the mat.',
  'The cat sat on the hat.',
  'The dog sat on the mat.',
  'A cat is not a dog.',
  '深度学习是机器学习的一个分支。',
  'Hello world, hello there.',
];
const lines = corpus.map((l) => tokenizer.encodeOrdinary(l));
const model = buildModel(lines, { order: 3, vocabularySize: tokenizer.nVocab, tokenizer: 'cl100k_base' });
const ids = (s: string) => tokenizer.encodeOrdinary(s);

describe('queries', () => {
  it('P(token | context): seen continuations beat unseen tokens; log2 scores add up', () => {
    const [the, cat] = ids('The cat');
    const pCat = tokenProb(model, [START, the], cat);
    expect(pCat).toBeGreaterThan(0.3);
    expect(tokenProb(model, [START, the], ids(' zebra')[0])).toBeLessThan(1e-4);
    const s = scoreSequence(model, ids('The cat sat'));
    expect(s.scores.map((x) => x.token)).toEqual([...ids('The cat sat'), END]);
    expect(s.scores[1].log2prob).toBeCloseTo(Math.log2(pCat), 12);
    expect(s.scores.map((x) => x.order)).toEqual([2, 3, 3, 1]); // no line ends after "sat"
    expect(s.log2prob).toBeCloseTo(
      s.scores.reduce((a, x) => a + x.log2prob, 0),
      12,
    );
    expect(s.oov).toBe(0);
  });

  it('next tokens: the top k in order, matching P(token | context)', () => {
    const context = [START, ...ids('The cat sat on the')];
    const next = nextTokens(model, context, 3);
    expect(new Set(next.top.slice(0, 2).map((t) => tokenizer.decode([t.token])))).toEqual(new Set([' mat', ' hat']));
    expect(next.top[0].prob).toBeGreaterThanOrEqual(next.top[1].prob);
    expect(next.top[1].prob).toBeGreaterThan(10 * next.top[2].prob);
    for (const t of next.top) expect(t.prob).toBe(tokenProb(model, context, t.token));
    expect(next.unseen.tokens).toBe(model.unseenTokens);
    expect(next.unseen.prob).toBe(tokenProb(model, context, ids(' zebra')[0]));
    expect(next.matched).toBe(2);
  });

  it('trie children: counts and probabilities under a context, the root holding the unigrams', () => {
    const node = trieChildren(model, [START, ...ids('The')]);
    expect(node.found).toBe(true);
    expect(node.count).toBe(3); // "<s> The" starts three lines: a raw count
    expect(node.children.map((c) => [tokenizer.decode([c.token]), c.count])).toEqual([
      [' cat', 2],
      [' dog', 1],
    ]);
    for (const c of node.children) expect(c.prob).toBe(tokenProb(model, [START, ...ids('The')], c.token));
    expect(node.children.every((c) => c.children === 0)).toBe(true); // order 3: trigrams are leaves
    const root = trieChildren(model, [], 2);
    expect(root.total).toBe(model.words - 1);
    expect(root.children).toHaveLength(2);
    expect(trieChildren(model, ids(' zebra zebra'))).toMatchObject({ found: false, children: [], total: 0 });
  });

  it('text: bits per UTF-8 byte, perplexity over tokens and </s>, one sequence a line', () => {
    const text = 'The cat sat on the mat.\n\n深度学习\n';
    const s = scoreText(model, tokenizer, text, true);
    expect(s.sequences).toBe(2);
    expect(s.tokens).toBe(ids('The cat sat on the mat.').length + ids('深度学习').length);
    const expected = scoreSequence(model, ids('The cat sat on the mat.')).log2prob + scoreSequence(model, ids('深度学习')).log2prob;
    expect(s.log2prob).toBeCloseTo(expected, 10);
    expect(s.bytes).toBe(Buffer.byteLength(text));
    expect(s.bitsPerByte).toBeCloseTo(-expected / Buffer.byteLength(text), 12);
    expect(s.perplexity).toBeCloseTo(2 ** (-expected / (s.tokens + 2)), 10);
    expect(s.lines![1].tokens).toEqual(ids('深度学习'));
  });
});

describe('log P(A | Q) and log P(A | Q, T)', () => {
  it("scores the answer's tokens in the context of the question, tokenized once", () => {
    const r = scoreAnswer(model, tokenizer, 'The cat sat on', ' the mat.');
    expect(r.tokens.map((t) => tokenizer.decode([t.token]))).toEqual([' the', ' mat', '.']);
    expect(r.straddles).toBe(false);
    expect(r.contextTokens).toBe(4);
    expect(r.questionTokens).toBe(4);
    expect(r.visibleQuestionTokens).toBe(2);
    const seq = scoreSequence(model, ids('The cat sat on the mat.'), false);
    expect(r.log2prob).toBeCloseTo(
      seq.scores.slice(4).reduce((a, x) => a + x.log2prob, 0),
      12,
    );
    expect(r.tokens[0]).toMatchObject({ start: 14, end: 18 });
    expect(r.bitsPerByte).toBeCloseTo(-r.log2prob / 9, 12);
  });

  it("a token spanning the boundary is the answer's first token", () => {
    // "Hello wor" + "ld": cl100k gives "Hello", " world"
    const r = scoreAnswer(model, tokenizer, 'Hello wor', 'ld');
    expect(r.straddles).toBe(true);
    expect(r.tokens.map((t) => tokenizer.decode([t.token]))).toEqual([' world']);
    expect(r.tokens[0]).toMatchObject({ start: 5, end: 11 });
    expect(r.contextTokens).toBe(1);
    expect(r.log2prob).toBe(Math.log2(tokenProb(model, [START, ...ids('Hello')], ids(' world')[0])));
  });

  it("a thought between question and answer: T's tokens push Q out of the window", () => {
    const withT = scoreAnswer(model, tokenizer, 'A cat', ' mat.', ' sat on the');
    expect(withT.questionTokens).toBe(2);
    expect(withT.contextTokens).toBe(5);
    expect(withT.visibleQuestionTokens).toBe(0);
    expect(withT.matched).toBe(2);
    const without = scoreAnswer(model, tokenizer, 'A cat', ' mat.');
    expect(withT.log2prob).toBeGreaterThan(without.log2prob);
    expect(without.visibleQuestionTokens).toBe(2);
  });
});

describe('sampling', () => {
  it('a seed gives the same sample; samples end at </s> or the length', () => {
    const a = sample(model, { seed: 42, maxTokens: 50 });
    expect(sample(model, { seed: 42, maxTokens: 50 })).toEqual(a);
    const many = Array.from({ length: 20 }, (_, seed) => sample(model, { seed, maxTokens: 50 }));
    expect(new Set(many.map((s) => s.tokens.join())).size).toBeGreaterThan(5);
    expect(many.some((s) => s.ended)).toBe(true);
    const short = sample(model, { seed: 1, maxTokens: 2, context: [START, ...ids('The cat')] });
    expect(short.tokens.length).toBeLessThanOrEqual(2);
    expect(seededRandom(7)()).toBe(seededRandom(7)());
  });

  it('draws tokens with their probabilities (the mixture sampler and the filtered one)', () => {
    const context = [START, ...ids('The')];
    const draws = 20000;
    for (const options of [{}, { temperature: 1, topP: 1, topK: 100000 }]) {
      const freq = new Map<number, number>();
      const random = seededRandom(3);
      for (let i = 0; i < draws; i++) {
        const t = sample(model, { ...options, seed: Math.floor(random() * 2 ** 32), maxTokens: 1, context }).tokens[0] ?? END;
        freq.set(t, (freq.get(t) ?? 0) + 1);
      }
      for (const { token, prob } of nextTokens(model, context, 5).top) {
        expect(Math.abs((freq.get(token) ?? 0) / draws - prob)).toBeLessThan(4 * Math.sqrt(prob / draws) + 1e-3);
      }
    }
  });

  it('top-k 1 and a low temperature are greedy; top-p keeps the head of the distribution', () => {
    const context = [START, ...ids('The cat sat')];
    const best = nextTokens(model, context, 1).top[0].token;
    expect(tokenizer.decode([best])).toBe(' on');
    for (let seed = 0; seed < 20; seed++) {
      expect(sample(model, { seed, topK: 1, maxTokens: 1, context }).tokens).toEqual([best]);
      expect(sample(model, { seed, temperature: 0.01, maxTokens: 1, context }).tokens).toEqual([best]);
    }
    const top2 = nextTokens(model, [START, ...ids('The')], 2).top;
    const p = top2[0].prob + top2[1].prob / 2; // a share of the whole mass that needs both
    const seen = new Set(
      Array.from({ length: 200 }, (_, seed) => sample(model, { seed, topP: p, maxTokens: 1, context: [START, ...ids('The')] }).tokens[0]),
    );
    expect(seen.size).toBe(2);
    expect([...seen].every((t) => t === top2[0].token || t === top2[1].token)).toBe(true);
    expect(() => sample(model, { temperature: 0 })).toThrow(/temperature/);
    expect(() => sample(model, { topP: 1.5 })).toThrow(/top-p/);
  });

  it('lab mode can sample tokens never seen in training', () => {
    const wide = buildModel([[1, 2], [3]], { order: 2, vocabularySize: 50 });
    const drawn = new Set<number>();
    for (let seed = 0; seed < 300; seed++) for (const t of sample(wide, { seed, maxTokens: 5 }).tokens) drawn.add(t);
    expect([...drawn].some((t) => t > 3 && t < 50)).toBe(true);
    // top-k ranks the unseen tokens last: 4 seen words (three tokens and </s>) leave room for 6 of them
    const ranked = new Set<number>();
    for (let seed = 0; seed < 300; seed++) for (const t of sample(wide, { seed, topK: 10, maxTokens: 5 }).tokens) ranked.add(t);
    expect([...ranked].every((t) => t <= 8)).toBe(true);
    expect([...ranked].some((t) => t === 0 || t >= 4)).toBe(true);
    for (let seed = 0; seed < 100; seed++)
      expect(sample(wide, { seed, topK: 3, maxTokens: 5 }).tokens.every((t) => t >= 1 && t <= 3)).toBe(true);
    expect(stateOfTokens(wide, [START]).length).toBe(2);
  });
});
