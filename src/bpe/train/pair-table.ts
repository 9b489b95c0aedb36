/**
 * Dense ids for pairs of token ids, by open addressing over typed arrays: the trainer's hot loop looks up
 * millions of pairs, and a Map keyed by a composite number would box and hash doubles.
 */
export class PairTable {
  left = new Int32Array(1 << 16);
  right = new Int32Array(1 << 16);
  size = 0;
  private slots = new Int32Array(1 << 17); // pair id + 1; 0 is empty
  private mask = (1 << 17) - 1;

  /** The id of (a, b), adding the pair if it is new. */
  id(a: number, b: number): number {
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) return this.insert(slot, a, b);
      const id = entry - 1;
      if (this.left[id] === a && this.right[id] === b) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The id of (a, b), or -1 if the pair was never added. */
  find(a: number, b: number): number {
    let slot = hash(a, b) & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.left[id] === a && this.right[id] === b) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  private insert(slot: number, a: number, b: number): number {
    const id = this.size++;
    if (id === this.left.length) {
      this.left = grow(this.left);
      this.right = grow(this.right);
    }
    this.left[id] = a;
    this.right[id] = b;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = hash(this.left[id], this.right[id]) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id + 1;
    }
  }
}

function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

export function grow<T extends Int32Array | Float64Array>(a: T, min = 0): T {
  const next = new (a.constructor as new (n: number) => T)(Math.max(a.length * 2, min, 16));
  next.set(a);
  return next;
}
