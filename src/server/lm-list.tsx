/**
 * The LM studio's list page (/lm) as the routes render it: the models, the board, the space size, the model
 * build form and its jobs, and the ∞-gram section (its indexes, build form and jobs).
 */
import type { JobRecord } from '../jobs/job-manager.js';
import { listUserInfgrams } from '../store/user-infgrams.js';
import { listUserModels, type ModelRecord } from '../store/user-models.js';
import type { InfgramBuildForm, InfgramSectionProps } from '../../views/infgram-list.js';
import type { InfgramJob } from '../../views/infgram-types.js';
import { LmListPage, type FirstModelNote, type LmBuildForm, type SpaceQuery } from '../../views/lm.js';
import { chooserChoices } from './choosers.js';
import { FIRST_MODEL, firstModelState } from './first-model.js';
import { infgramJobs } from './infgram-jobs.js';
import { bitsPerByteBoard, intOption, log10SequenceCount } from './lm-data.js';
import { DEFAULT_ORDER, lmJobs, MAX_ORDER, MIN_ORDER, type LmBuildParams, type LmBuildSnapshot } from './lm-jobs.js';
import { MAX_VOCAB_SIZE, trainableCorpora } from './train-jobs.js';

export const MAX_SPACE_L = 10_000_000;
export const MAX_SPACE_K = 1_000_000;
const DEFAULT_SPACE_K = 20;

export type LmJob = JobRecord<LmBuildParams, LmBuildSnapshot>;

export function spaceOf(query: Record<string, string>, L: number): SpaceQuery {
  const l = intOption(query.L, 'L', 1, MAX_SPACE_L, L);
  const K = intOption(query.K, 'K', 1, MAX_SPACE_K, DEFAULT_SPACE_K);
  return { L: l, K, log10: log10SequenceCount(l, K) };
}

// The forms start where the first model did: a vocabulary that keeps Chinese characters whole, a mixed corpus.
const EMPTY_FORM: LmBuildForm = { name: '', tokenizer: FIRST_MODEL.tokenizer, corpus: FIRST_MODEL.corpus, order: String(DEFAULT_ORDER) };
const EMPTY_INFGRAM_FORM: InfgramBuildForm = { name: '', tokenizer: FIRST_MODEL.tokenizer, corpora: [FIRST_MODEL.corpus] };

/** A job of kind 'infgram', or undefined. */
export function infgramJob(id: string): InfgramJob | undefined {
  const job = infgramJobs().get(id);
  return job?.kind === 'infgram' ? (job as JobRecord as InfgramJob) : undefined;
}

export const infgramJobList = () => infgramJobs().list('infgram') as JobRecord[] as InfgramJob[];

export interface InfgramExtra {
  form?: InfgramBuildForm;
  job?: InfgramJob;
  error?: string;
}

async function infgramSection(extra: InfgramExtra): Promise<InfgramSectionProps> {
  return {
    indexes: listUserInfgrams(),
    jobs: infgramJobList(),
    choices: { ...chooserChoices(), corpora: await trainableCorpora() },
    form: extra.form ?? EMPTY_INFGRAM_FORM,
    job: extra.job,
    error: extra.error,
  };
}

/** The first model's line over the table of `models`: built for you, or being built (see first-model.ts). */
export const firstModelNote = (models: readonly ModelRecord[]) => noteOf(firstModelState(models));

function noteOf(state: ReturnType<typeof firstModelState>): FirstModelNote | undefined {
  return state && { name: state.name, tokenizer: FIRST_MODEL.tokenizer, corpus: FIRST_MODEL.corpus, building: state.building };
}

export async function listPage(extra: { form?: LmBuildForm; job?: LmJob; error?: string; space?: SpaceQuery; infgram?: InfgramExtra }) {
  // The models, the first model's line and the build it follows, read together before any await (the job as it
  // is now): the build may end while the page is made, and a line saying "being built" beside a finished panel
  // would never update. A panel still running follows the build, whose stream sends the end at once.
  const models = listUserModels();
  const state = firstModelState(models);
  const following = state?.building && extra.error === undefined ? (lmJobs().get(state.jobId) as LmJob | undefined) : undefined;
  const job = extra.job ?? (following && { ...following });
  const space = extra.space ?? spaceOf({}, models[0]?.vocabularySize ?? MAX_VOCAB_SIZE);
  return (
    <LmListPage
      models={models}
      board={bitsPerByteBoard()}
      choices={{ ...chooserChoices(), corpora: await trainableCorpora(), orders: { min: MIN_ORDER, max: MAX_ORDER } }}
      jobs={lmJobs().list('lm') as LmJob[]}
      form={extra.form ?? EMPTY_FORM}
      space={space}
      job={job}
      first={noteOf(state)}
      error={extra.error}
      infgram={await infgramSection(extra.infgram ?? {})}
    />
  );
}
