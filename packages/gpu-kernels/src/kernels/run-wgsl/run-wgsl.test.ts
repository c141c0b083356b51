import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { runWGSL } from './index';

const AXPY = /* wgsl */ `
struct U { a: f32, n: u32 }
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: U;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x < u.n) { y[id.x] = u.a * x[id.x] + y[id.x]; }
}`;

function uniforms(a: number, n: number): ArrayBuffer {
  const b = new ArrayBuffer(8);
  new Float32Array(b, 0, 1)[0] = a;
  new Uint32Array(b, 4, 1)[0] = n;
  return b;
}

describeEachBackend('runWGSL', (backend) => {
  if (backend === 'webgpu') {
    it('runs in order with tfjs ops and mutates read_write tensors in place', async () => {
      const x = tf.range(0, 100, 1, 'float32');
      const y = tf.mul(tf.ones([100]), 2); // a tfjs op queued before ours
      runWGSL({ key: 'test-axpy', code: AXPY, bindings: [{ tensor: x, access: 'read' }, { tensor: y, access: 'read_write' }], uniforms: uniforms(3, 100), workgroups: [2] });
      const z = tf.add(y, 1); // and one after
      const expected = Array.from({ length: 100 }, (_, i) => 3 * i + 2);
      expect(Array.from(await y.data())).toEqual(expected);
      expect(Array.from(await z.data())).toEqual(expected.map((v) => v + 1));
      // A second run after a read-back must not return the stale CPU copy.
      runWGSL({ key: 'test-axpy', code: AXPY, bindings: [{ tensor: x, access: 'read' }, { tensor: y, access: 'read_write' }], uniforms: uniforms(1, 100), workgroups: [2] });
      expect((await y.data())[10]).toBe(3 * 10 + 2 + 10);
    });

    it('rejects shared buffers, reused keys and bad workgroups', () => {
      const x = tf.zeros([4]);
      const v = tf.variable(x);
      expect(() => runWGSL({ key: 'test-axpy', code: AXPY, bindings: [{ tensor: x, access: 'read' }, { tensor: v, access: 'read_write' }], uniforms: uniforms(1, 4), workgroups: [1] })).toThrow(
        /bindings\[1\] is read_write but its buffer is shared/,
      );
      const y = tf.zeros([4]);
      expect(() => runWGSL({ key: 'test-axpy', code: AXPY + ' ', bindings: [{ tensor: x, access: 'read' }, { tensor: y, access: 'read_write' }], uniforms: uniforms(1, 4), workgroups: [1] })).toThrow(
        /key 'lemma-user:test-axpy' was already used for different WGSL code/,
      );
      expect(() => runWGSL({ key: 'k', code: AXPY, bindings: [], workgroups: [0] })).toThrow(/workgroups must be \[x, y\?, z\?\] with integers in 1..65535/);
    });
  } else {
    it('explains that it needs the webgpu backend', () => {
      expect(() => runWGSL({ key: 'k', code: AXPY, bindings: [], workgroups: [1] })).toThrow(`runWGSL: needs the webgpu backend to be active, got '${backend}'`);
    });
  }
});
