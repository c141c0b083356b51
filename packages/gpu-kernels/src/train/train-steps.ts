import * as tf from '@tensorflow/tfjs-core';
import { expectFunction, expectInteger, expectOneOf, expectOptions, invalidArgument } from '../validate';
import { captureStepGraph } from './step-graph';
import type { DispatchTiming, StepFn, StepGraph, StepGraphStats } from './step-graph';
import type { SummaryWriter } from '../logging/event-file';

/** Options of {@link trainSteps}. */
export interface TrainStepsOptions {
  /** Number of steps to run (an integer ≥ 1). */
  steps: number;
  /** Read the loss back every `readEvery` steps (and after the last and at each evaluation), asynchronously; default 10. */
  readEvery?: number;
  /** Called with each loss read back, in step order (0-based step index). */
  onProgress?: (p: { step: number; loss: number }) => void;
  /**
   * `'auto'` (default): on webgpu, run step 0 eagerly, capture steps 1-2 into a step graph and replay the rest,
   * falling back to eager steps (with the reason in the result) if the step cannot be captured; elsewhere eager.
   * `false`: always eager. `true`: like `'auto'` but a step that cannot be captured is an error.
   */
  graph?: boolean | 'auto';
  /**
   * Where each loss read back is also logged as a scalar: any object with `scalar(tag, value, step)`, e.g. a
   * TensorBoard {@link SummaryWriter} from `createSummaryWriter(logdir)` (Node) — kept structural so this loop stays
   * browser-safe. `tag` defaults to `'loss'`.
   */
  summary?: { writer: Pick<SummaryWriter, 'scalar'>; tag?: string };
  /**
   * Work between steps that keeps the step graph (an evaluation, a checkpoint, a point of a curve): `run(done)` is
   * awaited after the steps where `done` (steps finished so far) is a multiple of `every` or listed in `at`, and
   * after the last step; returning `false` stops training there (see {@link TrainStepsResult.steps}). Tensors it
   * makes are its own; it must not reassign or dispose the variables the step updates.
   */
  evaluate?: TrainStepsEvaluate;
  /**
   * Diagnostic: in graph mode, the first replayed step runs as {@link StepGraph.replayProfiled} and its per-dispatch
   * GPU times are handed to this callback (the step itself is a normal step). Needs the device's `timestamp-query`
   * feature; without it the callback gets nothing and training goes on unprofiled.
   */
  onDispatchProfile?: (dispatches: DispatchTiming[]) => void;
}

/** The between-steps callback of {@link TrainStepsOptions.evaluate}. */
export interface TrainStepsEvaluate {
  /** Run after every `every` steps (an integer ≥ 1). */
  every?: number;
  /** Run after these numbers of finished steps (integers in [1, steps]). */
  at?: readonly number[];
  /** Called with the number of finished steps; `false` stops training. */
  run: (done: number) => void | boolean | Promise<void | boolean>;
}

/** What {@link trainSteps} did. */
export interface TrainStepsResult {
  /** The losses read back: one per `readEvery` steps, plus the last step and the evaluated ones. */
  losses: { step: number; loss: number }[];
  /** `'graph'` when steps from 3 on were replayed from a step graph. */
  mode: 'graph' | 'eager';
  /** Why the step graph was not used, when `graph` was `'auto'` on webgpu and capture failed. */
  fallbackReason?: string;
  /** Sizes of the step graph, in graph mode. */
  graphStats?: StepGraphStats;
  /** Steps run: `steps`, or fewer when `evaluate.run` returned false. */
  steps: number;
}

const KEYS = ['steps', 'readEvery', 'onProgress', 'graph', 'summary', 'evaluate', 'onDispatchProfile'] as const;
/** Reads allowed in flight before the host waits for the oldest, so it never runs unboundedly ahead. */
const MAX_PENDING_READS = 2;

/**
 * A training loop that never waits for the GPU on a step it does not read: runs `step(batch(i))` for
 * i = 0..steps-1, reads the loss (the step's first output, a scalar) back every `readEvery` steps without
 * blocking the next steps, and on webgpu replays the step from a step graph (see {@link captureStepGraph})
 * after two captured steps, so a step costs one command-buffer submit instead of hundreds of tfjs ops.
 *
 * Ownership: `batch(i)` returns fresh tensors that trainSteps disposes after step i; the step's outputs are
 * disposed too (after their read, for the steps that are read).
 *
 * @example
 * const step = ([x, y]: tf.Tensor[]) => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true)!;
 * const { losses, mode } = await trainSteps(step, (i) => makeBatch(i), { steps: 1000, readEvery: 50, onProgress: console.log });
 */
export async function trainSteps(step: StepFn, batch: (i: number) => tf.Tensor[], options: TrainStepsOptions): Promise<TrainStepsResult> {
  expectFunction('trainSteps', 'step', step);
  expectFunction('trainSteps', 'batch', batch);
  if (options === undefined) throw new TypeError('trainSteps: options must be an object with at least { steps }');
  const { steps, readEvery = 10, onProgress, graph = 'auto', summary, evaluate, onDispatchProfile: profile } = expectOptions('trainSteps', 'options', options, KEYS);
  expectInteger('trainSteps', 'steps', steps, { min: 1 });
  expectInteger('trainSteps', 'readEvery', readEvery, { min: 1 });
  if (onProgress !== undefined) expectFunction('trainSteps', 'onProgress', onProgress);
  if (profile !== undefined) expectFunction('trainSteps', 'onDispatchProfile', profile);
  expectOneOf('trainSteps', 'graph', graph, ['auto', true, false]);
  if (summary !== undefined) {
    expectOptions('trainSteps', 'summary', summary, ['writer', 'tag']);
    expectFunction('trainSteps', 'summary.writer.scalar', (summary.writer as Partial<Pick<SummaryWriter, 'scalar'>> | undefined)?.scalar as SummaryWriter['scalar']);
    if (summary.tag !== undefined && (typeof summary.tag !== 'string' || summary.tag.length === 0)) throw invalidArgument('trainSteps', 'summary.tag', 'a non-empty string', summary.tag, 'type');
  }
  const tag = summary?.tag ?? 'loss';
  const evalAt = evaluationPoints(steps, evaluate);

  const losses: { step: number; loss: number }[] = [];
  const pending: Promise<void>[] = [];
  const result: TrainStepsResult = { losses, mode: 'eager', steps };
  const finish = async (i: number, outs: tf.Tensor[]): Promise<void> => {
    const read = i % readEvery === readEvery - 1 || i === steps - 1 || evalAt(i + 1);
    const [loss, ...rest] = outs;
    tf.dispose(rest);
    if (!read || !loss) {
      loss?.dispose();
      return;
    }
    pending.push(
      loss.data().then((v) => {
        loss.dispose();
        const p = { step: i, loss: v[0]! };
        losses.push(p);
        summary?.writer.scalar(tag, p.loss, p.step);
        onProgress?.(p);
      }),
    );
    if (pending.length > MAX_PENDING_READS) await pending.shift();
  };
  /** After step i: the evaluation due there; false when it stops training. */
  const after = async (i: number): Promise<boolean> => {
    if (!evalAt(i + 1) || (await evaluate!.run(i + 1)) !== false) return true;
    result.steps = i + 1;
    return false;
  };
  /** Step i, eagerly; `prime`: with CPU forwarding off (as capture runs), so the tensors it reads are on the GPU before capture. */
  const eager = async (i: number, prime = false): Promise<boolean> => {
    const b = batch(i);
    let outs: tf.Tensor[];
    const env = tf.env();
    const forward = prime ? env.get('WEBGPU_CPU_FORWARD') : undefined;
    try {
      if (prime) env.set('WEBGPU_CPU_FORWARD', false);
      const o = step(b);
      outs = o === undefined || o === null ? [] : Array.isArray(o) ? o : [o];
    } finally {
      if (prime) env.set('WEBGPU_CPU_FORWARD', forward!);
      tf.dispose(b);
    }
    await finish(i, outs);
    return after(i);
  };

  // The two captured steps run back to back, so no evaluation may fall after the first of them: capture later.
  let c = 1;
  while (c + 2 < steps && evalAt(c + 1)) c++;
  const useGraph = graph !== false && tf.getBackend() === 'webgpu' && c + 2 < steps;
  let i = 0;
  let g: StepGraph | null = null;
  let go = true;
  try {
    if (useGraph) {
      // Otherwise a constant the step reads that CPU forwarding kept on the host is uploaded by the first captured run only.
      for (; i < c && go; i++) go = await eager(i, i === c - 1);
      if (go) {
        const b1 = batch(c);
        const b2 = batch(c + 1);
        try {
          const cap = captureStepGraph(step, [b1, b2]);
          g = cap.graph;
          await finish(c, cap.outputs[0]);
          await finish(c + 1, cap.outputs[1]);
        } catch (e) {
          if (graph === true) throw e;
          // Both captured steps ran (or the step itself threw): go on eagerly after them.
          result.fallbackReason = (e as Error).message;
        } finally {
          tf.dispose([...b1, ...b2]);
        }
        i = c + 2;
        go = await after(c + 1);
      }
    }
    if (g && go) {
      result.mode = 'graph';
      result.graphStats = g.stats;
      for (; i < steps && go; i++) {
        const b = batch(i);
        let outs: tf.Tensor[];
        try {
          if (profile && i === c + 2 && g.canProfile) {
            const p = await g.replayProfiled(b);
            outs = p.outputs;
            profile(p.dispatches);
          } else outs = g.replay(b);
        } catch (e) {
          // Nothing was submitted: continue eagerly from this step.
          if (graph === true || i > c + 2) throw e;
          result.mode = 'eager';
          result.fallbackReason = (e as Error).message;
          tf.dispose(b);
          break;
        }
        tf.dispose(b);
        await finish(i, outs);
        go = await after(i);
      }
    }
    for (; i < steps && go; i++) go = await eager(i);
    await Promise.all(pending);
  } finally {
    g?.dispose();
  }
  losses.sort((a, b) => a.step - b.step);
  return result;
}

/** Validates `evaluate` and returns whether an evaluation is due after `done` finished steps. */
function evaluationPoints(steps: number, evaluate: TrainStepsEvaluate | undefined): (done: number) => boolean {
  if (evaluate === undefined) return () => false;
  const { every, at, run } = expectOptions('trainSteps', 'evaluate', evaluate, ['every', 'at', 'run']);
  expectFunction('trainSteps', 'evaluate.run', run);
  if (every !== undefined) expectInteger('trainSteps', 'evaluate.every', every, { min: 1 });
  if (at !== undefined) {
    if (!Array.isArray(at)) throw invalidArgument('trainSteps', 'evaluate.at', 'an array of step counts', at, 'type');
    at.forEach((n, k) => expectInteger('trainSteps', `evaluate.at[${k}]`, n, { min: 1, max: steps }));
  }
  const marks = new Set(at ?? []);
  return (done) => done === steps || (every !== undefined && done % every === 0) || marks.has(done);
}
