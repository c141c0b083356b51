import { describe, expect, it } from 'vitest';
import { parseSpectraFile, spectralInputsFromFile, type SpectraFileIndex } from './spectra-file';

/** A two-size file: lambda, then rho for beta 0.7, per size. */
function file(dtype: 'float64' | 'float32', lambda2 = [2, 1]): { index: SpectraFileIndex; blob: Uint8Array } {
  const vals = [3, 2, 1, 0.5, 0.25, 0.125, ...lambda2, 0.1, 0.2];
  const arr = dtype === 'float64' ? new Float64Array(vals) : new Float32Array(vals);
  const index: SpectraFileIndex = {
    seed: 7,
    ratio: 4,
    dtype,
    entries: [
      { alpha: 0.4, d: 3, lambda: 0, rho: { '0.7': 3 }, pInf: { '0.7': 0.01 } },
      { alpha: 0.4, d: 2, lambda: 6, rho: { '0.7': 8 }, pInf: { '0.7': 0.02 } },
    ],
  };
  return { index, blob: new Uint8Array(arr.buffer) };
}

describe('parseSpectraFile', () => {
  it('reads float64 and float32 blobs into the same spectral inputs', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const { index, blob } = file(dtype);
      const [a, b] = parseSpectraFile(index, blob);
      expect(Array.from(a!.lambda)).toEqual([3, 2, 1]);
      expect(Array.from(b!.rho.get(0.7)!)).toEqual(dtype === 'float64' ? [0.1, 0.2] : [Math.fround(0.1), Math.fround(0.2)]);
      const inp = spectralInputsFromFile(a!, 0.7);
      expect(inp.pInf).toBe(0.01);
      expect(Array.from(inp.rho0)).toEqual([0.5, 0.25, 0.125]);
    }
  });

  it('reads a blob that is a view at an unaligned byte offset', () => {
    const { index, blob } = file('float64');
    const padded = new Uint8Array(blob.length + 3);
    padded.set(blob, 3);
    expect(Array.from(parseSpectraFile(index, padded.subarray(3))[0]!.lambda)).toEqual([3, 2, 1]);
  });

  it('rejects a truncated blob, offsets out of range, unsorted eigenvalues and a missing beta', () => {
    const { index, blob } = file('float64');
    expect(() => parseSpectraFile(index, blob.subarray(0, blob.length - 3))).toThrow(/multiple of 8/);
    expect(() => parseSpectraFile(index, blob.subarray(0, blob.length - 8))).toThrow(/outside the blob/);
    const unsorted = file('float64', [1, 2]);
    expect(() => parseSpectraFile(unsorted.index, unsorted.blob)).toThrow(/descending/);
    const zero = file('float64', [1, 0]);
    expect(() => parseSpectraFile(zero.index, zero.blob)).toThrow(/> 0/);
    expect(() => spectralInputsFromFile(parseSpectraFile(index, blob)[0]!, 0.3)).toThrow(/no rho0 for beta 0.3/);
  });
});
