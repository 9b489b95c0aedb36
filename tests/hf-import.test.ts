/**
 * `tokenlab import --format hf` and the /vocab upload keep a tokenizer.json's own semantics: version 1 (tiktoken's
 * rule) only where that rule gives the ids `tokenizers` gives, else a version 2 file holding the pipeline. Every
 * tokenizer.json here is built in the test; ids are compared with npm `tokenizers` loading the same file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Tokenizer as HfTokenizer } from 'tokenizers';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { isHfPipelineFile, parseVocabFile, serializeVocabFile, type VocabFile } from '../src/bpe/formats/hf-vocab-json.js';
import { exportTokenizerJson, importTokenizerJson } from '../src/bpe/formats/tokenizer-json.js';
import { importHfTokenizerJson } from '../src/bpe/formats/tokenizer-json-import.js';
import { byteFallbackToken } from '../src/bpe/hf/bpe-model.js';
import { HfPipeline } from '../src/bpe/hf/pipeline.js';
import { hfMerges } from '../src/bpe/merges-from-ranks.js';
import { PATTERN_NAMES, type PatternName } from '../src/bpe/pretokenize/patterns.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { expectSameIds } from './compare.js';
import { tokenlab } from './cli-run.js';
import { useFreshDataDir } from './shared.js';
import { TRICKY } from './tricky-texts.js';

const dataDir = useFreshDataDir('hf-import');
const { createApp } = await import('../src/server/app.js');
const { tokenizerByName, loadTokenizer } = await import('../src/store/tokenizers.js');
const { readVocabularyFile, writeVocabularyFile } = await import('../src/store/vocab-files.js');
const { parseVocabularyFile } = await import('../src/jobs/vocab-import.js');
const { saveUserVocabulary } = await import('../src/store/user-vocabularies.js');
const app = createApp();

type Json = Record<string, any>;

const SAMPLE = [
  'the cat sat on the mat; the cats were sitting on the mats. ',
  '深度学习是机器学习的一个分支。我们先定义模型，然后训练模型。',
  "It's easy: don't worry, we'll explain each step.\n\n  def train(net):\n    return net\n",
].join('');

const TEXTS = [
  ...TRICKY,
  SAMPLE,
  'the theme thereof: athletes bathe',
  'x<|endoftext|>y <|endoftext|> <s>the</s> <br>line<br>',
  ' the  cat   sat\n\n on\tthe mat 中文 😀 ',
  'zqx',
];

async function hfIds(json: Json, text: string): Promise<number[]> {
  const hf = HfTokenizer.fromString(JSON.stringify(json));
  return (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
}

/** tokenlab's trainer on SAMPLE (no training record), with a special token. */
function trained(pattern: PatternName = 'gpt2'): Vocabulary {
  const { training: _, ...vocab } = trainOnTexts([SAMPLE], { pattern, vocabSize: 256 + 120 + 1, specials: ['<|endoftext|>'] });
  return vocab;
}

const exported = (v: Vocabulary, allSplits = true): Json => JSON.parse(exportTokenizerJson(v, { merges: { allSplits } }));

/** A byte-level BPE whose merges come in the reverse of the order tiktoken's rank rule would merge in. */
function reversedMerges(): Json {
  const j = exported(trained(), false);
  j.model.merges.reverse();
  return j;
}

/**
 * A SentencePiece-style BPE over characters with byte fallback (as Llama 2's and Gemma's): `<unk>`, `<s>`,
 * `</s>`, the 256 `<0xXX>` tokens, the characters of a few words and the merges that build each word left to
 * right, and a non-special added token `<br>`. `style` "replace": a Prepend and a Replace normalizer make spaces
 * `▁` (no pre-tokenizer); "metaspace": an NFKC normalizer and the Metaspace pre-tokenizer and decoder.
 */
function sentencePiece(style: 'replace' | 'metaspace'): Json {
  const vocab: Record<string, number> = {};
  const add = (t: string): void => {
    vocab[t] ??= Object.keys(vocab).length;
  };
  ['<unk>', '<s>', '</s>'].forEach(add);
  for (let b = 0; b < 256; b++) add(byteFallbackToken(b));
  const merges: Array<[string, string]> = [];
  for (const word of ['▁the', '▁cat', '▁sat', '▁on', '▁mat', 'at', 'he', '▁深度', '学习', 'ing', '▁▁']) {
    const chars = [...word];
    chars.forEach(add);
    let made = chars[0];
    for (const c of chars.slice(1)) {
      if (vocab[made + c] === undefined) merges.push([made, c]);
      add((made += c));
    }
  }
  add('<br>');
  const added = (content: string, special: boolean) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special,
  });
  const replace = (from: string, to: string) => ({ type: 'Replace', pattern: { String: from }, content: to });
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added('<unk>', true), added('<s>', true), added('</s>', true), added('<br>', false)],
    normalizer:
      style === 'replace' ? { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, replace(' ', '▁')] } : { type: 'NFKC' },
    pre_tokenizer: style === 'replace' ? null : metaspace,
    post_processor: null,
    decoder:
      style === 'replace'
        ? {
            type: 'Sequence',
            decoders: [replace('▁', ' '), { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
          }
        : { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, metaspace] },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/** Imports `json` as `name` the way the /vocab upload does, then loads it from the registry. */
async function importAndLoad(name: string, json: Json) {
  const file = parseVocabularyFile(JSON.stringify(json), 'hf', 'gpt2', 'tokenizer.json');
  await saveUserVocabulary(name, file);
  return { file, tokenizer: await tokenizerByName(name) };
}

/**
 * The registry's tokenizer `name` runs on the engine of its file's `version` and gives `tokenizers`' ids for every
 * text, special tokens read as such (by default too, for a pipeline), and decodes alike.
 */
async function expectTokenizersIds(name: string, json: Json, version: 1 | 2 = 2): Promise<void> {
  const tokenizer = await tokenizerByName(name);
  expect(tokenizer.encoder).toBeInstanceOf(version === 1 ? Encoder : HfPipeline);
  const hf = HfTokenizer.fromString(JSON.stringify(json));
  for (const text of TEXTS) {
    const ids = (await hf.encode(text, null, { addSpecialTokens: false })).getIds();
    const label = `${name}: ${JSON.stringify(text.slice(0, 60))}`;
    expectSameIds(tokenizer.encode(text, { allowedSpecial: 'all' }), ids, label);
    expectSameIds(version === 1 ? tokenizer.encode(text, { allowedSpecial: 'all' }) : tokenizer.encodeDefault(text), ids, label);
    expect(tokenizer.decode(ids), label).toBe(await hf.decode(ids, false));
  }
}

describe('importing a tokenizer.json keeps its semantics', () => {
  it('imports a byte-level BPE whose merges tiktoken’s rule would not follow as version 2, with tokenizers’ ids', async () => {
    const json = reversedMerges();
    const { file } = await importAndLoad('reversed', json);
    expect(isHfPipelineFile(file)).toBe(true);
    await expectTokenizersIds('reversed', json);
    // What the version 1 import gave before: tiktoken's rule over the same vocabulary, not tokenizers' ids.
    const old = new Encoder(importTokenizerJson(JSON.stringify(json)));
    let differ = 0;
    for (const text of TEXTS) {
      const ids = await hfIds(json, text);
      if (old.encode(text, { allowedSpecial: 'all' }).join() !== ids.join()) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });

  it.each([['replace' as const], ['metaspace' as const]])(
    'imports a SentencePiece-style BPE over characters with byte fallback (%s) as version 2, with tokenizers’ ids',
    async (style) => {
      const json = sentencePiece(style);
      const { file, tokenizer } = await importAndLoad(`sp-${style}`, json);
      expect(isHfPipelineFile(file)).toBe(true);
      expect(tokenizer.nVocab).toBe(Object.keys(json.model.vocab).length);
      // byte fallback and the non-special added token are both used on these texts
      const ids = await hfIds(json, 'the cat<br>中文');
      expect(ids).toContain(json.model.vocab['<br>']);
      expect(ids).toContain(json.model.vocab[byteFallbackToken(0xe4)]);
      await expectTokenizersIds(`sp-${style}`, json);
    },
  );

  it('keeps the tokenizer.json verbatim in a version 2 file, with when and from what it was imported', async () => {
    const json = sentencePiece('replace');
    const file = parseVocabularyFile(JSON.stringify(json), 'hf', 'gpt2', 'llama2.json');
    const doc = JSON.parse(serializeVocabFile(file));
    expect(Object.keys(doc)).toEqual(['format', 'version', 'engine', 'imported', 'tokenizer']);
    expect(doc).toMatchObject({ format: 'tokenlab-vocab', version: 2, engine: 'huggingface', imported: { from: 'llama2.json' } });
    expect(Date.parse(doc.imported.at)).toBeGreaterThan(Date.parse('2025-01-01'));
    expect(doc.tokenizer).toEqual(json);
    expect(parseVocabFile(serializeVocabFile(file))).toEqual(file);
  });

  const v2 = (edit: (d: Json) => void): string => {
    const d = JSON.parse(serializeVocabFile(parseVocabularyFile(JSON.stringify(sentencePiece('replace')), 'hf', 'gpt2')));
    edit(d);
    return JSON.stringify(d);
  };
  it.each<[string, () => string, RegExp]>([
    ['an unknown field', () => v2((d) => (d.tokens = [])), /tokenlab-vocab version 2: unknown field "tokens"/],
    ['another engine', () => v2((d) => (d.engine = 'sentencepiece')), /"engine" is "sentencepiece", expected "huggingface"/],
    ['no tokenizer', () => v2((d) => delete d.tokenizer), /"tokenizer" must be a tokenizer\.json object/],
    ['a malformed import record', () => v2((d) => (d.imported = { from: 'x' })), /"imported" must be \{"at": string, "from"\?: string\}/],
    ['a version it does not know', () => v2((d) => (d.version = 4)), /version 4 is newer than this tokenlab reads \(1 to 3\)/],
  ])('refuses a version 2 file with %s', (_what, text, message) => {
    expect(() => parseVocabFile(text())).toThrow(message);
  });

  it('imports tokenlab’s own export as version 1, with or without all splits, with tokenizers’ ids', async () => {
    for (const pattern of PATTERN_NAMES) {
      const v = trained(pattern);
      for (const allSplits of [true, false]) {
        const json = exported(v, allSplits);
        const imported = importHfTokenizerJson(JSON.stringify(json));
        expect(imported.whyNotVersion1).toBeUndefined();
        expect(imported.file).toEqual({ ...v, merges: hfMerges(v, { allSplits }) });
        await importAndLoad(`own-${pattern}-${allSplits}`, json);
        await expectTokenizersIds(`own-${pattern}-${allSplits}`, json, 1);
      }
    }
  });

  it('imports a GPT-2 style file (ByteLevel alone, merges as learned, no ignore_merges) as version 1 where the merges are the final splits', async () => {
    const v = trained();
    expect(hfMerges(v, { allSplits: false })).toEqual(v.merges); // the trainer's merges are the final splits here
    const j = exported(v, false);
    j.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
    delete j.model.ignore_merges;
    const imported = importHfTokenizerJson(JSON.stringify(j));
    expect(imported.whyNotVersion1).toBeUndefined();
    expect(imported.file).toEqual(v);
    await importAndLoad('gpt2-style', j);
    await expectTokenizersIds('gpt2-style', j, 1);
  });

  // The old version 1 import accepts each of these, but tokenlab would then differ from tokenizers: in ids (with
  // special tokens read as such, or as text), or in decoding. Each must become version 2.
  const edited = (edit: (j: Json) => void): Json => {
    const j = exported(trained());
    edit(j);
    return j;
  };
  it.each<[string, () => Json, RegExp]>([
    ['merges in another order', reversedMerges, /merges are not in the order of tiktoken’s rank rule/],
    [
      'a custom split pattern that leaves text between its matches',
      () => edited((j) => (j.pre_tokenizer.pretokenizers[0].pattern.Regex = '\\p{L}+| ?\\p{N}+')),
      /split pattern is not one of gpt2, cl100k, o200k, cjk/,
    ],
    ['a special token that is not special', () => edited((j) => (j.added_tokens[0].special = false)), /is not special/],
    ['an added token with lstrip', () => edited((j) => (j.added_tokens[0].lstrip = true)), /has lstrip/],
    [
      'no ignore_merges, with a token only ever made whole',
      () => {
        const v = trained();
        const n = v.tokens.length;
        const j = exported({
          ...v,
          tokens: [...v.tokens, new TextEncoder().encode('zqx')],
          specials: [{ text: '<|endoftext|>', id: n + 1 }],
        });
        j.model.ignore_merges = false;
        return j;
      },
      /without ignore_merges, token \d+ is never made by a merge/,
    ],
    ['no decoder', () => edited((j) => (j.decoder = null)), /its decoder is null, not ByteLevel/],
    [
      'a normalizer',
      () => edited((j) => (j.normalizer = { type: 'NFKC' })),
      /not a plain byte-level BPE \(normalizer NFKC is not supported\)/,
    ],
  ])('imports a byte-level file with %s as version 2, with tokenizers’ ids', async (what, make, why) => {
    const json = make();
    const imported = importHfTokenizerJson(JSON.stringify(json));
    expect(imported.whyNotVersion1).toMatch(why);
    expect(isHfPipelineFile(imported.file)).toBe(true);
    const name = `edited-${what.replace(/[^a-z]+/g, '-').slice(0, 40)}`;
    await saveUserVocabulary(name, imported.file);
    await expectTokenizersIds(name, json);
  });

  it('refuses what the pipeline refuses, with its message', () => {
    const j = exported(trained());
    j.normalizer = { type: 'BertNormalizer' };
    expect(() => importHfTokenizerJson(JSON.stringify(j))).toThrow('tokenizer.json: normalizer BertNormalizer is not supported');
    expect(() => parseVocabularyFile(JSON.stringify(j), 'hf', 'gpt2')).toThrow(/normalizer BertNormalizer is not supported/);
  });
});

describe('version 2 files in the store, the CLI and the /vocab upload', () => {
  const pipeline = (): VocabFile => parseVocabularyFile(JSON.stringify(sentencePiece('replace')), 'hf', 'gpt2');
  const tampered = (): string => {
    const doc = JSON.parse(serializeVocabFile(pipeline()));
    doc.tokenizer.pre_tokenizer = { type: 'Whitespace' };
    return JSON.stringify(doc);
  };

  it('loads a version 2 file by path as its pipeline; what needs a version 1 vocabulary refuses it, saying why', async () => {
    const path = join(dataDir, 'sp.json');
    await writeVocabularyFile(path, pipeline());
    const t = await loadTokenizer(path);
    expect(t.encode('the cat', { allowedSpecial: 'all' })).toEqual(await hfIds(sentencePiece('replace'), 'the cat'));
    await expect(readVocabularyFile(path)).rejects.toThrow(/sp\.json: tokenlab-vocab: this file is a Hugging Face pipeline \(version 2/);
    const v4 = join(dataDir, 'v4.json');
    writeFileSync(v4, JSON.stringify({ ...JSON.parse(serializeVocabFile(pipeline())), version: 4 }));
    await expect(loadTokenizer(v4)).rejects.toThrow(/version 4 is newer than this tokenlab reads \(1 to 3\)/);
  });

  it('refuses a version 2 file whose tokenizer the pipeline refuses, through the CLI', async () => {
    const path = join(dataDir, 'tampered.json');
    writeFileSync(path, tampered());
    const encode = await tokenlab('encode', '--tokenizer', path, 'the cat');
    expect(encode.code).toBe(1);
    expect(encode.stderr).toMatch(/tampered\.json: tokenizer\.json: pre_tokenizer Whitespace is not supported/);
    const inner = join(dataDir, 'tampered-tokenizer.json');
    writeFileSync(inner, JSON.stringify(JSON.parse(tampered()).tokenizer));
    const imported = await tokenlab('import', '--format', 'hf', '--in', inner, '--out', join(dataDir, 'never.json'));
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/pre_tokenizer Whitespace is not supported/);
  });

  it('imports a tokenizer.json through the CLI as version 2 or 1, and exports a version 2 file as its tokenizer.json', async () => {
    const json = sentencePiece('metaspace');
    const inPath = join(dataDir, 'tokenizer.json');
    writeFileSync(inPath, JSON.stringify(json));
    const out = join(dataDir, 'cli-sp.json');
    const imported = await tokenlab('import', '--format', 'hf', '--in', inPath, '--out', out);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(
      /imported a Hugging Face pipeline .* \(tokenlab-vocab version 2, encoded as tokenizers does; not version 1 since .*byte_fallback/,
    );
    const file = parseVocabFile(readFileSync(out, 'utf8'));
    expect(isHfPipelineFile(file) && file.imported?.from).toBe('tokenizer.json');
    const encoded = await tokenlab('encode', '--tokenizer', out, '--json', 'the cat 中文');
    expect(JSON.parse(encoded.stdout).ids).toEqual(await hfIds(json, 'the cat 中文'));
    const back = join(dataDir, 'back.json');
    expect((await tokenlab('export', '--vocab', out, '--format', 'hf', '--out', back)).code).toBe(0);
    expect(JSON.parse(readFileSync(back, 'utf8'))).toEqual(json);
    const ranks = await tokenlab('export', '--vocab', out, '--format', 'tiktoken', '--out', join(dataDir, 'never.tiktoken'));
    expect(ranks.code).toBe(1);
    expect(ranks.stderr).toMatch(/is a Hugging Face pipeline, offered only as its own tokenizer\.json/);
    // tokenlab's own export still comes back as version 1
    const v1 = join(dataDir, 'v1.json');
    writeFileSync(inPath, exportTokenizerJson(trained()));
    expect((await tokenlab('import', '--format', 'hf', '--in', inPath, '--out', v1)).stderr).toMatch(
      /imported \d+ tokens, \d+ merges, 1 special tokens/,
    );
    expect(isHfPipelineFile(parseVocabFile(readFileSync(v1, 'utf8')))).toBe(false);
  }, 30_000);

  const upload = (name: string, body: string, path = '/vocab/import') => {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([body]), 'x.json');
    return app.request(path, { method: 'POST', body: form });
  };

  it('imports a version 2 file through POST /vocab/import; one whose tokenizer the pipeline refuses gets its refusal', async () => {
    const ok = await upload('uploaded-v2', serializeVocabFile(pipeline()));
    expect(ok.status).toBe(303);
    for (const list of ['/api/tokenizers', '/api/vocabularies']) {
      const res = await app.request(list);
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('"name":"uploaded-v2","kind":"user"');
    }
    expect((await tokenizerByName('uploaded-v2')).encode('the cat', { allowedSpecial: 'all' })).toEqual(
      await hfIds(sentencePiece('replace'), 'the cat'),
    );
    const page = await upload('bad-v2', tampered());
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/pre_tokenizer Whitespace is not supported/);
    const api = await upload('bad-v2', tampered(), '/api/vocabularies');
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: string }).error).toMatch(/pre_tokenizer Whitespace is not supported/);
  });

  it('lists a version 2 file with its pipeline, explores it, and downloads it as its tokenizer.json or as itself', async () => {
    const json = sentencePiece('replace');
    await importAndLoad('explored-v2', json);
    const list = await (await app.request('/vocab')).text();
    expect(list).toContain('explored-v2');
    expect(list).toMatch(/Hugging Face pipeline/);
    const page = await app.request('/vocab/explored-v2');
    expect(page.status).toBe(200);
    const asJson = await app.request('/vocab/explored-v2/download/tokenizer.json');
    expect(asJson.status).toBe(200);
    expect(JSON.parse(await asJson.text())).toEqual(json);
    const itself = await app.request('/vocab/explored-v2/download/json');
    expect(itself.status).toBe(200);
    expect((JSON.parse(await itself.text()) as { version: number; tokenizer: Json }).tokenizer).toEqual(json);
    for (const format of ['tiktoken', 'tiktoken-args']) {
      const ranks = await app.request(`/vocab/explored-v2/download/${format}`);
      expect(ranks.status, format).toBe(409);
      expect(await ranks.text()).toMatch(/Hugging Face pipeline/);
    }
  });

  it('refuses a version 2 file whose regex backtracks catastrophically', async () => {
    const doc = JSON.parse(serializeVocabFile(pipeline()));
    doc.tokenizer.pre_tokenizer = { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false };
    const res = await upload('redos-v2', JSON.stringify(doc), '/api/vocabularies');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/backtracks catastrophically/);
  });
});
