/**
 * The token ids of one encode call, collected in a reused Int32Array and copied once into the number[] the caller
 * gets. Pushing each id onto a growing number[] costs several times more: every growth copies the array, and a
 * long one is copied again by the garbage collector while it grows (docs/hf-pipeline.md, Performance notes).
 */

/** A list that grew past this many ids gives its buffer back when it is cleared, rather than hold it forever. */
const KEEP_MAX = 1 << 20;

export class IdList {
  ids = new Int32Array(1024);
  length = 0;

  push(id: number): void {
    if (this.length === this.ids.length) this.room(1);
    this.ids[this.length++] = id;
  }

  /** Appends `src[from, from + count)`. */
  append(src: Int32Array, count: number, from = 0): void {
    const ids = this.room(count);
    let o = this.length;
    for (let i = from; i < from + count; i++) ids[o++] = src[i];
    this.length = o;
  }

  /** Makes room for `n` more ids; returns the buffer to write them into, from `length` on. */
  room(n: number): Int32Array {
    const need = this.length + n;
    if (need > this.ids.length) {
      const bigger = new Int32Array(Math.max(need, this.ids.length * 2));
      bigger.set(this.ids.subarray(0, this.length));
      this.ids = bigger;
    }
    return this.ids;
  }

  /** The ids as a new array; the list is then empty. */
  take(): number[] {
    const n = this.length;
    const ids = this.ids;
    // Made at its final size, so it is never grown (nor copied while it grows).
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = ids[i];
    this.clear();
    return out;
  }

  clear(): void {
    this.length = 0;
    if (this.ids.length > KEEP_MAX) this.ids = new Int32Array(1024);
  }
}
