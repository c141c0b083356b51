import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { makeOutput, readValues } from './cpu';
import { defineKernel, runKernel, toGradFunc, toKernelFunc, type KernelImpl } from './kernel';

interface AxpbInputs { x: tf.TensorInfo; b?: tf.TensorInfo }
interface AxpbAttrs { a: number }
const AXPB = defineKernel<AxpbInputs, AxpbAttrs>('LemmaTestKernelAxpb');

/** y = a·x (+ b): the typed inputs and attrs the kernel receives are the ones runKernel was given. */
const axpbCpu: KernelImpl<AxpbInputs, AxpbAttrs> = ({ inputs, attrs, backend }) => {
  const x = readValues(backend, inputs.x);
  const b = inputs.b ? readValues(backend, inputs.b) : undefined;
  return makeOutput(backend, inputs.x.shape, 'float32', Float32Array.from(x, (v, i) => attrs.a * v + (b ? b[i]! : 0)));
};

describe('defineKernel / toKernelFunc / toGradFunc', () => {
  it('a kernel is its name only; the bridges hand inputs, attrs and saved tensors through unchanged', () => {
    expect(AXPB).toEqual({ name: 'LemmaTestKernelAxpb' });
    let seen: unknown;
    const impl: KernelImpl<AxpbInputs, AxpbAttrs> = (args) => ((seen = args), args.inputs.x);
    const args = { inputs: { x: { dataId: {}, shape: [1], dtype: 'float32' } as tf.TensorInfo }, attrs: { a: 2 }, backend: {} as tf.KernelBackend };
    expect(toKernelFunc(impl)(args as never)).toBe(args.inputs.x);
    expect(seen).toBe(args);
    let gradArgs: unknown[] = [];
    const grad = toGradFunc<AxpbInputs, AxpbAttrs>({ inputsToSave: ['x'], gradFunc: (dy, saved, attrs) => ((gradArgs = [dy, saved, attrs]), {}) });
    const dy = {} as tf.Tensor, saved = [{} as tf.Tensor], attrs = { a: 3 };
    grad(dy, saved, attrs as never);
    expect(gradArgs[0]).toBe(dy);
    expect(gradArgs[1]).toBe(saved);
    expect(gradArgs[2]).toBe(attrs);
  });
});

describeEachBackend(
  'runKernel',
  (backend) => {
    it('runs the kernel registered for the active backend through the engine (seen by tf.profile), with inputs and attrs', async () => {
      if (!tf.getKernel(AXPB.name, backend)) tf.registerKernel({ kernelName: AXPB.name, backendName: backend, kernelFunc: toKernelFunc(axpbCpu) });
      const x = tf.tensor1d([1, -2, 3]);
      const b = tf.tensor1d([10, 20, 30]);
      const prof = await tf.profile(() => runKernel(AXPB, { x, b }, { a: 2 }));
      expect(prof.kernelNames).toEqual([AXPB.name]);
      const y = runKernel(AXPB, { x, b: undefined }, { a: -0.5 });
      expect(Array.from(await (prof.result as tf.Tensor).data())).toEqual([12, 16, 36]);
      expect(Array.from(await y.data())).toEqual([-0.5, 1, -1.5]);
      tf.dispose([x, b, y, prof.result as tf.Tensor]);
    });

    it('an unregistered kernel fails in tfjs, naming it', () => {
      const x = tf.tensor1d([1]);
      expect(() => runKernel(defineKernel<{ x: tf.TensorInfo }>('LemmaTestKernelMissing'), { x }, {})).toThrow(/LemmaTestKernelMissing/);
      x.dispose();
    });
  },
  ['cpu', 'wasm'],
);
