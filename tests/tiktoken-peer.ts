/** The `tiktoken` package's own encodings, the peer our tiktoken encodings are checked against. */
import { get_encoding, type Tiktoken, type TiktokenEncoding } from 'tiktoken';

/** The encodings compared in full (p50k_edit, p50k_base's ranks with other special tokens, has a test of its own). */
export const TIKTOKEN_NAMES = ['gpt2', 'r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'] as const;

const made = new Map<TiktokenEncoding, Tiktoken>();

/** tiktoken's encoding `name`, made once per test file. */
export function tiktokenPeer(name: TiktokenEncoding): Tiktoken {
  let peer = made.get(name);
  if (!peer) made.set(name, (peer = get_encoding(name)));
  return peer;
}

/** Frees what tiktokenPeer made (WebAssembly memory, which garbage collection does not reclaim): for afterAll. */
export function freeTiktokenPeers(): void {
  for (const peer of made.values()) peer.free();
  made.clear();
}
