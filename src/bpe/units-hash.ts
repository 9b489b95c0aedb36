/**
 * A 32-bit hash of the UTF-16 code units `text[s, e)`, read in place (FNV-1a, then a murmur-style finish so
 * the low bits mix): the typed-array tables keyed by stretches of text, SuperBPE's piece cache and its stage-2
 * counter, hash with it and never slice the text.
 */
export function hashUnits(text: string, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return h ^ (h >>> 15);
}
