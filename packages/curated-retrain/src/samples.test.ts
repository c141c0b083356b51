import { describe, expect, it } from 'vitest';
import { checkSampleCount, checkSamples, concatSamples, headRows, MAX_SAMPLE_VALUES, selectRows, toSamples, type Samples } from './samples';

describe('toSamples', () => {
  it('reads an array of rows and a flat row-major array into the same float64 batch', () => {
    const a = toSamples([[0, 1], [2, 3], [4, 5]]);
    const b = toSamples(Float32Array.of(0, 1, 2, 3, 4, 5), 2);
    for (const s of [a, b]) {
      expect([s.n, s.dim]).toEqual([3, 2]);
      expect(s.data).toBeInstanceOf(Float64Array);
      expect(Array.from(s.data)).toEqual([0, 1, 2, 3, 4, 5]);
    }
    // Flat values default to dim 1 (class indices of a categorical model).
    expect(toSamples([2, 0, 1])).toMatchObject({ n: 3, dim: 1 });
  });

  it('copies its input: later writes to it do not reach the samples', () => {
    const flat = [1, 2, 3, 4];
    const s = toSamples(flat, 2);
    flat[0] = 99;
    expect(s.data[0]).toBe(1);
  });

  it('rejects ragged rows, a length not divisible by dim, non-finite values and dim < 1, by message', () => {
    expect(() => toSamples([[1, 2], [3]])).toThrow(/^toSamples: every row must have length 2 \(the first row's\), got length 1 at row 1$/);
    expect(() => toSamples([1, 2, 3], 2)).toThrow(/^toSamples: values must have a length divisible by dim=2, got length 3$/);
    expect(() => toSamples([1, Number.NaN], 1)).toThrow(/^toSamples: values must be finite, got NaN at index 1$/);
    expect(() => toSamples([[0, Infinity]])).toThrow(/^toSamples: values must be finite, got Infinity at index 1$/);
    expect(() => toSamples([1, 2], 0)).toThrow(/^toSamples: dim must be an integer >= 1, got 0$/);
  });
});

describe('checkSamples', () => {
  const s = toSamples([[0, 1], [2, 3]]);

  it('accepts a well-formed batch (and an empty one only when allowed)', () => {
    expect(() => checkSamples('f', 's', s)).not.toThrow();
    expect(() => checkSamples('f', 's', s, 2)).not.toThrow();
    expect(() => checkSamples('f', 's', { n: 0, dim: 2, data: new Float64Array(0) }, 2, true)).not.toThrow();
  });

  it('rejects a malformed, empty, wrong-dimension or non-finite batch by message', () => {
    expect(() => checkSamples('f', 's', { n: 1, dim: 2, data: [1, 2] } as unknown as Samples)).toThrow(/^f: s must be Samples \{ n, dim, data: Float64Array \}, got object$/);
    expect(() => checkSamples('f', 's', { n: 1.5, dim: 2, data: new Float64Array(3) })).toThrow(/^f: s must have an integer n >= 0 and dim >= 1, got n = 1.5, dim = 2$/);
    expect(() => checkSamples('f', 's', { n: 2, dim: 2, data: new Float64Array(3) })).toThrow(/^f: s.data must have length n·dim = 4, got 3$/);
    expect(() => checkSamples('f', 's', { n: 0, dim: 2, data: new Float64Array(0) })).toThrow(/^f: s must contain at least one point, got n = 0$/);
    expect(() => checkSamples('f', 's', s, 3)).toThrow(/^f: s must have dim 3 \(the model's\), got dim 2$/);
    expect(() => checkSamples('f', 's', { n: 1, dim: 1, data: Float64Array.of(Number.NaN) })).toThrow(/^f: s.data must be finite, got NaN at index 0$/);
  });
});

describe('checkSampleCount', () => {
  it('caps n at floor(2^27 / dim) and names what came by type', () => {
    expect(MAX_SAMPLE_VALUES).toBe(2 ** 27);
    expect(checkSampleCount('f', 'n', 2 ** 26, 2)).toBe(2 ** 26);
    expect(checkSampleCount('f', 'n', 0, 3)).toBe(0);
    expect(() => checkSampleCount('f', 'n', 2 ** 26 + 1, 2)).toThrow(/^f: n must be an integer in \[0, 67108864\] \(n × dim=2 values must stay <= 2\^27\), got 67108865$/);
    expect(() => checkSampleCount('f', 'n', 44739243, 3)).toThrow(/f: n must be an integer in \[0, 44739242\]/);
    expect(() => checkSampleCount('f', 'n', -1, 1)).toThrow(/^f: n must be an integer in \[0, 134217728\] \(n × dim=1 values must stay <= 2\^27\), got -1$/);
    expect(() => checkSampleCount('f', 'n', '3', 1)).toThrow(/^f: n must be an integer in \[0, 134217728\].*, got string$/);
  });
});

describe('selectRows, headRows and concatSamples', () => {
  const s = toSamples([[0, 1], [2, 3], [4, 5]]);

  it('selectRows picks rows in the given order, repeats included, into a new array', () => {
    const r = selectRows(s, [2, 0, 2]);
    expect([r.n, r.dim]).toEqual([3, 2]);
    expect(Array.from(r.data)).toEqual([4, 5, 0, 1, 4, 5]);
    r.data[0] = -1;
    expect(s.data[4]).toBe(4);
    expect(selectRows(s, [])).toMatchObject({ n: 0, dim: 2 });
  });

  it('headRows is a view of the first m rows, clamped to n', () => {
    const h = headRows(s, 2);
    expect([h.n, h.dim]).toEqual([2, 2]);
    expect(Array.from(h.data)).toEqual([0, 1, 2, 3]);
    expect(h.data.buffer).toBe(s.data.buffer);
    expect(headRows(s, 10).n).toBe(3);
    expect(headRows(s, 0).data.length).toBe(0);
  });

  it('concatSamples stacks batches of one dimension, empty ones included', () => {
    const c = concatSamples(s, toSamples([[6, 7]]), { n: 0, dim: 2, data: new Float64Array(0) });
    expect([c.n, c.dim]).toEqual([4, 2]);
    expect(Array.from(c.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => concatSamples(s, toSamples([1], 1))).toThrow(/^concatSamples: every part must have dim 2, got 1$/);
    expect(() => concatSamples()).toThrow(/^concatSamples: parts must hold at least one Samples, got none$/);
  });

  it('selectRows rejects indices outside [0, n - 1] by message', () => {
    expect(() => selectRows(s, [0, 3])).toThrow(/^selectRows: idx must hold row indices in \[0, 2\], got 3 at position 1$/);
    expect(() => selectRows(s, [-1])).toThrow(/selectRows: idx must hold row indices in \[0, 2\], got -1 at position 0/);
  });
});
