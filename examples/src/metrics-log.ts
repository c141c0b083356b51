import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSummaryWriter } from '@lemma/gpu-kernels/tensorboard';
import type { ReproRecord } from './report';

/**
 * `--logdir`: one TensorBoard event file per finished reproduction under `<logdir>/<id>/`, with every finite numeric
 * metric as the scalar `metrics/<name>` (numeric arrays as steps 0..n-1) and `reproduced` as 0/1, all at step 0.
 */
export function logMetrics(logdir: string, rec: ReproRecord): string {
  const w = createSummaryWriter(join(logdir, rec.id));
  if (rec.reproduced !== undefined) w.scalar('reproduced', rec.reproduced ? 1 : 0, 0);
  for (const [name, v] of Object.entries(rec.metrics)) {
    if (typeof v === 'number' && Number.isFinite(v)) w.scalar(`metrics/${name}`, v, 0);
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x))) v.forEach((x, i) => w.scalar(`metrics/${name}`, x, i));
  }
  return w.file;
}

/** Checked before any work, like `--out`: the folder exists (created if missing) and is a directory. */
export function checkLogdir(logdir: string): void {
  if (logdir.length === 0) throw new Error("--logdir must be a directory path, got ''");
  try {
    mkdirSync(logdir, { recursive: true });
  } catch (e) {
    throw new Error(`--logdir '${logdir}' cannot be created: ${(e as Error).message}`);
  }
  if (!statSync(logdir).isDirectory()) throw new Error(`--logdir '${logdir}' is not a directory`);
}
