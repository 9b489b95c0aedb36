/**
 * Superword tokens: tokens that span whitespace, as SuperBPE's stage 2 learns them. Whitespace here is the
 * ASCII whitespace bytes (space, tab, newline, vertical tab, form feed, carriage return), which is what
 * separates words in the text SuperBPE was made for; a token is looked at as bytes, so a token that ends
 * inside a character is judged all the same.
 */

const isSpaceByte = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/**
 * Whether the token holds whitespace with something else on both sides: a superword. ` of the` and `, and`
 * do (the space between `of` and `the`, `,` and `and`); ` the`, `the `, `\n\n` and `你好，世界` do not.
 */
export function spansWhitespace(token: Uint8Array): boolean {
  let seenWord = false;
  let spaceAfterWord = false;
  for (let i = 0; i < token.length; i++) {
    if (isSpaceByte(token[i])) {
      if (seenWord) spaceAfterWord = true;
    } else {
      if (spaceAfterWord) return true;
      seenWord = true;
    }
  }
  return false;
}

/** The number of whitespace-separated words in the token: ` of the` 2, `, and the` 3, `你好，世界` 1, `  ` 0. */
export function wordCount(token: Uint8Array): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < token.length; i++) {
    const word = !isSpaceByte(token[i]);
    if (word && !inWord) words++;
    inWord = word;
  }
  return words;
}
