/**
 * Fixed-size slots in one SharedArrayBuffer, for answers that threads write and the server sends. A tokenize
 * answer is about 20 bytes of JSON per byte of text: moving each in a fresh ArrayBuffer made the server's
 * event loop collect garbage (mark-compact pauses of 10-60 ms every second under load). A slot is taken for a
 * task, written by the thread, sent from where it is, and given back when the socket is done with it.
 */
export class SharedSlots {
  readonly buffer: SharedArrayBuffer;
  private readonly free: number[] = [];

  constructor(
    readonly count: number,
    /** Bytes per slot: larger answers travel in their own buffer. */
    readonly size: number,
  ) {
    this.buffer = new SharedArrayBuffer(count * size);
    for (let i = count - 1; i >= 0; i--) this.free.push(i);
  }

  /** A free slot's number, or undefined when all are in use. */
  take(): number | undefined {
    return this.free.pop();
  }

  /** Slot `slot` as bytes (all of it, for a thread to write into). */
  bytes(slot: number, length = this.size): Uint8Array {
    return new Uint8Array(this.buffer, slot * this.size, length);
  }

  /** Gives `slot` back. */
  give(slot: number): void {
    this.free.push(slot);
  }

  /** How many slots are free. */
  get available(): number {
    return this.free.length;
  }
}
