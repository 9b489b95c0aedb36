import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'hono';
import { packageRoot } from '../store/package-root.js';

/**
 * The lab's one stylesheet, kept as a file per part in views/css/ (the design tokens first, so every later part
 * names them) and served as one at /static/lab.css from the package: the lab works offline, no CDN.
 */
export const STYLESHEET_PARTS = ['theme', 'base', 'tokens', 'pages'] as const;

interface Stylesheet {
  css: string;
  etag: string;
}

let loaded: Stylesheet | undefined;

/** The parts joined, read once: they ship with the package and change only with it. */
export function stylesheet(): Stylesheet {
  if (loaded) return loaded;
  const css = STYLESHEET_PARTS.map((part) => readFileSync(join(packageRoot(), 'views', 'css', `${part}.css`), 'utf8')).join('\n');
  loaded = { css, etag: `"${createHash('sha256').update(css).digest('hex').slice(0, 16)}"` };
  return loaded;
}

/**
 * GET /static/lab.css. The browser keeps it and asks again on each page with its ETag (no-cache means
 * "revalidate", not "do not store"): a 304 of a few bytes, and a new version of the lab is seen at once.
 */
export function serveStylesheet(c: Context): Response {
  const { css, etag } = stylesheet();
  const headers = { etag, 'cache-control': 'no-cache' };
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
  return c.body(css, 200, { ...headers, 'content-type': 'text/css; charset=utf-8' });
}
