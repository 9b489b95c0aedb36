/**
 * The training studio's run comparison: finished trainings of any algorithm ticked in a form (GET /train?runs=ID
 * &runs=ID) and their compression curves (bytes per token on their held-out text against vocabulary size) drawn
 * on one chart, each in its own colour with a legend. A BPE run has its curve measured while it trained; a
 * SuperBPE or Unigram run, whose prefixes are no vocabularies, has the point of its finished vocabulary.
 */
import { ChartData } from './chart-data.js';
import { CompressionAxes, scales } from './compression-axes.js';

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

const FRAME = { width: 640, height: 300, pad: { left: 44, right: 16, top: 12, bottom: 34 } };

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
  const frame = {
    ...FRAME,
    maxX: Math.max(257, ...runs.map((r) => r.vocabSize), ...points.map((p) => p.vocabSize)),
    maxY: Math.max(2, ...points.map((p) => p.bytesPerToken)) * 1.1,
  };
  const { x, y } = scales(frame);
  const label = summary(runs);
  return (
    <figure class="curve" id="runs-chart">
      <svg width={FRAME.width} height={FRAME.height} viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} role="img" aria-label={label}>
        <title>{label}</title>
        <CompressionAxes frame={frame} />
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
