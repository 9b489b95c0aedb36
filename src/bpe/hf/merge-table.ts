/**
 * A BPE model's merges as Hugging Face applies them: the pair of adjacent token ids (left, right) → its merge
 * rank (the pair's index in `merges`; lower merges first) and the id of the token it makes. Keys are pairs of
 * ids, not byte strings: an open-addressing hash table over two Int32Arrays, so a lookup allocates nothing.
 *
 * Example: merges [["a","b"], ["ab","c"]] with vocab {a:0, b:1, c:2, ab:3, abc:4} give
 * rank(0, 1) = 0 (→ 3) and rank(3, 2) = 1 (→ 4); rank(0, 2) = -1 (not a merge).
 */
/** A hash of the pair of ids (left, right), for open-addressing tables keyed by pairs. */
export function pairHash(left: number, right: number): number {
  return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}

export class MergeTable {
  /** Number of ranks (merges as listed, duplicates included). */
  readonly size: number;
  /** By rank: the ids merged and the id made. A pair listed twice keeps its last rank, as in `tokenizers`. */
  readonly lefts: Int32Array;
  readonly rights: Int32Array;
  readonly made: Int32Array;
  /** Slot → rank (-1 empty). */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(lefts: Int32Array, rights: Int32Array, made: Int32Array) {
    this.size = lefts.length;
    this.lefts = lefts;
    this.rights = rights;
    this.made = made;
    let cap = 1024;
    while (cap < this.size * 2) cap *= 2;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap).fill(-1);
    for (let r = 0; r < this.size; r++) this.insert(r);
  }

  private insert(rank: number): void {
    const l = this.lefts[rank];
    const r = this.rights[rank];
    for (let s = pairHash(l, r) & this.mask; ; s = (s + 1) & this.mask) {
      const at = this.slots[s];
      if (at < 0 || (this.lefts[at] === l && this.rights[at] === r)) {
        this.slots[s] = rank; // a later duplicate replaces the earlier rank
        return;
      }
    }
  }

  /** The merge rank of the pair (left, right), or -1 when the pair is not a merge. */
  rank(left: number, right: number): number {
    const slots = this.slots;
    for (let s = pairHash(left, right) & this.mask; ; s = (s + 1) & this.mask) {
      const at = slots[s];
      if (at < 0) return -1;
      if (this.lefts[at] === left && this.rights[at] === right) return at;
    }
  }
}
