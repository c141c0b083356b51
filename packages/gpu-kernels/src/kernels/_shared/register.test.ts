import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { CPU_BACKENDS, makeOutput, readValues } from './cpu';
import { defineKernel, runKernel, type KernelImpl } from './kernel';
import { registerOp, registerOpGradient } from './register';

interface CubeInputs { x: tf.TensorInfo }
interface CubeAttrs { scale: number }
const CUBE = defineKernel<CubeInputs, CubeAttrs>('LemmaTestRegisterCube');

const cubeCpu: KernelImpl<CubeInputs, CubeAttrs> = ({ inputs, attrs, backend }) =>
  makeOutput(backend, inputs.x.shape, 'float32', Float32Array.from(readValues(backend, inputs.x), (v) => attrs.scale * v ** 3));
const cubeWebgpu: KernelImpl<CubeInputs, CubeAttrs> = () => {
  throw new Error('not run in this test');
};

registerOp(CUBE, { webgpu: cubeWebgpu, cpu: cubeCpu });
// d(scale·x³)/dx = 3·scale·x², in tfjs ops (which run on every backend).
registerOpGradient(CUBE, { inputsToSave: ['x'], gradFunc: (dy, [x], { scale }) => ({ x: () => tf.mul(dy, tf.mul(tf.square(x!), 3 * scale)) }) });

describeEachBackend(
  'registerOp / registerOpGradient',
  () => {
    it('register the kernel for webgpu and every CPU backend, once: a second registration keeps the first', () => {
      const before = ['webgpu', ...CPU_BACKENDS].map((b) => tf.getKernel(CUBE.name, b)?.kernelFunc);
      expect(before.every((f) => typeof f === 'function')).toBe(true);
      expect(before[0]).not.toBe(before[1]); // webgpu has its own implementation
      expect(new Set(before.slice(1)).size).toBe(1); // one CPU implementation for cpu, wasm, tensorflow
      registerOp(CUBE, { webgpu: cubeCpu, cpu: cubeWebgpu });
      expect(['webgpu', ...CPU_BACKENDS].map((b) => tf.getKernel(CUBE.name, b)?.kernelFunc)).toEqual(before);
      const grad = tf.getGradient(CUBE.name);
      registerOpGradient(CUBE, { inputsToSave: [], gradFunc: () => ({}) });
      expect(tf.getGradient(CUBE.name)).toBe(grad);
      expect(grad!.inputsToSave).toEqual(['x']);
    });

    it('the kernel runs and its gradient is the registered one (float64 reference 3·scale·x², exact here)', async () => {
      const xs = [0.5, -2, 3, 0];
      const x = tf.tensor1d(xs);
      const y = runKernel(CUBE, { x }, { scale: 2 });
      expect(Array.from(await y.data())).toEqual(xs.map((v) => 2 * v ** 3));
      const g = tf.grad((t: tf.Tensor) => tf.sum(runKernel<CubeInputs, CubeAttrs, tf.Tensor>(CUBE, { x: t }, { scale: 2 })))(x);
      // Small integers and halves: every product is exact in float32.
      expect(Array.from(await g.data())).toEqual(xs.map((v) => 3 * 2 * v * v));
      tf.dispose([x, y, g]);
    });
  },
  ['cpu', 'wasm'],
);
