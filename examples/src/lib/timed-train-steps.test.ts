import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { TRAIN_TIMING_ENV, timedTrainSteps } from './timed-train-steps';
import type { TrainTiming } from './timed-train-steps';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const dir = mkdtempSync(join(tmpdir(), 'lemma-timing-'));
afterEach(() => {
  delete process.env[TRAIN_TIMING_ENV];
});

/** A one-variable step: w -= 0.1·(w - x), loss (w - x)². */
function run(steps: number) {
  const w = tf.variable(tf.scalar(1));
  const step = ([x]: tf.Tensor[]) =>
    tf.tidy(() => {
      const d = tf.sub(w, x!);
      w.assign(tf.sub(w, tf.mul(d, 0.1)));
      return tf.square(d);
    });
  return timedTrainSteps(step, (i) => [tf.scalar(i)], { steps, readEvery: 2 }).finally(() => w.dispose());
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

it('writes nothing once LEMMA_TRAIN_TIMING is unset', async () => {
  const file = join(dir, 'unset.jsonl');
  process.env[TRAIN_TIMING_ENV] = file;
  await run(2);
  delete process.env[TRAIN_TIMING_ENV];
  await run(2);
  expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
  rmSync(dir, { recursive: true, force: true });
});
