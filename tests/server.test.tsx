import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/server/app.js';

describe('server', () => {
  it('serves the home page listing the split patterns', async () => {
    const res = await createApp().request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('tokenlab');
    expect(html).toContain('cjk');
  });

  it('answers a bug with a 500 that says so (JSON under /api/), and logs it with its stack', async () => {
    const app = createApp();
    const bug = () => {
      throw new TypeError('x is undefined');
    };
    app.get('/api/bug', bug);
    app.get('/bug', bug);
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const api = await app.request('/api/bug');
      expect(api.status).toBe(500);
      expect(await api.json()).toEqual({ error: 'internal error: x is undefined' });
      const page = await app.request('/bug');
      expect(page.status).toBe(500);
      expect(await page.text()).toBe('internal error: x is undefined');
      expect(log).toHaveBeenCalledTimes(2);
      expect(log.mock.calls[0][0]).toBe('GET /api/bug:');
      expect((log.mock.calls[0][1] as Error).stack).toMatch(/TypeError: x is undefined\n\s+at bug/);
    } finally {
      log.mockRestore();
    }
  });

  it('serves htmx from node_modules, not a CDN', async () => {
    const res = await createApp().request('/static/htmx.min.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/htmx/);
  });
});
