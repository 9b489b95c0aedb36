/** Requests the route tests send to the app in process (`createApp().request`). */
import { expect } from 'vitest';
import type { JobRecord } from '../src/jobs/job-manager.js';

/** What the tests ask of a Hono app. */
interface App {
  request(path: string, init: RequestInit): Response | Promise<Response>;
}

/**
 * A function that POSTs a body to `app` as JSON. A string is sent as it is: that is how tests send bodies that
 * are not JSON, or not an object.
 */
export function jsonPoster(app: App): (path: string, body: unknown) => Promise<Response> {
  return async (path, body) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  };
}

/**
 * Submits a job with `post` (a jsonPoster) to `path` (202 expected), waits until no job runs or waits, and
 * returns the job as it ended. The job manager is imported here, after the test file has set its data directory.
 */
export async function finishedJob(
  post: (path: string, body: unknown) => Promise<Response>,
  path: string,
  body: unknown,
): Promise<JobRecord> {
  const res = await post(path, body);
  expect(res.status, await res.clone().text()).toBe(202);
  const { jobManager } = await import('../src/jobs/job-manager.js');
  await jobManager().settled();
  return jobManager().get(((await res.json()) as { job: JobRecord }).job.id)!;
}
