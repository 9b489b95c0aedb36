/**
 * SuperBPE and Unigram vocabularies saved as user vocabularies: the registry encodes them with their own
 * engines (not tiktoken's rule), the explorer shows them, and the downloads give what each format can carry.
 */
import { describe, expect, it } from 'vitest';
import { SuperBpeEncoder } from '../src/bpe/encode/superbpe-encoder.js';
import { parseVocabFile } from '../src/bpe/formats/hf-vocab-json.js';
import { exportUnigramTokenizerJson } from '../src/bpe/formats/unigram-tokenizer-json.js';
import { trainSuperBpeOnTexts } from '../src/bpe/train/superbpe-trainer.js';
import { UnigramEncoder } from '../src/bpe/unigram/unigram-encoder.js';
import { trainUnigram } from '../src/bpe/unigram/unigram-trainer.js';
import { lcg } from './random.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('server-vocab-algorithms');
const { createApp } = await import('../src/server/app.js');
const { saveUserVocabulary } = await import('../src/store/user-vocabularies.js');
const { tokenizerByName } = await import('../src/store/tokenizers.js');
const app = createApp();

/** Lines of common phrases, so SuperBPE's stage 2 has superwords to learn. */
function phrases(seed: number, lines: number): string[] {
  const rand = lcg(seed);
  const parts = ['by the way', 'of the', 'in the', 'it is', '深度学习', 'model', 'data', 'we', 'train', '模型', '42', 'x = 1'];
  return Array.from(
    { length: lines },
    () => Array.from({ length: 3 + Math.floor(rand() * 8) }, () => parts[Math.floor(rand() * parts.length)]).join(' ') + '\n',
  );
}

const corpus = phrases(21, 1500);
const superbpe = trainSuperBpeOnTexts(corpus, { pattern: 'gpt2', vocabSize: 600, transition: 450 });
const unigram = await trainUnigram(corpus.join(''), { vocabSize: 400 });
await saveUserVocabulary('super-small', superbpe);
await saveUserVocabulary('unigram-small', unigram);
const sample = 'by the way, we train the model in the data 深度学习 of the x = 1 by the way\n' + corpus.slice(0, 50).join('');

describe('version 3 vocabularies in the registry', () => {
  it('a SuperBPE vocabulary encodes as SuperBpeEncoder does, with superwords', async () => {
    const t = await tokenizerByName('super-small');
    const ids = new SuperBpeEncoder(superbpe).encodeOrdinary(sample);
    expect(t.encodeOrdinary(sample)).toEqual(ids);
    expect(t.decode(ids)).toBe(sample);
    expect(ids.some((id) => id >= superbpe.superbpe!.transition)).toBe(true);
  });

  it('a Unigram model encodes as UnigramEncoder does', async () => {
    const t = await tokenizerByName('unigram-small');
    const ids = new UnigramEncoder(unigram).encodeOrdinary(sample);
    expect(t.encodeOrdinary(sample)).toEqual(ids);
    expect(t.decode(ids)).toBe(sample);
  });
});

describe('the explorer and downloads', () => {
  const get = (path: string) => app.request(path);

  it('lists both with their algorithm', async () => {
    const { vocabularies } = (await (await get('/api/vocabularies')).json()) as { vocabularies: Array<Record<string, unknown>> };
    const byName = new Map(vocabularies.map((v) => [v.name, v]));
    expect(byName.get('super-small')).toMatchObject({ algorithm: 'superbpe', pattern: 'gpt2', size: superbpe.tokens.length });
    expect(byName.get('unigram-small')).toMatchObject({ algorithm: 'unigram', pattern: null, size: 256 + unigram.pieces.length });
    const html = await (await get('/vocab')).text();
    expect(html).toContain('SuperBPE over gpt2');
    expect(html).toContain('Unigram (a space starts each word)');
  });

  it('summarises each with its algorithm', async () => {
    const s = (await (await get('/api/vocabularies/super-small')).json()) as Record<string, unknown>;
    expect(s).toMatchObject({
      algorithm: 'superbpe',
      superbpe: { transition: superbpe.superbpe!.transition },
      tokens: superbpe.tokens.length,
    });
    const u = (await (await get('/api/vocabularies/unigram-small')).json()) as Record<string, unknown>;
    expect(u).toMatchObject({ algorithm: 'unigram', pattern: null, merges: 0, tokens: 256 + unigram.pieces.length });
    for (const name of ['super-small', 'unigram-small']) {
      const page = await get(`/vocab/${name}?tree=300`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="algorithm"');
    }
  });

  it('a stage-2 token’s merge tree is its stage-2 merge; the scrubber runs SuperBPE', async () => {
    const id = superbpe.superbpe!.transition + 5;
    const [a, b] = superbpe.merges.slice(superbpe.superbpe!.stage1Merges).find(([l, r]) => {
      const bytes = Buffer.concat([superbpe.tokens[l], superbpe.tokens[r]]);
      return Buffer.compare(bytes, Buffer.from(superbpe.tokens[id])) === 0;
    })!;
    const tree = await (await get(`/vocab/super-small/tree?tree=${id}`)).text();
    expect(tree).toContain(`id ${a} `);
    expect(tree).toContain(`id ${b} `);
    const form = new URLSearchParams({ sample: 'by the way', k: String(superbpe.tokens.length - 256) });
    const scrub = await app.request('/vocab/super-small/scrub', { method: 'POST', body: form });
    expect(scrub.status).toBe(200);
  });

  it('SuperBPE downloads as tokenlab JSON only, with a clear refusal for the others', async () => {
    const json = await get('/vocab/super-small/download/json');
    expect(json.status).toBe(200);
    expect(parseVocabFile(await json.text())).toEqual(superbpe);
    for (const format of ['tokenizer.json', 'tiktoken', 'tiktoken-args']) {
      const res = await get(`/vocab/super-small/download/${format}`);
      expect(res.status, format).toBe(409);
      expect(await res.text()).toMatch(/SuperBPE vocabulary cannot be (exported to tokenizer\.json|written as tiktoken ranks)/);
    }
  });

  it('Unigram downloads as tokenlab JSON and tokenizer.json, not tiktoken ranks', async () => {
    const json = await get('/vocab/unigram-small/download/json');
    expect(parseVocabFile(await json.text())).toEqual(unigram);
    const hf = await get('/vocab/unigram-small/download/tokenizer.json');
    expect(hf.status).toBe(200);
    expect(await hf.text()).toBe(exportUnigramTokenizerJson(unigram));
    for (const format of ['tiktoken', 'tiktoken-args']) {
      const tiktoken = await get(`/vocab/unigram-small/download/${format}`);
      expect(tiktoken.status, format).toBe(409);
      expect(await tiktoken.text()).toMatch(/Unigram model: it has no merge ranks/);
    }
  });

  it('imports both version 3 files through /vocab, and refuses SuperBPE stage facts that do not fit', async () => {
    const upload = (name: string, text: string) => {
      const form = new FormData();
      form.append('name', name);
      form.append('file', new Blob([text]), `${name}.json`);
      return app.request('/api/vocabularies', { method: 'POST', body: form });
    };
    const superJson = await (await get('/vocab/super-small/download/json')).text();
    const unigramJson = await (await get('/vocab/unigram-small/download/json')).text();
    expect((await upload('super-again', superJson)).status).toBe(201);
    expect((await upload('unigram-again', unigramJson)).status).toBe(201);
    expect((await tokenizerByName('super-again')).encodeOrdinary(sample)).toEqual(new SuperBpeEncoder(superbpe).encodeOrdinary(sample));
    const broken = JSON.parse(superJson);
    broken.superbpe.stage1Merges = broken.merges.length + 1;
    const refused = await upload('super-broken', JSON.stringify(broken));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/superbpe: stage1Merges/);
  });
});
