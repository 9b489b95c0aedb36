/** How the model page draws a token: its chip (or `<s>`/`</s>`), its hover label, and its surprisal colour. */
import { markWhitespace, TokenChip } from './tokens.js';
import type { LmToken } from './lm-result-types.js';

/** A token's text for hover lines (a cut character shows as U+FFFD). */
export function label(t: LmToken): string {
  return t.marker ?? markWhitespace(t.text);
}

export function Marker(props: { text: string }) {
  return <code class="tok lm-marker">{props.text}</code>;
}

export function Tok(props: { t: LmToken }) {
  const { t } = props;
  return t.marker !== undefined ? <Marker text={t.marker} /> : <TokenChip token={t} />;
}

export const pct = (p: number) => (p >= 0.001 ? p.toFixed(4) : p.toExponential(2));

/** Bits of surprisal at and beyond which a token is drawn fully red. */
export const HEAT_MAX_BITS = 16;

/** Green for a likely token, red for a surprising one (HEAT_MAX_BITS and more): the hue; pages.css gives the rest. */
export const heat = (log2prob: number) => `--heat:${(120 * (1 - Math.min(HEAT_MAX_BITS, -log2prob) / HEAT_MAX_BITS)).toFixed(0)}`;
