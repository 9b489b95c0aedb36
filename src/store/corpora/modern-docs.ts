/**
 * Documents from npm packages as text: Node-RED's node help pages (each in English and Simplified Chinese),
 * antd 3's changelog (one section a release, in both languages), and the API documentation in @types/node's doc
 * comments. Markup is stripped (modern-markup.ts); code blocks come out apart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stripHtml, stripMarkdown, type Stripped } from './modern-markup.js';
import { filesUnder } from './modern-vscode.js';

/** One document in both languages, each side one line (its units joined by spaces). */
export interface AlignedDoc {
  id: string;
  zh: string;
  en: string;
}

export interface Documents {
  aligned: AlignedDoc[];
  /** The code blocks of the documents, English side first, in document order. */
  code: string[][];
}

/** A stripped document as one line. */
function asLine(doc: Stripped): string {
  return doc.prose.join(' ');
}

/** Each help page of an HTML file, by node name (`<script type="text/html" data-help-name="NAME">…</script>`). */
function helpPages(html: string): Map<string, string> {
  const out = new Map<string, string>();
  const page = /<script\b[^>]*data-help-name="([^"]+)"[^>]*>([\s\S]*?)<\/script>/gu;
  for (let m = page.exec(html); m !== null; m = page.exec(html)) if (!out.has(m[1])) out.set(m[1], m[2]);
  return out;
}

/**
 * Node-RED's help for each core node (`locales/en-US/**.html` and the same path under `locales/zh-CN`), aligned
 * by node name, in path then page order. A page only one language has is left out.
 */
export function nodeRedHelp(dir: string): Documents {
  const en = join(dir, 'locales', 'en-US');
  const zh = join(dir, 'locales', 'zh-CN');
  const aligned: AlignedDoc[] = [];
  const code: string[][] = [];
  for (const file of filesUnder(en, '.html')) {
    const zhFile = join(zh, relative(en, file));
    if (!existsSync(zhFile)) continue;
    const zhPages = helpPages(readFileSync(zhFile, 'utf8'));
    for (const [name, enHtml] of helpPages(readFileSync(file, 'utf8'))) {
      const zhHtml = zhPages.get(name);
      if (zhHtml === undefined) continue;
      const [enDoc, zhDoc] = [stripHtml(enHtml), stripHtml(zhHtml)];
      if (enDoc.prose.length === 0 || zhDoc.prose.length === 0) continue;
      aligned.push({ id: name, zh: asLine(zhDoc), en: asLine(enDoc) });
      code.push(...enDoc.code);
    }
  }
  return { aligned, code };
}

/** A changelog's sections by release: each `## VERSION` heading and the text up to the next one. */
function releases(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = markdown.replace(/\r\n?/gu, '\n').split(/^## +/mu);
  for (const part of parts.slice(1)) {
    const newline = part.indexOf('\n');
    const version = part.slice(0, newline).trim();
    if (/^\d+\.\d+/u.test(version) && !out.has(version)) out.set(version, part.slice(newline + 1));
  }
  return out;
}

/** antd's changelog (`CHANGELOG.en-US.md`, `CHANGELOG.zh-CN.md`): one document a release, aligned by version, newest first. */
export function antdChangelog(dir: string): Documents {
  const en = releases(readFileSync(join(dir, 'CHANGELOG.en-US.md'), 'utf8'));
  const zh = releases(readFileSync(join(dir, 'CHANGELOG.zh-CN.md'), 'utf8'));
  const aligned: AlignedDoc[] = [];
  const code: string[][] = [];
  for (const [version, enText] of en) {
    const zhText = zh.get(version);
    if (zhText === undefined) continue;
    const [enDoc, zhDoc] = [stripMarkdown(enText), stripMarkdown(zhText)];
    if (enDoc.prose.length === 0 || zhDoc.prose.length === 0) continue;
    aligned.push({ id: version, zh: asLine(zhDoc), en: asLine(enDoc) });
    code.push(...enDoc.code);
  }
  return { aligned, code };
}

/** The text of each `/** … *\/` comment, its leading asterisks removed, tag lines (`@since v1.0.0`) dropped. */
export function docComments(source: string): string[] {
  const out: string[] = [];
  const comment = /\/\*\*([\s\S]*?)\*\//gu;
  for (let m = comment.exec(source); m !== null; m = comment.exec(source)) {
    const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/u, ''));
    out.push(lines.filter((l) => !l.trimStart().startsWith('@')).join('\n'));
  }
  return out;
}

/**
 * The API documentation in @types/node's declaration files (every `.d.ts` outside `ts5.*` and `compatibility`,
 * in path order): the prose units of its doc comments, and their code examples.
 */
export function nodeApiDocs(dir: string): Stripped {
  const prose: string[] = [];
  const code: string[][] = [];
  for (const file of filesUnder(dir, '.d.ts')) {
    if (/^(ts\d|compatibility)/u.test(relative(dir, file))) continue;
    for (const text of docComments(readFileSync(file, 'utf8'))) {
      const doc = stripMarkdown(text);
      prose.push(...doc.prose);
      code.push(...doc.code);
    }
  }
  return { prose, code };
}

/** A JSON message catalogue flattened: each string under its dotted key path. */
function flatten(value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (typeof value === 'string') out.set(path, value);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) flatten(v, path === '' ? k : `${path}.${k}`, out);
  return out;
}

/**
 * Node-RED's message catalogues (the nodes' `messages.json`, the editor's `editor.json`, `infotips.json` and
 * `jsonata.json`, under `locales/en-US` and `locales/zh-CN`) as pairs aligned by key, Markdown in them stripped.
 */
export function nodeRedMessages(nodesDir: string, editorDir: string): Array<{ zh: string; en: string }> {
  const files = [
    join(nodesDir, 'locales', '%', 'messages.json'),
    ...['editor', 'infotips', 'jsonata'].map((n) => join(editorDir, 'locales', '%', `${n}.json`)),
  ];
  const out: Array<{ zh: string; en: string }> = [];
  for (const file of files) {
    const read = (locale: string) => flatten(JSON.parse(readFileSync(file.replace('%', locale), 'utf8')), '', new Map());
    const zh = read('zh-CN');
    for (const [key, en] of read('en-US')) {
      const zhText = zh.get(key);
      if (zhText === undefined) continue;
      const pair = { zh: stripMarkdown(zhText).prose.join(' '), en: stripMarkdown(en).prose.join(' ') };
      if (pair.zh !== '' && pair.en !== '' && /\p{Script=Han}/u.test(pair.zh)) out.push(pair);
    }
  }
  return out;
}
