/** Wall-clock timing shared by the GPU benches: one flush-and-wait, one timed loop. */
import { webgpuInternals } from '../src/kernels/_shared/webgpu';

/** Submits what tfjs-webgpu has recorded and waits until the GPU has finished it. */
export async function flushAndWait(): Promise<void> {
  const be = webgpuInternals('bench');
  if (be.commandEncoder) {
    be.endComputePassEncoder();
    be.submitQueue();
  }
  await be.device.queue.onSubmittedWorkDone();
}

/**
 * `warmup` untimed calls, then `iters` calls of `fn` between two GPU drains: wall ms per call (GPU included) and the
 * host ms per call spent inside `fn` (recording and submitting).
 */
export async function timeLoop(iters: number, fn: () => void, warmup = 2): Promise<{ ms: number; hostMs: number }> {
  for (let i = 0; i < warmup; i++) fn();
  await flushAndWait();
  const t0 = performance.now();
  let host = 0;
  for (let i = 0; i < iters; i++) {
    const h = performance.now();
    fn();
    host += performance.now() - h;
  }
  await flushAndWait();
  return { ms: (performance.now() - t0) / iters, hostMs: host / iters };
}
