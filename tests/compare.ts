import { expect } from 'vitest';

/**
 * Compare two id sequences and, when they differ, report only the first difference with a little context:
 * a plain toEqual on 100k-element arrays spends minutes building its diff.
 */
export function expectSameIds(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  const a = Array.from(actual);
  const e = Array.from(expected);
  let i = 0;
  while (i < a.length && i < e.length && a[i] === e[i]) i++;
  if (i === a.length && i === e.length) return;
  const at = Math.max(0, i - 3);
  expect({ firstDifference: i, length: a.length, ids: a.slice(at, i + 8) }, label).toEqual({
    firstDifference: i,
    length: e.length,
    ids: e.slice(at, i + 8),
  });
}

/** Like expectSameIds, for long strings. */
export function expectSameText(actual: string, expected: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  expect({ firstDifference: i, length: actual.length, text: actual.slice(Math.max(0, i - 20), i + 20) }).toEqual({
    firstDifference: i,
    length: expected.length,
    text: expected.slice(Math.max(0, i - 20), i + 20),
  });
}
