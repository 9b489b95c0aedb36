/** How the CLI shows a single token: its text, or the bytes of a token that is part of a character. */
import type { Tokenizer } from '../bpe/tokenizer.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The token's text, and whether it is whole characters (else `text` spells its bytes: \xe6\xb7, not U+FFFD). */
export function tokenShown(tokenizer: Tokenizer | null, token: number): { text: string; whole: boolean } {
  // the n-gram model's markers (src/lm/model.ts: START -1, END -2, UNKNOWN -3)
  if (token < 0) return { text: ['', '<s>', '</s>', '<unk>'][-token], whole: true };
  if (tokenizer === null) return { text: String(token), whole: true };
  const bytes = tokenizer.tokenBytes(token);
  try {
    return { text: strictUtf8.decode(bytes), whole: true };
  } catch {
    return { text: Array.from(bytes, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''), whole: false };
  }
}

/** A token's text (see tokenShown). */
export function tokenText(tokenizer: Tokenizer | null, token: number): string {
  return tokenShown(tokenizer, token).text;
}

/** A token for a terminal: whole characters quoted (so spaces show), the bytes of a cut character bare. */
export function tokenLabel(tokenizer: Tokenizer | null, token: number): string {
  const t = tokenShown(tokenizer, token);
  return t.whole ? JSON.stringify(t.text) : t.text;
}
