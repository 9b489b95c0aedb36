/** src/bpe/hf/id-list.ts: the ids of an encode call, collected in a reused typed array. */
import { describe, expect, it } from 'vitest';
import { IdList } from '../src/bpe/hf/id-list.js';

describe('IdList', () => {
  it('keeps what is pushed and appended, in order, past its first capacity', () => {
    const list = new IdList();
    const expected: number[] = [];
    for (let i = 0; i < 3000; i++) {
      list.push(i * 7);
      expected.push(i * 7);
    }
    list.append(Int32Array.of(5, 6, 7, 8), 3);
    expected.push(5, 6, 7);
    expect(list.take()).toEqual(expected);
  });

  it('take gives a new array and empties the list; the next call starts afresh', () => {
    const list = new IdList();
    list.push(1);
    const first = list.take();
    list.push(2);
    list.push(3);
    expect(first).toEqual([1]);
    expect(list.take()).toEqual([2, 3]);
    expect(list.take()).toEqual([]);
  });

  it('gives back a buffer grown past a million ids when cleared, and keeps a smaller one', () => {
    const list = new IdList();
    list.room(5000);
    list.clear();
    expect(list.ids.length).toBeGreaterThanOrEqual(5000);
    list.room((1 << 20) + 1);
    list.clear();
    expect(list.ids.length).toBe(1024);
    expect(list.length).toBe(0);
  });
});
