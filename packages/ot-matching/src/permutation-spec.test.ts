import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequentialPermutationSpec } from './permutation-spec';
import { makeCnn } from './test-models';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('permutation spec', () => {
  it('derives perms for Dense and Conv2D/BatchNorm/Flatten stacks', async () => {
    const cnn = await makeCnn(1);
    const spec = sequentialPermutationSpec(cnn);
    expect(Object.values(spec.perms)).toEqual([4, 3, 5]);
    const flat = spec.params['5/kernel']!;
    // conv2 output is 2x2x3 (6x6 input, kernel 3, stride 2, valid): the Dense kernel is viewed as [H*W, C, units].
    expect(flat.view).toEqual([4, 3, 5]);
    cnn.dispose();
  });
});
