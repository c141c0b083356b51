import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getGPUDevice } from '../../backend/device';
import { describeEachBackend } from '../../testing/backends';
import { getPipeline, grid2D, MAX_WORKGROUPS_PER_DIM, packUniforms, webgpuInternals } from './webgpu';

describe('grid2D', () => {
  it('covers count workgroups with at most 65535 per dimension and less than one row of waste', () => {
    expect(grid2D(0)).toEqual([1, 1]);
    expect(grid2D(1)).toEqual([1, 1]);
    expect(grid2D(65535)).toEqual([65535, 1]);
    expect(grid2D(65536)).toEqual([32768, 2]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_WORKGROUPS_PER_DIM ** 2 }), (count) => {
        const [x, y] = grid2D(count);
        expect(Number.isInteger(x) && Number.isInteger(y)).toBe(true);
        expect(x >= 1 && x <= MAX_WORKGROUPS_PER_DIM && y >= 1 && y <= MAX_WORKGROUPS_PER_DIM).toBe(true);
        // Every workgroup index wid.y·nwg.x + wid.x < count exists, and the last row is needed.
        expect(x * y).toBeGreaterThanOrEqual(count);
        expect(x * (y - 1)).toBeLessThan(count);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('packUniforms', () => {
  it('writes 4-byte little-endian fields in order, padded to a multiple of 16 bytes (at least 16)', () => {
    expect(packUniforms([]).byteLength).toBe(16);
    expect(packUniforms([['u32', 1], ['u32', 2], ['u32', 3], ['u32', 4]]).byteLength).toBe(16);
    expect(packUniforms([['u32', 1], ['u32', 2], ['u32', 3], ['u32', 4], ['f32', 5]]).byteLength).toBe(32);
    const buf = packUniforms([['u32', 0xdeadbeef], ['i32', -2], ['f32', 0.1], ['u32', -1], ['f32', -Infinity]]);
    const bytes = Array.from(new Uint8Array(buf));
    // By hand: 0xdeadbeef LE, -2 as two's complement, 0.1f = 0x3dcccccd, -1 >>> 0 = 0xffffffff, -Inf = 0xff800000.
    expect(bytes.slice(0, 20)).toEqual([0xef, 0xbe, 0xad, 0xde, 0xfe, 0xff, 0xff, 0xff, 0xcd, 0xcc, 0xcc, 0x3d, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x80, 0xff]);
    expect(bytes.slice(20)).toEqual(new Array(12).fill(0));
  });
});

describeEachBackend('webgpuInternals and getPipeline', (backend) => {
  if (backend !== 'webgpu') {
    it('off webgpu: an error naming the caller and the active backend', () => {
      expect(() => webgpuInternals('myKernel')).toThrow(`myKernel: needs the webgpu backend to be active, got '${backend}'`);
      expect(() => webgpuInternals('myKernel', {})).toThrow(/myKernel: needs the webgpu backend/);
    });
    return;
  }
  it('on webgpu: the backend itself; a pipeline is cached per key and a key reused for other code is refused', () => {
    expect(webgpuInternals('x')).toBe(tf.backend());
    const device = getGPUDevice()!;
    const code = '@compute @workgroup_size(1) fn main() {}';
    const p = getPipeline(device, 'test-getPipeline', code);
    expect(getPipeline(device, 'test-getPipeline', code)).toBe(p);
    expect(() => getPipeline(device, 'test-getPipeline', code + '\n')).toThrow("runWGSL: key 'test-getPipeline' was already used for different WGSL code; use one key per program");
  });
});
