import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { TOKENS_CSS } from './tokens.js';

// The lab's stylesheet: small enough to inline. It holds no user text.
const CSS = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 0 1rem; color: #222; }
header { padding: .75rem 0; border-bottom: 1px solid #ddd; margin-bottom: 1rem; }
header a { margin-right: 1rem; color: inherit; }
header strong { margin-right: 1.5rem; }
textarea { width: 100%; box-sizing: border-box; font: 1rem/1.4 ui-monospace, monospace; }
.controls { margin: .5rem 0 1rem; }
${TOKENS_CSS.trim()}
.stats { display: flex; flex-wrap: wrap; gap: 2rem; margin: 1rem 0; }
.stats th { text-align: left; font-weight: normal; color: #555; padding-right: 1rem; }
.stats td { text-align: right; }
.bar { display: inline-block; height: .7em; background: #6a8fd8; }
.error { color: #a00; font-weight: bold; }
.note { color: #666; }
.cmp-choice { border: 1px solid #ddd; margin: .5rem 0 1rem; }
.cmp-choice label { margin-right: 1rem; white-space: nowrap; }
.cmp-kind { color: #555; }
.cmp-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; }
.cmp-panel h3 { margin: 0; border-left: 6px solid; padding-left: .4rem; }
.cmp-panel .tokens { max-height: 24rem; overflow: auto; border: 1px solid #eee; padding: .25rem; }
.cmp .cut, .cmp-cut-sample { box-shadow: inset -3px 0 0 #d62728; }
.cmp-chart text { font: 13px system-ui, sans-serif; }
.cmp-reference { stroke: #333; stroke-dasharray: 4 3; }
.cmp-tax { margin: 2rem 0; }
.cmp-tax-table th { text-align: left; font-weight: normal; padding-right: 1rem; }
.cmp-tax-table td { text-align: right; padding-right: 1rem; }
.cmp-tax-table td.cmp-left { text-align: left; }
.cmp-tax-bar { display: inline-block; position: relative; height: .8rem; background: #6a8fd8; vertical-align: middle; }
.cmp-tax-one { position: absolute; top: -3px; bottom: -3px; border-left: 1px dashed #333; }
.train-corpora label { display: inline-block; min-width: 16rem; margin: .15rem .5rem .15rem 0; }
.train-fields { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .75rem 0; align-items: end; }
.train-fields textarea { width: 16rem; }
.job-panel { border: 1px solid #ddd; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; }
.job-panel progress { width: 24rem; }
.train-live { display: flex; flex-wrap: wrap; gap: 2rem; }
.latest { font: .95rem/1.6 ui-monospace, monospace; margin: 0; }
.vocab-summary th { text-align: left; font-weight: normal; color: #555; padding-right: 1rem; vertical-align: top; }
.vocab-summary { max-width: 44rem; }
.vocab-narrow { max-width: 44rem; }
.jobs td, .jobs th, .vocab-table td, .vocab-table th, .corpora-table td, .corpora-table th { padding: .15rem .6rem .15rem 0; text-align: left; vertical-align: top; }
.vocab-top { display: flex; flex-wrap: wrap; gap: 2rem; align-items: start; }
.vocab-explore { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem; }
.merge-tree, .merge-tree ul { list-style: none; padding-left: 1.2rem; border-left: 1px dotted #aaa; margin: .1rem 0; }
.merge-tree li { margin: .15rem 0; }
.scrub-range { width: 28rem; vertical-align: middle; }
.scrub-tokens { font: 1rem/2 ui-monospace, monospace; word-break: break-all; }
.scrub-tokens .tok { margin-right: 2px; }
.corpus-preview { border: 1px solid #ddd; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; }
.corpus-preview code { white-space: pre-wrap; word-break: break-all; }
.lm-two { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 2rem; }
.lm-inline { display: inline; }
.lm-tabs { margin: 1rem 0; border-bottom: 1px solid #ddd; padding-bottom: .4rem; }
.lm-tabs a, .lm-tabs strong { margin-right: 1.25rem; }
.lm-tok { border-radius: 3px; margin-right: 1px; }
.lm-tok .tok { background: transparent; }
.lm-tok:hover { outline: 2px solid #333; }
.lm-line { margin: .2rem 0; }
.lm-marker { background: #eee; color: #555; font-size: .8em; }
.lm-prompt .tok { background: #e6e6e6; }
.lm-bars td, .lm-bars th { padding: .1rem .6rem .1rem 0; text-align: left; }
.lm-bars .bar { height: .9em; }
.lm-bars .bar.lm-qt { background: #e08a3a; }
.lm-bpb { white-space: nowrap; }
.lm-board caption { text-align: left; font-weight: bold; margin-top: .75rem; }
.lm-qa-fields label { display: block; margin-bottom: .5rem; }
.lm-window { border-left: 4px solid #6a8fd8; padding-left: .75rem; margin: 1rem 0; }
.lm-sample-text { white-space: pre-wrap; }
.lm-legend { display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.lm-swatch { padding: .1rem .45rem; border-radius: 3px; font-size: .85em; }
.lm-walk a { text-decoration: none; }
.lm-walk:hover { background: #f1f5ff; }
.lm-bar-link .bar { cursor: pointer; }
.ig-covered, .ig-suffix .tok { background: #ffe08a; }
.ig-line-text { white-space: pre-wrap; word-break: break-all; border: 1px solid #ddd; padding: .5rem; }
#vocab-list .num { text-align: right; font-variant-numeric: tabular-nums; }
#vocab-list td:first-child { white-space: nowrap; }
.mode-tabs { margin: 0 0 .75rem; }
.mode-tabs a, .mode-tabs strong { margin-right: 1.25rem; }
.chat-msgs { counter-reset: msg; }
.chat-msg { display: grid; grid-template-columns: 1.5rem 7rem minmax(0, 1fr) auto; gap: .5rem; align-items: start; margin: .35rem 0; }
.chat-msg::before { counter-increment: msg; content: counter(msg); color: #666; text-align: right; padding-top: .2rem; }
#chat-setup { margin-top: .5rem; }
.chat-template { display: none; margin-top: .5rem; }
#chat-form:has(select[name=format] option[value=custom]:checked) .chat-template { display: block; }
.chat-prompt { white-space: pre-wrap; word-break: break-all; font: .95rem/1.7 ui-monospace, monospace; border: 1px solid #ddd; padding: .5rem; max-height: 24rem; overflow: auto; }
.chat-template-text { background: #e8e8e8; color: #555; }
.chat-control { background: #3b3b6d; color: #fff; border-radius: 3px; padding: 0 2px; }
.chat-content { background: #fff; box-shadow: inset 0 -2px 0 #6a8fd8; }
.chat-warning { border: 2px solid #d62728; background: #fff2f0; padding: .5rem 1rem; margin: .75rem 0; }
.chat-table td, .chat-table th { padding: .15rem .8rem .15rem 0; text-align: right; }
.chat-table th:first-child, .chat-table td.note { text-align: left; }
.state-done { color: #176617; } .state-failed, .state-interrupted { color: #a00; } .state-cancelled { color: #777; } .state-running { color: #1d4fb3; }
`;

/** The lab's pages, in the order the header links them. */
export const NAV: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/', label: 'Tokenize' },
  { href: '/compare', label: 'Compare' },
  { href: '/train', label: 'Train' },
  { href: '/vocab', label: 'Vocabularies' },
  { href: '/corpora', label: 'Corpora' },
  { href: '/lm', label: 'Language models' },
];

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
          <style>{raw(CSS)}</style>
          <script src="/static/htmx.min.js" defer></script>
          <script src="/static/hx-sse.min.js" defer></script>
        </head>
        <body>
          <header>
            <strong>tokenlab</strong>{' '}
            <nav style="display:inline">
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
