/**
 * The one place every optimizer module registers its classes with tfjs's serialization map, after checking (once per
 * process) that the app loads a single tfjs-core of the peer version: a second copy registers our classes in a map
 * its models never read ("Unknown layer: Adana … registerClass()" on load), so it is reported here, with the fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertSingleTfjsCore } from '@lemma/gpu-kernels';

let checked = false;

/**
 * Throws with the fix (`npm ls @tensorflow/tfjs-core`, pin 4.22.0 or an `overrides` entry) when `core` (default: the
 * tfjs-core this package resolves) is not the peer version or a second copy of tfjs-core created the engine.
 */
export function checkTfjsCore(core: Parameters<typeof assertSingleTfjsCore>[1] = tf): void {
  assertSingleTfjsCore('@lemma/optim', core);
}

/** Registers an optimizer class for deserialization (`loadLayersModel`), checking tfjs-core first (once). */
export function registerOptimizer<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>): void {
  if (!checked) {
    checkTfjsCore();
    checked = true;
  }
  tf.serialization.registerClass(cls);
}
