/**
 * The vocabulary explorer's token table: one page of the tokens matching a search (text or an id, and a token
 * class), each with its bytes, classes and, for a Unigram model, its log-probability. A fragment htmx swaps in.
 */
import { hexBytes } from './hex.js';
import { TokenChip, type ChipToken } from './tokens.js';

const path = (name: string, rest = '') => `/vocab/${encodeURIComponent(name)}${rest}`;

/** The table's filters by name ('': none). */
export const FILTER_LABELS: Record<string, string> = {
  '': 'all tokens',
  han: 'Han only',
  latin: 'Latin only',
  mixed: 'mixed script',
  partial: 'partial characters',
  unused: 'never used on the held-out sample',
  superword: 'spans whitespace (superwords)',
};

/** The token table's search: text or an id, and a token class ('' for all). */
export interface TokenQuery {
  q: string;
  filter: string;
}

/** One page of the tokens matching a query. */
export interface TokenPage {
  matches: number;
  page: number;
  pages: number;
  /** A Unigram model's table has a log-probability column (its byte-fallback tokens have none). */
  logProbs?: boolean;
  rows: ReadonlyArray<{ id: number; token: ChipToken; classes: readonly string[]; logProb?: number }>;
}

export function TokenTable(props: { name: string; query: TokenQuery; table: TokenPage }) {
  const { name, query, table } = props;
  const { matches, page, pages } = table;
  const link = (p: number) => path(name, `/tokens?${new URLSearchParams({ q: query.q, filter: query.filter, page: String(p) })}`);
  return (
    <div>
      <p id="match-count">
        {matches} {matches === 1 ? 'token matches' : 'tokens match'} · page {page} of {pages}{' '}
        {page > 1 ? (
          <a href={link(page - 1)} hx-get={link(page - 1)} hx-target="#tokens">
            previous
          </a>
        ) : null}{' '}
        {page < pages ? (
          <a href={link(page + 1)} hx-get={link(page + 1)} hx-target="#tokens">
            next
          </a>
        ) : null}
      </p>
      <table class="vocab-table" id="token-table">
        <thead>
          <tr>
            <th>id</th>
            <th>token</th>
            <th>bytes</th>
            <th>hex</th>
            <th>class</th>
            {table.logProbs ? <th class="num">log-probability</th> : null}
          </tr>
        </thead>
        <tbody>
          {table.rows.map(({ id, token, classes, logProb }) => (
            <tr>
              <td>
                <a href={path(name, `?tree=${id}`)} hx-get={path(name, `/tree?tree=${id}`)} hx-target="#tree" class="tree-link">
                  {id}
                </a>
              </td>
              <td>
                <TokenChip token={token} />
              </td>
              <td>{token.bytes.length}</td>
              <td class="note">{hexBytes(token.bytes)}</td>
              <td class="note">{classes.map((c) => FILTER_LABELS[c]).join(', ')}</td>
              {table.logProbs ? <td class="num log-prob">{logProb === undefined ? '' : logProb.toFixed(4)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
