/**
 * GPT-2's byte-to-character map (bytes_to_unicode), as used by Hugging Face's ByteLevel pre-tokenizer:
 * printable Latin-1 bytes stand for themselves, the others are moved to U+0100 and up, in byte order.
 */
export function byteLevelCodePoint(byte: number): number {
  if ((byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255)) return byte;
  let n = 0;
  for (let b = 0; b < byte; b++) if (!((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255))) n++;
  return 256 + n;
}

/** The 256 bytes in the order of their ByteLevel characters: the order of `tokenizers`' initial alphabet ids. */
export function byteLevelOrder(): number[] {
  return Array.from({ length: 256 }, (_, b) => b).sort((x, y) => byteLevelCodePoint(x) - byteLevelCodePoint(y));
}
