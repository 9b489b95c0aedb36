import type { Page } from 'playwright-core';
import type { Lab } from './browser.js';

/**
 * A new page on `path` that records the message of every dialog (alert, confirm, prompt) a script opens, and
 * dismisses it: a test of escaping expects the list to stay empty.
 */
export async function pageWatchingDialogs(lab: Lab, path: string): Promise<{ page: Page; dialogs: string[] }> {
  const page = await lab.browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`${lab.url}${path}`);
  return { page, dialogs };
}
