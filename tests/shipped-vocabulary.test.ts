import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBundledCorpora } from '../src/store/corpora/catalogue.js';
import { ensureBundledCorpora } from '../src/store/corpora/extract.js';
import { splitText } from '../src/store/corpora/split.js';
import { loadTokenizer } from '../src/store/tokenizers.js';
import { encoderOf } from './encoder-of.js';
import { HAVE_SHARED, SHARED, needsShared } from './shared.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };

describe('the vocabulary that ships with tokenlab', () => {
  it('loads by name, a 32k cjk-pattern vocabulary, and encodes losslessly', async () => {
    const t = await loadTokenizer('tokenlab-cjk-32k');
    expect(t.nVocab).toBe(32_000);
    expect(encoderOf(t).vocab.pattern).toBe('cjk');
    const text = '床前明月光，疑是地上霜。A tokenizer cuts text into tokens: 分词器把文本切成词元 😀 \ud800';
    expect(t.decode(t.encodeOrdinary(text))).toBe(text.replace('\ud800', '\ufffd'));
    // Trained on modern technical Chinese: common words are single tokens, so a sentence costs fewer tokens than characters.
    const sentence = '打开设置文件，然后选择默认的配置。';
    expect(t.encodeOrdinary(sentence).length).toBeLessThan([...sentence].length * 0.8);
  });

  it('records what `npm run default-vocab` trains it on: modern corpora only, each with its package versions', async () => {
    const vocab = encoderOf(await loadTokenizer('tokenlab-cjk-32k')).vocab;
    const corpora = vocab.training!.corpora;
    const script = packageJson.scripts['default-vocab'];
    const named = /--corpus (.*?) --vocab-size/.exec(script)![1].split(' ');
    expect(corpora.map((c) => c.name)).toEqual(named);
    expect(/--vocab-size (\d+)/.exec(script)![1]).toBe(String(vocab.tokens.length + vocab.specials.length));
    const catalogue = new Map(listBundledCorpora().map((c) => [c.name, c]));
    for (const c of corpora) {
      const bundled = catalogue.get(c.name.split(':')[0])!;
      expect(bundled.register, c.name).toBe('modern');
      const expected = bundled.source === 'tokenlab@repo' ? bundled.sources.map((s) => s.label).join(' + ') : bundled.source;
      expect(c.source, c.name).toBe(expected);
    }
  });

  it('decodes every held-out line of every modern corpus back exactly', async () => {
    const t = await loadTokenizer('tokenlab-cjk-32k');
    const { corpora } = await ensureBundledCorpora();
    const modern = corpora.filter((c) => c.register === 'modern');
    expect(modern.length).toBeGreaterThan(10);
    for (const c of modern) {
      const text = readFileSync(c.heldOutPath, 'utf8');
      expect(t.decode(t.encodeOrdinary(text)) === text, c.name).toBe(true);
    }
  });

  it.skipIf(!HAVE_SHARED)(
    needsShared('gives at least 3.0 UTF-8 bytes per token on d2l-zh held-out lines it never saw (the goal of issue 23)'),
    async () => {
      const t = await loadTokenizer('tokenlab-cjk-32k');
      const lines = splitText(readFileSync(join(SHARED, 'corpora', 'd2l-zh.txt'), 'utf8')).heldOut.filter((l) => l !== '');
      let bytes = 0;
      let tokens = 0;
      for (const line of lines) {
        bytes += Buffer.byteLength(line);
        tokens += t.encodeOrdinary(line).length;
      }
      expect(bytes / tokens).toBeGreaterThanOrEqual(3.0);
    },
  );

  it('is listed when a name is unknown', async () => {
    await expect(loadTokenizer('tokenlab-nope')).rejects.toThrow(/tokenlab-cjk-32k/);
  });
});
