/**
 * Test oracle: the infini-gram queries by scanning every position of every line, with no index. The engine
 * (src/lm/infgram/) must give exactly these answers.
 */

type Lines = ReadonlyArray<ArrayLike<number>>;

function matchesAt(line: ArrayLike<number>, at: number, ids: ArrayLike<number>, from = 0, to = ids.length): boolean {
  if (at + to - from > line.length) return false;
  for (let k = 0; k < to - from; k++) if (line[at + k] !== ids[from + k]) return false;
  return true;
}

/** Every occurrence of `ids` inside a line, in corpus order (line, then token offset). */
export function scanOccurrences(lines: Lines, ids: ArrayLike<number>): Array<{ line: number; token: number }> {
  const found: Array<{ line: number; token: number }> = [];
  lines.forEach((line, l) => {
    for (let at = 0; at + ids.length <= line.length; at++) {
      if (ids.length === 0 && at === line.length) break;
      if (matchesAt(line, at, ids)) found.push({ line: l, token: at });
    }
  });
  return found;
}

export function scanCount(lines: Lines, ids: ArrayLike<number>): number {
  return scanOccurrences(lines, ids).length;
}

/** The tokens that follow context[from, to) in the same line, counted by id. */
function followers(lines: Lines, context: ArrayLike<number>, from: number, to: number): Map<number, number> {
  const next = new Map<number, number>();
  for (const line of lines) {
    for (let at = 0; at + (to - from) < line.length; at++) {
      if (matchesAt(line, at, context, from, to)) {
        const id = line[at + to - from];
        next.set(id, (next.get(id) ?? 0) + 1);
      }
    }
  }
  return next;
}

/** The ∞-gram distribution: the longest suffix of `context` some token follows, by trying every length from the longest. */
export function scanNext(
  lines: Lines,
  context: ArrayLike<number>,
): { suffixLength: number; count: number; ids: number[]; counts: number[] } {
  for (let k = context.length; k >= 0; k--) {
    const next = followers(lines, context, context.length - k, context.length);
    if (next.size > 0 || k === 0) {
      const entries = [...next].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
      return {
        suffixLength: k,
        count: entries.reduce((s, e) => s + e[1], 0),
        ids: entries.map((e) => e[0]),
        counts: entries.map((e) => e[1]),
      };
    }
  }
  throw new Error('unreachable');
}

/** The maximal spans of `ids` that occur in a line (none inside a longer one), at least `minLength` long. */
export function scanMaximalSpans(
  lines: Lines,
  ids: ArrayLike<number>,
  minLength: number,
): Array<{ start: number; end: number; count: number }> {
  const spans: Array<{ start: number; end: number; count: number }> = [];
  const occurs = (a: number, b: number) =>
    lines.some((line) => Array.from({ length: line.length }, (_, at) => at).some((at) => matchesAt(line, at, ids, a, b)));
  let reach = 0;
  for (let a = 0; a < ids.length; a++) {
    let b = a;
    while (b < ids.length && occurs(a, b + 1)) b++;
    if (b > reach && b > a) {
      reach = b;
      if (b - a >= minLength) spans.push({ start: a, end: b, count: scanCount(lines, Array.from(ids).slice(a, b)) });
    }
  }
  return spans;
}
