/**
 * gpu-kernels' `trainSteps`, timed and logged: the one entry point through which the reproductions train.
 *
 * Timing: when the environment variable LEMMA_TRAIN_TIMING names a file, each call appends JSON lines
 * ({@link TrainTiming}) to it, from any thread: one at most every {@link PARTIAL_EVERY_MS} at a loss read and one at
 * the end, so that scripts/device/train-backends.sh can report ms per training step per reproduction and backend,
 * also for a run it stopped at its time limit.
 *
 * Dispatch profile: when LEMMA_TRAIN_PROFILE names a file, each call in graph mode appends the GPU time of every
 * dispatch of its first replayed step ({@link TrainProfile}); scripts/device/dispatch-profile-table.mjs sums them.
 *
 * TensorBoard: when LEMMA_TRAIN_LOGDIR names a folder (the CLI's `--logdir` sets it to `<logdir>/<reproduction id>`
 * while a reproduction runs; worker threads inherit it), each call writes the losses it reads back as the scalar
 * {@link TRAIN_LOSS_TAG} into a run of its own, `<folder>/<run>/events.out.tfevents.*`, named by the call's `run`
 * (the cell it trains, e.g. `ign2-n6-w8-seed3`; a name already taken gets `-2`, `-3`, ...). A run opened with
 * {@link openTrainRun} is shared by several calls (e.g. one per evaluation span) with `stepOffset`.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { trainSteps } from '@lemma/gpu-kernels';
import type { DispatchTiming, StepFn, TrainStepsOptions, TrainStepsResult } from '@lemma/gpu-kernels';
import { createSummaryWriter } from '@lemma/gpu-kernels/tensorboard';
import type { SummaryWriter } from '@lemma/gpu-kernels/tensorboard';

/** The environment variable naming the timing file. */
export const TRAIN_TIMING_ENV = 'LEMMA_TRAIN_TIMING';

/**
 * The environment variable naming the dispatch-profile file: when set, each call in graph mode times its first
 * replayed step dispatch by dispatch (trainSteps' `onDispatchProfile`) and appends one {@link TrainProfile} line.
 */
export const TRAIN_PROFILE_ENV = 'LEMMA_TRAIN_PROFILE';

/** One line of the dispatch-profile file. */
export interface TrainProfile {
  /** The call, as in the timing file (when LEMMA_TRAIN_TIMING is set too). */
  call: string;
  /** Models each step trains. */
  models: number;
  dispatches: DispatchTiming[];
}

/** The environment variable naming the folder of the TensorBoard training runs. */
export const TRAIN_LOGDIR_ENV = 'LEMMA_TRAIN_LOGDIR';

/** The tag of the training loss in the TensorBoard runs. */
export const TRAIN_LOSS_TAG = 'train/loss';

/** A TensorBoard run of training losses: one event file in its own folder. */
export interface TrainRun {
  /** The run's folder (its name is the run's name in TensorBoard, below the log folder). */
  readonly dir: string;
  readonly writer: SummaryWriter;
}

/** File-name-safe form of a run name: anything outside [A-Za-z0-9._=-] becomes '_' (slashes nest runs). */
function safeRunName(name: string): string {
  const parts = name.split('/').map((p) => p.replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/^\.+/, '_')).filter((p) => p.length > 0);
  return parts.length ? parts.join('/') : 'train';
}

/**
 * Opens a new run named `name` (default `train`) in the folder LEMMA_TRAIN_LOGDIR names, or returns undefined when
 * it is unset. The folder is claimed atomically (mkdir), so calls from several threads never share one: a taken
 * name gets the suffix `-2`, `-3`, ...
 */
export function openTrainRun(name = 'train'): TrainRun | undefined {
  const root = process.env[TRAIN_LOGDIR_ENV];
  if (!root) return undefined;
  const base = join(root, safeRunName(name));
  mkdirSync(join(base, '..'), { recursive: true });
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    return { dir, writer: createSummaryWriter(dir) };
  }
}

/** Options of {@link timedTrainSteps}: trainSteps' own, and where its losses go in TensorBoard. */
export interface TimedTrainStepsOptions extends TrainStepsOptions {
  /**
   * The TensorBoard run of this call (only used while LEMMA_TRAIN_LOGDIR is set): a name for a new run (default
   * `train`), or a run from {@link openTrainRun} that this call continues. Ignored when `summary` is given.
   */
  run?: string | TrainRun;
  /** Added to each logged step (0-based, as trainSteps logs them), for a run continued over several calls. Default 0. */
  stepOffset?: number;
  /** Models each step trains (K models at once), for the timing file's step counts. Default 1. */
  models?: number;
}

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
  /** Compute dispatches per replayed step; only when `done` in graph mode. */
  dispatches?: number;
  /** Models each step trains, when more than one (`steps` counts steps of all of them together). */
  models?: number;
}

let calls = 0;

/** The trainSteps options of a call: its own, with the TensorBoard summary of its run when LEMMA_TRAIN_LOGDIR is set. */
function withSummary(options: TimedTrainStepsOptions): TrainStepsOptions {
  const { run, stepOffset = 0, models: _models, ...rest } = options;
  if (rest.summary !== undefined || !process.env[TRAIN_LOGDIR_ENV]) return rest;
  const r = typeof run === 'object' ? run : openTrainRun(run);
  if (!r) return rest;
  const writer = stepOffset === 0 ? r.writer : { scalar: (tag: string, value: number, step: number) => r.writer.scalar(tag, value, step + stepOffset) };
  return { ...rest, summary: { writer, tag: TRAIN_LOSS_TAG } };
}

/** The trainSteps options of a call, with a dispatch profile appended to LEMMA_TRAIN_PROFILE's file when it is set. */
function withProfile(options: TrainStepsOptions, call: string, models: number): TrainStepsOptions {
  const file = process.env[TRAIN_PROFILE_ENV];
  if (!file || options.onDispatchProfile) return options;
  return {
    ...options,
    onDispatchProfile: (dispatches) => appendFileSync(file, `${JSON.stringify({ call, models, dispatches } satisfies TrainProfile)}\n`),
  };
}

/**
 * Runs {@link trainSteps} with the same arguments and result, recording its progress and wall time when
 * LEMMA_TRAIN_TIMING is set and its losses in a TensorBoard run when LEMMA_TRAIN_LOGDIR is set.
 */
export async function timedTrainSteps(step: StepFn, batch: (i: number) => tf.Tensor[], timedOptions: TimedTrainStepsOptions): Promise<TrainStepsResult> {
  const call = `${process.pid}-${threadId}-${calls++}`;
  const models = timedOptions.models ?? 1;
  const options = withProfile(withSummary(timedOptions), call, models);
  const file = process.env[TRAIN_TIMING_ENV];
  if (!file) return trainSteps(step, batch, options);
  const backend = tf.getBackend();
  const many = models > 1 ? { models } : {};
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
        write({ call, backend, steps: p.step + 1, ms: now - t0, done: false, ...many });
      }
      onProgress?.(p);
    },
  });
  write({
    call,
    backend,
    steps: r.steps,
    ms: performance.now() - t0,
    done: true,
    mode: r.mode,
    ...many,
    ...(r.graphStats ? { dispatches: r.graphStats.dispatches } : {}),
    ...(r.fallbackReason === undefined ? {} : { fallbackReason: r.fallbackReason }),
  });
  return r;
}
