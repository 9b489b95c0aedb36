import { describe, expect, it } from 'vitest';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { StreamDecoder, incompleteUtf8Tail } from '../src/bpe/decoder.js';
import { tokenSpans, SpanMismatchError, type TokenSpan } from '../src/bpe/offsets/spans.js';
import { ENDS_INSIDE, LAST_ASTRAL, STARTS_INSIDE, tokenShapes } from '../src/bpe/offsets/token-shapes.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { tiktokenEncoding } from '../src/store/tokenizers.js';

const TEXT = '深度学习🙂 很有趣！👨‍👩‍👧 emoji 🇨🇳 and 中文 mixed 𠀀.';

/** A small vocabulary with a few merges: most Han characters stay split into single bytes or two-byte parts. */
const small = new Encoder(
  trainOnTexts(['深度学习 深度 深度学习 学习 学 学 学习', 'hello world hello'], { pattern: 'gpt2', vocabSize: 270 }),
);

describe('StreamDecoder', () => {
  for (const [label, enc] of [
    ['cl100k_base', tiktokenEncoding('cl100k_base').encoder],
    ['small trained vocabulary', small],
  ] as const) {
    it(`streams ${label} in every split like one-shot decode`, () => {
      const ids = enc.encode(TEXT);
      const whole = enc.decode(ids);
      expect(whole).toBe(TEXT);
      for (let cut = 0; cut <= ids.length; cut++) {
        const d = new StreamDecoder(enc);
        const out = d.push(ids.slice(0, cut)) + d.push(ids.slice(cut)) + d.flush();
        expect(out, `cut at ${cut}`).toBe(whole);
      }
      const d = new StreamDecoder(enc);
      let out = '';
      for (const id of ids) out += d.push([id]);
      expect(out + d.flush()).toBe(whole);
    });
  }

  it('holds back an incomplete character and emits it when complete', () => {
    const e = small;
    const bytes = new TextEncoder().encode('深');
    const ids = [...bytes].map((b) => e.tokenId(Uint8Array.of(b))!);
    const d = new StreamDecoder(e);
    expect(d.push([ids[0]])).toBe('');
    expect(d.pending).toBe(1);
    expect(d.push([ids[1]])).toBe('');
    expect(d.pending).toBe(2);
    expect(d.push([ids[2]])).toBe('深');
    expect(d.pending).toBe(0);
    expect(d.flush()).toBe('');
  });

  it('flush turns held-back bytes into U+FFFD, like TextDecoder, and starts afresh', () => {
    const e = small;
    const d = new StreamDecoder(e);
    const b = new TextEncoder().encode('深');
    expect(d.pushBytes(b.subarray(0, 2))).toBe('');
    expect(d.flush()).toBe('\uFFFD');
    expect(d.pending).toBe(0);
    expect(d.pushBytes(new TextEncoder().encode('ok'))).toBe('ok');
    // invalid bytes are replaced as TextDecoder does, not held back
    expect(d.pushBytes(Uint8Array.of(0xe6, 0x41, 0xff, 0x80))).toBe(new TextDecoder().decode(Uint8Array.of(0xe6, 0x41, 0xff, 0x80)));
    expect(d.pending).toBe(0);
    expect(d.pushBytes(Uint8Array.of(0xf0, 0x9f))).toBe('');
    expect(d.pending).toBe(2);
    expect(d.pushBytes(Uint8Array.of(0x98))).toBe('');
    expect(d.pending).toBe(3);
    expect(d.pushBytes(Uint8Array.of(0x80))).toBe('😀');
  });

  it('keeps a leading U+FEFF, as Tokenizer.decode does', () => {
    const t = tiktokenEncoding('cl100k_base');
    const text = '\ufeffhello';
    expect(t.decode(t.encodeOrdinary(text))).toBe(text);
    const d = new StreamDecoder(t);
    expect(d.push(t.encodeOrdinary(text)) + d.flush()).toBe(text);
  });

  it('two decoders never share state', () => {
    const e = small;
    const b = new TextEncoder().encode('深');
    const one = new StreamDecoder(e);
    const two = new StreamDecoder(e);
    expect(one.pushBytes(b.subarray(0, 2))).toBe('');
    expect(two.pushBytes(new TextEncoder().encode('ab'))).toBe('ab');
    expect(two.pending).toBe(0);
    expect(two.flush()).toBe('');
    expect(one.pushBytes(b.subarray(2))).toBe('深');
  });

  it('refuses unknown ids without losing state', () => {
    const d = new StreamDecoder(small);
    const b = new TextEncoder().encode('深');
    d.pushBytes(b.subarray(0, 1));
    expect(() => d.push([small.nVocab + 5])).toThrow(RangeError);
    expect(d.pushBytes(b.subarray(1))).toBe('深');
  });

  it('incompleteUtf8Tail follows the well-formed ranges', () => {
    expect(incompleteUtf8Tail(Uint8Array.of(0x41))).toBe(0);
    expect(incompleteUtf8Tail(Uint8Array.of(0xe6))).toBe(1);
    expect(incompleteUtf8Tail(Uint8Array.of(0xe6, 0xb7))).toBe(2);
    expect(incompleteUtf8Tail(Uint8Array.of(0xe6, 0xb7, 0xb1))).toBe(0);
    expect(incompleteUtf8Tail(Uint8Array.of(0xe0, 0x80))).toBe(0); // overlong: invalid, not held
    expect(incompleteUtf8Tail(Uint8Array.of(0xed, 0xa0))).toBe(0); // surrogate: invalid
    expect(incompleteUtf8Tail(Uint8Array.of(0xf4, 0x90))).toBe(0); // above U+10FFFF
    expect(incompleteUtf8Tail(Uint8Array.of(0xc0))).toBe(0);
  });
});

/** Ungrouped spans and the union of each group's spans tile [0, text.length). */
function expectTiling(text: string, spans: TokenSpan[]): void {
  let pos = 0;
  for (let i = 0; i < spans.length;) {
    const s = spans[i];
    let end = s.end;
    let j = i + 1;
    if (s.group !== null) {
      while (j < spans.length && spans[j].group === s.group) end = Math.max(end, spans[j++].end);
    }
    expect(s.start, `unit at token ${i}`).toBe(pos);
    pos = end;
    i = j;
  }
  expect(pos).toBe(text.length);
}

/** Each group's byte range is the UTF-8 of its characters (the pages draw its tokens' bytes from them). */
function expectGroupBytes(text: string, spans: TokenSpan[]): void {
  for (const first of spans.filter((s) => s.group === s.index)) {
    const group = spans.filter((s) => s.group === first.index);
    const last = group[group.length - 1];
    expect(last.byteEnd - first.byteStart, `group ${first.index}`).toBe(new TextEncoder().encode(text.slice(first.start, last.end)).length);
  }
}

const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('tokenSpans', () => {
  it('marks and groups tokens that split Han characters (small vocabulary)', () => {
    const text = '深度学习，机器';
    const ids = small.encode(text);
    const spans = tokenSpans(text, ids, small);
    expectTiling(text, spans);
    expectGroupBytes(text, spans);
    const utf8 = new TextEncoder().encode(text);
    const bytesOf = (s: TokenSpan) => hexOf(utf8.subarray(s.byteStart, s.byteEnd));
    const partial = spans.filter((s) => s.partial);
    expect(partial.length).toBeGreaterThan(0);
    for (const s of partial) {
      expect(s.group).not.toBeNull();
      expect(bytesOf(s)).toBe(hexOf(small.tokenBytes(s.id)));
    }
    // '，' (3 bytes) is unknown to the small vocabulary beyond its bytes: three siblings of one group
    const comma = spans.filter((s) => s.start === 4 && s.end === 5);
    expect(comma.map(bytesOf)).toEqual(['ef', 'bc', '8c']);
    expect(new Set(comma.map((s) => s.group)).size).toBe(1);
    expect(comma[0].group).toBe(comma[0].index);
    // byte ranges are contiguous
    spans.forEach((s, i) => expect(s.byteStart).toBe(i === 0 ? 0 : spans[i - 1].byteEnd));
    expect(spans.at(-1)!.byteEnd).toBe(new TextEncoder().encode(text).length);
  });

  it('cl100k: split Han characters, emoji and whole tokens', () => {
    const enc = tiktokenEncoding('cl100k_base');
    const text = '我们的模型 👨‍👩‍👧 hello 🇨🇳! 𠀀';
    const ids = enc.encode(text);
    const spans = tokenSpans(text, ids, enc);
    expectTiling(text, spans);
    expectGroupBytes(text, spans);
    const hello = spans.find((s) => text.slice(s.start, s.end) === ' hello')!;
    expect(hello).toMatchObject({ partial: false, group: null });
    expect(spans.some((s) => s.partial)).toBe(true); // cl100k splits emoji (4 bytes) at least
    for (const s of spans) {
      if (!s.partial) expect(new TextDecoder().decode(enc.tokenBytes(s.id))).toBe(text.slice(s.start, s.end));
    }
  });

  it('maps lone surrogates (EF BF BD) to their UTF-16 position', () => {
    const text = 'a\ud800b\udc00\ud83d\ude00c';
    const ids = small.encode(text);
    const spans = tokenSpans(text, ids, small);
    expectTiling(text, spans);
    expectGroupBytes(text, spans);
    const lone = spans.filter((s) => s.start === 1);
    expect(lone.every((s) => s.end === 2)).toBe(true);
    expect(spans.filter((s) => s.start === 3).every((s) => s.end === 4)).toBe(true);
    expect(spans.filter((s) => s.start === 4).every((s) => s.end === 6)).toBe(true);
    expect(spans.at(-1)).toMatchObject({ start: 6, end: 7 });
  });

  it('empty text, and ids whose totals do not match the text', () => {
    expect(tokenSpans('', [], small)).toEqual([]);
    expect(() => tokenSpans('abc', small.encode('ab'), small)).toThrow(SpanMismatchError);
    expect(() => tokenSpans('abc', small.encode('ab'), small)).toThrow(/cover 2 of the text's 3 bytes/);
    // as many bytes, not as many characters: é is two bytes and one UTF-16 unit
    expect(() => tokenSpans('é', small.encode('ab'), small)).toThrow(/take 2 UTF-16 units, the text 1/);
    expect(() => tokenSpans('a', [1 << 30], small)).toThrow(RangeError);
  });

  it('reads each token’s UTF-8 shape and walks split characters from shapes alone', () => {
    // 😀 = f0 9f 98 80 cut after two bytes; 你 = e4 bd a0 cut after two bytes
    const tokens = [Uint8Array.of(0xf0, 0x9f), Uint8Array.of(0x98, 0x80, 0x61), Uint8Array.of(0x61, 0xe4, 0xbd), Uint8Array.of(0xa0)];
    const source = { tokenBytes: (id: number) => tokens[id], nVocab: tokens.length };
    const shapes = tokenShapes(source);
    const shape = (id: number) => (shapes.learn(id), [shapes.chars[id], shapes.units[id], shapes.flags[id]]);
    expect(shape(0)).toEqual([1, 2, ENDS_INSIDE | LAST_ASTRAL]);
    expect(shape(1)).toEqual([1, 1, STARTS_INSIDE]);
    expect(shape(2)).toEqual([2, 2, ENDS_INSIDE]);
    expect(shape(3)).toEqual([0, 0, STARTS_INSIDE]);
    const spans = tokenSpans('😀aa你', [0, 1, 2, 3], source);
    expect(spans.map((s) => [s.start, s.end, s.partial, s.group])).toEqual([
      [0, 2, true, 0],
      [0, 3, true, 0],
      [3, 5, true, 2],
      [4, 5, true, 2],
    ]);
    expect(spans.map((s) => [s.byteStart, s.byteEnd])).toEqual([
      [0, 2],
      [2, 5],
      [5, 8],
      [8, 9],
    ]);
  });

  it('learns each token’s shape once and keeps it per tokenizer', () => {
    const enc = tiktokenEncoding('o200k_base');
    const text = '模型 👨‍👩‍👧 ok';
    const first = tokenSpans(text, enc.encode(text), enc);
    expect(tokenSpans(text, enc.encode(text), enc)).toEqual(first); // from the learnt shapes
    const shapes = tokenShapes(enc);
    expect(tokenShapes(enc)).toBe(shapes);
    const ok = enc.encode(' ok')[0];
    expect([shapes.bytes[ok], shapes.chars[ok], shapes.units[ok], shapes.flags[ok]]).toEqual([3, 3, 3, 0]);
  });
});
