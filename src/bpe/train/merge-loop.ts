import { bytesToLatin1, concatBytes } from '../bytes.js';
import type { TrainState } from './train-state.js';

/** The tokens learned so far (ids are indexes) and the merges that made them, grown by learnMerges. */
export interface LearnedTokens {
  tokenBytes: Uint8Array[];
  /** Token ids by their bytes as latin1 strings: a merge that makes existing bytes reuses their id. */
  idOfBytes: Map<string, number>;
  merges: Array<[number, number]>;
}

export interface MergeLimits {
  /** Stop when this many tokens exist. */
  tokens: number;
  minFrequency: number;
  shouldStop?: () => boolean;
  /** Called after each merge with the token made and how often its pair occurred. */
  onMerge?: (token: Uint8Array, count: number) => void;
  /** Pairs this refuses are never merged (their queue entries are dropped when they surface). */
  allows?: (left: number, right: number) => boolean;
}

export class TrainingCancelled extends Error {
  constructor() {
    super('training was cancelled');
    this.name = 'TrainingCancelled';
  }
}

/**
 * The trainer's loop: pops the best pair (re-queueing stale entries with their current count), makes or reuses
 * its token, records the merge and merges it in the words listed with the entry, until `limits.tokens` tokens
 * exist, the queue is empty or the best pair is rarer than `minFrequency`.
 */
export function learnMerges(state: TrainState, learned: LearnedTokens, limits: MergeLimits): void {
  const { tokenBytes, idOfBytes, merges } = learned;
  const queue = state.queue;
  let gen = 0;
  while (tokenBytes.length < limits.tokens && queue.size > 0) {
    if (limits.shouldStop?.()) throw new TrainingCancelled();
    const pair = queue.topPair;
    const current = state.count[pair];
    if (queue.topCount !== current) {
      const entryGen = queue.topGen;
      const list = queue.topWords;
      queue.pop();
      queue.push(current, pair, entryGen, list);
      continue;
    }
    if (current < 1 || current < limits.minFrequency) break;
    const a = state.pairs.left[pair];
    const b = state.pairs.right[pair];
    if (limits.allows !== undefined && !limits.allows(a, b)) {
      state.drop(queue.topWords);
      queue.pop();
      continue;
    }
    const bytes = concatBytes(tokenBytes[a], tokenBytes[b]);
    let t = idOfBytes.get(bytesToLatin1(bytes));
    if (t === undefined) {
      t = tokenBytes.length;
      tokenBytes.push(bytes);
      idOfBytes.set(bytesToLatin1(bytes), t);
    }
    merges.push([a, b]);
    const list = queue.topWords;
    queue.pop();
    state.merge(a, b, t, list, ++gen);
    limits.onMerge?.(bytes, current);
  }
}
