/**
 * Python: typeshed's standard-library stubs as pyright ships them (`dist/typeshed-fallback/stdlib/**.pyi`),
 * real Python syntax with its indentation, for the code the modern technical texts are full of.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { filesUnder } from './modern-vscode.js';

/**
 * The stub files in path order, every k-th file (k = ceil(total bytes / budget)) so the sample spreads over the
 * whole library; each file's lines with trailing whitespace and blank lines dropped, as one block.
 */
export function typeshedStdlib(pyrightDir: string, budgetBytes: number): string[][] {
  const blocks = filesUnder(join(pyrightDir, 'dist', 'typeshed-fallback', 'stdlib'), '.pyi').map((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.replace(/\s+$/u, ''))
      .filter((l) => l !== ''),
  );
  const total = blocks.reduce((sum, b) => sum + Buffer.byteLength(b.join('\n')) + 1, 0);
  const stride = Math.max(1, Math.ceil(total / budgetBytes));
  return blocks.filter((b, i) => i % stride === 0 && b.length > 0);
}
