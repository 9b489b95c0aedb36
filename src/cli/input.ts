import { readFile } from 'node:fs/promises';
import { UsageError } from './usage.js';

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The input text: TEXT, --file F (`-`: standard input), or standard input when it is not a terminal. */
export async function inputText(file: string | undefined, positionals: string[], what: string): Promise<string> {
  if (file !== undefined && positionals.length > 0) throw new UsageError(`give ${what} or --file, not both`);
  if (file !== undefined) return file === '-' ? (await readStdin()).toString('utf8') : readFile(file, 'utf8');
  if (positionals.length > 0) return positionals.join(' ');
  if (process.stdin.isTTY) throw new UsageError(`give ${what}, --file F, or pipe it in`);
  return (await readStdin()).toString('utf8');
}
