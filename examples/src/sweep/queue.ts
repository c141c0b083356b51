/**
 * Scale-out on BullMQ (Redis): `enqueueSweep` adds one job per unfinished trial (job id = trial id, so enqueuing
 * twice adds nothing); `startQueueWorker` runs jobs on any number of machines (a worker killed mid-trial loses its
 * lock and the job is handed to another worker); `collectSweep` copies completed jobs' records into the store
 * (skipping trials already there), so each trial has exactly one ok record.
 */
import type { Job, Queue as BullQueue, Worker as BullWorker } from 'bullmq';
import type { SweepSpec, Trial } from './spec';
import { appendRecord, finishedTrials, readRecords, type TrialRecord } from './store';
import { runTrial, type TrialEnv } from './trial';

/** Where the queue lives. */
export interface QueueTarget {
  /** redis://host:port[/db] */
  redis: string;
  /** Queue name (default `lemma-sweep-<spec name>`). */
  queue?: string;
}

interface JobData {
  spec: SweepSpec;
  trial: Trial;
}

function connection(url: string): { host: string; port: number; db: number; password?: string; maxRetriesPerRequest: null } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`sweep: --redis must be a redis:// URL, got '${url}'`);
  }
  if (u.protocol !== 'redis:') throw new Error(`sweep: --redis must be a redis:// URL, got '${url}'`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  // maxRetriesPerRequest: null is what BullMQ workers require of their connection.
  return { host: u.hostname, port: Number(u.port || 6379), db, ...(u.password ? { password: decodeURIComponent(u.password) } : {}), maxRetriesPerRequest: null };
}

const queueName = (spec: SweepSpec, t: QueueTarget) => t.queue ?? `lemma-sweep-${spec.name}`;

async function bull(): Promise<typeof import('bullmq')> {
  try {
    return await import('bullmq');
  } catch (e) {
    throw new Error(`sweep: the queue runner needs the 'bullmq' package (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Adds one job per trial not yet in `store`; returns how many were added (jobs already queued are not duplicated). */
export async function enqueueSweep(spec: SweepSpec, trials: readonly Trial[], target: QueueTarget, store?: string): Promise<number> {
  const { Queue } = await bull();
  const done = store ? finishedTrials(readRecords(store)) : new Map();
  const q: BullQueue<JobData> = new Queue(queueName(spec, target), { connection: connection(target.redis) });
  try {
    const todo = trials.filter((t) => !done.has(t.id));
    const before = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    await q.addBulk(todo.map((t) => ({ name: spec.name, data: { spec, trial: t }, opts: { jobId: t.id, attempts: (spec.retries ?? 1) + 1, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false } })));
    const after = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized');
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
    return total(after) - total(before);
  } finally {
    await q.close();
  }
}

/** Options of {@link startQueueWorker}. */
export interface QueueWorkerOptions extends TrialEnv {
  /** Trials at once in this worker (default 1). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal (ms, default 30000): a dead worker's job is retried after this. */
  lockDuration?: number;
}

/** Starts a worker; resolves to a handle whose `close()` stops it after the running trials. */
export async function startQueueWorker(spec: SweepSpec, target: QueueTarget, opts: QueueWorkerOptions): Promise<{ close(): Promise<void> }> {
  const { Worker } = await bull();
  const lockDuration = opts.lockDuration ?? 30_000;
  const w: BullWorker<JobData, TrialRecord> = new Worker(
    queueName(spec, target),
    async (job: Job<JobData, TrialRecord>) => {
      const rec = await runTrial(job.data.spec, job.data.trial, job.attemptsMade + 1, opts);
      // Throwing makes BullMQ retry the job up to its attempts; the record of the last failure is its failedReason.
      if (rec.status !== 'ok') throw new Error(rec.error ?? 'trial failed');
      return rec;
    },
    { connection: connection(target.redis), concurrency: opts.concurrency ?? 1, lockDuration, stalledInterval: Math.max(500, Math.floor(lockDuration / 2)), maxStalledCount: 3 },
  );
  await w.waitUntilReady();
  return { close: () => w.close() };
}

/** State of a queued sweep. */
export interface QueueState {
  completed: number;
  failed: number;
  pending: number;
  /** Records newly written to the store by this call. */
  collected: number;
}

/** Copies completed jobs' records into `store` (each trial once) and reports what is still pending. */
export async function collectSweep(spec: SweepSpec, target: QueueTarget, store: string): Promise<QueueState> {
  const { Queue } = await bull();
  const q: BullQueue<JobData, TrialRecord> = new Queue(queueName(spec, target), { connection: connection(target.redis) });
  try {
    const done = finishedTrials(readRecords(store));
    let collected = 0;
    const completed = await q.getJobs(['completed'], 0, -1);
    for (const job of completed) {
      const rec = job.returnvalue;
      if (rec && !done.has(rec.trial)) {
        appendRecord(store, rec);
        done.set(rec.trial, rec);
        collected += 1;
      }
    }
    const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
    return { completed: completed.length, failed: counts.failed ?? 0, pending: (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), collected };
  } finally {
    await q.close();
  }
}
