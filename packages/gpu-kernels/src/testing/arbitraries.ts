import fc from 'fast-check';

/** A dense row-major matrix for property tests, values in float32 range. */
export interface MatrixSample {
  rows: number;
  cols: number;
  /** Row-major values, exactly representable in float32. */
  data: Float64Array;
}

/** Options of {@link arbMatrix}. */
export interface ArbMatrixOptions {
  minRows?: number;
  maxRows?: number;
  minCols?: number;
  maxCols?: number;
  /** Values are drawn in [-scale, scale]. */
  scale?: number;
}

/** fast-check arbitrary for matrices of random shape whose entries are float32-representable. */
export function arbMatrix(opts: ArbMatrixOptions = {}): fc.Arbitrary<MatrixSample> {
  const { minRows = 1, maxRows = 16, minCols = 1, maxCols = 16, scale = 10 } = opts;
  return fc
    .record({ rows: fc.integer({ min: minRows, max: maxRows }), cols: fc.integer({ min: minCols, max: maxCols }) })
    .chain(({ rows, cols }) =>
      fc
        .array(fc.float({ min: Math.fround(-scale), max: Math.fround(scale), noNaN: true, noDefaultInfinity: true }), {
          minLength: rows * cols,
          maxLength: rows * cols,
        })
        .map((vals) => ({ rows, cols, data: Float64Array.from(vals) })),
    );
}

/** fast-check arbitrary for a positive probability vector of length n (sums to 1 in float64). */
export function arbSimplex(n: number, minMass = 1e-3): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.double({ min: minMass, max: 1, noNaN: true }), { minLength: n, maxLength: n })
    .map((w) => {
      const s = w.reduce((a, b) => a + b, 0);
      return Float64Array.from(w, (x) => x / s);
    });
}
