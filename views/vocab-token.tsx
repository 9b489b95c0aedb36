/** How the lab shows one token: its text with visible whitespace, and the hex bytes of any cut character. */
import { hexBytes, tokenParts } from '../src/server/vocab-bytes.js';

/** Whitespace made visible: a token of spaces or newlines must not look empty. */
export function visibleWhitespace(s: string): string {
  return s.replace(/[ \t\n\r]/g, (m) => (m === ' ' ? '·' : m === '\t' ? '→' : m === '\n' ? '↵' : '␍'));
}

function Hex(props: { bytes: Uint8Array }) {
  return props.bytes.length === 0 ? null : <span class="hexpart">⟨{hexBytes(props.bytes)}⟩</span>;
}

/** A token as text (whitespace visible); the bytes of a character it cuts are shown in hex, in brackets. */
export function TokenText(props: { bytes: Uint8Array }) {
  const parts = tokenParts(props.bytes);
  if (parts === undefined) return <code class="tok partial" title="not UTF-8: its bytes in hex"><Hex bytes={props.bytes} /></code>;
  const { head, text, tail } = parts;
  if (head.length === 0 && tail.length === 0) return <code class="tok">{visibleWhitespace(text)}</code>;
  return (
    <code class="tok partial" title="cuts a character: the bytes of the cut character in hex">
      <Hex bytes={head} />{visibleWhitespace(text)}<Hex bytes={tail} />
    </code>
  );
}
