import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobManager, QueueFullError, UnknownJobKindError, type JobContext, type JobRecord } from '../src/jobs/job-manager.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'tokenlab-jobs-'));

/** A job kind whose jobs wait until released (or cancelled), reporting one progress step first. */
function gatedKind() {
  const gates = new Map<string, () => void>();
  const runner = (job: Readonly<JobRecord<{ n: number }, { step: number }>>, ctx: JobContext<{ step: number }>) =>
    new Promise<string>((resolve, reject) => {
      ctx.report({ step: job.params.n });
      gates.set(job.name, () => resolve(`made ${job.name}`));
      ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
    });
  return { gates, runner };
}

const recordOnDisk = (dir: string, id: string) => JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as JobRecord;

describe('JobManager', () => {
  it('runs one job at a time, queues the rest in order, and saves each record', async () => {
    const dir = freshDir();
    const jobs = new JobManager({ dir, maxRunning: 1, maxQueued: 2 });
    const { gates, runner } = gatedKind();
    jobs.define('test', runner);
    const a = jobs.submit('test', 'a', { n: 1 });
    const b = jobs.submit('test', 'b', { n: 2 });
    expect(a.state).toBe('running');
    expect(b.state).toBe('queued');
    expect(a.progress).toEqual({ step: 1 });
    gates.get('a')!();
    await expect.poll(() => b.state).toBe('running');
    expect(a).toMatchObject({ state: 'done', message: 'made a' });
    gates.get('b')!();
    await jobs.settled();
    expect(recordOnDisk(dir, a.id)).toMatchObject({ state: 'done', name: 'a', kind: 'test', params: { n: 1 } });
    expect(recordOnDisk(dir, b.id).state).toBe('done');
    expect(jobs.list().map((j) => j.name)).toEqual(['b', 'a']);
  });

  it('has a submitted job on disk once persisted resolves, before anything else happens', async () => {
    const dir = freshDir();
    const jobs = new JobManager({ dir, maxRunning: 1, maxQueued: 2 });
    jobs.define('test', gatedKind().runner);
    const a = jobs.submit('test', 'a', { n: 1 });
    const b = jobs.submit('test', 'b', { n: 1 });
    await Promise.all([jobs.persisted(a.id), jobs.persisted(b.id)]);
    expect(recordOnDisk(dir, a.id)).toMatchObject({ name: 'a', state: 'running' });
    expect(recordOnDisk(dir, b.id)).toMatchObject({ name: 'b', state: 'queued' });
  });

  it('refuses a job when the queue is full, with the limits in the message', () => {
    const jobs = new JobManager({ dir: freshDir(), maxRunning: 1, maxQueued: 1 });
    jobs.define('test', gatedKind().runner);
    jobs.submit('test', 'a', { n: 1 });
    jobs.submit('test', 'b', { n: 1 });
    expect(() => jobs.submit('test', 'c', { n: 1 })).toThrow(QueueFullError);
    expect(() => jobs.submit('test', 'c', { n: 1 })).toThrow(/1 running and 1 queued/);
    expect(() => jobs.submit('other', 'c', {})).toThrow(UnknownJobKindError);
  });

  it('cancels a running job through its signal and a queued one at once', async () => {
    const jobs = new JobManager({ dir: freshDir() });
    jobs.define('test', gatedKind().runner);
    const a = jobs.submit('test', 'a', { n: 1 });
    const b = jobs.submit('test', 'b', { n: 1 });
    jobs.cancel(b.id);
    expect(b.state).toBe('cancelled');
    jobs.cancel(a.id);
    await jobs.settled();
    expect(a.state).toBe('cancelled');
    expect(jobs.cancel('nope')).toBeUndefined();
  });

  it('marks a failed job with the error', async () => {
    const jobs = new JobManager({ dir: freshDir() });
    jobs.define('boom', async () => {
      throw new Error('the corpus is empty');
    });
    const job = jobs.submit('boom', 'x', {});
    await jobs.settled();
    expect(job).toMatchObject({ state: 'failed', message: 'the corpus is empty' });
  });

  it('tells subscribers of progress and of the end', async () => {
    const jobs = new JobManager({ dir: freshDir() });
    const { gates, runner } = gatedKind();
    jobs.define('test', runner);
    const seen: string[] = [];
    const job = jobs.submit('test', 'a', { n: 7 });
    const stop = jobs.subscribe(job.id, (j) => seen.push(`${j.state}:${JSON.stringify(j.progress)}`));
    gates.get('a')!();
    await jobs.settled();
    stop();
    expect(seen).toEqual(['done:{"step":7}']);
  });

  it('after a restart, shows jobs that were running or queued as interrupted and keeps finished ones', async () => {
    const dir = freshDir();
    const before = new JobManager({ dir });
    const { gates, runner } = gatedKind();
    before.define('test', runner);
    const done = before.submit('test', 'done', { n: 1 });
    gates.get('done')!();
    await expect.poll(() => recordOnDisk(dir, done.id).state).toBe('done'); // what the next process reads
    const running = before.submit('test', 'running', { n: 1 });
    const queued = before.submit('test', 'queued', { n: 1 });
    await expect.poll(() => recordOnDisk(dir, queued.id).state).toBe('queued');
    await expect.poll(() => recordOnDisk(dir, running.id).state).toBe('running');

    const after = new JobManager({ dir }); // the old process is gone: nothing of it runs any more
    expect(after.get(done.id)?.state).toBe('done');
    expect(after.get(running.id)).toMatchObject({ state: 'interrupted', message: expect.stringContaining('running') });
    expect(after.get(queued.id)?.state).toBe('interrupted');
    await after.settled();
    expect(recordOnDisk(dir, running.id).state).toBe('interrupted');
    before.cancel(running.id);
    before.cancel(queued.id);
  });

  it('deletes the oldest finished records beyond the limit', async () => {
    const dir = freshDir();
    const jobs = new JobManager({ dir, keepFinished: 2 });
    jobs.define('quick', async (job) => `ok ${job.name}`);
    for (const name of ['a', 'b', 'c']) {
      jobs.submit('quick', name, {});
      await jobs.settled();
    }
    expect(jobs.list().map((j) => j.name)).toEqual(['c', 'b']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });
});
