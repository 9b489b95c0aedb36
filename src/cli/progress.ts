import type { TrainProgress } from '../bpe/train/trainer.js';

const WIDTH = 30;
const REDRAW_MS = 100;

/** A one-line progress bar on a terminal (training, adding a model tokenizer), redrawn in place at most every REDRAW_MS. */
export class ProgressLine {
  private readonly started = performance.now();
  private last = 0;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  count(read: number, total: number): void {
    if (this.due(false)) this.draw(`counting ${bar(read / total)} ${mb(read)}/${mb(total)} MB`);
  }

  merge(p: TrainProgress): void {
    if (!this.due(p.merges === p.total)) return;
    const token = JSON.stringify(new TextDecoder().decode(p.token)).slice(0, 24);
    this.draw(`merging  ${bar(p.merges / p.total)} ${p.merges}/${p.total}  latest ${token} ×${p.count}`);
  }

  /** Any other work: `text` (drawn now when `force`, else when due). */
  status(text: string, force = false): void {
    if (this.due(force)) this.draw(text);
  }

  end(): void {
    this.stream.write('\n');
  }

  /** Blanks the line (before other output on the same stream); the next status draws it again. */
  clear(): void {
    this.stream.write(`\r${' '.repeat((this.stream.columns ?? 100) - 1)}\r`);
    this.last = 0;
  }

  private due(force: boolean): boolean {
    const now = performance.now();
    if (!force && now - this.last < REDRAW_MS) return false;
    this.last = now;
    return true;
  }

  private draw(text: string): void {
    const line = `${text}  ${((performance.now() - this.started) / 1000).toFixed(1)} s`;
    const width = (this.stream.columns ?? 100) - 1;
    this.stream.write(`\r${line.slice(0, width).padEnd(width)}`);
  }
}

export function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, fraction) * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
}

export function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
