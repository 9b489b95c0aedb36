/**
 * A chart's text alternative. An SVG chart is role="img" with an aria-label summing up what it shows; the
 * numbers it draws are also a table under it, folded, for a screen reader or anyone who wants the figures.
 */

/** The numbers a chart draws, as a table in a closed <details>. */
export function ChartData(props: { summary: string; head: readonly string[]; rows: ReadonlyArray<ReadonlyArray<string | number>> }) {
  return (
    <details class="chart-data">
      <summary>{props.summary}</summary>
      <table>
        <thead>
          <tr>
            {props.head.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map(([first, ...rest]) => (
            <tr>
              <th scope="row">{String(first)}</th>
              {rest.map((v) => (
                <td>{String(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
