/**
 * De-duplication across the modern corpora: a unit is dropped when one seen before (in any corpus built
 * earlier in the same run) has the same near-duplicate key, so that a string repeated across packages, releases
 * or overloads is kept once.
 */

/**
 * What two units that differ only in case, digits, punctuation, symbols or spacing share. Example:
 * nearKey('Fixed Table in 3.2.1.') === nearKey('fixed table in 4.0') (both 'fixedtablein').
 */
export function nearKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{N}\p{P}\p{S}\s]+/gu, '');
}

/** Remembers keys; `fresh` is true the first time a key is offered and false after (and for an empty key). */
export class Seen {
  private readonly keys = new Set<string>();

  fresh(key: string): boolean {
    if (key === '' || this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
}

/** The units whose near-duplicate key is new to `seen`, in order. */
export function dedupeLines(lines: readonly string[], seen: Seen): string[] {
  return lines.filter((line) => seen.fresh(nearKey(line)));
}

/** Code blocks whose text (spacing aside) is new to `seen`, in order: code lines repeat in earnest, blocks less so. */
export function dedupeBlocks(blocks: readonly (readonly string[])[], seen: Seen): string[][] {
  return blocks.filter((block) => seen.fresh(block.join('\n').replace(/\s+/gu, ' ').trim())).map((b) => [...b]);
}
