import * as tf from '@tensorflow/tfjs-core';
import { expectFunction, expectInteger, expectOneOf, expectOptions, invalidArgument } from '../validate';
import { captureStepGraph } from './step-graph';
import type { StepFn, StepGraph, StepGraphStats } from './step-graph';
import type { SummaryWriter } from '../logging/event-file';

/** Options of {@link trainSteps}. */
export interface TrainStepsOptions {
  /** Number of steps to run (an integer ≥ 1). */
  steps: number;
  /** Read the loss back every `readEvery` steps (and after the last), asynchronously; default 10. */
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
}

/** What {@link trainSteps} did. */
export interface TrainStepsResult {
  /** The losses read back: one per `readEvery` steps, plus the last step. */
  losses: { step: number; loss: number }[];
  /** `'graph'` when steps from 3 on were replayed from a step graph. */
  mode: 'graph' | 'eager';
  /** Why the step graph was not used, when `graph` was `'auto'` on webgpu and capture failed. */
  fallbackReason?: string;
  /** Sizes of the step graph, in graph mode. */
  graphStats?: StepGraphStats;
}

const KEYS = ['steps', 'readEvery', 'onProgress', 'graph', 'summary'] as const;
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
  const { steps, readEvery = 10, onProgress, graph = 'auto', summary } = expectOptions('trainSteps', 'options', options, KEYS);
  expectInteger('trainSteps', 'steps', steps, { min: 1 });
  expectInteger('trainSteps', 'readEvery', readEvery, { min: 1 });
  if (onProgress !== undefined) expectFunction('trainSteps', 'onProgress', onProgress);
  expectOneOf('trainSteps', 'graph', graph, ['auto', true, false]);
  if (summary !== undefined) {
    expectOptions('trainSteps', 'summary', summary, ['writer', 'tag']);
    expectFunction('trainSteps', 'summary.writer.scalar', (summary.writer as Partial<Pick<SummaryWriter, 'scalar'>> | undefined)?.scalar as SummaryWriter['scalar']);
    if (summary.tag !== undefined && (typeof summary.tag !== 'string' || summary.tag.length === 0)) throw invalidArgument('trainSteps', 'summary.tag', 'a non-empty string', summary.tag, 'type');
  }
  const tag = summary?.tag ?? 'loss';

  const losses: { step: number; loss: number }[] = [];
  const pending: Promise<void>[] = [];
  const result: TrainStepsResult = { losses, mode: 'eager' };
  const finish = async (i: number, outs: tf.Tensor[]): Promise<void> => {
    const read = i % readEvery === readEvery - 1 || i === steps - 1;
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
  const eager = async (i: number): Promise<void> => {
    const b = batch(i);
    let outs: tf.Tensor[];
    try {
      const o = step(b);
      outs = o === undefined || o === null ? [] : Array.isArray(o) ? o : [o];
    } finally {
      tf.dispose(b);
    }
    await finish(i, outs);
  };

  const useGraph = graph !== false && tf.getBackend() === 'webgpu' && steps > 3;
  let i = 0;
  let g: StepGraph | null = null;
  if (useGraph) {
    await eager(i++);
    const b1 = batch(1);
    const b2 = batch(2);
    try {
      const cap = captureStepGraph(step, [b1, b2]);
      g = cap.graph;
      await finish(1, cap.outputs[0]);
      await finish(2, cap.outputs[1]);
      i = 3;
    } catch (e) {
      if (graph === true) throw e;
      // Both captured steps ran (or the step itself threw): go on eagerly after them.
      result.fallbackReason = (e as Error).message;
      i = 3;
    } finally {
      tf.dispose([...b1, ...b2]);
    }
  }
  try {
    if (g) {
      result.mode = 'graph';
      result.graphStats = g.stats;
      for (; i < steps; i++) {
        const b = batch(i);
        let outs: tf.Tensor[];
        try {
          outs = g.replay(b);
        } catch (e) {
          // Nothing was submitted: continue eagerly from this step.
          if (graph === true || i > 3) throw e;
          result.mode = 'eager';
          result.fallbackReason = (e as Error).message;
          tf.dispose(b);
          break;
        }
        tf.dispose(b);
        await finish(i, outs);
      }
    }
    for (; i < steps; i++) await eager(i);
    await Promise.all(pending);
  } finally {
    g?.dispose();
  }
  losses.sort((a, b) => a.step - b.step);
  return result;
}
