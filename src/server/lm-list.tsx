/**
 * The LM studio's list page (/lm) as the routes render it: the models, the board, the space size, the model
 * build form and its jobs, and the ∞-gram section (its indexes, build form and jobs).
 */
import type { JobRecord } from '../jobs/job-manager.js';
import { listUserInfgrams } from '../store/user-infgrams.js';
import { listUserModels } from '../store/user-models.js';
import type { InfgramBuildForm, InfgramSectionProps } from '../../views/infgram-list.js';
import type { InfgramJob } from '../../views/infgram-types.js';
import { LmListPage, type LmBuildForm, type SpaceQuery } from '../../views/lm.js';
import { chooserChoices } from './choosers.js';
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

const EMPTY_FORM: LmBuildForm = { name: '', tokenizer: 'cl100k_base', corpus: '', order: String(DEFAULT_ORDER) };
const EMPTY_INFGRAM_FORM: InfgramBuildForm = { name: '', tokenizer: 'cl100k_base', corpora: [] };

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

export async function listPage(extra: { form?: LmBuildForm; job?: LmJob; error?: string; space?: SpaceQuery; infgram?: InfgramExtra }) {
  const models = listUserModels();
  const space = extra.space ?? spaceOf({}, models[0]?.vocabularySize ?? MAX_VOCAB_SIZE);
  return (
    <LmListPage
      models={models}
      board={bitsPerByteBoard()}
      choices={{ ...chooserChoices(), corpora: await trainableCorpora(), orders: { min: MIN_ORDER, max: MAX_ORDER } }}
      jobs={lmJobs().list('lm') as LmJob[]}
      form={extra.form ?? EMPTY_FORM}
      space={space}
      job={extra.job}
      error={extra.error}
      infgram={await infgramSection(extra.infgram ?? {})}
    />
  );
}
