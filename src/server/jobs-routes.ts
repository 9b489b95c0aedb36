/**
 * The job API, for every kind of job: GET /api/jobs[?kind=train], GET /api/jobs/:id, POST /api/jobs/:id/cancel,
 * and GET /api/jobs/:id/events (server-sent events: one `job` event with the record after each change, ending
 * when the job finishes). Errors are `{"error": message}` with a status.
 */
import { Hono, type Context } from 'hono';
import { jobManager } from '../jobs/job-manager.js';
import { streamJob } from './job-stream.js';

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
    const job = jobManager().get(c.req.param('id'));
    return job ? streamJob(c, job, (j) => ({ event: 'job', data: JSON.stringify(j) })) : unknown(c);
  });

  return api;
}
