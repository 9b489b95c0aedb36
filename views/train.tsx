/**
 * The training studio: a form to start a training job and, while it runs, a panel streamed from the server
 * as the job goes (polled every 500 ms if the stream fails; job-follow.ts): progress bar with merges per
 * second and time left, the latest merges, the compression curve as SVG. The panel's own markup stops
 * following once the job is finished. All user text goes through JSX (escaped).
 */
import { formatBytes } from './format.js';
import { followAttributes, type Follow } from './job-follow.js';
import { JobTable, type JobRow } from './jobs.js';
import { Layout } from './layout.js';
import { RunsSection, type RunChoice, type RunCurve } from './runs-chart.js';
import { TokenChip, type ChipToken } from './tokens.js';
import { ChartData } from './chart-data.js';

/** A training job as the job list shows it. */
export interface TrainJobRow extends JobRow {
  params: { corpora: readonly string[]; vocabSize: number; algorithm?: string; transition?: number; pattern: string; minFrequency: number };
}

/** Compression on held-out text at one vocabulary size. */
export interface CurvePoint {
  vocabSize: number;
  bytesPerToken: number;
}

/** A running job's latest progress. */
export interface TrainProgress {
  phase: 'counting' | 'merging' | 'unigram' | 'saving';
  /** A Unigram training's latest stage (seed, em, prune, done), round and pieces. */
  unigram?: { stage: string; round: number; pieces: number };
  countedBytes: number;
  totalBytes: number;
  merges: number;
  totalMerges: number;
  seconds: number;
  mergesPerSecond: number | null;
  secondsLeft: number | null;
  /** Newest first: the token a merge made and how often its pair occurred. */
  latest: ReadonlyArray<{ token: ChipToken; count: number }>;
  curve: readonly CurvePoint[];
  heldOutBytes: number;
}

/** A training job as its panel shows it. */
export interface TrainJob extends TrainJobRow {
  progress: TrainProgress | null;
}

/** A corpus the form offers: its train split's size (a user corpus's whole size). */
export interface TrainCorpus {
  name: string;
  kind: 'bundled' | 'user';
  bytes: number;
  description: string;
}

/** What the form allows: the largest vocabulary, the most special tokens, the split patterns. */
export interface TrainLimits {
  maxVocabSize: number;
  maxSpecials: number;
  patterns: readonly string[];
  algorithms: readonly string[];
}

export interface TrainForm {
  name: string;
  corpora: string[];
  vocabSize: string;
  algorithm: string;
  /** SuperBPE's; blank for the default. */
  transition: string;
  pattern: string;
  minFrequency: string;
  specials: string;
}

export const DEFAULT_FORM: TrainForm = {
  name: '',
  corpora: [],
  vocabSize: '4000',
  algorithm: 'bpe',
  transition: '',
  pattern: 'cjk',
  minFrequency: '2',
  specials: '<|endoftext|>',
};

const PATTERN_NOTES: Record<string, string> = {
  cjk: 'cjk: tokenlab’s pattern, Han runs kept apart from Latin words',
  cl100k: 'cl100k: GPT-4’s pattern',
  o200k: 'o200k: GPT-4o’s pattern',
  gpt2: 'gpt2: GPT-2’s pattern',
};

const ALGORITHM_NOTES: Record<string, string> = {
  bpe: 'BPE: byte-level merges within the pattern’s pieces',
  superbpe: 'SuperBPE: BPE, then superwords across spaces',
  unigram: 'Unigram: SentencePiece’s model (no pattern, no merges)',
};

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function TrainPage(props: {
  corpora: readonly TrainCorpus[];
  limits: TrainLimits;
  jobs: readonly TrainJobRow[];
  form: TrainForm;
  job?: TrainJob;
  error?: string;
  /** Finished runs to offer, and those whose curves to draw together. */
  runs: { choices: readonly RunChoice[]; chosen: readonly RunCurve[] };
}) {
  const { form, limits } = props;
  return (
    <Layout title="Train">
      <h1>Training studio</h1>
      <form id="train-form" method="post" action="/train" hx-post="/train" hx-target="#job" hx-swap="innerHTML">
        <fieldset class="train-corpora">
          <legend>Corpora (their train split; 10% of lines are held out for the compression curve)</legend>
          {props.corpora.map((c) => (
            <label title={c.description}>
              <input type="checkbox" name="corpora" value={c.name} checked={form.corpora.includes(c.name)} /> {c.name}{' '}
              <span class="note">
                {c.kind === 'user' ? 'yours, ' : ''}
                {formatBytes(c.bytes)}
              </span>
            </label>
          ))}
          {props.corpora.length === 0 ? (
            <p class="note">
              No corpora yet: add one on <a href="/corpora">Corpora</a>.
            </p>
          ) : null}
        </fieldset>
        <div class="train-fields">
          <label>
            Name <input name="name" value={form.name} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="my-vocab" />
          </label>
          <label>
            Vocabulary size <input name="vocabSize" type="number" min="257" max={String(limits.maxVocabSize)} value={form.vocabSize} />
          </label>
          <label>
            Algorithm{' '}
            <select name="algorithm">
              {limits.algorithms.map((a) => (
                <option value={a} selected={form.algorithm === a}>
                  {ALGORITHM_NOTES[a]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Transition (SuperBPE: tokens stage 1 learns; blank: 90% of them){' '}
            <input name="transition" type="number" min="256" max={String(limits.maxVocabSize)} value={form.transition} />
          </label>
          <label>
            Pattern (BPE, SuperBPE){' '}
            <select name="pattern">
              {limits.patterns.map((p) => (
                <option value={p} selected={form.pattern === p}>
                  {PATTERN_NOTES[p]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Minimum pair frequency (BPE, SuperBPE) <input name="minFrequency" type="number" min="0" value={form.minFrequency} />
          </label>
          <label>
            Special tokens, one a line (at most {limits.maxSpecials})
            <textarea name="specials" rows={2}>
              {form.specials}
            </textarea>
          </label>
        </div>
        <button type="submit">Start training</button>
      </form>
      <div id="job">
        {props.error !== undefined ? <p class="error">{props.error}</p> : null}
        {props.job ? <TrainJobPanel job={props.job} /> : null}
      </div>
      <h2>Recent training jobs</h2>
      <JobList jobs={props.jobs} />
      <RunsSection choices={props.runs.choices} chosen={props.runs.chosen} />
    </Layout>
  );
}

export function TrainError(props: { message: string }) {
  return <p class="error">{props.message}</p>;
}

/** The recent jobs; `oob` marks it for htmx to swap in beside a panel fragment (the list follows the panel). */
export function JobList(props: { jobs: readonly TrainJobRow[]; oob?: boolean }) {
  const columns = [
    { label: 'corpora', cell: (j: TrainJobRow) => j.params.corpora.join(', ') },
    { label: 'size', cell: (j: TrainJobRow) => j.params.vocabSize },
  ];
  const href = (j: TrainJobRow) => `/train?job=${encodeURIComponent(j.id)}`;
  return <JobTable id="job-list" jobs={props.jobs} href={href} columns={columns} empty="No training jobs yet." oob={props.oob} />;
}

/** What htmx gets while a job is shown: its panel, and the job list refreshed out of band. */
export function TrainJobFragment(props: { job: TrainJob; jobs: readonly TrainJobRow[]; follow?: Follow }) {
  return (
    <>
      <TrainJobPanel job={props.job} follow={props.follow} />
      <JobList jobs={props.jobs} oob />
    </>
  );
}

const active = (job: TrainJobRow) => job.state === 'queued' || job.state === 'running';

/** The job's panel; while the job is queued or running it follows the job (job-follow.ts: streamed, else polled). */
export function TrainJobPanel(props: { job: TrainJob; follow?: Follow }) {
  const { job } = props;
  const s = job.progress;
  const follow = followAttributes(`/fragment/train/${encodeURIComponent(job.id)}`, props.follow ?? 'stream', active(job));
  return (
    <section id="job-panel" class="job-panel" data-state={job.state} {...follow}>
      <h2>
        {job.name}{' '}
        <span class={`state-${job.state}`} id="job-state">
          {job.state}
        </span>
      </h2>
      <JobParams params={job.params} />
      {s ? <ProgressLine s={s} running={job.state === 'running'} /> : <p>{job.message}</p>}
      {active(job) ? (
        <button hx-post={`/fragment/train/${encodeURIComponent(job.id)}/cancel`} hx-target="#job-panel" hx-swap="outerHTML">
          Cancel
        </button>
      ) : (
        <p id="job-message" class={job.state === 'done' ? '' : 'error'}>
          {job.message}
        </p>
      )}
      {job.state === 'done' ? (
        <p>
          <a href={`/vocab/${encodeURIComponent(job.name)}`}>Explore {job.name}</a> ·{' '}
          <a href={`/?tokenizer=${encodeURIComponent(job.name)}`}>Tokenize with it</a>
        </p>
      ) : null}
      {s ? (
        <div class="train-live">
          <div>
            <h3>Compression on held-out text</h3>
            {(job.params.algorithm ?? 'bpe') === 'bpe' ? (
              <CurveChart points={s.curve} target={job.params.vocabSize} heldOutBytes={s.heldOutBytes} />
            ) : (
              <p class="note">Measured live for BPE only; the explorer gives the finished vocabulary’s.</p>
            )}
          </div>
          {job.params.algorithm === 'unigram' ? null : (
            <div>
              <h3>Latest merges</h3>
              <LatestMerges latest={s.latest} />
            </div>
          )}
        </div>
      ) : null}
    </section>
  );
}

/** What the job was asked for: the fields its algorithm reads. */
function JobParams(props: { params: TrainJobRow['params'] }) {
  const p = props.params;
  const algorithm = p.algorithm ?? 'bpe';
  const merges = algorithm === 'unigram' ? '' : ` · pattern ${p.pattern} · minimum frequency ${p.minFrequency}`;
  const transition = p.transition === undefined ? '' : ` · transition ${p.transition}`;
  return (
    <p class="note" id="job-params">
      {p.corpora.join(', ')} · {algorithm} · vocabulary size {p.vocabSize}
      {transition}
      {merges}
    </p>
  );
}

function ProgressLine(props: { s: TrainProgress; running: boolean }) {
  const { s } = props;
  const saving = props.running && s.phase === 'saving';
  if (s.unigram !== undefined && s.phase !== 'counting') {
    const u = s.unigram;
    return (
      <p id="progress-text">
        unigram: {UNIGRAM_STAGES[u.stage] ?? u.stage}, round {u.round + 1}: {u.pieces} pieces · {s.seconds.toFixed(1)} s
        {saving ? ' · saving' : ''}
      </p>
    );
  }
  if (s.phase === 'counting') {
    const share = s.totalBytes === 0 ? 0 : s.countedBytes / s.totalBytes;
    return (
      <div>
        <progress id="train-progress" max="1" value={String(share)} />{' '}
        <span id="progress-text">
          counting pieces: {formatBytes(s.countedBytes)} of {formatBytes(s.totalBytes)}
        </span>
      </div>
    );
  }
  const rate = s.mergesPerSecond === null ? '' : ` · ${Math.round(s.mergesPerSecond)} merges/s`;
  const left = s.secondsLeft === null || !props.running || saving ? '' : ` · about ${formatSeconds(s.secondsLeft)} left`;
  return (
    <div>
      <progress id="train-progress" max={String(s.totalMerges)} value={String(s.merges)} />{' '}
      <span id="progress-text">
        {s.merges} of {s.totalMerges} merges{rate}
        {left} · {s.seconds.toFixed(1)} s{saving ? ' · saving' : ''}
      </span>
    </div>
  );
}

const UNIGRAM_STAGES: Record<string, string> = {
  seed: 'seed pieces found',
  em: 'EM step',
  prune: 'pruned',
  done: 'finished',
};

function LatestMerges(props: { latest: TrainProgress['latest'] }) {
  if (props.latest.length === 0) return <p class="note">none yet</p>;
  return (
    <ol id="latest-merges" class="latest">
      {props.latest.map((m) => (
        <li>
          <TokenChip token={m.token} /> <span class="note">×{m.count}</span>
        </li>
      ))}
    </ol>
  );
}

/** What the curve shows, in words: e.g. "Compression curve: 1.00 → 3.42 bytes per token from 256 to 8,000 tokens (target 8,000)". */
export function curveSummary(points: readonly CurvePoint[], target: number): string {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return `Compression curve: no points yet (target ${target.toLocaleString('en')} tokens)`;
  const size = (n: number) => n.toLocaleString('en');
  return `Compression curve: ${first.bytesPerToken.toFixed(2)} → ${last.bytesPerToken.toFixed(2)} bytes per token from ${size(first.vocabSize)} to ${size(last.vocabSize)} tokens of vocabulary (target ${size(target)})`;
}

const W = 420;
const H = 220;
const PAD = { left: 44, right: 12, top: 10, bottom: 30 };

/** Bytes per token against vocabulary size, drawn from the points measured so far. */
export function CurveChart(props: { points: readonly CurvePoint[]; target: number; heldOutBytes: number }) {
  if (props.heldOutBytes === 0) return <p class="note">The corpora have no held-out lines: no curve.</p>;
  const maxY = Math.max(2, ...props.points.map((p) => p.bytesPerToken)) * 1.1;
  const x = (v: number) => PAD.left + ((v - 256) / Math.max(1, props.target - 256)) * (W - PAD.left - PAD.right);
  const y = (b: number) => H - PAD.bottom - (b / maxY) * (H - PAD.top - PAD.bottom);
  const line = props.points.map((p) => `${x(p.vocabSize).toFixed(1)},${y(p.bytesPerToken).toFixed(1)}`).join(' ');
  const last = props.points.at(-1);
  const label = curveSummary(props.points, props.target);
  return (
    <figure class="curve">
      <svg id="curve" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <title>{label}</title>
        <line class="chart-axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line class="chart-axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        {[0, 0.5, 1].map((f) => (
          <text x={PAD.left - 4} y={y(f * maxY) + 4} text-anchor="end" font-size="11">
            {(f * maxY).toFixed(1)}
          </text>
        ))}
        <text x={PAD.left} y={H - 10} font-size="11">
          256
        </text>
        <text x={W - PAD.right} y={H - 10} font-size="11" text-anchor="end">
          {props.target}
        </text>
        <text x={(W + PAD.left) / 2} y={H - 4} font-size="11" text-anchor="middle">
          vocabulary size
        </text>
        <polyline class="chart-line" points={line} stroke-width="2" />
        {props.points.map((p) => (
          <circle class="pt chart-point" cx={x(p.vocabSize)} cy={y(p.bytesPerToken)} r="2.5" />
        ))}
      </svg>
      <figcaption class="note">
        bytes per token on {formatBytes(props.heldOutBytes)} of held-out text
        {last ? `; now ${last.bytesPerToken.toFixed(2)} at ${last.vocabSize} tokens` : ''}
      </figcaption>
      <ChartData
        summary="the curve's points"
        head={['vocabulary size', 'bytes per token']}
        rows={props.points.map((p) => [p.vocabSize, p.bytesPerToken.toFixed(3)])}
      />
    </figure>
  );
}
