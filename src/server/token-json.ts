/** JSON answers that hold token bytes (Uint8Array), written as hex (the LM and ∞-gram APIs). */
import type { Context } from 'hono';
import { hexBytes } from '../../views/hex.js';

export function tokenJson(c: Context, value: unknown, status: 200 | 202 = 200): Response {
  const body = JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? hexBytes(v, '') : v));
  return c.body(body, status, { 'content-type': 'application/json; charset=utf-8' });
}
