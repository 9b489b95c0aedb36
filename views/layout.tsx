import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

/** The frame every page shares: title, stylesheet and htmx served from node_modules (the lab works offline). */
export function Layout(props: { title: string; children?: Child }) {
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · tokenlab</title>
        <script src="/static/htmx.min.js" defer></script>
      </head>
      <body>
        <header>
          <strong>tokenlab</strong>
        </header>
        <main>{props.children}</main>
      </body>
      </html>
    </>
  );
}
