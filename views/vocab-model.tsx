/**
 * What the vocabulary explorer shows of a model tokenizer (a Hugging Face pipeline) besides what every
 * vocabulary has: its pipeline stage by stage, its one download (the original tokenizer.json) and, for a
 * byte-level model, how often its merge order and tiktoken's rank order would tokenize the held-out sample
 * differently.
 */
import { TokenChip, type ChipToken } from './tokens.js';

/** A model tokenizer's pipeline, each stage in a few words, and where its files came from. */
export interface PipelineSummary {
  normalizer: string;
  preTokenizer: string;
  model: string;
  decoder: string;
  /** Ids of the BPE model (the added tokens may take more). */
  modelIds: number;
  addedTokens: number;
  source: { package: string; version: string; sha256: string } | null;
}

/** The held-out sample's pieces by the two rules, and the first that differ (tokens as chips). */
export interface MergeOrderView {
  pieces: number;
  differing: number;
  tokensByMergeOrder: number;
  tokensByRankOrder: number;
  examples: ReadonlyArray<{ piece: ChipToken; mergeOrder: readonly ChipToken[]; rankOrder: readonly ChipToken[] }>;
}

/** Special tokens the summary names; the rest are counted. */
const SPECIALS_SHOWN = 12;

/** The summary's rows of a pipeline (the held-out rows follow, as for every vocabulary). */
export function PipelineRows(props: { size: number; specials: ReadonlyArray<{ text: string; id: number }>; pipeline: PipelineSummary }) {
  const { pipeline: p, specials } = props;
  const more = specials.length - SPECIALS_SHOWN;
  return (
    <>
      <tr>
        <th>tokens</th>
        <td>
          {props.size} ids ({p.modelIds} of the BPE model; {p.addedTokens} added tokens, {specials.length} of them special)
        </td>
      </tr>
      <tr>
        <th>normalizer</th>
        <td>{p.normalizer}</td>
      </tr>
      <tr>
        <th>pre-tokenizer</th>
        <td>{p.preTokenizer}</td>
      </tr>
      <tr>
        <th>model</th>
        <td>{p.model}</td>
      </tr>
      <tr>
        <th>decoder</th>
        <td>{p.decoder}</td>
      </tr>
      {specials.length ? (
        <tr>
          <th>special tokens</th>
          <td>
            {specials
              .slice(0, SPECIALS_SHOWN)
              .map((s) => `${s.text} (${s.id})`)
              .join(', ')}
            {more > 0 ? ` and ${more} more` : ''}
          </td>
        </tr>
      ) : null}
      <tr>
        <th>files</th>
        <td>
          {p.source === null ? (
            'not recorded'
          ) : (
            <>
              tokenizer.json of npm <code>{`${p.source.package}@${p.source.version}`}</code>,{' '}
              <span class="note" title={`sha256 ${p.source.sha256}`}>
                sha256 {p.source.sha256.slice(0, 12)}…
              </span>
            </>
          )}
        </td>
      </tr>
    </>
  );
}

/** A model tokenizer's downloads: its tokenizer.json as added, and why the other formats are not offered. */
export function PipelineDownloads(props: { href: string }) {
  return (
    <>
      <ul id="downloads">
        <li>
          <a href={props.href} download>
            tokenizer.json
          </a>{' '}
          <span class="note">(the model’s own file)</span>
        </li>
      </ul>
      <p class="note vocab-narrow">
        tokenlab JSON and tiktoken ranks cannot carry this pipeline (its normalizer, pre-tokenizer, merge order and added tokens): a
        vocabulary written in them would tokenize differently.
      </p>
    </>
  );
}

function Chips(props: { tokens: readonly ChipToken[] }) {
  return (
    <span class="scrub-tokens">
      {props.tokens.map((t) => (
        <TokenChip token={t} />
      ))}
    </span>
  );
}

/** The merge-order fact of a byte-level model (see src/bpe/hf/merge-order.ts). */
export function MergeOrderFact(props: { fact: MergeOrderView | undefined; model: string }) {
  const f = props.fact;
  if (f === undefined)
    return (
      <p class="note" id="merge-order">
        This model is {props.model}: tiktoken’s rank order, a rule over byte-level tokens, does not apply to it.
      </p>
    );
  return (
    <div id="merge-order">
      <p>
        On the held-out sample, Hugging Face’s merge order and tiktoken’s rank order tokenize{' '}
        <strong id="merge-order-count">{f.differing}</strong> of {f.pieces} pieces differently ({f.tokensByMergeOrder} tokens by the model’s
        merges, {f.tokensByRankOrder} by ranks).
      </p>
      <p class="note vocab-narrow">
        Hugging Face merges the adjacent pair listed first in the model’s merges; tiktoken merges the pair whose result has the lowest id
        (rank). Over the same vocabulary the two rules can end in different tokens.{' '}
        {f.differing === 0 ? 'On this sample they never part.' : 'The first pieces where they part:'}
      </p>
      {f.examples.length > 0 ? (
        <table class="vocab-table" id="merge-order-examples">
          <thead>
            <tr>
              <th>piece</th>
              <th>by merge order (the model)</th>
              <th>by rank order (tiktoken)</th>
            </tr>
          </thead>
          <tbody>
            {f.examples.map((e) => (
              <tr>
                <td>
                  <TokenChip token={e.piece} />
                </td>
                <td>
                  <Chips tokens={e.mergeOrder} />
                </td>
                <td>
                  <Chips tokens={e.rankOrder} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
