import { describe, expect, it } from 'vitest';
import { describePipeline, pipelineCounts, pipelineLine } from '../src/bpe/hf/describe.js';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';

/** A small tokenizer.json around the given parts: a byte-level-free BPE over a, b, ab, and added tokens. */
function spec(parts: Record<string, unknown>) {
  return {
    added_tokens: [
      { id: 3, content: '<s>', special: true },
      { id: 4, content: '<x>', special: false },
    ],
    model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] },
    ...parts,
  };
}

describe('describePipeline', () => {
  it('names each stage, joins chains with arrows and counts repeated links', () => {
    const d = describePipeline(
      spec({
        normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Prepend', prepend: '▁' }, { type: 'Lowercase' }] },
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [
            { type: 'Split', pattern: { Regex: '\\p{N}{1,3}' }, behavior: 'Isolated', invert: false },
            { type: 'Split', pattern: { Regex: '[一-龥]+' }, behavior: 'Isolated', invert: false },
            { type: 'Split', pattern: { String: '-' }, behavior: 'Removed', invert: true },
            { type: 'Digits', individual_digits: true },
            { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
          ],
        },
        decoder: { type: 'Sequence', decoders: [{ type: 'ByteLevel' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
        model: { type: 'BPE', vocab: {}, merges: [], ignore_merges: true },
      }),
    );
    expect(d).toEqual({
      normalizer: "NFKC → Prepend('▁') → Lowercase",
      preTokenizer: "Split(regex) ×2 → Split(inverted '-', removed) → Digits → ByteLevel",
      model: 'BPE over bytes, whole words first (ignore_merges)',
      decoder: 'ByteLevel → Strip',
    });
    expect(pipelineLine(d)).toBe(
      "NFKC → Prepend('▁') → Lowercase · Split(regex) ×2 → Split(inverted '-', removed) → Digits → ByteLevel · BPE over bytes, whole words first (ignore_merges)",
    );
  });

  it('says none for an absent part or an empty sequence', () => {
    const d = describePipeline(spec({ normalizer: { type: 'Sequence', normalizers: [] }, pre_tokenizer: null, decoder: null }));
    expect(d).toEqual({ normalizer: 'none', preTokenizer: 'none', model: 'BPE over characters', decoder: 'none' });
    expect(pipelineLine(d)).toBe('no normalizer · none · BPE over characters');
  });
});

describe('pipelineCounts', () => {
  it('gives the ids and special tokens the built pipeline has', () => {
    const json = spec({ normalizer: null, pre_tokenizer: null, decoder: null });
    const p = new HfPipeline(json);
    expect(pipelineCounts(p.spec, p.model.tokens.length)).toEqual({ size: p.nVocab, specials: p.specials.length });
    expect(pipelineCounts(p.spec, p.model.tokens.length)).toEqual({ size: 5, specials: 1 });
  });
});
