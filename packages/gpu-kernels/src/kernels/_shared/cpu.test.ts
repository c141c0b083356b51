import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { CPU_BACKENDS, liveFloat32, makeOutput, readValues } from './cpu';

describeEachBackend('CPU kernel helpers', (backend) => {
  if (!(CPU_BACKENDS as readonly string[]).includes(backend)) {
    it('liveFloat32 is null off the CPU backends', () => {
      const t = tf.tensor1d([1, 2, 3]);
      expect(liveFloat32(t)).toBeNull();
      t.dispose();
    });
    return;
  }

  it('readValues reads a tensor; makeOutput makes a tensor from values (float32 and int32)', async () => {
    const t = tf.tensor2d([[1.5, -2], [3, 4]]);
    expect(Array.from(readValues(tf.backend(), t))).toEqual([1.5, -2, 3, 4]);
    for (const [dtype, values] of [['float32', Float32Array.of(0.25, -1, 7)], ['int32', Int32Array.of(-3, 0, 2 ** 31 - 1)]] as const) {
      const info = makeOutput(tf.backend(), [3], dtype, values);
      const out = tf.engine().makeTensorFromTensorInfo(info);
      expect(out.dtype).toBe(dtype);
      expect(out.shape).toEqual([3]);
      expect(Array.from(await out.data())).toEqual(Array.from(values));
      out.dispose();
    }
    t.dispose();
  });

  it('liveFloat32 is a writable view of the tensor on cpu and wasm (a write shows in the tensor), null for int32 on cpu', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    const view = liveFloat32(t);
    if (backend === 'tensorflow') {
      expect(view).toBeNull();
    } else {
      expect(Array.from(view!)).toEqual([1, 2, 3]);
      view![1] = 20;
      expect(Array.from(await t.data())).toEqual([1, 20, 3]);
    }
    const i = tf.tensor1d([1, 2], 'int32');
    if (backend === 'cpu') expect(liveFloat32(i)).toBeNull();
    tf.dispose([t, i]);
  });

  it('makeOutput names the backend when it cannot create tensors', () => {
    expect(() => makeOutput({}, [1], 'float32', Float32Array.of(1))).toThrow(`@lemma/gpu-kernels: backend '${backend}' cannot create tensors from values`);
  });
});
