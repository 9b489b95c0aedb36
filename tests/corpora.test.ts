import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { textStats } from '../src/eval/text-stats.js';
import { listBundledCorpora } from '../src/store/corpora/catalogue.js';
import { type EnsureResult, corpusSplitPaths, corpusSplitTexts, ensureBundledCorpora } from '../src/store/corpora/extract.js';
import { HELD_OUT_PERCENT, isHeldOut, splitText } from '../src/store/corpora/split.js';
import { STARTER_CORPORA } from '../src/store/corpora/catalogue.js';
import { extractMix, thin } from '../src/store/corpora/sources.js';
import { packageOfFiles } from '../src/store/corpora/source-package.js';

// Each test run extracts into its own temporary directories (never into corpora/extracted).
const dirA = mkdtempSync(join(tmpdir(), 'tokenlab-corpora-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'tokenlab-corpora-b-'));
const savedEnv = process.env.TOKENLAB_CORPORA_DIR;

async function ensureIn(dir: string, force = false): Promise<EnsureResult> {
  process.env.TOKENLAB_CORPORA_DIR = dir;
  return ensureBundledCorpora({ force });
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let first: EnsureResult;

beforeAll(async () => {
  first = await ensureIn(dirA);
});

afterAll(() => {
  if (savedEnv === undefined) delete process.env.TOKENLAB_CORPORA_DIR;
  else process.env.TOKENLAB_CORPORA_DIR = savedEnv;
  rmSync(dirA, { recursive: true, force: true });
  rmSync(dirB, { recursive: true, force: true });
});

describe('bundled corpora', () => {
  it('extracts every catalogued corpus that comes with the install; those added on demand are listed as addable', () => {
    const names = listBundledCorpora().map((c) => c.name);
    expect([...first.corpora.map((c) => c.name), ...first.unavailable.map((u) => u.name)].sort()).toEqual([...names].sort());
    // a fresh corpora directory: nothing added on demand yet
    expect(first.unavailable.map((u) => u.name)).toEqual(['tang-poems', 'song-ci', 'classics-zh']);
    for (const u of first.unavailable) {
      expect(u.reason).toBe(`not added: \`tokenlab corpus add-bundled ${u.name}\` fetches chinese-poetry@2.0.1 (85 MB) with npm`);
      expect(u.onDemand).toEqual({ source: 'chinese-poetry@2.0.1', downloadBytes: 85_464_664 });
    }
    expect(first.corpora.map((c) => c.name)).toEqual(
      expect.arrayContaining(['wordnet-en', 'ts-messages-zh', 'ts-messages-en', 'ts-messages-zh-en', 'parallel-zh-en']),
    );
    expect(first.extracted.length).toBe(first.corpora.length);
    const wordnet = first.corpora.find((c) => c.name === 'wordnet-en')!;
    expect(readFileSync(wordnet.licencePath!, 'utf8')).toContain('Princeton University');
  });

  it("the catalogue's files exist after ensure, with source and licence recorded", () => {
    for (const c of first.corpora) {
      for (const p of [c.path, c.trainPath, c.heldOutPath]) expect(statSync(p).isFile(), p).toBe(true);
      // Only text written for tokenlab (no source link) comes without a licence notice of its own.
      if (c.sources.every((s) => s.url === undefined)) expect(c.licencePath).toBeUndefined();
      else expect(statSync(c.licencePath!).size, c.name).toBeGreaterThan(500);
      expect(c.source).toMatch(/^[\w.-]+@[\w.-]+$/);
      expect(c.licence.length).toBeGreaterThan(3);
      expect(c.description.length).toBeGreaterThan(10);
    }
  });

  it('extraction is deterministic: a second, forced extraction elsewhere gives identical bytes', async () => {
    const second = await ensureIn(dirB, true);
    expect(second.corpora.map((c) => c.name)).toEqual(first.corpora.map((c) => c.name));
    for (let i = 0; i < first.corpora.length; i++) {
      const a = first.corpora[i];
      const b = second.corpora[i];
      expect(sha(b.path), a.name).toBe(sha(a.path));
      expect(sha(b.trainPath), a.name).toBe(sha(a.trainPath));
      expect(sha(b.heldOutPath), a.name).toBe(sha(a.heldOutPath));
    }
  });

  it('ensure is idempotent, and redoes a corpus whose file was damaged', async () => {
    const again = await ensureIn(dirA);
    expect(again.extracted).toEqual([]);
    const wordnet = first.corpora.find((c) => c.name === 'wordnet-en')!;
    const before = sha(wordnet.path);
    truncateSync(wordnet.path, 100);
    const repaired = await ensureIn(dirA);
    expect(repaired.extracted).toEqual(['wordnet-en']);
    expect(sha(wordnet.path)).toBe(before);
  });

  it('sizes are in the expected range; text is valid UTF-8 with the expected Han share', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    for (const c of first.corpora) {
      const bytes = readFileSync(c.path);
      const text = decoder.decode(bytes); // throws on invalid UTF-8
      expect(text.includes('\uFFFD'), c.name).toBe(false);
      expect(bytes.length, c.name).toBeGreaterThanOrEqual(c.expectedBytes[0]);
      expect(bytes.length, c.name).toBeLessThanOrEqual(c.expectedBytes[1]);
      const s = textStats(text);
      expect(s.hanShare, c.name).toBeGreaterThanOrEqual(c.expectedHanShare[0]);
      expect(s.hanShare, c.name).toBeLessThanOrEqual(c.expectedHanShare[1]);
      expect(text.endsWith('\n')).toBe(true);
      expect(text.includes('\r')).toBe(false);
      expect(text.includes('\n\n')).toBe(false); // no empty units
    }
    const total = first.corpora.reduce((n, c) => n + statSync(c.path).size, 0);
    expect(total).toBeGreaterThan(first.unavailable.length === 0 ? 5_000_000 : 2_000_000);
  });

  it('the split is deterministic, disjoint and covers the corpus, with about 10% held out', () => {
    let largeEnough = 0;
    for (const c of first.corpora) {
      const text = readFileSync(c.path, 'utf8');
      const train = readFileSync(c.trainPath, 'utf8');
      const heldOut = readFileSync(c.heldOutPath, 'utf8');
      const lines = text.split('\n').slice(0, -1);
      const trainLines = train === '' ? [] : train.split('\n').slice(0, -1);
      const heldLines = heldOut === '' ? [] : heldOut.split('\n').slice(0, -1);
      // Every line index goes to exactly one side: dealing the two parts back by isHeldOut rebuilds the corpus.
      expect(trainLines.length + heldLines.length, c.name).toBe(lines.length);
      let t = 0;
      let h = 0;
      const rebuilt = lines.map((_, i) => (isHeldOut(i) ? heldLines[h++] : trainLines[t++]));
      expect(rebuilt, c.name).toEqual(lines);
      expect(splitText(text), c.name).toEqual({ train: trainLines, heldOut: heldLines });
      expect(heldLines.length, c.name).toBeGreaterThan(0);
      if (lines.length >= 1000) {
        const share = heldLines.length / lines.length;
        expect(share, c.name).toBeGreaterThan(0.08);
        expect(share, c.name).toBeLessThan(0.12);
        largeEnough++;
      }
    }
    expect(largeEnough, 'corpora of 1000 lines or more, whose held-out share is checked').toBeGreaterThan(0);
  });

  it('line-aligned corpora stay aligned in both parts', async () => {
    const zh = await corpusSplitTexts('ts-messages-zh');
    const en = await corpusSplitTexts('ts-messages-en');
    const mixed = await corpusSplitTexts('ts-messages-zh-en');
    for (const part of ['train', 'heldOut'] as const) {
      const z = zh[part].split('\n');
      const e = en[part].split('\n');
      expect(z.length).toBe(e.length);
      expect(mixed[part]).toBe(
        z
          .slice(0, -1)
          .map((line, i) => `${line}\t${e[i]}`)
          .join('\n') + '\n',
      );
    }
  });

  it('split paths and texts name the same files; unknown names are a clear error', async () => {
    const paths = await corpusSplitPaths('parallel-zh-en');
    const texts = await corpusSplitTexts('parallel-zh-en');
    expect(readFileSync(paths.train, 'utf8')).toBe(texts.train);
    expect(readFileSync(paths.heldOut, 'utf8')).toBe(texts.heldOut);
    await expect(corpusSplitPaths('no-such-corpus')).rejects.toThrow(/no bundled corpus named no-such-corpus \(known: /);
  });

  it('isHeldOut is a fixed function of the index holding out about HELD_OUT_PERCENT', () => {
    let held = 0;
    for (let i = 0; i < 100_000; i++) if (isHeldOut(i)) held++;
    expect(held / 1000).toBeGreaterThan(HELD_OUT_PERCENT - 0.5);
    expect(held / 1000).toBeLessThan(HELD_OUT_PERCENT + 0.5);
    // pinned so that a change to the split (which would move text between train and held-out) is noticed
    expect([...Array(200).keys()].filter(isHeldOut)).toEqual([21, 57, 71, 77, 80, 102, 108, 117, 128, 133, 164, 167]);
  });

  it('parallel-zh-en is 30 tab-separated zh/en pairs', () => {
    const c = first.corpora.find((x) => x.name === 'parallel-zh-en')!;
    const rows = readFileSync(c.path, 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => l.split('\t'));
    expect(rows.length).toBe(30);
    for (const [zh, en, ...rest] of rows) {
      expect(rest).toEqual([]);
      expect(textStats(zh).hanShare).toBeGreaterThan(0.6);
      expect(textStats(en).han).toBe(0);
    }
  });

  it('starter-mix deals the lines of the starter corpora in turn, each thinned to its budget', () => {
    const mix = first.corpora.find((c) => c.name === 'starter-mix')!;
    const lines = readFileSync(mix.path, 'utf8').split('\n').slice(0, -1);
    const parts = STARTER_CORPORA.map((n) =>
      readFileSync(first.corpora.find((c) => c.name === n)!.path, 'utf8')
        .split('\n')
        .slice(0, -1),
    );
    const share = (part: string[]) => part.filter((l) => lines.includes(l)).length / part.length;
    for (const [i, part] of parts.entries()) expect(share(part), STARTER_CORPORA[i]).toBeGreaterThan(0);
    expect(lines.slice(0, parts.length)).toEqual(parts.map((p) => p[0]));
    const files = new Map(Object.entries({ a: '1\n2\n3\n', b: 'x\n' }).map(([k, v]) => [k, Buffer.from(v)]));
    expect(extractMix(packageOfFiles('t', '1', files), ['a', 'b'], 100)).toEqual(['1', 'x', '2', '3']);
    expect(extractMix(packageOfFiles('t', '1', files), ['a', 'b'], 4)).toEqual(['1', 'x', '3']);
  });

  it('textStats and thin on small examples', () => {
    expect(textStats('汉字 ab\n')).toEqual({ bytes: 10, characters: 6, lines: 1, han: 2, hanShare: 0.5 });
    expect(textStats('')).toEqual({ bytes: 0, characters: 0, lines: 0, han: 0, hanShare: 0 });
    expect(thin(['aaaa', 'bbbb', 'cccc', 'dddd'], 100)).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd']);
    expect(thin(['aaaa', 'bbbb', 'cccc', 'dddd'], 10)).toEqual(['aaaa', 'cccc']);
  });
});
