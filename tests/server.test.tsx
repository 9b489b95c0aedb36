import { describe, expect, it } from 'vitest';
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

  it('serves htmx from node_modules, not a CDN', async () => {
    const res = await createApp().request('/static/htmx.min.js');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/htmx/);
  });
});
