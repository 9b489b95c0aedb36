/** Numbers as the pages write them. */

/** A size in bytes: B, KiB or MiB with one decimal. */
export const formatBytes = (n: number) =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

/** A ratio with `digits` decimals; a dash for none (null, or NaN and infinities from an empty text). */
export function fmt(x: number | null, digits = 2): string {
  return x === null || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}
