/** The list of a page's background jobs (training runs, model builds): a row a job, newest first, linking to its panel. */
import type { Child } from 'hono/jsx';
import { followAttributes, type Follow } from './job-follow.js';

/** What every job row shows besides the page's own columns. */
export interface JobRow {
  id: string;
  name: string;
  state: string;
  message: string;
  createdAt: string;
  startedAt: string | null;
}

/** htmx swaps an element marked so in beside the fragment it came with (the list follows the job's panel). */
export const oobOf = (oob?: boolean) => (oob ? { 'hx-swap-oob': 'true' } : {});

/**
 * The jobs as a table with name (a link to `href(job)`), state, the page's `columns`, start time and message;
 * `empty` when there are none. `id` is the element htmx swaps.
 */
export function JobTable<J extends JobRow>(props: {
  id: string;
  jobs: readonly J[];
  href: (job: J) => string;
  columns: ReadonlyArray<{ label: string; cell: (job: J) => Child }>;
  empty: string;
  oob?: boolean;
}) {
  const oob = oobOf(props.oob);
  if (props.jobs.length === 0)
    return (
      <p class="note" id={props.id} {...oob}>
        {props.empty}
      </p>
    );
  return (
    <table id={props.id} class="jobs" {...oob}>
      <thead>
        <tr>
          <th>name</th>
          <th>state</th>
          {props.columns.map((c) => (
            <th>{c.label}</th>
          ))}
          <th>started</th>
          <th>message</th>
        </tr>
      </thead>
      <tbody>
        {props.jobs.map((j) => (
          <tr>
            <td>
              <a href={props.href(j)}>{j.name}</a>
            </td>
            <td class={`state-${j.state}`}>{j.state}</td>
            {props.columns.map((c) => (
              <td>{c.cell(j)}</td>
            ))}
            <td>{(j.startedAt ?? j.createdAt).replace('T', ' ').slice(0, 19)}</td>
            <td>{j.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export const isActive = (job: JobRow) => job.state === 'queued' || job.state === 'running';

/**
 * A build's panel (model builds, ∞-gram index builds); while the job is queued or running it follows the job
 * from `fragment` (job-follow.ts: streamed, else polled). Its elements' ids start with `prefix` (`lm-job-panel`,
 * `lm-progress`...).
 */
export function JobPanel(props: {
  prefix: string;
  job: JobRow;
  /** The panel's fragment; `${fragment}/events` streams it, `${fragment}/cancel` cancels the job. */
  fragment: string;
  follow?: Follow;
  note: Child;
  /** The latest progress: done share and what it says (shown while the job is active). */
  progress: { share: number; text: Child } | null;
  open: { href: string; label: string };
}) {
  const { job, prefix: p } = props;
  const active = isActive(job);
  const follow = followAttributes(props.fragment, props.follow ?? 'stream', active);
  return (
    <section id={`${p}-job-panel`} class="job-panel" data-state={job.state} {...follow}>
      <h2>
        {job.name}{' '}
        <span class={`state-${job.state}`} id={`${p}-job-state`}>
          {job.state}
        </span>
      </h2>
      <p class="note">{props.note}</p>
      {props.progress && active ? (
        <div>
          <progress id={`${p}-progress`} max="1" value={String(props.progress.share)} />{' '}
          <span id={`${p}-progress-text`}>{props.progress.text}</span>
        </div>
      ) : null}
      {active ? (
        <button hx-post={`${props.fragment}/cancel`} hx-target={`#${p}-job-panel`} hx-swap="outerHTML">
          Cancel
        </button>
      ) : (
        <p id={`${p}-job-message`} class={job.state === 'done' ? '' : 'error'}>
          {job.message}
        </p>
      )}
      {job.state === 'done' ? (
        <p>
          <a id={`${p}-open`} href={props.open.href}>
            {props.open.label}
          </a>
        </p>
      ) : null}
    </section>
  );
}
