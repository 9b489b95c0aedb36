const isAsciiLetter = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/**
 * English words in a text: runs of ASCII letters with inner apostrophes (`/[A-Za-z]+(?:'[A-Za-z]+)*\/g`),
 * counted in one pass without making a string per word.
 */
export function countEnglishWords(text: string): number {
  let words = 0;
  for (let i = 0; i < text.length;) {
    if (!isAsciiLetter(text.charCodeAt(i))) {
      i++;
      continue;
    }
    words++;
    for (;;) {
      while (i < text.length && isAsciiLetter(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x27 || !isAsciiLetter(text.charCodeAt(i + 1))) break;
      i++; // an inner apostrophe: the word goes on
    }
  }
  return words;
}
