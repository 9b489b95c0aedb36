/** Token bytes in hex: the one way the lab writes them, in its pages ("e6 b7") and its JSON ("e6b7"). */

const PAIRS = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `bytes` as lowercase hex pairs with `separator` between them. */
export function hexBytes(bytes: ArrayLike<number>, separator = ' '): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i === 0 ? '' : separator) + PAIRS[bytes[i]];
  return s;
}
