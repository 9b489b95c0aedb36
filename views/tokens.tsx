/**
 * How every page draws tokens. A token in its text (tokenize, compare) is a span colored by its id, split
 * characters drawn once with the hex bytes of their tokens; a token on its own (vocabularies, merges, the
 * language models) is a chip: its characters with whitespace made visible, the bytes of a cut character in hex.
 * The ids of a text's tokens are a list whose items are hover targets. Their style is views/css/tokens.css.
 */
import { hexBytes } from './hex.js';

/** A hue stable for an id: an integer hash of the id onto 0..359. */
export function hueOf(id: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 360;
}

const MARKS: Record<string, string> = { ' ': '·', '\t': '→', '\n': '↵', '\r': '␍' };

/**
 * `s` with its whitespace marked, so that a token of spaces or line breaks does not look empty. In running text
 * (`inText`) the tab and the line break stay after their marks, so the text keeps its shape, and CR LF is one
 * line break: a text area's line breaks reach the server as CR LF.
 */
export function markWhitespace(s: string, inText = false): string {
  if (!inText) return s.replace(/[ \t\n\r]/g, (m) => MARKS[m]);
  return s.replace(/\r\n|[ \t\n\r]/g, (m) => (m === ' ' || m === '\r' ? MARKS[m] : MARKS[m.at(-1)!] + m.at(-1)!));
}

// Hovering a token marks every token with the same id in its list, marks the token's id in the ids view and
// names both (in #hover and as the token's tooltip); hovering an id in the ids view does the same for its token.
// Tokens carry no title of their own: it would weigh on every span of a long text. Static script, no user text
// in it; event delegation, so it keeps working after htmx swaps the result. A swap that morphs the result keeps
// the hovered element but not its marks: they are drawn again for it, with its new id.
export const HOVER_SCRIPT = `{
const markHovered = (el) => {
  document.querySelectorAll('.same, .on').forEach((x) => x.classList.remove('same', 'on'));
  const out = document.getElementById('hover');
  if (out) out.textContent = '';
  if (!el) return;
  const ids = document.getElementById('ids');
  const token = el.matches('.t') ? el : document.querySelector('.tokens .t[data-i="' + Array.prototype.indexOf.call(ids.children, el) + '"]');
  if (!token) return;
  const id = ids && ids.children[token.dataset.i];
  token.title = 'token ' + token.dataset.i + ': id ' + token.dataset.id + (token.classList.contains('hex') ? ' (part of a character)' : '');
  token.closest('.tokens').querySelectorAll('.t[data-id="' + token.dataset.id + '"]').forEach((x) => x.classList.add('same'));
  token.classList.add('on');
  if (id) {
    id.classList.add('on');
    if (el === token && (id.offsetTop < ids.scrollTop || id.offsetTop > ids.scrollTop + ids.clientHeight)) ids.scrollTop = id.offsetTop - ids.clientHeight / 2;
  }
  if (out) out.textContent = token.title;
};
document.addEventListener('mouseover', (e) => markHovered(e.target.closest && e.target.closest('.tokens .t, #ids i')));
document.addEventListener('htmx:after:swap', () => {
  const hovered = document.querySelectorAll('.tokens .t:hover, #ids i:hover');
  if (hovered.length > 0) markHovered(hovered[hovered.length - 1]);
});
}`;

/**
 * Where a token sits in its text: its position among the tokens, its id, its UTF-8 byte range and the UTF-16
 * range [start, end) of the characters it touches. Tokens that split characters between them share a group
 * (the index of the first of them; null for the others).
 */
export interface TokenSpan {
  index: number;
  id: number;
  byteStart: number;
  byteEnd: number;
  start: number;
  end: number;
  group: number | null;
}

const tokenStyle = (id: number) => `--h:${hueOf(id)}`;

function Token(props: { span: TokenSpan; text: string; whitespace: boolean; cut: boolean }) {
  const { span } = props;
  return (
    <span class={props.cut ? 't cut' : 't'} style={tokenStyle(span.id)} data-id={String(span.id)} data-i={String(span.index)}>
      {props.whitespace ? markWhitespace(props.text.slice(span.start, span.end), true) : props.text.slice(span.start, span.end)}
    </span>
  );
}

const utf8 = new TextEncoder();

/** Tokens sharing split characters: the characters once, then each token's bytes in hex. */
function Group(props: { spans: TokenSpan[]; text: string; whitespace: boolean; cut: boolean }) {
  const first = props.spans[0];
  const last = props.spans[props.spans.length - 1];
  const chars = props.text.slice(first.start, last.end);
  // A group starts and ends between characters: its characters' UTF-8 are its tokens' bytes, one after another.
  const bytes = utf8.encode(chars);
  return (
    <span class={props.cut ? 'grp cut' : 'grp'}>
      <span class="grp-text">{props.whitespace ? markWhitespace(chars, true) : chars}</span>
      {props.spans.map((s) => (
        <span class="t hex" style={tokenStyle(s.id)} data-id={String(s.id)} data-i={String(s.index)}>
          {hexBytes(bytes.subarray(s.byteStart - first.byteStart, s.byteEnd - first.byteStart))}
        </span>
      ))}
    </span>
  );
}

/** `n`, or more to take in the whole group of split characters the n-th token belongs to. */
export function wholeGroups(spans: readonly TokenSpan[], n: number): number {
  const g = n > 0 ? spans[n - 1].group : null;
  while (g !== null && n < spans.length && spans[n].group === g) n++;
  return n;
}

/**
 * Tokens [from, to) of a text as spans, a split character's tokens grouped (`from` and `to` at group ends: see
 * wholeGroups). `cuts`: UTF-16 offsets whose boundary gets marked (the compare page's boundaries not every
 * tokenizer shares).
 */
export function TokenSpans(props: {
  text: string;
  spans: readonly TokenSpan[];
  whitespace: boolean;
  from: number;
  to: number;
  cuts?: ReadonlySet<number>;
}) {
  const { spans, text } = props;
  const cut = (end: number) => props.cuts !== undefined && props.cuts.has(end);
  const out = [];
  for (let i = props.from; i < props.to;) {
    const g = spans[i].group;
    if (g === null) {
      out.push(<Token span={spans[i]} text={text} whitespace={props.whitespace} cut={cut(spans[i].end)} />);
      i++;
      continue;
    }
    let j = i;
    while (j < spans.length && spans[j].group === g) j++;
    out.push(<Group spans={spans.slice(i, j)} text={text} whitespace={props.whitespace} cut={cut(spans[j - 1].end)} />);
    i = j;
  }
  return <>{out}</>;
}

/** The ids of tokens [from, to) as hover targets (an id's position among them is its token's index). */
export function IdTargets(props: { ids: readonly number[]; from: number; to: number }) {
  return (
    <>
      {props.ids.slice(props.from, props.to).map((id, k) => (
        <>
          {props.from + k > 0 ? ' ' : ''}
          <i>{String(id)}</i>
        </>
      ))}
    </>
  );
}

/** The ids not drawn yet, as plain text after the targets (copying takes every id). */
export function IdsRest(props: { ids: readonly number[]; from: number }) {
  return <>{props.from < props.ids.length ? (props.from > 0 ? ' ' : '') + props.ids.slice(props.from).join(' ') : ''}</>;
}

/**
 * A token's bytes cut where its characters are: `text`, the whole characters, between `head` (the end of a
 * character begun before the token) and `tail` (the start of one that ends after it).
 */
export interface TokenParts {
  head: Uint8Array;
  text: string;
  tail: Uint8Array;
}

/** What a chip shows of a token: its bytes, and their parts (undefined when the bytes are not UTF-8). */
export interface ChipToken {
  bytes: Uint8Array;
  parts: TokenParts | undefined;
}

/** The token's text when it holds whole characters only. */
export function wholeText(token: ChipToken): string | undefined {
  const p = token.parts;
  return p !== undefined && p.head.length === 0 && p.tail.length === 0 ? p.text : undefined;
}

function Hex(props: { bytes: Uint8Array }) {
  return props.bytes.length === 0 ? null : <span class="hexpart">⟨{hexBytes(props.bytes)}⟩</span>;
}

/** A token on its own, as text (whitespace visible); the bytes of a character it cuts are shown in hex, in brackets. */
export function TokenChip(props: { token: ChipToken }) {
  const { bytes, parts } = props.token;
  if (parts === undefined)
    return (
      <code class="tok partial" title="not UTF-8: its bytes in hex">
        <Hex bytes={bytes} />
      </code>
    );
  const { head, text, tail } = parts;
  if (head.length === 0 && tail.length === 0) return <code class="tok">{markWhitespace(text)}</code>;
  return (
    <code class="tok partial" title="cuts a character: the bytes of the cut character in hex">
      <Hex bytes={head} />
      {markWhitespace(text)}
      <Hex bytes={tail} />
    </code>
  );
}
