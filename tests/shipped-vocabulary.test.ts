import { encoderOf } from './encoder-of.js';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/store/tokenizers.js';

describe('the vocabulary that ships with tokenlab', () => {
  it('loads by name, trained by tokenlab on the bundled corpora, and encodes losslessly', async () => {
    const t = await loadTokenizer('tokenlab-cjk-32k');
    expect(t.nVocab).toBe(32_000);
    const vocab = encoderOf(t).vocab;
    expect(vocab.pattern).toBe('cjk');
    expect(vocab.training?.corpora.map((c) => c.name)).toContain('tang-poems:train');
    const text = '床前明月光，疑是地上霜。A tokenizer cuts text into tokens: 分词器把文本切成词元 😀 \ud800';
    const ids = t.encodeOrdinary(text);
    expect(t.decode(ids)).toBe(text.replace('\ud800', '\ufffd'));
    // Trained on classical poetry: the line costs fewer tokens than characters.
    expect(t.encodeOrdinary('床前明月光，疑是地上霜。').length).toBeLessThan(12);
  });

  it('is listed when a name is unknown', async () => {
    await expect(loadTokenizer('tokenlab-nope')).rejects.toThrow(/tokenlab-cjk-32k/);
  });
});
