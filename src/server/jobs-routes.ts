/**
 * The job API, for every kind of job: GET /api/jobs[?kind=train], GET /api/jobs/:id, POST /api/jobs/:id/cancel,
 * and GET /api/jobs/:id/events (server-sent events: one `job` event with the record after each change, ending
 * when the job finishes). Errors are `{"error": message}` with a status.
 */
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { FINISHED_STATES, jobManager, type JobRecord } from '../jobs/job-manager.js';

const isFinished = (job: JobRecord) => FINISHED_STATES.includes(job.state);

export function jobsRoutes(): Hono {
  const api = new Hono();
  const unknown = (c: Context) => c.json({ error: `no job ${JSON.stringify(c.req.param('id'))}` }, 404);

  api.get('/api/jobs', (c) => c.json({ jobs: jobManager().list(c.req.query('kind') || undefined) }));

  api.get('/api/jobs/:id', (c) => {
    const job = jobManager().get(c.req.param('id'));
    return job ? c.json({ job }) : unknown(c);
  });

  api.post('/api/jobs/:id/cancel', (c) => {
    const job = jobManager().cancel(c.req.param('id'));
    return job ? c.json({ job }) : unknown(c);
  });

  api.get('/api/jobs/:id/events', (c) => {
    const jobs = jobManager();
    const first = jobs.get(c.req.param('id'));
    if (first === undefined) return unknown(c);
    return streamSSE(c, async (stream) => {
      let wake: () => void = () => {};
      let latest: JobRecord = first;
      let changed = false; // a change during a write is not lost: the loop sends the latest record next
      const stop = jobs.subscribe(first.id, (job) => {
        latest = job;
        changed = true;
        wake();
      });
      stream.onAbort(() => wake());
      try {
        for (;;) {
          await stream.writeSSE({ event: 'job', data: JSON.stringify(latest) });
          if (isFinished(latest) || stream.aborted) break;
          if (!changed) await new Promise<void>((resolve) => (wake = resolve));
          changed = false;
        }
      } finally {
        stop();
      }
    });
  });

  return api;
}
