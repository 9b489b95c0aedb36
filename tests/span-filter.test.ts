import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readTiktokenRanks } from '../src/bpe/formats/tiktoken-ranks.js';
import { SpanFilter } from '../src/bpe/encode/span-filter.js';

const require = createRequire(import.meta.url);

describe.each(['cl100k_base', 'o200k_base'])('SpanFilter on %s', (name) => {
  const ranks = JSON.parse(readFileSync(require.resolve(`tiktoken/encoders/${name}.json`), 'utf8')).bpe_ranks;
  const { table } = readTiktokenRanks(ranks);
  const filter = new SpanFilter(table);

  it('says a token may cross every position inside every token, alone and between other bytes', () => {
    // Context bytes around the token: ASCII, and the end and start of Han characters (the windows of the
    // filter for stretches that join two 3-byte characters).
    const contexts: Array<[number[], number[]]> = [
      [[], []],
      [
        [0x61, 0x62],
        [0x63, 0x64],
      ],
      [
        [0xbd, 0xa0],
        [0xe5, 0xa5],
      ],
    ];
    let checked = 0;
    let joins = 0;
    for (let id = 0; id < table.size; id++) {
      const token = table.bytes(id);
      for (const [before, after] of contexts) {
        const buf = Uint8Array.from([...before, ...token, ...after]);
        for (let p = before.length + 1; p < before.length + token.length; p++) {
          if (!filter.mayCross(buf, p, buf.length)) {
            throw new Error(`token ${id} crosses ${p - before.length} but the filter says no`);
          }
          checked++;
          if (p >= 2 && (buf[p - 2] & 0xc0) === 0x80 && buf[p] >= 0xe0 && buf[p] < 0xf0) joins++;
        }
      }
    }
    expect(checked).toBeGreaterThan(table.size);
    expect(joins).toBeGreaterThan(0);
  });

  it('lets most boundaries between Han characters be cut', () => {
    const poem = '春中酣酣破宿霾春心衮衮瀉長淮無情草樹相看久得意親朋一笑乖世俗冰霜誰暖眼';
    const text = new TextEncoder().encode(poem);
    let cuts = 0;
    for (let p = 3; p < text.length; p += 3) if (!filter.mayCross(text, p, text.length)) cuts++;
    expect(cuts).toBeGreaterThan(text.length / 3 / 2);
  });
});
