/**
 * The compare page: one text through two to six tokenizers side by side (htmx posts the form to
 * /fragment/compare 300 ms after the last keystroke or at once when a tokenizer is ticked), with counts, an SVG
 * bar chart, the boundaries not every tokenizer shares marked, and the language tax on the aligned zh/en sample.
 * All user text goes through JSX, which escapes it.
 */
import { raw } from 'hono/html';
import { fmt } from './format.js';
import { Layout } from './layout.js';
import { MAX_RENDERED_TOKENS, ResultSlot, TextBox, type TokenizedText } from './tokenize.js';
import { AddModelsNote, type AddableModel } from './tokenizer-chooser.js';
import { TOKENIZER_KIND_LABELS, tokenizerGroups, type TokenizerChoice } from './tokenizer-groups.js';
import { HOVER_SCRIPT, TokenSpans, wholeGroups } from './tokens.js';
import { TOKEN_KEYS } from './token-keys.js';
import { ChartData } from './chart-data.js';
import { PaletteChoice } from './palette.js';

/** Each panel draws the tokens of this many leading UTF-16 units (the same stretch of text in every panel). */
export const COMPARE_WINDOW = 2_000;

export interface CompareOptions {
  text: string;
  tokenizers: string[];
}

/** One tokenizer's result: its tokens, where its boundaries fall, and its language tax on the aligned sample. */
export interface Compared extends TokenizedText {
  /** UTF-16 offsets of the boundaries between its tokens. */
  boundaries: readonly number[];
  languageTax: LanguageTaxFigures;
}

/** A tokenizer's tax on the aligned sample: overall, and the spread of each pair's (document's) own tax. */
export interface LanguageTaxFigures {
  chineseTokens: number;
  englishTokens: number;
  tax: number;
  spread: { low: number; median: number; high: number };
}

export interface Comparison {
  text: string;
  results: readonly Compared[];
  /** UTF-16 offsets that are a boundary for some of the tokenizers but not for all. */
  differing: readonly number[];
}

/** The aligned zh/en sample of the language-tax panel: its corpora, size per side and a pair of it. */
export interface ParallelSample {
  corpora: readonly string[];
  pairs: number;
  chineseBytes: number;
  englishBytes: number;
  /** The first pair, [Chinese, English]. */
  example: readonly [string, string];
}

interface Bar {
  name: string;
  value: number;
  label: string;
}

/**
 * A horizontal SVG bar chart; `reference` draws a dashed line at that value (the tax's parity, 1). Bar i has
 * the color of series i+1 (pages.css), as the panel at position i. Its label reads out every bar; `table` adds
 * the numbers as a table where the page does not show them beside it.
 */
export function BarChart(props: { title: string; bars: Bar[]; reference?: number; table?: boolean }) {
  const labelWidth = 170;
  const barWidth = 320;
  const row = 24;
  const max = Math.max(props.reference ?? 0, ...props.bars.map((b) => b.value)) || 1;
  const x = (v: number) => labelWidth + (barWidth * v) / max;
  const width = labelWidth + barWidth + 90;
  const height = props.bars.length * row + 8;
  const label = `${props.title}: ${props.bars.map((b) => `${b.name} ${b.label}`).join(', ')}${
    props.reference !== undefined ? `; the dashed line marks ${props.reference}` : ''
  }`;
  return (
    <figure class="chart">
      <svg class="cmp-chart" role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        <title>{label}</title>
        {props.bars.map((b, i) => (
          <g class={`series-${i + 1}`}>
            <text x={labelWidth - 8} y={i * row + 17} text-anchor="end">
              {b.name}
            </text>
            <rect class="chart-bar" x={labelWidth} y={i * row + 5} width={Math.max(1, x(b.value) - labelWidth).toFixed(1)} height={16} />
            <text x={(x(b.value) + 6).toFixed(1)} y={i * row + 17}>
              {b.label}
            </text>
          </g>
        ))}
        {props.reference !== undefined ? (
          <line class="cmp-reference" x1={x(props.reference).toFixed(1)} x2={x(props.reference).toFixed(1)} y1={0} y2={height} />
        ) : null}
      </svg>
      {props.table ? (
        <ChartData
          summary={`${props.title}: the numbers`}
          head={['tokenizer', props.title]}
          rows={props.bars.map((b) => [b.name, b.label])}
        />
      ) : null}
    </figure>
  );
}

/** How many leading tokens to draw: those starting in the window, at most MAX_RENDERED_TOKENS, groups whole. */
function drawnTokens(r: Compared): number {
  let n = 0;
  while (n < r.spans.length && n < MAX_RENDERED_TOKENS && r.spans[n].start < COMPARE_WINDOW) n++;
  return wholeGroups(r.spans, n);
}

function Panel(props: { result: Compared; position: number; cuts: ReadonlySet<number> }) {
  const { result: r, cuts } = props;
  const own = r.boundaries.filter((b) => cuts.has(b)).length;
  return (
    <section class="cmp-panel" data-tokenizer={r.tokenizer}>
      <h3 class={`series-${props.position + 1}`}>{r.tokenizer}</h3>
      <p class="cmp-figures">
        <strong class="cmp-count">{r.ids.length}</strong> tokens · {fmt(r.stats.bytesPerToken)} bytes/token · {own} boundaries not shared by
        all
      </p>
      <div class="tokens" {...TOKEN_KEYS}>
        <TokenSpans text={r.text} spans={r.spans} whitespace={false} from={0} to={drawnTokens(r)} cuts={cuts} />
      </div>
    </section>
  );
}

function LanguageTaxPanel(props: { results: readonly Compared[]; sample: ParallelSample }) {
  const { sample } = props;
  return (
    <section class="cmp-tax">
      <h2>Language tax</h2>
      <p>
        The same {sample.pairs} texts written in Chinese and in English: sentences about tokenizers and whole documents, help pages and
        release notes (the bundled corpora <SampleCorpora corpora={sample.corpora} />, e.g. “{sample.example[0]}” / “{sample.example[1]}”).
        The tax is the tokens the Chinese side needs over the tokens the English side needs, each text counted alone: above 1, saying the
        same thing in Chinese costs more tokens (more per request, less text in a context window); below 1, less (the dashed line marks 1).
        The table gives it over all texts and the spread of each text’s own tax. For scale, the Chinese side is {sample.chineseBytes} bytes
        of UTF-8 against {sample.englishBytes} for the English ({(sample.chineseBytes / sample.englishBytes).toFixed(2)}): the tax of a
        tokenizer with no merges at all.
      </p>
      <BarChart
        title="language tax: Chinese tokens over English tokens"
        bars={props.results.map((r) => ({ name: r.tokenizer, value: r.languageTax.tax, label: r.languageTax.tax.toFixed(2) }))}
        reference={1}
      />
      <table class="cmp-tax-table">
        <thead>
          <tr>
            <th>tokenizer</th>
            <th>Chinese tokens</th>
            <th>English tokens</th>
            <th>tax</th>
            <th>per text: median (10th–90th percentile)</th>
          </tr>
        </thead>
        <tbody>
          {props.results.map((r) => (
            <tr>
              <th>{r.tokenizer}</th>
              <td>{r.languageTax.chineseTokens}</td>
              <td>{r.languageTax.englishTokens}</td>
              <td class="cmp-tax-value">{r.languageTax.tax.toFixed(2)}</td>
              <td class="cmp-tax-spread">
                <Spread spread={r.languageTax.spread} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SampleCorpora(props: { corpora: readonly string[] }) {
  return (
    <>
      {props.corpora.map((name, i) => (
        <>
          {i > 0 ? ', ' : ''}
          <code>{name}</code>
        </>
      ))}
    </>
  );
}

function Spread(props: { spread: LanguageTaxFigures['spread'] }) {
  const { low, median, high } = props.spread;
  return (
    <>
      {median.toFixed(2)} ({low.toFixed(2)}–{high.toFixed(2)})
    </>
  );
}

/** An offered tokenizer's language tax on the aligned sample, or why it has none. */
export interface OfferedTax extends TokenizerChoice {
  tax: LanguageTaxFigures | null;
  error?: string;
}

/** The language tax of every tokenizer offered, lowest first, each with a bar (the fragment #tax-all loads). */
export function OfferedTaxTable(props: { taxes: readonly OfferedTax[]; sample: ParallelSample }) {
  const measured = props.taxes.filter((t) => t.tax !== null).sort((a, b) => a.tax!.tax - b.tax!.tax);
  const failed = props.taxes.filter((t) => t.tax === null);
  const max = Math.max(1, ...measured.map((t) => t.tax!.tax));
  return (
    <div>
      <p class="note">
        Every tokenizer the lab offers, on the same {props.sample.pairs} aligned texts, lowest tax first. The line in each bar marks 1.
      </p>
      <table class="cmp-tax-table" id="tax-all-table">
        <thead>
          <tr>
            <th>tokenizer</th>
            <th>kind</th>
            <th>Chinese tokens</th>
            <th>English tokens</th>
            <th>tax</th>
            <th>per text</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {measured.map((t) => (
            <tr data-tokenizer={t.name}>
              <th>{t.name}</th>
              <td class="note cmp-left">{TOKENIZER_KIND_LABELS[t.kind]}</td>
              <td>{t.tax!.chineseTokens}</td>
              <td>{t.tax!.englishTokens}</td>
              <td class="cmp-tax-value">{t.tax!.tax.toFixed(2)}</td>
              <td class="note">
                <Spread spread={t.tax!.spread} />
              </td>
              <td class="cmp-left">
                <span class="cmp-tax-bar" style={`width:${((12 * t.tax!.tax) / max).toFixed(2)}rem`}>
                  <span class="cmp-tax-one" style={`left:${(12 / max).toFixed(2)}rem`}></span>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {failed.map((t) => (
        <p class="error">
          {t.name}: {t.error}
        </p>
      ))}
    </div>
  );
}

/** The result fragment htmx swaps into #result. */
export function CompareResult(props: { comparison: Comparison; sample: ParallelSample }) {
  const { comparison: c } = props;
  const cuts = new Set(c.differing);
  const union = new Set(c.results.flatMap((r) => r.boundaries)).size;
  const stats = c.results[0].stats;
  return (
    <div class="cmp">
      <p class="summary">
        {stats.characters} characters, {stats.bytes} bytes. <strong id="differing">{c.differing.length}</strong> of {union} boundary places
        are not shared by every tokenizer: a <span class="cmp-cut-sample">red edge</span> marks them.
      </p>
      <BarChart
        title="tokens per tokenizer"
        bars={c.results.map((r) => ({ name: r.tokenizer, value: r.ids.length, label: String(r.ids.length) }))}
        table
      />
      <div class="cmp-grid">
        {c.results.map((r, i) => (
          <Panel result={r} position={i} cuts={cuts} />
        ))}
      </div>
      {c.text.length > COMPARE_WINDOW ? (
        <p class="note">
          Each panel shows the tokens of the first {COMPARE_WINDOW} characters; counts and boundaries cover the whole text.
        </p>
      ) : null}
      <LanguageTaxPanel results={c.results} sample={props.sample} />
    </div>
  );
}

export function ComparePage(props: {
  options: CompareOptions;
  tokenizers: readonly TokenizerChoice[];
  /** Model tokenizers not added yet, which the chooser points to. */
  addable: readonly AddableModel[];
  /** How many tokenizers may be compared at once. */
  limits: { min: number; max: number };
  comparison?: Comparison;
  sample: ParallelSample;
  error?: string;
}) {
  const { options } = props;
  // A newer request replaces one still in flight: the result never goes back to an older text.
  const post = { 'hx-post': '/fragment/compare', 'hx-target': '#result', 'hx-include': '#compare-form', 'hx-sync': 'closest form:replace' };
  return (
    <Layout title="Compare">
      <script>{raw(HOVER_SCRIPT)}</script>
      <form id="compare-form" method="get" action="/compare">
        <TextBox text={options.text} rows={6} placeholder="Type or paste text to compare" post={post} delayMs={300} />
        <fieldset class="cmp-choice">
          <legend>
            tokenizers ({props.limits.min} to {props.limits.max})
          </legend>
          {tokenizerGroups(props.tokenizers).map((g) => (
            <div>
              <span class="cmp-kind">{g.label}:</span>{' '}
              {g.entries.map((t) => (
                <label>
                  <input
                    type="checkbox"
                    name="tokenizers"
                    value={t.name}
                    checked={options.tokenizers.includes(t.name)}
                    {...post}
                    hx-trigger="change"
                  />{' '}
                  {t.name}
                </label>
              ))}
            </div>
          ))}
          <AddModelsNote addable={props.addable} />
          <noscript>
            <button type="submit">compare</button>
          </noscript>
        </fieldset>
      </form>
      <div class="controls">
        <PaletteChoice />
      </div>
      <ResultSlot error={props.error}>
        {props.comparison !== undefined ? <CompareResult comparison={props.comparison} sample={props.sample} /> : null}
      </ResultSlot>
      <section class="cmp-tax" id="tax-all">
        <h2>Language tax of every tokenizer offered</h2>
        <div hx-get="/fragment/language-tax" hx-trigger="load">
          <p class="note">Measuring each tokenizer on the aligned sample (the first time, this loads every one of them: a few seconds)…</p>
        </div>
      </section>
    </Layout>
  );
}
