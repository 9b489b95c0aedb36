import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { PALETTE_SCRIPT } from './palette.js';
import { TOKEN_KEYS_SCRIPT } from './token-keys.js';

/** The lab's pages, in the order the header links them. */
export const NAV: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/', label: 'Tokenize' },
  { href: '/compare', label: 'Compare' },
  { href: '/compare/quality', label: 'Quality' },
  { href: '/train', label: 'Train' },
  { href: '/vocab', label: 'Vocabularies' },
  { href: '/corpora', label: 'Corpora' },
  { href: '/lm', label: 'Language models' },
];

// Marks the header's link to the page shown (a page's own sub-pages too, and chat mode of the tokenize page).
const CURRENT_PAGE_SCRIPT = `document.addEventListener('DOMContentLoaded', () => {
  const here = location.pathname === '/chat' ? '/' : location.pathname;
  const links = [...document.querySelectorAll('.site-nav a')];
  const best = links.filter((a) => here === a.pathname || (a.pathname !== '/' && here.startsWith(a.pathname + '/'))).pop();
  if (best) best.setAttribute('aria-current', 'page');
});`;

/**
 * The frame every page shares: title, the stylesheet (views/css/, served by the lab) and htmx served from
 * node_modules (the lab works offline), the token palette and the tokens' keyboard use.
 */
export function Layout(props: { title: string; children?: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title} · tokenlab</title>
          <link rel="stylesheet" href="/static/lab.css" />
          <script>{raw(PALETTE_SCRIPT)}</script>
          <script>{raw(TOKEN_KEYS_SCRIPT)}</script>
          <script>{raw(CURRENT_PAGE_SCRIPT)}</script>
          {/* Not deferred: htmx run after parsing starts a moment later, and an extension still downloading then
              never sees the page's elements (a job's panel would not follow it); run while the page is parsed,
              htmx waits for DOMContentLoaded, by when both have run. */}
          <script src="/static/htmx.min.js"></script>
          <script src="/static/hx-sse.min.js"></script>
        </head>
        <body>
          <header class="site-header">
            <a class="brand" href="/">
              tokenlab
            </a>
            <nav class="site-nav" aria-label="pages">
              {NAV.map((n) => (
                <a href={n.href}>{n.label}</a>
              ))}
            </nav>
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}
