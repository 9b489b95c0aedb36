/**
 * Chinese technical documentation that no corpus of the project holds, for bench:quality's goal line (issue 21:
 * "judged on held-out text that is not in any corpus the project has"): Debian's manuals in Simplified Chinese,
 * read where Debian's packages install them and never copied into the project.
 *
 *   apt-get install debian-reference-zh-cn debian-faq-zh-cn maint-guide-zh-cn   (GPL-2.0+; .ci/run does not)
 *
 * Each HTML page (the index pages left out: they repeat the chapters' headings) becomes prose units and code lines
 * as the modern corpora are made (stripHtml); each distinct line is kept once, as the chapters' tables of contents
 * repeat their headings. Example: '<p>用 <code>apt-get</code> 安装</p><pre># apt-get install mc</pre>' →
 * ['用 apt-get 安装', '# apt-get install mc'].
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripHtml } from '../src/store/corpora/modern-markup.js';

interface Manual {
  /** The name the bench prints (the Debian package's). */
  name: string;
  dir: string;
}

const MANUALS: Manual[] = [
  { name: 'debian-reference-zh-cn', dir: '/usr/share/debian-reference' },
  { name: 'debian-faq-zh-cn', dir: '/usr/share/doc/debian/FAQ/zh-cn' },
  { name: 'maint-guide-zh-cn', dir: '/usr/share/doc/maint-guide-zh-cn/html' },
];

/** The lines of one page's body: prose units, then each code block's lines. */
function pageLines(html: string): string[] {
  const { prose, code } = stripHtml(html.replace(/^[\s\S]*?<body\b[^>]*>/iu, ''));
  return [...prose, ...code.flat()];
}

/** The installed manuals' lines, and the packages not installed (the bench says it skips them). */
export function debianChineseDocs(): { texts: Array<{ name: string; lines: string[] }>; missing: string[] } {
  const texts: Array<{ name: string; lines: string[] }> = [];
  const missing: string[] = [];
  for (const { name, dir } of MANUALS) {
    const pages = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.zh-cn.html') && !f.startsWith('index.')) : [];
    if (pages.length === 0) {
      missing.push(name);
      continue;
    }
    const lines = new Set<string>();
    for (const page of pages.sort()) for (const line of pageLines(readFileSync(join(dir, page), 'utf8'))) lines.add(line);
    texts.push({ name, lines: [...lines] });
  }
  return { texts, missing };
}
