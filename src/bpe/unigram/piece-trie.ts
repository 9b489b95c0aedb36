/**
 * A trie over the pieces' UTF-16 code units, in typed arrays: the root's children in a direct table (one slot
 * per code unit), deeper edges in an open-addressing hash keyed by (node, unit). Walking it from a position of
 * a text gives every piece that starts there, shortest first (the order the Viterbi search needs).
 *
 * ```ts
 * const trie = new PieceTrie(['a', 'ab', 'b']);
 * let node = trie.root;
 * node = trie.child(node, 'a'.charCodeAt(0)); // trie.pieceAt[node] === 0
 * node = trie.child(node, 'b'.charCodeAt(0)); // trie.pieceAt[node] === 1
 * ```
 */
export class PieceTrie {
  readonly root = 0;
  /** pieceAt[node]: the index of the piece ending at `node`, or -1. */
  readonly pieceAt: Int32Array;
  private readonly rootChild = new Int32Array(0x10000).fill(-1);
  private readonly slotNode: Int32Array;
  private readonly slotUnit: Int32Array;
  private readonly slotChild: Int32Array;
  private readonly mask: number;
  private nodes = 1;

  /** `pieces[i]` gets index i; a piece listed twice keeps its first index; `skip(i)` leaves piece i out. */
  constructor(pieces: readonly string[], skip?: (i: number) => boolean) {
    let units = 1;
    for (const p of pieces) units += p.length;
    let size = 16;
    while (size < units * 2) size *= 2;
    this.mask = size - 1;
    this.slotNode = new Int32Array(size).fill(-1);
    this.slotUnit = new Int32Array(size);
    this.slotChild = new Int32Array(size);
    this.pieceAt = new Int32Array(units).fill(-1);
    pieces.forEach((p, i) => {
      if (skip?.(i)) return;
      let node = this.root;
      for (let k = 0; k < p.length; k++) node = this.childOrAdd(node, p.charCodeAt(k));
      if (this.pieceAt[node] < 0) this.pieceAt[node] = i;
    });
  }

  /** The node under `node` along code unit `unit`, or -1. */
  child(node: number, unit: number): number {
    if (node === 0) return this.rootChild[unit];
    const mask = this.mask;
    for (let s = slotOf(node, unit) & mask; ; s = (s + 1) & mask) {
      const n = this.slotNode[s];
      if (n === node && this.slotUnit[s] === unit) return this.slotChild[s];
      if (n === -1) return -1;
    }
  }

  private childOrAdd(node: number, unit: number): number {
    if (node === 0) {
      if (this.rootChild[unit] < 0) this.rootChild[unit] = this.nodes++;
      return this.rootChild[unit];
    }
    const mask = this.mask;
    for (let s = slotOf(node, unit) & mask; ; s = (s + 1) & mask) {
      const n = this.slotNode[s];
      if (n === node && this.slotUnit[s] === unit) return this.slotChild[s];
      if (n === -1) {
        this.slotNode[s] = node;
        this.slotUnit[s] = unit;
        this.slotChild[s] = this.nodes;
        return this.nodes++;
      }
    }
  }
}

function slotOf(node: number, unit: number): number {
  const h = Math.imul(node, 0x9e3779b1) ^ Math.imul(unit + 1, 0x85ebca6b);
  return h ^ (h >>> 15);
}
