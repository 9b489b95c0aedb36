/**
 * The vocabulary pages: /vocab lists every vocabulary with an import form; /vocab/:name explores one (summary,
 * downloads, token-length histogram, a searchable token table, the merge tree of a token, and a merge-step
 * scrubber). Table, tree and scrubber are fragments htmx swaps in; the page renders them too from the query
 * string, so links work without script. All user text goes through JSX (escaped).
 */
import { formatBytes } from './format.js';
import { Layout } from './layout.js';
import { ModelOffers, TOKENIZERS_CHANGED, type ModelOffer } from './model-tokenizers.js';
import type { TokenizerKind } from './tokenizer-groups.js';
import { MergeTreeView, Scrub, type MergeTreeNode, type ScrubView } from './vocab-merges.js';
import { FILTER_LABELS, TokenTable, type TokenPage, type TokenQuery } from './vocab-tokens.js';
import { MergeOrderFact, PipelineDownloads, PipelineRows, type MergeOrderView, type PipelineSummary } from './vocab-model.js';
import { ChartData } from './chart-data.js';

const KIND_LABELS: Record<TokenizerKind, string> = {
  tiktoken: 'tiktoken encoding',
  model: 'open model (Hugging Face)',
  shipped: 'ships with tokenlab',
  user: 'yours',
};

const ALGORITHM_LABELS: Record<VocabSummary['algorithm'], string> = {
  bpe: 'byte-level BPE',
  superbpe: 'SuperBPE (BPE, then superwords across spaces)',
  unigram: 'Unigram language model',
  huggingface: 'Hugging Face pipeline',
};

const path = (name: string, rest = '') => `/vocab/${encodeURIComponent(name)}${rest}`;

/** A vocabulary as the list shows it. */
export interface VocabRow {
  name: string;
  kind: TokenizerKind;
  /** Token ids, specials included; null when the file cannot be read. */
  size: number | null;
  specials: number | null;
  /** A pattern name or a custom regex's source (`named` says which); null when the file cannot be read. */
  pattern: { source: string; named: boolean } | null;
  /** A model tokenizer's pipeline in a line (it has no pattern). */
  pipeline?: string;
  /** A vocabulary file's algorithm where it is not plain BPE (a Unigram model has no pattern). */
  algorithm?: 'superbpe' | 'unigram';
}

/** A pattern by name; a custom regex by its first characters (the whole of it on hover); a model's pipeline. */
function PatternCell(props: { pattern: VocabRow['pattern']; pipeline: string | undefined; algorithm: VocabRow['algorithm'] }) {
  if (props.pipeline !== undefined) return <td>Hugging Face pipeline: {props.pipeline}</td>;
  if (props.algorithm === 'unigram') return <td>Unigram (a space starts each word)</td>;
  if (props.algorithm === 'superbpe' && props.pattern !== null)
    return <td>SuperBPE over {props.pattern.named ? props.pattern.source : 'a custom regex'}</td>;
  if (props.pattern === null) return <td class="note">unreadable</td>;
  const { source: p, named } = props.pattern;
  return named ? (
    <td>{p}</td>
  ) : (
    <td title={p}>
      custom: <code>{p.length > 24 ? `${p.slice(0, 24)}…` : p}</code>
    </td>
  );
}

/** The list; `patterns`: those an import may give a rank file (which carries none). */
export function VocabListPage(props: {
  vocabularies: readonly VocabRow[];
  /** The open-model tokenizers not installed, to add. */
  modelOffers: readonly ModelOffer[];
  patterns: readonly string[];
  error?: string;
  importName?: string;
}) {
  // The list refreshes itself (from this page) when an offer below says a tokenizer was installed.
  const refresh = {
    'hx-get': '/vocab',
    'hx-select': '#vocab-list',
    'hx-swap': 'outerHTML',
    'hx-trigger': `${TOKENIZERS_CHANGED} from:body`,
  };
  return (
    <Layout title="Vocabularies">
      <h1>Vocabularies</h1>
      <table class="vocab-table" id="vocab-list" {...refresh}>
        <thead>
          <tr>
            <th>name</th>
            <th class="num">size</th>
            <th class="num">specials</th>
            <th>pattern</th>
            <th>kind</th>
          </tr>
        </thead>
        <tbody>
          {props.vocabularies.map((v) => (
            <tr data-name={v.name}>
              <td>
                <a href={path(v.name)}>{v.name}</a>
              </td>
              <td class="num vocab-size">{v.size === null ? '?' : v.size.toLocaleString('en-US')}</td>
              <td class="num">{v.specials ?? '?'}</td>
              <PatternCell pattern={v.pattern} pipeline={v.pipeline} algorithm={v.algorithm} />
              <td>{KIND_LABELS[v.kind]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        Size: token ids, the specials included. Train a new one on <a href="/train">Train</a>.
      </p>
      <ModelOffers offers={props.modelOffers} />
      <h2>Import a vocabulary</h2>
      {props.error !== undefined ? (
        <p class="error" id="import-error">
          {props.error}
        </p>
      ) : null}
      <form id="import-form" method="post" action="/vocab/import" enctype="multipart/form-data" class="train-fields">
        <label>
          Name <input name="name" required value={props.importName ?? ''} placeholder="my-import" />
        </label>
        <label>
          File <input name="file" type="file" required />
        </label>
        <label>
          Format{' '}
          <select name="format">
            <option value="auto">detect</option>
            <option value="json">tokenlab JSON</option>
            <option value="tiktoken">tiktoken ranks (.tiktoken)</option>
            <option value="hf">tokenizer.json (Hugging Face, byte-level BPE)</option>
          </select>
        </label>
        <label>
          Pattern (tiktoken ranks carry none){' '}
          <select name="pattern">
            {props.patterns.map((p) => (
              <option value={p}>{p}</option>
            ))}
          </select>
        </label>
        <button type="submit">Import</button>
      </form>
    </Layout>
  );
}

/** What the explorer says of a vocabulary (the API's summary of it). */
export interface VocabSummary {
  name: string;
  kind: TokenizerKind;
  /** The ids the token table covers: a vocabulary's ordinary tokens (the specials follow); every id of a model tokenizer. */
  tokens: number;
  specials: ReadonlyArray<{ text: string; id: number }>;
  /** What made the tokens: BPE, SuperBPE (superwords over BPE), Unigram, or a Hugging Face pipeline. */
  algorithm: 'bpe' | 'superbpe' | 'unigram' | 'huggingface';
  /** SuperBPE: the tokens stage 1 learned (ids below it), and the most words a stage-2 token holds. */
  superbpe?: { transition: number; maxWords: number };
  /** The split pattern; null for a Unigram model (words start at spaces) or a model tokenizer (its pipeline). */
  pattern: string | null;
  pipeline?: PipelineSummary;
  merges: number;
  /** bytesPerToken: on the training text, where training measured it (BPE and SuperBPE do). */
  training: { corpora: ReadonlyArray<{ name: string; bytes: number }>; seconds: number; bytesPerToken?: number } | null;
  heldOut: { bytes: number; tokens: number; bytesPerToken: number; usedTokens: number };
}

export interface VocabView {
  summary: VocabSummary;
  /** histogram[n]: tokens of n bytes, the last bar counting that many or more. */
  histogram: readonly number[];
  /** The token classes the table filters by. */
  classes: readonly string[];
  query: TokenQuery;
  table: TokenPage;
  tree?: MergeTreeNode;
  scrub: ScrubView;
  /** A byte-level model's merge-order fact (absent for other tokenizers). */
  mergeOrder?: MergeOrderView;
}

export function VocabPage(props: VocabView) {
  const a = props.summary;
  return (
    <Layout title={a.name}>
      <h1>
        {a.name} <span class="note">{KIND_LABELS[a.kind]}</span>
      </h1>
      <div class="vocab-top">
        <Summary a={a} />
        <div>
          <h3>Downloads</h3>
          {a.pipeline ? (
            <PipelineDownloads href={path(a.name, '/download/tokenizer.json')} />
          ) : (
            <VocabularyDownloads name={a.name} algorithm={a.algorithm} />
          )}
          {a.kind === 'user' ? (
            <form method="post" action={path(a.name, '/delete')} onsubmit="return confirm('Delete this vocabulary?')">
              <button type="submit" id="delete">
                Delete {a.name}
              </button>
            </form>
          ) : null}
          <p>
            <a href={`/?tokenizer=${encodeURIComponent(a.name)}`}>Tokenize with {a.name}</a>
          </p>
        </div>
        <div>
          <h3>Token lengths (bytes)</h3>
          <Histogram counts={props.histogram} />
        </div>
      </div>
      <h2>Tokens</h2>
      <form
        id="token-search"
        method="get"
        action={path(a.name)}
        hx-get={path(a.name, '/tokens')}
        hx-target="#tokens"
        hx-trigger="input delay:300ms, change, submit"
      >
        <input name="q" value={props.query.q} placeholder="text or id" aria-label="search tokens by text or id" />{' '}
        <select name="filter" aria-label="which tokens">
          {['', ...props.classes].map((f) => (
            <option value={f} selected={props.query.filter === f}>
              {FILTER_LABELS[f]}
            </option>
          ))}
        </select>{' '}
        <button type="submit">Search</button>
      </form>
      <div class="vocab-explore">
        <div id="tokens">
          <TokenTable name={a.name} query={props.query} table={props.table} />
        </div>
        <div>
          <h3>Merge tree</h3>
          <p class="note">
            {a.pipeline
              ? 'The model’s merges on the token’s own text, the pair listed first merging first; rank: the merge’s place in the model’s merges.'
              : a.algorithm === 'unigram'
                ? 'A Unigram model has no merges: each token is a piece of its own, or a byte for characters no piece covers.'
                : 'Rank: the token’s id (tiktoken merges the pair whose result has the lowest rank).'}
          </p>
          <form method="get" action={path(a.name)} hx-get={path(a.name, '/tree')} hx-target="#tree">
            <input
              name="tree"
              type="number"
              min="0"
              max={String(a.tokens - 1)}
              placeholder="token id"
              value={props.tree ? String(props.tree.id) : ''}
            />{' '}
            <button type="submit">Show</button>
          </form>
          <div id="tree">{props.tree ? <MergeTreeView node={props.tree} /> : <p class="note">Pick a token id in the table.</p>}</div>
        </div>
      </div>
      {a.pipeline ? (
        <>
          <h2>Merge order</h2>
          <MergeOrderFact fact={props.mergeOrder} model={a.pipeline.model} />
        </>
      ) : null}
      <h2>Merge-step scrubber</h2>
      {a.algorithm === 'unigram' ? (
        <p class="note vocab-narrow">A Unigram model has no merges to step through: the sample as the model encodes it.</p>
      ) : null}
      {a.pipeline ? (
        <p class="note vocab-narrow">
          The model’s own merges in their order: after k of them, the tokens are those the first k merges make and those no merge makes
          (bytes, characters, added tokens).
        </p>
      ) : null}
      <form
        id="scrub-form"
        hx-post={path(a.name, '/scrub')}
        hx-target="#scrub"
        hx-trigger="input delay:150ms, submit"
        method="get"
        action={path(a.name)}
      >
        <textarea name="sample" rows={3}>
          {props.scrub.sample}
        </textarea>
        <label>
          Merges: <input type="range" name="k" min="0" max={String(props.scrub.max)} value={String(props.scrub.k)} class="scrub-range" />
        </label>
      </form>
      <div id="scrub">
        <Scrub {...props.scrub} />
      </div>
    </Layout>
  );
}

/** What the other formats cannot carry, by algorithm (the downloads refuse them, saying why). */
const NOT_OFFERED: Partial<Record<VocabSummary['algorithm'], string>> = {
  superbpe: 'tokenizer.json and tiktoken ranks cannot carry SuperBPE’s two levels of merges',
  unigram: 'a Unigram model has no merge ranks for tiktoken',
};

/** A vocabulary's downloads: the formats that carry its algorithm. */
function VocabularyDownloads(props: { name: string; algorithm: VocabSummary['algorithm'] }) {
  const { name, algorithm } = props;
  return (
    <ul id="downloads">
      <li>
        <a href={path(name, '/download/json')} download>
          tokenlab JSON
        </a>
      </li>
      {algorithm === 'bpe' ? (
        <li>
          <a href={path(name, '/download/tiktoken')} download>
            tiktoken ranks
          </a>{' '}
          with the{' '}
          <a href={path(name, '/download/tiktoken-args')} download>
            pattern and special tokens
          </a>{' '}
          <span class="note">(tiktoken's pat_str and special_tokens, which the ranks do not carry)</span>
        </li>
      ) : null}
      {algorithm !== 'superbpe' ? (
        <li>
          <a href={path(name, '/download/tokenizer.json')} download>
            tokenizer.json
          </a>
        </li>
      ) : null}
      {NOT_OFFERED[algorithm] ? <li class="note">{NOT_OFFERED[algorithm]}</li> : null}
    </ul>
  );
}

function Summary(props: { a: VocabSummary }) {
  const vocab = props.a;
  const { heldOut } = vocab;
  return (
    <table class="vocab-summary" id="summary">
      <tbody>
        {vocab.pipeline ? (
          <PipelineRows size={vocab.tokens} specials={vocab.specials} pipeline={vocab.pipeline} />
        ) : (
          <VocabularyRows a={vocab} pattern={vocab.pattern ?? ''} />
        )}
        <tr>
          <th>bytes/token on held-out text</th>
          <td id="heldout-bpt">{heldOut.bytesPerToken.toFixed(3)}</td>
        </tr>
        <tr>
          <th>held-out sample</th>
          <td>
            {formatBytes(heldOut.bytes)} from the bundled corpora’s held-out splits, {heldOut.tokens} tokens, {heldOut.usedTokens} distinct
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The summary's rows of a vocabulary: its size, pattern, merges, specials and training. */
function VocabularyRows(props: { a: VocabSummary; pattern: string }) {
  const { a: vocab, pattern } = props;
  const t = vocab.training;
  return (
    <>
      <tr>
        <th>tokens</th>
        <td>
          {vocab.tokens + vocab.specials.length} ({vocab.tokens} ordinary, {vocab.specials.length} special)
        </td>
      </tr>
      <tr>
        <th>algorithm</th>
        <td id="algorithm">{ALGORITHM_LABELS[vocab.algorithm]}</td>
      </tr>
      {vocab.superbpe ? (
        <tr>
          <th>superwords</th>
          <td>
            ids from {vocab.superbpe.transition} (stage 2), at most {vocab.superbpe.maxWords} words a token
          </td>
        </tr>
      ) : null}
      {vocab.algorithm === 'unigram' ? (
        <tr>
          <th>words</th>
          <td>each space starts one; each word is its most probable segmentation (log-probabilities in the table)</td>
        </tr>
      ) : (
        <>
          <tr>
            <th>pattern</th>
            <td>{pattern.length > 24 ? 'a custom regex' : pattern}</td>
          </tr>
          <tr>
            <th>merges stored</th>
            <td>{vocab.merges === 0 ? 'none (ranks only)' : vocab.merges}</td>
          </tr>
        </>
      )}
      {vocab.specials.length ? (
        <tr>
          <th>special tokens</th>
          <td>{vocab.specials.map((s) => `${s.text} (${s.id})`).join(', ')}</td>
        </tr>
      ) : null}
      <tr>
        <th>corpora</th>
        <td>{t ? t.corpora.map((c) => `${c.name} (${formatBytes(c.bytes)})`).join(', ') : 'not recorded'}</td>
      </tr>
      <tr>
        <th>training time</th>
        <td>{t ? `${t.seconds.toFixed(1)} s` : 'not recorded'}</td>
      </tr>
      {t?.bytesPerToken !== undefined ? (
        <tr>
          <th>bytes/token on its training text</th>
          <td>{t.bytesPerToken.toFixed(3)}</td>
        </tr>
      ) : null}
    </>
  );
}

const HW = 360;
const HH = 160;

function Histogram(props: { counts: readonly number[] }) {
  const max = Math.max(1, ...props.counts);
  const bars = props.counts.slice(1);
  const bw = (HW - 40) / bars.length;
  const labels = bars.map((_, i) => (i === bars.length - 1 ? `${i + 1}+` : String(i + 1)));
  const top = bars.indexOf(Math.max(...bars));
  const total = bars.reduce((a, b) => a + b, 0);
  const summary = `Token lengths: ${total.toLocaleString('en')} tokens from 1 to ${labels.at(-1)} bytes, most of them (${bars[top].toLocaleString('en')}) ${labels[top]} bytes long`;
  return (
    <figure class="chart">
      <svg id="histogram" width={HW} height={HH} viewBox={`0 0 ${HW} ${HH}`} role="img" aria-label={summary}>
        {bars.map((count, i) => {
          const h = (count / max) * (HH - 40);
          const label = labels[i];
          return (
            <g>
              <rect class="chart-bar" x={30 + i * bw} y={HH - 20 - h} width={bw - 2} height={h}>
                <title>{`${label} bytes: ${count} tokens`}</title>
              </rect>
              <text x={30 + i * bw + bw / 2} y={HH - 6} font-size="10" text-anchor="middle">
                {label}
              </text>
            </g>
          );
        })}
        <text x="2" y="12" font-size="10">
          {max}
        </text>
      </svg>
      <ChartData summary="tokens by length" head={['bytes', 'tokens']} rows={bars.map((count, i) => [labels[i], count])} />
    </figure>
  );
}

export function VocabError(props: { message: string }) {
  return <p class="error">{props.message}</p>;
}
