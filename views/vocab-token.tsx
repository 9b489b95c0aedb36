/** How the lab shows one token's bytes: its text with visible whitespace, or its hex bytes when it is part of a character. */

const strict = new TextDecoder('utf-8', { fatal: true });

/** The token's text, or undefined when its bytes are not whole UTF-8 characters. */
export function tokenText(bytes: Uint8Array): string | undefined {
  try {
    return strict.decode(bytes);
  } catch {
    return undefined;
  }
}

export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** Whitespace made visible: a token of spaces or newlines must not look empty. */
export function visibleWhitespace(s: string): string {
  return s.replace(/[ \t\n\r]/g, (m) => (m === ' ' ? '·' : m === '\t' ? '→' : m === '\n' ? '↵' : '␍'));
}

/** A token as text (whitespace visible) or, if partial, as hex bytes in brackets. */
export function TokenText(props: { bytes: Uint8Array }) {
  const text = tokenText(props.bytes);
  if (text === undefined) return <code class="tok partial" title="part of a character: its UTF-8 bytes in hex">⟨{hexBytes(props.bytes)}⟩</code>;
  return <code class="tok">{visibleWhitespace(text)}</code>;
}
