import type * as tf from '@tensorflow/tfjs-core';
import { recordDispatch, webgpuInternals } from '../_shared/webgpu';
import { expectOneOf, expectOptions, invalidArgument } from '../../validate/index';
import type { BindingAccess } from '../_shared/webgpu';

export type { BindingAccess } from '../_shared/webgpu';

/** One storage buffer of a {@link runWGSL} program. */
export interface WGSLBinding {
  /** The tensor whose GPU buffer is bound. */
  tensor: tf.Tensor;
  /** `'read'` for `var<storage, read>`, `'read_write'` for `var<storage, read_write>` (mutated in place). */
  access: BindingAccess;
}

/** Arguments of {@link runWGSL}. */
export interface RunWGSLOptions {
  /** Pipeline cache key, unique per WGSL program (reusing a key with other code is an error). */
  key: string;
  /** WGSL source with a `@compute fn main(...)` entry point. */
  code: string;
  /** Storage buffers, bound as `@group(0) @binding(i)` in this order. */
  bindings: WGSLBinding[];
  /** Raw bytes of the uniform struct, bound as the next binding (`var<uniform>`); padded to 16 bytes. */
  uniforms?: ArrayBuffer | ArrayBufferView;
  /** Workgroup counts `[x, y?, z?]`, each in 1..65535. */
  workgroups: [number, number?, number?];
}

/**
 * Runs raw WGSL compute on the tfjs webgpu backend's device, recorded into tfjs's own command stream so it is
 * ordered with ordinary tfjs ops. read_write tensors are mutated in place: pass only tensors you created and
 * own (a tensor whose buffer is shared, e.g. by `tf.variable(t)` or `clone`, is rejected).
 *
 * @example
 * const x = tf.zeros([1024]);
 * runWGSL({
 *   key: 'fill-iota',
 *   code: `@group(0) @binding(0) var<storage, read_write> x: array<f32>;
 *          @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3<u32>) {
 *            if (id.x < arrayLength(&x)) { x[id.x] = f32(id.x); } }`,
 *   bindings: [{ tensor: x, access: 'read_write' }],
 *   workgroups: [16],
 * });
 */
export function runWGSL(opts: RunWGSLOptions): void {
  const op = 'runWGSL';
  expectOptions(op, 'opts', opts, ['key', 'code', 'bindings', 'uniforms', 'workgroups']);
  if (typeof opts.key !== 'string' || opts.key.length === 0) throw invalidArgument(op, 'key', 'a non-empty string', opts.key, 'type');
  if (typeof opts.code !== 'string' || !/fn\s+main\s*\(/.test(opts.code)) throw invalidArgument(op, 'code', "WGSL source with an entry point 'fn main(...)'", opts.code, 'type');
  if (!Array.isArray(opts.bindings)) throw invalidArgument(op, 'bindings', 'an array of { tensor, access }', opts.bindings, 'type');
  const wg = opts.workgroups;
  if (!Array.isArray(wg) || wg.length < 1 || wg.length > 3 || wg.some((w) => w !== undefined && (!Number.isInteger(w) || w < 1 || w > 65535))) {
    throw invalidArgument(op, 'workgroups', '[x, y?, z?] with integers in 1..65535', Array.isArray(wg) ? `[${String(wg)}]` : wg);
  }
  if (opts.uniforms !== undefined && !(opts.uniforms instanceof ArrayBuffer) && !ArrayBuffer.isView(opts.uniforms)) {
    throw invalidArgument(op, 'uniforms', 'an ArrayBuffer or typed array', opts.uniforms, 'type');
  }
  opts.bindings.forEach((b, i) => {
    if (!b || !b.tensor || b.tensor.isDisposed) throw invalidArgument(op, `bindings[${i}].tensor`, 'a live tensor', b?.tensor);
    expectOneOf(op, `bindings[${i}].access`, b.access, ['read', 'read_write']);
  });
  // Checked after the arguments so a bad call reads the same on every backend.
  const be = webgpuInternals(op);
  opts.bindings.forEach((b, i) => {
    if (b.access === 'read_write' && be.refCount(b.tensor.dataId) > 1) {
      throw new Error(`runWGSL: bindings[${i}] is read_write but its buffer is shared with another tensor (refCount ${be.refCount(b.tensor.dataId)}); pass a tensor you own`);
    }
  });
  recordDispatch(be, {
    key: `lemma-user:${opts.key}`,
    code: opts.code,
    bindings: opts.bindings.map((b) => ({ info: b.tensor, access: b.access })),
    uniforms: opts.uniforms,
    workgroups: wg as [number, number?, number?],
  });
}
