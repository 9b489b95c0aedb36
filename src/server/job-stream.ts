/**
 * A job's changes as server-sent events (Hono's streamSSE), for every kind of job: a message after each change
 * (the latest record when changes come faster than they are written), ending after the finished job's message
 * or when the client goes away, and the job manager's subscription ends with the stream. The job API sends
 * the record as JSON; the pages send the job's panel as HTML for htmx's SSE extension to swap in, then the
 * event that closes the stream on the page (views/job-follow.ts).
 */
import type { Context } from 'hono';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import { FINISHED_STATES, jobManager } from '../jobs/job-manager.js';
import { JOB_END } from '../../views/job-follow.js';

/** What the stream reads of a job: a page's view of the record will do. */
type Job = { id: string; state: string };

const isFinished = (job: Job) => (FINISHED_STATES as readonly string[]).includes(job.state);

/** Streams `message(job)` after each change of `first`'s job, then the `end(job)` messages once it has finished. */
export function streamJob<J extends Job>(
  c: Context,
  first: J,
  message: (job: J) => SSEMessage,
  end: (job: J) => readonly SSEMessage[] = () => [],
): Response {
  const jobs = jobManager();
  return streamSSE(c, async (stream) => {
    let wake: () => void = () => {};
    let latest = first;
    let changed = false; // a change during a write is not lost: the loop sends the latest record next
    const stop = jobs.subscribe(first.id, (job) => {
      latest = job as unknown as J; // the record `first` is a view of
      changed = true;
      wake();
    });
    stream.onAbort(() => wake());
    try {
      for (;;) {
        // Read before the write: the record is the job manager's own, and the job can finish while it is sent
        // (then `changed` brings the finished record round once more).
        const finished = isFinished(latest);
        await stream.writeSSE(message(latest));
        if (finished) {
          for (const m of end(latest)) await stream.writeSSE(m);
          break;
        }
        if (stream.aborted) break;
        if (!changed) await new Promise<void>((resolve) => (wake = resolve));
        changed = false;
        if (stream.aborted) break;
      }
    } finally {
      stop();
    }
  });
}

/**
 * A job's panel as the page's SSE stream: the panel's HTML after each change, then (once the job has finished)
 * events named by `events(job)` for the page (`tokenizers-changed`...) and JOB_END, which closes the stream.
 */
export function streamJobPanel<J extends Job>(
  c: Context,
  job: J,
  panel: (job: J) => { toString(): string | Promise<string> },
  events: (job: J) => readonly string[] = () => [],
): Response {
  const end = (j: J) => [...events(j), JOB_END].map((event) => ({ event, data: j.state }));
  return streamJob(c, job, (j) => ({ data: panel(j).toString() }), end);
}
