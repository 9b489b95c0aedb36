/**
 * Training jobs of the lab: what a request may ask for (checked here, with the HTTP status of each refusal),
 * the corpora it names (bundled or the user's; always their train split), and the job runner that trains in a
 * worker thread, follows its progress and saves the vocabulary under the data directory.
 */
import { stat } from 'node:fs/promises';
import type { PatternName } from '../bpe/pretokenize/patterns.js';
import { ensureBundledCorpora } from '../store/corpora/extract.js';
import type { CurvePoint } from '../jobs/compression-curve.js';
import { jobManager, type JobContext, type JobRecord } from '../jobs/job-manager.js';
import { startTrainJob, type TrainEvent } from '../jobs/train-job.js';
import { TRAIN_ALGORITHMS, type Trained, type TrainAlgorithm } from '../jobs/train-files.js';
import { defaultTransition } from '../bpe/train/superbpe-trainer.js';
import { listUserCorpora, userCorpusSplitPaths } from '../store/user-corpora.js';
import { readHead } from './corpora-data.js';
import { hexBytes } from '../../views/hex.js';
import { RequestError } from './errors.js';
import { checkNotPending } from './pending-jobs.js';
import { checkVocabularyName, findUserVocabulary, saveUserVocabulary } from '../store/user-vocabularies.js';

/** The split patterns a user may pick: a fixed list (a user-given regex could run for ever). */
export const TRAIN_PATTERNS: readonly PatternName[] = ['cjk', 'cl100k', 'o200k', 'gpt2'];
/** The largest vocabulary the lab trains (training time and the page's tables grow with it). */
export const MAX_VOCAB_SIZE = 65_536;
export const MAX_SPECIALS = 16;
export const MAX_SPECIAL_LENGTH = 64;
export const MAX_TRAIN_CORPORA = 16;
/** Held-out text encoded at each point of the compression curve, in bytes (shared among the corpora). */
export const CURVE_SAMPLE_BYTES = 64 * 1024;
/** Latest merges kept in the progress snapshot (sampled with the progress, about ten a second). */
const LATEST_MERGES = 12;

export interface TrainParams {
  name: string;
  corpora: string[];
  vocabSize: number;
  /** Absent in jobs made before there was a choice: those are 'bpe'. */
  algorithm?: TrainAlgorithm;
  /** SuperBPE: the ordinary tokens stage 1 learns. */
  transition?: number;
  /** BPE's and SuperBPE's (a Unigram model splits words at spaces; its jobs record the default). */
  pattern: PatternName;
  minFrequency: number;
  specials: string[];
}

export interface TrainSnapshot {
  /** 'unigram': a Unigram model's seeding, EM steps and pruning (see `unigram`). */
  phase: 'counting' | 'merging' | 'unigram' | 'saving';
  /** A Unigram training's latest stage: which, in what round, with how many pieces. */
  unigram?: { stage: string; round: number; pieces: number };
  countedBytes: number;
  totalBytes: number;
  merges: number;
  totalMerges: number;
  seconds: number;
  mergesPerSecond: number | null;
  secondsLeft: number | null;
  /** Newest first: the token a merge made (hex bytes) and how often its pair occurred. */
  latest: Array<{ hex: string; count: number }>;
  curve: CurvePoint[];
  heldOutBytes: number;
}

export interface CorpusChoice {
  name: string;
  kind: 'bundled' | 'user';
  /** Bytes of the train split (bundled) or of the whole text (user; the split is made on first use). */
  bytes: number;
  description: string;
}

/** The corpora a training may use: the bundled ones that are installed, then the user's. */
export async function trainableCorpora(): Promise<CorpusChoice[]> {
  const bundled = (await ensureBundledCorpora()).corpora;
  const out: CorpusChoice[] = [];
  for (const c of bundled) out.push({ name: c.name, kind: 'bundled', bytes: (await stat(c.trainPath)).size, description: c.description });
  for (const c of await listUserCorpora())
    out.push({ name: c.name, kind: 'user', bytes: c.bytes, description: `your corpus, added ${c.addedAt.slice(0, 10)}` });
  return out;
}

/** The train and held-out files of corpus `name`. */
export async function splitOf(name: string): Promise<{ train: string; heldOut: string }> {
  const bundled = (await ensureBundledCorpora()).corpora.find((c) => c.name === name);
  if (bundled) return { train: bundled.trainPath, heldOut: bundled.heldOutPath };
  const user = (await listUserCorpora()).find((c) => c.name === name);
  if (user) return userCorpusSplitPaths(user);
  throw new RequestError(404, `unknown corpus ${JSON.stringify(name)}`);
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** Checks a training request (the JSON of POST /api/train, or the page's form made into that shape). */
export async function checkTrainParams(body: unknown): Promise<TrainParams> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'the body must be a JSON object {name, corpora, vocabSize, algorithm, pattern, minFrequency, specials}');
  const b = body as Record<string, unknown>;
  if (typeof b.name !== 'string') throw new RequestError(400, '"name" must be a string: the name of the vocabulary to make');
  try {
    checkVocabularyName(b.name);
  } catch (e) {
    throw new RequestError(400, (e as Error).message);
  }
  const corpora = b.corpora;
  if (!Array.isArray(corpora) || corpora.length === 0 || !corpora.every((c) => typeof c === 'string'))
    throw new RequestError(400, '"corpora" must be a non-empty list of corpus names');
  if (corpora.length > MAX_TRAIN_CORPORA) throw new RequestError(400, `at most ${MAX_TRAIN_CORPORA} corpora`);
  const algorithm = b.algorithm ?? 'bpe';
  if (typeof algorithm !== 'string' || !(TRAIN_ALGORITHMS as readonly string[]).includes(algorithm))
    throw new RequestError(400, `"algorithm" must be one of ${TRAIN_ALGORITHMS.join(', ')}`);
  const notFor = (field: string, which: string) => new RequestError(400, `"${field}" does not apply to algorithm ${algorithm}: ${which}`);
  if (algorithm !== 'superbpe' && b.transition !== undefined) throw notFor('transition', 'only superbpe has a transition');
  if (algorithm === 'unigram' && b.pattern !== undefined) throw notFor('pattern', 'a Unigram model splits words at spaces');
  if (algorithm === 'unigram' && b.minFrequency !== undefined) throw notFor('minFrequency', 'a Unigram model has no merges');
  const pattern = b.pattern ?? 'cjk';
  if (typeof pattern !== 'string' || !(TRAIN_PATTERNS as readonly string[]).includes(pattern))
    throw new RequestError(400, `"pattern" must be one of ${TRAIN_PATTERNS.join(', ')}`);
  const specials = b.specials ?? [];
  if (!Array.isArray(specials) || !specials.every((s) => typeof s === 'string' && s.length > 0 && s.length <= MAX_SPECIAL_LENGTH)) {
    throw new RequestError(400, `"specials" must be a list of non-empty strings of at most ${MAX_SPECIAL_LENGTH} characters`);
  }
  if (specials.length > MAX_SPECIALS) throw new RequestError(400, `at most ${MAX_SPECIALS} special tokens`);
  if (new Set(specials).size !== specials.length) throw new RequestError(400, 'the special tokens must differ from each other');
  const least = 257 + specials.length;
  if (!isInt(b.vocabSize) || b.vocabSize < least || b.vocabSize > MAX_VOCAB_SIZE) {
    throw new RequestError(
      400,
      `"vocabSize" must be an integer from ${least} (256 bytes, ${specials.length} special tokens and one merge) to ${MAX_VOCAB_SIZE}`,
    );
  }
  const ordinary = b.vocabSize - specials.length;
  const transition = b.transition ?? (algorithm === 'superbpe' ? defaultTransition(b.vocabSize, specials.length) : undefined);
  if (transition !== undefined && (!isInt(transition) || transition < 256 || transition > ordinary))
    throw new RequestError(400, `"transition" must be an integer from 256 to the ordinary tokens asked for (${ordinary})`);
  const minFrequency = b.minFrequency ?? 2;
  if (!isInt(minFrequency) || minFrequency < 0 || minFrequency > 1e9)
    throw new RequestError(400, '"minFrequency" must be an integer from 0 to 1000000000');
  for (const c of corpora as string[]) await splitOf(c);
  checkNameFree(b.name);
  return {
    name: b.name,
    corpora: [...new Set(corpora as string[])],
    vocabSize: b.vocabSize,
    algorithm: algorithm as TrainAlgorithm,
    ...(transition !== undefined && { transition }),
    pattern: pattern as PatternName,
    minFrequency,
    specials,
  };
}

function checkNameFree(name: string): void {
  if (findUserVocabulary(name))
    throw new RequestError(409, `a vocabulary named ${name} exists: delete it on /vocab/${name} or choose another name`);
  checkNotPending('train', name, 'making a vocabulary');
}

/**
 * Up to CURVE_SAMPLE_BYTES of held-out text, an equal share from the start of each file, cut after a whole
 * line (or at least a whole character) so the sample is valid UTF-8.
 */
export async function heldOutSample(paths: readonly string[]): Promise<string> {
  const share = Math.floor(CURVE_SAMPLE_BYTES / Math.max(1, paths.length));
  const parts: string[] = [];
  for (const path of paths) {
    const { bytes, cut } = await readHead(path, share);
    const lineEnd = bytes.lastIndexOf(0x0a);
    parts.push((cut && lineEnd >= 0 ? bytes.subarray(0, lineEnd + 1) : bytes).toString('utf8'));
  }
  return parts.join('');
}

interface MergePoint {
  merges: number;
  seconds: number;
}

/**
 * Merges per second are measured over the last RATE_WINDOW_S seconds: merges speed up as pair counts fall
 * (on 64 MiB the first thousand run at ~25 a second, the last at thousands), so a rate since the start
 * would overstate the time left many times over. The estimate still runs high early on.
 */
const RATE_WINDOW_S = 5;

/** Folds one worker event into the snapshot (`since`: the merge progress RATE_WINDOW_S ago). */
function apply(s: TrainSnapshot, e: TrainEvent, since: MergePoint | undefined): void {
  if (e.type === 'count') {
    Object.assign(s, { phase: 'counting', countedBytes: e.read, totalBytes: e.total, seconds: e.seconds });
  } else if (e.type === 'merge') {
    Object.assign(s, { phase: 'merging', merges: e.merges, totalMerges: e.total, seconds: e.seconds });
    s.countedBytes = s.totalBytes;
    s.latest = [{ hex: hexBytes(e.token, ''), count: e.count }, ...s.latest].slice(0, LATEST_MERGES);
    if (since !== undefined && e.seconds > since.seconds && e.merges > since.merges) {
      s.mergesPerSecond = (e.merges - since.merges) / (e.seconds - since.seconds);
      s.secondsLeft = (e.total - e.merges) / s.mergesPerSecond;
    }
  } else if (e.type === 'unigram') {
    Object.assign(s, { phase: 'unigram', seconds: e.seconds, unigram: { stage: e.stage, round: e.round, pieces: e.pieces } });
    s.countedBytes = s.totalBytes;
  } else if (e.type === 'curve') {
    s.curve = [...s.curve, { vocabSize: e.vocabSize, bytesPerToken: e.bytesPerToken }];
  }
}

/** Runs one training job: see the module comment. */
export async function runTrainJob(job: Readonly<JobRecord<TrainParams, TrainSnapshot>>, ctx: JobContext<TrainSnapshot>): Promise<string> {
  const p = job.params;
  const splits = await Promise.all(p.corpora.map(splitOf));
  const sample = await heldOutSample(splits.map((s) => s.heldOut));
  ctx.signal.throwIfAborted();
  const snapshot: TrainSnapshot = {
    phase: 'counting',
    countedBytes: 0,
    totalBytes: 0,
    merges: 0,
    totalMerges: p.vocabSize - 256 - p.specials.length,
    seconds: 0,
    mergesPerSecond: null,
    secondsLeft: null,
    latest: [],
    curve: [],
    heldOutBytes: Buffer.byteLength(sample),
  };
  const recent: MergePoint[] = [];
  const options = {
    algorithm: p.algorithm ?? 'bpe',
    transition: p.transition,
    pattern: p.pattern,
    vocabSize: p.vocabSize,
    minFrequency: p.minFrequency,
    specials: p.specials,
    threads: 1,
    curveSample: sample,
  };
  const training = startTrainJob(
    splits.map((s) => s.train),
    options,
    (e) => {
      if (e.type === 'merge') {
        recent.push({ merges: e.merges, seconds: e.seconds });
        while (recent.length > 2 && recent[1].seconds <= e.seconds - RATE_WINDOW_S) recent.shift();
      }
      apply(snapshot, e, recent[0]);
      if (e.type !== 'done' && e.type !== 'cancelled' && e.type !== 'failed') ctx.report({ ...snapshot });
    },
  );
  ctx.signal.addEventListener('abort', () => training.cancel(), { once: true });
  const vocab = await training.result;
  ctx.report({ ...snapshot, phase: 'saving' });
  await saveUserVocabulary(p.name, withCorpusNames(vocab, p.corpora));
  const tokens = ('scores' in vocab ? 256 + vocab.pieces.length : vocab.tokens.length) + vocab.specials.length;
  return `saved vocabulary ${p.name}: ${tokens} tokens, trained in ${vocab.training?.seconds.toFixed(1) ?? '?'} s`;
}

/** The training record names the corpora as the lab does (NAME:train), not by their file paths. */
function withCorpusNames<T extends Trained>(vocab: T, names: readonly string[]): T {
  if (vocab.training === undefined) return vocab;
  const corpora = vocab.training.corpora.map((c, i) => ({ name: `${names[i]}:train`, bytes: c.bytes }));
  return { ...vocab, training: { ...vocab.training, corpora } };
}

/** The lab's job manager with the 'train' kind defined. */
export function trainJobs() {
  const jobs = jobManager();
  jobs.define('train', runTrainJob);
  return jobs;
}
