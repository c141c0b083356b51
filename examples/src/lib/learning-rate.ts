import type * as tf from '@tensorflow/tfjs-core';

/** Sets the learning rate of a tfjs optimizer (Adam and SGD read the field on every step; tfjs has no setter). */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  (opt as unknown as { learningRate: number }).learningRate = lr;
}
