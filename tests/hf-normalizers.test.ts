/**
 * src/bpe/hf/normalizers.ts against npm `tokenizers`: `Tokenizer.fromString(json).getNormalizer().normalizeString`
 * with the same normalizer JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTITY_UNITS, normalizerFromJson, unitMapOf, type Normalize } from '../src/bpe/hf/normalizers.js';
import { toWellFormed } from '../src/bpe/bytes.js';
import { VocabularyError } from '../src/bpe/vocabulary.js';
import { codePointBlocks, hfTokenizer, inCodePointRanges, type CodePointRanges } from './hf-stage-peer.js';

const SEED = Number(process.env.TOKENLAB_PROPERTY_SEED ?? 20_261_128);

function ours(json: unknown): Normalize {
  const n = normalizerFromJson(json);
  if (n === null) throw new Error('no normalizer');
  return n;
}

function theirs(json: unknown): (text: string) => string {
  const n = hfTokenizer({ normalizer: json }).getNormalizer();
  if (n === null) throw new Error('tokenizers has no normalizer');
  return (text) => n.normalizeString(text);
}

/** Texts where the Unicode forms, case and whitespace differ. */
const SENSITIVE = [
  '',
  'plain ascii',
  'e\u0301 o\u0308 A\u030a', // decomposed accents
  'é ö Å ñ', // precomposed
  'a\u0323\u0302 a\u0302\u0323 q\u0307\u0323', // marks to reorder
  '\u1100\u1161\u11a8 \u1112\u1161\u11ab', // Hangul jamo
  '한국어 각',
  'ﬁ ﬂ ﬃ ſt', // ligatures
  'ＡＢＣ １２３ ｶﾀｶﾅ ﾞ', // fullwidth, halfwidth
  '① ⑳ ㊿ ² ½ ⅓ Ⅳ ㍱ ㎏ ℃ ™ ℡', // circled, compatibility
  'Å K Ω ǅ ǈ', // singletons (Angstrom, Kelvin, Ohm signs), titlecase digraphs
  '\u2126\u212b\u212a \u0344 \u0f73 \u1e9b\u0323',
  '👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 #️⃣ 🇨🇳', // emoji with modifiers, ZWJ, flags
  '深度学习模型。中文，標點「」 〇 𠀀 \u{2a6d6} 丽 \u{2f800}', // Han, compatibility ideographs
  'ΑΒΓ ΟΔΟΣ Σ ς σΣ ΣΑΣ', // Greek, sigma
  'İstanbul ıi I İ ẞ ß ﬀ ŉ ǰ', // special casing
  ' \t\n\r\u00a0\u0085\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200b x \u3000\u0085 ',
  'a  b\u3000c\u00a0d ▁e',
  '\u0000\u007f\u0085\u00ad\u200d\ufffd\u{10ffff}',
];

/**
 * Characters whose normalization V8 (Unicode 17.0) and `tokenizers` (unicode-normalization-alignments 0.1.12,
 * Unicode 9.0 tables) disagree on: the characters encoded in Unicode 10.0 to 17.0 with a decomposition or a
 * nonzero combining class. Found by the sweep below, which also checks that each of them differs.
 */
// prettier-ignore
const NORMALIZATION_DIFFERS: CodePointRanges = [
  0x7fd, [0x897, 0x89f], [0x8ca, 0x8d3], 0x9fe, 0xc3c, [0xd3b, 0xd3c], 0xeba, 0x1715, [0x1abf, 0x1add], [0x1ae0, 0x1aeb],
  [0x1df6, 0x1dfa], 0x32ff, [0xa7f1, 0xa7f4], 0xa82c, 0xab69, 0x105c9, 0x105e4, [0x10781, 0x10785], [0x10787, 0x107b0],
  [0x107b2, 0x107ba], [0x10d24, 0x10d27], [0x10d69, 0x10d6d], [0x10eab, 0x10eac], [0x10efa, 0x10efb], [0x10efd, 0x10eff],
  [0x10f46, 0x10f50], [0x10f82, 0x10f85], 0x11070, 0x1133b, 0x11383, 0x11385, 0x1138e, 0x11391, 0x113c5, [0x113c7, 0x113c8],
  [0x113ce, 0x113d0], 0x1145e, [0x11839, 0x1183a], 0x11938, [0x1193d, 0x1193e], 0x11943, 0x119e0, 0x11a34, 0x11a47, 0x11a99,
  0x11d42, [0x11d44, 0x11d45], 0x11d97, [0x11f41, 0x11f42], [0x16121, 0x16128], 0x1612f, [0x16d68, 0x16d6a], [0x16ff0, 0x16ff1],
  [0x1ccd6, 0x1ccf9], [0x1e030, 0x1e06d], 0x1e08f, [0x1e130, 0x1e136], 0x1e2ae, [0x1e2ec, 0x1e2ef], [0x1e4ec, 0x1e4ef],
  [0x1e5ee, 0x1e5ef], 0x1e6e3, 0x1e6e6, [0x1e6ee, 0x1e6ef], 0x1e6f5, 0x1f16c, [0x1fbf0, 0x1fbf9],
];

/**
 * What the property tests leave out: those characters, and the parts of the ones among them that compose (a
 * Tulu-Tigalari letter and its vowel sign compose under V8's NFC, not under `tokenizers`').
 */
const SKIPPED: ReadonlySet<number> = (() => {
  const set = new Set<number>();
  for (const r of NORMALIZATION_DIFFERS) {
    const [a, b] = typeof r === 'number' ? [r, r] : r;
    for (let c = a; c <= b; c++) {
      set.add(c);
      for (const part of String.fromCodePoint(c).normalize('NFD')) set.add(part.codePointAt(0)!);
    }
  }
  return set;
})();

const FORMS = ['NFC', 'NFD', 'NFKC', 'NFKD'] as const;

/** Random text: any code point but the skipped ones (surrogates make lone surrogates), with tricky pieces mixed in. */
const texts = fc.string({
  unit: fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .integer({ min: 0, max: 0x10ffff })
        .filter((c) => !SKIPPED.has(c))
        .map((c) => String.fromCodePoint(c)),
    },
    { weight: 2, arbitrary: fc.integer({ min: 0x300, max: 0x36f }).map((c) => String.fromCodePoint(c)) },
    { weight: 2, arbitrary: fc.constantFrom(...SENSITIVE.flatMap((s) => s.split(' ')).filter((s) => s !== '')) },
  ),
  maxLength: 40,
});

/** Ours and tokenizers' normalizer `json` agree on `numRuns` random well-formed texts (fast-check). */
function expectAgreeOnRandomText(json: unknown, numRuns: number): void {
  const [n, ref] = [ours(json), theirs(json)];
  fc.assert(
    fc.property(texts, (raw) => {
      const s = toWellFormed(raw);
      expect(n(s)).toBe(ref(s));
    }),
    { seed: SEED, numRuns },
  );
}

describe('Unicode normalization forms', () => {
  it.each(FORMS)('%s gives what tokenizers gives on sensitive text', (form) => {
    const json = { type: form };
    const [n, ref] = [ours(json), theirs(json)];
    for (const s of SENSITIVE) expect({ s, out: n(s) }).toEqual({ s, out: ref(s) });
  });

  it.each(FORMS)('%s on random text (fast-check)', (form) => {
    const json = { type: form };
    expectAgreeOnRandomText(json, 300);
  });

  /**
   * Every code point alone, after a starter and before U+0334 (combining class 1), and after U+0301 (class 230):
   * the last two reveal a combining class either side knows and the other does not.
   */
  it.each(FORMS)('%s differs from tokenizers exactly on the characters Unicode 10.0 to 17.0 added (the skipped ones)', (form) => {
    const json = { type: form };
    const [n, ref] = [ours(json), theirs(json)];
    const probes = [(c: string) => c, (c: string) => `a${c}\u0334`, (c: string) => `\u0301${c}`];
    const differs = new Set<number>();
    for (const block of codePointBlocks()) {
      for (const probe of probes) {
        const text = block.map((c) => `a${probe(String.fromCodePoint(c))}`).join('');
        if (n(text) === ref(text)) continue;
        for (const c of block) if (n(probe(String.fromCodePoint(c))) !== ref(probe(String.fromCodePoint(c)))) differs.add(c);
      }
    }
    const unexpected = [...differs].filter((c) => !inCodePointRanges(c, NORMALIZATION_DIFFERS)).map((c) => c.toString(16));
    expect(unexpected).toEqual([]);
  });

  it('the list holds no character on which all four forms agree with tokenizers', () => {
    const forms = FORMS.map((f) => [ours({ type: f }), theirs({ type: f })] as const);
    const agree: string[] = [];
    for (const r of NORMALIZATION_DIFFERS) {
      const [a, b] = typeof r === 'number' ? [r, r] : r;
      for (let c = a; c <= b; c++) {
        const x = String.fromCodePoint(c);
        const probes = [x, `a${x}\u0334`, `\u0301${x}`];
        if (forms.every(([n, ref]) => probes.every((p) => n(p) === ref(p)))) agree.push(c.toString(16));
      }
    }
    expect(agree).toEqual([]);
  });
});

describe('Lowercase', () => {
  const json = { type: 'Lowercase' };

  it("is Rust's per-character lowercase: no final sigma, İ to i̇, ẞ to ß", () => {
    const [n, ref] = [ours(json), theirs(json)];
    for (const s of SENSITIVE) expect({ s, out: n(s) }).toEqual({ s, out: ref(s) });
    expect(n('ΟΔΟΣ ΣΑΣ')).toBe('οδοσ σασ'); // toLowerCase would give "οδος σας"
    expect(n('İ')).toBe('i\u0307');
  });

  it('agrees with tokenizers on every code point', () => {
    const [n, ref] = [ours(json), theirs(json)];
    const differs: string[] = [];
    for (const block of codePointBlocks()) {
      const text = block.map((c) => ` ${String.fromCodePoint(c)}`).join('');
      if (n(text) === ref(text)) continue;
      for (const c of block) if (n(String.fromCodePoint(c)) !== ref(String.fromCodePoint(c))) differs.push(c.toString(16));
    }
    expect(differs).toEqual([]);
  });

  it('on random text (fast-check)', () => {
    expectAgreeOnRandomText(json, 300);
  });
});

describe('Strip, Prepend, Replace, Sequence', () => {
  const CASES: Array<[string, unknown]> = [
    ['Strip both', { type: 'Strip', strip_left: true, strip_right: true }],
    ['Strip left', { type: 'Strip', strip_left: true, strip_right: false }],
    ['Strip right', { type: 'Strip', strip_left: false, strip_right: true }],
    ['Strip neither', { type: 'Strip', strip_left: false, strip_right: false }],
    ['Prepend ▁', { type: 'Prepend', prepend: '▁' }],
    ['Prepend two characters', { type: 'Prepend', prepend: '<s>' }],
    ["Gemma 3's Replace", { type: 'Replace', pattern: { String: ' ' }, content: '▁' }],
    ['Replace a literal with regex characters', { type: 'Replace', pattern: { String: '.*' }, content: '$&' }],
    ['Replace the empty string', { type: 'Replace', pattern: { String: '' }, content: '-' }],
    ['Replace a regex', { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }],
    ['Replace a regex by nothing', { type: 'Replace', pattern: { Regex: '[\\p{Mn}\\x{200B}-\\x{200D}]' }, content: '' }],
    ['Replace a regex that matches empty strings', { type: 'Replace', pattern: { Regex: 'a*' }, content: '-' }],
    ['Replace an empty match after a match', { type: 'Replace', pattern: { Regex: 'b|(?=c)' }, content: '-' }],
    ['Replace with a lookbehind and anchors', { type: 'Replace', pattern: { Regex: '(?<=\\d) |^ | $' }, content: '_' }],
    ['Replace case-insensitively', { type: 'Replace', pattern: { Regex: "(?i:'s|'ll)" }, content: '’' }],
    ['an empty Sequence with NFKC', { type: 'Sequence', normalizers: [{ type: 'Sequence', normalizers: [] }, { type: 'NFKC' }] }],
    [
      'a Sequence of NFD, Replace, Lowercase, Strip, Prepend',
      {
        type: 'Sequence',
        normalizers: [
          { type: 'NFD' },
          { type: 'Replace', pattern: { Regex: '\\p{Mn}' }, content: '' },
          { type: 'Lowercase' },
          { type: 'Strip', strip_left: true, strip_right: true },
          { type: 'Prepend', prepend: '▁' },
        ],
      },
    ],
  ];
  const EXTRA = ['', ' ', '   ', 'abcabc', 'bcbc', 'aab', ' a ', "It'S he'll", 'x.*y.*', '1 2 3 ', ' 中 文 '];

  it.each(CASES)('%s gives what tokenizers gives', (_name, json) => {
    const [n, ref] = [ours(json), theirs(json)];
    for (const s of [...SENSITIVE, ...EXTRA]) expect({ s, out: n(s) }).toEqual({ s, out: ref(s) });
  });

  it.each(CASES)('%s on random text (fast-check)', (_name, json) => {
    expectAgreeOnRandomText(json, 200);
  });

  it('Strip removes Unicode White_Space (U+0085 yes, U+FEFF no), unlike String.prototype.trim', () => {
    const n = ours({ type: 'Strip', strip_left: true, strip_right: true });
    expect(n('\u0085\u3000a\ufeff')).toBe('a\ufeff');
  });

  it('Prepend leaves the empty text empty', () => {
    expect(ours({ type: 'Prepend', prepend: '▁' })('')).toBe('');
  });

  // The pipeline's direct path reads the text through the unit map instead of normalizing it: the two must agree.
  const UNIT_MAPS = new Set(["Gemma 3's Replace"]);
  const GEMMA = { type: 'Replace', pattern: { String: ' ' }, content: '▁' };
  const SEQUENCE_OF_THREE = {
    type: 'Sequence',
    normalizers: [
      GEMMA,
      { type: 'Replace', pattern: { String: 'a' }, content: 'b' },
      { type: 'Replace', pattern: { String: 'b' }, content: '字' },
    ],
  };
  const mapped = (map: Uint16Array, text: string): string =>
    String.fromCharCode(...Array.from({ length: text.length }, (_, i) => map[text.charCodeAt(i)]));
  it.each(CASES)('%s: whether it maps unit for unit', (name, json) => {
    expect(unitMapOf(json) !== null).toBe(UNIT_MAPS.has(name));
  });
  it('no normalizer maps every unit to itself', () => {
    expect(unitMapOf(null)).toBe(IDENTITY_UNITS);
    expect(unitMapOf({ type: 'Sequence', normalizers: [] })).toBe(IDENTITY_UNITS);
    expect(IDENTITY_UNITS.every((u, i) => u === i)).toBe(true);
  });
  it.each([
    ['a surrogate', { type: 'Replace', pattern: { String: '\ud83d' }, content: 'x' }],
    ['into a surrogate', { type: 'Replace', pattern: { String: 'x' }, content: '\ud83d' }],
    ['two units', { type: 'Replace', pattern: { String: 'ab' }, content: 'x' }],
    ['into nothing', { type: 'Replace', pattern: { String: 'a' }, content: '' }],
    ['a one-unit Regex', { type: 'Replace', pattern: { Regex: 'a' }, content: 'b' }],
    ['a Sequence with NFC', { type: 'Sequence', normalizers: [GEMMA, { type: 'NFC' }] }],
  ])('%s is no unit map', (_name, json) => {
    expect(unitMapOf(json)).toBeNull();
  });
  it('a Sequence of one-unit Replaces read through its unit map gives what tokenizers gives (fast-check)', () => {
    const map = unitMapOf(SEQUENCE_OF_THREE)!;
    const ref = theirs(SEQUENCE_OF_THREE);
    for (const s of [...SENSITIVE, ...EXTRA]) expect(mapped(map, s)).toBe(ref(s));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '▁', 'x', '字', '😀'), maxLength: 40 }), (text) => {
        expect(mapped(map, text)).toBe(ref(text));
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});

describe('what is not a normalizer tokenlab runs', () => {
  it('null and an empty Sequence are no normalizer', () => {
    expect(normalizerFromJson(null)).toBeNull();
    expect(normalizerFromJson(undefined)).toBeNull();
    expect(normalizerFromJson({ type: 'Sequence', normalizers: [] })).toBeNull(); // DeepSeek-V3's
    expect(normalizerFromJson({ type: 'Sequence', normalizers: [{ type: 'Sequence', normalizers: [] }] })).toBeNull();
  });

  it.each(['BertNormalizer', 'Precompiled', 'StripAccents', 'Nmt', 'ByteLevel', 'Uppercase'])('%s is refused by name', (type) => {
    expect(() => normalizerFromJson({ type })).toThrow(new VocabularyError(`tokenizer.json: normalizer ${type} is not supported`));
    expect(() => normalizerFromJson({ type: 'Sequence', normalizers: [{ type: 'NFC' }, { type }] })).toThrow(
      `normalizer ${type} is not supported`,
    );
  });

  it('a part with no type is refused', () => {
    expect(() => normalizerFromJson({ strip_left: true })).toThrow('is not supported');
    expect(() => normalizerFromJson('NFC')).toThrow('normalizer "NFC" is not supported');
  });

  it.each([
    [{ type: 'Strip', strip_left: true }, 'normalizer Strip: strip_right must be true or false, not missing'],
    [{ type: 'Prepend' }, 'normalizer Prepend: prepend must be a string'],
    [{ type: 'Replace', pattern: { String: 'a' } }, 'normalizer Replace: content must be a string'],
    [{ type: 'Replace', pattern: { String: 'a', Regex: 'b' }, content: '' }, 'normalizer Replace: pattern must be'],
    [{ type: 'Replace', pattern: 'a', content: '' }, 'normalizer Replace: pattern must be'],
    [{ type: 'Replace', pattern: { Glob: 'a' }, content: '' }, 'normalizer Replace: pattern must be'],
    [{ type: 'Sequence' }, 'normalizer Sequence: normalizers must be a list'],
  ])('a malformed part is refused: %j', (json, message) => {
    expect(() => normalizerFromJson(json)).toThrow(VocabularyError);
    expect(() => normalizerFromJson(json)).toThrow(message);
    expect(() => theirs(json)).toThrow(); // tokenizers refuses them too
  });

  it('a Replace regex JavaScript cannot express is refused, as one Oniguruma cannot compile is by tokenizers', () => {
    // Oniguruma has possessive quantifiers (tokenizers accepts this one), JavaScript not.
    const json = { type: 'Replace', pattern: { Regex: 'a++' }, content: '' };
    expect(() => normalizerFromJson(json)).toThrow(/normalizer Replace: regex: a possessive quantifier/);
    expect(() => normalizerFromJson({ type: 'Replace', pattern: { Regex: '(' }, content: '' })).toThrow(VocabularyError);
    expect(() => theirs({ type: 'Replace', pattern: { Regex: '(' }, content: '' })).toThrow();
  });
});
