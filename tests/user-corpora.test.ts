import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitText } from '../src/store/corpora/split.js';
import {
  addUserCorpus,
  listUserCorpora,
  MAX_USER_CORPUS_BYTES,
  removeUserCorpus,
  userCorpus,
  userCorpusSplitPaths,
} from '../src/store/user-corpora.js';
import { useFreshDataDir } from './shared.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
useFreshDataDir('corpora');

describe('user corpora', () => {
  it('are split into train and held-out lines like the bundled corpora, and the parts go with the corpus', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} 第${i}行`);
    const c = await addUserCorpus('split-me', utf8(lines.join('\n') + '\n'));
    const paths = await userCorpusSplitPaths(c);
    const expected = splitText(lines.join('\n'));
    expect(readFileSync(paths.heldOut, 'utf8')).toBe(expected.heldOut.join('\n') + '\n');
    expect(readFileSync(paths.train, 'utf8')).toBe(expected.train.join('\n') + '\n');
    await removeUserCorpus('split-me');
    expect(existsSync(paths.train) || existsSync(paths.heldOut)).toBe(false);
  });

  it('are stored under the data directory with their statistics and listed', async () => {
    const c = await addUserCorpus('notes', utf8('你好世界\nhello world\n'));
    // "你好世界\n" is 13 bytes and 5 characters, "hello world\n" 12 and 12; 4 Han of 14 non-space characters.
    expect(c).toMatchObject({ name: 'notes', bytes: 25, characters: 17, lines: 2, han: 4 });
    expect(c.hanShare).toBeCloseTo(4 / 14, 12);
    expect(c.path.startsWith(process.env.TOKENLAB_DATA!)).toBe(true);
    expect(readFileSync(c.path, 'utf8')).toBe('你好世界\nhello world\n');
    expect((await listUserCorpora()).map((x) => x.name)).toEqual(['notes']);
    expect((await userCorpus('notes'))?.bytes).toBe(25);
    await removeUserCorpus('notes');
    expect(await listUserCorpora()).toEqual([]);
  });

  it('refuse unsafe names, bundled names, empty, oversized and non-UTF-8 input, with clear errors', async () => {
    for (const name of ['../escape', '/abs', '.hidden', 'a/b', '', 'x'.repeat(65)]) {
      await expect(addUserCorpus(name, utf8('text'))).rejects.toThrow(/is not allowed/);
    }
    await expect(addUserCorpus('tang-poems', utf8('text'))).rejects.toThrow(/bundled corpus/);
    await expect(addUserCorpus('empty', new Uint8Array(0))).rejects.toThrow(/empty/);
    await expect(addUserCorpus('huge', new Uint8Array(MAX_USER_CORPUS_BYTES + 1))).rejects.toThrow(/limit is 256 MiB/);
    await expect(addUserCorpus('bad', Uint8Array.of(0x61, 0x62, 0xff, 0x63))).rejects.toThrow(/fails at byte offset 2 \(0xff\)/);
    await expect(addUserCorpus('cut', Uint8Array.of(0x61, 0xe4, 0xbd))).rejects.toThrow(/ends inside a character/);
    // A lead byte broken by the next byte: the bad sequence starts at the lead byte (é in Latin-1), not after it.
    await expect(addUserCorpus('latin1', Uint8Array.of(0x63, 0x61, 0x66, 0xe9, 0x20))).rejects.toThrow(/fails at byte offset 3 \(0xe9\)/);
    expect(await listUserCorpora()).toEqual([]);
  });
});
