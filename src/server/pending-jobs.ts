/** A name a queued or running job is about to take is refused (409) as a taken name is. */
import { jobManager } from '../jobs/job-manager.js';
import { RequestError } from './errors.js';

/** Throws 409 when a job of `kind` queued or running makes `name` (`making`: "making a vocabulary", ...). */
export function checkNotPending(kind: string, name: string, making: string): void {
  const pending = jobManager()
    .list(kind)
    .find((j) => j.name === name && (j.state === 'queued' || j.state === 'running'));
  if (pending) throw new RequestError(409, `job ${pending.id} is already ${making} named ${name}`);
}
