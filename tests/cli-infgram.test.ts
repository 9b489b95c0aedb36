/**
 * tokenlab infgram: the files `build` writes are the engine's index of the same lines, and count, next, find,
 * trace and score print the engine's answers on the index they read; bad input is refused with a clear message.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInfiniGram } from '../src/lm/infgram/build.js';
import { count } from '../src/lm/infgram/count.js';
import { find } from '../src/lm/infgram/find.js';
import { encodeInfiniGram } from '../src/lm/infgram/index-file.js';
import { nextTokens } from '../src/lm/infgram/next-tokens.js';
import { scoreTokens } from '../src/lm/infgram/score.js';
import { scoreTextInterpolated } from '../src/lm/infgram/score-text.js';
import { maximalSpans } from '../src/lm/infgram/spans.js';
import { bundledCorpus } from '../src/store/corpora/extract.js';
import { readInfiniGramFile } from '../src/store/infgram-files.js';
import { readModelFile } from '../src/store/lm-files.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';
import { tokenlab } from './cli-run.js';
import { randomLines } from './random.js';
import { useFreshDataDir } from './shared.js';

const tmp = mkdtempSync(join(useFreshDataDir('cli-infgram'), 'files-'));
const cl100k = tiktokenEncoding('cl100k_base');
const path = (name: string) => join(tmp, name);

// empty lines inside (line numbers count them), a final line break
const corpusLines = Array.from({ length: 48 }, (_, i) =>
  i % 6 === 5 ? '' : `第${i % 7}章：深度学习中的优化算法。Chapter ${i % 5}: optimization of ${i % 3} models.`,
);
writeFileSync(path('corpus.txt'), `${corpusLines.join('\n')}\n`);
const idLines = randomLines(5, 300, 40); // ids 1000 to 1039, some lines empty

/** Builds with the CLI; returns the summary it printed. */
async function build(...args: string[]): Promise<Record<string, unknown>> {
  const r = await tokenlab('infgram', 'build', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

/** Runs a query command that succeeds; its JSON lines parsed. */
async function jsonLines(...args: string[]): Promise<string[]> {
  const r = await tokenlab('infgram', ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.split('\n').slice(0, -1);
}

/** A command that must fail: its exit code and message. */
async function refused(code: number, message: RegExp, ...args: string[]): Promise<void> {
  const r = await tokenlab('infgram', ...args);
  expect(r.code).toBe(code);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
}

describe('tokenlab infgram build', () => {
  it('from a bundled corpus and a file: the engine index of their lines, tokenized, empty lines kept', async () => {
    const summary = await build(
      '--tokenizer',
      'cl100k_base',
      '--corpus',
      'parallel-zh-en',
      '--corpus',
      path('corpus.txt'),
      '--out',
      path('c.tli'),
    );
    const bundled = (await bundledCorpus('parallel-zh-en')).path;
    const texts = [...readFileSync(bundled, 'utf8').replace(/\n$/, '').split('\n'), ...corpusLines];
    const info = {
      tokenizer: 'cl100k_base',
      source: `parallel-zh-en, ${path('corpus.txt')}`,
      files: [resolve(bundled), path('corpus.txt')],
    };
    const expected = encodeInfiniGram(
      buildInfiniGram(
        texts.map((t) => cl100k.encodeOrdinary(t)),
        info,
      ),
    );
    expect(Buffer.compare(readFileSync(path('c.tli')), expected)).toBe(0);
    const index = await readInfiniGramFile(path('c.tli'));
    expect(summary).toMatchObject({ tokenizer: 'cl100k_base', tokens: index.tokenCount, lines: texts.length, fileBytes: expected.length });
    expect(summary.bytesPerToken).toBeCloseTo(expected.length / index.tokenCount, 12);
    expect(summary.tokensPerSecond).toBeCloseTo(index.tokenCount / (summary.seconds as number), 6);
    const human = await tokenlab('infgram', 'build', '--tokenizer', 'cl100k_base', '--corpus', path('corpus.txt'), '--out', path('h.tli'));
    expect(human.stdout).toMatch(/^.*h\.tli: \d+ tokens in 48 lines, \d+ bytes \([\d.]+ bytes per token\), [\d.]+ s \(\d+ tokens\/s\)\n$/);
  });

  it('from --ids: one document a line, the same bytes as the engine; with --tokenizer the ids are checked', async () => {
    writeFileSync(path('lines.ids'), `${idLines.map((l) => l.join(' ')).join('\n')}\n`);
    const summary = await build('--ids', path('lines.ids'), '--out', path('ids.tli'));
    const expected = encodeInfiniGram(buildInfiniGram(idLines, { tokenizer: '', source: path('lines.ids') }));
    expect(Buffer.compare(readFileSync(path('ids.tli')), expected)).toBe(0);
    expect(summary).toMatchObject({ tokenizer: '', lines: 300 });
    await build('--ids', path('lines.ids'), '--tokenizer', 'cl100k_base', '--out', path('ids-cl.tli'));
    expect((await readInfiniGramFile(path('ids-cl.tli'))).info.tokenizer).toBe('cl100k_base');
  });
});

describe('tokenlab infgram count and next', () => {
  const queries = [
    ...idLines.slice(0, 60).flatMap((l) => [l.slice(0, 3), l.slice(2, 7), l.slice(1, 2)]),
    [],
    [5, 1000], // 5 is not in the corpus
    [1001, 1002, 1003, 1004, 1005],
  ];

  it('--queries FILE --json: one {"count": n} a line, as the engine counts', async () => {
    writeFileSync(path('queries.ids'), queries.map((q) => q.join(' ')).join('\n'));
    const index = await readInfiniGramFile(path('ids.tli'));
    const lines = await jsonLines('count', '--index', path('ids.tli'), '--queries', path('queries.ids'));
    expect(lines).toEqual(queries.map((q) => JSON.stringify({ count: count(index, q) })));
    expect(new Set(lines).size).toBeGreaterThan(5); // the queries are not all alike
  });

  it('--queries FILE --json: one {"suffixLength", "count", "next": every token} a line, as the engine answers', async () => {
    const index = await readInfiniGramFile(path('ids.tli'));
    const lines = await jsonLines('next', '--index', path('ids.tli'), '--queries', path('queries.ids'));
    const expected = queries.map((q) => {
      const n = nextTokens(index, q);
      return JSON.stringify({
        suffixLength: n.suffixLength,
        count: n.count,
        next: Array.from(n.ids, (id, i) => ({ id, count: n.counts[i] })),
      });
    });
    expect(lines).toEqual(expected);
  });

  it('--text and --ids on a corpus index: the engine on the text tokenized; text output decodes the tokens', async () => {
    const index = await readInfiniGramFile(path('c.tli'));
    const text = 'Chapter 3: optimization of';
    const ids = cl100k.encodeOrdinary(text);
    expect(await jsonLines('count', '--index', path('c.tli'), '--text', text)).toEqual([JSON.stringify({ count: count(index, ids) })]);
    expect(count(index, ids)).toBeGreaterThan(0);
    const byIds = await jsonLines('next', '--index', path('c.tli'), '--ids', ids.join(' '));
    expect(await jsonLines('next', '--index', path('c.tli'), '--text', text)).toEqual(byIds);
    const n = nextTokens(index, ids);
    expect(JSON.parse(byIds[0]).next.map((t: { id: number }) => t.id)).toEqual(Array.from(n.ids));
    const human = await tokenlab('infgram', 'count', '--index', path('c.tli'), '--text', text);
    expect(human.stdout).toBe(`${count(index, ids)}\t${JSON.stringify(text)}\n`);
    const rows = (await tokenlab('infgram', 'next', '--index', path('c.tli'), '--text', text)).stdout.split('\n').slice(1, -2);
    expect(rows).toEqual(
      Array.from(n.ids, (id, i) => `${n.counts[i]}\t${(n.counts[i] / n.count).toFixed(6)}\t${JSON.stringify(cl100k.decode([id]))}\t${id}`),
    );
  });
});

describe('tokenlab infgram find', () => {
  it('a page of occurrences in corpus order, as the engine finds them', async () => {
    const index = await readInfiniGramFile(path('ids.tli'));
    const ids = [1000, 1001];
    for (const [offset, limit] of [
      [0, 20],
      [3, 4],
      [0, 1000],
    ]) {
      const [line] = await jsonLines(
        'find',
        '--index',
        path('ids.tli'),
        '--ids',
        ids.join(' '),
        '--offset',
        `${offset}`,
        '--limit',
        `${limit}`,
      );
      expect(JSON.parse(line)).toEqual(find(index, ids, { offset, limit }));
    }
    expect(find(index, ids).count).toBeGreaterThan(4);
    const human = await tokenlab('infgram', 'find', '--index', path('ids.tli'), '--ids', '1000 1001', '--limit', '2');
    const first = find(index, ids, { limit: 2 }).occurrences;
    expect(human.stdout.split('\n').slice(1, 3)).toEqual(first.map((o) => `line ${o.line}\ttoken ${o.token}`));
  });
});

describe('tokenlab infgram trace', () => {
  const text = `我们知道，${corpusLines[3]}而且 Chapter 2: optimization of 1 models. 再见`;

  it('the maximal spans the engine finds, with their first occurrences shown in the corpus lines', async () => {
    const index = await readInfiniGramFile(path('c.tli'));
    const ids = cl100k.encodeOrdinary(text);
    const lines = [
      ...readFileSync((await bundledCorpus('parallel-zh-en')).path, 'utf8')
        .replace(/\n$/, '')
        .split('\n'),
      ...corpusLines,
    ];
    for (const minLength of [undefined, 2, 9]) {
      const args = minLength === undefined ? [] : ['--min-length', `${minLength}`];
      const [line] = await jsonLines('trace', '--index', path('c.tli'), '--text', text, ...args);
      const expected = maximalSpans(index, ids, { minLength }).map((s) => ({
        start: s.start,
        end: s.end,
        text: cl100k.decode(ids.slice(s.start, s.end)),
        count: s.count,
        first: s.first.map((o) => ({ ...o, text: lines[o.line], from: 'corpus' })),
      }));
      expect(JSON.parse(line)).toEqual({ tokens: ids.length, spans: expected });
      expect(expected.length).toBeGreaterThan(0);
      const human = (await tokenlab('infgram', 'trace', '--index', path('c.tli'), '--text', text, ...args)).stdout;
      const shown = expected.flatMap((s) => [
        `tokens ${s.start} to ${s.end}: ${JSON.stringify(s.text)}, ${s.count} occurrences`,
        ...s.first.map((o) => `  line ${o.line}, token ${o.token}: ${o.text}`),
      ]);
      expect(human).toBe(`${ids.length} tokens; ${expected.length} maximal spans occur verbatim in the corpus\n${shown.join('\n')}\n`);
    }
  });

  it('when the corpus file has changed, the lines are the tokens decoded', async () => {
    copyFileSync(path('corpus.txt'), path('moving.txt'));
    await build('--tokenizer', 'cl100k_base', '--corpus', path('moving.txt'), '--out', path('m.tli'));
    const before = JSON.parse((await jsonLines('trace', '--index', path('m.tli'), '--text', text))[0]);
    writeFileSync(path('moving.txt'), `${corpusLines.map((l) => l.replace('Chapter', 'Part')).join('\n')}\n`);
    const after = JSON.parse((await jsonLines('trace', '--index', path('m.tli'), '--text', text))[0]);
    rmSync(path('moving.txt'));
    const gone = JSON.parse((await jsonLines('trace', '--index', path('m.tli'), '--text', text))[0]);
    const index = await readInfiniGramFile(path('m.tli'));
    type Occ = { line: number; text: string; from: string };
    const firsts = (t: { spans: Array<{ first: Occ[] }> }) => t.spans.flatMap((s) => s.first);
    expect(firsts(before).every((o) => o.from === 'corpus' && o.text === corpusLines[o.line])).toBe(true);
    const chapters = firsts(after).filter((o) => o.text.includes('Chapter'));
    expect(chapters.length).toBeGreaterThan(0); // lines the edit changed: decoded from the index
    for (const o of chapters) expect(o).toMatchObject({ from: 'tokens', text: cl100k.decode(index.lineIds(o.line)) });
    expect(firsts(gone).every((o) => o.from === 'tokens' && o.text === corpusLines[o.line])).toBe(true);
  });
});

describe('tokenlab infgram score', () => {
  const text = 'Chapter 2: optimization of 1 models.\n\n第4章：深度学习中的优化方法。';

  it("each token's P∞, suffix length and sparseness, line by line, as scoreTokens gives them", async () => {
    const index = await readInfiniGramFile(path('c.tli'));
    const scored = JSON.parse((await jsonLines('score', '--index', path('c.tli'), '--text', text))[0]);
    const expected = text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const ids = cl100k.encodeOrdinary(l);
        const s = scoreTokens(index, ids, new Float64Array(ids.length).fill(0.5));
        return ids.map((id, i) => ({ id, infgramProb: s.infgramProbs[i], suffixLength: s.suffixLengths[i], sparse: s.sparse[i] === 1 }));
      });
    expect(scored.lines).toEqual(expected);
    const all = expected.flat();
    expect(scored.tokens).toBe(all.length);
    expect(scored.meanSuffixLength).toBeCloseTo(all.reduce((s, t) => s + t.suffixLength, 0) / all.length, 12);
    expect(scored.bitsPerByte).toBeUndefined();
  });

  it('with a Kneser-Ney model of the same tokenizer: the bits per byte of scoreTextInterpolated; another tokenizer is refused', async () => {
    for (const [tokenizer, out] of [
      ['cl100k_base', 'kn.tlm'],
      ['o200k_base', 'kn-o200k.tlm'],
    ])
      expect((await tokenlab('lm', 'build', '--tokenizer', tokenizer, '--corpus', path('corpus.txt'), '--out', path(out))).code).toBe(0);
    const index = await readInfiniGramFile(path('c.tli'));
    const expected = scoreTextInterpolated(index, await readModelFile(path('kn.tlm')), cl100k, text);
    const scored = JSON.parse((await jsonLines('score', '--index', path('c.tli'), '--text', text, '--model', path('kn.tlm')))[0]);
    expect(scored).toMatchObject({ bytes: expected.bytes, bitsPerByte: expected.bitsPerByte, modelBitsPerByte: expected.modelBitsPerByte });
    expect(scored.meanSuffixLength).toBeCloseTo(expected.meanSuffixLength, 12);
    expect(scored.seenShare).toBeCloseTo(expected.seenShare, 12);
    await refused(
      1,
      /kn-o200k\.tlm is over o200k_base, the index over cl100k_base/,
      'score',
      '--index',
      path('c.tli'),
      '--text',
      text,
      '--model',
      path('kn-o200k.tlm'),
    );
  });
});

describe('tokenlab infgram refuses bad input', () => {
  it('a missing or corrupted index file', async () => {
    await refused(1, /--index .*nothere\.tli: no such file/, 'count', '--index', path('nothere.tli'), '--ids', '1 2');
    const bytes = readFileSync(path('ids.tli'));
    bytes[bytes.length >> 1] ^= 0x55;
    writeFileSync(path('bad.tli'), bytes);
    await refused(1, /bad\.tli: damaged infini-gram index file/, 'next', '--index', path('bad.tli'), '--ids', '1000');
    writeFileSync(path('model.tli'), readFileSync(path('kn.tlm')));
    await refused(1, /not a tokenlab infini-gram index file/, 'count', '--index', path('model.tli'), '--ids', '1000');
  });

  it('an unknown tokenizer: at build, and for --text when the index names none or one that is gone', async () => {
    await refused(2, /unknown tokenizer "nope"/, 'build', '--tokenizer', 'nope', '--corpus', path('corpus.txt'), '--out', path('x.tli'));
    await refused(
      1,
      /--text needs the index's tokenizer, but it was built from ids with no --tokenizer/,
      'count',
      '--index',
      path('ids.tli'),
      '--text',
      'a',
    );
    copyFileSync('vocabularies/tokenlab-cjk-32k.json', path('vocab.json'));
    await build('--tokenizer', path('vocab.json'), '--corpus', path('corpus.txt'), '--out', path('v.tli'));
    expect((await tokenlab('infgram', 'count', '--index', path('v.tli'), '--text', '深度学习')).code).toBe(0);
    rmSync(path('vocab.json'));
    await refused(
      1,
      /--text needs the index's tokenizer, but its tokenizer ".*vocab\.json" cannot be loaded here/,
      'trace',
      '--index',
      path('v.tli'),
      '--text',
      '深度学习',
    );
    // ids still answer, shown as ids
    const r = await tokenlab('infgram', 'count', '--index', path('v.tli'), '--ids', '5 6');
    expect(r.stdout).toBe(`${count(await readInfiniGramFile(path('v.tli')), [5, 6])}\t5 6\n`);
  });

  it('malformed ids, ids the tokenizer lacks, and --ids with --text', async () => {
    await refused(2, /"x" \(item 2\) is not a token id/, 'count', '--index', path('c.tli'), '--ids', '1 x 3');
    writeFileSync(path('bad.ids'), '1 2\n3 -4\n');
    await refused(2, /--queries .*bad\.ids: not a token id: 3 -4/, 'next', '--index', path('c.tli'), '--queries', path('bad.ids'));
    await refused(2, /--ids .*bad\.ids: not a token id/, 'build', '--ids', path('bad.ids'), '--out', path('x.tli'));
    await refused(1, /--ids .*none\.ids: no such file/, 'build', '--ids', path('none.ids'), '--out', path('x.tli'));
    await refused(1, /cl100k_base has no token with id 999999/, 'count', '--index', path('c.tli'), '--ids', '1 999999');
    writeFileSync(path('big.ids'), '1 2\n3 200000\n');
    await refused(
      1,
      /cl100k_base has no token with id 200000/,
      'build',
      '--ids',
      path('big.ids'),
      '--tokenizer',
      'cl100k_base',
      '--out',
      path('x.tli'),
    );
    await refused(
      2,
      /give one of --ids, --text or --queries, not --ids and --text/,
      'count',
      '--index',
      path('c.tli'),
      '--ids',
      '1',
      '--text',
      'a',
    );
    await refused(2, /give one of --ids or --text/, 'find', '--index', path('c.tli'));
    await refused(2, /unknown option --queries/, 'find', '--index', path('c.tli'), '--queries', path('queries.ids'));
    await refused(
      2,
      /give --corpus or --ids, not both/,
      'build',
      '--ids',
      path('lines.ids'),
      '--corpus',
      path('corpus.txt'),
      '--out',
      path('x.tli'),
    );
    await refused(2, /infgram takes one of build, count, next, find, trace, score, not "grep"/, 'grep');
  });
});
