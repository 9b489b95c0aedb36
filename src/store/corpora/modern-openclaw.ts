/**
 * OpenClaw (npm `openclaw`, MIT), an AI-agent gateway: its documentation (`docs/**.md`, modern technical English
 * with many code examples) and its control panel's Simplified Chinese interface strings (the zh-CN locale
 * bundles in `dist/control-ui/assets/`, minified JavaScript whose strings are read out of it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripMarkdown, type Stripped } from './modern-markup.js';
import { cleanUiString, filesUnder } from './modern-vscode.js';

const HAN = /\p{Script=Han}/u;

/** The string and template literals in minified JavaScript that hold a Han character, in order. */
export function hanLiterals(js: string): string[] {
  const out: string[] = [];
  const literal = /`((?:[^`\\]|\\.)*)`|"((?:[^"\\\n]|\\.)*)"/gu;
  for (let m = literal.exec(js); m !== null; m = literal.exec(js)) {
    const raw = m[1] ?? m[2];
    if (!HAN.test(raw)) continue;
    const text = cleanUiString(raw.replace(/\\n/gu, ' ').replace(/\\(.)/gu, '$1'));
    if (text !== '') out.push(text);
  }
  return out;
}

/** The control panel's zh-CN strings: the locale bundles (`zh-CN-*.js`, `locale-config-hints-zh-CN-*.js`) in name order. */
export function openclawUiZh(dir: string): string[] {
  const assets = join(dir, 'dist', 'control-ui', 'assets');
  return readdirSync(assets)
    .filter((f) => /^(locale-config-hints-)?zh-CN-[\w-]+\.js$/u.test(f))
    .sort()
    .flatMap((f) => hanLiterals(readFileSync(join(assets, f), 'utf8')));
}

/**
 * The documentation's prose units and code blocks, from every k-th page in path order (k = ceil(total bytes /
 * budget)) so that the sample covers every part of the docs.
 */
export function openclawDocs(dir: string, budgetBytes: number): Stripped {
  const pages = filesUnder(join(dir, 'docs'), '.md').map((f) => readFileSync(f, 'utf8'));
  const total = pages.reduce((sum, p) => sum + Buffer.byteLength(p), 0);
  const stride = Math.max(1, Math.ceil(total / budgetBytes));
  const prose: string[] = [];
  const code: string[][] = [];
  pages.forEach((page, i) => {
    if (i % stride !== 0) return;
    const doc = stripMarkdown(page);
    prose.push(...doc.prose);
    code.push(...doc.code);
  });
  return { prose, code };
}
