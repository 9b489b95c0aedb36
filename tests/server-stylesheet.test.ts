import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/server/app.js';
import { STYLESHEET_PARTS } from '../src/server/stylesheet.js';

const app = createApp();
const CSS_DIR = 'views/css';
// A color written out: hex, or a color function over numbers (hsl(var(--h) ...) takes its numbers from tokens).
const RAW_COLOR = /#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(\s*[\d.]/;

describe('the stylesheet', () => {
  it('is served from the package as one file, its parts in order, design tokens first', async () => {
    const res = await app.request('/static/lab.css');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const css = await res.text();
    const parts = STYLESHEET_PARTS.map((p) => readFileSync(join(CSS_DIR, `${p}.css`), 'utf8'));
    expect(css).toBe(parts.join('\n'));
    expect(readdirSync(CSS_DIR).sort()).toEqual(STYLESHEET_PARTS.map((p) => `${p}.css`).sort()); // no part left out
    expect(css.indexOf('--bg:')).toBeLessThan(css.indexOf('body {'));
  });

  it('is revalidated by its ETag: the same version answers 304 without a body', async () => {
    const first = await app.request('/static/lab.css');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);
    expect(first.headers.get('cache-control')).toBe('no-cache');
    const again = await app.request('/static/lab.css', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await app.request('/static/lab.css', { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
  });

  it('every page links it and carries no style of its own', async () => {
    for (const path of ['/', '/compare', '/train', '/vocab', '/corpora', '/lm', '/chat']) {
      const html = await (await app.request(path)).text();
      expect(html, path).toContain('<link rel="stylesheet" href="/static/lab.css"/>');
      expect(html, path).not.toContain('<style');
    }
  });

  it('defines every color in theme.css, for the light theme and again for the dark one', () => {
    const theme = readFileSync(join(CSS_DIR, 'theme.css'), 'utf8');
    const [light, dark] = theme.split('@media (prefers-color-scheme: dark)');
    const names = (s: string) => new Set([...s.matchAll(/(--[\w-]+):\s*([^;]+);/g)].filter((m) => RAW_COLOR.test(m[2])).map((m) => m[1]));
    expect(dark).toBeDefined();
    expect([...names(light)].filter((n) => !names(dark).has(n))).toEqual([]); // each light color has its dark twin
    for (const part of STYLESHEET_PARTS.filter((p) => p !== 'theme')) {
      const css = readFileSync(join(CSS_DIR, `${part}.css`), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      expect(css.match(RAW_COLOR), part).toBeNull();
    }
  });

  it('views write no color of their own: they name the stylesheet’s classes and tokens', () => {
    for (const file of readdirSync('views').filter((f) => /\.tsx?$/.test(f))) {
      const source = readFileSync(join('views', file), 'utf8');
      expect(source.match(RAW_COLOR), file).toBeNull();
    }
  });
});
