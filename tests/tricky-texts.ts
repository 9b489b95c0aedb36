/** Texts that have broken tokenizers: every encoder's parity tests run over them. */
import { lcg } from './random.js';

/** Random text over code points from many scripts and planes, including lone surrogates and controls. */
export function randomText(seed: number, length: number): string {
  const r = lcg(seed);
  const ranges: Array<[number, number]> = [
    [0x20, 0x7e],
    [0x09, 0x0d],
    [0x80, 0x24f],
    [0x370, 0x3ff],
    [0x400, 0x4ff],
    [0x590, 0x6ff],
    [0x900, 0x97f],
    [0x2000, 0x206f],
    [0x3000, 0x30ff],
    [0x4e00, 0x9fff],
    [0xac00, 0xd7a3],
    [0xd800, 0xdfff],
    [0xfe00, 0xffff],
    [0x1f300, 0x1faff],
    [0x20000, 0x2a6df],
  ];
  let out = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[Math.floor(r() * ranges.length)];
    out += String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
    if (r() < 0.15) out += ' ';
  }
  return out;
}

export const TRICKY: string[] = [
  '',
  'hello world',
  'Hello, World! How are you?',
  "I'm sure they'll say we've done it, isn't it? He'd.",
  "DON'T SHOUT, I'LL 'S 'T 'RE 'VE 'M 'LL 'D",
  "ſ 'ſ 'ſt Kelvin 'K",
  '12345678901234567890 3.14159 1,000,000 ١٢٣٤٥ ๑๒๓ ⅣⅤ',
  '   leading spaces and trailing   ',
  'tabs\tand\t\tmore\ttabs',
  'line1\nline2\r\nline3\rline4\n\n\n\nend',
  '  \n  \n\t\n  x',
  'a\u0085b\u00a0c\u1680d\u2000e\u200af\u2028g\u2029h\u202fi\u205fj\u3000k\ufeffl\u180em\u200bn',
  '\ufeffBOM at start',
  'lone surrogates: \ud800 x \udc00 y \udbff\udbff z',
  'emoji 👍🏽 👨‍👩‍👧‍👦 🇨🇳🇺🇸 😀😀😀',
  'combining: e\u0301 a\u0308 n\u0303 (NFD) é ä ñ (NFC)',
  '深度学习是机器学习的一个分支。我们用PyTorch实现了一个简单的例子：y = f(x)。',
  '日本語のテキストとカタカナ、ひらがな。한국어 텍스트도 있습니다.',
  'Ελληνικά, Русский текст, العربية, עברית, हिन्दी, ไทย',
  'def f(x):\n    return x ** 2  # square\n\nclass A:\n        pass\n',
  'https://example.com/path?query=1&b=2#frag user@example.com',
  '<|endoftext|> special text <|fim_prefix|>x<|fim_suffix|>',
  '$$\\sum_{i=1}^{n} x_i^2 \\leq \\frac{1}{2}$$',
  '!!!???...---___===+++***###@@@',
  ' '.repeat(1000),
  '\n'.repeat(300),
  'a'.repeat(5000),
  'ab'.repeat(2500),
  '的'.repeat(400),
  '0'.repeat(1000),
  '=-'.repeat(700),
  'x' + ' '.repeat(37) + 'y' + '\t'.repeat(19) + 'z',
  'Supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis',
  'MixedCASEWordsLikeThisOneAndXMLHttpRequest',
  "can't won't shan't y'all o'clock rock'n'roll",
  'lowerUPPER ΣΊΣΥΦΟΣ σίσυφος ǅungla ǈ',
  '\u0000\u0001\u0002\u001f\u007f',
  randomText(1, 2000),
  randomText(2, 2000),
  randomText(3, 2000),
];
