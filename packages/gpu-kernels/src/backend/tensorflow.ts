import * as tf from '@tensorflow/tfjs-core';
import type { BackendAttempt } from './types';

/**
 * Loads `@tensorflow/tfjs-node-gpu`, else `@tensorflow/tfjs-node`, when the user installed one. Neither is a
 * dependency: their installers download libtensorflow from outside the npm registry.
 */
export async function prepareTensorflow(): Promise<BackendAttempt> {
  const errors: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* @vite-ignore */ pkg);
      if (tf.findBackendFactory('tensorflow')) {
        return { name: 'tensorflow', ok: true, reason: '', detail: pkg };
      }
      errors.push(`${pkg} loaded but registered no 'tensorflow' backend (a second copy of tfjs-core?)`);
    } catch (e) {
      const msg = (e as Error).message.split('\n')[0] ?? '';
      errors.push(/Cannot find (module|package)/.test(msg) ? `${pkg} is not installed` : `${pkg}: ${msg}`);
    }
  }
  return {
    name: 'tensorflow',
    ok: false,
    reason: errors.join('; '),
    fix: 'optional: pnpm add @tensorflow/tfjs-node (or -node-gpu with CUDA 11.2 + cuDNN 8.1); its installer downloads libtensorflow',
  };
}
