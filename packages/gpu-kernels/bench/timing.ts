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
 * host ms per call spent inside `fn` (recording and submitting). The default warm-up is as long as the timed loop
 * (at most 16 calls): tfjs-webgpu returns a disposed tensor's buffer to its pool only at the next submit (every 15
 * dispatches), so a shorter warm-up leaves the timed loop allocating fresh buffers (3 ms of a 64M randomNormal call
 * on an H100) where a steady loop, like PyTorch's caching allocator, reuses them.
 */
export async function timeLoop(iters: number, fn: () => void, warmup = Math.max(2, Math.min(iters, 16))): Promise<{ ms: number; hostMs: number }> {
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

/** A row of a bench document; `id` and `size` match the peer's rows (scripts/gpu-bench/merge.mjs). */
export interface BenchRow {
  id: string;
  size: string;
  /** Wall ms per call (or per iteration, where the bench says so). */
  ms: number;
  /** Host ms per call spent inside the timed calls (recording and submitting). */
  hostMs?: number;
  /** Bytes the op must move at least, and the bandwidth that gives. */
  bytes?: number;
  tbps?: number;
}

/** Runs a bench's `main` and exits: 0 when it resolves, 1 with the error on stderr when it rejects. */
export function runBench(main: () => Promise<unknown>): void {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(e);
      process.exit(1);
    },
  );
}
