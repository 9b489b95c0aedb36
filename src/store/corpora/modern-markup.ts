/**
 * Markup to plain text for the modern corpora: Markdown (changelogs, API doc comments) and the HTML of help
 * pages become prose units (a paragraph, a list item, a heading: one unit each, whitespace runs made one space),
 * and their code blocks are set apart as code, whose own lines and indentation are kept.
 */

export interface Stripped {
  /** Prose units, in order, none empty and none containing a newline. */
  prose: string[];
  /** Code blocks, in order: each the block's lines, trailing whitespace and blank lines dropped. */
  code: string[][];
}

const HAN_END = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]$/u;
const HAN_START = /^[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/**
 * Joins the lines of one paragraph as a browser shows them: a space between two lines, except between two
 * Chinese characters, where a soft line break is no space. Example: ['使用', '模型', 'with it'] → '使用模型 with it'.
 */
export function joinSoftLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    out = out === '' ? line : HAN_END.test(out) && HAN_START.test(line) ? out + line : `${out} ${line}`;
  }
  return out.replace(/\s+/gu, ' ');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** HTML character references to characters (the named ones help pages use, and numeric ones). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/giu, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** Inline Markdown to its text: images dropped, links to their text, code spans, emphasis and HTML tags unwrapped. */
export function inlineMarkdown(text: string): string {
  return decodeEntities(
    text
      .replace(/!\[[^\]]*\]\([^)]*\)/gu, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/gu, '$1')
      .replace(/\[([^\]]*)\]\[[^\]]*\]/gu, '$1')
      .replace(/<[^>]+>/gu, '')
      .replace(/`+([^`]*)`+/gu, '$1')
      .replace(/(\*\*|__)(?=\S)(.*?\S)\1/gu, '$2')
      .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*/gu, '$1$2'),
  ).trim();
}

const FENCE = /^\s*(```|~~~)/u;
const ITEM = /^\s*(?:[-*+]|\d+[.)])\s+/u;
const HEADING = /^\s{0,3}#{1,6}\s+/u;
const RULE = /^\s*([-*_=])(\s*\1){2,}\s*$/u;
const TABLE_RULE = /^\s*\|?\s*:?-{2,}/u;

/**
 * Markdown to prose units and code blocks. A unit is a heading, a list item or a paragraph (lines up to a blank
 * line, joined by joinSoftLines); table rows are a unit each with their cells joined by spaces; rules and YAML
 * front matter are dropped. Example: "# Title\n\nSome `code` here\nand there.\n\n```js\nf();\n```" →
 * prose ['Title', 'Some code here and there.'], code [['f();']].
 */
export function stripMarkdown(markdown: string): Stripped {
  const lines = markdown
    .replace(/\r\n?/gu, '\n')
    .replace(/^---\n[\s\S]*?\n---\n/u, '')
    .split('\n');
  const prose: string[] = [];
  const code: string[][] = [];
  let paragraph: string[] = [];
  const flush = () => {
    const unit = inlineMarkdown(joinSoftLines(paragraph));
    if (unit !== '') prose.push(unit);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      flush();
      const block: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i]); i++) block.push(lines[i]);
      const kept = dedent(block);
      if (kept.length > 0) code.push(kept);
    } else if (line.trim() === '' || RULE.test(line) || TABLE_RULE.test(line)) {
      flush();
    } else if (HEADING.test(line) || ITEM.test(line) || line.trim().startsWith('|')) {
      flush();
      paragraph = [
        line
          .replace(HEADING, '')
          .replace(ITEM, '')
          .replace(/\s*\|\s*/gu, ' '),
      ];
      if (HEADING.test(line) || line.trim().startsWith('|')) flush();
    } else {
      paragraph.push(line.replace(/^\s*>\s?/u, ''));
    }
  }
  flush();
  return { prose, code };
}

/** A code block's lines less their common indentation, trailing whitespace and blank lines. */
export function dedent(block: readonly string[]): string[] {
  const kept = block.map((l) => l.replace(/\s+$/u, '')).filter((l) => l !== '');
  const indent = Math.min(...kept.map((l) => /^ */u.exec(l)![0].length));
  return kept.map((l) => l.slice(Number.isFinite(indent) ? indent : 0));
}

const BLOCK_TAGS = /<\/?(?:p|div|h[1-6]|li|ul|ol|dl|dt|dd|table|tr|td|th|br|hr|section|blockquote)\b[^>]*>/giu;

/**
 * The HTML of a help page to prose units (a paragraph, heading, list item or definition each) and code
 * blocks (each `<pre>`). Example: '<p>Converts <code>msg</code>.</p><pre>a = 1</pre>' → prose ['Converts msg.'],
 * code [['a = 1']].
 */
export function stripHtml(html: string): Stripped {
  const code: string[][] = [];
  const withoutPre = html.replace(/<pre\b[^>]*>([\s\S]*?)<\/pre>/giu, (_, body: string) => {
    const block = dedent(decodeEntities(body.replace(/<[^>]+>/gu, '')).split('\n'));
    if (block.length > 0) code.push(block);
    return '\n';
  });
  const text = withoutPre
    .replace(/<!--[\s\S]*?-->/gu, '')
    .replace(BLOCK_TAGS, '\0')
    .replace(/<span\b[^>]*>/giu, ' ')
    .replace(/<[^>]+>/gu, '');
  const prose = decodeEntities(text)
    .split('\0')
    .map((chunk) => joinSoftLines(chunk.split('\n')))
    .filter((l) => l !== '');
  return { prose, code };
}
