/** The list of a page's background jobs (training runs, model builds): a row a job, newest first, linking to its panel. */
import type { Child } from 'hono/jsx';

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
