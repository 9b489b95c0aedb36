/**
 * The ∞-gram index page's results: surprisal coloured by suffix length (the Kneser-Ney model's view beside it),
 * the count with its first occurrences, the next-token distribution, and the trace's spans. Every occurrence
 * links to its corpus line. All user text goes through JSX (escaped); colours and widths are numbers made here.
 */
import { infgramPath } from './infgram-list.js';
import type {
  IgCount,
  IgFound,
  IgNext,
  IgOccurrence,
  IgScoredToken,
  IgSurprisal,
  IgToken,
  IgTrace,
  InfgramResult,
} from './infgram-types.js';
import { SurprisalResult } from './lm-results.js';
import { markWhitespace, TokenChip } from './tokens.js';
import { TOKEN_KEYS } from './token-keys.js';

export function IgResultError(props: { message: string }) {
  return (
    <p class="error" id="ig-error">
      {props.message}
    </p>
  );
}

export function IgResult(props: { result: InfgramResult; name: string }) {
  const { result: r, name } = props;
  switch (r.view) {
    case 'surprisal':
      return <SurprisalView s={r.value} />;
    case 'count':
      return <CountView c={r.value} name={name} />;
    case 'find':
      return <CountView c={r.value} name={name} />;
    case 'next':
      return <NextView n={r.value} />;
    case 'trace':
      return <TraceView t={r.value} name={name} />;
  }
}

const pct = (p: number) => (p >= 0.001 ? p.toFixed(4) : p === 0 ? '0' : p.toExponential(2));

/** Suffix-length bands: the lower bound of each; band i is colored by pages.css's .band-i (faint for little verbatim context). */
const BANDS: readonly number[] = [0, 1, 2, 3, 5, 9, 17];

const band = (suffixLength: number) => `band band-${BANDS.findLastIndex((from) => suffixLength >= from)}`;

function Legend() {
  return (
    <p class="lm-legend" id="ig-legend">
      <span class="note">Colour: tokens of verbatim context the corpus had (suffix length)</span>
      {BANDS.map((from, i) => {
        const to = i + 1 < BANDS.length ? BANDS[i + 1] - 1 : undefined;
        return (
          <span class={`lm-swatch band band-${i}`}>{to === undefined ? `${from}+` : to === from ? String(from) : `${from}–${to}`}</span>
        );
      })}
    </p>
  );
}

function hoverLine(t: IgScoredToken): string {
  const mixed = t.prob === null ? '' : ` · interpolated P = ${pct(t.prob)}`;
  return `${markWhitespace(t.text)} · suffix length ${t.suffixLength} · P∞ = ${pct(t.infgramProb)}${t.sparse ? ' (sparse)' : ''}${mixed}`;
}

function SurprisalView(props: { s: IgSurprisal }) {
  const { totals: t, lines, kn } = props.s;
  const infgram = (
    <div class="ig-side">
      <table class="stats" id="ig-totals">
        <tbody>
          <tr>
            <th>lines</th>
            <td>{t.sequences}</td>
            <th>tokens</th>
            <td>{t.tokens}</td>
          </tr>
          <tr>
            <th>mean suffix length</th>
            <td id="ig-mean-suffix">{t.meanSuffixLength.toFixed(2)}</td>
            <th>tokens seen after their suffix</th>
            <td>{(100 * t.seenShare).toFixed(1)}%</td>
          </tr>
          {t.bitsPerByte !== null ? (
            <tr>
              <th>bits per byte, interpolated</th>
              <td id="ig-bpb">{t.bitsPerByte.toFixed(3)}</td>
              <th>the model’s alone</th>
              <td id="ig-model-bpb">{t.modelBitsPerByte!.toFixed(3)}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Legend />
      <p id="ig-hover" class="note" aria-live="polite">
        Hover a token: the suffix length the ∞-gram used, P∞ and, with a model, the interpolated probability.
      </p>
      <div class="tokens lm-tokens" id="ig-tokens" {...TOKEN_KEYS}>
        {lines.map((line) => (
          <div class="lm-line">
            {line.map((tok) => (
              <span class={`lm-tok ${band(tok.suffixLength)}`} data-suffix={String(tok.suffixLength)} data-info={hoverLine(tok)}>
                <TokenChip token={tok} />
              </span>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
  if (kn === null) return infgram;
  return (
    <div class="lm-two ig-beside">
      <section>
        <h3>∞-gram</h3>
        {infgram}
      </section>
      <section class="ig-kn">
        <h3>Kneser-Ney: {props.s.model}</h3>
        <SurprisalResult s={kn} />
      </section>
    </div>
  );
}

function Chips(props: { tokens: readonly IgToken[] }) {
  return (
    <>
      {props.tokens.map((t) => (
        <TokenChip token={t} />
      ))}
    </>
  );
}

/** The corpus line page of an occurrence of `length` tokens. */
export const lineHref = (name: string, o: IgOccurrence, length: number) =>
  infgramPath(name, `/line?${new URLSearchParams({ line: String(o.line), token: String(o.token), length: String(length) })}`);

function OccurrenceLink(props: { name: string; o: IgOccurrence; length: number }) {
  const { o } = props;
  return (
    <a class="ig-occ" href={lineHref(props.name, o, props.length)}>
      {o.corpus}:{o.corpusLine + 1} (token {o.token})
    </a>
  );
}

function CountView(props: { c: IgCount | IgFound; name: string }) {
  const { c } = props;
  const found = 'occurrences' in c ? c : undefined;
  return (
    <div>
      <p>
        <Chips tokens={c.tokens} /> — <strong id="ig-count">{c.count}</strong> occurrence{c.count === 1 ? '' : 's'} ({c.tokens.length} token
        {c.tokens.length === 1 ? '' : 's'}; a match never crosses a line’s end).
      </p>
      {found && found.occurrences.length > 0 ? (
        <ol id="ig-occurrences" start={found.offset + 1}>
          {found.occurrences.map((o) => (
            <li>
              <OccurrenceLink name={props.name} o={o} length={c.tokens.length} />
            </li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}

const BAR_REM = 16;

function NextView(props: { n: IgNext }) {
  const { n } = props;
  const max = Math.max(1e-12, ...n.next.map((t) => t.prob));
  const cut = n.context.length - n.suffixLength;
  return (
    <div>
      <p id="ig-context" class="note">
        Context: <Chips tokens={n.context.slice(0, cut)} />
        <span class="ig-suffix">
          <Chips tokens={n.context.slice(cut)} />
        </span>{' '}
        — the longest suffix the corpus has followed by a token: <strong id="ig-suffix-length">{n.suffixLength}</strong> token
        {n.suffixLength === 1 ? '' : 's'}
        {n.suffixLength === 0 ? ' (the unigram distribution)' : ''}, <span id="ig-next-count">{n.count}</span> times, followed by{' '}
        {n.distinct} distinct tokens{n.next.length < n.distinct ? ` (the ${n.next.length} most frequent below)` : ''}.
      </p>
      <table class="lm-bars" id="ig-next">
        <thead>
          <tr>
            <th>token</th>
            <th>id</th>
            <th>P∞</th>
            <th></th>
            <th>count</th>
          </tr>
        </thead>
        <tbody>
          {n.next.map((t) => (
            <tr>
              <td>
                <TokenChip token={t} />
              </td>
              <td>{t.id}</td>
              <td>
                <span class="bar" style={`width:${((BAR_REM * t.prob) / max).toFixed(2)}rem`}></span>
              </td>
              <td>{pct(t.prob)}</td>
              <td class="lm-count">{t.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** For each token, the spans (numbered from 1) that cover it. */
function coverOf(t: IgTrace): number[][] {
  const cover: number[][] = t.tokens.map(() => []);
  t.spans.forEach((s, k) => {
    for (let i = s.start; i < s.end; i++) cover[i].push(k + 1);
  });
  return cover;
}

function TraceView(props: { t: IgTrace; name: string }) {
  const { t, name } = props;
  const cover = coverOf(t);
  return (
    <div>
      <p class="note">
        {t.spans.length} maximal span{t.spans.length === 1 ? '' : 's'} of at least {t.minLength} tokens found verbatim in a corpus line
        (none inside a longer one). Marked tokens belong to a span; hover one to see which.
      </p>
      <p id="ig-hover" class="note" aria-live="polite"></p>
      <div class="tokens lm-tokens" id="ig-trace-text" {...TOKEN_KEYS}>
        {t.tokens.map((tok, i) => (
          <span
            class={cover[i].length > 0 ? 'lm-tok ig-covered' : 'lm-tok'}
            data-info={cover[i].length > 0 ? `token ${i}: span ${cover[i].join(', ')}` : `token ${i}: in no span`}
          >
            <TokenChip token={tok} />
            {tok.text.endsWith('\n') ? <br /> : null}
          </span>
        ))}
      </div>
      <table class="jobs" id="ig-spans">
        <thead>
          <tr>
            <th>#</th>
            <th>span</th>
            <th>tokens</th>
            <th>count</th>
            <th>first occurrences</th>
          </tr>
        </thead>
        <tbody>
          {t.spans.map((s, k) => (
            <tr class="ig-span">
              <td>{k + 1}</td>
              <td>
                <Chips tokens={t.tokens.slice(s.start, s.end)} />
              </td>
              <td>
                {s.start}–{s.end - 1}
              </td>
              <td>{s.count}</td>
              <td>
                {s.first.map((o) => (
                  <>
                    <OccurrenceLink name={name} o={o} length={s.end - s.start} />{' '}
                  </>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A line's tokens, [from, to) marked. */
export function LineTokens(props: { tokens: readonly IgToken[]; from: number; to: number }) {
  return (
    <>
      {props.tokens.map((t, i) => (
        <span class={i >= props.from && i < props.to ? 'lm-tok ig-covered' : 'lm-tok'}>
          <TokenChip token={t} />
        </span>
      ))}
    </>
  );
}
