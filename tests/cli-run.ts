/** Runs the built `tokenlab` command (bin/tokenlab.js) as a child process, for the CLI tests. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/tokenlab.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Standard output as bytes (decode writes raw bytes). */
  raw: Buffer;
}

/** Runs the command with `input` piped to its standard input (empty by default); a failure resolves too. */
export function runTokenlab(args: readonly string[], input = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { encoding: 'buffer' }, (error, stdout, stderr) => {
      resolve({
        code: error ? ((error as { code?: number }).code ?? 1) : 0,
        stdout: stdout.toString('utf8'),
        stderr: stderr.toString('utf8'),
        raw: stdout,
      });
    });
    child.stdin!.end(input);
  });
}

export function tokenlab(...args: string[]): Promise<CliResult> {
  return runTokenlab(args);
}
