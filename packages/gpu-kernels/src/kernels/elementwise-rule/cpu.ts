import * as tf from '@tensorflow/tfjs-core';
import { liveFloat32 } from '../_shared/cpu';
import { wasmSimdKernels } from '../wasm-simd/index';
import type { RuleAttrs, RuleInputs, RuleScalars } from './kernel';

/** Runs `fn(from, to, scalars)` over each slice of `n` elements (one slice without per-slice scalars). */
function eachSlice(n: number, sets: readonly RuleScalars[], fn: (from: number, to: number, k: RuleScalars) => void): void {
  const len = n / sets.length;
  sets.forEach((k, j) => fn(j * len, (j + 1) * len, k));
}

/**
 * cpu / wasm / tensorflow: the update as in-place typed-array loops (`rule.cpu`), the gradient scale read
 * synchronously (0: nothing changes). cpu: in place (the caller has given every parameter a buffer of its own).
 * wasm: the parameter is written to a fresh buffer (XNNPACK caches packed weights per buffer, so an in-place
 * change would be used stale by a fused matmul), by the rule's SIMD kernel in the backend's memory where it has
 * one. tensorflow (tfjs-node): on copies assigned back.
 */
export function applyRuleHost({ params, grads, slots, gradScale }: RuleInputs, { rule, sets }: RuleAttrs): void {
  const scale = gradScale === undefined ? 1 : (tf.backend().readSync(gradScale.dataId) as Float32Array)[0]!;
  if (scale === 0) return;
  params.forEach((p, i) => hostUpdate(rule, p, grads[i]!, slots[i]!, sets, scale));
}

function hostUpdate(rule: RuleAttrs['rule'], p: tf.Variable, g: tf.Tensor, slots: tf.Tensor[], sets: readonly RuleScalars[], scale: number): void {
  const backend = tf.getBackend();
  if (backend === 'wasm') {
    const simd = rule.wasmSimd && scale === 1 && slots.length === 2 ? wasmSimdKernels(tf.backend()) : null;
    if (simd) {
      // Reads p, g, m, v by pointer, writes m, v in place and p' into an uninitialised fresh output (no zero fill).
      const out = tf.engine().makeTensorFromTensorInfo(simd.makeOutput(p.shape));
      const [o, pp, gp, mp, vp] = [out, p, g, slots[0]!, slots[1]!].map((t) => simd.ptr(t)) as number[];
      eachSlice(p.size, sets, (a, b, k) => simd.update(rule.wasmSimd!, o! + 4 * a, pp! + 4 * a, gp! + 4 * a, mp! + 4 * a, vp! + 4 * a, b - a, k));
      p.assign(out);
      out.dispose();
      return;
    }
    const fresh = tf.add(p, 0); // allocate before taking views: growing the heap detaches them
    let gv = liveFloat32(g)!;
    if (scale !== 1) gv = gv.map((x) => Math.fround(x * scale));
    const pv = liveFloat32(fresh)!;
    const sv = slots.map((t) => liveFloat32(t)!);
    eachSlice(p.size, sets, (a, b, k) => rule.cpu(pv.subarray(a, b), gv.subarray(a, b), sv.map((x) => x.subarray(a, b)), k));
    p.assign(fresh);
    fresh.dispose();
    return;
  }
  let gv = tf.backend().readSync(g.dataId) as Float32Array;
  // A copy scaled in float32, as on the device (readSync may return the tensor's own storage).
  if (scale !== 1) gv = gv.map((x) => Math.fround(x * scale));
  if (backend === 'cpu') {
    const pv = liveFloat32(p)!;
    const sv = slots.map((t) => liveFloat32(t)!);
    eachSlice(p.size, sets, (a, b, k) => rule.cpu(pv.subarray(a, b), gv.subarray(a, b), sv.map((x) => x.subarray(a, b)), k));
    return;
  }
  // tfjs-node: dataSync may return the tensor's own cached array, so update copies and assign them back.
  const pv = (p.dataSync() as Float32Array).slice();
  const sv = slots.map((x) => (x.dataSync() as Float32Array).slice());
  eachSlice(p.size, sets, (a, b, k) => rule.cpu(pv.subarray(a, b), gv.subarray(a, b), sv.map((x) => x.subarray(a, b)), k));
  tf.tidy(() => {
    p.assign(tf.tensor(pv, p.shape, 'float32'));
    slots.forEach((x, j) => {
      if (!(x instanceof tf.Variable)) throw new Error(`applyElementwiseRule: on the tensorflow backend slots must be tf.Variables (slot '${rule.slots[j]}')`);
      x.assign(tf.tensor(sv[j]!, x.shape, 'float32'));
    });
  });
}
