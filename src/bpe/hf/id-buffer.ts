/**
 * Token ids collected in a growable Int32Array, then copied once into the number[] an encoder returns. Pushed
 * one by one, a number[] of hundreds of thousands of ids (a 1 MB text's) costs V8 several times more per id than
 * a short one: each time it grows, an array that big is reallocated outside the young generation.
 */
export class IdBuffer {
  private ids = new Int32Array(1024);
  length = 0;

  push(id: number): void {
    if (this.length === this.ids.length) this.grow();
    this.ids[this.length++] = id;
  }

  private grow(): void {
    const bigger = new Int32Array(this.ids.length * 2);
    bigger.set(this.ids);
    this.ids = bigger;
  }

  /** The ids as a number[], made at its full size and then filled. */
  toArray(): number[] {
    const n = this.length;
    const ids = this.ids;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = ids[i];
    return out;
  }
}
