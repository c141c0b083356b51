import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { eventFilesUnder, readEventFile, scalarsOf } from '@lemma/gpu-kernels/testing';
import { beforeAll, expect, it } from 'vitest';
import { TRAIN_LOGDIR_ENV, TRAIN_LOSS_TAG, timedTrainSteps } from './lib/timed-train-steps';
import { runReproduction } from './runner';
import type { Reproduction } from './types';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** A reproduction that trains one variable twice (two trainSteps calls, two runs) and returns the losses it read. */
const training: Reproduction = {
  id: 'tiny-train',
  title: 'A tiny training',
  paper: 'none',
  package: '@lemma/examples',
  async run(ctx) {
    const losses: number[][] = [];
    for (const cell of ['a', 'b']) {
      const w = tf.variable(tf.scalar(1));
      const r = await timedTrainSteps(
        ([x]) => tf.tidy(() => {
          const d = tf.sub(w, x!);
          w.assign(tf.sub(w, tf.mul(d, 0.1)));
          return tf.square(d);
        }),
        (i) => [tf.scalar(i % 3)],
        { steps: 7, readEvery: 3, run: `cell-${cell}` },
      );
      w.dispose();
      losses.push(r.losses.flatMap((p) => [p.step, p.loss]));
    }
    return { summary: 'trained', metrics: { a: losses[0]!, b: losses[1]!, logdir: ctx.logdir ?? 'none' }, figures: [], seeds: { seed: ctx.seed } };
  },
  runTiny(ctx) {
    return this.run(ctx);
  },
};

const opts = { quick: true, seed: 0, backend: 'cpu', workers: 1, progress: false, log: () => {} };

it('with a logdir, each training of a reproduction writes its loss curve to <logdir>/<id>/<run>/, readable by an independent reader', async () => {
  const logdir = mkdtempSync(join(tmpdir(), 'lemma-runner-tb-'));
  const rec = await runReproduction(training, { ...opts, logdir });
  expect(rec.ok, rec.error).toBe(true);
  expect(rec.metrics.logdir).toBe(join(logdir, 'tiny-train'));
  expect(process.env[TRAIN_LOGDIR_ENV]).toBeUndefined(); // restored after the reproduction
  expect(readdirSync(logdir)).toEqual(['tiny-train']);
  const files = eventFilesUnder(join(logdir, 'tiny-train'));
  expect(files.map((f) => f.split('/')[0])).toEqual(['cell-a', 'cell-b']);
  for (const [i, f] of files.entries()) {
    const got = scalarsOf(readEventFile(join(logdir, 'tiny-train', f)), TRAIN_LOSS_TAG).flat();
    expect(got).toEqual(rec.metrics[i === 0 ? 'a' : 'b']);
    expect(got.filter((_, k) => k % 2 === 0)).toEqual([2, 5, 6]); // the read steps
  }
});

it('without a logdir nothing is written and the reproduction sees none', async () => {
  const rec = await runReproduction(training, opts);
  expect(rec.metrics.logdir).toBe('none');
  expect(process.env[TRAIN_LOGDIR_ENV]).toBeUndefined();
});
