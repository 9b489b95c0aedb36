/**
 * The training studio's run comparison: finished trainings of any algorithm ticked in a form (GET /train?runs=ID
 * &runs=ID) and their compression curves (bytes per token on their held-out text against vocabulary size) drawn
 * on one chart, each in its own colour with a legend. A BPE run has its curve measured while it trained; a
 * SuperBPE or Unigram run, whose prefixes are no vocabularies, has the point of its finished vocabulary.
 */
import { ChartData } from './chart-data.js';
export interface RunPoint {
  vocabSize: number;
  bytesPerToken: number;
}

/** A finished run the form offers. */
export interface RunChoice {
  id: string;
  name: string;
  algorithm: string;
  vocabSize: number;
}

export interface RunCurve extends RunChoice {
  curve: readonly RunPoint[];
}

/** Runs on one chart: one per chart series colour of the stylesheet (series-1 to series-6). */
export const MAX_RUNS = 6;
const series = (i: number) => `series-${i + 1}`;

export function RunsSection(props: { choices: readonly RunChoice[]; chosen: readonly RunCurve[] }) {
  if (props.choices.length === 0) return null;
  const ticked = new Set(props.chosen.map((r) => r.id));
  return (
    <section id="runs">
      <h2>Compare runs</h2>
      <form id="runs-form" method="get" action="/train">
        <fieldset>
          <legend>Finished trainings to draw on one chart (up to {MAX_RUNS})</legend>
          {props.choices.map((r) => (
            <label>
              <input type="checkbox" name="runs" value={r.id} checked={ticked.has(r.id)} /> {r.name}{' '}
              <span class="note">
                {r.algorithm}, {r.vocabSize}
              </span>
            </label>
          ))}
        </fieldset>
        <button type="submit">Draw</button>
      </form>
      {props.chosen.length > 0 ? <RunsChart runs={props.chosen} /> : null}
    </section>
  );
}

const W = 640;
const H = 300;
const PAD = { left: 44, right: 16, top: 12, bottom: 34 };

/** What the chart shows, in words: each run's last point. */
function summary(runs: readonly RunCurve[]): string {
  const each = runs.map((r) => {
    const last = r.curve.at(-1);
    const where = last ? `${last.bytesPerToken.toFixed(2)} bytes per token at ${last.vocabSize} tokens` : 'no points';
    return `${r.name} (${r.algorithm}): ${where}`;
  });
  return `Bytes per token on held-out text against vocabulary size, ${runs.length} runs. ${each.join('; ')}.`;
}

export function RunsChart(props: { runs: readonly RunCurve[] }) {
  const { runs } = props;
  const points = runs.flatMap((r) => r.curve);
  const maxX = Math.max(257, ...runs.map((r) => r.vocabSize), ...points.map((p) => p.vocabSize));
  const maxY = Math.max(2, ...points.map((p) => p.bytesPerToken)) * 1.1;
  const x = (v: number) => PAD.left + ((v - 256) / (maxX - 256)) * (W - PAD.left - PAD.right);
  const y = (b: number) => H - PAD.bottom - (b / maxY) * (H - PAD.top - PAD.bottom);
  const label = summary(runs);
  return (
    <figure class="curve" id="runs-chart">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <title>{label}</title>
        <line class="chart-axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line class="chart-axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        {[0, 0.5, 1].map((f) => (
          <text x={PAD.left - 4} y={y(f * maxY) + 4} text-anchor="end" font-size="11">
            {(f * maxY).toFixed(1)}
          </text>
        ))}
        <text x={PAD.left} y={H - 14} font-size="11">
          256
        </text>
        <text x={W - PAD.right} y={H - 14} font-size="11" text-anchor="end">
          {maxX}
        </text>
        <text x={(W + PAD.left) / 2} y={H - 2} font-size="11" text-anchor="middle">
          vocabulary size
        </text>
        {runs.map((r, i) => (
          <g class={`run ${series(i)}`} data-run={r.id}>
            <polyline
              points={r.curve.map((p) => `${x(p.vocabSize).toFixed(1)},${y(p.bytesPerToken).toFixed(1)}`).join(' ')}
              class="run-line"
              stroke-width="2"
            />
            {r.curve.map((p) => (
              <circle class="run-point" cx={x(p.vocabSize)} cy={y(p.bytesPerToken)} r={r.curve.length === 1 ? 4 : 2.5} />
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul class="runs-legend" id="runs-legend">
          {runs.map((r, i) => (
            <li data-run={r.id} class={series(i)}>
              <svg width="14" height="10" aria-hidden="true">
                <rect class="run-swatch" width="14" height="10" />
              </svg>{' '}
              {r.name}{' '}
              <span class="note">
                ({r.algorithm}, {r.vocabSize} tokens)
              </span>
              {r.curve.length === 0 ? <span class="note"> · no held-out text: not drawn</span> : null}
            </li>
          ))}
        </ul>
      </figcaption>
      <ChartData
        summary="the runs' points"
        head={['run', 'algorithm', 'vocabulary size', 'bytes per token']}
        rows={runs.flatMap((r) => r.curve.map((p) => [r.name, r.algorithm, p.vocabSize, p.bytesPerToken.toFixed(3)]))}
      />
    </figure>
  );
}
