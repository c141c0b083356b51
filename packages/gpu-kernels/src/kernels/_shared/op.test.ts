import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { op } from './op';

describeEachBackend('op', () => {
  it('converts tensor-likes to float32 tensors and passes tensors through unchanged', async () => {
    const y = tf.tensor1d([10, 20]);
    let seen: { x: tf.Tensor; y: tf.Tensor; z: tf.Tensor | undefined } | undefined;
    const out = op('testAdd', { x: [1, 2], y, z: undefined }, (t) => {
      seen = t;
      return tf.add(t.x, t.y);
    });
    expect(seen!.y).toBe(y);
    expect(seen!.z).toBeUndefined();
    expect(seen!.x.dtype).toBe('float32');
    expect(Array.from(await out.data())).toEqual([11, 22]);
    tf.dispose([out, y]);
  });

  it('disposes converted copies and intermediates, keeps what the body returns and the tensors passed in', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    const out = op('testTidy', { x, w: [[1, 2, 3]] }, ({ x, w }) => {
      const a = tf.mul(x, 2);
      const b = tf.add(a, tf.reshape(w, [3]));
      return { sum: tf.sum(b), b };
    });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(x.isDisposed).toBe(false);
    tf.dispose([out.sum, out.b, x]);
  });

  it('leaves the tensor count unchanged when the body throws, and names op and argument in conversion errors', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      op('testThrow', { x: [1, 2] }, ({ x }) => {
        tf.square(x);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    expect(() => op('testConvert', { x: 'text' as unknown as number }, () => undefined)).toThrow(/testConvert: x must be a float32 tensor or nested number array/);
    expect(() => op('testConvert', { x: tf.zeros([2], 'int32') }, () => undefined)).toThrow(/testConvert: x must be a float32 tensor, got an int32 tensor/);
  });
});
