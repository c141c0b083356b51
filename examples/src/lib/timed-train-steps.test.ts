import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { eventFilesUnder, readEventFile, scalarsOf } from '@lemma/gpu-kernels/testing';
import { TRAIN_LOGDIR_ENV, TRAIN_LOSS_TAG, TRAIN_PROFILE_ENV, TRAIN_TIMING_ENV, openTrainRun, timedTrainSteps } from './timed-train-steps';
import type { TimedTrainStepsOptions } from './timed-train-steps';
import type { TrainTiming } from './timed-train-steps';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const dir = mkdtempSync(join(tmpdir(), 'lemma-timing-'));
afterEach(() => {
  delete process.env[TRAIN_TIMING_ENV];
  delete process.env[TRAIN_LOGDIR_ENV];
  delete process.env[TRAIN_PROFILE_ENV];
});

/** A one-variable step: w -= 0.1·(w - x), loss (w - x)². */
function run(steps: number, extra: Partial<TimedTrainStepsOptions> = {}) {
  const w = tf.variable(tf.scalar(1));
  const step = ([x]: tf.Tensor[]) =>
    tf.tidy(() => {
      const d = tf.sub(w, x!);
      w.assign(tf.sub(w, tf.mul(d, 0.1)));
      return tf.square(d);
    });
  return timedTrainSteps(step, (i) => [tf.scalar(i)], { steps, readEvery: 2, ...extra }).finally(() => w.dispose());
}

it('appends a final line per call to the file LEMMA_TRAIN_TIMING names, and returns the trainSteps result', async () => {
  const file = join(dir, 'timing.jsonl');
  process.env[TRAIN_TIMING_ENV] = file;
  const a = await run(3);
  await run(5);
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainTiming);
  // Runs this short write no partial lines (PARTIAL_EVERY_MS apart): one final line per call, each with its own id.
  expect(lines.map((l) => [l.backend, l.steps, l.done, l.mode])).toEqual([['cpu', 3, true, 'eager'], ['cpu', 5, true, 'eager']]);
  expect(lines[0]!.call).not.toBe(lines[1]!.call);
  for (const l of lines) expect(l.ms).toBeGreaterThan(0);
  // trainSteps' own result: reads at steps 1 and 2 (the last) of loss (w_i - i)², w_0 = 1, w_1 = 0.9, w_2 = 0.91.
  expect(a.losses.map((p) => p.step)).toEqual([1, 2]);
  expect(a.losses[0]!.loss).toBeCloseTo(0.01, 6);
  expect(a.losses[1]!.loss).toBeCloseTo(1.1881, 5);
});

it('writes no dispatch profile for an eager run (cpu): only a replayed step graph is profiled', async () => {
  const file = join(dir, 'profile.jsonl');
  process.env[TRAIN_PROFILE_ENV] = file;
  const r = await run(4);
  expect(r.mode).toBe('eager');
  expect(r.losses.map((p) => p.step)).toEqual([1, 3]);
  expect(existsSync(file)).toBe(false);
});

it('writes nothing once LEMMA_TRAIN_TIMING is unset', async () => {
  const file = join(dir, 'unset.jsonl');
  process.env[TRAIN_TIMING_ENV] = file;
  await run(2);
  delete process.env[TRAIN_TIMING_ENV];
  await run(2);
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
});

it('with LEMMA_TRAIN_LOGDIR set, each call writes its losses as a TensorBoard run of its own, which an independent reader decodes', async () => {
  const logdir = join(dir, 'tb');
  process.env[TRAIN_LOGDIR_ENV] = logdir;
  const a = await run(5, { run: 'cell a/seed 1' });
  const b = await run(3, { run: 'cell a/seed 1' }); // the same name again: a run of its own, suffixed
  await run(2); // no name: 'train'
  expect(eventFilesUnder(logdir).map((f) => f.split('/').slice(0, -1).join('/'))).toEqual(['cell_a/seed_1', 'cell_a/seed_1-2', 'train']);
  for (const [sub, r] of [['cell_a/seed_1', a], ['cell_a/seed_1-2', b]] as const) {
    const files = readdirSync(join(logdir, sub));
    expect(files).toHaveLength(1);
    const events = readEventFile(join(logdir, sub, files[0]!));
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    // One scalar per loss read (steps 1, 3, 4 of 5; 1, 2 of 3), equal to what trainSteps returned (float32 both ways).
    expect(scalarsOf(events, TRAIN_LOSS_TAG)).toEqual(r.losses.map((p) => [p.step, p.loss]));
  }
});

it('a run opened once is continued by several calls with stepOffset; nothing is written without LEMMA_TRAIN_LOGDIR', async () => {
  expect(openTrainRun('x')).toBeUndefined();
  await run(2, { run: 'ignored' });
  const logdir = join(dir, 'tb-continued');
  expect(existsSync(logdir)).toBe(false);
  process.env[TRAIN_LOGDIR_ENV] = logdir;
  const r = openTrainRun('loop')!;
  const first = await run(2, { run: r });
  const second = await run(2, { run: r, stepOffset: 2 });
  const files = eventFilesUnder(logdir);
  expect(files).toHaveLength(1);
  const got = scalarsOf(readEventFile(join(logdir, files[0]!)), TRAIN_LOSS_TAG);
  expect(got).toEqual([...first.losses.map((p) => [p.step, p.loss]), ...second.losses.map((p) => [p.step + 2, p.loss])]);
  expect(got.map(([s]) => s)).toEqual([1, 3]);
  rmSync(dir, { recursive: true, force: true });
});
