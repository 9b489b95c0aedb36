/**
 * The vocabulary explorer over a SuperBPE vocabulary: a stage-2 token's parts are those of the stage-2 merge
 * that made it (stage 2 merges stage-1 tokens across stage-1 pieces, which tiktoken's rule on the token's own
 * bytes does not know), and the tokenizer after its first k tokens is SuperBPE's encoder over them.
 */
import type { Encoder } from '../bpe/encode/encoder.js';
import { SuperBpeEncoder } from '../bpe/encode/superbpe-encoder.js';
import type { Vocabulary } from '../bpe/vocabulary.js';

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The id each merge makes, in merge order. */
function madeIds(vocab: Vocabulary, whole: Encoder): number[] {
  return vocab.merges.map(([a, b]) => whole.tokenId(concat(vocab.tokens[a], vocab.tokens[b]))!);
}

/** The parts of the first stage-2 merge that makes token `id` (a stage-2 token); undefined for a stage-1 token. */
export function stage2Parts(enc: SuperBpeEncoder, id: number): [number, number] | undefined {
  const { vocab, info } = enc;
  if (id < info.transition) return undefined;
  const made = madeIds(vocab, enc.whole);
  for (let r = info.stage1Merges; r < made.length; r++) if (made[r] === id) return vocab.merges[r];
  return undefined;
}

/**
 * SuperBPE with only its first `256 + k` tokens (a trained vocabulary: the bytes, then tokens in the order
 * learned) and the merges that make them: stage 1 alone while k is within it, then stage 2 growing.
 */
export function superBpeAfterTokens(enc: SuperBpeEncoder, k: number): SuperBpeEncoder {
  const { vocab, info } = enc;
  const n = Math.min(vocab.tokens.length, 256 + k);
  const made = madeIds(vocab, enc.whole);
  let merges = 0;
  while (merges < made.length && made[merges] < n) merges++;
  return new SuperBpeEncoder({
    pattern: vocab.pattern,
    tokens: vocab.tokens.slice(0, n),
    merges: vocab.merges.slice(0, merges),
    specials: [],
    superbpe: { ...info, transition: Math.min(info.transition, n), stage1Merges: Math.min(info.stage1Merges, merges) },
  });
}
