/**
 * Browser tests: playwright-core driving Debian's Chromium (/usr/bin/chromium; `.ci/run` installs it, and
 * `npx playwright install` cannot work on this machine). Tests skip with a clear message where it is absent.
 * Each test file serves the lab's Hono app on a loopback port with its own data directory.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TOKENLAB_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP_BROWSER_REASON = `browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set TOKENLAB_CHROMIUM)`;
if (!HAVE_CHROMIUM) console.warn(SKIP_BROWSER_REASON);

/** "`what` in Chromium", with the reason it is skipped where Chromium is absent: the title of a browser test file. */
export function inChromium(what: string): string {
  return HAVE_CHROMIUM ? `${what} in Chromium` : `${what} in Chromium (${SKIP_BROWSER_REASON})`;
}

/** Where screenshots go (ignored by git); look at them after a run. */
export const ARTIFACTS = resolve('test-artifacts');

// Without the background-networking flags Chromium keeps dialing Google's hosts, which this network refuses.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Lab {
  url: string;
  browser: Browser;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A fresh data directory (TOKENLAB_DATA, set for this test file's process), the lab served on 127.0.0.1 at a
 * free port, and a headless Chromium.
 */
export async function startLab(): Promise<Lab> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tokenlab-browser-'));
  process.env.TOKENLAB_DATA = dataDir;
  const { createApp } = await import('../src/server/app.js');
  const server: ServerType = await new Promise((done) => {
    const s = serve({ fetch: createApp().fetch, port: 0, hostname: '127.0.0.1' }, () => done(s));
  });
  const port = (server.address() as AddressInfo).port;
  const browser = await launchBrowser();
  return {
    url: `http://127.0.0.1:${port}`,
    browser,
    dataDir,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/** The lab of one test file, with the page its tests share. */
export interface LabPage extends Lab {
  page: Page;
}

/**
 * The lab for the enclosing `describe`: started (then `prepare` run on it) before its tests and closed after, with
 * one shared page of `viewport`'s size. The object is filled in by `beforeAll`, so read its fields inside tests.
 */
export function useLab(prepare?: (lab: Lab) => unknown, viewport = { width: 1280, height: 900 }): LabPage {
  const lab = {} as LabPage;
  beforeAll(async () => {
    Object.assign(lab, await startLab());
    lab.page = await lab.browser.newPage({ viewport });
    await prepare?.(lab);
  });
  afterAll(async () => {
    await lab.close?.();
  });
  return lab;
}

/** A headless Chromium, for a test that serves the lab its own way (the built server: tests/server-process.ts). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/** Saves a full-page screenshot as test-artifacts/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
