import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** ../shared beside the repository: the development corpora benches read in place. */
export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));

export function corpusPath(name: string): string {
  const path = join(SHARED, 'corpora', name);
  if (!existsSync(path)) {
    console.error(`bench: ${path} is absent; benchmarks need the development corpora in ../shared/corpora`);
    process.exit(2);
  }
  return path;
}

/** Peak resident memory of this process (all its threads) in MB. */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function table(rows: Array<Record<string, string | number>>): string {
  const keys = Object.keys(rows[0]);
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const lines = [keys, keys.map(() => '---'), ...rows.map((r) => keys.map((k) => cell(r[k])))];
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}
