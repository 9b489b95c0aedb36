import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What `npm start` runs: the compiled server (npm test builds first). */
export const MAIN = fileURLToPath(new URL('../dist/src/server/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** Its start line. */
  line: string;
  /** Where to reach it on loopback. */
  url: string;
}

/**
 * Starts the built server as a child process on a free port (PORT=0) with this process's environment plus
 * `env` (an undefined value leaves the variable out); resolves once it prints its start line.
 */
export async function startBuiltServer(env: Record<string, string | undefined> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (!line.includes('listening on')) continue; // e.g. the stale temporary files it removed
    const port = /:(\d+) /.exec(line)?.[1];
    if (port === undefined) throw new Error(`no port in the start line ${JSON.stringify(line)}`);
    return { child, line, url: `http://127.0.0.1:${port}` };
  }
  throw new Error('the server exited without a start line');
}
