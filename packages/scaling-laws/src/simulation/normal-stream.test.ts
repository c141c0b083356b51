import { describe, expect, it } from 'vitest';
import { NormalStream } from './normal-stream';

describe('NormalStream', () => {
  it('has N(0,1) moments and tail mass (n = 4e5; tolerances ~5 standard errors)', () => {
    const n = 400_000;
    const z = new Float64Array(n);
    new NormalStream(7).fill(z);
    let m = 0, m2 = 0, m4 = 0, tail = 0;
    for (const x of z) {
      m += x;
      m2 += x * x;
      m4 += x ** 4;
      if (Math.abs(x) > 3.442619855899) tail++;
    }
    m /= n; m2 /= n; m4 /= n;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m2 - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
    // P(|Z| > 3.4426) = 5.76e-4: the ziggurat's base-strip tail must be sampled.
    const p = 5.76e-4;
    expect(Math.abs(tail / n - p)).toBeLessThan(5 * Math.sqrt(p / n));
  });

  it('is reproducible per (seed, stream) and differs across streams', () => {
    const a = new Float64Array(8), b = new Float64Array(8), c = new Float64Array(8);
    new NormalStream(1, 2).fill(a);
    new NormalStream(1, 2).fill(b);
    new NormalStream(1, 3).fill(c);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});
