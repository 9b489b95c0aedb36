/**
 * The contenders of bench:quality, each trained on the same train lines and handed back as one shape: its
 * token bytes, a per-line encoder and a decoder, so the bench measures every one the same way.
 *
 * The peer is Hugging Face `tokenizers`' BpeTrainer with the GPT-2 pattern (ByteLevel pre-tokenizer, no prefix
 * space). Its npm binding trains only with the default trainer (30,000 tokens), so at 30k the peer is trained by
 * `tokenizers` itself; at other sizes its merges come from tokenlab's `--compat hf` trainer, which the bench
 * holds merge for merge to `tokenizers`' own 30k run on this corpus (tests/trainer.test.ts does the same on
 * another slice), and the peer's tokens are then encoded by `tokenizers` from that tokenizer.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Encoder } from '../src/bpe/encode/encoder.js';
import { SuperBpeEncoder } from '../src/bpe/encode/superbpe-encoder.js';
import { bytesToByteLevel, byteLevelToBytes } from '../src/bpe/formats/byte-level.js';
import type { TokenEncoder } from '../src/bpe/token-encoder.js';
import { Tokenizer } from '../src/bpe/tokenizer.js';
import { trainSuperBpeOnTexts } from '../src/bpe/train/superbpe-trainer.js';
import { trainOnTexts } from '../src/bpe/train/train-vocabulary.js';
import { UnigramEncoder } from '../src/bpe/unigram/unigram-encoder.js';
import { trainUnigram } from '../src/bpe/unigram/unigram-trainer.js';
import type { Vocabulary } from '../src/bpe/vocabulary.js';
import { unigramPasses } from '../src/jobs/unigram-passes.js';

/** The training data: each corpus's train lines, and the same as one file (for `tokenizers`). */
export interface TrainData {
  lines: string[];
  /** One text per corpus, its lines each ended by a newline (as the corpus files are). */
  texts: string[];
  file: string;
}

/** A trained tokenizer as the bench measures it. */
export interface Trained {
  nVocab: number;
  /** Seconds of training; null where the peer's vocabulary was reproduced rather than trained by it. */
  seconds: number | null;
  tokenBytes(id: number): Uint8Array;
  /** Each line's ids (lines hold no newline). */
  encodeLines(lines: readonly string[]): Promise<Uint32Array[]>;
  /** The text of one line's ids, as the tokenizer decodes. */
  decode(ids: Uint32Array): string;
}

export interface Contender {
  name: string;
  /** tokenlab's own (the goal line picks the best of these) or the peer. */
  ours: boolean;
  train(data: TrainData, vocabSize: number, dir: string): Promise<Trained>;
}

const timed = <T>(f: () => T): [T, number] => {
  const start = performance.now();
  const out = f();
  return [out, (performance.now() - start) / 1000];
};

/** A tokenlab engine behind a Tokenizer: encodeOrdinary per line, decode by the Tokenizer. */
function ofEncoder(encoder: TokenEncoder, seconds: number): Trained {
  const tokenizer = new Tokenizer('bench', encoder);
  return {
    nVocab: tokenizer.nVocab,
    seconds,
    tokenBytes: (id) => tokenizer.tokenBytes(id),
    encodeLines: async (lines) => lines.map((l) => Uint32Array.from(tokenizer.encodeOrdinary(l))),
    decode: (ids) => tokenizer.decode(ids),
  };
}

function bpe(pattern: 'gpt2' | 'cjk'): Contender {
  return {
    name: `bpe ${pattern}`,
    ours: true,
    train: async (data, vocabSize) => {
      const [vocab, seconds] = timed(() => trainOnTexts(data.texts, { pattern, vocabSize }));
      return ofEncoder(new Encoder(vocab), seconds);
    },
  };
}

function superbpe(pattern: 'gpt2' | 'cjk'): Contender {
  return {
    name: `superbpe ${pattern}`,
    ours: true,
    train: async (data, vocabSize) => {
      const [vocab, seconds] = timed(() => trainSuperBpeOnTexts(data.texts, { pattern, vocabSize }));
      return ofEncoder(new SuperBpeEncoder(vocab), seconds);
    },
  };
}

const unigram: Contender = {
  name: 'unigram',
  ours: true,
  train: async (data, vocabSize) => {
    const start = performance.now();
    const model = await trainUnigram(data.lines, { vocabSize, startPasses: unigramPasses(undefined, false) });
    return ofEncoder(new UnigramEncoder(model), (performance.now() - start) / 1000);
  },
};

/* eslint-disable @typescript-eslint/no-explicit-any -- the napi binding's objects, typed by its own .d.ts only loosely */
const hfModule = () => createRequire(import.meta.url)('tokenizers');

/** The saved tokenizer.json of `tokenizers` trained with its default BpeTrainer (30k) on the file. */
function trainWithTokenizers(file: string, dir: string): { json: any; seconds: number } {
  const { Tokenizer: HfTokenizer, BPE, byteLevelPreTokenizer } = hfModule();
  const [hf, seconds] = timed(() => {
    const t = new HfTokenizer(BPE.empty());
    t.setPreTokenizer(byteLevelPreTokenizer(false, true));
    t.train([file]);
    return t;
  });
  const saved = join(dir, 'tokenizers-30k.json');
  hf.save(saved);
  return { json: JSON.parse(readFileSync(saved, 'utf8')), seconds };
}

/** `tokenizers`' merges as byte-level pairs of a vocabulary tokenlab trained with compat hf. */
const mergePairs = (v: Vocabulary) => v.merges.map(([a, b]) => [bytesToByteLevel(v.tokens[a]), bytesToByteLevel(v.tokens[b])]);

/** A `tokenizers` pipeline from its saved json (ids as in its vocab), encoding line by line in batches. */
function ofTokenizersJson(json: any, seconds: number | null): Trained {
  const { Tokenizer: HfTokenizer } = hfModule();
  const hf = HfTokenizer.fromString(JSON.stringify(json));
  const vocab: Record<string, number> = json.model.vocab;
  let nVocab = 0;
  for (const id of Object.values(vocab)) nVocab = Math.max(nVocab, id + 1);
  const bytes: Uint8Array[] = new Array(nVocab);
  for (const [s, id] of Object.entries(vocab)) {
    const b = byteLevelToBytes(s);
    if (b === undefined) throw new Error(`tokenizers vocab entry ${JSON.stringify(s)} is not byte-level`);
    bytes[id] = b;
  }
  return {
    nVocab,
    seconds,
    tokenBytes: (id) => bytes[id],
    encodeLines: async (lines) => {
      const out: Uint32Array[] = [];
      for (let i = 0; i < lines.length; i += 4096) {
        const batch: any[] = await hf.encodeBatch(lines.slice(i, i + 4096), { addSpecialTokens: false });
        for (const e of batch) out.push(Uint32Array.from(e.getIds()));
      }
      return out;
    },
    // The binding has no ByteLevel decoder to set; byte-level decoding is the tokens' bytes as UTF-8.
    decode: (ids) => Buffer.concat(Array.from(ids, (id) => bytes[id])).toString('utf8'),
  };
}

/**
 * `tokenizers` trained at 30k, once per run, and tokenlab's compat-hf run at 30k held to it merge for merge: the
 * check that lets the other sizes be reproduced.
 */
let reference: { json: any; seconds: number } | undefined;
function tokenizersReference(data: TrainData, dir: string): { json: any; seconds: number } {
  if (reference !== undefined) return reference;
  const real = trainWithTokenizers(data.file, dir);
  const ours = mergePairs(trainOnTexts(data.texts, { pattern: 'gpt2', vocabSize: 30_000, compat: 'hf' }));
  const theirs: Array<[string, string]> = real.json.model.merges;
  const first = theirs.findIndex((m, i) => m[0] !== ours[i]?.[0] || m[1] !== ours[i]?.[1]);
  if (first >= 0 || theirs.length !== ours.length) {
    throw new Error(`tokenlab --compat hf differs from tokenizers' BpeTrainer at merge ${first} of ${theirs.length}`);
  }
  return (reference = real);
}

const hfBpe: Contender = {
  name: 'tokenizers bpe gpt2',
  ours: false,
  train: async (data, vocabSize, dir) => {
    const real = tokenizersReference(data, dir);
    if (vocabSize === 30_000) return ofTokenizersJson(real.json, real.seconds);
    const vocab = trainOnTexts(data.texts, { pattern: 'gpt2', vocabSize, compat: 'hf' });
    // tokenizers' alphabet is the bytes its corpus holds (a byte outside it is dropped when encoding, as
    // tokenizers drops it), then the learned tokens in order.
    const alphabet = new Set(Object.keys(real.json.model.vocab).filter((s) => s.length === 1));
    const strings = vocab.tokens.map(bytesToByteLevel).filter((s, id) => id >= 256 || alphabet.has(s));
    const json = structuredClone(real.json);
    json.model.vocab = Object.fromEntries(strings.map((s, id) => [s, id]));
    json.model.merges = mergePairs(vocab);
    return ofTokenizersJson(json, null);
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export const CONTENDERS: readonly Contender[] = [bpe('gpt2'), bpe('cjk'), superbpe('gpt2'), superbpe('cjk'), unigram, hfBpe];

/** Writes the train lines as one file for `tokenizers`. */
export function trainData(perCorpus: string[][], dir: string): TrainData {
  const texts = perCorpus.map((lines) => lines.join('\n') + '\n');
  const file = join(dir, 'train.txt');
  writeFileSync(file, texts.join(''));
  return { lines: perCorpus.flat(), texts, file };
}
