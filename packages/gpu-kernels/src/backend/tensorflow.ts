import * as tf from '@tensorflow/tfjs-core';
import { importTensorflowNode, PLATFORM } from './platform';
import type { BackendAttempt } from './types';

/**
 * Loads `@tensorflow/tfjs-node-gpu`, else `@tensorflow/tfjs-node`, when the user installed one. Neither is a
 * dependency: their installers download libtensorflow from outside the npm registry.
 */
export async function prepareTensorflow(): Promise<BackendAttempt> {
  const { loaded, errors } = await importTensorflowNode();
  if (loaded && tf.findBackendFactory('tensorflow')) return { name: 'tensorflow', ok: true, reason: '', detail: loaded };
  if (loaded) errors.push(`${loaded} loaded but registered no 'tensorflow' backend (a second copy of tfjs-core?)`);
  return {
    name: 'tensorflow',
    ok: false,
    reason: errors.join('; '),
    ...(PLATFORM === 'browser' ? {} : { fix: 'optional: npm install @tensorflow/tfjs-node (or -node-gpu with CUDA 11.2 + cuDNN 8.1); its installer downloads libtensorflow' }),
  };
}
