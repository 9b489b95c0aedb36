/**
 * src/bpe/hf/decoders.ts against npm `tokenizers`: `await tok.decode(ids, false)` on tokenizers built from small
 * tokenizer.json literals, where our decoder gets the token strings of the same ids.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decoderFromJson } from '../src/bpe/hf/decoders.js';
import { VocabularyError } from '../src/bpe/vocabulary.js';
import { byteLevelPiece, byteLevelVocab, hfTokenizer, type Stages } from './hf-stage-peer.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_128);

/** A tokenizer.json's added tokens, special or not. */
function added(contents: Array<[string, number, boolean]>): unknown[] {
  return contents.map(([content, id, special]) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: !special,
    special,
  }));
}

/** Words whose UTF-8 gives byte-level tokens, whole and cut inside characters. */
const WORDS = [' the', ' world', '中', '文', '深度学习', '😀', '👍🏽', 'é', '\n\n', ' ', '\u00a0', '\ufeff', '\ufffd'];

/** A byte-level BPE vocabulary (the 256 bytes, whole words, words cut inside a character) with added tokens. */
const BYTE_LEVEL: Stages = (() => {
  const vocab = byteLevelVocab();
  const add = (t: string) => (vocab[t] ??= Object.keys(vocab).length);
  for (const w of WORDS) {
    const bl = byteLevelPiece(w);
    for (let cut = 2; cut <= bl.length; cut++) add(bl.slice(0, cut));
    add(bl.slice(1));
  }
  const n = Object.keys(vocab).length;
  return {
    vocab,
    added_tokens: added([
      ['<|endoftext|>', n, true],
      ['<｜end▁of▁sentence｜>', n + 1, true], // characters outside the byte-level alphabet: decoded as their UTF-8
      ['中文', n + 2, false],
      ['Ġbyte-level', n + 3, false],
    ]),
  };
})();

/** A SentencePiece-style vocabulary over characters, with byte fallback tokens and odd look-alikes. */
const CHARS: Stages = (() => {
  const vocab: Record<string, number> = { '<unk>': 0 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = b + 1;
  const add = (t: string) => (vocab[t] ??= Object.keys(vocab).length);
  for (const t of ['▁', '▁▁', '▁the', 'hello', '▁world', 'a', 'b', ' ', '中', '文', '😀', '▁中', 'x▁y', '▁▁▁']) add(t);
  for (const t of ['<0x+1>', '<0xc3>', '<0xZZ>', '<0x4>', '<0x-1>', '<0xé>', '<0x41 >']) add(t); // look like byte tokens
  const n = Object.keys(vocab).length;
  return {
    vocab,
    byte_fallback: true,
    unk_token: '<unk>',
    fuse_unk: true,
    added_tokens: added([
      ['<start_of_turn>', n, true],
      ['▁added▁', n + 1, false],
    ]),
  };
})();

/** The token strings of ids, as the pipeline will give them to the decoder: vocabulary keys and added tokens' contents. */
function tokenStrings(stages: Stages, ids: number[]): string[] {
  const byId = new Map<number, string>(Object.entries(stages.vocab!).map(([t, id]) => [id, t]));
  for (const a of stages.added_tokens as Array<{ id: number; content: string }>) byId.set(a.id, a.content);
  return ids.map((id) => byId.get(id)!);
}

function allIds(stages: Stages): number[] {
  return [...Object.values(stages.vocab!), ...(stages.added_tokens as Array<{ id: number }>).map((a) => a.id)];
}

/** A comparer of both sides' decoding of ids, for a decoder JSON over a vocabulary. */
function comparer(decoder: unknown, stages: Stages): (ids: number[]) => Promise<void> {
  const decode = decoderFromJson(decoder);
  const tok = hfTokenizer({ ...stages, decoder });
  return async (ids) => {
    const tokens = tokenStrings(stages, ids);
    expect({ tokens, text: decode(tokens) }).toEqual({ tokens, text: await tok.decode(ids, false) });
  };
}

/** Id sequences: any ids of the vocabulary, and runs of byte tokens (valid and cut UTF-8). */
function idSequences(stages: Stages): fc.Arbitrary<number[]> {
  const ids = allIds(stages);
  return fc.array(fc.oneof(fc.constantFrom(...ids), fc.integer({ min: 1, max: 256 })), { maxLength: 24 });
}

/** Ids of byte tokens for text's UTF-8 in the CHARS vocabulary (<0xXX> has id XX + 1). */
const bytesOf = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => b + 1);

const GEMMA3 = {
  type: 'Sequence',
  decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }],
};
const LLAMA2 = { type: 'Sequence', decoders: [...GEMMA3.decoders, { type: 'Strip', content: ' ', start: 1, stop: 0 }] };
const BYTE_LEVEL_DECODER = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true }; // DeepSeek-V3's, Llama 3's

describe('ByteLevel', () => {
  it('decodes the byte-level vocabulary, added tokens and cut characters as tokenizers does', async () => {
    const compare = comparer(BYTE_LEVEL_DECODER, BYTE_LEVEL);
    const id = (t: string) => BYTE_LEVEL.vocab![t];
    const [eot, eos, zh, fake] = (BYTE_LEVEL.added_tokens as Array<{ id: number }>).map((a) => a.id);
    await compare([]);
    await compare([id('Ġthe'), id('Ġworld'), eot, id(byteLevelPiece('中')), eos, zh, fake]);
    await compare([id(byteLevelPiece('中').slice(0, 2)), id('Ġthe')]); // a cut character, then more text
    await compare([id(byteLevelPiece('😀').slice(0, 3)), eos, id(byteLevelPiece('😀').slice(1))]);
    await compare([id(byteLevelPiece('\ufeff')), id('a')]); // a BOM at the start stays
  });

  it('on random id sequences (fast-check)', async () => {
    const compare = comparer(BYTE_LEVEL_DECODER, BYTE_LEVEL);
    await fc.assert(fc.asyncProperty(idSequences(BYTE_LEVEL), compare), { seed: SEED, numRuns: 300 });
  });

  it("Qwen3's, with add_prefix_space false, decodes the same", async () => {
    const compare = comparer({ type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }, BYTE_LEVEL);
    await fc.assert(fc.asyncProperty(idSequences(BYTE_LEVEL), compare), { seed: SEED, numRuns: 100 });
  });
});

describe('byte fallback and the SentencePiece-style decoders', () => {
  const DECODERS: Array<[string, unknown]> = [
    ["Gemma 3's Sequence[Replace, ByteFallback, Fuse]", GEMMA3],
    ["Llama 2's, with Strip(' ', 1, 0)", LLAMA2],
    ['ByteFallback alone', { type: 'ByteFallback' }],
    [
      'ByteFallback then Fuse then Replace',
      {
        type: 'Sequence',
        decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Replace', pattern: { Regex: '▁+' }, content: '_' }],
      },
    ],
    ['Metaspace always', { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }],
    ['Metaspace first', { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true }],
    ['Metaspace never', { type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: false }],
    ['Metaspace, legacy add_prefix_space', { type: 'Metaspace', replacement: '▁', add_prefix_space: true }],
    [
      'Metaspace after ByteFallback',
      {
        type: 'Sequence',
        decoders: [{ type: 'ByteFallback' }, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }],
      },
    ],
    ['Replace by a regex matching empty strings', { type: 'Replace', pattern: { Regex: 'x*' }, content: '-' }],
    ['Replace of the empty literal', { type: 'Replace', pattern: { String: '' }, content: '+' }],
    ['Strip of ▁, start 2, stop 0', { type: 'Strip', content: '▁', start: 2, stop: 0 }],
    [
      'Fuse, then Strip of ▁ at most 3 each side',
      { type: 'Sequence', decoders: [{ type: 'Fuse' }, { type: 'Strip', content: '▁', start: 3, stop: 3 }] },
    ],
    ['Fuse alone', { type: 'Fuse' }],
    ['an empty Sequence', { type: 'Sequence', decoders: [] }],
    ['no decoder (tokens joined by spaces)', null],
  ];
  const id = (t: string) => CHARS.vocab![t];
  /** tokenizers' Strip panics (and aborts the process) when its stop reaches across a text of content alone. */
  const safe = (name: string) => (ids: number[]) => !name.startsWith('Fuse, then Strip') || !/^▁*$/.test(tokenStrings(CHARS, ids).join(''));

  it.each(DECODERS)('%s, on chosen ids', async (name, decoder) => {
    const compare = comparer(decoder, CHARS);
    if (safe(name)([])) await compare([]);
    await compare([id('▁the'), id('▁world'), ...bytesOf('中文'), id('▁'), ...bytesOf('é')]);
    await compare([...bytesOf('中').slice(0, 2), id('a'), ...bytesOf('😀').slice(1), ...bytesOf('\ufeffok')]); // cut characters
    await compare([
      id('<0x+1>'),
      id('<0xc3>'),
      ...bytesOf('©').slice(1),
      id('<0xZZ>'),
      id('<0x4>'),
      id('<0x-1>'),
      id('<0xé>'),
      id('<0x41 >'),
    ]);
    await compare([id('▁▁▁'), id('x▁y'), id('▁'), id('hello')]);
  });

  it.each(DECODERS)('%s, on random id sequences (fast-check)', async (name, decoder) => {
    const compare = comparer(decoder, CHARS);
    await fc.assert(fc.asyncProperty(idSequences(CHARS).filter(safe(name)), compare), { seed: SEED, numRuns: 150 });
  });
});

describe('Strip where tokenizers panics', () => {
  const strip = { type: 'Strip', content: '▁', start: 1, stop: 1 };

  it('throws where tokenizers panics, and strips like it elsewhere', () => {
    const decode = decoderFromJson(strip);
    expect(() => decode(['▁'])).toThrow('decoder Strip: tokenizers panics on "▁"');
    expect(() => decoderFromJson({ ...strip, stop: 2 })(['x'])).not.toThrow();
    expect(() => decoderFromJson({ ...strip, stop: 2 })(['▁'])).toThrow('an index below zero');
    expect(() => decoderFromJson({ ...strip, stop: 2 })([''])).toThrow('an index below zero');
    const ref = hfTokenizer({ decoder: strip }).getDecoder()!;
    for (const t of [['▁a▁'], ['▁▁'], ['a'], ['▁x', 'y▁'], ['▁▁▁a▁▁']]) expect(decode(t)).toBe(ref.decode(t));
  });

  it.each([[['▁']], [['x', '▁']], [['']]])('tokenizers aborts its process on %j (checked in a child process)', (tokens) => {
    const require = createRequire(import.meta.url);
    const script = `const { Tokenizer } = require(${JSON.stringify(require.resolve('tokenizers'))});
      const tok = Tokenizer.fromString(process.argv[1]);
      tok.getDecoder().decode(JSON.parse(process.argv[2]));
      console.log('no panic');`;
    const json = JSON.stringify({
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: null,
      post_processor: null,
      decoder: strip,
      model: { type: 'BPE', vocab: {}, merges: [] },
    });
    const run = spawnSync(process.execPath, ['-e', script, json, JSON.stringify(tokens)], { encoding: 'utf8' });
    expect(run.stdout).not.toContain('no panic');
    expect(run.stderr).toContain('panicked');
    expect(() => decoderFromJson(strip)(tokens)).toThrow('tokenizers panics');
  });
});

describe('what is not a decoder tokenlab runs', () => {
  it.each(['WordPiece', 'BPEDecoder', 'CTC'])('%s is refused by name', (type) => {
    expect(() => decoderFromJson({ type })).toThrow(new VocabularyError(`tokenizer.json: decoder ${type} is not supported`));
    expect(() => decoderFromJson({ type: 'Sequence', decoders: [{ type: 'Fuse' }, { type }] })).toThrow(`decoder ${type} is not supported`);
  });

  it.each([
    [{ type: 'ByteLevel' }, 'decoder ByteLevel: add_prefix_space must be true or false, not missing'],
    [{ type: 'Strip', content: ' ', start: 1 }, 'decoder Strip: stop must be a non-negative integer'],
    [{ type: 'Strip', content: '  ', start: 1, stop: 0 }, 'decoder Strip: content must be one character'],
    [{ type: 'Replace', pattern: { String: '▁' } }, 'decoder Replace: content must be a string'],
    [{ type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', add_prefix_space: false }, 'add_prefix_space does not match'],
    [{ type: 'Sequence' }, 'decoder Sequence: decoders must be a list'],
  ])('a malformed part is refused: %j', (json, message) => {
    expect(() => decoderFromJson(json)).toThrow(VocabularyError);
    expect(() => decoderFromJson(json)).toThrow(message);
    expect(() => hfTokenizer({ decoder: json })).toThrow(); // tokenizers refuses them too
  });

  it('the doc comment example decodes as it says', () => {
    expect(decoderFromJson(GEMMA3)(['▁中', '<0xE6>', '<0x96>', '<0x87>'])).toBe(' 中文');
  });
});
