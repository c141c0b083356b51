/**
 * gpu-kernels' `trainSteps`, timed: the one entry point through which the reproductions train. When the environment
 * variable LEMMA_TRAIN_TIMING names a file, each call appends JSON lines ({@link TrainTiming}) to it, from any
 * thread: one at most every {@link PARTIAL_EVERY_MS} at a loss read and one at the end, so that
 * scripts/device/train-backends.sh can report ms per training step per reproduction and backend, also for a run it
 * stopped at its time limit.
 */
import { appendFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { trainSteps } from '@lemma/gpu-kernels';
import type { StepFn, TrainStepsOptions, TrainStepsResult } from '@lemma/gpu-kernels';

/** The environment variable naming the timing file. */
export const TRAIN_TIMING_ENV = 'LEMMA_TRAIN_TIMING';

/** Least time between two partial lines of one call. */
export const PARTIAL_EVERY_MS = 2000;

/** One line of the timing file: the state of one `trainSteps` call, at its end (`done`) or at a loss read. */
export interface TrainTiming {
  /** Identifies the call across its lines (process, thread, call number). */
  call: string;
  backend: string;
  /** Steps finished (all of them when `done`). */
  steps: number;
  /** Wall time since the call began (batch creation and loss reads included). */
  ms: number;
  done: boolean;
  /** How the call ran; only when `done`. */
  mode?: TrainStepsResult['mode'];
  fallbackReason?: string;
}

let calls = 0;

/** Runs {@link trainSteps} with the same arguments and result, recording its progress and wall time when LEMMA_TRAIN_TIMING is set. */
export async function timedTrainSteps(step: StepFn, batch: (i: number) => tf.Tensor[], options: TrainStepsOptions): Promise<TrainStepsResult> {
  const file = process.env[TRAIN_TIMING_ENV];
  if (!file) return trainSteps(step, batch, options);
  const call = `${process.pid}-${threadId}-${calls++}`;
  const backend = tf.getBackend();
  // One short append per line: atomic enough for the cell pool's threads writing the same file.
  const write = (line: TrainTiming) => appendFileSync(file, `${JSON.stringify(line)}\n`);
  const t0 = performance.now();
  let last = t0;
  const onProgress = options.onProgress;
  const r = await trainSteps(step, batch, {
    ...options,
    onProgress: (p) => {
      const now = performance.now();
      if (now - last >= PARTIAL_EVERY_MS) {
        last = now;
        write({ call, backend, steps: p.step + 1, ms: now - t0, done: false });
      }
      onProgress?.(p);
    },
  });
  write({ call, backend, steps: options.steps, ms: performance.now() - t0, done: true, mode: r.mode, ...(r.fallbackReason === undefined ? {} : { fallbackReason: r.fallbackReason }) });
  return r;
}
