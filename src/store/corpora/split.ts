/**
 * The train / held-out split of a corpus (bundled or the user's): a line is held out by a fixed rule on its
 * index, so the same text always splits the same way.
 */

/** Share of lines held out, in percent. */
export const HELD_OUT_PERCENT = 10;

/** murmur3's 32-bit finaliser: a well-mixed hash of a line index. */
function mix32(x: number): number {
  x = (x ^ 0x9e3779b9) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Whether line `index` (0-based) of a corpus is held out. It depends on the index alone, so line-aligned
 * corpora (ts-messages-zh and ts-messages-en) are split alike and stay aligned in both parts.
 */
export function isHeldOut(index: number): boolean {
  return mix32(index) % 100 < HELD_OUT_PERCENT;
}

/** Splits a corpus's text into its lines and deals them to train or held-out by isHeldOut. */
export function splitText(text: string): { train: string[]; heldOut: string[] } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const train: string[] = [];
  const heldOut: string[] = [];
  lines.forEach((line, i) => (isHeldOut(i) ? heldOut : train).push(line));
  return { train, heldOut };
}

/** The text of a part: its lines, each ended by a newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
