import { describe, expect, it } from 'vitest';
import { prepareTensorflow } from './tensorflow';

describe('prepareTensorflow', () => {
  it('without tfjs-node installed: not ok, both packages named as not installed, and the optional fix', async () => {
    const r = await prepareTensorflow();
    expect(r).toEqual({
      name: 'tensorflow',
      ok: false,
      reason: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
      fix: 'optional: npm install @tensorflow/tfjs-node (or -node-gpu with CUDA 11.2 + cuDNN 8.1); its installer downloads libtensorflow',
    });
  });
});
