/**
 * Where the eigenbasis simulators read their normals, shared by the CPU loop and the WGSL kernel: run s uses
 * `NormalStream` (from `@lemma/gpu-kernels`) stream s of the seed; step t, sample b, mode k (k = d is the sample's label noise) reads element
 * t * 2^34 + b * D + k with D = 4 ceil((d + 1) / 4), so each sample starts a Philox block and a GPU thread owning
 * modes 4q .. 4q+3 draws them with one Philox call (counter [b D / 4 + q, s, t, 0]).
 */
import { invalidArgument } from '@lemma/gpu-kernels/validate';

/** Elements of the stream one sample spans: d features and one label noise, padded to whole Philox blocks. */
export function sampleStride(d: number): number {
  return 4 * Math.ceil((d + 1) / 4);
}

/** Throws unless every draw of `steps` x `batch` samples of dimension d fits the layout's 32-bit counter words. */
export function checkDrawLayout(fn: string, d: number, batch: number, steps: ArrayLike<number>): void {
  if (batch * sampleStride(d) > 2 ** 34) {
    throw invalidArgument(fn, 'batch', `batch * 4 ceil((d + 1) / 4) <= 2^34 (one step's draws index one 2^34 page; d = ${d})`, batch);
  }
  const last = steps.length > 0 ? steps[steps.length - 1]! : 0;
  if (last > 2 ** 32) throw invalidArgument(fn, 'steps', 'a last step <= 2^32 (the step is a 32-bit Philox counter word)', last);
}
